"""Dependencies of the routes: the runtime, the repository, the settings and the caller's role.

``Annotated`` aliases keep route signatures short (``repo: RepoDep``). The runtime is the
one opened by the app's lifespan; the schema is applied on the first request that
reaches Neo4j (and retried while Neo4j is down, so the app starts without it).

The dependencies are ``async def`` on purpose: they do no blocking work (applying the
schema, the one exception, goes to the thread pool), and FastAPI runs every plain ``def``
dependency in the thread pool, which cost a node read four thread hops.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from graph_service.api.auth import KeyRing, Role
from graph_service.api.coalesce import Reads
from graph_service.config import Settings
from graph_service.services.runtime import Runtime
from graph_service.store.neo4j_store import Neo4jStore
from graph_service.store.repository import GraphRepository

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="ApiKey")
_bearer = HTTPBearer(auto_error=False, scheme_name="Bearer")


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    if not runtime.schema_applied:
        await run_in_threadpool(runtime.ensure_schema)
    return runtime


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_repo(request: Request) -> GraphRepository:
    # not through get_runtime: one dependency less to solve on every request
    return (await get_runtime(request)).repo


async def get_store(request: Request) -> Neo4jStore:
    return (await get_runtime(request)).store


async def get_reads(request: Request) -> Reads:
    """The coalesced hot reads (api/coalesce.py), after the schema check."""
    await get_runtime(request)
    reads: Reads = request.app.state.reads
    return reads


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ReadsDep = Annotated[Reads, Depends(get_reads)]
RepoDep = Annotated[GraphRepository, Depends(get_repo)]
StoreDep = Annotated[Neo4jStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def requires(needed: Role) -> Callable[..., Awaitable[Role]]:
    """A dependency that lets the request through only with a key of role ``needed``+."""

    async def check(
        request: Request,
        api_key: Annotated[str | None, Security(_api_key_header)] = None,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    ) -> Role:
        keys: KeyRing = request.app.state.keys
        presented = api_key or (bearer.credentials if bearer else None)
        return keys.authorize(presented, needed)

    check.needed_role = needed  # type: ignore[attr-defined]  # read by api/limits.py
    return check


#: Router-level dependencies: ``dependencies=[READ]`` etc.
READ = Depends(requires(Role.READER))
WRITE = Depends(requires(Role.EDITOR))
ADMIN = Depends(requires(Role.ADMIN))
