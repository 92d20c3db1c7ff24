"""Resilience: what if a person (or an organisation, or several) leaves?

Remove the nodes from the social graph and compare with the network before:

- **groups that lose touch**: pairs of groups that were connected (a member of one could
  reach a member of the other along ties, or shared a member) and are not any more;
  groups whose last member left are listed apart;
- **direct contact lost**: pairs of groups with a tie between their members before and
  none after;
- **bridging ties lost**: the departing nodes' ties across group boundaries;
- **people cut off**: who is no longer in the main component, who is left without ties;
- **goals that lose support** (see :mod:`.goals`): fewer people or groups behind them,
  or nobody at all;
- **brokers' load**: betweenness of those who stay, before and after (who must carry
  the paths the departed carried).

The **cost** of a departure orders the ranking; it is a discussion aid, not a measure:
``3 × group pairs losing touch + 2 × goals left with nobody + 1 × goals losing a group
+ 1 × bridging ties lost + 1 × people cut off from the main component``.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping

import networkx as nx
from pydantic import BaseModel, Field

from graph_service.errors import NotFound
from graph_service.filters import TieFilter
from graph_service.services.analysis_graph import TieCount
from graph_service.services.runtime import Runtime
from graph_service.services.steering import goals as goals_mod
from graph_service.services.steering import sna
from graph_service.services.steering.common import Affiliation, name_of
from graph_service.services.steering.sna import groups_in_direct_contact
from graph_service.store.repository import GraphRepository
from graph_service.words import count, listed

GroupPairKey = tuple[str, str]


class GroupPair(BaseModel):
    a: str
    b: str
    a_name: str
    b_name: str


class GoalLoss(BaseModel):
    id: str
    name: str
    people_before: int
    people_after: int
    groups_before: list[str]
    groups_after: list[str]
    carried_before: str
    carried_after: str
    left_with_nobody: bool
    groups_before_names: list[str] = Field(default_factory=list)
    groups_after_names: list[str] = Field(default_factory=list)


class LoadChange(BaseModel):
    id: str
    name: str
    before: float
    after: float
    delta: float


class Departure(BaseModel):
    removed: list[str]
    removed_names: list[str]
    groups_losing_touch: list[GroupPair]
    groups_losing_direct_contact: list[GroupPair]
    groups_left_without_members: list[str]
    bridging_ties_lost: list[str] = Field(description="'u -- v' pairs (analysis pairs)")
    ties_lost: int = Field(description="tied pairs of the analysis graph that would go")
    cut_off: list[str] = Field(description="no longer in the main component")
    left_without_ties: list[str]
    goals_losing_support: list[GoalLoss]
    broker_load: list[LoadChange] = Field(description="betweenness of those who stay")
    cost: float
    groups_left_without_members_names: list[str] = Field(default_factory=list)
    cut_off_names: list[str] = Field(default_factory=list)
    tie_count: TieCount | None = None  # stored ties and how many pass the filter

    def summary(self) -> str:
        who = ", ".join(self.removed_names)
        touch = listed([f"{p.a_name} – {p.b_name}" for p in self.groups_losing_touch], 5)
        goals = ", ".join(g.name for g in self.goals_losing_support if g.left_with_nobody)
        pairs = count(len(self.groups_losing_touch), "pair of groups", "pairs of groups")
        cut = count(len(self.cut_off), "person or organisation", "people or organisations")
        parts = [
            f"If {who} left: {pairs} would lose touch" + (f" ({touch})" if touch else ""),
            count(len(self.bridging_ties_lost), "bridging tie") + " (tied pairs) would go",
            f"{cut} would be cut off",
        ]
        if goals:
            parts.append(f"goals left with nobody behind them: {goals}")
        return "; ".join(parts) + f" (cost {self.cost:g})."


class DepartureRanking(BaseModel):
    filter: str
    tie_count: TieCount | None = None  # stored ties and how many pass the filter
    departures: list[Departure]


def groups_in_touch(G: nx.Graph, partition: sna.Partition) -> set[GroupPairKey]:
    """Pairs of groups with members in one connected component (or a shared member)."""
    pairs: set[GroupPairKey] = set()
    for component in nx.connected_components(G):
        groups: set[str] = set()
        for n in component:
            groups |= set(partition.get(n, frozenset()))
        pairs.update(itertools.combinations(sorted(groups), 2))
    return pairs


def _main_component(G: nx.Graph) -> set[str]:
    if G.number_of_nodes() == 0:
        return set()
    components: list[set[str]] = [set(c) for c in nx.connected_components(G)]
    return max(components, key=lambda c: (len(c), sorted(c)))


def _group_losses(
    G: nx.Graph, H: nx.Graph, partition: sna.Partition, stay: sna.Partition
) -> tuple[list[GroupPairKey], list[GroupPairKey], list[str]]:
    """Pairs of groups losing touch, pairs losing direct contact, groups left empty."""
    groups_before = {g for n in G for g in partition.get(n, frozenset())}
    groups_after = {g for n in H for g in stay.get(n, frozenset())}
    vanished = groups_before - groups_after
    touch_lost = sorted(
        p for p in groups_in_touch(G, partition) - groups_in_touch(H, stay) if not set(p) & vanished
    )
    direct_lost = sorted(
        p
        for p in groups_in_direct_contact(G, partition) - groups_in_direct_contact(H, stay)
        if not set(p) & vanished
    )
    return touch_lost, direct_lost, sorted(vanished)


def _goal_losses(
    goals: Mapping[str, str],
    links: Collection[Affiliation],
    G: nx.Graph,
    H: nx.Graph,
    partition: sna.Partition,
    stay: sna.Partition,
    gone: set[str],
    names: Mapping[str, str],
    coverage_before: goals_mod.GoalCoverage | None,
) -> list[GoalLoss]:
    """Goals that lose people or groups behind them when ``gone`` leave."""
    before = coverage_before or goals_mod.goal_coverage_of(goals, links, G, partition, names=names)
    after = goals_mod.goal_coverage_of(goals, links, H, stay, names=names, exclude=gone)
    losses: list[GoalLoss] = []
    for gb in before.goals:
        ga = after.goal(gb.id)
        if len(ga.people) < len(gb.people) or len(ga.groups) < len(gb.groups):
            losses.append(
                GoalLoss(
                    id=gb.id,
                    name=gb.name,
                    people_before=len(gb.people),
                    people_after=len(ga.people),
                    groups_before=gb.groups,
                    groups_after=ga.groups,
                    groups_before_names=gb.groups_names,
                    groups_after_names=ga.groups_names,
                    carried_before=gb.carried_by,
                    carried_after=ga.carried_by,
                    left_with_nobody=ga.carried_by == "nobody behind it",
                )
            )
    return losses


def _load_changes(
    G: nx.Graph,
    H: nx.Graph,
    names: Mapping[str, str],
    betweenness_before: Mapping[str, float] | None,
) -> list[LoadChange]:
    """Betweenness of those who stay, before and after; largest rise first."""
    before = dict(betweenness_before or sna.betweenness(G))
    after = sna.betweenness(H)
    load = [
        LoadChange(
            id=n,
            name=names.get(n, n),
            before=before.get(n, 0.0),
            after=after[n],
            delta=round(after[n] - before.get(n, 0.0), 6),
        )
        for n in after
        if abs(after[n] - before.get(n, 0.0)) > 1e-9
    ]
    load.sort(key=lambda c: (-c.delta, c.id))
    return load


def _cost(
    touch_lost: list[GroupPairKey],
    losses: list[GoalLoss],
    bridging_lost: list[str],
    cut_off: list[str],
) -> float:
    """The departure's cost (weights in the module docstring)."""
    return float(
        3 * len(touch_lost)
        + 2 * sum(g.left_with_nobody for g in losses)
        + sum(len(g.groups_after) < len(g.groups_before) for g in losses)
        + len(bridging_lost)
        + len(cut_off)
    )


