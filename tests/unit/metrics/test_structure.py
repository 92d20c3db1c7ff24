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


def test_betweenness_threads_agree(monkeypatch):
    from graph_service.metrics import _kernels

    G = nx.gnm_random_graph(300, 900, seed=2)
    whole = betweenness(G)
    for count in (1, 7):  # sources split in 1 or 7 chunks
        monkeypatch.setattr(_kernels, "threads", lambda count=count: count)
        assert betweenness(G) == pytest.approx(whole)
        assert betweenness(G, 20, seed=3) == pytest.approx(
            nx.betweenness_centrality(G, k=20, seed=3, normalized=False)
        )


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


def test_local_bridge_spans_in_many_chunks(monkeypatch):
    from graph_service.metrics import _kernels

    G = nx.gnm_random_graph(120, 170, seed=11)
    whole = local_bridges(G)
    monkeypatch.setattr(_kernels, "threads", lambda: 5)
    assert local_bridges(G) == whole
    ref = {
        frozenset((u, v)): (None if s == float("inf") else s)
        for u, v, s in nx.local_bridges(G, with_span=True)
    }
    assert {frozenset((u, v)): s for u, v, s in whole} == ref


def _nx_spans(G):
    return {
        frozenset((u, v)): (None if s == float("inf") else s)
        for u, v, s in nx.local_bridges(G, with_span=True)
    }


@pytest.mark.parametrize("seed", range(12))
def test_local_bridge_spans_match_networkx_every_length(seed, monkeypatch):
    # mix graphs with short cycles, long cycles, bridges and several components
    from graph_service.metrics import _kernels

    rng = random.Random(seed)
    graphs = [
        nx.gnm_random_graph(rng.randint(20, 200), rng.randint(20, 400), seed=seed),
        nx.connected_watts_strogatz_graph(60, 4, 0.1 * (seed % 5), seed=seed),
        nx.cycle_graph(rng.randint(3, 14)),
        nx.grid_2d_graph(rng.randint(2, 6), rng.randint(2, 6)),
        nx.random_regular_graph(3, 2 * rng.randint(5, 40), seed=seed),
    ]
    H = nx.disjoint_union_all(graphs)
    H.add_edges_from((rng.randrange(len(H)), rng.randrange(len(H))) for _ in range(5))
    H.remove_edges_from(nx.selfloop_edges(H))
    assert {frozenset((u, v)): s for u, v, s in local_bridges(H)} == _nx_spans(H)
    monkeypatch.setattr(_kernels, "threads", lambda: 3)
    assert {frozenset((u, v)): s for u, v, s in local_bridges(H)} == _nx_spans(H)


def _mixed_graph(seed, directed):
    """Random graph with several components, isolates and a long cycle."""
    rng = random.Random(seed)
    parts = [
        nx.gnm_random_graph(rng.randint(5, 60), rng.randint(4, 150), seed=seed, directed=directed),
        nx.gnp_random_graph(rng.randint(2, 30), 0.15, seed=seed + 1, directed=directed),
        nx.cycle_graph(rng.randint(3, 12), create_using=nx.DiGraph if directed else nx.Graph),
        nx.empty_graph(rng.randint(1, 4), create_using=nx.DiGraph if directed else nx.Graph),
    ]
    G = nx.disjoint_union_all(parts)
    nodes = list(G)
    G.add_edges_from((rng.choice(nodes), rng.choice(nodes)) for _ in range(3))
    G.remove_edges_from(list(nx.selfloop_edges(G)))
    G.add_node("isolate")
    return G


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_kernels_match_networkx_on_mixed_graphs(directed, seed):
    G = _mixed_graph(seed, directed)
    assert betweenness(G) == pytest.approx(nx.betweenness_centrality(G, normalized=False), abs=1e-9)
    k = len(G) // 3
    assert betweenness(G, k, seed=seed) == pytest.approx(
        nx.betweenness_centrality(G, k=k, seed=seed, normalized=False), abs=1e-9
    )
    got = {frozenset((u, v)): s for u, v, s in local_bridges(G)}
    assert got == _nx_spans(G.to_undirected(as_view=True))
