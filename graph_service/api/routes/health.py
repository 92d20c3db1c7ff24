"""Liveness and readiness: ``/health`` (the process answers) and ``/ready`` (Neo4j answers;
503 with Retry-After when it does not). Both are open, with or without API keys."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from graph_service.services import whole_graph
from graph_service.services.runtime import Runtime

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    neo4j: str


@router.get("/health", summary="The process is alive")
async def health() -> Health:  # async: a plain def costs two thread-pool hops
    return Health(status="ok")


@router.get("/ready", summary="Neo4j answers (503 when it does not)")
def ready(request: Request) -> Ready:
    # not through ServicesDep: that applies the schema first, and this answers 503 before
    runtime: Runtime = request.app.state.runtime
    component = whole_graph.server(runtime)
    runtime.ensure_schema()
    versions = component.get("versions") or ["?"]
    return Ready(status="ready", neo4j=f"{component.get('name', 'Neo4j')} {versions[0]}")
