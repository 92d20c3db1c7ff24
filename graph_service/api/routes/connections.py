"""Who connects to whom: k shortest paths, node-disjoint paths, ego network, brokers
between two groups, common contacts. Every route takes the same tie filter (query
parameters ``types``, ``phase``, ``date_from``, ``date_to``, ``methods``,
``min_evidence``, ``min_methods``, ``min_confidence``); conventions in services/paths.py.
"""

from __future__ import annotations

from typing import Annotated, Any

import pydantic_core
from fastapi import APIRouter, Path, Query, Response

from graph_service.api.deps import READ, ServicesDep, SettingsDep
from graph_service.api.params import Filters, from_query
from graph_service.model import ID_PATTERN
from graph_service.services import paths

router = APIRouter(prefix="/connections", tags=["connections"], dependencies=[READ])

NodeParam = Annotated[str, Query(pattern=ID_PATTERN, description="a node id")]
GroupParam = Annotated[str, Query(pattern=ID_PATTERN, description="a Group's id")]
#: The second node of a pair: another node than the first (the same one is 422).
OtherNodeParam = Annotated[
    str, Query(pattern=ID_PATTERN, description="a node id, not the first node's")
]
OtherGroupParam = Annotated[str, Query(pattern=ID_PATTERN, description="a Group's id, not group_a")]

MaxLength = Annotated[
    int, Query(ge=1, le=paths.MAX_LENGTH, description="at most this many ties per path")
]


@router.get(
    "/paths", summary="The k shortest paths between two nodes", response_model=paths.PathsResult
)
async def k_shortest_paths(
    services: ServicesDep,
    q: Annotated[paths.PathQuery, from_query(paths.PathQuery)],
    filters: Filters,
) -> DocumentResponse:
    paths.check_paths_request(q.source, q.target, q.k)
    # coalesced with the paths other requests ask for meanwhile (api/coalesce.py)
    found = await services.reads.k_shortest_paths(
        services.network, filters, q.source, q.target, q.k, q.max_length
    )
    return DocumentResponse(paths.paths_answer(q.source, q.target, q.max_length, found))


@router.get("/disjoint-paths", summary="How many node-disjoint paths join two nodes")
def disjoint_paths(
    services: ServicesDep,
    settings: SettingsDep,
    source: NodeParam,
    target: OtherNodeParam,
    filters: Filters,
) -> paths.DisjointPaths:
    return paths.disjoint_paths(services, source, target, filters, settings.query_timeout)


class DocumentResponse(Response):
    """JSON written straight from a document built in the shape of the route's response
    model (which the schema shows), without validating it through the model again."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return pydantic_core.to_json(content)


@router.get("/ego/{node_id}", summary="The ego network of a node", response_model=paths.EgoNetwork)
async def ego_network(
    services: ServicesDep,
    node_id: Annotated[str, Path(pattern=ID_PATTERN)],
    filters: Filters,
    radius: Annotated[int, Query(ge=1, le=paths.MAX_RADIUS, description="hops")] = 1,
) -> DocumentResponse:
    # coalesced with the ego networks other requests ask for meanwhile (api/coalesce.py)
    nodes, ties = await services.reads.ego(services.network, filters, node_id, radius) or ([], [])
    return DocumentResponse(paths.ego_document(node_id, radius, nodes, ties))


@router.get("/brokers", summary="Who brokers between two groups")
def brokers(
    services: ServicesDep,
    settings: SettingsDep,
    group_a: GroupParam,
    group_b: OtherGroupParam,
    filters: Filters,
    max_length: MaxLength = 4,
    limit: Annotated[int, Query(ge=1, le=200, description="how many brokers")] = 20,
) -> paths.BrokersResult:
    return paths.brokers(
        services, group_a, group_b, filters, max_length, limit, settings.query_timeout
    )


@router.get("/common-contacts", summary="The contacts two nodes share")
def common_contacts(
    services: ServicesDep, settings: SettingsDep, a: NodeParam, b: OtherNodeParam, filters: Filters
) -> paths.CommonContacts:
    return paths.common_contacts(services, a, b, filters, settings.query_timeout)
