"""The fast paths of the metrics layer against the plain computations they replace.

Each check compares a compiled or vectorised shortcut with a direct Python version of
the same computation, bit for bit: the arrays built from networkx (node lookups
vectorised for integer ids), the layout renumbering, the level-synchronous Brandes
kernel (top-down and bottom-up levels), the permutation test drawn in batches, and the
tie lookups among the skeleton's pairs.
"""

from __future__ import annotations

import threading
import time

import networkx as nx
import numpy as np
import pytest

from graph_service import deadline
from graph_service.metrics import ei, suite
from graph_service.metrics._core import group_labels, group_layout, indexed
from graph_service.metrics.centrality import betweenness, betweenness_array
from graph_service.metrics.ei import ei_p_value_arrays
from graph_service.metrics.structure import local_bridge_arrays
from graph_service.metrics.suite import analyze_indexed
from graph_service.metrics.ties import BONDING, tie_class_array


def _graphs() -> list[nx.Graph]:
    out: list[nx.Graph] = []
    for seed in range(6):
        G = nx.gnp_random_graph(40, 0.12, seed=seed, directed=seed % 2 == 1)
        G.add_edge(3, 3)  # a self-loop, dropped
        out.append(G)
        out.append(nx.relabel_nodes(G, {v: (v * 7919) % 1009 * 10**6 for v in G}))  # sparse
        out.append(nx.relabel_nodes(G, {v: f"n{(v * 7) % 40}" for v in G}))  # strings
        out.append(nx.relabel_nodes(G, {v: v if v % 3 else str(v) for v in G}))  # mixed
    out.append(nx.path_graph(30))
    out.append(nx.barbell_graph(6, 3))
    return out


@pytest.mark.parametrize("G", _graphs())
def test_indexed_matches_edge_order(G: nx.Graph) -> None:
    ix = indexed(G)
    index = {v: i for i, v in enumerate(G)}
    pairs = [(index[u], index[v]) for u, v in G.edges() if u != v]
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    if not G.is_directed():
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    assert ix.nodes == list(G)
    assert np.array_equal(ix.src, src) and np.array_equal(ix.dst, dst)


@pytest.mark.parametrize("G", _graphs())
def test_skeleton_lookups_find_every_tie_and_nothing_else(G: nx.Graph) -> None:
    ix = indexed(G)
    a, b, _ = ix.skeleton
    assert np.array_equal(ix.skeleton_lookup(b, a), np.arange(a.size))
    i, j = np.meshgrid(np.arange(ix.n), np.arange(ix.n))
    i, j = i.ravel(), j.ravel()
    arcs = {(ix.index[u], ix.index[v]) for u, v in G.edges() if u != v}
    if not G.is_directed():
        arcs |= {(y, x) for x, y in arcs}
    expected = np.array([(x, y) in arcs for x, y in zip(i.tolist(), j.tolist(), strict=True)])
    assert np.array_equal(ix.has_arc(i, j), expected)


@pytest.mark.parametrize("seed", range(4))
def test_layout_changes_no_bit_of_the_kernels(seed: int) -> None:
    G = nx.gnm_random_graph(300, 700, seed=seed)
    rng = np.random.default_rng(seed)
    partition = {v: frozenset({f"g{rng.integers(0, 6)}"}) for v in G if v % 11}
    sources = rng.choice(300, 40, replace=False).tolist()
    results = []
    for layout in ("none", "groups", "random"):
        ix = indexed(G)
        if layout == "groups":
            ix.layout = group_layout(group_labels(ix.nodes, partition))
        elif layout == "random":
            ix.layout = rng.permutation(ix.n)
        results.append((betweenness_array(ix, sources), *local_bridge_arrays(ix)))
    for other in results[1:]:
        assert all(np.array_equal(x, y) for x, y in zip(results[0], other, strict=True))


@pytest.mark.parametrize("directed", [False, True])
def test_betweenness_kernel_matches_networkx_exactly_on_a_long_graph(directed: bool) -> None:
    # long paths and small worlds: the kernel switches between top-down and bottom-up
    G = nx.connected_watts_strogatz_graph(400, 4, 0.05, seed=3)
    if directed:
        G = nx.DiGraph(G)
    got = betweenness(G)
    ref = nx.betweenness_centrality(G, normalized=False)
    assert got == pytest.approx(ref, rel=1e-12, abs=1e-9)


