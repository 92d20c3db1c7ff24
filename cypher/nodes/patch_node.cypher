// Partial update of one node: $set is merged into the properties, every key in $remove
// (validated property names) is removed. Returns nothing when the node does not exist.
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key, id: $id})
USING INDEX n:Entity(network, id)
SET n += $set
FOREACH (key IN $remove | SET n[key] = null)
RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props
