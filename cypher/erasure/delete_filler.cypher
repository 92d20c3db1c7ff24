// Delete the throw-away nodes of create_filler.cypher.
MATCH (f:ErasureFiller)
DELETE f
RETURN count(f) AS deleted
