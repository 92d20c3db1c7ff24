"""One classification of ties (bonding, bridging, unclassified) and one counting."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.metrics import analyze
from graph_service.metrics._core import group_labels, indexed
from graph_service.metrics.ties import (
    BONDING,
    BRIDGING,
    class_counts,
    classify_ties,
    group_tie_counts,
    tie_class,
    tie_class_array,
    tie_counts,
)

CODE = {BONDING: "bonding", BRIDGING: "bridging", -1: "unclassified"}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"x"}, {"x"}, "bonding"),
        ({"x", "y"}, {"y"}, "bonding"),
        ({"x"}, {"y"}, "bridging"),
        ({"x"}, set(), "unclassified"),
        (None, {"x"}, "unclassified"),
        (set(), set(), "unclassified"),
    ],
)
def test_tie_class_rule(a, b, expected):
    assert tie_class(a, b) == expected


@st.composite
def grouped_graphs(draw):
    n = draw(st.integers(2, 12))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30))
    groups = draw(
        st.lists(st.frozensets(st.sampled_from("abc"), max_size=2), min_size=n, max_size=n)
    )
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((u, v) for u, v in edges if u != v)
    return G, dict(enumerate(groups))


@settings(max_examples=150, deadline=None)
@given(grouped_graphs())
def test_tie_class_array_agrees_with_tie_class(case):
    G, partition = case
    ix = indexed(G)
    codes = tie_class_array(ix, group_labels(ix.nodes, partition))
    for e in range(ix.m):
        u, v = ix.nodes[ix.src[e]], ix.nodes[ix.dst[e]]
        assert CODE[int(codes[e])] == tie_class(partition.get(u), partition.get(v))


@settings(max_examples=100, deadline=None)
@given(grouped_graphs())
def test_every_count_of_the_metrics_is_the_one_rule(case):
    G, partition = case
    classes = classify_ties(G, partition)
    expected = {c: sum(1 for x in classes.values() if x == c) for c in CODE.values()}
    network = analyze(G, partition, permutations=0)["network"]
    counts = class_counts(G, partition)
    for c in CODE.values():
        assert network[c] == expected[c] == counts[c]["pairs"] == counts[c]["stored"]
    assert tie_counts(G, partition)["network"]["unclassified"] == expected["unclassified"]
    assert network["ties"] == counts["all"]["pairs"] == G.number_of_edges()


def test_class_counts_pairs_and_stored_ties():
    G = nx.MultiGraph()
    G.add_edges_from([("a", "b"), ("a", "b"), ("b", "c"), ("c", "d")])
    p = {"a": frozenset({"x"}), "b": frozenset({"x"}), "c": frozenset({"y"})}
    counts = class_counts(G, p)
    assert counts["bonding"] == {"pairs": 1, "stored": 2}
    assert counts["bridging"] == {"pairs": 1, "stored": 1}
    assert counts["unclassified"] == {"pairs": 1, "stored": 1}
    assert counts["all"] == {"pairs": 3, "stored": 4}
    # a collapsed graph says how many stored ties each edge stands for
    H = nx.Graph()
    H.add_edge("a", "b", ties=2)
    H.add_edge("b", "c", ties=1)
    assert class_counts(H, p)["all"] == {"pairs": 2, "stored": 3}


def test_group_tie_counts_leave_ties_to_ungrouped_nodes_out():
    G = nx.Graph([("a1", "a2"), ("a1", "b1"), ("a2", "x")])
    p = {"a1": frozenset({"A"}), "a2": frozenset({"A"}), "b1": frozenset({"B"})}
    assert group_tie_counts(G, p) == {
        "A": {"members": 2, "inside": 1, "across": 1},
        "B": {"members": 1, "inside": 0, "across": 1},
    }
