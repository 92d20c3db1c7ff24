// Upsert a batch of ties keyed by (type, id). $rows: [{id, type, source, target, props}].
// props is the tie's whole property map (evidence as parallel arrays ev_*), so a second
// import of the same tie changes nothing. The type is dynamic but comes from the
// RelType vocabulary, validated before; both ends were checked to exist.
MATCH (net:Network {name: $network})
UNWIND $rows AS row
MATCH (s:Entity {network: net.key, id: row.source})
USING INDEX s:Entity(network, id)
MATCH (t:Entity {network: net.key, id: row.target})
USING INDEX t:Entity(network, id)
MERGE (s)-[r:$(row.type) {network: net.key, id: row.id}]->(t)
SET r = row.props, r.network = net.key
RETURN count(r) AS written
