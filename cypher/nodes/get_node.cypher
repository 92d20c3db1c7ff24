// One node by id, with its domain label. $id.
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key, id: $id})
USING INDEX n:Entity(network, id)
RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props
