// Affiliation ties of $types (MEMBER_OF, PARTICIPATES_IN, RESPONSIBLE_FOR, ADVANCES,
// PART_OF) valid in the chosen phase and dates, with the labels of both ends:
// the input of goal coverage and parallel structures. A tie without a phase or validity
// dates counts in every phase and on every date (as in analysis/project_ties).
// $types: relationship type names from the RelType vocabulary; $f_phase, $f_from, $f_to: the phase and date window of the tie filter (null: any).
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})-[r]->(b:Entity)
WHERE type(r) IN $types
  AND ($f_phase IS NULL OR r.phase IS NULL OR r.phase = $f_phase)
  AND ($f_from IS NULL OR r.valid_to IS NULL OR r.valid_to >= $f_from)
            AND ($f_to IS NULL OR r.valid_from IS NULL OR r.valid_from <= $f_to)
RETURN type(r) AS type, r.id AS id, r.role AS role,
       a.id AS source, [l IN labels(a) WHERE l <> 'Entity'][0] AS source_label,
       a.kind AS source_kind,
       b.id AS target, [l IN labels(b) WHERE l <> 'Entity'][0] AS target_label,
       coalesce(r.evidence_count, 0) AS evidence_count,
       coalesce(r.method_count, 0) AS method_count,
       coalesce(r.source_count, 0) AS source_count
ORDER BY type, id
