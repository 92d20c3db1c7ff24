// Every group's id and name (for legends and reports).
MATCH (g:Group)
RETURN g.id AS id, g.name AS name
