// Create one node; the uniqueness constraint on :Entity(id) turns a second create of the
// same id into a ConstraintError (409). $id, $label (from the NodeLabel vocabulary,
// validated before), $props (the whole property map).
MERGE (net:Network {name: $network})
  ON CREATE SET net.key = $new_key, net.created = datetime()
CREATE (n:Entity {network: net.key, id: $id})
SET n = $props, n.network = net.key
SET n:$($label)
RETURN n.id AS id
