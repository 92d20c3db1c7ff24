"""Array views of a networkx graph and of a partition, shared by the fast paths.

Every metric of this package takes a networkx graph; the heavy ones turn it once into the
integer arrays below (nodes numbered in ``G``'s node order) and work on those with numpy,
scipy.sparse or igraph. Nothing here is public API.

Conventions fixed here, for every metric:

- ``nx.Graph`` or ``nx.DiGraph`` only; multigraphs are refused (the service collapses
  repeated observations into one tie before the metrics see the graph).
- Self-loops are ignored: no SNA measure of this package is defined on them.
- ``weight=None`` means every tie weighs 1; otherwise the edge attribute ``weight``
  (missing means 1) must be a finite number >= 0.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph_service.errors import Invalid

Node = Hashable
Partition = Mapping[Any, frozenset[str]]
"""A node's groups. A node missing from the mapping, or with no group, is *ungrouped*."""

IntArray = np.ndarray[Any, np.dtype[np.int64]]
Int32Array = np.ndarray[Any, np.dtype[np.int32]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


def check_graph(G: Any) -> None:
    """Refuse what the metrics are not defined on (multigraphs, non-graphs)."""
    if not isinstance(G, nx.Graph):
        raise TypeError(f"expected a networkx Graph or DiGraph, got {type(G).__name__}")
    if G.is_multigraph():
        raise Invalid(
            "multigraphs are not supported: collapse repeated ties into one weighted tie first"
        )


@dataclass
class IndexedGraph:
    """``G`` as arrays: ``src[e] -> dst[e]`` with weight ``w[e]``.

    Directed graphs keep every arc once; undirected graphs keep every tie once (with
    ``src < dst``). Self-loops are dropped.
    """

    nodes: list[Node]
    index: dict[Node, int]
    directed: bool
    src: IntArray
    dst: IntArray
    w: FloatArray

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        """Number of ties (undirected) or arcs (directed)."""
        return int(self.src.size)

    @cached_property
    def arcs(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Every arc; an undirected tie gives one arc each way."""
        if self.directed:
            return self.src, self.dst, self.w
        return (
            np.concatenate([self.src, self.dst]),
            np.concatenate([self.dst, self.src]),
            np.concatenate([self.w, self.w]),
        )

    @cached_property
    def out_csr(self) -> sp.csr_matrix:
        """``A[i, j] = w`` for the arc ``i -> j`` (symmetric when undirected)."""
        s, d, w = self.arcs
        return sp.csr_matrix((w, (s, d)), shape=(self.n, self.n))

    @cached_property
    def out_adjacency(self) -> tuple[IntArray, Int32Array]:
        """CSR ``(indptr, indices)`` of the out-neighbours (both ways when undirected)."""
        s, d, _ = self.arcs
        return _csr_arrays(self.n, s, d)

    @cached_property
    def skeleton_adjacency(self) -> tuple[IntArray, Int32Array]:
        """CSR ``(indptr, indices)`` of the skeleton's neighbours (symmetric)."""
        if not self.directed:
            return self.out_adjacency
        a, b, _ = self.skeleton
        return _csr_arrays(self.n, np.concatenate([a, b]), np.concatenate([b, a]))

    @cached_property
    def arc_keys(self) -> IntArray:
        """Sorted ``i * n + j`` of every arc, for membership tests with ``has_arc``."""
        s, d, _ = self.arcs
        return np.sort(s * self.n + d)

    def has_arc(self, i: IntArray, j: IntArray) -> BoolArray:
        keys = self.arc_keys
        q = i * self.n + j
        pos = np.searchsorted(keys, q)
        pos = np.minimum(pos, max(keys.size - 1, 0))
        return (keys[pos] == q) if keys.size else np.zeros(q.shape, dtype=bool)

    @cached_property
    def skeleton(self) -> tuple[IntArray, IntArray, FloatArray]:
        """The underlying simple undirected graph: pairs ``a < b`` with mutual weight.

        The mutual weight is ``a_ij + a_ji`` (Burt's convention, as networkx and igraph):
        for an undirected tie it is twice the weight, for a reciprocated pair of arcs the
        sum of both.
        """
        s, d, w = self.arcs
        a = np.minimum(s, d)
        b = np.maximum(s, d)
        key = a * self.n + b
        order = np.argsort(key, kind="stable")
        key, w = key[order], w[order]
        first = np.ones(key.size, dtype=bool)
        first[1:] = key[1:] != key[:-1]
        uniq = key[first]
        mw = np.add.reduceat(w, np.flatnonzero(first)) if key.size else w
        return uniq // self.n, uniq % self.n, np.asarray(mw, dtype=np.float64)

    @cached_property
    def skeleton_degree(self) -> IntArray:
        a, b, _ = self.skeleton
        return np.bincount(a, minlength=self.n) + np.bincount(b, minlength=self.n)

    @cached_property
    def skeleton_igraph(self) -> ig.Graph:
        a, b, _ = self.skeleton
        g = ig.Graph(n=self.n, directed=False)
        if a.size:
            g.add_edges(np.column_stack([a, b]))
        return g

    @cached_property
    def triangles(self) -> IntArray:
        """Triangles of the skeleton as rows ``(x, y, z)`` (igraph's C enumeration)."""
        if self.m == 0:
            return np.zeros((0, 3), dtype=np.int64)
        tri = self.skeleton_igraph.list_triangles()
        flat = np.fromiter(chain.from_iterable(tri), dtype=np.int64, count=3 * len(tri))
        return flat.reshape(-1, 3)

    def skeleton_lookup(self, i: IntArray, j: IntArray) -> IntArray:
        """Position in ``skeleton`` of the pairs ``{i, j}`` (which must be ties)."""
        a, b, _ = self.skeleton
        keys = a * self.n + b
        q = np.minimum(i, j) * self.n + np.maximum(i, j)
        return np.searchsorted(keys, q)


def _csr_arrays(n: int, src: IntArray, dst: IntArray) -> tuple[IntArray, Int32Array]:
    """``indptr`` (int64) and ``indices`` (int32: half the memory traffic of the kernels)
    of the arcs ``src -> dst``."""
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, np.ascontiguousarray(dst[order], dtype=np.int32)


def indexed(G: nx.Graph, weight: str | None = None) -> IndexedGraph:
    """Number the nodes of ``G`` and turn its ties into arrays (see :class:`IndexedGraph`)."""
    check_graph(G)
    nodes = list(G.nodes())
    index = {v: i for i, v in enumerate(nodes)}
    n_edges = G.number_of_edges()
    src = np.empty(n_edges, dtype=np.int64)
    dst = np.empty(n_edges, dtype=np.int64)
    w = np.ones(n_edges, dtype=np.float64)
    if weight is None:
        for e, (u, v) in enumerate(G.edges()):
            src[e] = index[u]
            dst[e] = index[v]
    else:
        for e, (u, v, x) in enumerate(G.edges(data=weight, default=1.0)):
            src[e] = index[u]
            dst[e] = index[v]
            w[e] = _weight_value(u, v, weight, x)
    keep = src != dst
    src, dst, w = src[keep], dst[keep], w[keep]
    directed = G.is_directed()
    if not directed:
        a = np.minimum(src, dst)
        dst = np.maximum(src, dst)
        src = a
    return IndexedGraph(nodes, index, directed, src, dst, w)


def _weight_value(u: Any, v: Any, weight: str, x: Any) -> float:
    try:
        value = float(x)
    except (TypeError, ValueError):
        raise Invalid(f"tie {u!r} - {v!r}: {weight} {x!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise Invalid(f"tie {u!r} - {v!r}: {weight} {x!r} must be a finite number >= 0")
    return value


@dataclass
class GroupLabels:
    """A partition as arrays.

    ``sig[i]`` numbers the *set of groups* of node ``i`` (-1: ungrouped), ``signatures``
    lists those sets, ``groups`` every group name (sorted). When every grouped node has
    exactly one group (``proper``), ``sig[i]`` is the index of that group in ``groups``.
    """

    sig: IntArray
    signatures: list[frozenset[str]]
    groups: list[str]
    proper: bool
    _share: BoolArray | None = field(default=None, repr=False)

    @property
    def grouped(self) -> BoolArray:
        return self.sig >= 0

    def share(self, i: IntArray, j: IntArray) -> BoolArray:
        """Whether nodes ``i`` and ``j`` (both grouped) share at least one group."""
        si, sj = self.sig[i], self.sig[j]
        if self.proper:
            return si == sj
        if self._share is None:
            k = len(self.signatures)
            table = np.zeros((k, k), dtype=bool)
            for x in range(k):
                for y in range(k):
                    table[x, y] = bool(self.signatures[x] & self.signatures[y])
            self._share = table
        return self._share[si, sj]

    @cached_property
    def membership(self) -> sp.csr_matrix:
        """``n x len(groups)`` 0/1 matrix of group membership."""
        col = {g: c for c, g in enumerate(self.groups)}
        rows: list[int] = []
        cols: list[int] = []
        for i, s in enumerate(self.sig.tolist()):
            if s >= 0:
                for g in self.signatures[s]:
                    rows.append(i)
                    cols.append(col[g])
        data = np.ones(len(rows), dtype=np.int64)
        return sp.csr_matrix((data, (rows, cols)), shape=(self.sig.size, len(self.groups)))

    def same_pairs(self) -> int:
        """Unordered pairs of distinct grouped nodes that share a group."""
        counts = np.bincount(self.sig[self.sig >= 0], minlength=len(self.signatures))
        if self.proper:
            return int((counts * (counts - 1) // 2).sum())
        total = 0
        k = len(self.signatures)
        for x in range(k):
            for y in range(x, k):
                if self.signatures[x] & self.signatures[y]:
                    total += (
                        int(counts[x] * (counts[x] - 1) // 2)
                        if x == y
                        else int(counts[x] * counts[y])
                    )
        return total


def group_labels(nodes: list[Node], partition: Partition) -> GroupLabels:
    """Number the group sets of ``nodes`` under ``partition`` (see :class:`GroupLabels`)."""
    sets: list[frozenset[str]] = []
    for v in nodes:
        gs = partition.get(v)
        sets.append(frozenset(str(g) for g in gs) if gs else frozenset())
    groups = sorted({g for s in sets for g in s})
    proper = all(len(s) <= 1 for s in sets)
    sig = np.full(len(nodes), -1, dtype=np.int64)
    if proper:
        col = {g: c for c, g in enumerate(groups)}
        signatures = [frozenset({g}) for g in groups]
        for i, s in enumerate(sets):
            if s:
                sig[i] = col[next(iter(s))]
    else:
        numbering: dict[frozenset[str], int] = {}
        for i, s in enumerate(sets):
            if s:
                sig[i] = numbering.setdefault(s, len(numbering))
        signatures = list(numbering)
    return GroupLabels(sig, signatures, groups, proper)


def none_if_nan(x: float) -> float | None:
    """``None`` for NaN or infinity, the float otherwise (JSON has no NaN)."""
    return float(x) if math.isfinite(x) else None
