// Social ties with their whole evidence (methods and sources), for triangulation: the
// tie filter as analysis/project_ties (cypher/ties/tie_filter.cypher, put in at the mark)
// between nodes with one of $labels.
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})-[r]->(b:Entity)
WHERE any(l IN labels(a) WHERE l IN $labels)
  AND any(l IN labels(b) WHERE l IN $labels)
  AND /*@tie_filter*/ true
RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, r.phase AS phase,
       coalesce(r.ev_methods, []) AS methods, coalesce(r.ev_sources, []) AS sources,
       coalesce(r.evidence_count, 0) AS evidence_count,
       coalesce(r.method_count, 0) AS method_count,
       coalesce(r.source_count, 0) AS source_count,
       r.max_confidence AS max_confidence
ORDER BY id
