// How many nodes of the network $network and ties starting at them the store holds: what
// a delete has to do. The nodes come from the index on :Entity(network), the ties from
// each node's degree (no tie is read). No row when the network does not exist.
MATCH (net:Network {name: $network})
OPTIONAL MATCH (n:Entity {network: net.key})
RETURN count(n) AS nodes, sum(COUNT { (n)-->() }) AS ties
