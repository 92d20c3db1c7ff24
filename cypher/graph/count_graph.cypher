// How many nodes per label and ties per type the network $network holds.
MATCH (net:Network {name: $network})
CALL (net) {
  MATCH (n:Entity {network: net.key})
  UNWIND [l IN labels(n) WHERE l <> 'Entity'] AS label
  RETURN 'node' AS kind, label AS name, count(*) AS count
  UNION ALL
  MATCH (:Entity {network: net.key})-[r]->(:Entity)
  RETURN 'tie' AS kind, type(r) AS name, count(*) AS count
}
RETURN kind, name, count ORDER BY kind, name
