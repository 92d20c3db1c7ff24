// The analysis graph in one read, in batches of $batch nodes: each record holds, for each
// node of its batch (nodes with one of $labels, isolates too, in store order), parallel
// lists of the node's id, label, properties and groups and, as one list per node, the
// fields of the social ties it is the source of. Few large records: Bolt and the driver
// move lists of plain values an order of magnitude faster than a record per tie or node.
// Ties: social ties to a node with one of $labels that pass the tie filter
// (cypher/ties/tie_filter.cypher, put in at the mark; $f_types holds the chosen social
// types). `stored` counts the ties of $social (every social type) a node is the source
// of, filter or not: summed, the "78 stored ties" of the tie count. Groups: MEMBER_OF ties
// valid in the chosen phase and dates ($f_phase, $f_from, $f_to; null: any).
// $detail false: of each tie only its target, type and weight (what the metrics use);
// the other lists come empty, and the server reads no other property of the tie (the
// reads of properties are most of this query's cost). Ties and memberships stay inside
// the network: both ends of a tie are always in one network.
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})
WHERE any(l IN labels(a) WHERE l IN $labels)
WITH collect(a) AS nodes
UNWIND range(0, size(nodes) - 1, $batch) AS first
CALL {
  WITH nodes, first
  UNWIND nodes[first..first + $batch] AS a
  WITH a,
       [(a)-[s]->(b:Entity)
          WHERE type(s) IN $social AND any(l IN labels(b) WHERE l IN $labels) | s] AS social
  WITH a, size(social) AS stored, [r IN social WHERE /*@tie_filter*/ true] AS ties
  RETURN collect(a.id) AS id,
         collect([l IN labels(a) WHERE l <> 'Entity'][0]) AS label,
         collect(properties(a)) AS props,
         collect([(a)-[m:MEMBER_OF]->(g:Group)
                    WHERE ($f_phase IS NULL OR m.phase IS NULL OR m.phase = $f_phase)
                      AND ($f_from IS NULL OR m.valid_to IS NULL OR m.valid_to >= $f_from)
                      AND ($f_to IS NULL OR m.valid_from IS NULL OR m.valid_from <= $f_to)
                    | g.id]) AS groups,
         collect(stored) AS stored,
         collect([r IN ties | endNode(r).id]) AS targets,
         collect([r IN ties | type(r)]) AS types,
         collect(CASE WHEN $detail THEN [r IN ties | r.id] ELSE [] END) AS ids,
         collect([r IN ties | coalesce(r.weight, 1.0)]) AS weights,
         collect(CASE WHEN $detail THEN [r IN ties | r.phase] ELSE [] END) AS phases,
         collect(CASE WHEN $detail THEN [r IN ties | coalesce(r.evidence_count, 0)] ELSE [] END) AS evidence_counts,
         collect(CASE WHEN $detail THEN [r IN ties | coalesce(r.method_count, 0)] ELSE [] END) AS method_counts,
         collect(CASE WHEN $detail THEN [r IN ties | coalesce(r.source_count, 0)] ELSE [] END) AS source_counts,
         collect(CASE WHEN $detail THEN [r IN ties | r.max_confidence] ELSE [] END) AS max_confidences,
         collect(CASE WHEN $detail THEN [r IN ties | coalesce(r.ev_methods, [])] ELSE [] END) AS methods
}
RETURN id, label, props, groups, stored, targets, types, ids, weights, phases,
       evidence_counts, method_counts, source_counts, max_confidences, methods
