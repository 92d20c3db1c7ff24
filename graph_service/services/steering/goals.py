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
from dataclasses import dataclass, field
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
    groups_names: list[str] = Field(default_factory=list)
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
    groups_names: list[str] = Field(default_factory=list)
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


@dataclass
class _Links:
    """The affiliation ties, indexed the ways goal coverage reads them."""

    parent: dict[str, str] = field(default_factory=dict)  # sub-goal -> goal
    advances: dict[str, list[str]] = field(default_factory=dict)  # goal -> advancers
    people_of: dict[str, set[str]] = field(default_factory=dict)  # advancer -> people
    groups_of_advancer: dict[str, set[str]] = field(default_factory=dict)  # as a whole
    member_groups: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, goals: Mapping[str, str], links: Collection[Affiliation], excluded: set[str]
    ) -> _Links:
        idx = cls()
        for link in links:
            if link.type == RelType.PART_OF and link.source in goals and link.target in goals:
                idx.parent[link.source] = link.target
            elif link.type == RelType.ADVANCES and link.target in goals:
                idx.advances.setdefault(link.target, []).append(link.source)
            elif link.type in (RelType.PARTICIPATES_IN, RelType.RESPONSIBLE_FOR):
                if link.source_label == NodeLabel.GROUP:
                    idx.groups_of_advancer.setdefault(link.target, set()).add(link.source)
                elif link.source not in excluded:
                    idx.people_of.setdefault(link.target, set()).add(link.source)
            elif link.type == RelType.MEMBER_OF:
                idx.member_groups.setdefault(link.source, set()).add(link.target)
        return idx

    @property
    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for child, par in self.parent.items():
            out.setdefault(par, []).append(child)
        return out

    def ancestry(self, goal: str) -> list[str]:
        """The goal and its ancestors, nearest first (a PART_OF cycle is cut)."""
        path, seen = [goal], {goal}
        while goal in self.parent and self.parent[goal] not in seen:
            goal = self.parent[goal]
            seen.add(goal)
            path.append(goal)
        return path

    def subtree(self, goal: str) -> list[str]:
        children = self.children
        seen: list[str] = []
        stack = [goal]
        while stack:  # PART_OF may be malformed into a cycle: visit each goal once
            g = stack.pop()
            if g in seen:
                continue
            seen.append(g)
            stack.extend(sorted(children.get(g, [])))
        return seen


@dataclass
class _Support:
    """Who and what is behind one goal."""

    advancers: list[Advancer]
    people: list[Supporter]
    group_participants: set[str]
    groups: set[str]
    chains: int
    bridging: list[tuple[str, str]]
    bonding: int


def _support(
    goal: str,
    idx: _Links,
    G: nx.Graph,
    partition: sna.Partition,
    names: Mapping[str, str],
    labels: Mapping[str, str],
) -> _Support:
    advancers = [
        Advancer(id=a, name=names.get(a, a), label=labels.get(a, ""), goal=g)
        for g in idx.subtree(goal)
        for a in sorted(set(idx.advances.get(g, [])))
    ]
    via: dict[str, set[str]] = {}
    group_participants: set[str] = set()
    chains = 0
    for adv in {a.id for a in advancers}:
        for person in idx.people_of.get(adv, set()):
            via.setdefault(person, set()).add(adv)
            chains += 1
        for grp in idx.groups_of_advancer.get(adv, set()):
            group_participants.add(grp)
            chains += 1

    def groups_of(node: str) -> set[str]:
        return set(partition[node]) if node in partition else idx.member_groups.get(node, set())

    people = [
        Supporter(
            id=p,
            name=names.get(p, p),
            label=labels.get(p, ""),
            groups=sorted(groups_of(p)),
            groups_names=[names.get(g, g) for g in sorted(groups_of(p))],
            via=sorted(v),
        )
        for p, v in sorted(via.items())
    ]
    groups = set(group_participants).union(*(set(s.groups) for s in people))
    among = list(G.subgraph([p.id for p in people if p.id in G]).edges())
    classes = [(u, v, sna.tie_class(partition, u, v)) for u, v in among]
    return _Support(
        advancers=advancers,
        people=people,
        group_participants=group_participants,
        groups=groups,
        chains=chains,
        bridging=[(u, v) for u, v, c in classes if c == "bridging"],
        bonding=sum(1 for *_, c in classes if c == "bonding"),
    )


def _carried_by(s: _Support) -> Carried:
    if not s.advancers:
        return "nothing advances it"
    if not s.people and not s.group_participants:
        return "nobody behind it"
    if len(s.groups) <= 1:
        return "one group alone"
    if s.bridging:
        return "several groups, joined by bridging ties"
    return "several groups, not tied to each other"


def _weak_points(
    s: _Support, carried: Carried, names: Mapping[str, str]
) -> tuple[list[str], str | None, str | None]:
    """Sentences naming what the goal hangs on, the one person and the one tie (ids)."""
    weak: list[str] = []
    one_person = one_tie = None
    if carried == "nothing advances it":
        weak.append("no initiative or task advances it")
    elif carried == "nobody behind it":
        listed = ", ".join(a.name for a in s.advancers)
        weak.append(f"advanced only by {listed}, which nobody takes part in or is responsible for")
    if len(s.people) == 1 and not s.group_participants:
        one_person = s.people[0].id
        weak.append(f"hangs on one {s.people[0].label.lower() or 'node'}: {s.people[0].name}")
    if s.chains == 1 and s.people:
        only = s.people[0]
        one_tie = f"{only.id} -> {only.via[0]}"
        weak.append(f"hangs on one tie: {only.name} in {names.get(only.via[0], only.via[0])}")
    elif s.chains != 1 and len(s.groups) > 1 and len(s.bridging) == 1:
        u, v = s.bridging[0]
        one_tie = f"{min(u, v)} -- {max(u, v)}"
        weak.append(
            f"its groups are joined by one bridging tie: {names.get(u, u)} – {names.get(v, v)}"
        )
    if carried == "one group alone" and s.groups:
        alone = ", ".join(sorted(names.get(g, g) for g in s.groups))
        weak.append(f"carried by one group alone ({alone})")
    return weak, one_person, one_tie


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
    ``names`` (ids of nodes and groups -> names) make the sentences readable.
    """
    names = dict(names or {})
    labels = dict(labels or {})
    for link in links:
        labels.setdefault(link.source, link.source_label)
        labels.setdefault(link.target, link.target_label)
    idx = _Links.of(goals, links, set(exclude))
    children = idx.children
    reports: list[GoalReport] = []
    for goal in goals:
        s = _support(goal, idx, G, partition, names, labels)
        carried = _carried_by(s)
        weak, one_person, one_tie = _weak_points(s, carried, names)
        reports.append(
            GoalReport(
                id=goal,
                name=goals[goal],
                parent=idx.parent.get(goal),
                level=len(idx.ancestry(goal)) - 1,
                sub_goals=sorted(children.get(goal, [])),
                advanced_by=s.advancers,
                people=s.people,
                group_participants=sorted(s.group_participants),
                groups=sorted(s.groups),
                groups_names=[names.get(g, g) for g in sorted(s.groups)],
                bridging_ties=len(s.bridging),
                bonding_ties=s.bonding,
                support_chains=s.chains,
                carried_by=carried,
                hangs_on_one_person=one_person,
                hangs_on_one_tie=one_tie,
                weak_points=weak,
            )
        )
    reports.sort(key=lambda r: tuple(reversed(idx.ancestry(r.id))))
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
