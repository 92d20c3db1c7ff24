// The ties of the analysis graph: social ties between nodes with one of $labels that
// pass the tie filter (cypher/ties/tie_filter.cypher, put in at the mark; $f_types holds
// the chosen social types). Streamed to the client in the driver's fetch batches.
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})-[r]->(b:Entity)
WHERE any(l IN labels(a) WHERE l IN $labels)
  AND any(l IN labels(b) WHERE l IN $labels)
  AND /*@tie_filter*/ true
RETURN a.id AS source, b.id AS target, type(r) AS type, r.id AS id,
       coalesce(r.weight, 1.0) AS weight, r.phase AS phase,
       coalesce(r.evidence_count, 0) AS evidence_count,
       coalesce(r.method_count, 0) AS method_count,
       coalesce(r.source_count, 0) AS source_count, r.max_confidence AS max_confidence,
       coalesce(r.ev_methods, []) AS methods
