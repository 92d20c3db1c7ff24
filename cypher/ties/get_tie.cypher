// One tie by id, whatever its type. Spelled out per type (one branch per RelType, checked
// by tests/api/test_cypher_files.py) so each branch uses that type's unique index on id;
// a MATCH without a type would scan every relationship. $id.
CALL () {
  MATCH (s)-[r:COLLABORATES_WITH {id: $id}]->(t)
  RETURN s, r, t
  UNION ALL
  MATCH (s)-[r:COMMUNICATES_WITH {id: $id}]->(t)
  RETURN s, r, t
  UNION ALL
  MATCH (s)-[r:ADVISES {id: $id}]->(t)
  RETURN s, r, t
  UNION ALL
  MATCH (s)-[r:KNOWS {id: $id}]->(t)
  RETURN s, r, t
  UNION ALL
  MATCH (s)-[r:FUNDS {id: $id}]->(t)
  RETURN s, r, t
  UNION ALL
  MATCH (s)-[r:MEMBER_OF {id: $id}]->(t)
  RETURN s, r, t
  UNION ALL
  MATCH (s)-[r:PARTICIPATES_IN {id: $id}]->(t)
  RETURN s, r, t
  UNION ALL
  MATCH (s)-[r:RESPONSIBLE_FOR {id: $id}]->(t)
  RETURN s, r, t
  UNION ALL
  MATCH (s)-[r:ADVANCES {id: $id}]->(t)
  RETURN s, r, t
  UNION ALL
  MATCH (s)-[r:PART_OF {id: $id}]->(t)
  RETURN s, r, t
}
RETURN type(r) AS type, s.id AS source, t.id AS target, properties(r) AS props
