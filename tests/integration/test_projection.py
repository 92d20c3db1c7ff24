"""The bulk read of the analysis graph (a record per node, its ties as parallel lists)
gives what a record-per-tie read gives: the same nodes, ties, attributes, multiplicities
and tie counts under every filter, the same collapsed graph, and the same arrays and
metrics as the networkx path. The record-per-tie read lives here only, as the reference
(the queries the projection used before the bulk read)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, LiteralString

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.filters import TieFilter
from graph_service.metrics._core import indexed
from graph_service.metrics.suite import analyze
from graph_service.model import (
    DIRECTED,
    NETWORK_PROPERTY,
    SOCIAL_LABELS,
    SOCIAL_TYPES,
    EvidenceMethod,
    RelType,
)
from graph_service.services import importer
from graph_service.services.analysis_graph import (
    Projection,
    TieCount,
    collapse,
    indexed_ties,
    partition_of,
    project,
)
from graph_service.services.importing.files import import_file
from graph_service.services.importing.options import ImportOptions
from graph_service.services.metrics import stored_report
from graph_service.services.runtime import Runtime
from tests.conftest import DATASETS

pytestmark = pytest.mark.neo4j

# The record-per-tie read: one record per node, one per tie, and a count of all ties.
REFERENCE_NODES = """
MATCH (net:Network {name: $network})
MATCH (n:Entity {network: net.key})
WHERE any(l IN labels(n) WHERE l IN $labels)
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label,
       properties(n) AS props,
       [(n)-[m:MEMBER_OF]->(g:Group)
          WHERE ($f_phase IS NULL OR m.phase IS NULL OR m.phase = $f_phase)
            AND ($f_from IS NULL OR m.valid_to IS NULL OR m.valid_to >= $f_from)
            AND ($f_to IS NULL OR m.valid_from IS NULL OR m.valid_from <= $f_to)
          | g.id] AS groups
"""
REFERENCE_TIES = """
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})-[r]->(b:Entity)
WHERE any(l IN labels(a) WHERE l IN $labels)
  AND any(l IN labels(b) WHERE l IN $labels)
  AND /*@tie_filter*/ true
RETURN a.id AS source, b.id AS target, type(r) AS type, r.id AS id,
       coalesce(r.weight, 1.0) AS weight, r.phase AS phase,
       coalesce(r.evidence_count, 0) AS evidence_count,
       coalesce(r.method_count, 0) AS method_count,
       coalesce(r.source_count, 0) AS source_count, r.max_confidence AS max_confidence,
       coalesce(r.ev_methods, []) AS methods
"""
REFERENCE_STORED = """
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})-[r]->(b:Entity)
WHERE type(r) IN $social
  AND any(l IN labels(a) WHERE l IN $labels)
  AND any(l IN labels(b) WHERE l IN $labels)
RETURN count(r) AS stored
"""


def reference_projection(rt: Runtime, filters: TieFilter) -> Projection:
    """What :func:`project` read before the bulk read, query for query."""
    from graph_service.store.repository import tie_filter_predicate

    def read(name: str, text: LiteralString, **params: Any) -> list[dict[str, Any]]:
        return rt.store.read_text(name, text, network=rt.network, **params)

    labels = [label.value for label in SOCIAL_LABELS]
    nodes = {}
    for row in read("reference nodes", REFERENCE_NODES, labels=labels, **filters.validity_params()):
        props = dict(row["props"])
        nodes[row["id"]] = {
            **{k: v for k, v in props.items() if not isinstance(v, list) and k != NETWORK_PROPERTY},
            "label": row["label"],
            "name": props.get("name") or row["id"],
            "groups": tuple(sorted(set(row["groups"]))),
            "person": (row["label"] == "Staff") or props.get("kind") == "person",
        }
    text = REFERENCE_TIES.replace("/*@tie_filter*/ true", tie_filter_predicate())
    params = filters.params(filters.social_types())
    ties = [
        {**row, "directed": DIRECTED[RelType(row["type"])], "methods": sorted(set(row["methods"]))}
        for row in read("reference ties", text, labels=labels, **params)  # type: ignore[arg-type]
    ]
    social = sorted(t.value for t in SOCIAL_TYPES)
    stored = read("reference count", REFERENCE_STORED, labels=labels, social=social)
    count = TieCount(stored=stored[0]["stored"], passing=len(ties), conditions=filters.conditions())
    group_names = {r["id"]: r["name"] for r in rt.repo.read("analysis/group_names")}
    return Projection(nodes, ties, group_names, filters, count)


def edges(graph: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """Edge data with the tie ids as a set and the weight rounded: summed in another
    order, a pair's weights may differ in the last bit."""
    return {
        (u, v): {**d, "ids": sorted(d["ids"]), "weight": round(d["weight"], 9)}
        for u, v, d in graph.edges(data=True)
    }


def by_id(ties: Any) -> list[dict[str, Any]]:
    return sorted(ties, key=lambda t: (t["id"], t["type"]))


