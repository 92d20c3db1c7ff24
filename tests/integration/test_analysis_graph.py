"""Projection of the stored graph into networkx: filters, collapse and partitions."""

from __future__ import annotations

import pytest

from graph_service.errors import Invalid
from graph_service.filters import TieFilter
from graph_service.services import importer
from graph_service.services.analysis_graph import analysis_graph, collapse, project

pytestmark = pytest.mark.neo4j

OBS = {"method": "interview", "source": "I-1", "confidence": 0.9}
DOC = {
    "format": "graph-service/v1",
    "nodes": [
        {"id": "g1", "label": "Group", "name": "Office"},
        {"id": "g2", "label": "Group", "name": "Alliance"},
        {"id": "a", "label": "Staff", "name": "A", "attributes": {"team": "x"}},
        {"id": "b", "label": "Staff", "name": "B", "attributes": {"team": "x"}},
        {
            "id": "c",
            "label": "Actor",
            "name": "C",
            "kind": "organisation",
            "attributes": {"team": "y"},
        },
        {"id": "d", "label": "Actor", "name": "D", "kind": "person"},
        {"id": "goal", "label": "Goal", "name": "Goal"},
    ],
    "ties": [
        {"type": "MEMBER_OF", "source": "a", "target": "g1"},
        {"type": "MEMBER_OF", "source": "b", "target": "g1"},
        {"type": "MEMBER_OF", "source": "b", "target": "g2"},
        {"type": "MEMBER_OF", "source": "c", "target": "g2", "phase": "2"},
        {
            "type": "KNOWS",
            "source": "a",
            "target": "b",
            "weight": 1,
            "phase": "1",
            "evidence": [OBS],
        },
        {
            "type": "COLLABORATES_WITH",
            "source": "a",
            "target": "b",
            "weight": 2,
            "phase": "2",
            "evidence": [OBS, {**OBS, "method": "workshop", "source": "W-1"}],
        },
        {
            "type": "ADVISES",
            "source": "c",
            "target": "b",
            "weight": 3,
            "phase": "2",
            "valid_from": "2023-01-01",
            "valid_to": "2023-12-31",
            "evidence": [OBS],
        },
    ],
}


@pytest.fixture()
def small(empty_graph):  # type: ignore[no-untyped-def]
    importer.import_document(empty_graph, DOC)
    return empty_graph


def test_collapse_sums_weights_and_keeps_isolates(small) -> None:  # type: ignore[no-untyped-def]
    ag = analysis_graph(small.repo)
    g = ag.graph
    assert sorted(g.nodes) == ["a", "b", "c", "d"], "Actor/Staff only, isolate d kept"
    assert g.edges["a", "b"]["weight"] == 3.0 and g.edges["a", "b"]["ties"] == 2
    assert g.edges["a", "b"]["types"] == ["COLLABORATES_WITH", "KNOWS"]
    assert g.edges["a", "b"]["type"] == "COLLABORATES_WITH"
    assert g.edges["b", "c"]["weight"] == 3.0
    assert ag.partition["b"] == frozenset({"g1", "g2"})
    assert ag.partition["d"] == frozenset()
    assert ag.group_names == {"g1": "Office", "g2": "Alliance"}


def test_directed_projection_makes_undirected_ties_two_arcs(small) -> None:  # type: ignore[no-untyped-def]
    g = analysis_graph(small.repo, directed=True).graph
    assert g.has_edge("a", "b") and g.has_edge("b", "a")
    assert g.has_edge("c", "b") and not g.has_edge("b", "c")


@pytest.mark.parametrize(
    ("filters", "edges"),
    [
        (TieFilter(phase="1"), {("a", "b")}),
        (TieFilter(phase="2"), {("a", "b"), ("b", "c")}),
        (TieFilter(min_methods=2), {("a", "b")}),
        (TieFilter(types=["ADVISES"]), {("b", "c")}),
        (TieFilter(as_of="2024-06-01"), {("a", "b")}),
        (TieFilter(min_confidence=0.95), set()),
    ],
)
def test_filters_choose_the_ties(small, filters: TieFilter, edges: set) -> None:  # type: ignore[no-untyped-def]
    g = collapse(project(small.repo, filters))
    assert {tuple(sorted(e)) for e in g.edges} == edges


def test_membership_follows_the_phase(small) -> None:  # type: ignore[no-untyped-def]
    assert analysis_graph(small.repo, TieFilter(phase="1")).partition["c"] == frozenset()
    assert analysis_graph(small.repo, TieFilter(phase="2")).partition["c"] == {"g2"}


def test_property_partition_and_bad_names(small) -> None:  # type: ignore[no-untyped-def]
    ag = analysis_graph(small.repo, partition="property:team")
    assert ag.partition["a"] == {"x"} and ag.partition["c"] == {"y"}
    assert ag.partition["d"] == frozenset()
    with pytest.raises(Invalid, match="not a valid property name"):
        analysis_graph(small.repo, partition="property:team` DETACH DELETE n")
    with pytest.raises(Invalid, match="unknown partition"):
        analysis_graph(small.repo, partition="astrology")
