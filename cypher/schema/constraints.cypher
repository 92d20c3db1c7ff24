// Uniqueness constraints and indexes of the graph model, applied at start-up.
// Idempotent (IF NOT EXISTS). One statement per line-separated block, ended by ';'.
// Ids are unique within a network (docs/networks.md): every node and tie carries its
// network's key in `network`, and the uniqueness is over (network, id). The global
// constraints of a store made before networks (entity_id, <type>_id) are dropped by the
// migration (store/migration.py).
CREATE CONSTRAINT network_name IF NOT EXISTS FOR (n:Network) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT network_key IF NOT EXISTS FOR (n:Network) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT entity_network_id IF NOT EXISTS FOR (n:Entity) REQUIRE (n.network, n.id) IS UNIQUE;
CREATE INDEX entity_network IF NOT EXISTS FOR (n:Entity) ON (n.network);
CREATE INDEX actor_name IF NOT EXISTS FOR (n:Actor) ON (n.name);
CREATE INDEX staff_name IF NOT EXISTS FOR (n:Staff) ON (n.name);
CREATE INDEX group_name IF NOT EXISTS FOR (n:Group) ON (n.name);
CREATE INDEX initiative_name IF NOT EXISTS FOR (n:Initiative) ON (n.name);
CREATE INDEX goal_name IF NOT EXISTS FOR (n:Goal) ON (n.name);
CREATE INDEX task_name IF NOT EXISTS FOR (n:Task) ON (n.name);
CREATE CONSTRAINT collaborates_with_network_id IF NOT EXISTS FOR ()-[r:COLLABORATES_WITH]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE CONSTRAINT communicates_with_network_id IF NOT EXISTS FOR ()-[r:COMMUNICATES_WITH]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE CONSTRAINT advises_network_id IF NOT EXISTS FOR ()-[r:ADVISES]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE CONSTRAINT knows_network_id IF NOT EXISTS FOR ()-[r:KNOWS]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE CONSTRAINT funds_network_id IF NOT EXISTS FOR ()-[r:FUNDS]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE CONSTRAINT member_of_network_id IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE CONSTRAINT participates_in_network_id IF NOT EXISTS FOR ()-[r:PARTICIPATES_IN]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE CONSTRAINT responsible_for_network_id IF NOT EXISTS FOR ()-[r:RESPONSIBLE_FOR]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE CONSTRAINT advances_network_id IF NOT EXISTS FOR ()-[r:ADVANCES]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE CONSTRAINT part_of_network_id IF NOT EXISTS FOR ()-[r:PART_OF]-() REQUIRE (r.network, r.id) IS UNIQUE;
CREATE INDEX knows_phase IF NOT EXISTS FOR ()-[r:KNOWS]-() ON (r.phase);
CREATE INDEX collaborates_with_phase IF NOT EXISTS FOR ()-[r:COLLABORATES_WITH]-() ON (r.phase);
CREATE INDEX communicates_with_phase IF NOT EXISTS FOR ()-[r:COMMUNICATES_WITH]-() ON (r.phase);
