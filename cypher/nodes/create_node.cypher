// Create one node; the uniqueness constraint on :Entity(id) turns a second create of the
// same id into a ConstraintError (409). $id, $label (from the NodeLabel vocabulary,
// validated before), $props (the whole property map).
CREATE (n:Entity {id: $id})
SET n = $props
SET n:$($label)
RETURN n.id AS id
