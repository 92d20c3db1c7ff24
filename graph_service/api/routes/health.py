"""Liveness and readiness: ``/health`` (the process answers) and ``/ready`` (Neo4j answers;
503 with Retry-After when it does not). Both are open, with or without API keys; when keys
are configured, ``/ready`` names the Neo4j server and its version only to a caller with a
key (role reader or higher): to anyone else it says ready or not, and nothing more."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from graph_service.api.deps import CallerRoleDep
from graph_service.services import whole_graph
from graph_service.services.runtime import Runtime

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    neo4j: str | None = Field(
        default=None, description="server and version; only for a caller with a key"
    )


@router.get("/health", summary="The process is alive")
async def health() -> Health:  # async: a plain def costs two thread-pool hops
    return Health(status="ok")


@router.get(
    "/ready", summary="Neo4j answers (503 when it does not)", response_model_exclude_none=True
)
def ready(request: Request, role: CallerRoleDep) -> Ready:
    # not through ServicesDep: that applies the schema first, and this answers 503 before
    runtime: Runtime = request.app.state.runtime
    component = whole_graph.server(runtime)
    runtime.ensure_schema()
    if role is None:
        return Ready(status="ready")
    versions = component.get("versions") or ["?"]
    return Ready(status="ready", neo4j=f"{component.get('name', 'Neo4j')} {versions[0]}")
