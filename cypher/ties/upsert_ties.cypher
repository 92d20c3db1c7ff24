// Upsert a batch of ties keyed by (type, id). $rows: [{id, type, source, target, props}].
// props is the tie's whole property map (evidence as parallel arrays ev_*), so a second
// import of the same tie changes nothing. The type is dynamic but comes from the
// RelType vocabulary, validated before; both ends were checked to exist.
UNWIND $rows AS row
MATCH (s:Entity {id: row.source})
MATCH (t:Entity {id: row.target})
MERGE (s)-[r:$(row.type) {id: row.id}]->(t)
SET r = row.props
RETURN count(r) AS written
