// Create one tie (the caller checked that no tie has its id). $source, $target, $type
// (from the RelType vocabulary, validated before), $props (whole property map).
MATCH (net:Network {name: $network})
MATCH (s:Entity {network: net.key, id: $source})
USING INDEX s:Entity(network, id)
MATCH (t:Entity {network: net.key, id: $target})
USING INDEX t:Entity(network, id)
CREATE (s)-[r:$($type)]->(t)
SET r = $props, r.network = net.key
RETURN r.id AS id
