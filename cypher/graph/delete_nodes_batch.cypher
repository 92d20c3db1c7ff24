// Delete up to $batch nodes under the network key $key (see graph/delete_ties_batch);
// how many went. Runs after graph/delete_ties_batch has taken their ties, so each node
// costs its own properties only; DETACH takes a tie written meanwhile.
MATCH (n:Entity {network: $key})
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
