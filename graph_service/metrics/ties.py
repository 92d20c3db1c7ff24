"""Bonding and bridging ties: classification, counts, mixing matrix, group densities.

A tie is **bonding** when its two ends share a group and **bridging** when both ends are
grouped but share none (Putnam 2000's bonding and bridging social capital, measured on
ties as in Krackhardt & Stern 1988). A tie with an ungrouped end is **unclassified**: it
counts in degrees, never as bonding or bridging. :func:`tie_class` is this rule, the
only place it is written; metrics, maps, the report and the steering analyses all call
it (``tie_class_array`` is its vectorised form, tested to agree).

Two counts of ties (docs/metrics.md, "Counting ties"): **stored ties** are the ties a
store holds that pass the filter (two types between one pair are two stored ties);
**pairs** are the ties of the analysis graph, where every stored tie of one pair is
collapsed into one edge. Metrics count pairs; :func:`class_counts` gives both.

Counting conventions (UCINET's, Borgatti, Everett & Freeman 2002):

- **network**: each undirected tie once, each directed arc once;
- **group** ``internal`` / ``external``: row sums of the adjacency matrix over the
  group's members, so an undirected tie inside the group counts twice (once from each
  member) and a directed graph counts the members' out-arcs; ``external`` counts ties to
  grouped non-members;
- **node**: every incident tie (directed: in- and out-arcs; a reciprocated pair is two).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from graph_service.metrics._core import (
    BoolArray,
    GroupLabels,
    IndexedGraph,
    IntArray,
    Partition,
    group_labels,
    indexed,
)

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = [
    "TIE_CLASSES",
    "class_counts",
    "classify_ties",
    "group_density",
    "mixing_matrix",
    "tie_class",
    "tie_counts",
]

#: Codes of :func:`tie_class_array`.
BONDING = 1
BRIDGING = 0
UNCLASSIFIED = -1

TieClass = Literal["bonding", "bridging", "unclassified"]
#: The classes in the order every output lists them.
TIE_CLASSES: tuple[TieClass, ...] = ("bonding", "bridging", "unclassified")


def tie_class(groups_u: Iterable[str] | None, groups_v: Iterable[str] | None) -> TieClass:
    """The class of a tie whose ends are in ``groups_u`` and ``groups_v``.

    ``"bonding"`` when the ends share a group, ``"bridging"`` when both ends have groups
    and share none, ``"unclassified"`` when an end has no group (``None`` or empty).
    A node in several groups shares a group with every member of each of them.

    Examples
    --------
    >>> tie_class({"a"}, {"a", "b"})
    'bonding'
    >>> tie_class({"a"}, {"b"})
    'bridging'
    >>> tie_class({"a"}, set())
    'unclassified'
    """
    gu, gv = frozenset(groups_u or ()), frozenset(groups_v or ())
    if not gu or not gv:
        return "unclassified"
    return "bonding" if gu & gv else "bridging"


def tie_class_in(partition: Mapping[Any, Iterable[str]], u: Hashable, v: Hashable) -> TieClass:
    """:func:`tie_class` of the tie ``u``-``v`` under ``partition`` (missing: ungrouped)."""
    return tie_class(partition.get(u), partition.get(v))


def tie_class_array(ix: IndexedGraph, labels: GroupLabels) -> IntArray:
    """For every tie of ``ix`` (``src[e], dst[e]``): 1 bonding, 0 bridging, -1 unclassified.

    The vectorised form of :func:`tie_class` (tests check that they agree)."""
    out = np.full(ix.m, UNCLASSIFIED, dtype=np.int64)
    both = labels.grouped[ix.src] & labels.grouped[ix.dst]
    out[both] = labels.share(ix.src[both], ix.dst[both]).astype(np.int64)
    return out


def classify_ties(G: nx.Graph, partition: Partition) -> dict[tuple[Hashable, Hashable], TieClass]:
    """Label each tie ``"bonding"``, ``"bridging"`` or ``"unclassified"`` (:func:`tie_class`).

    Keys are ``(u, v)`` as networkx reports the edge (directed: the arc's direction).
    Self-loops are not ties and are left out.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> classify_ties(G, {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})})
    {(0, 1): 'bonding', (1, 2): 'bridging'}
    """
    return {(u, v): tie_class_in(partition, u, v) for u, v in G.edges() if u != v}


def class_counts(G: nx.Graph, partition: Partition) -> dict[str, dict[str, int]]:
    """Ties of each class (and ``"all"``), counted both ways: ``pairs`` and ``stored``.

    ``pairs`` counts the edges of the simple graph (a multigraph's parallel ties of one
    pair count once; a directed graph counts arcs). ``stored`` counts stored ties: each
    edge's ``ties`` attribute (in a collapsed analysis graph, how many stored ties were
    collapsed into the edge), 1 when absent, so every edge of a multigraph of stored
    ties counts once. Self-loops are not ties.

    Examples
    --------
    >>> G = nx.MultiGraph([(0, 1), (0, 1), (1, 2)])
    >>> p = {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})}
    >>> class_counts(G, p)["bonding"]
    {'pairs': 1, 'stored': 2}
    """
    out = {c: {"pairs": 0, "stored": 0} for c in (*TIE_CLASSES, "all")}
    seen: set[tuple[Hashable, Hashable]] = set()
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        cls = tie_class_in(partition, u, v)
        pair = (u, v) if G.is_directed() else (u, v) if str(u) <= str(v) else (v, u)
        stored = int(data.get("ties", 1))
        for key in (cls, "all"):
            out[key]["stored"] += stored
            if pair not in seen:
                out[key]["pairs"] += 1
        seen.add(pair)
    return out


def group_tie_counts(G: nx.Graph, partition: Partition) -> dict[str, dict[str, int]]:
    """Per group: ``members``, ties ``inside`` it and ties ``across`` its boundary.

    Counted in pairs, each tie once per group it concerns: *inside* when both ends are
    members, *across* when one end is a member and the other belongs to groups that do
    not include it. A tie to an ungrouped node is unclassified (:func:`tie_class`) and
    counts in neither. Unlike :func:`tie_counts`' UCINET row sums, a tie inside a group
    counts once.

    Examples
    --------
    >>> G = nx.path_graph(4)
    >>> p = {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})}
    >>> group_tie_counts(G, p)["a"]
    {'members': 2, 'inside': 1, 'across': 1}
    """
    out: dict[str, dict[str, int]] = {}
    for n in G:
        for g in partition.get(n) or ():
            out.setdefault(g, {"members": 0, "inside": 0, "across": 0})["members"] += 1
    for u, v in G.edges():
        gu, gv = frozenset(partition.get(u) or ()), frozenset(partition.get(v) or ())
        if u == v or tie_class(gu, gv) == "unclassified":
            continue
        for g in gu | gv:
            out[g]["inside" if g in gu and g in gv else "across"] += 1
    return out


def node_tie_counts(
    ix: IndexedGraph, labels: GroupLabels, cls: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Per node: degree (incident ties or arcs), bonding ties, bridging ties."""
    n = ix.n

    def ends(ties: BoolArray | None) -> IntArray:
        """Ties at each node, counted from both ends (no concatenated copy of the ends)."""
        s, d = (ix.src, ix.dst) if ties is None else (ix.src[ties], ix.dst[ties])
        return np.bincount(s, minlength=n) + np.bincount(d, minlength=n)

    return ends(None), ends(cls == BONDING), ends(cls == BRIDGING)


