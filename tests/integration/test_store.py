"""The store against the real local Neo4j 5.26 (started by the test command)."""

from __future__ import annotations

import pytest

from graph_service.errors import Invalid
from graph_service.services import importer
from graph_service.store.cypher import names, query, statements

pytestmark = pytest.mark.neo4j

NODES = [
    {"id": "s1", "label": "Staff", "name": "Anna Beispiel"},
    {
        "id": "a1",
        "label": "Actor",
        "name": "Firma Eins",
        "kind": "organisation",
        "attributes": {"sector": "energy", "employees": 40},
    },
    {"id": "g1", "label": "Group", "name": "Alliance"},
]
TIES = [
    {"type": "MEMBER_OF", "source": "a1", "target": "g1"},
    {
        "type": "COLLABORATES_WITH",
        "source": "s1",
        "target": "a1",
        "phase": "1",
        "weight": 2,
        "evidence": [
            {"method": "interview", "source": "I-1", "date": "2022-03-01", "confidence": 0.9},
            {"method": "workshop", "source": "W-1", "confidence": 0.6},
        ],
    },
]


def test_server_is_neo4j_5_26(runtime) -> None:  # type: ignore[no-untyped-def]
    comp = runtime.store.ping()
    assert comp["name"] == "Neo4j Kernel"
    assert comp["versions"][0].startswith("5.26.")


def test_every_cypher_file_compiles_on_the_server(runtime) -> None:  # type: ignore[no-untyped-def]
    with runtime.store.session() as session:
        for name in names():
            texts = statements(name) if name.startswith("schema/") else [query(name)]
            for text in texts:
                if name.startswith("schema/"):
                    continue  # DDL cannot be EXPLAINed; applied by ensure_schema instead
                session.run("EXPLAIN " + text).consume()


def test_import_writes_nodes_ties_and_evidence(empty_graph) -> None:  # type: ignore[no-untyped-def]
    report = importer.import_document(
        empty_graph, {"format": "graph-service/v1", "nodes": NODES, "ties": TIES}
    )
    assert (report.nodes, report.ties, report.atomic) == (3, 2, True)
    counts = empty_graph.repo.counts()
    assert counts["nodes"] == {"Actor": 1, "Group": 1, "Staff": 1}
    assert counts["ties"] == {"COLLABORATES_WITH": 1, "MEMBER_OF": 1}
    rows = empty_graph.store.read("graph/count_graph", network="default")
    assert rows
    with empty_graph.store.session() as s:
        rec = s.run(
            "MATCH (:Entity {id:'a1'})-[r:COLLABORATES_WITH]-(:Entity {id:'s1'}) RETURN r"
        ).single()["r"]
    assert rec["evidence_count"] == 2 and rec["method_count"] == 2
    assert rec["max_confidence"] == 0.9
    assert rec["ev_dates"] == ["2022-03-01", ""]


def test_import_twice_changes_nothing(empty_graph) -> None:  # type: ignore[no-untyped-def]
    doc = {"format": "graph-service/v1", "nodes": NODES, "ties": TIES}
    importer.import_document(empty_graph, doc)
    with empty_graph.store.session() as s:
        before = (
            s.run(
                "MATCH (n:Entity) OPTIONAL MATCH (n)-[r]->() "
                "RETURN count(DISTINCT n) AS n, count(r) AS r, "
                "collect(properties(r)) AS props"
            )
            .single()
            .data()
        )
    importer.import_document(empty_graph, doc)
    with empty_graph.store.session() as s:
        after = (
            s.run(
                "MATCH (n:Entity) OPTIONAL MATCH (n)-[r]->() "
                "RETURN count(DISTINCT n) AS n, count(r) AS r, "
                "collect(properties(r)) AS props"
            )
            .single()
            .data()
        )
    assert before == after


