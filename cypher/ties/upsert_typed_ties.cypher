// Upsert a batch of ties of ONE type, keyed by (type, id). $rows: [{id, source, target,
// props}]; props is the tie's whole property map (evidence as parallel arrays ev_*), so a
// second import of the same tie changes nothing. The repository writes the type into the
// text where it says /*@rel_type*/ (a RelType member, never user text; KNOWS when run as
// is): with a static type MERGE seeks the type's unique index on id, where a dynamic
// type ($(row.type)) scans every relationship for each row. Both ends were checked to exist.
MATCH (net:Network {name: $network})
UNWIND $rows AS row
MATCH (s:Entity {network: net.key, id: row.source})
USING INDEX s:Entity(network, id)
MATCH (t:Entity {network: net.key, id: row.target})
USING INDEX t:Entity(network, id)
MERGE (s)-[r:/*@rel_type*/KNOWS {network: net.key, id: row.id}]->(t)
SET r = row.props, r.network = net.key
RETURN count(r) AS written
