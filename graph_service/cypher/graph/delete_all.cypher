// Delete every node of the model and its ties (used by tests and `load --replace`).
MATCH (n:Entity)
DETACH DELETE n