def group_row_sums(ix: IndexedGraph, labels: GroupLabels) -> tuple[IntArray, IntArray, IntArray]:
    """Per group (``labels.groups`` order): size, internal and external row sums."""
    if labels.proper:  # one group a node: counting, no membership matrix
        return _proper_row_sums(ix, labels)
    s, d, _ = ix.arcs
    ok = labels.grouped[s] & labels.grouped[d]
    s, d = s[ok], d[ok]
    mem = labels.membership
    size = np.asarray(mem.sum(axis=0)).ravel().astype(np.int64)
    from_rows = mem[s]
    internal = np.asarray(from_rows.multiply(mem[d]).sum(axis=0)).ravel().astype(np.int64)
    total = np.asarray(from_rows.sum(axis=0)).ravel().astype(np.int64)
    return size, internal, total - internal


def _proper_row_sums(ix: IndexedGraph, labels: GroupLabels) -> tuple[IntArray, IntArray, IntArray]:
    """:func:`group_row_sums` of a partition with one group a node, from the ties
    themselves: an undirected tie is an arc each way, so it counts from both ends
    (twice inside a group), without building the arcs."""
    k = len(labels.groups)
    size = np.bincount(labels.sig[labels.grouped], minlength=k).astype(np.int64)
    ok = labels.grouped[ix.src] & labels.grouped[ix.dst]
    from_group, to_group = labels.sig[ix.src[ok]], labels.sig[ix.dst[ok]]
    inside = from_group[from_group == to_group]
    internal = np.bincount(inside, minlength=k).astype(np.int64)
    total = np.bincount(from_group, minlength=k).astype(np.int64)
    if not ix.directed:
        internal *= 2
        total += np.bincount(to_group, minlength=k).astype(np.int64)
    return size, internal, total - internal