def _p_value_one_by_one(ix, labels, cls, permutations: int, seed: int) -> float | None:
    """The permutation test as one ``Generator.permutation`` and one count at a time."""
    ok = cls >= 0
    ties = int(ok.sum())
    grouped = np.flatnonzero(labels.grouped)
    n = grouped.size
    same_pairs = labels.same_pairs()
    dyads = n * (n - 1) // 2
    if ix.directed:
        dyads, same_pairs = 2 * dyads, 2 * same_pairs
    expected = (dyads - 2 * same_pairs) / dyads
    observed = (ties - 2 * int((cls == BONDING).sum())) / ties
    position = np.full(ix.n, -1)
    position[grouped] = np.arange(n)
    u, v = position[ix.src[ok]], position[ix.dst[ok]]
    sig = labels.sig[grouped]
    rng = np.random.default_rng(seed)
    extreme = 0
    for _ in range(permutations):
        lab = rng.permutation(sig)
        same = sum(
            bool(labels.signatures[x] & labels.signatures[y])
            for x, y in zip(lab[u].tolist(), lab[v].tolist(), strict=True)
        )
        ei_perm = (ties - 2 * same) / ties
        extreme += abs(ei_perm - expected) >= abs(observed - expected) - 1e-12
    return (1 + extreme) / (1 + permutations)


@pytest.mark.parametrize("overlapping", [False, True])
@pytest.mark.parametrize("permutations", [1, 17, 40])
def test_permutation_test_batches_draw_what_one_by_one_draws(
    overlapping: bool, permutations: int
) -> None:
    G = nx.gnm_random_graph(120, 400, seed=5)
    rng = np.random.default_rng(2)
    partition = {}
    for v in G:
        if v % 9:
            groups = {f"g{rng.integers(0, 4)}"}
            if overlapping and v % 4 == 0:
                groups.add(f"g{rng.integers(0, 4)}")
            partition[v] = frozenset(groups)
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    cls = tie_class_array(ix, labels)
    got = ei_p_value_arrays(ix, labels, cls, permutations, 7)
    assert got == _p_value_one_by_one(ix, labels, cls, permutations, 7)


def _permutation_case() -> tuple:
    G = nx.gnm_random_graph(120, 400, seed=5)
    partition = {v: frozenset({f"g{v % 4}"}) for v in G if v % 9}
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    return G, partition, ix, labels, tie_class_array(ix, labels)


def test_a_stopped_permutation_test_ends_before_its_next_batch() -> None:
    _, _, ix, labels, cls = _permutation_case()
    stop = threading.Event()
    stop.set()
    with pytest.raises(deadline.Cancelled):
        ei_p_value_arrays(ix, labels, cls, 40, 7, stop)
    assert ei_p_value_arrays(ix, labels, cls, 40, 7, threading.Event()) == ei_p_value_arrays(
        ix, labels, cls, 40, 7
    )


def test_the_permutation_test_beside_the_analysis_gives_its_own_p_value() -> None:
    """analyze_indexed runs the test on a thread of its own, beside the other parts: the
    report carries what the test gives alone, whatever the timing."""
    _, partition, ix, labels, cls = _permutation_case()
    alone = ei_p_value_arrays(ix, labels, cls, 300, 3)
    for _ in range(3):
        report = analyze_indexed(
            indexed(nx.gnm_random_graph(120, 400, seed=5)),
            partition,
            [None] * 120,
            weighted=False,
            permutations=300,
            seed=3,
        )
        assert report["network"]["ei_p_value"] == alone


def test_an_analysis_that_fails_stops_its_permutation_test(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A part that fails (or an API deadline, raised in the analysis's thread) ends the
    analysis at once: the permutation test beside it stops at its next batch and its
    thread is gone when the error comes out, instead of drawing on for minutes."""
    _, partition, ix, _, _ = _permutation_case()
    batches: list[int] = []
    real = ei.same_label_counts

    class Counting:
        def pick(self, work: int):
            batches.append(work)
            return real.pick(work)

    def broken(*args, **kwargs):
        while len(batches) < 3:  # the test has started
            time.sleep(0.001)
        raise RuntimeError("a part failed")

    monkeypatch.setattr(ei, "same_label_counts", Counting())
    monkeypatch.setattr(suite, "brokerage_arrays", broken)
    with pytest.raises(RuntimeError, match="a part failed"):
        analyze_indexed(ix, partition, [None] * ix.n, weighted=False, permutations=10**7)
    done = len(batches)
    assert done < 10**7 // 16
    assert not [t for t in threading.enumerate() if t.name.startswith("graph-service")]
    time.sleep(0.05)
    assert len(batches) == done  # nothing left running