@pytest.mark.parametrize(
    ("bad", "record", "field"),
    [
        ({"nodes": [{"id": "x", "label": "Dragon", "name": "X"}]}, "nodes[0]", "label"),
        ({"nodes": [{"label": "Actor", "name": "X"}]}, "nodes[0]", "id"),
        (
            {"ties": [{"type": "KNOWS", "source": "s1", "target": "a1", "weight": -2}]},
            "ties[0]",
            "weight",
        ),
        (
            {
                "ties": [
                    {
                        "type": "KNOWS",
                        "source": "s1",
                        "target": "a1",
                        "evidence": [{"method": "survey", "source": "S", "confidence": 2}],
                    }
                ]
            },
            "ties[0]",
            "evidence.0.confidence",
        ),
        (
            {
                "ties": [
                    {"type": "KNOWS", "source": "s1", "target": "a1", "valid_from": "2023-13-01"}
                ]
            },
            "ties[0]",
            "valid_from",
        ),
        ({"ties": [{"type": "ADVISES", "source": "s1", "target": "ghost"}]}, "ties[0]", "target"),
        ({"ties": [{"type": "MEMBER_OF", "source": "g1", "target": "s1"}]}, "ties[0]", "type"),
        (
            {"ties": [{"type": "KNOWS]->() DETACH DELETE n //", "source": "s1", "target": "a1"}]},
            "ties[0]",
            "type",
        ),
    ],
)
def test_bad_row_is_named_and_nothing_is_written(  # type: ignore[no-untyped-def]
    empty_graph, bad: dict, record: str, field: str
) -> None:
    doc = {
        "format": "graph-service/v1",
        "nodes": NODES + bad.get("nodes", []),
        "ties": TIES + bad.get("ties", []),
    }
    with pytest.raises(Invalid) as info:
        importer.import_document(empty_graph, doc)
    errors = info.value.errors
    assert any(
        e["record"].startswith(record.split("[")[0]) and e["field"] == field for e in errors
    ), errors
    assert empty_graph.repo.counts() == {"nodes": {}, "ties": {}}


def test_stored_label_cannot_change_through_import(empty_graph) -> None:  # type: ignore[no-untyped-def]
    importer.import_document(empty_graph, {"format": "graph-service/v1", "nodes": NODES})
    with pytest.raises(Invalid, match="stored as a Staff"):
        importer.import_document(
            empty_graph,
            {"format": "graph-service/v1", "nodes": [{"id": "s1", "label": "Actor", "name": "S"}]},
        )


def test_ties_may_point_to_stored_nodes(empty_graph) -> None:  # type: ignore[no-untyped-def]
    importer.import_document(empty_graph, {"format": "graph-service/v1", "nodes": NODES})
    report = importer.import_document(
        empty_graph,
        {"format": "graph-service/v1", "ties": [{"type": "KNOWS", "source": "a1", "target": "s1"}]},
    )
    assert report.ties == 1
    assert empty_graph.repo.counts()["ties"] == {"KNOWS": 1}


def test_csv_pair_imports_with_evidence_rows_merged(empty_graph) -> None:  # type: ignore[no-untyped-def]
    nodes = "id,label,name,kind,sector\ns1,Staff,Anna,,\na1,Actor,Firma,organisation,energy\n"
    ties = (
        "type,source,target,phase,weight,evidence_method,evidence_source,evidence_date,"
        "evidence_confidence\n"
        "KNOWS,s1,a1,1,2,interview,I-1,2022-01-01,0.9\n"
        "KNOWS,a1,s1,1,2,workshop,W-3,,0.5\n"
    )
    report = importer.import_csv(empty_graph, nodes, ties)
    assert (report.nodes, report.ties) == (2, 1)
    with empty_graph.store.session() as s:
        r = s.run("MATCH ()-[r:KNOWS]->() RETURN r").single()["r"]
    assert r["evidence_count"] == 2 and r["ev_methods"] == ["interview", "workshop"]
    with empty_graph.store.session() as s:
        attrs = s.run("MATCH (n:Actor {id:'a1'}) RETURN n.sector AS sector").single()["sector"]
    assert attrs == "energy"


def test_csv_bad_rows_report_their_lines(empty_graph) -> None:  # type: ignore[no-untyped-def]
    nodes = "id,label,name\ns1,Staff,Anna\nx y,Actor,Bad\n"
    ties = "type,source,target,weight\nADVISES,s1,nobody,1\nKNOWS,s1,s1,1\nKNOWS,s1,x,abc\n"
    with pytest.raises(Invalid) as info:
        importer.import_csv(empty_graph, nodes, ties)
    where = {(e["record"], e["field"]) for e in info.value.errors}
    assert ("nodes.csv line 3", "id") in where
    assert ("ties.csv line 2", "target") in where
    assert ("ties.csv line 4", "weight") in where
    assert any(rec == "ties.csv line 3" for rec, _ in where)
    assert empty_graph.repo.counts() == {"nodes": {}, "ties": {}}


def test_dry_run_writes_nothing(empty_graph) -> None:  # type: ignore[no-untyped-def]
    report = importer.import_document(
        empty_graph, {"format": "graph-service/v1", "nodes": NODES, "ties": TIES}, dry_run=True
    )
    assert report.dry_run and report.nodes == 3
    assert empty_graph.repo.counts() == {"nodes": {}, "ties": {}}
