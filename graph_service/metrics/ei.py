"""Krackhardt & Stern's E-I index, with UCINET's expected value, range and permutation test.

``E-I = (E - I) / (E + I)`` where ``E`` counts external (bridging) and ``I`` internal
(bonding) ties (Krackhardt & Stern 1988, *Social Psychology Quarterly* 51(2): 123-140).
-1: all ties inside groups; +1: all ties between groups.

Levels (the counting conventions of :mod:`.ties`):

- **network**: each undirected tie once, each directed arc once;
- **group**: UCINET's row sums over the members (an undirected internal tie counts
  twice; directed graphs count the members' out-arcs);
- **node**: all incident ties (directed: in- and out-arcs).

UCINET (Borgatti, Everett & Freeman 2002, *Network > Cohesion > E-I Index*) also reports,
for the network, values that depend only on group sizes and the number of ties ``T``.
Over the ``D`` dyads among grouped nodes (unordered when undirected, ordered when
directed), ``P_int`` of which join two nodes sharing a group and ``P_ext = D - P_int``:

- **expected** E-I, the value if ties fell on dyads at random (equivalently, the mean
  over random reassignments of nodes to groups): ``(P_ext - P_int) / D``;
- **max** attainable: ``(2 min(T, P_ext) - T) / T``; **min**: ``(T - 2 min(T, P_int)) / T``;
- **rescaled** E-I: the observed value with ``[min, max]`` mapped linearly onto
  ``[-1, 1]``: ``2 (EI - min) / (max - min) - 1``;
- a **permutation test**: group labels are shuffled among the grouped nodes (group
  sizes kept) and E-I recomputed. The p-value is two-sided around the expected value,
  ``(1 + #{|EI_perm - expected| >= |EI_obs - expected|}) / (1 + permutations)``
  (Phipson & Smyth 2010: never 0).

Only ties between grouped nodes count. Every undefined value (no ties, no dyads, a
degenerate range, an ungrouped node) is ``None``.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np

from graph_service.deadline import Cancelled
from graph_service.metrics._core import (
    GroupLabels,
    IndexedGraph,
    IntArray,
    Partition,
    group_labels,
    indexed,
)
from graph_service.metrics._kernels import same_label_counts, threads
from graph_service.metrics.ties import (
    BONDING,
    BRIDGING,
    group_row_sums,
    node_tie_counts,
    tie_class_array,
)

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = ["ei_index", "ei_permutation_test", "ei_range"]

DEFAULT_PERMUTATIONS = 1000


def ei_value(external: float, internal: float) -> float | None:
    """``(E - I) / (E + I)``, ``None`` without ties."""
    total = external + internal
    return (external - internal) / total if total > 0 else None


def ei_index(G: nx.Graph, partition: Partition) -> dict[str, Any]:
    """E-I index of the network, of each group and of each node.

    Returns
    -------
    dict
        ``{"network": float | None, "groups": {group: float | None},
        "nodes": {node: float | None}}``.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> r = ei_index(G, {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})})
    >>> r["network"], r["groups"], r["nodes"]
    (0.0, {'a': -0.3333333333333333, 'b': 1.0}, {0: -1.0, 1: 0.0, 2: 1.0})
    """
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    cls = tie_class_array(ix, labels)
    _, bonding, bridging = node_tie_counts(ix, labels, cls)
    _, internal, external = group_row_sums(ix, labels)
    grouped = labels.grouped
    return {
        "network": ei_value(float((cls == BRIDGING).sum()), float((cls == BONDING).sum())),
        "groups": {
            g: ei_value(float(external[c]), float(internal[c])) for c, g in enumerate(labels.groups)
        },
        "nodes": {
            v: ei_value(float(bridging[i]), float(bonding[i])) if grouped[i] else None
            for i, v in enumerate(ix.nodes)
        },
    }


def dyad_counts(ix: IndexedGraph, labels: GroupLabels) -> tuple[int, int]:
    """``(D, P_int)``: dyads among grouped nodes, and those inside a shared group."""
    n = int(labels.grouped.sum())
    dyads = n * (n - 1) // 2
    same = labels.same_pairs()
    if ix.directed:
        return 2 * dyads, 2 * same
    return dyads, same


def ei_range_arrays(
    ix: IndexedGraph, labels: GroupLabels, cls: IntArray
) -> dict[str, float | None]:
    dyads, p_int = dyad_counts(ix, labels)
    p_ext = dyads - p_int
    ties = int((cls >= 0).sum())
    observed = ei_value(float((cls == BRIDGING).sum()), float((cls == BONDING).sum()))
    expected = (p_ext - p_int) / dyads if dyads else None
    if ties == 0:
        return {"expected": expected, "min": None, "max": None, "rescaled": None}
    hi = (2 * min(ties, p_ext) - ties) / ties
    lo = (ties - 2 * min(ties, p_int)) / ties
    rescaled = None
    if observed is not None and hi > lo:
        rescaled = 2 * (observed - lo) / (hi - lo) - 1
    return {"expected": expected, "min": lo, "max": hi, "rescaled": rescaled}


def ei_range(G: nx.Graph, partition: Partition) -> dict[str, float | None]:
    """UCINET's expected E-I, attainable min and max, and the rescaled E-I of the network.

    See the module docstring for the formulas.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> ei_range(G, {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})})
    {'expected': 0.3333333333333333, 'min': 0.0, 'max': 1.0, 'rescaled': -1.0}
    """
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    return ei_range_arrays(ix, labels, tie_class_array(ix, labels))


def _smallest_int(k: int) -> type[np.signedinteger[Any]]:
    for dtype in (np.int8, np.int16, np.int32):
        if k < np.iinfo(dtype).max:
            return dtype
    return np.int64


_BATCH = 16  # permutations drawn per call of the counting kernel


def ei_p_value_arrays(
    ix: IndexedGraph,
    labels: GroupLabels,
    cls: IntArray,
    permutations: int,
    seed: int,
    stop: threading.Event | None = None,
) -> float | None:
    """The permutation test's p-value (see :func:`ei_permutation_test`).

    The permutations are drawn in the calling thread, in batches (``Generator.shuffle``
    of a copy is ``Generator.permutation``: the same draws as one call per permutation),
    while a worker thread counts the bonding ties of the previous batch with a numba
    kernel (``_kernels.same_label_counts``). Both leave the GIL, so the whole test can
    run beside other work (:func:`graph_service.metrics._kernels.beside`): once ``stop``
    is set it raises :class:`graph_service.deadline.Cancelled` before the next batch.
    """
    ok = cls >= 0
    ties = int(ok.sum())
    dyads, p_int = dyad_counts(ix, labels)
    if ties == 0 or dyads == 0 or permutations <= 0:
        return None
    expected = (dyads - 2 * p_int) / dyads
    observed = (ties - 2 * int((cls == BONDING).sum())) / ties
    grouped = np.flatnonzero(labels.grouped)
    position = np.full(ix.n, -1, dtype=np.int64)
    position[grouped] = np.arange(grouped.size)
    u = position[ix.src[ok]]
    order = np.argsort(u, kind="stable")  # read the first ends in memory order
    first = np.ascontiguousarray(u[order], dtype=np.int32)
    second = np.ascontiguousarray(position[ix.dst[ok]][order], dtype=np.int32)
    small = _smallest_int(len(labels.signatures))
    sig = labels.sig[grouped].astype(small)
    share = np.zeros((0, 0), dtype=bool)
    if not labels.proper:
        labels.share(grouped[:1], grouped[:1])  # builds the share table
        assert labels._share is not None
        share = labels._share

    def count(batch: IntArray) -> IntArray:
        lab = np.empty(sig.size, dtype=small)
        kernel = same_label_counts.pick(batch.shape[0] * first.size)
        return kernel(batch, first, second, share, lab)

    rng = np.random.default_rng(seed)
    drawn = np.empty(sig.size, dtype=np.int64)
    inline = threads() == 1
    counts: list[IntArray] = []
    pending: deque[Future[IntArray]] = deque()
    with ThreadPoolExecutor(max_workers=1) as pool:
        for start in range(0, permutations, _BATCH):
            if stop is not None and stop.is_set():
                raise Cancelled
            # each permutation is drawn on int64 labels (numpy's shuffle swaps
            # pointer-sized items by a faster path: 0.11 s instead of 0.19 s for 1,000
            # permutations of 10k labels) and kept in the smallest integer type (a
            # quarter of the memory of int64); a shuffle's draws depend on the length
            # only, so the permutations are the same whatever the type
            batch = np.empty((min(_BATCH, permutations - start), sig.size), dtype=small)
            for row in batch:
                drawn[:] = sig
                rng.shuffle(drawn)
                row[:] = drawn
            if inline:
                counts.append(count(batch))
                continue
            if len(pending) == 2:  # at most two batches in memory ahead of the counting
                counts.append(pending.popleft().result())
            pending.append(pool.submit(count, batch))
        counts.extend(f.result() for f in pending)
    same = np.concatenate(counts)
    ei_perm = (ties - 2 * same) / ties
    threshold = abs(observed - expected) - 1e-12
    extreme = int(np.count_nonzero(np.abs(ei_perm - expected) >= threshold))
    return (1 + extreme) / (1 + permutations)


def ei_permutation_test(
    G: nx.Graph,
    partition: Partition,
    *,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 42,
) -> float | None:
    """Two-sided permutation p-value of the network E-I index (UCINET's test).

    Group labels are shuffled among grouped nodes ``permutations`` times
    (``numpy.random.default_rng(seed)``, one ``permutation`` of the labels each; the
    bonding ties of each permutation are counted by a compiled kernel); see the module
    docstring.
    ``None`` without ties or dyads, or with ``permutations <= 0``.

    Examples
    --------
    >>> G = nx.barbell_graph(5, 0)
    >>> p = {v: frozenset({"a" if v < 5 else "b"}) for v in G}
    >>> ei_permutation_test(G, p, permutations=200, seed=1) < 0.05
    True
    """
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    return ei_p_value_arrays(ix, labels, tie_class_array(ix, labels), permutations, seed)
