// Every node with one of $labels: id, domain label, name and kind (for goal and task
// lists that must include the ones no tie reaches, and for display names).
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key})
WHERE any(l IN labels(n) WHERE l IN $labels)
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label,
       coalesce(n.name, n.id) AS name, n.kind AS kind
ORDER BY id
