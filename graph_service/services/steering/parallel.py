"""Parallel structures: staff whose task portfolios overlap without a working tie.

A portfolio is the set of tasks and initiatives a staff member is ``RESPONSIBLE_FOR``.
For each pair that shares at least one: the shared items, the Jaccard index
``|A ∩ B| / |A ∪ B|`` and the overlap coefficient ``|A ∩ B| / min(|A|, |B|)`` (1 when one
portfolio lies inside the other, which Jaccard hides when the portfolios differ in size).

A pair is *flagged* when the two have no **working tie** in the chosen phase: no
``COMMUNICATES_WITH`` and no ``COLLABORATES_WITH``. ``KNOWS`` does not count: knowing
each other personally says nothing about coordinating shared work, and the parallel
structures of the case arose exactly between colleagues who knew each other.
``ADVISES`` and ``KNOWS`` ties are listed with the pair (``other_ties``) so the reader
sees them. The ranking puts flagged pairs first, then more shared items, then the higher
overlap coefficient and Jaccard index.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, Field

from graph_service.filters import TieFilter
from graph_service.model import WORKING_TYPES, NodeLabel, RelType
from graph_service.services.analysis_graph import TieCount
from graph_service.services.runtime import Runtime
from graph_service.services.steering.common import affiliations, catalogue, social_graph


class StaffPair(BaseModel):
    rank: int
    a: str
    b: str
    a_name: str
    b_name: str
    shared: list[str]
    shared_names: list[str]
    jaccard: float
    overlap: float
    working_tie: bool
    other_ties: list[str] = Field(description="non-working tie types between them (KNOWS, …)")
    flagged: bool
    reason: str


class TaskLoad(BaseModel):
    id: str
    name: str
    label: str
    responsible: list[str] = Field(description="ids of the staff responsible for it")
    responsible_names: list[str] = Field(default_factory=list, description="their names")


class ParallelStructures(BaseModel):
    filter: str
    tie_count: TieCount | None = None  # stored ties and how many pass the filter
    pairs: list[StaffPair]
    flagged: list[StaffPair]
    shared_tasks: list[TaskLoad] = Field(description="tasks with several responsible staff")
    unassigned_tasks: list[TaskLoad] = Field(description="tasks nobody is responsible for")


def jaccard(a: set[str], b: set[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def overlap_coefficient(a: set[str], b: set[str]) -> float:
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 0.0


def parallel_structures_of(
    portfolios: Mapping[str, Iterable[str]],
    tie_types: Mapping[frozenset[str], Iterable[str]],
    *,
    tasks: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    min_shared: int = 1,
    filter_text: str = "",
) -> ParallelStructures:
    """The pure core.

    ``portfolios``: staff id -> the tasks/initiatives they are responsible for;
    ``tie_types``: frozenset({u, v}) -> types of the social ties between u and v;
    ``tasks``: every task id -> name (so that tasks nobody holds are listed).
    """
    names = dict(names or {})
    labels = dict(labels or {})
    tasks = dict(tasks or {})
    sets = {s: set(items) for s, items in portfolios.items()}
    pairs: list[StaffPair] = []
    for a, b in itertools.combinations(sorted(sets), 2):
        shared = sets[a] & sets[b]
        if len(shared) < max(min_shared, 1):
            continue
        types = set(tie_types.get(frozenset((a, b)), ()))
        working = bool(types & WORKING_TYPES)
        other = sorted(types - WORKING_TYPES)
        j, o = jaccard(sets[a], sets[b]), overlap_coefficient(sets[a], sets[b])
        shared_names = [names.get(t, t) for t in sorted(shared)]
        if working:
            reason = f"share {len(shared)} ({', '.join(shared_names)}) and work together"
        else:
            only = f"; they only have {', '.join(other)}" if other else "; no social tie at all"
            reason = f"share {len(shared)} ({', '.join(shared_names)}) without a working tie{only}"
        pairs.append(
            StaffPair(
                rank=0,
                a=a,
                b=b,
                a_name=names.get(a, a),
                b_name=names.get(b, b),
                shared=sorted(shared),
                shared_names=shared_names,
                jaccard=round(j, 4),
                overlap=round(o, 4),
                working_tie=working,
                other_ties=other,
                flagged=not working,
                reason=reason,
            )
        )
    pairs.sort(key=lambda p: (not p.flagged, -len(p.shared), -p.overlap, -p.jaccard, p.a, p.b))
    for i, p in enumerate(pairs, start=1):
        p.rank = i
    holders: dict[str, list[str]] = {}
    for staff, items in sets.items():
        for item in items:
            holders.setdefault(item, []).append(staff)
    shared_tasks = [
        TaskLoad(
            id=t,
            name=names.get(t, t),
            label=labels.get(t, ""),
            responsible=sorted(h),
            responsible_names=[names.get(s, s) for s in sorted(h)],
        )
        for t, h in sorted(holders.items())
        if len(h) > 1
    ]
    unassigned = [
        TaskLoad(id=t, name=name, label=NodeLabel.TASK.value, responsible=[])
        for t, name in sorted(tasks.items())
        if t not in holders
    ]
    return ParallelStructures(
        filter=filter_text,
        pairs=pairs,
        flagged=[p for p in pairs if p.flagged],
        shared_tasks=shared_tasks,
        unassigned_tasks=unassigned,
    )


def parallel_structures(
    services: Runtime, filters: TieFilter | None = None, *, min_shared: int = 1
) -> ParallelStructures:
    """Parallel structures in the stored graph under ``filters`` (phase, date, evidence)."""
    repo = services.repo
    filters = filters or TieFilter()
    cat = catalogue(repo)
    portfolios: dict[str, set[str]] = {
        i: set() for i, n in cat.items() if n.label == NodeLabel.STAFF
    }
    for link in affiliations(repo, filters, [RelType.RESPONSIBLE_FOR]):
        portfolios.setdefault(link.source, set()).add(link.target)
    ag = social_graph(repo, filters)
    G = ag.graph
    tie_types = {
        frozenset((u, v)): list(d.get("types") or [d.get("type")]) for u, v, d in G.edges(data=True)
    }
    return parallel_structures_of(
        portfolios,
        tie_types,
        tasks={i: n.name for i, n in cat.items() if n.label == NodeLabel.TASK},
        names={i: n.name for i, n in cat.items()},
        labels={i: n.label for i, n in cat.items()},
        min_shared=min_shared,
        filter_text=filters.describe(),
    ).model_copy(update={"tie_count": ag.tie_count})
