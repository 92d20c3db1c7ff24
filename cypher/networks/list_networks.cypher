// Every visible network (not a staging import, not a retired one being deleted) with its
// nodes per label and ties per type; a network with no node has empty maps.
MATCH (net:Network)
WHERE NOT net:Staging AND NOT net:Retired
CALL (net) {
  OPTIONAL MATCH (n:Entity {network: net.key})
  UNWIND coalesce([l IN labels(n) WHERE l <> 'Entity'], [null]) AS label
  WITH label, count(n) AS count WHERE label IS NOT NULL
  RETURN collect({name: label, count: count}) AS nodes
}
CALL (net) {
  OPTIONAL MATCH (:Entity {network: net.key})-[r]->(:Entity)
  WITH type(r) AS type, count(r) AS count WHERE type IS NOT NULL
  RETURN collect({name: type, count: count}) AS ties
}
RETURN net.name AS name, net.created AS created, nodes, ties
ORDER BY name
