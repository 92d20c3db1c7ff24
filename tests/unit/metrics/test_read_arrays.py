"""``read_graph_arrays`` (the input of ``graph-service analyze``) gives exactly what the
networkx reader gives: the same arrays, partition, names, report and errors."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from graph_service.errors import Invalid
from graph_service.metrics import analyze
from graph_service.metrics._core import indexed
from graph_service.metrics.io import _read_arrays, read_graph_arrays, read_graph_files
from graph_service.metrics.suite import analyze_indexed

from ._data import DATASETS


def _header(path):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [h.strip() for h in next(csv.reader(handle))]


def _cases():
    for edges in sorted(DATASETS.glob("*_edges.csv")):
        name = edges.name.removesuffix("_edges.csv")
        nodes = DATASETS / f"{name}_nodes.csv"
        group = next(h for h in _header(nodes) if h != "id")
        extra = [h for h in _header(edges) if h not in ("source", "target")]
        for directed in (False, True):
            yield name, group, directed, None
            if extra:
                yield name, group, directed, extra[0]


def _assert_same(edges, nodes, **kwargs):
    G, partition = read_graph_files(edges, nodes, **kwargs)
    got = read_graph_arrays(edges, nodes, **kwargs)
    want = indexed(G, "weight" if kwargs.get("weight_column") else None)
    assert got.ix.nodes == want.nodes and got.ix.index == want.index
    assert got.ix.directed == want.directed
    for field in ("src", "dst", "w"):
        x, y = getattr(got.ix, field), getattr(want, field)
        assert x.dtype == y.dtype and np.array_equal(x, y), field
    assert got.partition == partition
    assert got.names == [None if n is None else str(n) for _, n in G.nodes(data="name")]
    return G, partition, got


@pytest.mark.parametrize(("name", "group", "directed", "weight"), list(_cases()))
def test_read_graph_arrays_equals_indexed_networkx_reader(name, group, directed, weight):
    edges, nodes = DATASETS / f"{name}_edges.csv", DATASETS / f"{name}_nodes.csv"
    kwargs = {"group_attr": group, "directed": directed, "weight_column": weight}
    _assert_same(edges, nodes, **kwargs)
    # the datasets are clean: the fast path reads them itself
    assert _read_arrays(edges, nodes, group, directed, weight).ix.n > 0


@pytest.mark.parametrize(
    ("name", "group", "directed", "weight"),
    [
        ("lazega_advice", "office", True, None),
        ("strike", "group", False, None),
        ("krackhardt_kite", "name", False, None),
    ],
)
def test_analyze_indexed_report_equals_analyze(name, group, directed, weight):
    edges, nodes = DATASETS / f"{name}_edges.csv", DATASETS / f"{name}_nodes.csv"
    kwargs = {"group_attr": group, "directed": directed, "weight_column": weight}
    G, partition, got = _assert_same(edges, nodes, **kwargs)
    for k in (None, 3):
        want = analyze(G, partition, weight=weight and "weight", k=k)
        assert analyze_indexed(got.ix, got.partition, got.names, weighted=False, k=k) == want


def test_read_graph_arrays_collapses_like_the_graph(tmp_path):
    """Repeated rows both ways, self-loops, isolates, spaces, quotes, a BOM, blank lines."""
    nodes = tmp_path / "n.csv"
    nodes.write_text('\ufeffid , team,name\nb,x,Bee\n a ,x,\nc,,"C, the third"\nd,y,Dee\n\ne,y,E\n')
    edges = tmp_path / "e.csv"
    edges.write_text(
        "source,target,w\nd,b,1\na,b,2\nb, a ,3\nc,c,4\n\nb,d,0.5\ne,a,1e-3\na,e,7\nd,e,2\n"
    )
    for directed in (False, True):
        for weight in (None, "w"):
            _, _, got = _assert_same(
                edges, nodes, group_attr="team", directed=directed, weight_column=weight
            )
            assert _read_arrays(edges, nodes, "team", directed, weight).ix.m == got.ix.m
    _, _, got = _assert_same(edges, nodes, group_attr="team", weight_column="w")
    assert got.ix.m == 4 and got.ix.w.tolist() == [1.0, 3.0, 7.0, 2.0]  # b-d, b-a, a-e, d-e
    assert got.names == ["Bee", "", "C, the third", "Dee", "E"]


@pytest.mark.parametrize(
    ("nodes_text", "edges_text", "kwargs"),
    [
        ("id,team\na,x\n", "source,target\na,zz\n", {}),
        ("name,team\na,x\n", "source,target\n", {}),
        ("id,team\na,x\n", "source,target\n", {"group_attr": "dept"}),
        ("id,team\na,x\nb,x\n", "source,target,w\na,b,heavy\n", {"weight_column": "w"}),
        ("id,team\na,x\nb,x\n", "source,target,w\na,b,-1\n", {"weight_column": "w"}),
        ("id,team\na,x\nb,x\n", "source,target,w\na,b,nan\n", {"weight_column": "w"}),
        ("id,team\na,x\na,y\n", "source,target\n", {}),
        ("id,team\n,x\n", "source,target\n", {}),
    ],
)
def test_read_graph_arrays_errors_are_the_readers(tmp_path, nodes_text, edges_text, kwargs):
    nodes = tmp_path / "n.csv"
    nodes.write_text(nodes_text)
    edges = tmp_path / "e.csv"
    edges.write_text(edges_text)
    kwargs = {"group_attr": "team", **kwargs}
    with pytest.raises(Invalid) as want:
        read_graph_files(edges, nodes, **kwargs)
    with pytest.raises(Invalid) as got:
        read_graph_arrays(edges, nodes, **kwargs)
    assert str(got.value) == str(want.value) and got.value.errors == want.value.errors


def test_read_graph_arrays_ragged_rows_go_through_the_reader(tmp_path):
    nodes = tmp_path / "n.csv"
    nodes.write_text("id,team,extra\na,x\nb,y,1,2\n")
    edges = tmp_path / "e.csv"
    edges.write_text("source,target\na,b,9\n")
    _assert_same(edges, nodes, group_attr="team")
