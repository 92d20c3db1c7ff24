// The analysis graph in one read, in batches of $batch nodes: each record holds, for each
// node of its batch (nodes with one of $labels, isolates too, in store order), parallel
// lists of the node's id, label, properties and groups and, as one list per node, the
// fields of the social ties it is the source of. Few large records: Bolt and the driver
// move lists of plain values an order of magnitude faster than a record per tie or node.
// Ties: social ties to a node with one of $labels that pass the tie filter
// (cypher/ties/tie_filter.cypher, put in at the mark; $f_types holds the chosen social
// types, null when all of them are). `stored` counts the ties of $social (every social
// type) a node is the source of, filter or not: summed, the "78 stored ties" of the tie
// count. Groups: MEMBER_OF ties valid in the chosen phase and dates ($f_phase, $f_from,
// $f_to; null: any).
// A tie's target is the server's internal id of its node (`keys` lists the batch's nodes'
// ones; ids are stable within the read): a million ties decode as integers, not strings,
// and no property of the target is read. $detail false: of each tie only its target and
// weight (what the metrics use) and, with $types, its type (a directed analysis); the
// other columns come empty (collect skips the nulls), and the server reads no other
// property of the tie (the reads of properties are most of this query's cost). Ties and
// memberships stay inside the network: both ends of a tie are always in one network, so
// every target is among the keys of the read.
// Part $part of $parts (0 <= $part < $parts) returns the batches $part, $part + $parts,
// ... of the node list: reads of the parts run at once on several sessions, the server
// reading one while the client decodes another; `seen` (how many nodes, the sum of their
// internal ids) and `first` (the batch's first position in the list) let the client
// check that the parts saw the same nodes.
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})
WHERE any(l IN labels(a) WHERE l IN $labels)
WITH collect(a) AS nodes
WITH nodes, [size(nodes), reduce(s = 0, n IN nodes | s + id(n))] AS seen
UNWIND range($part * $batch, size(nodes) - 1, $parts * $batch) AS first
CALL {
  WITH nodes, first
  UNWIND nodes[first..first + $batch] AS a
  WITH a,
       [(a)-[s]->(b:Entity)
          WHERE type(s) IN $social AND any(l IN labels(b) WHERE l IN $labels) | s] AS social
  WITH a, size(social) AS stored, [r IN social WHERE /*@tie_filter*/ true] AS ties
  RETURN collect(id(a)) AS keys,
         collect(a.id) AS id,
         collect([l IN labels(a) WHERE l <> 'Entity'][0]) AS label,
         collect(properties(a)) AS props,
         collect([(a)-[m:MEMBER_OF]->(g:Group)
                    WHERE ($f_phase IS NULL OR m.phase IS NULL OR m.phase = $f_phase)
                      AND ($f_from IS NULL OR m.valid_to IS NULL OR m.valid_to >= $f_from)
                      AND ($f_to IS NULL OR m.valid_from IS NULL OR m.valid_from <= $f_to)
                    | g.id]) AS groups,
         collect(stored) AS stored,
         collect([r IN ties | id(endNode(r))]) AS targets,
         collect([r IN ties | coalesce(r.weight, 1.0)]) AS weights,
         collect(CASE WHEN $detail OR $types THEN [r IN ties | type(r)] END) AS types,
         collect(CASE WHEN $detail THEN [r IN ties | r.id] END) AS ids,
         collect(CASE WHEN $detail THEN [r IN ties | r.phase] END) AS phases,
         collect(CASE WHEN $detail THEN [r IN ties | coalesce(r.evidence_count, 0)] END) AS evidence_counts,
         collect(CASE WHEN $detail THEN [r IN ties | coalesce(r.method_count, 0)] END) AS method_counts,
         collect(CASE WHEN $detail THEN [r IN ties | coalesce(r.source_count, 0)] END) AS source_counts,
         collect(CASE WHEN $detail THEN [r IN ties | r.max_confidence] END) AS max_confidences,
         collect(CASE WHEN $detail THEN [r IN ties | coalesce(r.ev_methods, [])] END) AS methods
}
RETURN seen, first, keys, id, label, props, groups, stored, targets, weights, types, ids, phases,
       evidence_counts, method_counts, source_counts, max_confidences, methods
