"""Analyses for the people who steer (services/steering): phase comparison, goal coverage,
parallel structures, evidence, resilience, recommendations, the HTML report, and erasing
a person. Every analysis takes the tie filter as query parameters (``phase``, ``as_of``,
``min_evidence``, ``min_methods``, ``min_sources``, ``min_confidence``, ``types``).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse
from pydantic import StringConstraints

from graph_service.api.deps import READ, WRITE, ServicesDep, SettingsDep
from graph_service.api.limits import bounded
from graph_service.api.params import Filters, PartitionParam
from graph_service.errors import Invalid
from graph_service.model import ID_PATTERN, PHASE_PATTERN
from graph_service.services.steering import (
    evidence,
    goals,
    parallel,
    phases,
    privacy,
    recommendations,
    resilience,
)

router = APIRouter(prefix="/steering", tags=["steering"])


PhaseParam = Annotated[str | None, Query(pattern=PHASE_PATTERN)]
NodeId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Pseudonymise = Annotated[
    bool, Query(description="people under salted pseudonyms (needs the salt setting)")
]


@router.get("/compare", dependencies=[READ], summary="What changed between two phases")
@bounded("the phase comparison")
def compare(
    services: ServicesDep,
    filters: Filters,
    phase_a: PhaseParam = None,
    phase_b: PhaseParam = None,
    partition: PartitionParam = "membership",
) -> phases.PhaseComparison:
    a, b = phases.phase_filters(filters, phase_a, phase_b)
    return phases.compare_phases(services, a, b, partition=partition)


@router.get(
    "/compare/map",
    dependencies=[READ],
    response_class=HTMLResponse,
    summary="Map of the ties gained, lost and kept between two phases (HTML)",
)
@bounded("the comparison map")
def compare_map(
    services: ServicesDep,
    settings: SettingsDep,
    filters: Filters,
    phase_a: PhaseParam = None,
    phase_b: PhaseParam = None,
    partition: PartitionParam = "membership",
    pseudonymise: Pseudonymise = False,
) -> HTMLResponse:
    pseudonymiser = privacy.pseudonymiser_for(pseudonymise, settings)
    a, b = phases.phase_filters(filters, phase_a, phase_b)
    result = phases.comparison_map(services, a, b, partition=partition, pseudonymiser=pseudonymiser)
    return HTMLResponse(result.html)


@router.get("/goals", dependencies=[READ], summary="Goal coverage")
@bounded("the goal coverage")
def goal_coverage(
    services: ServicesDep, filters: Filters, partition: PartitionParam = "membership"
) -> goals.GoalCoverage:
    return goals.goal_coverage(services, filters, partition=partition)


@router.get("/parallel", dependencies=[READ], summary="Parallel structures among staff")
@bounded("the parallel structures")
def parallel_structures(
    services: ServicesDep,
    filters: Filters,
    min_shared: Annotated[int, Query(ge=1, le=100)] = 1,
) -> parallel.ParallelStructures:
    return parallel.parallel_structures(services, filters, min_shared=min_shared)


@router.get("/evidence", dependencies=[READ], summary="Triangulation and single-source findings")
@bounded("the evidence report")
def evidence_report(
    services: ServicesDep, filters: Filters, partition: PartitionParam = "membership"
) -> evidence.EvidenceReport:
    return evidence.evidence_report(services, filters, partition=partition)


@router.get("/resilience", dependencies=[READ], summary="What a departure would cost")
@bounded("the departure analysis")
def departure(
    services: ServicesDep,
    filters: Filters,
    remove: Annotated[list[NodeId], Query(min_length=1, description="node ids that leave")],
    partition: PartitionParam = "membership",
) -> resilience.Departure:

    bad = [r for r in remove if not re.match(ID_PATTERN, r)]
    if bad:
        raise Invalid(
            f"remove: not a valid id: {bad[0]!r}",
            errors=[{"record": "query", "field": "remove", "message": "invalid id"}],
        )
    return resilience.departure(services, remove, filters, partition=partition)


@router.get(
    "/resilience/ranking", dependencies=[READ], summary="The departures that would cost most"
)
@bounded("the departure ranking")
def departure_ranking(
    services: ServicesDep,
    filters: Filters,
    partition: PartitionParam = "membership",
    people_only: bool = False,
    top: Annotated[int, Query(ge=1, le=500)] = 10,
) -> resilience.DepartureRanking:
    return resilience.departure_ranking(
        services, filters, partition=partition, people_only=people_only, top=top
    )


@router.get(
    "/recommendations", dependencies=[READ], summary="Introductions that close structural holes"
)
@bounded("the recommendations")
def recommend(
    services: ServicesDep,
    filters: Filters,
    partition: PartitionParam = "membership",
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> recommendations.Recommendations:
    return recommendations.recommend(services, filters, partition=partition, top=top)


@router.get(
    "/report",
    dependencies=[READ],
    response_class=HTMLResponse,
    summary="The self-contained HTML report",
)
@bounded("the report")
def report(
    services: ServicesDep,
    settings: SettingsDep,
    filters: Filters,
    phase_a: PhaseParam = None,
    phase_b: PhaseParam = None,
    pseudonymise: Pseudonymise = False,
) -> HTMLResponse:
    from graph_service.reports import build_report

    html = build_report(
        services,
        filters,
        phase_a=phase_a,
        phase_b=phase_b,
        pseudonymiser=privacy.pseudonymiser_for(pseudonymise, settings),
    )
    return HTMLResponse(html)


@router.delete(
    "/people/{node_id}",
    dependencies=[WRITE],
    summary="Erase a person with all their ties and evidence (editor or admin)",
)
def erase_person(
    services: ServicesDep, node_id: Annotated[str, Path(pattern=ID_PATTERN)]
) -> privacy.ErasureReport:
    return privacy.erase_person(services, node_id)