def assert_same_projection(rt: Runtime, filters: TieFilter) -> None:
    """The same nodes (in the same order), the same ties with the same fields, counts and
    collapsed graphs; the arrays of the bulk read are its networkx collapse, bit for bit.

    The record-per-tie read returns the ties in the order of whichever plan the planner
    picks (it changes with the filter's parameters and the store's statistics), so only
    the bulk read has an order to compare: each node's ties, the nodes in store order."""
    bulk, ref = project(rt.repo, filters), reference_projection(rt, filters)
    assert list(bulk.nodes.items()) == list(ref.nodes.items())
    assert by_id(bulk.ties) == by_id(ref.ties)
    assert bulk.tie_count == ref.tie_count
    assert bulk.group_names == ref.group_names
    for directed in (False, True):
        ours, theirs = collapse(bulk, directed), collapse(ref, directed)
        assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))
        assert edges(ours) == edges(theirs)
        assert_same_arrays(bulk, ours, directed)


def assert_same_arrays(projection: Projection, graph: Any, directed: bool) -> None:
    """The array collapse is ``indexed(collapse(...), "weight")``, element for element."""
    ours, theirs = indexed_ties(projection, directed), indexed(graph, "weight")
    assert ours.nodes == theirs.nodes and ours.directed == theirs.directed == directed
    for a, b in ((ours.src, theirs.src), (ours.dst, theirs.dst), (ours.w, theirs.w)):
        # (indexed gives float ends to a graph without ties; the arrays give int64)
        assert np.array_equal(a, b) and (a.dtype == b.dtype or a.size == 0)


@pytest.fixture(scope="module")
def sample(runtime: Runtime) -> Any:
    runtime.repo.delete_all()
    importer.import_document(runtime, json.loads(importer.sample_network_bytes()))
    yield runtime
    runtime.repo.delete_all()


