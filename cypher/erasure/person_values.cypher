// The properties of a person and of each of its ties, with their element ids: what
// erasure overwrites in place before it deletes (store/erasure.py). No row when the
// node is absent or not a person.
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key, id: $id})
USING INDEX n:Entity(network, id)
WHERE n:Staff OR (n:Actor AND n.kind IN $person_kinds)
OPTIONAL MATCH (n)-[r]-(:Entity)
RETURN elementId(n) AS node, properties(n) AS props,
       collect(CASE WHEN r IS NULL THEN null ELSE {tie: elementId(r), props: properties(r)} END)
         AS ties
