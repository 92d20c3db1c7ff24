// Delete up to $batch ties that start at a node under the network key $key; how many went.
// Runs on a key no visible network points to any more (a retired network or an aborted
// staging, services/networks.py): the network vanished in one step before, so these
// batches are invisible. The repository runs it, a transaction a batch, until it deletes
// none (graph/delete_nodes_batch follows): a transaction's memory grows with the ties it
// deletes, so the batch is counted in ties, whatever the degrees. Idempotent.
MATCH (:Entity {network: $key})-[r]->()
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
