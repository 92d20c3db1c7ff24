"""Goal coverage: which goals of the strategy have initiatives, tasks and people behind them.

Reading of the model:

- a goal is *advanced* by the initiatives and tasks with an ``ADVANCES`` tie to it or to
  one of its sub-goals (``PART_OF`` nests goals; support rolls up to every ancestor);
- the *people behind* a goal are the actors and staff who take part in an advancing
  initiative (``PARTICIPATES_IN``) or are responsible for an advancing task or initiative
  (``RESPONSIBLE_FOR``); a group that takes part as a whole counts as a group taking part;
- the *groups taking part* are the groups of the people behind (in the chosen partition)
  and the groups taking part as a whole. A goal is *carried by bridging* when its people
  come from two or more groups and at least one bridging social tie joins them; it is
  carried by *one group alone* when all of them share one group;
- a goal *hangs on one person* when one actor or staff member is all it has, and *on one
  tie* when a single affiliation chain (one advancing initiative or task with one person
  behind it) is all it has, or when its groups are joined by one bridging tie only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Literal

import networkx as nx
from pydantic import BaseModel, Field

from graph_service.filters import TieFilter
from graph_service.model import NodeLabel, RelType
from graph_service.services.analysis_graph import AnalysisGraph, TieCount
from graph_service.services.runtime import Runtime
from graph_service.services.steering import sna
from graph_service.services.steering.common import (
    Affiliation,
    Catalogue,
    affiliations,
    catalogue,
    name_of,
    social_graph,
)
from graph_service.store.repository import GraphRepository

Carried = Literal[
    "nothing advances it",
    "nobody behind it",
    "one group alone",
    "several groups, joined by bridging ties",
    "several groups, not tied to each other",
]


class Advancer(BaseModel):
    id: str
    name: str
    label: str
    goal: str = Field(description="the goal (this one or a sub-goal) it advances directly")


class Supporter(BaseModel):
    id: str
    name: str
    label: str
    groups: list[str]
    via: list[str] = Field(description="the initiatives and tasks through which they support")


class GoalReport(BaseModel):
    id: str
    name: str
    parent: str | None
    level: int
    sub_goals: list[str]
    advanced_by: list[Advancer]
    people: list[Supporter]
    group_participants: list[str]
    groups: list[str]
    bridging_ties: int = Field(description="bridging social ties among the people behind it")
    bonding_ties: int
    support_chains: int = Field(description="(advancer, person or group) pairs behind it")
    carried_by: Carried
    hangs_on_one_person: str | None = None
    hangs_on_one_tie: str | None = None
    weak_points: list[str]


class GoalCoverage(BaseModel):
    filter: str
    tie_count: TieCount | None = None  # stored ties and how many pass the filter
    goals: list[GoalReport]
    unsupported: list[str] = Field(description="goals nothing advances")
    nobody_behind: list[str] = Field(description="advanced, but no person or group behind")
    one_group_alone: list[str]
    hanging_on_one_person: list[str]
    hanging_on_one_tie: list[str]

    def goal(self, goal_id: str) -> GoalReport:
        return next(g for g in self.goals if g.id == goal_id)


def goal_coverage_of(
    goals: Mapping[str, str],
    links: Collection[Affiliation],
    G: nx.Graph,
    partition: sna.Partition,
    *,
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    exclude: Collection[str] = (),
    filter_text: str = "",
) -> GoalCoverage:
    """The pure core: goals (id -> name), affiliation ties and the social graph.

    ``exclude`` drops people as if they had left (used by the resilience analysis).
    """
    names = dict(names or {})
    labels = dict(labels or {})
    for link in links:
        labels.setdefault(link.source, link.source_label)
        labels.setdefault(link.target, link.target_label)
    excluded = set(exclude)
    parent: dict[str, str] = {}
    advances: dict[str, list[str]] = {}
    people_of: dict[str, set[str]] = {}  # advancer -> actors/staff behind it
    groups_of_advancer: dict[str, set[str]] = {}  # advancer -> groups taking part as a whole
    member_groups: dict[str, set[str]] = {}
    for link in links:
        if link.type == RelType.PART_OF and link.source in goals and link.target in goals:
            parent[link.source] = link.target
        elif link.type == RelType.ADVANCES and link.target in goals:
            advances.setdefault(link.target, []).append(link.source)
        elif link.type in (RelType.PARTICIPATES_IN, RelType.RESPONSIBLE_FOR):
            if link.source_label == NodeLabel.GROUP:
                groups_of_advancer.setdefault(link.target, set()).add(link.source)
            elif link.source not in excluded:
                people_of.setdefault(link.target, set()).add(link.source)
        elif link.type == RelType.MEMBER_OF:
            member_groups.setdefault(link.source, set()).add(link.target)

    children: dict[str, list[str]] = {}
    for child, par in parent.items():
        children.setdefault(par, []).append(child)

    def subtree(goal: str) -> list[str]:
        seen, stack = [], [goal]
        while stack:  # PART_OF may be malformed into a cycle: visit each goal once
            g = stack.pop()
            if g in seen:
                continue
            seen.append(g)
            stack.extend(sorted(children.get(g, [])))
        return seen

    def level(goal: str) -> int:
        depth, seen = 0, {goal}
        while goal in parent and parent[goal] not in seen:
            goal = parent[goal]
            seen.add(goal)
            depth += 1
        return depth

    def groups_of(node: str) -> set[str]:
        if node in partition:
            return set(partition[node])
        return member_groups.get(node, set())

    reports: list[GoalReport] = []
    for goal in goals:
        advancers = [
            Advancer(id=a, name=names.get(a, a), label=labels.get(a, ""), goal=g)
            for g in subtree(goal)
            for a in sorted(set(advances.get(g, [])))
        ]
        via: dict[str, set[str]] = {}
        group_participants: set[str] = set()
        chains = 0
        for adv in {a.id for a in advancers}:
            for person in people_of.get(adv, set()):
                via.setdefault(person, set()).add(adv)
                chains += 1
            for grp in groups_of_advancer.get(adv, set()):
                group_participants.add(grp)
                chains += 1
        people = [
            Supporter(
                id=p,
                name=names.get(p, p),
                label=labels.get(p, ""),
                groups=sorted(groups_of(p)),
                via=sorted(v),
            )
            for p, v in sorted(via.items())
        ]
        groups = set(group_participants)
        for s in people:
            groups |= set(s.groups)
        supporters = [p.id for p in people if p.id in G]
        among = list(G.subgraph(supporters).edges())
        bridging = [(u, v) for u, v in among if sna.is_bridging(partition, u, v)]
        bonding = sum(1 for u, v in among if sna.shares_group(partition, u, v))

        carried: Carried
        if not advancers:
            carried = "nothing advances it"
        elif not people and not group_participants:
            carried = "nobody behind it"
        elif len(groups) <= 1:
            carried = "one group alone"
        elif bridging:
            carried = "several groups, joined by bridging ties"
        else:
            carried = "several groups, not tied to each other"

        weak: list[str] = []
        one_person = one_tie = None
        if carried == "nothing advances it":
            weak.append("no initiative or task advances it")
        elif carried == "nobody behind it":
            listed = ", ".join(names.get(a.id, a.id) for a in advancers)
            weak.append(
                f"advanced only by {listed}, which nobody takes part in or is responsible for"
            )
        if len(people) == 1 and not group_participants:
            one_person = people[0].id
            weak.append(f"hangs on one {people[0].label.lower() or 'node'}: {people[0].name}")
        if chains == 1:
            only = people[0] if people else None
            if only is not None:
                one_tie = f"{only.id} -> {only.via[0]}"
                weak.append(
                    f"hangs on one tie: {only.name} in {names.get(only.via[0], only.via[0])}"
                )
        elif len(groups) > 1 and len(bridging) == 1:
            u, v = bridging[0]
            one_tie = f"{min(u, v)} -- {max(u, v)}"
            weak.append(
                f"its groups are joined by one bridging tie: {names.get(u, u)} – {names.get(v, v)}"
            )
        if carried == "one group alone" and groups:
            weak.append(f"carried by one group alone ({', '.join(sorted(groups))})")
        reports.append(
            GoalReport(
                id=goal,
                name=goals[goal],
                parent=parent.get(goal),
                level=level(goal),
                sub_goals=sorted(children.get(goal, [])),
                advanced_by=advancers,
                people=people,
                group_participants=sorted(group_participants),
                groups=sorted(groups),
                bridging_ties=len(bridging),
                bonding_ties=bonding,
                support_chains=chains,
                carried_by=carried,
                hangs_on_one_person=one_person,
                hangs_on_one_tie=one_tie,
                weak_points=weak,
            )
        )

    def order(report: GoalReport) -> tuple[str, ...]:
        path, g, seen = [report.id], report.id, {report.id}
        while g in parent and parent[g] not in seen:
            g = parent[g]
            seen.add(g)
            path.append(g)
        return tuple(reversed(path))

    reports.sort(key=order)
    return GoalCoverage(
        filter=filter_text,
        goals=reports,
        unsupported=[r.id for r in reports if r.carried_by == "nothing advances it"],
        nobody_behind=[r.id for r in reports if r.carried_by == "nobody behind it"],
        one_group_alone=[r.id for r in reports if r.carried_by == "one group alone"],
        hanging_on_one_person=[r.id for r in reports if r.hangs_on_one_person],
        hanging_on_one_tie=[r.id for r in reports if r.hangs_on_one_tie],
    )


def load_inputs(
    repo: GraphRepository, filters: TieFilter | None, partition: str = "membership"
) -> tuple[dict[str, str], list[Affiliation], AnalysisGraph, Catalogue]:
    """Everything goal coverage reads from the repo."""
    filters = filters or TieFilter()
    cat = catalogue(repo)
    goals = {i: n.name for i, n in cat.items() if n.label == NodeLabel.GOAL}
    links = affiliations(repo, filters)
    ag = social_graph(repo, filters, partition)
    return goals, links, ag, cat


def goal_coverage(
    services: Runtime,
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
    exclude: Collection[str] = (),
) -> GoalCoverage:
    """Goal coverage of the stored graph under ``filters`` (see the module docstring)."""
    repo = services.repo
    filters = filters or TieFilter()
    goals, links, ag, cat = load_inputs(repo, filters, partition)
    return goal_coverage_of(
        goals,
        links,
        ag.graph,
        ag.partition,
        names={i: name_of(cat, i) for i in cat},
        labels={i: n.label for i, n in cat.items()},
        exclude=exclude,
        filter_text=filters.describe(),
    ).model_copy(update={"tie_count": ag.tie_count})
