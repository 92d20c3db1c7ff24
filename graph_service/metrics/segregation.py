"""Within-group tie odds ratio and Yule's Q over the dyad table.

The dyads among grouped nodes (unordered pairs when undirected, ordered pairs when
directed) are cross-classified by *tie or not* and *same group or not*::

                 same group   different groups
    tie              a              c
    no tie           b              d

- **odds ratio** ``(a d) / (b c)``: how much more likely a dyad inside a group is tied
  than a dyad across groups (Moody 2001; netseg's ``orwg``, Bojanowski & Corten 2014);
- **Yule's Q** ``(a d - b c) / (a d + b c)``, the odds ratio mapped to ``[-1, 1]``
  (``(OR - 1) / (OR + 1)``; Yule 1900).

Isolates count (their dyads are untied). ``None`` when the value is undefined or
infinite (``b c = 0`` for the odds ratio, ``a d + b c = 0`` for Q).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_service.metrics._core import (
    GroupLabels,
    IndexedGraph,
    IntArray,
    Partition,
    group_labels,
    indexed,
)
from graph_service.metrics.ei import dyad_counts
from graph_service.metrics.ties import BONDING, BRIDGING, tie_class_array

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = ["dyad_table", "odds_ratio", "yules_q"]


def dyad_table_arrays(ix: IndexedGraph, labels: GroupLabels, cls: IntArray) -> dict[str, int]:
    dyads, p_int = dyad_counts(ix, labels)
    a = int((cls == BONDING).sum())
    c = int((cls == BRIDGING).sum())
    return {"a": a, "b": p_int - a, "c": c, "d": dyads - p_int - c}


def dyad_table(G: nx.Graph, partition: Partition) -> dict[str, int]:
    """The 2x2 dyad table ``{"a", "b", "c", "d"}`` (see the module docstring).

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> dyad_table(G, {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})})
    {'a': 1, 'b': 0, 'c': 1, 'd': 1}
    """
    ix = indexed(G)
    labels = group_labels(ix.nodes, partition)
    return dyad_table_arrays(ix, labels, tie_class_array(ix, labels))


def odds_ratio_from_table(t: dict[str, int]) -> float | None:
    den = t["b"] * t["c"]
    return t["a"] * t["d"] / den if den else None


def yules_q_from_table(t: dict[str, int]) -> float | None:
    ad, bc = t["a"] * t["d"], t["b"] * t["c"]
    return (ad - bc) / (ad + bc) if ad + bc else None


def odds_ratio(G: nx.Graph, partition: Partition) -> float | None:
    """Odds ratio of a tie within groups versus between groups (netseg's ``orwg``).

    Examples
    --------
    >>> G = nx.path_graph(6)
    >>> p = {v: frozenset({"a" if v < 3 else "b"}) for v in G}
    >>> odds_ratio(G, p)
    16.0
    """
    return odds_ratio_from_table(dyad_table(G, partition))


def yules_q(G: nx.Graph, partition: Partition) -> float | None:
    """Yule's Q of the dyad table, ``(ad - bc) / (ad + bc)``.

    Examples
    --------
    >>> G = nx.path_graph(6)
    >>> p = {v: frozenset({"a" if v < 3 else "b"}) for v in G}
    >>> round(yules_q(G, p), 4)
    0.8824
    """
    return yules_q_from_table(dyad_table(G, partition))
