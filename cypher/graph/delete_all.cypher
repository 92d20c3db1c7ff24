// Delete every node of the model and its ties, in transactions of 10,000 nodes so that a
// large graph stays within the server's transaction memory (used by tests, `import
// --replace`, the demo and DELETE /graph). Runs as an auto-commit query, since
// CALL … IN TRANSACTIONS needs one; idempotent, so an interrupted delete completes when
// run again.
MATCH (n:Entity)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
