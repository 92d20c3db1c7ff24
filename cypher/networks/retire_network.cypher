// Make the network $network invisible in one step: its Network node becomes a Retired one
// (renamed out of the name space users can ask for), so every query that anchors on the
// name finds nothing at once; its entities are deleted afterwards, by key, in batches
// (graph/delete_ties_batch, graph/delete_nodes_batch). The retired key; no row when there
// was no such network.
MATCH (net:Network {name: $network})
WHERE NOT net:Staging AND NOT net:Retired
SET net:Retired, net.name = '~retired-' + net.key, net.retired = datetime()
RETURN net.key AS key
