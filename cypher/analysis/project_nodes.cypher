// The nodes of the analysis graph: every node with one of $labels, its properties, and
// the groups it belongs to (MEMBER_OF ties valid in the chosen phase and dates).
// $f_phase, $f_from, $f_to: the phase and date window of the tie filter (null: any).
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key})
WHERE any(l IN labels(n) WHERE l IN $labels)
RETURN n.id AS id,
       [l IN labels(n) WHERE l <> 'Entity'][0] AS label,
       properties(n) AS props,
       [(n)-[m:MEMBER_OF]->(g:Group)
          WHERE ($f_phase IS NULL OR m.phase IS NULL OR m.phase = $f_phase)
            AND ($f_from IS NULL OR m.valid_to IS NULL OR m.valid_to >= $f_from)
            AND ($f_to IS NULL OR m.valid_from IS NULL OR m.valid_from <= $f_to)
          | g.id] AS groups