def tie_counts(G: nx.Graph, partition: Partition) -> dict[str, Any]:
    """Bonding and bridging counts for the network, each group and each node.

    Returns
    -------
    dict
        ``network``: ``ties``, ``bonding``, ``bridging``, ``unclassified``;
        ``groups[g]``: ``size``, ``internal``, ``external`` (UCINET row sums, see the
        module docstring); ``nodes[v]``: ``degree``, ``bonding``, ``bridging`` (``None``
        for an ungrouped node).

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> p = {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})}
    >>> tie_counts(G, p)["groups"]["a"]
    {'size': 2, 'internal': 2, 'external': 1}
    """
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    cls = tie_class_array(ix, labels)
    degree, bonding, bridging = node_tie_counts(ix, labels, cls)
    size, internal, external = group_row_sums(ix, labels)
    grouped = labels.grouped
    return {
        "network": {
            "ties": ix.m,
            "bonding": int((cls == BONDING).sum()),
            "bridging": int((cls == BRIDGING).sum()),
            "unclassified": int((cls == UNCLASSIFIED).sum()),
        },
        "groups": {
            g: {"size": int(size[c]), "internal": int(internal[c]), "external": int(external[c])}
            for c, g in enumerate(labels.groups)
        },
        "nodes": {
            v: {
                "degree": int(degree[i]),
                "bonding": int(bonding[i]) if grouped[i] else None,
                "bridging": int(bridging[i]) if grouped[i] else None,
            }
            for i, v in enumerate(ix.nodes)
        },
    }


def mixing_matrix(G: nx.Graph, partition: Partition) -> dict[str, dict[str, int]]:
    """Ties between groups: ``M[g][h]``.

    Directed: arcs from a member of ``g`` to a member of ``h`` (netseg's ``mixingm``).
    Undirected: ties between a member of ``g`` and a member of ``h``, so the matrix is
    symmetric and the diagonal holds the ties inside each group (each once). A node in
    several groups adds its ties to each of them; ties of ungrouped nodes are left out.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> mixing_matrix(G, {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})})
    {'a': {'a': 1, 'b': 1}, 'b': {'a': 1, 'b': 0}}
    """
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    mem = labels.membership
    s, d, _ = ix.arcs
    ok = labels.grouped[s] & labels.grouped[d]
    counts = (mem[s[ok]].T @ mem[d[ok]]).toarray()
    if not ix.directed:
        counts[np.diag_indices_from(counts)] //= 2
    return {
        g: {h: int(counts[a, b]) for b, h in enumerate(labels.groups)}
        for a, g in enumerate(labels.groups)
    }


def group_density(G: nx.Graph, partition: Partition) -> dict[str, dict[str, float | None]]:
    """Internal and external density of each group.

    ``internal``: ties among the members over the possible ones
    (undirected ``n(n-1)/2``, directed ``n(n-1)``); ``None`` for a group of one.
    ``external``: ties between members and grouped non-members over the possible ones
    (undirected ``n * n_out``, directed ``2 * n * n_out``, arcs either way); ``None``
    when every grouped node is a member.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> group_density(G, {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})})
    {'a': {'internal': 1.0, 'external': 0.5}, 'b': {'internal': None, 'external': 0.5}}
    """
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    return group_density_arrays(ix, labels)


def group_density_arrays(
    ix: IndexedGraph, labels: GroupLabels
) -> dict[str, dict[str, float | None]]:
    size, internal, external = group_row_sums(ix, labels)
    n_grouped = int(labels.grouped.sum())
    # Arcs from non-members into the group (directed only: undirected row sums already
    # see both ends).
    inbound = np.zeros(len(labels.groups), dtype=np.int64)
    if ix.directed:
        s, d, _ = ix.arcs
        ok = labels.grouped[s] & labels.grouped[d]
        mem = labels.membership
        to_rows = mem[d[ok]]
        into = np.asarray(to_rows.sum(axis=0)).ravel()
        inside = np.asarray(to_rows.multiply(mem[s[ok]]).sum(axis=0)).ravel()
        inbound = (into - inside).astype(np.int64)
    out: dict[str, dict[str, float | None]] = {}
    for c, g in enumerate(labels.groups):
        n_g = int(size[c])
        n_out = n_grouped - n_g
        if ix.directed:
            possible_in = n_g * (n_g - 1)
            ties_in = float(internal[c])
            possible_out = 2 * n_g * n_out
            ties_out = float(external[c] + inbound[c])
        else:
            possible_in = n_g * (n_g - 1) // 2
            ties_in = float(internal[c]) / 2
            possible_out = n_g * n_out
            ties_out = float(external[c])
        out[g] = {
            "internal": float(ties_in / possible_in) if possible_in else None,
            "external": ties_out / possible_out if possible_out else None,
        }
    return out
