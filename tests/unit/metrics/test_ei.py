"""E-I index, its UCINET range and permutation test, and the dyad-table measures.

Published values:

- netseg (Bojanowski 2021, vignette "Network Segregation and Homophily", data
  ``Classroom``): ``mixingm(Classroom, "gender")`` = [[40, 2], [5, 41]],
  ``ei(Classroom, "gender")`` = -0.8409091, ``ei(undir, "gender")`` = -0.9090909,
  ``orwg(Classroom, "gender")`` = 16.58071, ``orwg(undir, "gender")`` = 26.13333, where
  ``undir`` keeps the reciprocated nominations.
- R package homophily (knapply), ``ei_index`` reference page: Jemmah Islamiyah by
  ``role``: network 0.3650794 and the node values below; Sampson's ``samplike`` by
  ``group``: network -0.4318182 and the node values below (directed: in- and out-arcs).
"""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.metrics import (
    dyad_table,
    ei_index,
    ei_permutation_test,
    ei_range,
    mixing_matrix,
    odds_ratio,
    tie_counts,
    yules_q,
)

from ._data import by_name, load


def _mutual(G: nx.DiGraph) -> nx.Graph:
    """igraph's ``as.undirected(mode = "mutual")``: reciprocated arcs only, isolates kept."""
    U = nx.Graph()
    U.add_nodes_from(G.nodes(data=True))
    U.add_edges_from((u, v) for u, v in G.edges if G.has_edge(v, u))
    return U


def test_ei_classroom_matches_netseg():
    G, p = load("netseg_classroom", "gender", directed=True)
    assert mixing_matrix(G, p) == {"Boy": {"Boy": 40, "Girl": 2}, "Girl": {"Boy": 5, "Girl": 41}}
    assert ei_index(G, p)["network"] == pytest.approx(-0.8409091, abs=1e-7)
    assert ei_index(_mutual(G), p)["network"] == pytest.approx(-0.9090909, abs=1e-7)


def test_odds_ratio_classroom_matches_netseg():
    G, p = load("netseg_classroom", "gender", directed=True)
    # netseg's full mixing matrix: tie=FALSE 116, 167 / 164, 115; tie=TRUE 40, 2 / 5, 41
    assert dyad_table(G, p) == {"a": 81, "b": 231, "c": 7, "d": 331}
    assert odds_ratio(G, p) == pytest.approx(16.58071, abs=1e-5)
    assert odds_ratio(_mutual(G), p) == pytest.approx(26.13333, abs=1e-5)
    # Yule's Q = (OR - 1) / (OR + 1) (Yule 1900), from netseg's published odds ratio
    assert yules_q(G, p) == pytest.approx((16.58071 - 1) / (16.58071 + 1), abs=1e-6)


def test_ei_jemmah_islamiyah_matches_homophily_package():
    G, p = load("jemmah_islamiyah", "role")
    result = ei_index(G, p)
    assert result["network"] == pytest.approx(0.3650794, abs=1e-7)
    published = {
        "MUKLAS": 0.5555556, "AMROZI": 0.5, "IMRON": 1.0, "SAMUDRA": 0.7333333,
        "DULMATIN": 0.1111111, "IDRIS": 0.6, "MUBAROK": 0.3333333, "AZAHARI": 0.1111111,
        "GHONI": 0.1111111, "ARNASAN": 1.0, "RAUF": -0.2, "OCTAVIA": -0.2, "HIDAYAT": -0.2,
        "JUNAEDI": -0.2, "PATEK": 0.1111111, "FERI": 1.0, "SARIJO": 0.1111111,
    }  # fmt: skip
    assert by_name(G, result["nodes"]) == pytest.approx(published, abs=1e-7)


