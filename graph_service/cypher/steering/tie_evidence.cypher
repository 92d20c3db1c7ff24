// Social ties with their whole evidence (methods and sources), for triangulation: the
// same predicate as analysis/project_ties (types, phase, as-of date, evidence thresholds)
// between nodes with one of $labels.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE type(r) IN $types
  AND any(l IN labels(a) WHERE l IN $labels)
  AND any(l IN labels(b) WHERE l IN $labels)
  AND ($phase IS NULL OR r.phase IS NULL OR r.phase = $phase)
  AND ($as_of IS NULL
       OR ((r.valid_from IS NULL OR r.valid_from <= date($as_of))
           AND (r.valid_to IS NULL OR r.valid_to >= date($as_of))))
  AND coalesce(r.evidence_count, 0) >= $min_evidence
  AND coalesce(r.method_count, 0) >= $min_methods
  AND coalesce(r.source_count, 0) >= $min_sources
  AND coalesce(r.max_confidence, 0.0) >= $min_confidence
RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, r.phase AS phase,
       coalesce(r.ev_methods, []) AS methods, coalesce(r.ev_sources, []) AS sources,
       coalesce(r.evidence_count, 0) AS evidence_count,
       coalesce(r.method_count, 0) AS method_count,
       coalesce(r.source_count, 0) AS source_count,
       r.max_confidence AS max_confidence
ORDER BY id
