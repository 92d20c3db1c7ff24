"""The one door through which the steering analyses reach standard network metrics.

Every metric comes from :mod:`graph_service.metrics`: whole reports
(``metrics.suite.analyze``) for the E-I index and Gould-Fernandez brokerage, and the
single functions (betweenness, constraint, bridges, articulation points) for the many
small what-if graphs (a node removed, a tie added) where a whole report would be wasted
work. This module never computes a metric itself.

Conventions: the analyses are structural, so metrics are unweighted (a tie is a tie,
whatever its weight), undirected (the collapsed analysis graph), betweenness raw (not
normalised, unordered pairs), constraint Burt's whole-network form; a node without ties
has no constraint (``None``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_service.metrics.ties import TieClass, tie_class_in

#: Gould-Fernandez roles in which the two ends of the brokered two-path are not both in
#: the broker's own group: brokerage *between* groups.
COORDINATOR = "coordinator"

Partition = Mapping[Any, frozenset[str]]


@dataclass
class NodeMeasures:
    bonding: int = 0
    bridging: int = 0
    ei: float | None = None
    constraint: float | None = None
    betweenness: float = 0.0
    brokerage: dict[str, float] = field(default_factory=dict)
    articulation_point: bool = False

    @property
    def intergroup_brokerage(self) -> float | None:
        """Brokerage in every role but coordinator (None when brokerage is unknown)."""
        if not self.brokerage:
            return None
        total = self.brokerage.get("total")
        if total is None:
            total = sum(v for k, v in self.brokerage.items() if k != COORDINATOR)
            return float(total)
        return float(total) - float(self.brokerage.get(COORDINATOR, 0))

    @property
    def broker(self) -> bool:
        """Brokers between groups: Gould-Fernandez brokerage outside the coordinator role.

        Without brokerage figures (no metrics package), a node counts as a broker when it
        has bridging ties and lies on shortest paths (betweenness > 0).
        """
        inter = self.intergroup_brokerage
        if inter is None:
            return self.bridging > 0 and self.betweenness > 0
        return inter > 0


@dataclass
class GroupMeasures:
    size: int = 0
    internal: float = 0
    external: float = 0
    ei: float | None = None


@dataclass
class Measures:
    nodes: dict[str, NodeMeasures]
    groups: dict[str, GroupMeasures]
    source: str
    network: dict[str, Any] = field(default_factory=dict)


def tie_class(partition: Partition, u: str, v: str) -> TieClass:
    """Bonding, bridging or unclassified: the metrics package's one rule (docs/metrics.md)."""
    return tie_class_in(partition, u, v)


def groups_in_direct_contact(G: nx.Graph, partition: Partition) -> set[tuple[str, str]]:
    """Pairs of groups ``(a, b)``, ``a < b``, with a tie between a member of each."""
    pairs: set[tuple[str, str]] = set()
    for u, v in G.edges():
        for a in partition.get(u, frozenset()):
            for b in partition.get(v, frozenset()):
                if a != b:
                    pairs.add((min(a, b), max(a, b)))
    return pairs


def betweenness(G: nx.Graph) -> dict[str, float]:
    """Raw (not normalised) shortest-path betweenness, unweighted (the metrics package)."""
    from graph_service.metrics.centrality import betweenness as raw_betweenness

    return {str(n): float(b) for n, b in raw_betweenness(G).items()}


def constraint(G: nx.Graph, nodes: Iterable[Hashable] | None = None) -> dict[str, float | None]:
    """Burt's constraint (unweighted); ``None`` for nodes without ties (undefined)."""
    from graph_service.metrics.structural_holes import constraint as burt_constraint

    values = burt_constraint(G)
    wanted = list(G) if nodes is None else [n for n in nodes if n in G]
    return {str(n): _float_or_none(values.get(n)) for n in wanted}


def articulation_points(G: nx.Graph) -> set[str]:
    from graph_service.metrics.structure import articulation_points as cut_points

    return {str(n) for n in cut_points(G)}


def bridges(G: nx.Graph) -> list[tuple[str, str]]:
    from graph_service.metrics.structure import bridges as all_bridges

    return [(min(str(u), str(v)), max(str(u), str(v))) for u, v in all_bridges(G)]


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def measures(G: nx.Graph, partition: Partition) -> Measures:
    """Node and group measures of an undirected analysis graph (see the module docstring)."""
    simple = nx.Graph(G) if G.is_directed() or G.is_multigraph() else G
    from graph_service.metrics.suite import analyze

    report = analyze(simple, partition, weight=None, k=None, seed=42)
    nodes: dict[str, NodeMeasures] = {}
    for node_id, row in (report.get("nodes") or {}).items():
        nodes[str(node_id)] = NodeMeasures(
            bonding=int(row.get("bonding") or 0),
            bridging=int(row.get("bridging") or 0),
            ei=_float_or_none(row.get("ei")),
            constraint=_float_or_none(row.get("constraint")),
            betweenness=float(row.get("betweenness") or 0.0),
            brokerage={
                str(k): float(v) for k, v in (row.get("brokerage") or {}).items() if v is not None
            },
            articulation_point=bool(row.get("articulation_point")),
        )
    groups = {
        str(g): GroupMeasures(
            size=int(row.get("size") or 0),
            internal=row.get("internal") or 0,
            external=row.get("external") or 0,
            ei=_float_or_none(row.get("ei")),
        )
        for g, row in (report.get("groups") or {}).items()
    }
    return Measures(nodes, groups, "graph_service.metrics", dict(report.get("network") or {}))
