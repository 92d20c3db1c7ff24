// How many ties the shortest path between two nodes has, over the ties that pass the tie
// filter (read as undirected), at any length: the answer's hint when no path fits the
// requested maximum. No row when no path joins them. $source, $target.
MATCH (net:Network {name: $network})
MATCH (s:Entity {network: net.key, id: $source})
USING INDEX s:Entity(network, id)
CALL (net) {
  MATCH (t:Entity {network: net.key, id: $target})
  USING INDEX t:Entity(network, id)
  RETURN t
}
MATCH p = SHORTEST 1 (s)(()-[r]-() WHERE /*@tie_filter*/ true)+(t)
RETURN length(p) AS length
