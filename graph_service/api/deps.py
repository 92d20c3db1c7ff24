"""Dependencies of the routes: the service context, the settings and the caller's role.

``Annotated`` aliases keep route signatures short (``services: ServicesDep``). The service
context is the runtime opened by the app's lifespan; routes pass it to the use cases in
``graph_service.services`` and never reach the repository or the store themselves. The
schema is applied on the first request that reaches Neo4j (and retried while Neo4j is
down, so the app starts without it).

The dependencies are ``async def`` on purpose: they do no blocking work (applying the
schema, the one exception, goes to the thread pool), and FastAPI runs every plain ``def``
dependency in the thread pool, which cost a node read four thread hops.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from graph_service.api.auth import KeyRing, Role
from graph_service.config import Settings
from graph_service.model import DEFAULT_NETWORK, NETWORK_NAME_PATTERN
from graph_service.services.runtime import Runtime

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="ApiKey")
_bearer = HTTPBearer(auto_error=False, scheme_name="Bearer")


async def get_store_services(request: Request) -> Runtime:
    """The service context (services/runtime.py) of the whole store, after the schema
    check: for the routes that are not about one network (``/networks``, ``/cypher``)."""
    runtime: Runtime = request.app.state.runtime
    if not runtime.schema_applied:
        await run_in_threadpool(runtime.ensure_schema)
    return runtime


async def get_services(
    runtime: Annotated[Runtime, Depends(get_store_services)],
    network: Annotated[
        str,
        Query(
            pattern=NETWORK_NAME_PATTERN,
            description="the network the request works on (docs/networks.md)",
        ),
    ] = DEFAULT_NETWORK,
) -> Runtime:
    """The service context bound to the request's network (the query parameter
    ``network``, ``default`` when absent): the one thing a data route hands to the use
    cases in ``services``. Declared here once, so every data route takes it."""
    return runtime.on(network)


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


ServicesDep = Annotated[Runtime, Depends(get_services)]
#: The whole store, no network: ``/networks`` and the ``/cypher`` console.
StoreServicesDep = Annotated[Runtime, Depends(get_store_services)]
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


async def caller_role(request: Request) -> Role | None:
    """The caller's role, or None for an anonymous or unknown caller (never an error):
    for the open routes that tell an authenticated caller more (``/ready``). It reads the
    headers itself, so the OpenAPI document keeps such a route open (no security)."""
    keys: KeyRing = request.app.state.keys
    if not keys.configured:
        return Role.ADMIN
    presented = request.headers.get("X-API-Key")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not presented and scheme.lower() == "bearer":
        presented = token.strip()
    return keys.role_of(presented) if presented else None


CallerRoleDep = Annotated[Role | None, Depends(caller_role)]

#: Router-level dependencies: ``dependencies=[READ]`` etc.
READ = Depends(requires(Role.READER))
WRITE = Depends(requires(Role.EDITOR))
ADMIN = Depends(requires(Role.ADMIN))
