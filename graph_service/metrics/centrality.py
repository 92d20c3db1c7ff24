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

The unweighted fast path runs Brandes' algorithm, one breadth-first search per source,
compiled with numba (``_kernels.dependency_sum``; the sources are split over threads); with
``weight`` (read as a *distance*, as networkx does) igraph computes it.

**Bridging centrality** (Hwang, Cho, Zhang & Ramanathan 2006, "Bridging centrality:
identifying bridging nodes in scale-free networks"): betweenness times the bridging
coefficient ``BC(v) = (1 / d(v)) / sum_{u in N(v)} 1 / d(u)``, with ``d`` the number of
distinct neighbours (directed: in- or out-). ``None`` for isolates.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING

import igraph as ig
import numpy as np

from graph_service.metrics._core import FloatArray, IndexedGraph, IntArray, indexed
from graph_service.metrics._kernels import dependency_sum, level_scratch

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = ["betweenness", "bridging_centrality", "pivots"]


def pivots(nodes: Iterable[Hashable], k: int, seed: int) -> list[Hashable]:
    """The ``k`` sources networkx would draw for ``betweenness_centrality(k=k, seed=seed)``
    on a graph whose nodes come in this order (a graph ``G`` iterates its nodes)."""
    return random.Random(seed).sample(list(nodes), k)


def _dependency_sum(ix: IndexedGraph, sources: IntArray) -> FloatArray:
    """Brandes' dependencies summed over ``sources`` (numba, sources split over threads)."""
    indptr, indices, position = ix.laid_out(skeleton=False)
    symmetric = not ix.directed
    parts = dependency_sum.run(
        len(sources) * (indices.size + ix.n),
        position[sources],
        lambda kernel, chunk: kernel(
            indptr, indices, chunk, symmetric, *level_scratch(ix.n, symmetric)
        ),
    )
    total = np.zeros(ix.n)
    for part in parts:
        total += part
    return total[position]


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