def departure_of(
    G: nx.Graph,
    partition: sna.Partition,
    removed: Collection[str],
    *,
    goals: Mapping[str, str] | None = None,
    links: Collection[Affiliation] = (),
    names: Mapping[str, str] | None = None,
    group_names: Mapping[str, str] | None = None,
    betweenness_before: Mapping[str, float] | None = None,
    coverage_before: goals_mod.GoalCoverage | None = None,
) -> Departure:
    """The pure core: what removing ``removed`` from ``G`` costs (module docstring)."""
    names = dict(names or {})
    for n, d in G.nodes(data=True):
        names.setdefault(str(n), str(d.get("name") or n))
    group_names = dict(group_names or {})
    gone = set(removed)
    missing = sorted(gone - set(G))
    if missing:
        raise NotFound(f"not in the network: {', '.join(missing)}")
    H = G.subgraph([n for n in G if n not in gone]).copy()
    stay = {n: g for n, g in partition.items() if n not in gone}

    def group_pair(key: GroupPairKey) -> GroupPair:
        a, b = key
        return GroupPair(a=a, b=b, a_name=group_names.get(a, a), b_name=group_names.get(b, b))

    touch_lost, direct_lost, vanished = _group_losses(G, H, partition, stay)
    bridging_lost = sorted(
        f"{min(u, v)} -- {max(u, v)}"
        for u, v in G.edges(gone)
        if sna.tie_class(partition, u, v) == "bridging"
    )
    main_before, main_after = _main_component(G), _main_component(H)
    cut_off = sorted(n for n in main_before - gone if n not in main_after)
    losses = (
        _goal_losses(goals, links, G, H, partition, stay, gone, names, coverage_before)
        if goals
        else []
    )
    return Departure(
        removed=sorted(gone),
        removed_names=[names.get(n, n) for n in sorted(gone)],
        groups_losing_touch=[group_pair(p) for p in touch_lost],
        groups_losing_direct_contact=[group_pair(p) for p in direct_lost],
        groups_left_without_members=vanished,
        groups_left_without_members_names=[group_names.get(g, g) for g in vanished],
        bridging_ties_lost=bridging_lost,
        ties_lost=sum(1 for _ in G.edges(gone)),
        cut_off=cut_off,
        cut_off_names=[names.get(n, n) for n in cut_off],
        left_without_ties=sorted(n for n in H if H.degree(n) == 0 and G.degree(n) > 0),
        goals_losing_support=losses,
        broker_load=_load_changes(G, H, names, betweenness_before)[:10],
        cost=_cost(touch_lost, losses, bridging_lost, cut_off),
    )


