// Delete up to $batch nodes of the model; how many went. Runs after graph/delete_ties_batch
// has taken their ties, so each node costs its own properties only; DETACH takes a tie
// written meanwhile or one that starts outside the model.
MATCH (n:Entity)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
