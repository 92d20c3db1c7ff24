// The nodes among $ids that exist, with their domain label.
MATCH (net:Network {name: $network})
UNWIND $ids AS id
MATCH (n:Entity {network: net.key, id: id})
USING INDEX n:Entity(network, id)
RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props
