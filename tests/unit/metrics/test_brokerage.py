"""Gould & Fernandez brokerage against R's sna::brokerage.

The references below are line-by-line transcriptions of ``sna``'s source (Butts, R
package sna: ``src/gli.c`` function ``brokerage_R`` for the raw counts, ``R/gli.R``
function ``brokerage`` for the expectations and variances, loops and all), so the fast
path is checked against sna's own definitions on random graphs. Two small graphs are
checked by hand as well.
"""

from __future__ import annotations

import math
import random
from math import comb

import networkx as nx
import numpy as np
import pytest

from graph_service.metrics import ROLES, brokerage

# sna's column order: w_I, w_O, b_IO, b_OI, b_O; gli.c puts representatives ([i j][k]) in
# the third column and gatekeepers ([i][j k]) in the fourth.
SNA_ORDER = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


def sna_raw(arcs: set[tuple[int, int]], n: int, cl: list[int]) -> np.ndarray:
    """Transcription of sna's ``brokerage_R`` (gli.c)."""
    brok = np.zeros((n, 5))
    out = {i: [b for a, b in arcs if a == i] for i in range(n)}
    for i in range(n):
        for j in out[i]:
            if j == i:
                continue
            for k in out[j]:
                if k != i and k != j and (i, k) not in arcs:
                    if cl[j] == cl[i]:
                        brok[j, 0 if cl[j] == cl[k] else 2] += 1
                    elif cl[j] == cl[k]:
                        brok[j, 3] += 1
                    elif cl[i] == cl[k]:
                        brok[j, 1] += 1
                    else:
                        brok[j, 4] += 1
    return brok


def sna_moments(n_nodes: int, m: int, cl: list[int]):
    """Transcription of the moments in sna's ``brokerage`` (gli.R)."""
    N = float(n_nodes)
    d = m / (N * (N - 1))
    clid = list(dict.fromkeys(cl))
    n = np.array([sum(1 for c in cl if c == i) for i in clid], dtype=float)
    K = len(clid)
    ebr = np.zeros((K, 6))
    vbr = np.zeros((K, 6))
    q = d**2 * (1 - d)
    for i in range(K):
        o = np.delete(n, i)
        ebr[i, 0] = q * (n[i] - 1) * (n[i] - 2)
        vbr[i, 0] = (
            ebr[i, 0] * (1 - q) + 2 * (n[i] - 1) * (n[i] - 2) * (n[i] - 3) * d**3 * (1 - d) ** 3
        )
        ebr[i, 1] = q * sum(o * (o - 1))
        vbr[i, 1] = ebr[i, 1] * (1 - q) + 2 * sum(o * (o - 1) * (o - 2)) * d**3 * (1 - d) ** 3
        ebr[i, 2] = q * (N - n[i]) * (n[i] - 1)
        vbr[i, 2] = (
            ebr[i, 2] * (1 - q)
            + 2
            * ((n[i] - 1) * comb(int(N - n[i]), 2) + (N - n[i]) * comb(int(n[i] - 1), 2))
            * d**3
            * (1 - d) ** 3
        )
        ebr[i, 3], vbr[i, 3] = ebr[i, 2], vbr[i, 2]
        ebr[i, 4] = q * (np.sum(np.outer(o, o)) - np.sum(o**2))
        vbr[i, 4] = ebr[i, 4] * (1 - q) + 4 * sum(
            o[x] * comb(int(N - o[x] - n[i]), 2) * d**3 * (1 - d) ** 3 for x in range(len(o))
        )
        ebr[i, 5] = q * (N - 1) * (N - 2)
        vbr[i, 5] = ebr[i, 5] * (1 - q) + 2 * (N - 1) * (N - 2) * (N - 3) * d**3 * (1 - d) ** 3
    eg, vg = np.zeros(6), np.zeros(6)
    a3, a4, a5 = d**3 * (1 - d) ** 3, d**4 * (1 - d) ** 2, d**5 * (1 - d)
    eg[0] = q * sum(n * (n - 1) * (n - 2))
    vg[0] = eg[0] * (1 - q) + sum(
        n * (n - 1) * (n - 2) * ((4 * n - 10) * a3 - 4 * (n - 3) * a4 + (n - 3) * a5)
    )
    eg[1] = q * sum(n * (N - n) * (n - 1))
    outer = sum(
        x * y * (x - 1) * ((2 * x + 2 * y - 6) * a3 + (N - x - 1) * a5) for x in n for y in n
    )
    vg[1] = eg[1] * (1 - q) + outer - sum(n * n * (n - 1) * ((4 * n - 6) * a3 + (N - n - 1) * a5))
    eg[2] = q * sum(n * (N - n) * (n - 1))
    vg[2] = eg[2] * (1 - q) + sum(n * (N - n) * (n - 1) * ((N - 3) * a3 + (n - 2) * a5))
    eg[3], vg[3] = eg[2], vg[2]
    eg[4] = q * (sum(x * y * (N - x - y) for x in n for y in n) - sum(n * n * (N - 2 * n)))
    vg[4] = eg[4] * (1 - q)
    for i in range(K):
        for j in range(K):
            for k in range(K):
                if i != j and j != k and i != k:
                    vg[4] += (
                        n[i]
                        * n[j]
                        * n[k]
                        * (
                            (4 * (N - n[j]) - 2 * (n[i] + n[k] + 1)) * a3
                            - (4 * (N - n[k]) - 2 * (n[i] + n[j] + 1)) * a4
                            + (N - (n[i] + n[k] + 1)) * a5
                        )
                    )
    eg[5] = q * N * (N - 1) * (N - 2)
    vg[5] = eg[5] * (1 - q) + N * (N - 1) * (N - 2) * (
        (4 * N - 10) * a3 - 4 * (N - 3) * a4 + (N - 3) * a5
    )
    return clid, ebr, np.sqrt(vbr), eg, np.sqrt(vg)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("directed", [True, False])
