// Overwrite properties of ties, each with values of the same size or larger, so that Neo4j
// writes them over the records that held the old ones (store/erasure.py).
UNWIND $rows AS row
MATCH ()-[r]->()
WHERE elementId(r) = row.element_id
SET r += row.props
RETURN count(r) AS written
