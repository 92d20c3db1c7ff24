// The k shortest simple paths between the two nodes of each pair of $pairs (maps
// {source, target}; one row a pair) over the ties that pass the tie filter, read as
// undirected contacts; each path once per node sequence, each hop with every tie that
// joins its two nodes and passes the filter. $k (1..10) for every pair.
// One query answers a whole request: with the paths come the labels of the two ends
// (null for an id of no node) and, only when no path fits, how many ties the shortest
// path has at any length (null when none joins them). Most requests between two random
// people of a large network find no path of a few ties: this was three queries there.
// Several pairs at once: the API gathers the paths requests that arrive while a search
// runs into one query (api/coalesce.py); a request alone is a list of one.
// Cypher takes no parameter for SHORTEST's count or a quantifier's bound: SHORTEST 30
// leaves room for k <= 10 distinct node sequences (parallel ties of several types give
// one sequence several times), and the repository writes the maximum length (an int
// 1..8, validated) where it says /*@max_hops*/ (8 when run as is). A bound in the
// pattern, not a filter on size(r), keeps the search from exploring longer paths.
// A missing end is a null node: the searches find nothing from it.
MATCH (net:Network {name: $network})
UNWIND $pairs AS pair
OPTIONAL MATCH (s:Entity {network: net.key, id: pair.source})
USING INDEX s:Entity(network, id)
OPTIONAL MATCH (t:Entity {network: net.key, id: pair.target})
USING INDEX t:Entity(network, id)
CALL (s, t) {
  MATCH p = SHORTEST 30 (s)(()-[r]-() WHERE /*@tie_filter*/ true){1,/*@max_hops*/8}(t)
  WITH nodes(p) AS ns
  // simple paths only: SHORTEST returns trails, which may pass a node twice
  WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
  WITH DISTINCT ns
  WITH ns ORDER BY size(ns), [n IN ns | n.id] LIMIT $k
  CALL (ns) {
    UNWIND range(0, size(ns) - 2) AS i
    WITH i, ns[i] AS a, ns[i + 1] AS b
    MATCH (a)-[r]-(b)
    WHERE /*@tie_filter*/ true
    WITH i, r ORDER BY r.id, type(r)
    WITH i, collect({type: type(r), source: startNode(r).id, target: endNode(r).id,
                     props: properties(r)}) AS ties
    ORDER BY i
    RETURN collect(ties) AS hops
  }
  WITH ns, hops ORDER BY size(ns), [n IN ns | n.id]
  RETURN collect({
    nodes: [n IN ns | {label: [l IN labels(n) WHERE l <> 'Entity'][0], props: properties(n)}],
    hops: hops
  }) AS paths
}
CALL (s, t, paths) {
  WITH s, t WHERE size(paths) = 0
  MATCH p = SHORTEST 1 (s)(()-[r]-() WHERE /*@tie_filter*/ true)+(t)
  RETURN min(length(p)) AS shortest
}
RETURN pair.source AS source, pair.target AS target,
       [l IN labels(s) WHERE l <> 'Entity'][0] AS source_label,
       [l IN labels(t) WHERE l <> 'Entity'][0] AS target_label,
       paths,
       shortest