def test_brokerage_matches_sna_transcription(seed, directed):
    rng = random.Random(seed)
    n = rng.randint(8, 30)
    G = nx.gnp_random_graph(n, rng.uniform(0.08, 0.35), seed=seed, directed=directed)
    k = rng.randint(2, 5)
    cl = [rng.randrange(k) for _ in range(n)]
    p = {v: frozenset({f"g{cl[v]}"}) for v in G}
    result = brokerage(G, p)
    arcs = set(G.edges) | ({(v, u) for u, v in G.edges} if not directed else set())
    raw = sna_raw(arcs, n, cl)
    clid, ebr, sbr, eg, sg = sna_moments(n, len(arcs), cl)
    for v in G:
        row = result["nodes"][v]
        for c, role in enumerate(SNA_ORDER):
            assert row[role]["raw"] == raw[v, c]
        assert row["total"]["raw"] == raw[v].sum()
        ci = clid.index(cl[v])
        for c, role in enumerate((*SNA_ORDER, "total")):
            assert row[role]["expected"] == pytest.approx(ebr[ci, c], rel=1e-9, abs=1e-12)
            assert row[role]["sd"] == pytest.approx(sbr[ci, c], rel=1e-9, abs=1e-12)
    for c, role in enumerate((*SNA_ORDER, "total")):
        net = result["network"][role]
        assert net["raw"] == pytest.approx(raw.sum(axis=0)[c] if c < 5 else raw.sum())
        assert net["expected"] == pytest.approx(eg[c], rel=1e-9, abs=1e-12)
        assert net["sd"] == pytest.approx(sg[c], rel=1e-9, abs=1e-12)
        if sg[c] > 0:
            assert net["z"] == pytest.approx((net["raw"] - eg[c]) / sg[c], rel=1e-9, abs=1e-9)


def test_brokerage_hand_checked_roles():
    # a1 -> B -> a2 with no a1 -> a2: B (group Y) is an itinerant broker for group X;
    # x1 -> x2 -> y1: x2 is a representative; y1 -> x3 -> x4: x3 is a gatekeeper;
    # x5 -> x6 -> x7 all in X: coordinator; p -> q -> r in three groups: liaison.
    arcs = [("a1", "B"), ("B", "a2"), ("x1", "x2"), ("x2", "y1"), ("y1", "x3"), ("x3", "x4")]
    G = nx.DiGraph([*arcs, ("x5", "x6"), ("x6", "x7"), ("p", "q"), ("q", "r")])
    group = {"a1": "X", "a2": "X", "B": "Y", "y1": "Y", "p": "P", "q": "Q", "r": "R"}
    p = {v: frozenset({group.get(v, "X")}) for v in G}
    nodes = brokerage(G, p)["nodes"]
    expected = {"B": "itinerant", "x2": "representative", "x3": "gatekeeper"}
    expected |= {"x6": "coordinator", "q": "liaison"}
    for v, role in expected.items():
        assert {r: nodes[v][r]["raw"] for r in ROLES if nodes[v][r]["raw"]} == {role: 1.0}
        assert nodes[v]["total"]["raw"] == 1.0
    # y1 mediates x2 -> y1 -> x3: both ends in X, y1 in Y: itinerant
    assert nodes["y1"]["itinerant"]["raw"] == 1.0


def test_brokerage_closed_and_reciprocal_pairs_not_brokered():
    # a <-> v <-> b with a -> b: v brokers only b -> a (the one open two-path).
    G = nx.DiGraph([("a", "v"), ("v", "a"), ("v", "b"), ("b", "v"), ("a", "b")])
    p = {v: frozenset({"g"}) for v in G}
    assert brokerage(G, p)["nodes"]["v"]["coordinator"]["raw"] == 1.0


def test_brokerage_undirected_counts_both_directions():
    G = nx.path_graph(3)  # 0 - 1 - 2
    p = {0: frozenset({"A"}), 1: frozenset({"A"}), 2: frozenset({"B"})}
    node = brokerage(G, p)["nodes"][1]
    assert node["representative"]["raw"] == 1.0  # 0 -> 1 -> 2
    assert node["gatekeeper"]["raw"] == 1.0  # 2 -> 1 -> 0
    assert node["total"]["raw"] == 2.0


def test_brokerage_ungrouped_and_overlapping():
    G = nx.DiGraph([("a", "v"), ("v", "b"), ("u", "v")])
    p = {"a": frozenset({"A"}), "v": frozenset({"A", "B"}), "b": frozenset({"B"})}
    result = brokerage(G, p)
    assert all(x["raw"] is None for x in result["nodes"]["u"].values())
    v = result["nodes"]["v"]
    assert v["coordinator"]["raw"] == 1.0  # shares A with a and B with b
    assert v["coordinator"]["expected"] is None  # no expectation for overlapping groups


def test_brokerage_empty_and_single_node():
    assert brokerage(nx.Graph(), {}) == {
        "nodes": {},
        "network": {
            r: {"raw": 0.0, "expected": None, "sd": None, "z": None} for r in (*ROLES, "total")
        },
    }
    one = brokerage(nx.DiGraph([(1, 1)]), {1: frozenset({"g"})})
    assert one["nodes"][1]["total"]["raw"] == 0.0
    assert one["nodes"][1]["total"]["z"] is None
    assert not any(
        isinstance(x, float) and math.isnan(x)
        for row in one["network"].values()
        for x in row.values()
    )
