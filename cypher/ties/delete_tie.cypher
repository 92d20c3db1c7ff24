// Delete one tie by type and id (the type comes from ties/get_tie). Returns the count.
MATCH ()-[r:$($type) {id: $id}]->()
DELETE r
RETURN count(*) AS deleted
