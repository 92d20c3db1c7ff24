// How many nodes of the model and ties starting at them the store holds, from the count
// store (constant time): what a delete has to do.
CALL () { MATCH (n:Entity) RETURN count(n) AS nodes }
CALL () { MATCH (:Entity)-[r]->() RETURN count(r) AS ties }
RETURN nodes, ties
