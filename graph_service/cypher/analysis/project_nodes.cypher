// The nodes of the analysis graph: every node with one of $labels, its properties, and
// the groups it belongs to (MEMBER_OF ties valid in the chosen phase / on the as-of date).
// $phase: null or a phase name; $as_of: null or an ISO date (text).
MATCH (n:Entity)
WHERE any(l IN labels(n) WHERE l IN $labels)
RETURN n.id AS id,
       [l IN labels(n) WHERE l <> 'Entity'][0] AS label,
       properties(n) AS props,
       [(n)-[m:MEMBER_OF]->(g:Group)
          WHERE ($phase IS NULL OR m.phase IS NULL OR m.phase = $phase)
            AND ($as_of IS NULL
                 OR ((m.valid_from IS NULL OR m.valid_from <= date($as_of))
                     AND (m.valid_to IS NULL OR m.valid_to >= date($as_of))))
          | g.id] AS groups
