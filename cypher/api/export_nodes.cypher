// Every node of the model in id order, for export.
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key})
RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props
ORDER BY n.id
