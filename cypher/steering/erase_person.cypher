// Erase a person (Staff, or an Actor whose kind is one of $person_kinds) with every tie
// it has, and so every observation (evidence lives on the ties). Returns what was erased;
// no row when the node is absent or not a person. Idempotent: a retry finds nothing left.
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key, id: $id})
USING INDEX n:Entity(network, id)
WHERE n:Staff OR (n:Actor AND n.kind IN $person_kinds)
OPTIONAL MATCH (n)-[r]-(other:Entity)
WITH n, [l IN labels(n) WHERE l <> 'Entity'][0] AS label,
     collect(CASE WHEN r IS NULL THEN null ELSE {
       id: r.id, type: type(r), other: other.id,
       observations: coalesce(r.evidence_count, 0)
     } END) AS ties
DETACH DELETE n
RETURN label, ties
