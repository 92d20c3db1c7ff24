"""Partitions: which groups each node belongs to.

A partition is a ``Mapping[node, frozenset[str]]``. A node in several groups counts as
sharing a group with every member of each of them. A node that is missing from the
mapping, or maps to an empty set, is *ungrouped*: every value that depends on groups is
``None`` for it, and its ties are neither bonding nor bridging.
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from typing import TYPE_CHECKING, Literal

import igraph as ig

from graph_service.metrics._core import Partition, check_graph, indexed

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = ["Partition", "partition_from_attribute", "partition_from_communities"]


def partition_from_attribute(G: nx.Graph, attr: str) -> dict[Hashable, frozenset[str]]:
    """Partition by a node attribute: value ``x`` gives the group ``str(x)``.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    attr : str
        Node attribute name. Missing, ``None`` and ``""`` values leave the node ungrouped.

    Returns
    -------
    dict
        ``node -> frozenset({str(value)})`` for every grouped node.

    Examples
    --------
    >>> G = nx.Graph([(1, 2)])
    >>> G.nodes[1]["dept"] = 3
    >>> partition_from_attribute(G, "dept")
    {1: frozenset({'3'})}
    """
    check_graph(G)
    out: dict[Hashable, frozenset[str]] = {}
    for v, value in G.nodes(data=attr):
        if value is None or value == "":
            continue
        out[v] = frozenset({str(value)})
    return out


def partition_from_communities(
    G: nx.Graph,
    method: Literal["louvain", "leiden"] = "louvain",
    *,
    seed: int = 42,
    weight: str | None = None,
    resolution: float = 1.0,
) -> dict[Hashable, frozenset[str]]:
    """Detect communities that maximise modularity and use them as the partition.

    Louvain is igraph's ``community_multilevel`` (Blondel et al. 2008); Leiden is
    igraph's ``community_leiden`` with the modularity objective (Traag, Waltman & van Eck
    2019), run until an iteration no longer improves it. Both run on the undirected
    skeleton of ``G`` (a directed graph's arcs become ties; reciprocal arcs add their
    weights). The result depends only on ``G``, ``seed`` and the other arguments: igraph's
    random numbers are drawn from ``random.Random(seed)`` for the call, and community ids
    are renumbered ``"1"``, ``"2"``, ... by the first node (in ``G``'s order) of each one.
    Isolates form communities of their own.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    method : {"louvain", "leiden"}
    seed : int
    weight : str, optional
        Edge attribute with tie strengths; ``None`` counts every tie as 1.
    resolution : float
        Modularity resolution (1 is Newman-Girvan modularity).

    Examples
    --------
    >>> G = nx.barbell_graph(4, 0)
    >>> sorted(set(partition_from_communities(G).values()), key=sorted)
    [frozenset({'1'}), frozenset({'2'})]
    """
    if method not in ("louvain", "leiden"):
        raise ValueError(f"unknown community method {method!r}: use 'louvain' or 'leiden'")
    ix = indexed(G, weight)
    if ix.n == 0:
        return {}
    a, b, mw = ix.skeleton
    g = ig.Graph(n=ix.n, edges=list(zip(a.tolist(), b.tolist(), strict=True)))
    weights = (mw / 2.0).tolist() if (weight is not None and not ix.directed) else None
    if weight is not None and ix.directed:
        weights = mw.tolist()
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        if method == "louvain":
            membership = g.community_multilevel(weights=weights, resolution=resolution).membership
        else:
            membership = g.community_leiden(
                objective_function="modularity",
                weights=weights,
                resolution=resolution,
                n_iterations=-1,
            ).membership
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    names: dict[int, str] = {}
    out: dict[Hashable, frozenset[str]] = {}
    for v, c in zip(ix.nodes, membership, strict=True):
        label = names.setdefault(c, str(len(names) + 1))
        out[v] = frozenset({label})
    return out
