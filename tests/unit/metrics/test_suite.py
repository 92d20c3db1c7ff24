"""``analyze`` (the JSON of ``graph-service analyze``), ``report_tables`` and the file reader."""

from __future__ import annotations

import csv
import io
import json
import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.errors import Invalid
from graph_service.metrics import analyze, report_tables
from graph_service.metrics.io import read_graph_files

from ._data import DATASETS, load

NETWORK_KEYS = {
    "nodes", "ties", "bonding", "bridging", "unclassified", "directed",
    "ei", "ei_expected", "ei_min", "ei_max", "ei_rescaled",
    "ei_p_value", "odds_ratio", "yules_q", "assortativity", "modularity", "brokerage",
}  # fmt: skip
GROUP_KEYS = {"name", "size", "internal", "external", "ei", "density_internal"}
NODE_KEYS = {
    "name", "group", "degree", "bonding", "bridging", "ei", "betweenness", "bridging_centrality",
    "constraint", "effective_size", "efficiency", "hierarchy", "articulation_point",
    "brokerage",
}  # fmt: skip
ROLE_KEYS = {"coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total"}


def _check_shape(report: dict) -> None:
    assert set(report) == {"network", "groups", "nodes", "bridges", "local_bridges"}
    assert set(report["network"]) == NETWORK_KEYS
    assert set(report["network"]["brokerage"]) == ROLE_KEYS
    for row in report["network"]["brokerage"].values():
        assert set(row) == {"raw", "expected", "sd", "z"}
    for group, row in report["groups"].items():
        assert isinstance(group, str) and set(row) == GROUP_KEYS
    for node_id, row in report["nodes"].items():
        assert isinstance(node_id, str) and set(row) == NODE_KEYS
        assert set(row["brokerage"]) == ROLE_KEYS
        assert row["group"] is None or isinstance(row["group"], str)
    for pair in report["bridges"]:
        assert len(pair) == 2 and all(isinstance(x, str) for x in pair)
    for lb in report["local_bridges"]:
        assert set(lb) == {"source", "target", "span"}
    json.dumps(report, allow_nan=False)  # no NaN anywhere


@pytest.mark.parametrize(
    ("name", "group", "directed", "weight"),
    [
        ("padgett_flomarriage", "wealth", False, None),
        ("karate_igraphdata", "Faction", False, "weight"),
        ("krack_ht_advice", "dept", True, None),
        ("netseg_classroom", "gender", True, None),
        ("strike", "group", False, None),
    ],
)
def test_analyze_classic_datasets_shape_and_values(name, group, directed, weight):
    G, p = load(name, group, directed=directed, weight=weight)
    report = analyze(G, p, weight="weight" if weight else None, permutations=200)
    _check_shape(report)
    assert report["network"]["nodes"] == G.number_of_nodes()
    assert report["network"]["directed"] is directed
    if name == "netseg_classroom":
        assert report["network"]["ei"] == pytest.approx(-0.8409091, abs=1e-7)
        assert report["network"]["odds_ratio"] == pytest.approx(16.58071, abs=1e-5)
    if name == "padgett_flomarriage":
        medici = next(v for v in G if G.nodes[v]["name"] == "Medici")
        assert report["nodes"][medici]["betweenness"] == pytest.approx(47.5)
        assert report["nodes"][medici]["articulation_point"] is True
        pucci = next(v for v in G if G.nodes[v]["name"] == "Pucci")
        assert report["nodes"][pucci]["constraint"] is None
    if name == "strike":
        assert report["network"]["ties"] == 38  # 76 rows, both directions, one tie each


def test_analyze_small_cases():
    empty = analyze(nx.Graph(), {})
    _check_shape(empty)
    assert empty["network"]["ei"] is None and empty["nodes"] == {}
    one = analyze(nx.empty_graph(1), {0: frozenset({"a"})})
    _check_shape(one)
    assert one["nodes"]["0"]["betweenness"] == 0.0
    assert one["nodes"]["0"]["constraint"] is None
    assert one["groups"]["a"]["density_internal"] is None
    multi = analyze(nx.path_graph(3), {1: frozenset({"b", "a"})})
    assert multi["nodes"]["1"]["group"] == "a;b"
    assert multi["nodes"]["0"]["ei"] is None
    with pytest.raises(Invalid):
        analyze(nx.MultiGraph([(0, 1)]), {})


