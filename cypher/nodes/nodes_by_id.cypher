// The nodes among $ids that exist, with their domain label.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props
