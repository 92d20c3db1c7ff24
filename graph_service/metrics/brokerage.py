"""Gould & Fernandez brokerage roles, as R's ``sna::brokerage`` defines them.

Gould, R.V. & Fernandez, R.M. (1989). Structures of mediation: a formal approach to
brokerage in transaction networks. *Sociological Methodology* 19: 89-126. Counts,
expectations and variances follow Butts's ``sna::brokerage`` (R package sna, ``gli.c``
and ``brokerage()``) exactly.

Node ``v`` brokers the ordered pair ``(a, b)`` when ``a -> v -> b``, ``a != b`` and there
is no arc ``a -> b``. With ``A``, ``B``, ``C`` standing for distinct groups, the role of
``v`` (in the middle) for the two-path ``a -> v -> b`` is:

============== ============================= =========== ============
role           two-path                       sna column  G&F symbol
============== ============================= =========== ============
coordinator    A -> A -> A                    ``w_I``     w_I
itinerant      A -> B -> A                    ``w_O``     w_O
representative A -> A -> B (broker sends out) ``b_IO``    b_OI
gatekeeper     A -> B -> B (broker lets in)   ``b_OI``    b_IO
liaison        A -> B -> C                    ``b_O``     b_O
============== ============================= =========== ============

(``sna``'s C code stores the representative count in the column it names ``b_IO``; the
roles here are named by what they count.) ``total`` is the sum of the five.

Conventions:

- **Undirected ties** are read as arcs both ways, as ``sna`` does with a symmetric
  adjacency matrix: every brokered pair counts in both directions, so an undirected
  graph gives each node equal representative and gatekeeper counts.
- **Ungrouped nodes** take no part: the analysis runs on the subgraph induced by the
  grouped nodes (``N`` and the density below are those of that subgraph), and every
  value of an ungrouped node is ``None``.
- **Expectations** (``sna``'s, conditional on size and density): with ``N`` nodes,
  density ``d = m / (N (N - 1))`` over ``m`` arcs and group sizes ``n_k``, each role's
  expected count and variance under a random graph of that density (see ``sna``'s
  source, reproduced in :func:`_expectations`). ``z = (raw - expected) / sd``;
  ``None`` where ``sd`` is 0.
- **Overlapping groups**: when a node is in several groups, "same group" means
  "shares a group" and the roles are assigned in ``sna``'s order (coordinator if ``a``
  and ``b`` share with ``v``...). Expectations assume a partition, so they are ``None``.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import permutations
from math import comb
from typing import TYPE_CHECKING, Any

import numpy as np

from graph_service.metrics._core import (
    FloatArray,
    GroupLabels,
    IndexedGraph,
    IntArray,
    Partition,
    group_labels,
    indexed,
)
from graph_service.metrics._kernels import stable_order_by

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = ["ROLES", "brokerage"]

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
COLUMNS = (*ROLES, "total")
_COORD, _ITIN, _REPR, _GATE, _LIAI = range(5)


def _role(same_av: Any, same_vb: Any, same_ab: Any) -> Any:
    """Role index of ``a -> v -> b`` in ``sna``'s order of tests (vectorised)."""
    return np.select(
        [same_av & same_vb, same_av, same_vb, same_ab],
        [_COORD, _REPR, _GATE, _ITIN],
        default=_LIAI,
    )


def _grouped_arcs(ix: IndexedGraph, labels: GroupLabels) -> tuple[IntArray, IntArray]:
    s, d, _ = ix.arcs
    ok = labels.grouped[s] & labels.grouped[d]
    return s[ok], d[ok]


