// The ends of every tie that passes the tie filter: the projection that node
// connectivity (services/paths.py, networkx max-flow) runs on.
MATCH (net:Network {name: $network})
MATCH (s:Entity {network: net.key})-[r]->(t:Entity)
WHERE /*@tie_filter*/ true
RETURN s.id AS source, t.id AS target
