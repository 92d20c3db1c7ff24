"""Read-only Cypher for analysts (role reader): refused if it would write or reach past the
graph (store/query_plan.py), bounded by QUERY_TOKEN_LIMIT and QUERY_DEPTH_LIMIT before
planning (422), QUERY_TIMEOUT (504), QUERY_ROW_LIMIT (truncated) and QUERY_BYTE_LIMIT (413)
(store/console.py)."""

from __future__ import annotations

from fastapi import APIRouter

from graph_service.api.deps import READ, StoreServicesDep
from graph_service.services import cypher_console
from graph_service.services.cypher_console import CypherRequest, CypherResult

router = APIRouter(tags=["cypher"])


@router.post("/cypher", dependencies=[READ], summary="Run a read-only Cypher query")
def run_cypher(services: StoreServicesDep, body: CypherRequest) -> CypherResult:
    return cypher_console.run(services, body)
