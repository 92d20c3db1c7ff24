"""Betweenness (exact or with pivots) and bridging centrality.

**Betweenness** (Freeman 1977; Brandes 2001) is raw, not normalised:
``b(v) = sum_{s != v != t} sigma_st(v) / sigma_st``. Undirected graphs count each
unordered pair once (networkx's ``normalized=False``; half of igraph's and UCINET's
ordered-pair sum is *not* taken twice). Directed graphs follow arcs.

With ``k`` pivots the sum runs over ``k`` sources drawn as networkx draws them
(``random.Random(seed).sample(list(G), k)``) and is scaled up as networkx (3.5 and
later) scales it (Brandes & Pich 2007): pivots by ``(n - 1) / (k - 1)``, other nodes by
``(n - 1) / k``, so that it equals ``networkx.betweenness_centrality(G, k=k, seed=seed,
normalized=False)`` (for ``k = 1`` the pivot gets 0 where networkx gives NaN).

The unweighted fast path runs Brandes' algorithm for a batch of sources at once as sparse
matrix products (scipy; batches sized to bound memory); with ``weight`` (read as a
*distance*, as networkx does) igraph computes it.

**Bridging centrality** (Hwang, Cho, Zhang & Ramanathan 2006, "Bridging centrality:
identifying bridging nodes in scale-free networks"): betweenness times the bridging
coefficient ``BC(v) = (1 / d(v)) / sum_{u in N(v)} 1 / d(u)``, with ``d`` the number of
distinct neighbours (directed: in- or out-). ``None`` for isolates.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence

import igraph as ig
import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph_service.metrics._core import FloatArray, IndexedGraph, IntArray, indexed

__all__ = ["betweenness", "bridging_centrality", "pivots"]

_BATCH_CELLS = 12_000_000  # n x batch float64 cells per array (about 100 MB)


def pivots(G: nx.Graph, k: int, seed: int) -> list[Hashable]:
    """The ``k`` sources networkx would draw for ``betweenness_centrality(k=k, seed=seed)``."""
    return random.Random(seed).sample(list(G.nodes()), k)


def _brandes_batch(a: sp.csr_matrix, at: sp.csr_matrix, sources: IntArray) -> FloatArray:
    """Sum over ``sources`` of Brandes' dependencies, one BFS level at a time for all.

    ``a`` is the 0/1 adjacency (``a[i, j] = 1`` for the arc ``i -> j``), ``at`` its
    transpose. Columns are sources; ``sigma`` counts shortest paths, ``depth`` is the
    BFS level (-1: not reached).
    """
    n = a.shape[0]
    b = sources.size
    cols = np.arange(b)
    sigma = np.zeros((n, b))
    sigma[sources, cols] = 1.0
    depth = np.full((n, b), -1, dtype=np.int32)
    depth[sources, cols] = 0
    front = sigma.copy()
    level = 0
    while True:
        nxt = at @ front
        new = (depth < 0) & (nxt > 0)
        if not new.any():
            break
        level += 1
        nxt *= new
        depth[new] = level
        sigma += nxt
        front = nxt
    del front
    delta = np.zeros((n, b))
    safe_sigma = np.where(sigma > 0, sigma, 1.0)
    for lev in range(level, 0, -1):
        w = np.where(depth == lev, (1.0 + delta) / safe_sigma, 0.0)
        c = a @ w
        delta += np.where(depth == lev - 1, sigma * c, 0.0)
    delta[sources, cols] = 0.0
    return np.asarray(delta.sum(axis=1)).ravel()


def _dependency_sum(ix: IndexedGraph, sources: IntArray) -> FloatArray:
    s, d, _ = ix.arcs
    a = sp.csr_matrix((np.ones(s.size), (s, d)), shape=(ix.n, ix.n))
    a.data[:] = 1.0  # duplicates cannot occur, but keep it 0/1
    at = a.T.tocsr() if ix.directed else a
    size = max(1, min(256, _BATCH_CELLS // max(ix.n, 1)))
    total = np.zeros(ix.n)
    for i in range(0, sources.size, size):
        total += _brandes_batch(a, at, sources[i : i + size])
    return total


def betweenness_array(
    ix: IndexedGraph,
    sources: Sequence[int] | None,
    weighted: bool = False,
) -> FloatArray:
    """Raw betweenness over ``ix`` (``sources=None``: exact; else scaled by n / k)."""
    n = ix.n
    if n == 0:
        return np.zeros(0)
    src = np.arange(n) if sources is None else np.asarray(sources, dtype=np.int64)
    if src.size == 0 or ix.m == 0:
        return np.zeros(n)
    if weighted:
        g = ig.Graph(n=n, directed=ix.directed)
        g.add_edges(np.column_stack([ix.src, ix.dst]))
        total = np.asarray(
            g.betweenness(
                directed=ix.directed,
                weights=ix.w.tolist(),
                sources=None if sources is None else src.tolist(),
            ),
            dtype=np.float64,
        )
    else:
        total = _dependency_sum(ix, src)
        if not ix.directed:
            total = total / 2.0
    if sources is not None:
        # networkx >= 3.5's estimator (endpoints excluded): a pivot cannot lie inside
        # its own paths, so pivots scale by (n - 1) / (k - 1), the others by (n - 1) / k.
        k = src.size
        scale = np.full(n, (n - 1) / k)
        scale[src] = (n - 1) / (k - 1) if k > 1 else 0.0
        total = total * scale
    return total


def betweenness(
    G: nx.Graph,
    k: int | None = None,
    *,
    seed: int = 42,
    weight: str | None = None,
) -> dict[Hashable, float]:
    """Raw betweenness of every node, exact or estimated from ``k`` pivots.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    k : int, optional
        Number of pivot sources (``None`` or ``k >= n``: exact).
    seed : int
        Seed of the pivot draw (networkx's draw).
    weight : str, optional
        Edge attribute read as a distance (``None``: hop counts).

    Examples
    --------
    >>> betweenness(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    ix = indexed(G, weight)
    sources = None
    if k is not None and k < ix.n:
        chosen = pivots(G, k, seed)
        sources = [ix.index[v] for v in chosen]
    values = betweenness_array(ix, sources, weighted=weight is not None)
    return {v: float(x) for v, x in zip(ix.nodes, values.tolist(), strict=True)}


def bridging_coefficient_array(ix: IndexedGraph) -> FloatArray:
    """Hwang et al.'s bridging coefficient over the skeleton (NaN for isolates)."""
    a, b, _ = ix.skeleton
    deg = ix.skeleton_degree.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(deg > 0, 1.0 / np.where(deg > 0, deg, 1.0), 0.0)
        around = np.bincount(a, weights=inv[b], minlength=ix.n) + np.bincount(
            b, weights=inv[a], minlength=ix.n
        )
        coef = inv / around
    coef[deg == 0] = np.nan
    return coef


def bridging_centrality(
    G: nx.Graph,
    k: int | None = None,
    *,
    seed: int = 42,
    weight: str | None = None,
) -> dict[Hashable, float | None]:
    """Bridging centrality: betweenness (as :func:`betweenness`) x bridging coefficient.

    Examples
    --------
    >>> bridging_centrality(nx.path_graph(3))
    {0: 0.0, 1: 0.25, 2: 0.0}
    """
    ix = indexed(G, weight)
    between = betweenness(G, k, seed=seed, weight=weight)
    coef = bridging_coefficient_array(ix)
    return {
        v: (between[v] * float(c) if np.isfinite(c) else None)
        for v, c in zip(ix.nodes, coef.tolist(), strict=True)
    }
