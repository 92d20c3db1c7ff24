"""Every 4xx and 5xx as ``application/problem+json`` (RFC 9457).

Domain errors (graph_service.errors) carry status and title; FastAPI's request validation
errors become 422 with an ``errors`` list naming each field; HTTP errors of the framework
(unknown path, wrong method) and unexpected exceptions get the same shape. 503 carries
``Retry-After``. The OpenAPI document declares these responses on every operation, so a
client (or schemathesis) can check them against the schema.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph_service.errors import DomainError, Unauthorized, Unavailable

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:graph-service:problem:"


class FieldError(BaseModel):
    """One bad field: where (``record``: body, query, path, a row of an import), which
    field, and why."""

    record: str | None = None
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with ``errors`` for validation problems."""

    type: str = Field(description="URI naming the kind of problem")
    title: str
    status: int
    detail: str
    instance: str = Field(description="the request path")
    errors: list[FieldError] = Field(default_factory=list)


def _slug(title: str) -> str:
    return "-".join(title.lower().replace("/", " ").split())


def problem_response(
    request: Request,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=TYPE_BASE + _slug(title),
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=[FieldError.model_validate(e) for e in errors or []],
    )
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_problem(request, exc)


def domain_problem(request: Request, exc: DomainError) -> JSONResponse:
    """The problem+json response of a domain error (also used by the ASGI middleware)."""
    headers: dict[str, str] = {}
    if isinstance(exc, Unavailable):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'ApiKey header="X-API-Key", Bearer'
    return problem_response(request, exc.status, exc.title, exc.detail, exc.errors, headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> tuple[str | None, str]:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        return parts[0], ".".join(parts[1:]) or parts[0]
    return None, ".".join(parts) or "(request)"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        record, field = _location(err.get("loc", ()))
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        errors.append({"record": record, "field": field, "message": message})
    first = errors[0] if errors else {"field": "(request)", "message": "invalid request"}
    detail = f"{first['field']}: {first['message']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem_response(request, 422, "Invalid input", detail, errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem_response(request, exc.status_code, title, detail, headers=headers or None)


def _allowed_methods(request: Request) -> list[str]:
    """Every method the API offers for this path, from its OpenAPI document (Starlette's
    own 405 names only the first route that matched the path)."""
    import re

    allowed: set[str] = set()
    for template, item in request.app.openapi().get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, request.url.path):
            allowed |= {method.upper() for method in item}
    return sorted(allowed)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem_response(
        request, 500, "Internal error", "an unexpected error occurred; see the server log"
    )


def install(
    app: FastAPI,
    extra_models: Sequence[type[BaseModel]] = (),
    secured: bool = True,
    schemas: Mapping[str, Any] | None = None,
) -> None:
    """Register the handlers and the problem responses of the OpenAPI document;
    ``extra_models`` are schemas that routes refer to by name without using them as types,
    ``schemas`` component schemas by name that parameters refer to (params.py);
    ``secured`` False (no API keys configured) leaves the key schemes out of the document."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    _install_openapi(app, [Problem, FieldError, *extra_models], secured, schemas or {})


#: The problems any operation may answer, besides its own successes.
_COMMON = {
    "400": "the body cannot be parsed",
    "401": "no API key, or an unknown one (when keys are configured)",
    "403": "the key's role does not allow this",
    "404": "no such record",
    "422": "invalid input: `errors` names each field or record",
    "500": "unexpected error",
    "503": "Neo4j is not reachable; retry after `Retry-After` seconds",
}
_EXTRA = {
    "post": {"409": "the id is taken"},
    "put": {"409": "the stored record has another label, type or ends"},
}
#: Problems of the read-only Cypher endpoint (docs/security.md).
_BY_PATH = {
    "/cypher": {
        "403": "the query would write, or reach past the graph (refused by its plan)",
        "409": "another party ended the transaction",
        "413": "the answer passed QUERY_BYTE_LIMIT",
        "504": "the query ran past QUERY_TIMEOUT",
    }
}
_TOO_LARGE = "the body is over its size limit (GRAPH_SERVICE_MAX_BODY_BYTES or _IMPORT_BYTES)"
_TIMED_OUT = "the work passed its time limit (ANALYSIS_TIMEOUT) and was stopped"


def _time_limited(app: FastAPI) -> set[tuple[str, str]]:
    """(path, method) of the operations under the analysis time limit (api/limits.py)."""
    return {
        (getattr(route, "path_format", ""), method.lower())
        for route in app.routes
        if getattr(getattr(route, "endpoint", None), "time_limited", False)
        for method in getattr(route, "methods", ())
    }


def _without_null(parameter: dict[str, Any]) -> None:
    """An optional parameter's schema without its ``null`` alternative: a query string or
    a header cannot carry a JSON null (absent is "none"), so ``anyOf [T, null]`` is
    ``T``, and tools that generate requests from the document then send what is meant."""
    schema = parameter.get("schema", {})
    options = schema.get("anyOf")
    if not options or {"type": "null"} not in options:
        return
    rest = [option for option in options if option != {"type": "null"}]
    if len(rest) == 1:
        del schema["anyOf"]
        schema.update(rest[0])


def _install_openapi(
    app: FastAPI, models: Sequence[type[BaseModel]], secured: bool, schemas: Mapping[str, Any]
) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in model_schema.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components[model.__name__] = model_schema
        for name, sub in schemas.items():
            components.setdefault(name, sub)
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        ref = {"$ref": "#/components/schemas/Problem"}
        retry = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
        if not secured:
            schema["components"].pop("securitySchemes", None)
        time_limited = _time_limited(app)
        for path, path_item in schema.get("paths", {}).items():
            for method, operation in path_item.items():
                for parameter in operation.get("parameters", []):
                    _without_null(parameter)
                if not secured:
                    operation.pop("security", None)
                responses = operation.setdefault("responses", {})
                codes = dict(_COMMON)
                if not secured or "security" not in operation:
                    codes.pop("401")
                    codes.pop("403")
                codes.update(_EXTRA.get(method, {}))
                codes.update(_BY_PATH.get(path, {}))
                if "requestBody" in operation:
                    codes["413"] = _TOO_LARGE
                if (path, method) in time_limited:
                    codes["504"] = _TIMED_OUT
                for code, description in codes.items():
                    entry: dict[str, Any] = {
                        "description": description,
                        "content": {MEDIA_TYPE: {"schema": ref}},
                    }
                    if code == "503":
                        entry["headers"] = retry
                    responses[code] = entry
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
