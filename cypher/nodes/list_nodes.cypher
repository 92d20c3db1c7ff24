// A page of nodes in id order (stable), with the total that match. Filters (null = any):
// $label (a NodeLabel value), $group (id of a Group the node is MEMBER_OF),
// $name_contains (case-insensitive substring of the name), $where (list of {key, values}: the
// property `key` - a validated name, used as a parameter, never spliced - equals one of
// `values`). $offset, $limit. An empty page still returns one row (props null) for the total.
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key})
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($group IS NULL OR EXISTS { (n)-[:MEMBER_OF]->(:Group {network: net.key, id: $group}) })
  AND ($name_contains IS NULL OR toLower(n.name) CONTAINS toLower($name_contains))
  AND all(f IN $where WHERE n[f.key] IN f.values)
WITH net, n.id AS id ORDER BY id
WITH net, collect(id) AS ids
WITH net, ids, ids[$offset..($offset + $limit)] AS page
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE page END AS id
OPTIONAL MATCH (n:Entity {network: net.key, id: id})
USING INDEX n:Entity(network, id)
RETURN size(ids) AS total,
       [l IN labels(n) WHERE l <> 'Entity'][0] AS label,
       properties(n) AS props
ORDER BY id