FILTERS = [
    TieFilter(),
    TieFilter(phase="1"),
    TieFilter(phase="2", min_methods=2),
    TieFilter(types=[RelType.ADVISES, RelType.FUNDS]),
    TieFilter(types=[RelType.MEMBER_OF]),  # no social type: no tie, every node
    TieFilter(min_evidence=2, min_confidence=0.8),
    TieFilter(methods=[EvidenceMethod.WORKSHOP], min_sources=2),
    TieFilter(as_of=date(2022, 1, 1)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.describe())
def test_bulk_read_matches_record_per_tie_on_sample(sample: Runtime, filters: TieFilter) -> None:
    assert_same_projection(sample, filters)


filter_strategy = st.builds(
    TieFilter,
    types=st.none() | st.lists(st.sampled_from(sorted(SOCIAL_TYPES)), max_size=3),
    phase=st.sampled_from([None, "1", "2"]),
    date_from=st.none() | st.dates(date(2020, 6, 1), date(2024, 6, 1)),
    methods=st.none() | st.lists(st.sampled_from(list(EvidenceMethod)), max_size=2),
    min_evidence=st.none() | st.integers(0, 3),
    min_methods=st.none() | st.integers(0, 3),
    min_sources=st.none() | st.integers(0, 3),
    min_confidence=st.none() | st.sampled_from([0.0, 0.5, 0.75, 0.9]),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(filters=filter_strategy)
def test_bulk_read_matches_record_per_tie_under_any_filter(
    sample: Runtime, filters: TieFilter
) -> None:
    assert_same_projection(sample, filters)


@pytest.mark.parametrize("filters", FILTERS[:4], ids=lambda f: f.describe())
def test_lean_read_gives_the_same_arrays(sample: Runtime, filters: TieFilter) -> None:
    full, lean = project(sample.repo, filters), project(sample.repo, filters, detail=False)
    assert lean.nodes == full.nodes and lean.tie_count == full.tie_count
    assert len(lean.ties) == len(full.ties)
    for directed in (False, True):
        ours, theirs = indexed_ties(lean, directed), indexed_ties(full, directed)
        for a, b in ((ours.src, theirs.src), (ours.dst, theirs.dst), (ours.w, theirs.w)):
            assert np.array_equal(a, b)
    if len(lean.ties):
        with pytest.raises(ValueError, match="without their details"):
            lean.ties[0]
    untyped = project(sample.repo, filters, detail=False, types=False)  # metrics, undirected
    assert untyped.nodes == full.nodes and untyped.tie_count == full.tie_count
    ours, theirs = indexed_ties(untyped, False), indexed_ties(full, False)
    for a, b in ((ours.src, theirs.src), (ours.dst, theirs.dst), (ours.w, theirs.w)):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("parts", [2, 3])
@pytest.mark.parametrize("detail", [True, False])
def test_a_read_in_parts_gives_what_one_read_gives(
    sample: Runtime, monkeypatch: pytest.MonkeyPatch, parts: int, detail: bool
) -> None:
    """The bulk read runs in parts at once (every ``parts``-th batch of nodes each): with
    batches of 3 nodes, so that every part has several, the nodes, their order, the ties
    and their order are those of one read."""
    from graph_service.services import analysis_graph

    monkeypatch.setattr(analysis_graph, "PROJECTION_BATCH", 3)
    monkeypatch.setattr(analysis_graph, "PROJECTION_PARTS", 1)
    one = project(sample.repo, TieFilter(), detail=detail)
    monkeypatch.setattr(analysis_graph, "PROJECTION_PARTS", parts)
    ran: list[int] = []
    read = sample.repo.read_filtered

    def counted(name: str, filters: Any, **params: Any) -> Any:
        ran.append(params["parts"])
        return read(name, filters, **params)

    monkeypatch.setattr(sample.repo, "read_filtered", counted)
    split = project(sample.repo, TieFilter(), detail=detail)
    assert ran == [parts] * parts  # the parts agreed: no second read
    assert list(split.nodes.items()) == list(one.nodes.items()) and len(split.nodes) > 3 * parts
    assert split.tie_count == one.tie_count
    assert np.array_equal(split.ties.src, one.ties.src)  # type: ignore[attr-defined]
    assert np.array_equal(split.ties.dst, one.ties.dst)  # type: ignore[attr-defined]
    assert split.ties.columns == one.ties.columns  # type: ignore[attr-defined]


def test_parts_that_saw_different_nodes_give_way_to_one_read() -> None:
    """A write between the transactions of the parts (a node added) makes them disagree
    on the node list: the read is made again in one part."""
    from graph_service.services.analysis_graph import PROJECTION_BATCH, _read_parts

    def row(total: int, first: int) -> dict[str, Any]:
        return {"seen": [total, 12345], "first": first}

    calls: list[tuple[int, int]] = []
    answers = {
        (0, 2): [row(3 * PROJECTION_BATCH, 0), row(3 * PROJECTION_BATCH, 2 * PROJECTION_BATCH)],
        (1, 2): [row(3 * PROJECTION_BATCH + 1, PROJECTION_BATCH)],  # one node more
        (0, 1): [row(7, 0)],
    }

    def read(part: int, parts: int) -> list[dict[str, Any]]:
        calls.append((part, parts))
        return answers[(part, parts)]

    assert _read_parts(read) == [row(7, 0)]
    calls.clear()
    replaced = row(3 * PROJECTION_BATCH, PROJECTION_BATCH) | {"seen": [3 * PROJECTION_BATCH, 9]}
    answers[(1, 2)] = [replaced]  # as many nodes, not the same ones
    assert _read_parts(read) == [row(7, 0)]
    assert sorted(calls) == [(0, 1), (0, 2), (1, 2)]
    assert sorted(calls) == [(0, 1), (0, 2), (1, 2)]
    calls.clear()
    answers[(1, 2)] = [row(3 * PROJECTION_BATCH, PROJECTION_BATCH)]
    assert [r["first"] for r in _read_parts(read)] == [0, PROJECTION_BATCH, 2 * PROJECTION_BATCH]
    assert sorted(calls) == [(0, 2), (1, 2)]


@pytest.mark.parametrize(
    ("directed", "partition"),
    [(False, "membership"), (True, "membership"), (False, "communities:louvain")],
)
def test_stored_metrics_from_arrays_match_the_networkx_path(
    sample: Runtime, directed: bool, partition: str
) -> None:
    filters = TieFilter(phase="2")
    ref = project(sample.repo, filters)  # the same read into networkx: the same bits
    graph = collapse(ref, directed)
    expected = analyze(graph, partition_of(graph, partition), weight="weight", k=None)
    report = stored_report(sample, filters, directed=directed, partition=partition)
    for part in ("nodes", "bridges", "local_bridges"):
        assert report[part] == expected[part]
    assert {g: {**row, "name": g} for g, row in report["groups"].items()} == expected["groups"]
    assert report["network"] == {**expected["network"], "stored_ties": len(ref.ties)}
    assert report["scope"]["ties"]["passing"] == len(ref.ties)


DATASET_IMPORTS = {
    # undirected, weighted: KNOWS ties with the interaction counts
    "karate_igraphdata": {"group_by": "Faction", "weight": "weight"},
    # directed: ADVISES arcs, several of them reciprocated
    "lazega_advice": {"group_by": "office", "type": "ADVISES"},
}


@pytest.mark.parametrize("name", sorted(DATASET_IMPORTS))
def test_bulk_read_matches_record_per_tie_on_an_edge_list(empty_graph: Runtime, name: str) -> None:
    edge_file, node_file = (DATASETS / f"{name}_{part}.csv" for part in ("edges", "nodes"))
    import_file(
        empty_graph,
        edge_file.read_bytes(),
        edge_file.name,
        ImportOptions(**DATASET_IMPORTS[name]),
        nodes=(node_file.read_bytes(), node_file.name),
    )
    projection = project(empty_graph.repo)
    assert len(projection.nodes) == len(node_file.read_text().splitlines()) - 1
    assert len(projection.ties) == len(edge_file.read_text().splitlines()) - 1
    assert_same_projection(empty_graph, TieFilter())
    assert_same_projection(empty_graph, TieFilter(types=[RelType.KNOWS], min_evidence=0))
