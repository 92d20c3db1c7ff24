"""Metrics and maps of the stored graph, with the tie filter and the partition as parameters.

``GET /metrics`` returns the same report as ``graph-service analyze`` (network, groups,
nodes, bridges, local bridges) plus the scope it was computed on; ``format=csv`` returns
one of its tables. ``GET /maps`` returns one self-contained HTML map.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, PlainTextResponse

from graph_service.api.deps import READ, ServicesDep, SettingsDep
from graph_service.api.limits import bounded
from graph_service.api.params import Filters, PartitionParam
from graph_service.model import ID_PATTERN, PHASE_PATTERN
from graph_service.services.maps import View, map_request, render_store_map
from graph_service.services.metrics import stored_report
from graph_service.services.paths import MAX_K

router = APIRouter(tags=["analysis"])

IdParam = Annotated[str | None, Query(pattern=ID_PATTERN)]


@router.get(
    "/metrics",
    dependencies=[READ],
    summary="Bonding and bridging metrics of the stored graph",
    response_model=None,
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
@bounded("the metrics")
def metrics(
    services: ServicesDep,
    filters: Filters,
    partition: PartitionParam = "membership",
    directed: Annotated[bool, Query(description="directed analysis (arcs)")] = False,
    k: Annotated[
        int | None, Query(ge=1, le=100_000, description="approximate betweenness, k pivots")
    ] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    table: Annotated[
        Literal["nodes", "groups"], Query(description="with format=csv: which table")
    ] = "nodes",
) -> dict[str, Any] | PlainTextResponse:
    report = stored_report(services, filters, partition=partition, directed=directed, k=k)
    if format == "csv":
        from graph_service.metrics.suite import report_tables

        return PlainTextResponse(report_tables(report)[table], media_type="text/csv")
    return report


@router.get(
    "/maps",
    dependencies=[READ],
    response_class=HTMLResponse,
    summary="An interactive map of the stored graph (one self-contained HTML page)",
)
@bounded("the map")
def maps(
    services: ServicesDep,
    settings: SettingsDep,
    filters: Filters,
    view: Annotated[View, Query()] = "network",
    partition: PartitionParam = "membership",
    size_by: Annotated[
        Literal["degree", "betweenness", "bridging_centrality", "constraint", "effective_size"],
        Query(),
    ] = "degree",
    width_by: Annotated[Literal["weight", "evidence"], Query()] = "weight",
    center: IdParam = None,
    radius: Annotated[int, Query(ge=1, le=3)] = 1,
    source: IdParam = None,
    target: IdParam = None,
    k: Annotated[int, Query(ge=1, le=MAX_K, description="paths view: how many paths")] = 3,
    group_a: IdParam = None,
    group_b: IdParam = None,
    phase_a: Annotated[str | None, Query(pattern=PHASE_PATTERN)] = None,
    phase_b: Annotated[str | None, Query(pattern=PHASE_PATTERN)] = None,
    title: Annotated[str | None, Query(max_length=200)] = None,
    pseudonymise: Annotated[bool, Query(description="people under salted pseudonyms")] = False,
) -> HTMLResponse:
    result = render_store_map(services, map_request(locals(), settings))
    return HTMLResponse(result.html)
