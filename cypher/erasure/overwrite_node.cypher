// Overwrite properties of one node with values of the same size or larger, so that Neo4j
// writes them over the records that held the old ones (store/erasure.py).
MATCH (n)
WHERE elementId(n) = $element_id
SET n += $props
RETURN count(n) AS written
