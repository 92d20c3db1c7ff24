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
from graph_service.services.steering import goals as goals_mod
from graph_service.services.steering import sna
from graph_service.services.steering.common import Affiliation, name_of
from graph_service.store.neo4j_store import Neo4jStore
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
    bridging_ties_lost: list[str] = Field(description="'u -- v' pairs")
    ties_lost: int
    cut_off: list[str] = Field(description="no longer in the main component")
    left_without_ties: list[str]
    goals_losing_support: list[GoalLoss]
    broker_load: list[LoadChange] = Field(description="betweenness of those who stay")
    cost: float

    def summary(self) -> str:
        who = ", ".join(self.removed_names)
        touch = listed([f"{p.a_name} – {p.b_name}" for p in self.groups_losing_touch], 5)
        goals = ", ".join(g.name for g in self.goals_losing_support if g.left_with_nobody)
        pairs = count(len(self.groups_losing_touch), "pair of groups", "pairs of groups")
        cut = count(len(self.cut_off), "person or organisation", "people or organisations")
        parts = [
            f"If {who} left: {pairs} would lose touch" + (f" ({touch})" if touch else ""),
            count(len(self.bridging_ties_lost), "bridging tie") + " would go",
            f"{cut} would be cut off",
        ]
        if goals:
            parts.append(f"goals left with nobody behind them: {goals}")
        return "; ".join(parts) + f" (cost {self.cost:g})."


class DepartureRanking(BaseModel):
    filter: str
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


def groups_in_direct_contact(G: nx.Graph, partition: sna.Partition) -> set[GroupPairKey]:
    """Pairs of groups with a tie between a member of one and a member of the other."""
    pairs: set[GroupPairKey] = set()
    for u, v in G.edges():
        for a in partition.get(u, frozenset()):
            for b in partition.get(v, frozenset()):
                if a != b:
                    pairs.add((min(a, b), max(a, b)))
    return pairs


def _main_component(G: nx.Graph) -> set[str]:
    if G.number_of_nodes() == 0:
        return set()
    components: list[set[str]] = [set(c) for c in nx.connected_components(G)]
    return max(components, key=lambda c: (len(c), sorted(c)))


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
    stay_partition = {n: g for n, g in partition.items() if n not in gone}

    def group_pair(key: GroupPairKey) -> GroupPair:
        a, b = key
        return GroupPair(a=a, b=b, a_name=group_names.get(a, a), b_name=group_names.get(b, b))

    groups_before = {g for n in G for g in partition.get(n, frozenset())}
    groups_after = {g for n in H for g in stay_partition.get(n, frozenset())}
    vanished = groups_before - groups_after
    touch_lost = sorted(
        p
        for p in groups_in_touch(G, partition) - groups_in_touch(H, stay_partition)
        if not set(p) & vanished
    )
    direct_lost = sorted(
        p
        for p in groups_in_direct_contact(G, partition)
        - groups_in_direct_contact(H, stay_partition)
        if not set(p) & vanished
    )
    bridging_lost = sorted(
        f"{min(u, v)} -- {max(u, v)}" for u, v in G.edges(gone) if sna.is_bridging(partition, u, v)
    )
    ties_lost = sum(1 for _ in G.edges(gone))
    main_before, main_after = _main_component(G), _main_component(H)
    cut_off = sorted(n for n in main_before - gone if n not in main_after)
    lonely = sorted(n for n in H if H.degree(n) == 0 and G.degree(n) > 0)

    losses: list[GoalLoss] = []
    if goals:
        before = coverage_before or goals_mod.goal_coverage_of(
            goals, links, G, partition, names=names
        )
        after = goals_mod.goal_coverage_of(
            goals, links, H, stay_partition, names=names, exclude=gone
        )
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
                        carried_before=gb.carried_by,
                        carried_after=ga.carried_by,
                        left_with_nobody=ga.carried_by == "nobody behind it",
                    )
                )
    between_before = dict(betweenness_before or sna.betweenness(G))
    between_after = sna.betweenness(H)
    load = [
        LoadChange(
            id=n,
            name=names.get(n, n),
            before=between_before.get(n, 0.0),
            after=between_after[n],
            delta=round(between_after[n] - between_before.get(n, 0.0), 6),
        )
        for n in between_after
        if abs(between_after[n] - between_before.get(n, 0.0)) > 1e-9
    ]
    load.sort(key=lambda c: (-c.delta, c.id))
    cost = (
        3 * len(touch_lost)
        + 2 * sum(g.left_with_nobody for g in losses)
        + sum(len(g.groups_after) < len(g.groups_before) for g in losses)
        + len(bridging_lost)
        + len(cut_off)
    )
    return Departure(
        removed=sorted(gone),
        removed_names=[names.get(n, n) for n in sorted(gone)],
        groups_losing_touch=[group_pair(p) for p in touch_lost],
        groups_losing_direct_contact=[group_pair(p) for p in direct_lost],
        groups_left_without_members=sorted(vanished),
        bridging_ties_lost=bridging_lost,
        ties_lost=ties_lost,
        cut_off=cut_off,
        left_without_ties=lonely,
        goals_losing_support=losses,
        broker_load=load[:10],
        cost=float(cost),
    )


class _Inputs:
    """Everything a departure reads from the store, read once for a whole ranking."""

    def __init__(self, store: Neo4jStore, filters: TieFilter, partition: str) -> None:
        goals, links, ag, cat = goals_mod.load_inputs(store, filters, partition)
        self.goals, self.links, self.graph, self.partition = goals, links, ag.graph, ag.partition
        self.names = {i: name_of(cat, i) for i in cat}
        self.people = {i for i, n in cat.items() if n.person}
        self.group_names = ag.group_names
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
    store: Neo4jStore,
    removed: Collection[str],
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
) -> Departure:
    """What the departure of ``removed`` would cost, in the stored graph under ``filters``."""
    return _Inputs(store, filters or TieFilter(), partition).departure(removed)


def departure_ranking(
    store: Neo4jStore,
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
    people_only: bool = False,
    top: int | None = 10,
) -> DepartureRanking:
    """Every node's departure, one at a time, ranked by cost (highest first)."""
    filters = filters or TieFilter()
    inputs = _Inputs(store, filters, partition)
    return DepartureRanking(
        filter=filters.describe(),
        departures=rank_departures(inputs, people_only=people_only, top=top),
    )


def rank_departures(inputs: _Inputs, *, people_only: bool, top: int | None) -> list[Departure]:
    nodes = [n for n in inputs.graph if not people_only or n in inputs.people]
    ranked = sorted(
        (inputs.departure([n]) for n in nodes),
        key=lambda d: (-d.cost, -len(d.bridging_ties_lost), d.removed),
    )
    return ranked[:top] if top else ranked
