// One tie by id, whatever its type. This is one branch; the repository repeats it once per
// RelType (typed_union_query, joined with UNION ALL), so each branch uses that type's unique
// index on id and a new type needs no change here; a MATCH without a type would scan every
// relationship. $id.
MATCH (net:Network {name: $network})
MATCH (s)-[r:/*@rel_type*/KNOWS {network: net.key, id: $id}]->(t)
RETURN type(r) AS type, s.id AS source, t.id AS target, properties(r) AS props
