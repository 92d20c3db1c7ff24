"""Time and phases: what changed between two phases (or two as-of dates).

Ties are matched across phases by type and ends (their ids carry the phase, so ids never
match): a tie of the same type between the same two nodes in both is *kept*; only in the
second, *gained*; only in the first, *lost*. A timeless tie (no phase, no dates) is in
both, so it is kept. Undirected ties are stored with their ends in id order and directed
ones keep their direction, so (type, source, target) identifies a tie across phases.

Per node and per group the comparison reports bonding and bridging counts, E-I,
constraint, betweenness and Gould-Fernandez brokerage in each phase and the change; a
*broker* is a node with brokerage between groups (every role but coordinator, see
:mod:`.sna`): who became one and who stopped being one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from graph_service.filters import TieFilter
from graph_service.metrics.ties import group_tie_counts
from graph_service.services.analysis_graph import AnalysisGraph, TieCount
from graph_service.services.runtime import Runtime
from graph_service.services.steering import sna
from graph_service.services.steering.common import social_graph
from graph_service.services.steering.privacy import Pseudonymiser


class Change(BaseModel):
    """A value in the first and in the second phase, and the difference (second - first)."""

    a: float | None = None
    b: float | None = None
    delta: float | None = None

    @classmethod
    def of(cls, a: float | None, b: float | None) -> Change:
        delta = None if a is None or b is None else round(b - a, 6)
        return cls(a=a, b=b, delta=delta)


class TieChange(BaseModel):
    type: str
    source: str
    target: str
    source_name: str
    target_name: str
    bridging: bool = Field(description="bridging in the phase it belongs to (second if kept)")
    ids: list[str] = Field(default_factory=list, description="stored tie ids")


class NodeChange(BaseModel):
    id: str
    name: str
    groups_a: list[str]
    groups_b: list[str]
    bonding: Change
    bridging: Change
    ei: Change
    constraint: Change
    betweenness: Change
    brokerage: dict[str, Change]
    broker_a: bool
    broker_b: bool
    articulation_point_a: bool
    articulation_point_b: bool


class GroupChange(BaseModel):
    id: str
    name: str
    size: Change
    bonding_ties: Change = Field(description="ties with both ends in the group")
    bridging_ties: Change = Field(
        description="ties with one end in the group and the other in another group "
        "(ties to ungrouped nodes are unclassified)"
    )
    ei: Change


class PhaseComparison(BaseModel):
    label_a: str
    label_b: str
    filter_a: str
    filter_b: str
    tie_count_a: TieCount | None = None  # stored ties and how many pass filter_a
    tie_count_b: TieCount | None = None
    ties_a: int = Field(description="stored ties passing the first filter")
    ties_b: int = Field(description="stored ties passing the second filter")
    gained: list[TieChange]
    lost: list[TieChange]
    kept: list[TieChange]
    bridging_gained: int
    bridging_lost: int
    nodes: list[NodeChange]
    groups: list[GroupChange]
    became_brokers: list[str] = Field(description="ids")
    stopped_brokering: list[str] = Field(description="ids")
    metrics_source: str
    became_brokers_names: list[str] = Field(default_factory=list)
    stopped_brokering_names: list[str] = Field(default_factory=list)

    def summary(self) -> str:
        """The comparison in two sentences (stored ties; people by name)."""
        became = ", ".join(self.became_brokers_names or self.became_brokers) or "nobody"
        stopped = ", ".join(self.stopped_brokering_names or self.stopped_brokering) or "nobody"
        return (
            f"From {self.label_a} to {self.label_b}: {len(self.gained)} stored ties gained "
            f"({self.bridging_gained} bridging), {len(self.lost)} lost "
            f"({self.bridging_lost} bridging), {len(self.kept)} kept. "
            f"Became brokers: {became}; stopped brokering: {stopped}."
        )


TieKey = tuple[str, str, str]


def _tie_index(ties: Iterable[dict[str, Any]]) -> dict[TieKey, list[str]]:
    index: dict[TieKey, list[str]] = {}
    for tie in ties:
        index.setdefault((tie["type"], tie["source"], tie["target"]), []).append(tie["id"])
    return index


def _group_counts(ag: AnalysisGraph) -> dict[str, tuple[int, int, int]]:
    """Per group: (members, ties inside, ties across its boundary), in pairs."""
    counts = group_tie_counts(ag.graph, ag.partition)
    return {g: (c["members"], c["inside"], c["across"]) for g, c in counts.items()}


def compare_graphs(
    first: AnalysisGraph,
    second: AnalysisGraph,
    *,
    label_a: str = "first",
    label_b: str = "second",
    names: Mapping[str, str] | None = None,
) -> PhaseComparison:
    """Compare two analysis graphs (the pure core of :func:`compare_phases`)."""
    names = dict(names or {})
    for ag in (first, second):
        names.update({str(n): str(d.get("name") or n) for n, d in ag.graph.nodes(data=True)})

    def tie(key: TieKey, ids: list[str], ag: AnalysisGraph) -> TieChange:
        rel, s, t = key
        return TieChange(
            type=rel,
            source=s,
            target=t,
            source_name=names.get(s, s),
            target_name=names.get(t, t),
            bridging=sna.tie_class(ag.partition, s, t) == "bridging",
            ids=sorted(ids),
        )

    index_a, index_b = _tie_index(first.ties), _tie_index(second.ties)
    gained = [tie(k, v, second) for k, v in sorted(index_b.items()) if k not in index_a]
    lost = [tie(k, v, first) for k, v in sorted(index_a.items()) if k not in index_b]
    kept = [tie(k, index_a[k] + v, second) for k, v in sorted(index_b.items()) if k in index_a]

    m_a, m_b = (
        sna.measures(first.graph, first.partition),
        sna.measures(second.graph, second.partition),
    )
    empty = sna.NodeMeasures()
    node_changes: list[NodeChange] = []
    for node in sorted(set(m_a.nodes) | set(m_b.nodes)):
        na, nb = m_a.nodes.get(node, empty), m_b.nodes.get(node, empty)
        roles = sorted(set(na.brokerage) | set(nb.brokerage))
        node_changes.append(
            NodeChange(
                id=node,
                name=names.get(node, node),
                groups_a=sorted(first.partition.get(node, frozenset())),
                groups_b=sorted(second.partition.get(node, frozenset())),
                bonding=Change.of(na.bonding, nb.bonding),
                bridging=Change.of(na.bridging, nb.bridging),
                ei=Change.of(na.ei, nb.ei),
                constraint=Change.of(na.constraint, nb.constraint),
                betweenness=Change.of(na.betweenness, nb.betweenness),
                brokerage={
                    r: Change.of(na.brokerage.get(r, 0.0), nb.brokerage.get(r, 0.0)) for r in roles
                },
                broker_a=na.broker,
                broker_b=nb.broker,
                articulation_point_a=na.articulation_point,
                articulation_point_b=nb.articulation_point,
            )
        )
    node_changes.sort(key=lambda c: (-abs(c.betweenness.delta or 0.0), c.id))

    counts_a, counts_b = _group_counts(first), _group_counts(second)
    group_names = {**first.group_names, **second.group_names}
    groups: list[GroupChange] = []
    for g in sorted(set(counts_a) | set(counts_b)):
        ca, cb = counts_a.get(g, (0, 0, 0)), counts_b.get(g, (0, 0, 0))
        ga, gb = m_a.groups.get(g), m_b.groups.get(g)
        groups.append(
            GroupChange(
                id=g,
                name=group_names.get(g, g),
                size=Change.of(ca[0], cb[0]),
                bonding_ties=Change.of(ca[1], cb[1]),
                bridging_ties=Change.of(ca[2], cb[2]),
                ei=Change.of(ga.ei if ga else None, gb.ei if gb else None),
            )
        )
    became = [c.id for c in node_changes if c.broker_b and not c.broker_a]
    stopped = [c.id for c in node_changes if c.broker_a and not c.broker_b]
    return PhaseComparison(
        label_a=label_a,
        label_b=label_b,
        filter_a=first.filters.describe(),
        filter_b=second.filters.describe(),
        ties_a=len(first.ties),
        ties_b=len(second.ties),
        gained=gained,
        lost=lost,
        kept=kept,
        bridging_gained=sum(t.bridging for t in gained),
        bridging_lost=sum(t.bridging for t in lost),
        nodes=node_changes,
        groups=groups,
        became_brokers=sorted(became),
        stopped_brokering=sorted(stopped),
        metrics_source=m_b.source,
        became_brokers_names=[names.get(n, n) for n in sorted(became)],
        stopped_brokering_names=[names.get(n, n) for n in sorted(stopped)],
    )


def phase_filters(
    base: TieFilter | None,
    phase_a: str | None,
    phase_b: str | None,
    as_of_a: Any = None,
    as_of_b: Any = None,
) -> tuple[TieFilter, TieFilter]:
    """The two filters of a comparison: the base filter with each side's phase or date."""
    base = base or TieFilter()
    a = base.model_copy(update={"phase": phase_a, "as_of": as_of_a})
    b = base.model_copy(update={"phase": phase_b, "as_of": as_of_b})
    if (a.phase is None and a.as_of is None) or (b.phase is None and b.as_of is None):
        from graph_service.errors import Invalid

        raise Invalid(
            "a comparison needs a phase or an as-of date on each side "
            "(phase_a/as_of_a and phase_b/as_of_b)",
            errors=[{"record": "comparison", "field": "phase_a/phase_b", "message": "missing"}],
        )
    return a, b


