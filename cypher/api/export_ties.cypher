// Every tie between nodes of the model in (id, type) order, for export.
MATCH (net:Network {name: $network})
MATCH (s:Entity {network: net.key})-[r]->(t:Entity)
RETURN type(r) AS type, s.id AS source, t.id AS target, properties(r) AS props
ORDER BY r.id, type(r)