def test_analyze_k_pivots_is_networkx_estimate():
    G = nx.gnm_random_graph(60, 150, seed=3)
    p = {v: frozenset({str(v % 2)}) for v in G}
    report = analyze(G, p, k=12, seed=5)
    ref = nx.betweenness_centrality(G, k=12, seed=5, normalized=False)
    assert {int(v): row["betweenness"] for v, row in report["nodes"].items()} == pytest.approx(ref)


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 25), st.integers(0, 60), st.integers(0, 1000), st.booleans())
def test_analyze_isolate_changes_no_other_node(n, m, seed, directed):
    G = nx.gnm_random_graph(n, m, seed=seed, directed=directed)
    p = {v: frozenset({str(v % 3)}) for v in G}
    before = analyze(G, p, permutations=0)
    G.add_node("iso")
    p["iso"] = frozenset({"0"})
    after = analyze(G, p, permutations=0)
    for v, row in before["nodes"].items():
        for key, value in row.items():
            if isinstance(value, float):  # sums may add up in another order
                assert after["nodes"][v][key] == pytest.approx(value, rel=1e-12, abs=1e-12)
            else:
                assert after["nodes"][v][key] == value
    assert after["nodes"]["iso"]["ei"] is None
    assert after["bridges"] == before["bridges"]
    assert after["local_bridges"] == before["local_bridges"]


def test_report_tables_csv():
    G, p = load("padgett_flomarriage", "priorates")
    report = analyze(G, p, permutations=0)
    tables = report_tables(report)
    nodes = list(csv.DictReader(io.StringIO(tables["nodes"])))
    assert len(nodes) == 16 and nodes[0]["id"] == "1"
    assert "brokerage_liaison" in nodes[0] and "articulation_point" in nodes[0]
    pucci = next(r for r in nodes if r["id"] == "12")
    assert pucci["constraint"] == ""  # null is an empty cell
    groups = list(csv.DictReader(io.StringIO(tables["groups"])))
    assert {r["group"] for r in groups} == set(report["groups"])
    assert all(math.isfinite(float(r["size"])) for r in groups)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_read_graph_files_collapses_and_keeps_isolates(tmp_path):
    nodes = _write(tmp_path, "n.csv", "id,team\na,x\nb,x\nc,\nd,y\n")
    edges = _write(tmp_path, "e.csv", "source,target,w\na,b,2\nb,a,3\nb,d,1\n")
    G, p = read_graph_files(edges, nodes, group_attr="team", weight_column="w")
    assert set(G) == {"a", "b", "c", "d"} and G.number_of_edges() == 2
    assert G["a"]["b"] == {"weight": 3.0, "rows": 2}
    assert p == {"a": frozenset({"x"}), "b": frozenset({"x"}), "d": frozenset({"y"})}
    D, _ = read_graph_files(edges, nodes, group_attr="team", directed=True)
    assert D.number_of_edges() == 3 and "weight" not in D["a"]["b"]


@pytest.mark.parametrize(
    ("nodes_text", "edges_text", "kwargs", "message"),
    [
        ("id,team\na,x\n", "source,target\na,zz\n", {}, "e.csv, line 2, column 'target'"),
        ("name,team\na,x\n", "source,target\n", {}, "n.csv, line 1, column 'id'"),
        ("id,team\na,x\n", "source,target\n", {"group_attr": "dept"}, "column 'dept'"),
        ("id,team\na,x\nb,x\n", "src,target\na,b\n", {}, "e.csv, line 1, column 'source'"),
        ("id,team\na,x\nb,x\n", "source,target,w\na,b,heavy\n", {"weight_column": "w"}, "'w'"),
        ("id,team\na,x\nb,x\n", "source,target,w\na,b,-1\n", {"weight_column": "w"}, "line 2"),
        ("id,team\na,x\nb,x\n", "source,target\na,b\n", {"weight_column": "w"}, "column 'w'"),
        ("id,team\na,x\na,y\n", "source,target\n", {}, "n.csv, line 3, column 'id'"),
    ],
)
def test_read_graph_files_errors_name_file_line_column(
    tmp_path, nodes_text, edges_text, kwargs, message
):
    nodes = _write(tmp_path, "n.csv", nodes_text)
    edges = _write(tmp_path, "e.csv", edges_text)
    kwargs = {"group_attr": "team", **kwargs}
    with pytest.raises(Invalid) as info:
        read_graph_files(edges, nodes, **kwargs)
    assert message in str(info.value)
    assert info.value.errors and {"file", "line", "column", "message"} <= set(info.value.errors[0])


def test_read_graph_files_missing_file(tmp_path):
    with pytest.raises(Invalid, match="cannot read"):
        read_graph_files(tmp_path / "no.csv", DATASETS / "strike_nodes.csv", group_attr="group")
