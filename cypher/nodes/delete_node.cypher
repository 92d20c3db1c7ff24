// Delete one node and its ties. Returns how many ties went with it (no row: not found).
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key, id: $id})
USING INDEX n:Entity(network, id)
WITH n, COUNT { (n)--() } AS ties
DETACH DELETE n
RETURN ties
