// The ego networks of the nodes $ids (one row per id that exists, in any order): every
// node within the radius (1..3 hops) over ties that pass the tie filter (read as
// undirected), with its distance, and the filtered ties among them. Cypher takes no
// parameter for a quantifier's bound: the repository writes the radius (an int 1..3,
// validated) where it says /*@max_hops*/. ANY SHORTEST gives one path per reached node,
// i.e. a breadth-first search. Several ids at once: the API gathers the ego networks
// that concurrent requests ask for into one query (api/coalesce.py).
MATCH (net:Network {name: $network})
UNWIND $ids AS id
MATCH (c:Entity {network: net.key, id: id})
USING INDEX c:Entity(network, id)
CALL (c) {
  OPTIONAL MATCH p = ANY SHORTEST (c)(()-[r]-() WHERE /*@tie_filter*/ true){1,/*@max_hops*/3}(n:Entity)
  WITH c, [x IN collect({node: n, distance: length(p)}) WHERE x.node <> c] AS found
  RETURN [{node: c, distance: 0}] + found AS members
}
WITH c, members, [m IN members | m.node] AS ns
CALL (ns) {
  UNWIND ns AS a
  MATCH (a)-[r]->(b)
  WHERE b IN ns AND /*@tie_filter*/ true
  RETURN collect({type: type(r), source: a.id, target: b.id, props: properties(r)}) AS ties
}
RETURN c.id AS id,
       [m IN members | {label: [l IN labels(m.node) WHERE l <> 'Entity'][0],
         props: properties(m.node), distance: m.distance}] AS nodes,
       ties
