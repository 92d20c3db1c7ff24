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
from typing import TYPE_CHECKING, Any

import igraph as ig
import numpy as np

from graph_service.errors import Invalid

if TYPE_CHECKING:  # networkx and scipy load only when used (0.15 s of start-up each)
    import networkx as nx
    import scipy.sparse as sp

Node = Hashable
Partition = Mapping[Any, frozenset[str]]
"""A node's groups. A node missing from the mapping, or with no group, is *ungrouped*."""

IntArray = np.ndarray[Any, np.dtype[np.int64]]
Int32Array = np.ndarray[Any, np.dtype[np.int32]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


def check_graph(G: Any) -> None:
    """Refuse what the metrics are not defined on (multigraphs, non-graphs)."""
    import networkx as nx  # loaded already when G is a networkx graph

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

    ``layout`` (optional, set before any kernel runs) is an order of the nodes that keeps
    tied nodes close in memory, such as by group (most ties fall inside groups): the
    numba kernels run on the adjacency renumbered in that order (:meth:`laid_out`), which
    saves them cache misses. It changes no result: each node keeps its neighbours in the
    same order.
    """

    nodes: list[Node]
    index: dict[Node, int]
    directed: bool
    src: IntArray
    dst: IntArray
    w: FloatArray
    layout: IntArray | None = None

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
    def out_adjacency(self) -> tuple[IntArray, Int32Array]:
        """CSR ``(indptr, indices)`` of the out-neighbours (both ways when undirected)."""
        s, d, _ = self.arcs
        return csr_arrays(self.n, s, d)

    @cached_property
    def skeleton_adjacency(self) -> tuple[IntArray, Int32Array]:
        """CSR ``(indptr, indices)`` of the skeleton's neighbours (symmetric)."""
        if not self.directed:
            return self.out_adjacency
        a, b, _ = self.skeleton
        return csr_arrays(self.n, np.concatenate([a, b]), np.concatenate([b, a]))

    def laid_out(self, skeleton: bool) -> tuple[IntArray, Int32Array, IntArray]:
        """``(indptr, indices, position)``: the out-adjacency (``skeleton``: the skeleton's)
        renumbered by ``layout``, node ``i`` becoming ``position[i]``."""
        key = "_laid_out_skeleton" if skeleton else "_laid_out"
        cached = self.__dict__.get(key)
        if cached is None:
            indptr, indices = self.skeleton_adjacency if skeleton else self.out_adjacency
            if self.layout is None:
                cached = indptr, indices, np.arange(self.n, dtype=np.int64)
            else:
                cached = _renumbered(indptr, indices, np.asarray(self.layout, dtype=np.int64))
            self.__dict__[key] = cached
        return cached

    def has_arc(self, i: IntArray, j: IntArray) -> BoolArray:
        """Whether each ``i[q] -> j[q]`` is an arc (a tie, when undirected)."""
        pos = self.skeleton_find(i, j)
        found = pos >= 0
        if not self.directed:
            return found
        forward, backward = self.skeleton_directions
        safe = np.where(found, pos, 0)
        return found & np.where(i < j, forward[safe], backward[safe])

    @cached_property
    def skeleton(self) -> tuple[IntArray, IntArray, FloatArray]:
        """The underlying simple undirected graph: pairs ``a < b`` with mutual weight.

        The mutual weight is ``a_ij + a_ji`` (Burt's convention, as networkx and igraph):
        for an undirected tie it is twice the weight, for a reciprocated pair of arcs the
        sum of both.
        """
        from graph_service.metrics._kernels import stable_order_by  # _kernels imports _core

        if not self.directed:
            # ties are distinct pairs src < dst already: sort them; w + w is exactly 2 w
            order = stable_order_by(self.src, self.dst, self.n)
            return self.src[order], self.dst[order], 2.0 * self.w[order]
        s, d, w = self.arcs
        a = np.minimum(s, d)
        b = np.maximum(s, d)
        order = stable_order_by(a, b, self.n)
        key = a[order] * self.n + b[order]
        w = w[order]
        first = np.ones(key.size, dtype=bool)
        first[1:] = key[1:] != key[:-1]
        uniq = key[first]
        mw = np.add.reduceat(w, np.flatnonzero(first)) if key.size else w
        return uniq // self.n, uniq % self.n, np.asarray(mw, dtype=np.float64)

    @cached_property
    def skeleton_starts(self) -> IntArray:
        """``skeleton[0]`` runs: the pairs ``(a, b)`` of node ``a`` are
        ``starts[a]:starts[a + 1]`` (skeleton is sorted by ``(a, b)``)."""
        a, _, _ = self.skeleton
        starts = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(a, minlength=self.n), out=starts[1:])
        return starts

    @cached_property
    def skeleton_directions(self) -> tuple[BoolArray, BoolArray]:
        """For each skeleton pair ``(a, b)``: whether the arc ``a -> b``, and ``b -> a``,
        exists (both always, when undirected)."""
        a, _, _ = self.skeleton
        if not self.directed:
            both = np.ones(a.size, dtype=bool)
            return both, both
        pos = self.skeleton_lookup(self.src, self.dst)
        forward = np.zeros(a.size, dtype=bool)
        backward = np.zeros(a.size, dtype=bool)
        up = self.src < self.dst
        forward[pos[up]] = True
        backward[pos[~up]] = True
        return forward, backward

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

    @cached_property
    def triangle_ties(self) -> IntArray:
        """Skeleton positions of the sides ``(x, y)``, ``(x, z)``, ``(y, z)`` of each row
        of ``triangles``, looked up once for every metric built on triangles."""
        tri = self.triangles
        out = np.empty(tri.shape, dtype=np.int64)
        for c, (x, y) in enumerate(((0, 1), (0, 2), (1, 2))):
            out[:, c] = self.skeleton_lookup(tri[:, x], tri[:, y])
        return out

    def skeleton_find(self, i: IntArray, j: IntArray) -> IntArray:
        """Position in ``skeleton`` of the pairs ``{i, j}``; -1 where there is no tie."""
        from graph_service.metrics._kernels import pair_positions  # here: _kernels imports _core

        _, b, _ = self.skeleton
        i = np.ascontiguousarray(i, dtype=np.int64)
        j = np.ascontiguousarray(j, dtype=np.int64)
        return pair_positions.pick(i.size + b.size)(self.skeleton_starts, b, i, j)

    def skeleton_lookup(self, i: IntArray, j: IntArray) -> IntArray:
        """Position in ``skeleton`` of the pairs ``{i, j}`` (which must be ties)."""
        return self.skeleton_find(i, j)


