// Delete one node and its ties. Returns how many ties went with it (no row: not found).
MATCH (n:Entity {id: $id})
WITH n, COUNT { (n)--() } AS ties
DETACH DELETE n
RETURN ties
