// Delete one tie by type and id (the type comes from ties/get_tie). Returns the count.
MATCH (net:Network {name: $network})
MATCH ()-[r:$($type) {network: net.key, id: $id}]->()
DELETE r
RETURN count(*) AS deleted
