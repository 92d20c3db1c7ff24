// The common contacts of two nodes: every node tied to both (ties that pass the tie
// filter, either direction), with the ties to each. $a, $b.
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key, id: $a}), (b:Entity {network: net.key, id: $b})
USING INDEX a:Entity(network, id) USING INDEX b:Entity(network, id)
MATCH (a)-[r]-(c:Entity)
WHERE c <> b AND /*@tie_filter*/ true
WITH a, b, c, collect({type: type(r), source: startNode(r).id, target: endNode(r).id,
                       props: properties(r)}) AS via_a
MATCH (c)-[r]-(b)
WHERE /*@tie_filter*/ true
WITH c, via_a, collect({type: type(r), source: startNode(r).id, target: endNode(r).id,
                        props: properties(r)}) AS via_b
RETURN [l IN labels(c) WHERE l <> 'Entity'][0] AS label, properties(c) AS props, via_a, via_b
ORDER BY c.id
