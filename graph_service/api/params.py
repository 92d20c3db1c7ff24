"""Query parameters shared by the routes: query models (the tie filter, pages, node and
import options) and the partition.

A query model (a pydantic model whose fields are query parameters) is taken as
``Annotated[Model, from_query(Model)]``; the tie filter, the one
:class:`~graph_service.filters.TieFilter` model, as ``filters: Filters``. The dependency
reads the model's fields from the query string and validates them in one step, and
:func:`document_query_models` puts the same parameters into the OpenAPI document as
FastAPI writes them for a query model (so they show, with the model's bounds, in
``/docs`` and to the schemathesis tests).

Why not ``Annotated[Model, Query()]``, which FastAPI reads by itself: FastAPI (0.165)
reads a query model field by field, with its generic per-parameter machinery, on every
request; on an ego network that took about a third of FastAPI's own time per request
(docs/api.md). One ``model_validate`` of the fields that are present gives the same model
and the same errors (``loc`` ``["query", field]``, answered 422 like every other
parameter): tests/unit/api/test_query_models.py holds both to it.
"""

from __future__ import annotations

import collections.abc
import copy
import functools
import inspect
import types
import typing
from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from graph_service.filters import TieFilter

M = TypeVar("M", bound=BaseModel)
KEYWORD_ONLY = inspect.Parameter.KEYWORD_ONLY

_SEQUENCES = (list, set, frozenset, tuple, collections.abc.Sequence)


def _is_sequence(annotation: Any) -> bool:
    """``list[X]``, ``list[X] | None`` and the like: a field given by repeating its name."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_sequence(arg) for arg in typing.get_args(annotation))
    return typing.get_origin(annotation) in _SEQUENCES or annotation in _SEQUENCES


#: The dependency of each query model, and the model of each such dependency.
_MODELS: dict[Callable[..., Awaitable[Any]], type[BaseModel]] = {}


@functools.cache
def _reader(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    if model.model_config.get("extra") in ("allow", "forbid"):
        raise TypeError(f"{model.__name__}: a query model ignores other parameters")
    if any(f.alias or f.validation_alias for f in model.model_fields.values()):
        raise TypeError(f"{model.__name__}: a query model's parameters are its field names")
    names = tuple(model.model_fields)
    repeated = frozenset(n for n, f in model.model_fields.items() if _is_sequence(f.annotation))

    async def read(request: Request) -> M:
        query = request.query_params
        given = {
            name: query.getlist(name) if name in repeated else query[name]
            for name in names
            if name in query
        }
        try:
            return model.model_validate(given)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            raise RequestValidationError(
                [{**error, "loc": ("query", *error["loc"])} for error in errors]
            ) from None

    read.__doc__ = f"The {model.__name__} of the request's query string."
    _MODELS[read] = model
    return read


def from_query(model: type[BaseModel]) -> Any:
    """The dependency that gives a route ``model`` read from the query string: a
    sequence field from each of its repeated parameters, any other field from its last
    one, as FastAPI reads a query model; parameters that are not the model's are left to
    the route. 422 (FastAPI's validation error) when a value does not pass the model."""
    return Depends(_reader(model))


Filters = Annotated[TieFilter, from_query(TieFilter)]


@functools.cache
def _openapi_of(model: type[BaseModel]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The query parameters FastAPI documents for ``Annotated[model, Query()]``, and the
    component schemas they refer to: taken from FastAPI itself (a route of a probe app),
    so the document says what it said when FastAPI read the model."""

    async def probe_route(read: Any) -> None:
        """Never served."""

    # the annotation as an object: this module's annotations are strings, and a string
    # naming the local ``model`` could not be resolved
    probe_route.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("read", KEYWORD_ONLY, annotation=Annotated[model, Query()])],
        return_annotation=None,
    )
    probe = FastAPI()
    probe.get("/")(probe_route)
    document = probe.openapi()
    parameters = document["paths"]["/"]["get"]["parameters"]
    return parameters, document.get("components", {}).get("schemas", {})


def _query_models(dependencies: Iterable[Any]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for dependant in dependencies:
        model = _MODELS.get(dependant.call)
        found += [model] if model else _query_models(dependant.dependencies)
    return found


def document_query_models(routes: Iterable[Any]) -> dict[str, Any]:
    """Give every route that takes query models (:func:`from_query`) their parameters in
    its OpenAPI operation (``openapi_extra``); the component schemas those refer to (the
    enumerations of node labels, tie types, evidence methods), for the components."""
    components: dict[str, Any] = {}
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        for model in _query_models(route.dependant.dependencies):
            parameters, schemas = copy.deepcopy(_openapi_of(model))
            extra = route.openapi_extra or {}
            documented = extra.get("parameters", [])
            # the routes are shared by every app made in the process: each is done once
            names = {parameter["name"] for parameter in documented}
            documented = [*documented, *(p for p in parameters if p["name"] not in names)]
            route.openapi_extra = {**extra, "parameters": documented}
            components.update(schemas)
    return {name: schema for name, schema in components.items() if "Validation" not in name}


#: What analysis_graph.partition_of accepts, said in the schema (PROPERTY_NAME_PATTERN's
#: name after ``property:``).
PARTITION_PATTERN = (
    r"^(membership|property:[a-z][a-z0-9_]{0,39}|communities|communities:louvain"
    r"|communities:leiden)$"
)
PartitionParam = Annotated[
    str,
    Query(
        pattern=PARTITION_PATTERN,
        description="membership | property:NAME | communities:louvain|leiden",
    ),
]
