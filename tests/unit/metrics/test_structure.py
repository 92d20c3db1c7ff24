"""Betweenness, bridging centrality, bridges, local bridges and articulation points.

Published values: Krackhardt's kite (Krackhardt 1990, "Assessing the political
landscape"; raw betweenness Heather 14, Fernando and Garth 8.33, Ike 8, Diane 3.67, Andre
and Beverly 0.83, others 0; the igraphdata ``kite`` names them A-J) and Padgett's
Florentine marriages (Medici 47.5, raw undirected betweenness, as in networkx's and
Wasserman & Faust's treatment of ``flomarriage``). The fast paths are cross-checked
against networkx on random graphs.
"""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph_service.metrics import (
    articulation_points,
    betweenness,
    bridges,
    bridging_centrality,
    local_bridges,
)

from ._data import by_name, load


def test_betweenness_krackhardt_kite_published():
    G, _ = load("krackhardt_kite", "name")
    published = {"A": 5 / 6, "B": 5 / 6, "C": 0, "D": 11 / 3, "E": 0}
    published |= {"F": 25 / 3, "G": 25 / 3, "H": 14, "I": 8, "J": 0}
    assert by_name(G, betweenness(G)) == pytest.approx(published)


def test_betweenness_padgett_medici():
    G, _ = load("padgett_flomarriage", "wealth")
    assert G.number_of_nodes() == 16  # Pucci, an isolate, is kept
    assert by_name(G, betweenness(G))["Medici"] == pytest.approx(47.5)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("k", [None, 1, 7])
@pytest.mark.parametrize("weight", [None, "d"])
def test_betweenness_matches_networkx(directed, k, weight):
    for seed in range(3):
        G = nx.gnp_random_graph(45, 0.09, seed=seed, directed=directed)
        rng = random.Random(seed)
        for u, v in G.edges:
            G[u][v]["d"] = rng.randint(1, 4)
        got = betweenness(G, k, seed=seed, weight=weight)
        ref = nx.betweenness_centrality(G, k=k, seed=seed, weight=weight, normalized=False)
        if k == 1:  # networkx gives NaN for the single pivot; we give 0
            pivot = [v for v in G if ref[v] != ref[v]]
            assert all(got[v] == 0.0 for v in pivot)
            ref = {v: (0.0 if x != x else x) for v, x in ref.items()}
        assert got == pytest.approx(ref, abs=1e-9)


def test_betweenness_batches_agree():
    from graph_service.metrics import centrality

    G = nx.gnm_random_graph(300, 900, seed=2)
    whole = betweenness(G)
    old = centrality._BATCH_CELLS
    centrality._BATCH_CELLS = 300 * 7  # 7 sources a batch: many batches
    try:
        assert betweenness(G) == pytest.approx(whole)
    finally:
        centrality._BATCH_CELLS = old


def test_bridging_centrality_hwang():
    # Path 0-1-2-3: node 1 has betweenness 2, degree 2, neighbours of degree 1 and 2:
    # BC = (1/2) / (1/1 + 1/2) = 1/3, bridging centrality 2/3.
    G = nx.path_graph(4)
    G.add_node(9)
    r = bridging_centrality(G)
    assert r[1] == pytest.approx(2 / 3)
    assert r[0] == 0.0
    assert r[9] is None


@pytest.mark.parametrize("seed", range(8))
def test_bridges_and_local_bridges_match_networkx(seed):
    G = nx.gnm_random_graph(70, 95, seed=seed)
    G.add_edges_from([(100, 101), (101, 102), (102, 100), (102, 103)])
    ref = {
        frozenset((u, v)): (None if s == float("inf") else s)
        for u, v, s in nx.local_bridges(G, with_span=True)
    }
    got = {frozenset((u, v)): s for u, v, s in local_bridges(G)}
    assert got == ref
    assert {frozenset(e) for e in bridges(G)} == {frozenset(e) for e in nx.bridges(G)}
    assert set(articulation_points(G)) == set(nx.articulation_points(G))


def test_local_bridges_directed_use_skeleton_and_small_cases():
    D = nx.DiGraph([(0, 1), (1, 2), (2, 3), (3, 0)])
    assert sorted(local_bridges(D)) == [(0, 1, 3), (0, 3, 3), (1, 2, 3), (2, 3, 3)]
    assert local_bridges(nx.Graph()) == [] and bridges(nx.empty_graph(1)) == []
    assert local_bridges(nx.path_graph(2)) == [(0, 1, None)]
    assert local_bridges(nx.path_graph(4), with_span=False)[0] == (0, 1, None)


def test_articulation_points_separated_groups():
    # Two triangles A and B joined through c (group C); a4 (group A) hangs off a1.
    # a1 cuts a4 off from the rest of A; a3 and b1 cut A, B and C apart; c separates A
    # from B (its own group leaves with it).
    G = nx.Graph([("a1", "a2"), ("a2", "a3"), ("a3", "a1"), ("a3", "c"), ("c", "b1")])
    G.add_edges_from([("b1", "b2"), ("b2", "b3"), ("b3", "b1"), ("a1", "a4")])
    p = {v: frozenset({v[0].upper()}) for v in G}
    r = articulation_points(G, p)
    assert r == {
        "a1": ["A"],
        "a3": ["A", "B", "C"],
        "c": ["A", "B"],
        "b1": ["A", "B", "C"],
    }
    assert articulation_points(G) == {v: [] for v in r}


def test_articulation_point_inside_one_group_separates_nothing_else():
    G = nx.Graph([("x", "y"), ("y", "z"), ("z", "w"), ("w", "y")])
    p = {"x": frozenset({"Q"}), "y": frozenset({"P"}), "z": frozenset({"P"})}
    p["w"] = frozenset({"P"})
    # y cuts x (group Q) off from z and w (group P)
    assert articulation_points(G, p) == {"y": ["P", "Q"]}


def test_local_bridge_spans_in_many_batches(monkeypatch):
    from graph_service.metrics import structure

    G = nx.gnm_random_graph(120, 170, seed=11)
    whole = local_bridges(G)
    monkeypatch.setattr(structure, "_SPAN_BATCH", 5)
    assert local_bridges(G) == whole
    ref = {
        frozenset((u, v)): (None if s == float("inf") else s)
        for u, v, s in nx.local_bridges(G, with_span=True)
    }
    assert {frozenset((u, v)): s for u, v, s in whole} == ref
