// A page of ties in (id, type) order, with the total that match: the tie filter plus
// $node (either end), $source, $target (ids; null = any). $offset, $limit. An empty page
// still returns one row (type null) for the total.
MATCH (net:Network {name: $network})
MATCH (s:Entity {network: net.key})-[r]->(t:Entity)
WHERE ($node IS NULL OR s.id = $node OR t.id = $node)
  AND ($source IS NULL OR s.id = $source)
  AND ($target IS NULL OR t.id = $target)
  AND /*@tie_filter*/ true
WITH s, r, t ORDER BY r.id, type(r)
WITH collect({s: s.id, r: r, t: t.id}) AS matched
WITH matched, matched[$offset..($offset + $limit)] AS page
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE page END AS row
RETURN size(matched) AS total, type(row.r) AS type, row.s AS source, row.t AS target,
       properties(row.r) AS props
