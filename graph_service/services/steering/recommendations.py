"""Recommendations: introductions that would close structural holes between groups.

Candidates are pairs of actors or staff in different groups (no shared group) with no
social tie under the filter, who **share something** to talk about: a goal they both
support or an initiative or task they both take part in or are responsible for (see
:mod:`.goals`); a pair with nothing in common gets no recommendation, however much it
would shorten paths. Each candidate is scored by

- what they share: 2 per shared initiative or task, 1 per shared goal (the goals they
  advance directly, not their parents);
- the gain in bridging: 2 per pair of groups that gets its *first* direct tie, 3 if the
  two were in different components (the tie reconnects the network);
- the drop in Burt's constraint of both (×10; constraint is in (0, 1]): more
  non-redundant contacts;
- the relief for overloaded brokers (×5): the share of betweenness the three busiest
  brokers would lose with the new tie, summed over them.

The score orders the list; the reason is given in words with the figures behind it.
Betweenness relief is computed for the 40 best candidates by the other criteria.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import networkx as nx
from pydantic import BaseModel, Field

from graph_service.filters import TieFilter
from graph_service.model import RelType
from graph_service.services.analysis_graph import TieCount
from graph_service.services.runtime import Runtime
from graph_service.services.steering import goals as goals_mod
from graph_service.services.steering import sna
from graph_service.services.steering.common import Affiliation, name_of

SHORTLIST = 40
OVERLOADED = 3


class BrokerRelief(BaseModel):
    id: str
    name: str
    before: float
    after: float
    share: float = Field(description="share of their betweenness they would lose")


class Introduction(BaseModel):
    rank: int
    a: str
    b: str
    a_name: str
    b_name: str
    a_groups: list[str]
    b_groups: list[str]
    shared_goals: list[str]
    shared_initiatives: list[str]
    new_group_contacts: list[str] = Field(description="group pairs that get a first direct tie")
    reconnects: bool
    constraint_a: tuple[float | None, float]
    constraint_b: tuple[float | None, float]
    constraint_drop: float
    relief: list[BrokerRelief]
    score: float
    reason: str


class Recommendations(BaseModel):
    filter: str
    tie_count: TieCount | None = None  # stored ties and how many pass the filter
    overloaded_brokers: list[str]
    introductions: list[Introduction]
    overloaded_brokers_names: list[str] = Field(default_factory=list)


def involvement(
    links: Collection[Affiliation], goal_ids: Collection[str]
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per actor/staff: the initiatives/tasks they are in, and the goals those advance."""
    goal_set = set(goal_ids)
    advances: dict[str, set[str]] = {}
    inv: dict[str, set[str]] = {}
    for link in links:
        if link.type == RelType.ADVANCES and link.target in goal_set:
            advances.setdefault(link.source, set()).add(link.target)
        elif link.type in (RelType.PARTICIPATES_IN, RelType.RESPONSIBLE_FOR):
            inv.setdefault(link.source, set()).add(link.target)
    supports = {
        node: set().union(*(advances.get(i, set()) for i in items)) for node, items in inv.items()
    }
    return inv, supports


@dataclass
class _Candidate:
    a: str
    b: str
    shared_initiatives: list[str]
    shared_goals: list[str]
    new_pairs: list[tuple[str, str]]
    reconnects: bool
    after: dict[str, float | None]
    drop: float
    score: float


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.2f}"


def _candidates(
    G: nx.Graph,
    partition: sna.Partition,
    initiatives: Mapping[str, set[str]],
    goals: Mapping[str, set[str]],
    constraint_before: Mapping[str, float | None],
) -> list[_Candidate]:
    """Untied pairs whose tie would be bridging and who share work, scored (best first)."""
    component = {n: i for i, c in enumerate(nx.connected_components(G)) for n in c}
    direct = sna.groups_in_direct_contact(G, partition)
    scored: list[_Candidate] = []
    for a, b in itertools.combinations(sorted(str(n) for n in G), 2):
        if G.has_edge(a, b) or sna.tie_class(partition, a, b) != "bridging":
            continue
        shared_ini = sorted(initiatives.get(a, set()) & initiatives.get(b, set()))
        shared_goals = sorted(goals.get(a, set()) & goals.get(b, set()))
        if not shared_ini and not shared_goals:
            continue
        ga, gb = partition[a], partition[b]
        new_pairs = sorted({(min(x, y), max(x, y)) for x in ga for y in gb if x != y} - direct)
        reconnects = component[a] != component[b]
        G.add_edge(a, b)
        try:
            after = sna.constraint(G, [a, b])
        finally:
            G.remove_edge(a, b)
        # a node without ties has no constraint; its first tie counts as a drop from 1
        drop = sum((constraint_before[n] or 1.0) - (after[n] or 0.0) for n in (a, b))
        score = 2.0 * len(shared_ini) + len(shared_goals) + 2 * len(new_pairs)
        score += 3 * reconnects + 10 * drop
        scored.append(
            _Candidate(a, b, shared_ini, shared_goals, new_pairs, reconnects, after, drop, score)
        )
    scored.sort(key=lambda c: (-c.score, c.a, c.b))
    return scored


