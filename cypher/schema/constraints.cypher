// Uniqueness constraints and indexes of the graph model, applied at start-up.
// Idempotent (IF NOT EXISTS). One statement per line-separated block, ended by ';'.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE INDEX actor_name IF NOT EXISTS FOR (n:Actor) ON (n.name);
CREATE INDEX staff_name IF NOT EXISTS FOR (n:Staff) ON (n.name);
CREATE INDEX group_name IF NOT EXISTS FOR (n:Group) ON (n.name);
CREATE INDEX initiative_name IF NOT EXISTS FOR (n:Initiative) ON (n.name);
CREATE INDEX goal_name IF NOT EXISTS FOR (n:Goal) ON (n.name);
CREATE INDEX task_name IF NOT EXISTS FOR (n:Task) ON (n.name);
CREATE CONSTRAINT collaborates_with_id IF NOT EXISTS FOR ()-[r:COLLABORATES_WITH]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT communicates_with_id IF NOT EXISTS FOR ()-[r:COMMUNICATES_WITH]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT advises_id IF NOT EXISTS FOR ()-[r:ADVISES]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT knows_id IF NOT EXISTS FOR ()-[r:KNOWS]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT funds_id IF NOT EXISTS FOR ()-[r:FUNDS]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT member_of_id IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT participates_in_id IF NOT EXISTS FOR ()-[r:PARTICIPATES_IN]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT responsible_for_id IF NOT EXISTS FOR ()-[r:RESPONSIBLE_FOR]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT advances_id IF NOT EXISTS FOR ()-[r:ADVANCES]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT part_of_id IF NOT EXISTS FOR ()-[r:PART_OF]-() REQUIRE r.id IS UNIQUE;
CREATE INDEX knows_phase IF NOT EXISTS FOR ()-[r:KNOWS]-() ON (r.phase);
CREATE INDEX collaborates_with_phase IF NOT EXISTS FOR ()-[r:COLLABORATES_WITH]-() ON (r.phase);
CREATE INDEX communicates_with_phase IF NOT EXISTS FOR ()-[r:COMMUNICATES_WITH]-() ON (r.phase);
