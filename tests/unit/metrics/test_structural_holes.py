"""Burt's constraint, effective size, efficiency and hierarchy.

References: networkx's ``constraint`` and ``effective_size`` (per node for directed
graphs: networkx's all-nodes call is wrong there) and igraph's ``constraint`` on the
Florentine marriages and on random weighted and directed graphs; hand-checked values on
small graphs (Burt 1992; Borgatti 1997's ``n - 2t/n``).
"""

from __future__ import annotations

import math
import random

import igraph as ig
import networkx as nx
import pytest

from graph_service.metrics import (
    constraint,
    effective_size,
    efficiency,
    hierarchy,
    structural_holes,
)

from ._data import by_name, load


def test_constraint_florentine_matches_networkx_and_igraph():
    G, _ = load("padgett_flomarriage", "wealth")
    ours = constraint(G)
    ref = nx.constraint(G)
    nodes = list(G)
    g = ig.Graph(n=len(nodes), edges=[(nodes.index(u), nodes.index(v)) for u, v in G.edges])
    igraph_values = dict(zip(nodes, g.constraint(), strict=True))
    for v in G:
        if G.degree(v) == 0:
            assert ours[v] is None and math.isnan(ref[v])  # Pucci
            continue
        assert ours[v] == pytest.approx(ref[v], abs=1e-12)
        assert ours[v] == pytest.approx(igraph_values[v], abs=1e-12)
    # Medici: 6 contacts (p = 1/6 each); only Ridolfi and Tornabuoni (3 contacts each)
    # are tied: c = 2 (1/6 + 1/6 * 1/3)^2 + 4 (1/6)^2 = 68/324 = 17/81.
    assert by_name(G, ours)["Medici"] == pytest.approx(17 / 81)
    assert by_name(G, effective_size(G))["Medici"] == pytest.approx(5 + 2 / 3)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("weight", [None, "w"])
def test_structural_holes_match_networkx_per_node(seed, directed, weight):
    G = nx.gnp_random_graph(35, 0.15, seed=seed, directed=directed)
    rng = random.Random(seed)
    for u, v in G.edges:
        G[u][v]["w"] = rng.randint(1, 5)
    r = structural_holes(G, weight)
    cons = nx.constraint(G, weight=weight)
    for v in G:
        if G.degree(v) == 0:
            assert all(r[m][v] is None for m in r)
            continue
        per_node = nx.effective_size(G, nodes=[v], weight=weight)[v]
        if directed and G.out_degree(v) == 0:
            # networkx tests len(G[v]) (successors only) and gives NaN; Burt's ego
            # network has in- and out-contacts, so our value is defined.
            assert math.isnan(per_node) and r["effective_size"][v] is not None
            assert r["constraint"][v] == pytest.approx(cons[v], abs=1e-12)
            continue
        assert r["constraint"][v] == pytest.approx(cons[v], abs=1e-12)
        assert r["effective_size"][v] == pytest.approx(per_node, abs=1e-12)
        contacts = len(set(nx.all_neighbors(G, v)))
        assert r["efficiency"][v] == pytest.approx(per_node / contacts, abs=1e-12)


def test_effective_size_borgatti_formula():
    # Ego 0 with 4 contacts, two ties among them: n - 2t/n = 4 - 4/4 = 3.
    G = nx.star_graph(4)
    G.add_edges_from([(1, 2), (3, 4)])
    assert effective_size(G)[0] == pytest.approx(3.0)
    assert efficiency(G)[0] == pytest.approx(0.75)


def test_hierarchy_hand_checked():
    # Star: every contact constrains the centre equally: hierarchy 0.
    assert hierarchy(nx.star_graph(3))[0] == pytest.approx(0.0)
    # Ego 0 with contacts 1, 2, 3 where 1-2 are tied: c_01 = c_02 = (1/3 + 1/3 * 1/2)^2
    # = 0.25, c_03 = 1/9; C = 11/18, mean 11/54; H = sum r ln r / (3 ln 3).
    G = nx.Graph([(0, 1), (0, 2), (0, 3), (1, 2)])
    c = [0.25, 0.25, 1 / 9]
    mean = sum(c) / 3
    expected = sum((x / mean) * math.log(x / mean) for x in c) / (3 * math.log(3))
    assert constraint(G)[0] == pytest.approx(sum(c))
    assert hierarchy(G)[0] == pytest.approx(expected)
    assert hierarchy(G)[3] is None  # one contact: 0 / 0


def test_structural_holes_empty_one_node_and_zero_weights():
    assert structural_holes(nx.Graph()) == {m: {} for m in structural_holes(nx.Graph())}
    single = structural_holes(nx.empty_graph(1))
    assert all(values[0] is None for values in single.values())
    G = nx.Graph([(0, 1)])
    G[0][1]["w"] = 0
    assert constraint(G, "w") == {0: None, 1: None}


def test_structural_holes_isolate_changes_nothing():
    G = nx.gnm_random_graph(30, 60, seed=4)
    before = structural_holes(G)
    G.add_node("isolate")
    after = structural_holes(G)
    for measure, values in before.items():
        assert {v: after[measure][v] for v in values} == values
