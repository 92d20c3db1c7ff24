// Delete up to $batch ties that start at a node of the model; how many went. The
// repository runs it, a transaction a batch, until it deletes none (graph/delete_nodes_batch
// follows): a transaction's memory grows with the ties it deletes (their properties go
// into the transaction log), so the batch is counted in ties, whatever the degrees.
// Idempotent: an interrupted delete completes when run again.
MATCH (:Entity)-[r]->()
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