def _relief(
    G: nx.Graph,
    cand: _Candidate,
    overloaded: list[str],
    between: Mapping[str, float],
    names: Mapping[str, str],
) -> list[BrokerRelief]:
    """How much brokerage load the tie ``a``-``b`` would take off the overloaded brokers."""
    if not overloaded:
        return []
    G.add_edge(cand.a, cand.b)
    try:
        after_between = sna.betweenness(G)
    finally:
        G.remove_edge(cand.a, cand.b)
    relief: list[BrokerRelief] = []
    for n in overloaded:
        if n in (cand.a, cand.b):
            continue
        share = (between[n] - after_between[n]) / between[n] if between[n] else 0.0
        if share >= 0.005:  # below half a percent is noise in words
            relief.append(
                BrokerRelief(
                    id=n,
                    name=names.get(n, n),
                    before=between[n],
                    after=after_between[n],
                    share=round(share, 4),
                )
            )
    return relief


def recommend_of(
    G: nx.Graph,
    partition: sna.Partition,
    initiatives: Mapping[str, set[str]],
    goals: Mapping[str, set[str]],
    *,
    names: Mapping[str, str] | None = None,
    group_names: Mapping[str, str] | None = None,
    top: int = 10,
    filter_text: str = "",
) -> Recommendations:
    """The pure core: ``initiatives`` and ``goals`` map each node to what it takes part in
    and which goals that advances."""
    names = dict(names or {})
    for n, d in G.nodes(data=True):
        names.setdefault(str(n), str(d.get("name") or n))
    group_names = dict(group_names or {})
    between = sna.betweenness(G)
    ranked = sorted(between.items(), key=lambda kv: (-kv[1], kv[0]))
    overloaded = [n for n, b in ranked if b > 0][:OVERLOADED]
    before = sna.constraint(G)
    out: list[Introduction] = []
    for cand in _candidates(G, partition, initiatives, goals, before)[:SHORTLIST]:
        a, b = cand.a, cand.b
        relief = _relief(G, cand, overloaded, between, names)
        out.append(
            Introduction(
                rank=0,
                a=a,
                b=b,
                a_name=names.get(a, a),
                b_name=names.get(b, b),
                a_groups=sorted(partition.get(a, frozenset())),
                b_groups=sorted(partition.get(b, frozenset())),
                shared_goals=cand.shared_goals,
                shared_initiatives=cand.shared_initiatives,
                new_group_contacts=[f"{x} -- {y}" for x, y in cand.new_pairs],
                reconnects=cand.reconnects,
                constraint_a=(before[a], float(cand.after[a] or 0.0)),
                constraint_b=(before[b], float(cand.after[b] or 0.0)),
                constraint_drop=round(cand.drop, 4),
                relief=relief,
                score=round(cand.score + 5 * sum(r.share for r in relief), 4),
                reason=_reason(cand, partition, before, relief, names, group_names),
            )
        )
    out.sort(key=lambda i: (-i.score, i.a, i.b))
    out = out[:top]
    for rank, intro in enumerate(out, start=1):
        intro.rank = rank
    return Recommendations(
        filter=filter_text,
        overloaded_brokers=overloaded,
        overloaded_brokers_names=[names.get(n, n) for n in overloaded],
        introductions=out,
    )


def _reason(
    cand: _Candidate,
    partition: sna.Partition,
    before: Mapping[str, float | None],
    relief: list[BrokerRelief],
    names: Mapping[str, str],
    group_names: Mapping[str, str],
) -> str:
    a, b, after = cand.a, cand.b, cand.after
    shared_ini, shared_goals, new_pairs = cand.shared_initiatives, cand.shared_goals, cand.new_pairs
    reconnects = cand.reconnects

    def groups(n: str) -> str:
        return ", ".join(group_names.get(g, g) for g in sorted(partition.get(n, frozenset())))

    parts = [f"{names.get(a, a)} ({groups(a)}) and {names.get(b, b)} ({groups(b)}) have no tie"]
    common = [names.get(i, i) for i in shared_ini] + [names.get(g, g) for g in shared_goals]
    parts.append("but both work on " + ", ".join(common) + ".")
    effects = []
    if reconnects:
        effects.append("it would reconnect two parts of the network that are now apart")
    if new_pairs:
        pairs = "; ".join(
            f"{group_names.get(x, x)} – {group_names.get(y, y)}" for x, y in new_pairs
        )
        effects.append(f"it would be the first direct tie between {pairs}")
    for n in (a, b):
        if before.get(n) is None:
            effects.append(f"it would give {names.get(n, n)} a first tie")
        else:
            effects.append(
                f"it would lower {names.get(n, n)}'s constraint from {_fmt(before.get(n))} "
                f"to {_fmt(after.get(n))}"
            )
    for r in relief:
        effects.append(f"take {r.share:.0%} of the brokerage load off {r.name}")
    return " ".join(parts) + " An introduction: " + "; ".join(effects) + "."


def recommend(
    services: Runtime,
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
    top: int = 10,
) -> Recommendations:
    """Introductions for the stored graph under ``filters``."""
    repo = services.repo
    filters = filters or TieFilter()
    goal_names, links, ag, cat = goals_mod.load_inputs(repo, filters, partition)
    initiatives, goals = involvement(links, goal_names)
    return recommend_of(
        ag.graph.copy(),
        ag.partition,
        initiatives,
        goals,
        names={i: name_of(cat, i) for i in cat},
        group_names=ag.group_names,
        top=top,
        filter_text=filters.describe(),
    ).model_copy(update={"tie_count": ag.tie_count})
