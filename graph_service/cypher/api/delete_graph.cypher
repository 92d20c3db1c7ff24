// Delete every node of the model and its ties in transactions of 10,000 nodes, so that
// a large graph does not exceed the server's transaction memory (graph/delete_all does it
// in one). Runs as an auto-commit query (CALL … IN TRANSACTIONS needs one).
MATCH (n:Entity)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
