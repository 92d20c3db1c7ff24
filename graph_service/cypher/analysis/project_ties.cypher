// The ties of the analysis graph: relationships of $types between nodes with one of
// $labels that pass the filters (phase, as-of date, evidence). Streamed to the client in
// the driver's fetch batches. A tie without a phase or validity dates counts in every
// phase and on every date.
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
RETURN a.id AS source, b.id AS target, type(r) AS type, r.id AS id,
       coalesce(r.weight, 1.0) AS weight, r.phase AS phase,
       r.evidence_count AS evidence_count, r.method_count AS method_count,
       r.source_count AS source_count, r.max_confidence AS max_confidence,
       r.ev_methods AS methods
