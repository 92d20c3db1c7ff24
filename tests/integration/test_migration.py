"""A store made before networks (entities without ``network``, global id constraints)
survives the upgrade: at schema time it moves into the network ``default`` in batches,
the global constraints go, and running it again changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from graph_service.services import exporter, networks
from graph_service.store.migration import migrate_to_networks

pytestmark = pytest.mark.neo4j

#: What the schema of a store before networks created, and what its imports wrote.
OLD_SCHEMA = [
    "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT knows_id IF NOT EXISTS FOR ()-[r:KNOWS]-() REQUIRE r.id IS UNIQUE",
]
OLD_DATA = """
UNWIND range(1, 25) AS i
CREATE (n:Entity:Actor {id: 'old' + i, name: 'Old ' + i})
WITH collect(n) AS ns
UNWIND range(0, size(ns) - 2) AS i
WITH ns[i] AS a, ns[i + 1] AS b, i
CREATE (a)-[:KNOWS {id: 'KNOWS:' + a.id + ':' + b.id, weight: 1.0, evidence_count: 0}]->(b)
"""


def _constraints(runtime: Any) -> set[str]:
    with runtime.store.session() as session:
        return {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}


def test_an_old_store_moves_into_the_default_network(empty_graph: Any) -> None:
    with empty_graph.store.session() as session:
        for statement in OLD_SCHEMA:
            session.run(statement).consume()
        session.run(OLD_DATA).consume()
    assert empty_graph.repo.entity_counts() == (0, 0)  # invisible before the migration

    assert migrate_to_networks(empty_graph.store, batch=7)  # several transactions

    assert empty_graph.repo.entity_counts() == (25, 24)
    assert [n.name for n in networks.list_networks(empty_graph)] == ["default"]
    assert empty_graph.repo.get_node("old3").name == "Old 3"  # type: ignore[union-attr]
    assert not {"entity_id", "knows_id"} & _constraints(empty_graph)
    nodes, ties = empty_graph.repo.export_graph()
    before = exporter.json_bytes(nodes, ties)
    # done once: the next start finds nothing to do and changes nothing
    assert not migrate_to_networks(empty_graph.store)
    empty_graph.store.apply_schema()
    assert exporter.json_bytes(*empty_graph.repo.export_graph()) == before
    # and the ids are now free in other networks
    other = empty_graph.on("other")
    from graph_service.services import importer

    doc = {"format": "graph-service/v1", "nodes": [{"id": "old3", "label": "Actor", "name": "N"}]}
    importer.import_document(other, doc)
    assert other.repo.get_node("old3").name == "N"  # type: ignore[union-attr]
