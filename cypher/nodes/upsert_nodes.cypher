// Upsert a batch of nodes keyed by id (unique across labels through :Entity).
// $rows: [{id, label, props}] where props is the node's whole property map: an upsert
// replaces the stored properties, so importing the same record twice changes nothing.
// The label is dynamic but comes from the NodeLabel vocabulary, validated before.
MERGE (net:Network {name: $network})
  ON CREATE SET net.key = $new_key, net.created = datetime()
WITH net
UNWIND $rows AS row
MERGE (n:Entity {network: net.key, id: row.id})
SET n = row.props, n.network = net.key
SET n:$(row.label)
RETURN count(n) AS written
