"""The app factory: one Runtime (driver) per app, opened in the lifespan; routers from
``routes``; problem+json for every error; OpenAPI at ``/docs`` and ``/redoc``, whose
Swagger UI and ReDoc assets come from the fastapi-offline package (no CDN: the pages work
offline, like the maps)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from graph_service.api import limits, params, problems
from graph_service.api.auth import KeyRing
from graph_service.api.coalesce import Reads
from graph_service.api.routes import all_routers
from graph_service.config import Settings, get_settings
from graph_service.model import GraphDocument
from graph_service.services.runtime import Runtime

DESCRIPTION = """Knowledge graph of bonding and bridging ties.

Errors are `application/problem+json` (RFC 9457). With API keys configured, send
`X-API-Key: <key>` (or `Authorization: Bearer <key>`): role reader for reads and the
read-only Cypher endpoint, editor for writes and imports, admin for everything."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    keys = KeyRing.parse(settings.api_keys)  # a malformed entry stops the start

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = Runtime(settings)
        app.state.runtime = runtime
        runtime.reads = Reads(runtime)
        try:
            yield
        finally:
            limits.cancel_all()  # analyses still running stop instead of holding the exit
            runtime.close()

    app = FastAPIOffline(
        title="graph-service",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.keys = keys
    for router in all_routers():
        # The routers' routes go straight onto the app's router, in order, rather than
        # through include_router: FastAPI (0.165) keeps an included router as a nested
        # matcher that every request walks twice, which cost the hot reads 0.2-0.5 ms
        # of CPU each. Each APIRoute already carries its router's prefix, tags and
        # dependencies (the role checks), so nothing else changes; app-level
        # dependency_overrides do not reach them, and nothing here uses those.
        app.router.routes.extend(router.routes)
    query_schemas = params.document_query_models(app.router.routes)
    problems.install(
        app, extra_models=[GraphDocument], secured=keys.configured, schemas=query_schemas
    )
    # authorisation and the body limit before FastAPI reads a body (api/limits.py)
    app.add_middleware(limits.RequestGate, settings=settings, keys=keys, routes=app.router.routes)
    return app
