"""Homophily of a partition: nominal assortativity and modularity.

- **Assortativity** (Newman 2003, "Mixing patterns in networks", *Phys. Rev. E* 67,
  026126, eq. 2): with ``e_gh`` the fraction of tie ends joining group ``g`` to group
  ``h`` (undirected: each tie counted both ways; directed: arcs from ``g`` to ``h``),
  ``a_g = sum_h e_gh``, ``b_h = sum_g e_gh``:
  ``r = (sum_g e_gg - sum_g a_g b_g) / (1 - sum_g a_g b_g)``. Unweighted; only ties
  between grouped nodes count (as networkx's ``attribute_assortativity_coefficient``
  with the group as the attribute, igraph's ``assortativity_nominal`` and netseg's
  ``assort``).
- **Modularity** (Newman & Girvan 2004; directed: Leicht & Newman 2008) of the partition,
  weighted when a weight is given, computed by igraph (same values as networkx's
  ``modularity``). Ungrouped nodes each form a community of their own.

Both need a partition proper (one group per grouped node): with overlapping groups they
are ``None``, as they are with no ties or when ``1 - sum a_g b_g = 0``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import igraph as ig
import numpy as np

from graph_service.metrics._core import GroupLabels, IndexedGraph, Partition, group_labels, indexed

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = ["assortativity", "modularity"]


def assortativity_arrays(ix: IndexedGraph, labels: GroupLabels) -> float | None:
    if not labels.proper:
        return None
    s, d, _ = ix.arcs
    ok = labels.grouped[s] & labels.grouped[d]
    if not ok.any():
        return None
    k = len(labels.groups)
    cells = labels.sig[s[ok]] * k + labels.sig[d[ok]]
    e = np.bincount(cells, minlength=k * k).astype(np.float64).reshape(k, k)
    e /= e.sum()
    ab = float((e.sum(axis=1) * e.sum(axis=0)).sum())
    if 1 - ab <= 1e-15:
        return None
    return (float(np.trace(e)) - ab) / (1 - ab)


def assortativity(G: nx.Graph, partition: Partition) -> float | None:
    """Newman's nominal assortativity coefficient of the partition.

    Examples
    --------
    >>> G = nx.barbell_graph(3, 0)
    >>> p = {v: frozenset({"a" if v < 3 else "b"}) for v in G}
    >>> round(assortativity(G, p), 4)
    0.7143
    """
    ix = indexed(G)
    return assortativity_arrays(ix, group_labels(ix.nodes, partition))


def modularity_arrays(ix: IndexedGraph, labels: GroupLabels, weighted: bool) -> float | None:
    if not labels.proper or ix.m == 0:
        return None
    membership = labels.sig.copy()
    ungrouped = np.flatnonzero(membership < 0)
    membership[ungrouped] = len(labels.groups) + np.arange(ungrouped.size)
    if weighted or ix.directed:
        g = ig.Graph(n=ix.n, directed=ix.directed)
        g.add_edges(np.column_stack([ix.src, ix.dst]))
    else:
        # the same ties in another order; unweighted, igraph's sums count whole ties, so
        # the order changes nothing
        g = ix.skeleton_igraph
    weights = ix.w.tolist() if weighted else None
    if weighted and float(ix.w.sum()) == 0.0:
        return None
    return float(g.modularity(membership.tolist(), weights=weights, directed=ix.directed))


def modularity(G: nx.Graph, partition: Partition, weight: str | None = None) -> float | None:
    """Modularity of the partition (directed graphs: Leicht & Newman's directed form).

    Examples
    --------
    >>> G = nx.barbell_graph(3, 0)
    >>> p = {v: frozenset({"a" if v < 3 else "b"}) for v in G}
    >>> round(modularity(G, p), 4)
    0.3571
    """
    ix = indexed(G, weight)
    return modularity_arrays(ix, group_labels(ix.nodes, partition), weight is not None)
