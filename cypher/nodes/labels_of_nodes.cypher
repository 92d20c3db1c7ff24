// The domain label of each stored node among $ids (those not stored are absent).
MATCH (net:Network {name: $network})
UNWIND $ids AS id
MATCH (n:Entity {network: net.key, id: id})
USING INDEX n:Entity(network, id)
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label
