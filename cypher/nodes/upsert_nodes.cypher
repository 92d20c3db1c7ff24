// Upsert a batch of nodes keyed by id (unique across labels through :Entity).
// $rows: [{id, label, props}] where props is the node's whole property map: an upsert
// replaces the stored properties, so importing the same record twice changes nothing.
// The label is dynamic but comes from the NodeLabel vocabulary, validated before.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n = row.props
SET n:$(row.label)
RETURN count(n) AS written
