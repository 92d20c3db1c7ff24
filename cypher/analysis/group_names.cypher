// Every group's id and name (for legends and reports).
MATCH (net:Network {name: $network})
MATCH (g:Group {network: net.key})
RETURN g.id AS id, g.name AS name
