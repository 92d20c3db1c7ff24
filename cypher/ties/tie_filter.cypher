// The tie filter (graph_service/filters.py, TieFilter): the ONE predicate over a
// tie `r` that every query taking a filter applies. Queries include the lines between
// BEGIN and END where they carry the tie_filter mark (repository.TIE_FILTER_MARK);
// run on its own, this file counts the ties that pass.
// Parameters, each null for "no constraint": $f_types (list of RelType values), $f_phase,
// $f_from / $f_to (dates: the tie's validity overlaps the window), $f_methods (evidence
// seen by one of these methods), $f_min_evidence, $f_min_methods, $f_min_sources, $f_min_confidence.
// A tie without a phase or without dates holds in every phase and at every time.
// A tie with no observation has 0 observations, 0 methods, 0 sources and no confidence:
// it passes every null condition (TieFilter turns a threshold of 0 into null) and fails
// every real threshold (coalesce: false, never null, so the predicate can be negated).
MATCH (net:Network {name: $network})
MATCH (:Entity {network: net.key})-[r]->(:Entity)
WHERE
// BEGIN tie_filter
  ($f_types IS NULL OR type(r) IN $f_types)
  AND ($f_phase IS NULL OR r.phase IS NULL OR r.phase = $f_phase)
  AND ($f_from IS NULL OR r.valid_to IS NULL OR r.valid_to >= $f_from)
  AND ($f_to IS NULL OR r.valid_from IS NULL OR r.valid_from <= $f_to)
  AND ($f_methods IS NULL OR any(m IN coalesce(r.ev_methods, []) WHERE m IN $f_methods))
  AND ($f_min_evidence IS NULL OR coalesce(r.evidence_count, 0) >= $f_min_evidence)
  AND ($f_min_methods IS NULL OR coalesce(r.method_count, 0) >= $f_min_methods)
  AND ($f_min_sources IS NULL OR coalesce(r.source_count, 0) >= $f_min_sources)
  AND ($f_min_confidence IS NULL OR coalesce(r.max_confidence, 0.0) >= $f_min_confidence)
// END tie_filter
RETURN count(r) AS ties