def _raw_partition(ix: IndexedGraph, labels: GroupLabels) -> FloatArray:
    """Raw counts (n x 5) when every grouped node has one group: counting, no enumeration.

    For broker ``v``: two-paths by class are products of in- and out-neighbour counts per
    class; then the pairs ``a == b`` (reciprocated arcs) and the closed two-paths
    (``a -> b`` exists, found among the skeleton's triangles) are taken out.
    """
    n = ix.n
    cl = labels.sig
    s, d = _grouped_arcs(ix, labels)
    same = cl[s] == cl[d]
    in_tot = np.bincount(d, minlength=n).astype(np.float64)
    out_tot = np.bincount(s, minlength=n).astype(np.float64)
    in_same = np.bincount(d[same], minlength=n).astype(np.float64)
    out_same = np.bincount(s[same], minlength=n).astype(np.float64)
    same_class_pairs = _same_class_pairs(n, s, d, cl)
    raw = np.zeros((n, 5))
    raw[:, _COORD] = in_same * out_same
    raw[:, _REPR] = in_same * (out_tot - out_same)
    raw[:, _GATE] = (in_tot - in_same) * out_same
    raw[:, _ITIN] = same_class_pairs - in_same * out_same
    raw[:, _LIAI] = (in_tot - in_same) * (out_tot - out_same) - raw[:, _ITIN]
    # a -> v -> a is not a brokered pair.
    recip = ix.has_arc(d, s) if ix.directed else np.ones(s.size, dtype=bool)
    broker = d[recip]
    same_r = same[recip]
    raw[:, _COORD] -= np.bincount(broker[same_r], minlength=n)
    raw[:, _ITIN] -= np.bincount(broker[~same_r], minlength=n)
    # a -> v -> b with a -> b is not brokered either: look among the skeleton's triangles.
    tri = ix.triangles
    if tri.size:
        keep = labels.grouped[tri].all(axis=1)
        tri, ties = tri[keep], ix.triangle_ties[keep]
        forward, backward = ix.skeleton_directions
        side = {(0, 1): 0, (0, 2): 1, (1, 2): 2}
        arc = {}
        for x in range(3):
            for y in range(3):
                if x != y:
                    pos = ties[:, side[(min(x, y), max(x, y))]]
                    arc[(x, y)] = np.where(tri[:, x] < tri[:, y], forward[pos], backward[pos])
        for x, y, z in permutations(range(3)):
            closed = arc[(x, y)] & arc[(y, z)] & arc[(x, z)]
            a, v, b = tri[closed, x], tri[closed, y], tri[closed, z]
            role = _role(cl[a] == cl[v], cl[v] == cl[b], cl[a] == cl[b])
            raw -= np.bincount(v * 5 + role, minlength=n * 5).reshape(n, 5)
    return raw


def _raw_overlapping(ix: IndexedGraph, labels: GroupLabels) -> FloatArray:
    """Raw counts by enumerating two-paths (groups may overlap: "shares a group")."""
    n = ix.n
    s, d = _grouped_arcs(ix, labels)
    succ: list[list[int]] = [[] for _ in range(n)]
    pred: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(s.tolist(), d.tolist(), strict=True):
        succ[a].append(b)
        pred[b].append(a)
    arcs = set(zip(s.tolist(), d.tolist(), strict=True))
    sigs = [labels.signatures[x] if x >= 0 else frozenset() for x in labels.sig.tolist()]
    raw = np.zeros((n, 5))
    for v in range(n):
        gv = sigs[v]
        for a in pred[v]:
            for b in succ[v]:
                if a == b or (a, b) in arcs:
                    continue
                role = _role(
                    np.bool_(bool(sigs[a] & gv)),
                    np.bool_(bool(gv & sigs[b])),
                    np.bool_(bool(sigs[a] & sigs[b])),
                )
                raw[v, int(role)] += 1
    return raw


