// Create one tie (the caller checked that no tie has its id). $source, $target, $type
// (from the RelType vocabulary, validated before), $props (whole property map).
MATCH (s:Entity {id: $source})
MATCH (t:Entity {id: $target})
CREATE (s)-[r:$($type)]->(t)
SET r = $props
RETURN r.id AS id