def _renumbered(
    indptr: IntArray, indices: Int32Array, order: IntArray
) -> tuple[IntArray, Int32Array, IntArray]:
    """The CSR with node ``order[k]`` renumbered ``k``; rows keep their neighbour order."""
    n = order.size
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    degree = np.diff(indptr)[order]
    new_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(degree, out=new_indptr[1:])
    gather = np.repeat(indptr[order] - new_indptr[:-1], degree) + np.arange(new_indptr[-1])
    return new_indptr, position[indices[gather]].astype(np.int32), position


def group_layout(labels: GroupLabels) -> IntArray:
    """Nodes by group (by set of groups; ungrouped first), else in ``G``'s order: an
    ``IndexedGraph.layout`` for graphs whose ties mostly fall inside groups."""
    return np.argsort(labels.sig, kind="stable")


def csr_arrays(n: int, src: IntArray, dst: IntArray) -> tuple[IntArray, Int32Array]:
    """``indptr`` (int64) and ``indices`` (int32: half the memory traffic of the kernels)
    of the arcs ``src -> dst``."""
    from graph_service.metrics._kernels import stable_order_by  # _kernels imports _core

    order = stable_order_by(src, None, n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, np.ascontiguousarray(dst[order], dtype=np.int32)


def indexed(G: nx.Graph, weight: str | None = None) -> IndexedGraph:
    """Number the nodes of ``G`` and turn its ties into arrays (see :class:`IndexedGraph`).

    Ties come in ``G.edges()`` order: each node's adjacency in turn, an undirected tie
    from the end that comes first (as networkx's ``EdgeView`` does), read without a
    Python loop over the ties.
    """
    check_graph(G)
    nodes = list(G.nodes())
    index = {v: i for i, v in enumerate(nodes)}
    # G._adj, as networkx's own algorithms read it: G.adj wraps every row in a view
    adjacency = G._adj
    if list(adjacency) != nodes:  # not seen with networkx's classes; keep its order then
        return _indexed_from_edges(G, nodes, index, weight)
    degree = np.fromiter(map(len, adjacency.values()), dtype=np.int64, count=len(nodes))
    ends = _positions(nodes, index, list(chain.from_iterable(adjacency.values())))
    owner = np.repeat(np.arange(len(nodes), dtype=np.int64), degree)
    directed = G.is_directed()
    # undirected: networkx yields the tie from the end it reaches first (self-loops once)
    first = np.ones(ends.size, dtype=bool) if directed else ends >= owner
    src, dst = owner[first], ends[first]
    if weight is None:
        w = np.ones(src.size, dtype=np.float64)
    else:
        data = chain.from_iterable(nbrs.values() for nbrs in adjacency.values())
        raw = [x.get(weight, 1.0) for x in data]
        chosen = first.nonzero()[0].tolist()
        w = _weights(nodes, src, dst, [raw[e] for e in chosen], weight)
    return _finish(nodes, index, directed, src, dst, w)


def _indexed_from_edges(
    G: nx.Graph, nodes: list[Node], index: dict[Node, int], weight: str | None
) -> IndexedGraph:
    if weight is None:
        pairs = list(G.edges())
        values = [1.0] * len(pairs)
    else:
        triples = list(G.edges(data=weight, default=1.0))
        pairs = [(u, v) for u, v, _ in triples]
        values = [x for _, _, x in triples]
    src = _positions(nodes, index, [u for u, _ in pairs])
    dst = _positions(nodes, index, [v for _, v in pairs])
    w = _weights(nodes, src, dst, values, weight) if weight else np.ones(src.size)
    return _finish(nodes, index, G.is_directed(), src, dst, w)


def _finish(
    nodes: list[Node],
    index: dict[Node, int],
    directed: bool,
    src: IntArray,
    dst: IntArray,
    w: FloatArray,
) -> IndexedGraph:
    keep = src != dst
    src, dst, w = src[keep], dst[keep], w[keep]
    if not directed:
        a = np.minimum(src, dst)
        dst = np.maximum(src, dst)
        src = a
    return IndexedGraph(nodes, index, directed, src, dst, w)


def _positions(nodes: list[Node], index: dict[Node, int], values: list[Node]) -> IntArray:
    """``index[v]`` for every ``v`` in ``values`` (nodes of the graph).

    When every node is a Python ``int`` (that fits 64 bits) the lookup is vectorised (a
    table from id to position when the ids fill a range, else a search among the sorted
    ids): a dict lookup per tie end costs more than everything else of building the
    arrays.
    """
    if values and all(type(v) is int for v in nodes):
        try:
            keys = np.array(nodes, dtype=np.int64)
            query = np.array(values, dtype=np.int64)
        except OverflowError:
            pass
        else:
            low = int(keys.min())
            span = int(keys.max()) - low + 1
            if span <= 4 * keys.size:  # ids fill a range: a table from id to position
                table = np.empty(span, dtype=np.int64)
                table[keys - low] = np.arange(keys.size)
                return table[query - low]
            sorter = np.argsort(keys)
            return sorter[np.searchsorted(keys[sorter], query)]
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


def _weights(
    nodes: list[Node], src: IntArray, dst: IntArray, values: list[Any], weight: str
) -> FloatArray:
    """The tie weights as floats, each checked by :func:`_weight_value`."""
    return np.fromiter(
        (
            _weight_value(nodes[u], nodes[v], weight, x)
            for u, v, x in zip(src.tolist(), dst.tolist(), values, strict=True)
        ),
        dtype=np.float64,
        count=len(values),
    )


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
        import scipy.sparse as sp

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
    sets = _group_sets([partition.get(v) for v in nodes])
    distinct = set(sets)
    groups = sorted({g for s in distinct for g in s})
    proper = all(len(s) <= 1 for s in distinct)
    if proper:
        col = {g: c for c, g in enumerate(groups)}
        signatures = [frozenset({g}) for g in groups]
        code = {s: col[next(iter(s))] if s else -1 for s in distinct}
    else:
        numbering: dict[frozenset[str], int] = {}
        for s in sets:
            if s:
                numbering.setdefault(s, len(numbering))
        signatures = list(numbering)
        code = {s: numbering[s] if s else -1 for s in distinct}
    sig = np.fromiter(map(code.__getitem__, sets), dtype=np.int64, count=len(nodes))
    return GroupLabels(sig, signatures, groups, proper)


def _group_sets(values: list[Any]) -> list[frozenset[str]]:
    """Each node's groups as a frozenset of str (empty: ungrouped).

    Converted once per distinct value when every group is a str already (the usual
    case: a partition of 100k nodes has a few hundred distinct values).
    """
    empty: frozenset[str] = frozenset()
    try:
        distinct = set(values)
    except TypeError:  # unhashable values (sets, lists): convert one by one
        distinct = None
    if distinct is not None and all(not gs or all(type(g) is str for g in gs) for gs in distinct):
        converted = {gs: frozenset(gs) if gs else empty for gs in distinct}
        return [converted[gs] for gs in values]
    return [frozenset(str(g) for g in gs) if gs else empty for gs in values]