def _expectations(
    n_nodes: int, arcs: int, sizes: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``sna::brokerage``'s moments: per class (K x 6) and for the network (6).

    Returns ``(class_expected, class_variance, network_expected, network_variance)``.
    """
    big_n = float(n_nodes)
    n = sizes.astype(np.float64)
    k = n.size
    d = arcs / (big_n * (big_n - 1)) if big_n > 1 else 0.0
    q = d * d * (1 - d)
    a3 = d**3 * (1 - d) ** 3
    a4 = d**4 * (1 - d) ** 2
    a5 = d**5 * (1 - d)
    p1, p2 = n.sum(), (n * n).sum()
    # Per class (the class of the broker).
    ebr = np.zeros((k, 6))
    vbr = np.zeros((k, 6))
    others_n1 = (n * (n - 1)).sum() - n * (n - 1)
    others_n2 = (n * (n - 1) * (n - 2)).sum() - n * (n - 1) * (n - 2)
    ebr[:, 0] = q * (n - 1) * (n - 2)
    vbr[:, 0] = ebr[:, 0] * (1 - q) + 2 * (n - 1) * (n - 2) * (n - 3) * a3
    ebr[:, 1] = q * others_n1
    vbr[:, 1] = ebr[:, 1] * (1 - q) + 2 * others_n2 * a3
    ebr[:, 2] = q * (big_n - n) * (n - 1)
    choose2 = np.vectorize(lambda x: comb(int(x), 2) if x >= 2 else 0, otypes=[float])
    vbr[:, 2] = (
        ebr[:, 2] * (1 - q) + 2 * ((n - 1) * choose2(big_n - n) + (big_n - n) * choose2(n - 1)) * a3
    )
    ebr[:, 3] = ebr[:, 2]
    vbr[:, 3] = vbr[:, 2]
    ebr[:, 4] = q * ((p1 - n) ** 2 - (p2 - n * n))
    liaison_terms = (
        _liaison_sums_exact(n, big_n)
        if k <= 2000
        else np.array([_liaison_sum(n, big_n, i) for i in range(k)], dtype=np.float64)
    )
    vbr[:, 4] = ebr[:, 4] * (1 - q) + 4 * liaison_terms * a3
    ebr[:, 5] = q * (big_n - 1) * (big_n - 2)
    vbr[:, 5] = ebr[:, 5] * (1 - q) + 2 * (big_n - 1) * (big_n - 2) * (big_n - 3) * a3
    # Network.
    eg = np.zeros(6)
    vg = np.zeros(6)
    nn = n * (n - 1) * (n - 2)
    eg[0] = q * nn.sum()
    vg[0] = eg[0] * (1 - q) + (nn * ((4 * n - 10) * a3 - 4 * (n - 3) * a4 + (n - 3) * a5)).sum()
    eg[1] = q * (n * (big_n - n) * (n - 1)).sum()
    outer = (n * (n - 1) * (p1 * ((2 * n - 6) * a3 + (big_n - n - 1) * a5) + 2 * a3 * p2)).sum()
    diag = (n * n * (n - 1) * ((4 * n - 6) * a3 + (big_n - n - 1) * a5)).sum()
    vg[1] = eg[1] * (1 - q) + outer - diag
    eg[2] = q * (n * (big_n - n) * (n - 1)).sum()
    vg[2] = eg[2] * (1 - q) + (n * (big_n - n) * (n - 1) * ((big_n - 3) * a3 + (n - 2) * a5)).sum()
    eg[3] = eg[2]
    vg[3] = vg[2]
    eg[4] = q * ((big_n * p1 * p1 - 2 * p1 * p2) - (n * n * (big_n - 2 * n)).sum())
    const = a3 * (4 * big_n - 2) - a4 * (4 * big_n - 2) + a5 * (big_n - 1)
    linear = (-2 * a3 + 2 * a4 - a5) + (-4 * a3 + 2 * a4) + (-2 * a3 + 4 * a4 - a5)
    vg[4] = eg[4] * (1 - q) + const * _distinct3(n, n, n) + linear * _distinct3(n * n, n, n)
    eg[5] = q * big_n * (big_n - 1) * (big_n - 2)
    vg[5] = eg[5] * (1 - q) + big_n * (big_n - 1) * (big_n - 2) * (
        (4 * big_n - 10) * a3 - 4 * (big_n - 3) * a4 + (big_n - 3) * a5
    )
    return ebr, vbr, eg, vg


def _liaison_sums_exact(n: FloatArray, big_n: float) -> FloatArray:
    """``sum_{x != i} n_x C(N - n_x - n_i, 2)`` for every class ``i``, added up in the
    order of ``x`` (as ``sum`` over the classes would: the values do not depend on numpy's
    pairwise summation).

    ``C(t, 2) = t (t - 1) / 2`` is exact in floating point for group sizes below 2**26,
    and is 0 for ``t < 2``; the term ``x = i`` is 0 (adding 0.0 changes nothing).
    """
    t = big_n - n[None, :] - n[:, None]  # t[i, x]
    pairs = np.where(t >= 2, t * (t - 1) / 2, 0.0)
    terms = n[None, :] * pairs
    np.fill_diagonal(terms, 0.0)
    total = np.zeros(n.size)
    for x in range(n.size):
        total += terms[:, x]
    return total


def _liaison_sum(n: FloatArray, big_n: float, i: int) -> float:
    t = big_n - n - n[i]
    terms = n * t * (t - 1) / 2
    return float(terms.sum() - terms[i])


def _distinct3(x: FloatArray, y: FloatArray, z: FloatArray) -> float:
    """``sum over distinct i, j, k of x_i y_j z_k`` (inclusion-exclusion)."""
    return float(
        x.sum() * y.sum() * z.sum()
        - (x * y).sum() * z.sum()
        - (x * z).sum() * y.sum()
        - (y * z).sum() * x.sum()
        + 2 * (x * y * z).sum()
    )


def _z(raw: FloatArray, expected: FloatArray, sd: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (raw - expected) / sd
    z[~np.isfinite(z)] = np.nan
    return z


def _same_class_pairs(n: int, s: IntArray, d: IntArray, cl: IntArray) -> FloatArray:
    """For each broker ``v``: sum over classes ``c`` of (arcs into ``v`` from class ``c``)
    times (arcs out of ``v`` to class ``c``). Integer counts held exactly in floats, so
    the order of the additions changes no bit (numpy only: scipy costs 0.15 s to load)."""
    k = int(cl.max()) + 1 if cl.size else 1
    into, into_count = _pair_counts(d, cl[s], k, n)
    out, out_count = _pair_counts(s, cl[d], k, n)
    both, i, j = np.intersect1d(into, out, assume_unique=True, return_indices=True)
    product = into_count[i].astype(np.float64) * out_count[j].astype(np.float64)
    return np.bincount(both // k, weights=product, minlength=n).astype(np.float64)


def _pair_counts(node: IntArray, cls: IntArray, k: int, n: int) -> tuple[IntArray, IntArray]:
    """``np.unique(node * k + cls, return_counts=True)`` (nodes below ``n``, classes below
    ``k``), sorted by counting sorts: linear in the arcs rather than a sort of them."""
    if node.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = stable_order_by(node, cls, max(n, k))
    key = node[order] * k + cls[order]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    return key[starts], np.diff(np.append(starts, key.size))


def brokerage_arrays(ix: IndexedGraph, labels: GroupLabels) -> dict[str, Any]:
    """Raw counts per node (n x 6, NaN rows for ungrouped nodes) and all the moments."""
    raw5 = _raw_partition(ix, labels) if labels.proper else _raw_overlapping(ix, labels)
    raw = np.column_stack([raw5, raw5.sum(axis=1)])
    grouped = labels.grouped
    raw[~grouped] = np.nan
    network_raw = np.nansum(raw, axis=0) if grouped.any() else np.zeros(6)
    out: dict[str, Any] = {"raw": raw, "network_raw": network_raw}
    nan6 = np.full(6, np.nan)
    if not labels.proper or not grouped.any():
        nan = np.full((ix.n, 6), np.nan)
        out.update(expected=nan, sd=nan, z=nan, network_expected=nan6, network_sd=nan6)
        out["network_z"] = nan6
        return out
    s, _ = _grouped_arcs(ix, labels)
    sizes = np.bincount(labels.sig[grouped], minlength=len(labels.groups)).astype(np.float64)
    ebr, vbr, eg, vg = _expectations(int(grouped.sum()), int(s.size), sizes)
    cl = np.where(grouped, labels.sig, 0)
    expected = ebr[cl]
    sd = np.sqrt(np.maximum(vbr[cl], 0.0))
    expected[~grouped] = np.nan
    sd[~grouped] = np.nan
    gsd = np.sqrt(np.maximum(vg, 0.0))
    out.update(
        expected=expected,
        sd=sd,
        z=_z(raw, expected, sd),
        network_expected=eg,
        network_sd=gsd,
        network_z=_z(network_raw, eg, gsd),
    )
    return out


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def brokerage(G: nx.Graph, partition: Partition) -> dict[str, Any]:
    """Gould & Fernandez brokerage of every node and of the network.

    Returns
    -------
    dict
        ``nodes[v][role]`` and ``network[role]`` for each role in ``ROLES`` and
        ``"total"``, each a dict ``{"raw", "expected", "sd", "z"}`` (``None`` where
        undefined; see the module docstring).

    Examples
    --------
    >>> G = nx.DiGraph([(0, 1), (1, 2)])
    >>> p = {0: frozenset({"a"}), 1: frozenset({"b"}), 2: frozenset({"b"})}
    >>> brokerage(G, p)["nodes"][1]["gatekeeper"]["raw"]
    1.0
    """
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    arrays = brokerage_arrays(ix, labels)
    nodes: dict[Hashable, dict[str, dict[str, float | None]]] = {}
    for i, v in enumerate(ix.nodes):
        nodes[v] = {
            role: {
                "raw": _num(arrays["raw"][i, c]),
                "expected": _num(arrays["expected"][i, c]),
                "sd": _num(arrays["sd"][i, c]),
                "z": _num(arrays["z"][i, c]),
            }
            for c, role in enumerate(COLUMNS)
        }
    network = {
        role: {
            "raw": _num(arrays["network_raw"][c]),
            "expected": _num(arrays["network_expected"][c]),
            "sd": _num(arrays["network_sd"][c]),
            "z": _num(arrays["network_z"][c]),
        }
        for c, role in enumerate(COLUMNS)
    }
    return {"nodes": nodes, "network": network}
