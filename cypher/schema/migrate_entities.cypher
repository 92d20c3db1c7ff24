// Move every node made before networks (no `network` property) and the ties that start at
// it into the network under $key, in transactions of $batch nodes (an auto-commit query:
// CALL ... IN TRANSACTIONS), so a large store migrates with bounded memory. Idempotent:
// a migration cut short moves the rest when run again.
MATCH (n:Entity)
WHERE n.network IS NULL
CALL (n) {
  SET n.network = $key
  WITH n
  OPTIONAL MATCH (n)-[r]->()
  WHERE r.network IS NULL
  SET r.network = $key
} IN TRANSACTIONS OF $batch ROWS