class _Inputs:
    """Everything a departure reads from the repo, read once for a whole ranking."""

    def __init__(self, repo: GraphRepository, filters: TieFilter, partition: str) -> None:
        goals, links, ag, cat = goals_mod.load_inputs(repo, filters, partition)
        self.goals, self.links, self.graph, self.partition = goals, links, ag.graph, ag.partition
        self.names = {i: name_of(cat, i) for i in cat}
        self.people = {i for i, n in cat.items() if n.person}
        self.group_names = ag.group_names
        self.tie_count = ag.tie_count
        self.between = sna.betweenness(ag.graph)
        self.coverage = goals_mod.goal_coverage_of(
            goals, links, ag.graph, ag.partition, names=self.names
        )

    def departure(self, removed: Collection[str]) -> Departure:
        return departure_of(
            self.graph,
            self.partition,
            list(removed),
            goals=self.goals,
            links=self.links,
            names=self.names,
            group_names=self.group_names,
            betweenness_before=self.between,
            coverage_before=self.coverage,
        )


def departure(
    services: Runtime,
    removed: Collection[str],
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
) -> Departure:
    """What the departure of ``removed`` would cost, in the stored graph under ``filters``."""
    repo = services.repo
    inputs = _Inputs(repo, filters or TieFilter(), partition)
    return inputs.departure(removed).model_copy(update={"tie_count": inputs.tie_count})


def departure_ranking(
    services: Runtime,
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
    people_only: bool = False,
    top: int | None = 10,
) -> DepartureRanking:
    """Every node's departure, one at a time, ranked by cost (highest first)."""
    repo = services.repo
    filters = filters or TieFilter()
    inputs = _Inputs(repo, filters, partition)
    return DepartureRanking(
        filter=filters.describe(),
        departures=rank_departures(inputs, people_only=people_only, top=top),
        tie_count=inputs.tie_count,
    )


def rank_departures(inputs: _Inputs, *, people_only: bool, top: int | None) -> list[Departure]:
    nodes = [n for n in inputs.graph if not people_only or n in inputs.people]
    ranked = sorted(
        (inputs.departure([n]) for n in nodes),
        key=lambda d: (-d.cost, -len(d.bridging_ties_lost), d.removed),
    )
    return ranked[:top] if top else ranked
