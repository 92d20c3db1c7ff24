// Every shortest path between a member of group $group_a and a member of group $group_b
// (MEMBER_OF), over ties that pass the tie filter (read as undirected), of at most the
// maximum length (an int 1..8, validated, that the repository writes where it says
// /*@max_hops*/: Cypher takes no parameter there); at most $max_paths rows. The service
// ranks the brokers from these paths (services/paths.py).
MATCH (net:Network {name: $network})
MATCH (:Group {network: net.key, id: $group_a})<-[:MEMBER_OF]-(a:Entity)
MATCH (:Group {network: net.key, id: $group_b})<-[:MEMBER_OF]-(b:Entity)
WHERE a <> b
MATCH p = ALL SHORTEST (a)(()-[r]-() WHERE /*@tie_filter*/ true){1,/*@max_hops*/8}(b)
WITH a, b, p LIMIT $max_paths
RETURN a.id AS a, b.id AS b, [n IN nodes(p) | n.id] AS nodes,
       [r IN relationships(p) | {type: type(r), source: startNode(r).id,
         target: endNode(r).id, props: properties(r)}] AS ties
