// How many social ties the analysis projection starts from and how many pass the tie
// filter: the two numbers of "78 stored ties, 0 pass: min-confidence 0.5".
// $labels: the node labels of the analysis graph; $social: every social tie type (the
// stored ties); the $f_* parameters of the tie filter (cypher/ties/tie_filter.cypher,
// put in at the mark; $f_types holds the chosen social types).
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})-[r]->(b:Entity)
WHERE type(r) IN $social
  AND any(l IN labels(a) WHERE l IN $labels)
  AND any(l IN labels(b) WHERE l IN $labels)
RETURN count(r) AS stored,
       count(CASE WHEN /*@tie_filter*/ true THEN r END) AS passing
