// How many nodes and relationships the database holds, of any label and type, from the
// count store (constant time): the offline importer loads only into an empty store.
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS ties }
RETURN nodes, ties