def test_ei_samplike_directed_matches_homophily_package():
    G, p = load("sampson_samplike", "group", directed=True)
    result = ei_index(G, p)
    assert result["network"] == pytest.approx(-0.4318182, abs=1e-7)
    published = {
        "John Bosco": -0.05882353, "Gregory": -0.46666667, "Basil": -0.25, "Peter": -1.0,
        "Bonaventure": -0.23076923, "Berthold": -0.66666667, "Mark": -0.45454545,
        "Victor": -0.27272727, "Ambrose": -0.5, "Romauld": -0.5, "Louis": -0.25,
        "Winfrid": -0.81818182, "Amand": 0.0, "Hugh": -0.45454545, "Boniface": -0.77777778,
        "Albert": -0.5, "Elias": -0.66666667, "Simplicius": -0.33333333,
    }  # fmt: skip
    assert by_name(G, result["nodes"]) == pytest.approx(published, abs=1e-7)


def test_ei_group_uses_ucinet_row_sums():
    # Team Lima (Jemmah Islamiyah): 4 members, each with 3 ties inside and 2 outside
    # (their node E-I is -0.2, published above). Row sums: I = 4 * 3 = 12 (each internal
    # tie twice), E = 4 * 2 = 8, so E-I = (8 - 12) / 20 = -0.2.
    G, p = load("jemmah_islamiyah", "role")
    counts = tie_counts(G, p)["groups"]["Team Lima"]
    assert counts == {"size": 4, "internal": 12, "external": 8}
    assert ei_index(G, p)["groups"]["Team Lima"] == pytest.approx(-0.2)


def test_ei_group_directed_counts_out_arcs():
    G = nx.DiGraph([("a1", "a2"), ("a2", "b1"), ("b1", "a1"), ("b1", "b2")])
    p = {"a1": frozenset({"A"}), "a2": frozenset({"A"}), "b1": frozenset({"B"})}
    p["b2"] = frozenset({"B"})
    groups = tie_counts(G, p)["groups"]
    assert groups["A"] == {"size": 2, "internal": 1, "external": 1}
    assert groups["B"] == {"size": 2, "internal": 1, "external": 1}


def test_ei_range_hand_checked():
    # Two groups of 3 on a path 0-1-2-3-4-5 (groups {0,1,2}, {3,4,5}).
    # D = 15 dyads, P_int = 6, P_ext = 9, T = 5 ties (4 internal, 1 external).
    G = nx.path_graph(6)
    p = {v: frozenset({"a" if v < 3 else "b"}) for v in G}
    r = ei_range(G, p)
    assert r["expected"] == pytest.approx((9 - 6) / 15)
    assert r["max"] == pytest.approx(1.0)  # all 5 ties can be external (5 <= 9)
    assert r["min"] == pytest.approx(-1.0)  # all 5 ties can be internal (5 <= 6)
    assert ei_index(G, p)["network"] == pytest.approx(-0.6)
    assert r["rescaled"] == pytest.approx(-0.6)


def test_ei_range_restricted_range():
    # Complete graph K4, groups {0,1} and {2,3}: 6 ties, P_int = 2, P_ext = 4.
    G = nx.complete_graph(4)
    p = {v: frozenset({"a" if v < 2 else "b"}) for v in G}
    r = ei_range(G, p)
    assert r["max"] == pytest.approx((2 * 4 - 6) / 6)
    assert r["min"] == pytest.approx((6 - 2 * 2) / 6)
    assert r["rescaled"] is None  # observed, min and max coincide: no range to rescale


def test_ei_undefined_cases_are_none():
    G = nx.Graph()
    G.add_nodes_from([1, 2, 3])
    G.add_edge(1, 2)
    p = {1: frozenset({"a"}), 3: frozenset({"b"})}  # 2 is ungrouped
    r = ei_index(G, p)
    assert r["network"] is None
    assert r["nodes"] == {1: None, 2: None, 3: None}
    assert ei_range(G, p)["min"] is None
    assert ei_permutation_test(G, p) is None
    assert odds_ratio(G, p) is None and yules_q(G, p) is None
    assert ei_index(nx.Graph(), {})["network"] is None


