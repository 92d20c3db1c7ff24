"""Bridges, local bridges with their span, and articulation points.

All three are properties of the undirected skeleton (a directed graph's arcs taken as
ties), as in networkx, which defines them for undirected graphs only.

- A **bridge** is a tie whose removal disconnects its ends (Tarjan; igraph's
  ``bridges``).
- A **local bridge** is a tie whose ends have no common neighbour (Granovetter 1973;
  networkx's ``local_bridges``). Its **span** is the distance between its ends once the
  tie is removed; it is ``None`` for a bridge (networkx reports infinity). Each span comes
  from a bidirectional breadth-first search that stops at the first meeting, compiled
  with numba (``_kernels.tie_spans``; the ties are split over threads), instead of
  networkx's Dijkstra search per tie.
- An **articulation point** (cut vertex) is a node whose removal disconnects its
  component (igraph's ``articulation_points``). For a partition, the groups it
  *separates* are those whose members lose touch when it leaves: group ``g`` is listed
  when some member of ``g`` can no longer reach some member of ``g`` or of another group
  that it reached through the node before.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np

from graph_service.metrics._core import (
    GroupLabels,
    IndexedGraph,
    IntArray,
    Partition,
    group_labels,
    indexed,
)
from graph_service.metrics._kernels import tie_spans

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = ["articulation_points", "bridges", "local_bridges"]


def bridge_array(ix: IndexedGraph) -> IntArray:
    """Positions in ``ix.skeleton`` of the bridges."""
    if ix.m == 0:
        return np.zeros(0, dtype=np.int64)
    g = ix.skeleton_igraph
    return np.sort(np.asarray(g.bridges(), dtype=np.int64))


def bridges(G: nx.Graph) -> list[tuple[Hashable, Hashable]]:
    """Ties whose removal disconnects their ends, as ``(u, v)`` in ``G``'s node order.

    Examples
    --------
    >>> bridges(nx.barbell_graph(3, 0))
    [(2, 3)]
    """
    ix = indexed(G)
    a, b, _ = ix.skeleton
    return [(ix.nodes[a[e]], ix.nodes[b[e]]) for e in bridge_array(ix).tolist()]


def local_bridge_arrays(ix: IndexedGraph) -> tuple[IntArray, IntArray]:
    """Skeleton positions of the local bridges and their spans (-1 for a bridge)."""
    a, b, _ = ix.skeleton
    if a.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    local = _local_bridge_positions(ix)
    span = np.full(local.size, -1, dtype=np.int64)
    is_bridge = np.isin(local, bridge_array(ix))
    todo = np.flatnonzero(~is_bridge)
    if todo.size == 0:
        return local, span
    indptr, indices, position = ix.laid_out(skeleton=True)
    edges = local[todo]
    u, v = position[a[edges]], position[b[edges]]
    # searched by their first end in the layout: consecutive searches start in the same
    # region of the adjacency (a span does not depend on the order of the searches)
    order = np.argsort(np.minimum(u, v), kind="stable")
    u, v = u[order], v[order]
    # at most a whole search each, but most stop after a few levels: timed on a few first
    parts = tie_spans.run_tried(
        todo.size * (indices.size + ix.n),
        np.arange(todo.size),
        lambda kernel, idx: kernel(indptr, indices, u[idx], v[idx]),
    )
    span[todo[order]] = np.concatenate(parts)
    return local, span


def local_bridges(
    G: nx.Graph, with_span: bool = True
) -> list[tuple[Hashable, Hashable, int | None]]:
    """Ties whose ends share no neighbour, with their span (``None`` for a bridge).

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    with_span : bool
        Compute spans (``False`` gives ``None`` for every span, and is cheap).

    Returns
    -------
    list of (u, v, span)
        In the order of ``G``'s nodes.

    Examples
    --------
    >>> local_bridges(nx.cycle_graph(5))[:2]
    [(0, 1, 4), (0, 4, 4)]
    """
    ix = indexed(G)
    a, b, _ = ix.skeleton
    if with_span:
        local, span = local_bridge_arrays(ix)
    else:
        local, _ = local_bridge_arrays_no_span(ix)
        span = np.full(local.size, -1)
    return [
        (ix.nodes[a[e]], ix.nodes[b[e]], int(s) if s >= 0 else None)
        for e, s in zip(local.tolist(), span.tolist(), strict=True)
    ]


def _local_bridge_positions(ix: IndexedGraph) -> IntArray:
    """Skeleton positions of the ties that are in no triangle."""
    a, _, _ = ix.skeleton
    in_triangle = np.zeros(a.size, dtype=bool)
    if ix.triangles.size:
        in_triangle[ix.triangle_ties.ravel()] = True
    return np.flatnonzero(~in_triangle)


def local_bridge_arrays_no_span(ix: IndexedGraph) -> tuple[IntArray, IntArray]:
    local = _local_bridge_positions(ix)
    return local, np.full(local.size, -1, dtype=np.int64)


def articulation_arrays(ix: IndexedGraph, labels: GroupLabels | None) -> dict[int, list[str]]:
    """Articulation points (node positions) and the groups each one separates."""
    if ix.m == 0:
        return {}
    g = ix.skeleton_igraph
    points = sorted(g.articulation_points())
    if not points:
        return {}
    if labels is None:
        return {p: [] for p in points}
    blocks = g.biconnected_components()
    sigs = [labels.signatures[s] if s >= 0 else frozenset() for s in labels.sig.tolist()]
    return _separated_groups(ix.n, [list(c) for c in blocks], points, sigs)


def _separated_groups(
    n: int, blocks: list[list[int]], points: list[int], sigs: list[frozenset[str]]
) -> dict[int, list[str]]:
    """Groups separated by each articulation point, from the block-cut tree.

    The pieces left when point ``p`` leaves are the subtrees hanging from ``p`` in the
    block-cut tree; each piece's groups are the union over its nodes (without ``p``).
    """
    is_point = np.zeros(n, dtype=bool)
    is_point[points] = True
    nb = len(blocks)
    point_id = {p: nb + i for i, p in enumerate(points)}
    adj: list[list[int]] = [[] for _ in range(nb + len(points))]
    own: list[set[str]] = [set() for _ in range(nb + len(points))]
    count: list[dict[str, int]] = [{} for _ in range(nb + len(points))]
    for bi, block in enumerate(blocks):
        for x in block:
            if is_point[x]:
                pid = point_id[x]
                adj[bi].append(pid)
                adj[pid].append(bi)
            else:
                for grp in sigs[x]:
                    count[bi][grp] = count[bi].get(grp, 0) + 1
    for p in points:
        for grp in sigs[p]:
            count[point_id[p]][grp] = count[point_id[p]].get(grp, 0) + 1
    for i in range(len(own)):
        own[i] = set(count[i])
    # subtree group counts, iterative DFS over each tree of the forest
    parent = [-1] * len(adj)
    seen = [False] * len(adj)
    subtree: list[dict[str, int]] = [dict(c) for c in count]
    tree_total: list[dict[str, int]] = [{} for _ in adj]
    root_of = [-1] * len(adj)
    for root in range(len(adj)):
        if seen[root]:
            continue
        order = []
        stack = [root]
        seen[root] = True
        while stack:
            x = stack.pop()
            order.append(x)
            root_of[x] = root
            for y in adj[x]:
                if not seen[y]:
                    seen[y] = True
                    parent[y] = x
                    stack.append(y)
        for x in reversed(order):
            if parent[x] >= 0:
                acc = subtree[parent[x]]
                for grp, c in subtree[x].items():
                    acc[grp] = acc.get(grp, 0) + c
        tree_total[root] = subtree[root]
    out: dict[int, list[str]] = {}
    for p in points:
        pid = point_id[p]
        pieces: list[set[str]] = []
        for y in adj[pid]:
            if parent[y] == pid:
                pieces.append({grp for grp, c in subtree[y].items() if c > 0})
        if parent[pid] >= 0:
            total = tree_total[root_of[pid]]
            mine = subtree[pid]
            pieces.append({grp for grp, c in total.items() if c - mine.get(grp, 0) > 0})
        out[p] = sorted(_lost(pieces))
    return out


def _lost(pieces: list[set[str]]) -> set[str]:
    """Groups with members in two pieces, or in one piece cut off from another group."""
    everything: set[str] = set().union(*pieces) if pieces else set()
    lost: set[str] = set()
    for grp in everything:
        holding = [i for i, piece in enumerate(pieces) if grp in piece]
        if len(holding) >= 2:
            lost.add(grp)
            continue
        mine = pieces[holding[0]]
        others: set[str] = set()
        for i, piece in enumerate(pieces):
            if i != holding[0]:
                others |= piece
        if not others <= mine:
            lost.add(grp)
    return lost


def articulation_points(
    G: nx.Graph, partition: Partition | None = None
) -> dict[Hashable, list[str]]:
    """Cut vertices of the skeleton, each with the groups it separates (sorted).

    Without a partition the lists are empty.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> articulation_points(G, {0: frozenset({"a"}), 2: frozenset({"b"})})
    {1: ['a', 'b']}
    """
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition) if partition is not None else None
    return {ix.nodes[p]: groups for p, groups in articulation_arrays(ix, labels).items()}
