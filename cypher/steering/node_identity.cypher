// Label and kind of one node, to check it is a person before erasing it.
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key, id: $id})
USING INDEX n:Entity(network, id)
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n.kind AS kind