def test_ei_overlapping_groups_share():
    G = nx.Graph([("x", "y"), ("y", "z")])
    p = {"x": frozenset({"A"}), "y": frozenset({"A", "B"}), "z": frozenset({"B"})}
    r = ei_index(G, p)
    assert r["network"] == -1.0  # y shares A with x and B with z
    assert tie_counts(G, p)["nodes"]["y"] == {"degree": 2, "bonding": 2, "bridging": 0}


def test_ei_permutation_test_seeded_and_sensible():
    G, p = load("netseg_classroom", "gender", directed=True)
    first = ei_permutation_test(G, p, permutations=500, seed=3)
    assert first == ei_permutation_test(G, p, permutations=500, seed=3)
    assert first == pytest.approx(1 / 501)  # no shuffle is as segregated as the class
    # A random labelling is not significant.
    rng = __import__("random").Random(0)
    shuffled = {v: frozenset({rng.choice(["x", "y"])}) for v in G}
    assert ei_permutation_test(G, shuffled, permutations=500, seed=3) > 0.01


def test_ei_permutation_mean_is_ucinet_expected():
    G = nx.gnm_random_graph(40, 90, seed=5)
    p = {v: frozenset({str(v % 3)}) for v in G}
    from graph_service.metrics._core import group_labels, indexed
    from graph_service.metrics.ei import dyad_counts

    ix = indexed(G)
    labels = group_labels(ix.nodes, p)
    dyads, p_int = dyad_counts(ix, labels)
    import numpy as np

    rng = np.random.default_rng(1)
    sig = labels.sig.copy()
    values = []
    for _ in range(4000):
        perm = rng.permutation(sig)
        internal = int(np.count_nonzero(perm[ix.src] == perm[ix.dst]))
        values.append((ix.m - 2 * internal) / ix.m)
    assert np.mean(values) == pytest.approx(ei_range(G, p)["expected"], abs=0.01)
    assert ei_range(G, p)["expected"] == pytest.approx((dyads - 2 * p_int) / dyads)


graphs = st.builds(
    lambda n, m, seed, directed: nx.gnm_random_graph(n, m, seed=seed, directed=directed),
    st.integers(2, 25),
    st.integers(0, 60),
    st.integers(0, 10_000),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(graphs, st.integers(1, 4), st.integers(0, 1000))
def test_ei_property_bounded(G, k, seed):
    import random

    rng = random.Random(seed)
    p = {v: frozenset({str(rng.randrange(k))}) for v in G if rng.random() < 0.9}
    r = ei_index(G, p)
    values = [r["network"], *r["groups"].values(), *r["nodes"].values()]
    rng_r = ei_range(G, p)
    values += [rng_r["expected"], rng_r["min"], rng_r["max"], rng_r["rescaled"]]
    for x in values:
        assert x is None or (-1 - 1e-12 <= x <= 1 + 1e-12 and math.isfinite(x))
    if rng_r["min"] is not None and r["network"] is not None:
        assert rng_r["min"] - 1e-12 <= r["network"] <= rng_r["max"] + 1e-12


@settings(max_examples=40, deadline=None)
@given(graphs, st.integers(0, 1000))
def test_ei_property_relabelling_changes_nothing(G, seed):
    import random

    rng = random.Random(seed)
    p = {v: frozenset({str(rng.randrange(3))}) for v in G}
    nodes = list(G)
    new_ids = {v: f"n{w}" for v, w in zip(nodes, rng.sample(range(1000), len(nodes)), strict=True)}
    rename = {"0": "zeta", "1": "alpha", "2": "mu"}
    H = nx.relabel_nodes(G, new_ids)
    q = {new_ids[v]: frozenset(rename[g] for g in gs) for v, gs in p.items()}
    a, b = ei_index(G, p), ei_index(H, q)
    assert a["network"] == b["network"]
    assert {v: a["nodes"][v] for v in G} == {v: b["nodes"][new_ids[v]] for v in G}
    assert {rename[g]: x for g, x in a["groups"].items()} == b["groups"]
    assert odds_ratio(G, p) == odds_ratio(H, q)
    assert ei_range(G, p) == ei_range(H, q)