def _label(f: TieFilter) -> str:
    return f"phase {f.phase}" if f.phase else f"as of {f.as_of}"


def compare_phases(
    services: Runtime,
    first: TieFilter,
    second: TieFilter,
    *,
    partition: str = "membership",
) -> PhaseComparison:
    """Compare the network under two filters (typically two phases, or two dates)."""
    repo = services.repo
    ag_a = social_graph(repo, first, partition)
    ag_b = social_graph(repo, second, partition)
    return compare_graphs(ag_a, ag_b, label_a=_label(first), label_b=_label(second)).model_copy(
        update={"tie_count_a": ag_a.tie_count, "tie_count_b": ag_b.tie_count}
    )


def comparison_map(
    services: Runtime,
    first: TieFilter,
    second: TieFilter,
    *,
    partition: str = "membership",
    pseudonymiser: Pseudonymiser | None = None,
) -> Any:
    """The maps package's comparison view of the two phases (a ``MapResult``).

    With a ``pseudonymiser``, people are pseudonymised before anything is drawn (see
    :mod:`.privacy`).
    """
    repo = services.repo
    from graph_service.maps import comparison_view

    ag_a = social_graph(repo, first, partition)
    ag_b = social_graph(repo, second, partition)
    graph_a, graph_b = ag_a.graph, ag_b.graph
    merged: dict[Hashable, frozenset[str]] = {}
    for part in (ag_a.partition, ag_b.partition):
        for node, groups in part.items():
            merged[node] = groups
    if pseudonymiser is not None:
        # the partition keyed by the people of either phase
        merged = pseudonymiser.partition(merged, nx.compose(graph_a, graph_b))
        graph_a, graph_b = pseudonymiser.graph(graph_a), pseudonymiser.graph(graph_b)
    return comparison_view(
        graph_a,
        graph_b,
        partition=merged,
        labels=(_label(first), _label(second)),
        group_names={**ag_a.group_names, **ag_b.group_names},
        title=f"What changed: {_label(first)} → {_label(second)}",
        caption=f"{first.describe()} vs {second.describe()}",
    )
