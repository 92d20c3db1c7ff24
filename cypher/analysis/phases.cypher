// The project phases the data knows: every phase a tie or membership carries (ties
// without a phase hold in all phases and name none). A filter on another phase is refused.
MATCH (net:Network {name: $network})
MATCH (:Entity {network: net.key})-[r]->(:Entity)
WHERE r.phase IS NOT NULL
RETURN collect(DISTINCT r.phase) AS phases
