"""Ties: ``/ties`` for every type, and ``/memberships`` (MEMBER_OF), ``/participations``
(PARTICIPATES_IN) and ``/responsibilities`` (RESPONSIBLE_FOR) built by the same factory,
since affiliations are ties of the model like any other.

A tie's id defaults to ``TYPE:source:target[:phase]`` (ends in id order when undirected).
POST creates (409 if the id is taken), PUT upserts the tie with its evidence (a tie
keeps its type and ends: 409 otherwise), DELETE removes it. Lists take the tie filter.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at
# runtime, and they refer to the factory's local types.

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from pydantic import ValidationError

from graph_service.api.deps import READ, WRITE, ServicesDep, SettingsDep
from graph_service.api.params import from_query
from graph_service.api.schemas import AnyTieBody, TieBody, TieDeleted
from graph_service.errors import Invalid
from graph_service.filters import TieConditions, TieFilter
from graph_service.model import AFFILIATION_COLLECTIONS, ID_PATTERN, RelType, Tie, TieIn
from graph_service.services import ties as tie_service
from graph_service.services.nodes import invalid_from
from graph_service.services.pagination import Page
from graph_service.words import with_article

TieId = Annotated[str, Path(pattern=ID_PATTERN, description="the tie's id")]

#: The affiliation resources: path and the one type each holds.
AFFILIATIONS: dict[str, RelType] = {name: rel for rel, name in AFFILIATION_COLLECTIONS.items()}


def _tie_in(data: dict[str, Any], record: str) -> TieIn:
    try:
        return TieIn.model_validate(data)
    except ValidationError as exc:
        raise invalid_from(exc, record) from exc


def tie_router(name: str, fixed: RelType | None) -> APIRouter:
    """The routes of ``/ties`` (fixed None) or of one affiliation type's resource."""
    prefix = f"/{name}"
    router = APIRouter(prefix=prefix, tags=[name])
    types = None if fixed is None else [fixed]
    what = "tie" if fixed is None else f"{fixed} tie"
    body_model = AnyTieBody if fixed is None else TieBody
    filter_model = TieFilter if fixed is None else TieConditions

    def as_tie(body: Any, tie_id: str | None = None) -> TieIn:
        data = body.model_dump(exclude_unset=False)
        if fixed is not None:
            data["type"] = fixed
        if tie_id is not None:
            if body.id not in (None, tie_id):
                raise Invalid(
                    f"the body's id {body.id} differs from the path's {tie_id}",
                    errors=[{"record": "body", "field": "id", "message": "differs from path"}],
                )
            data["id"] = tie_id
        return _tie_in(data, tie_id or "body")

    @router.get("", dependencies=[READ], summary=f"List {what}s", operation_id=f"list_{name}")
    def list_ties(
        services: ServicesDep,
        settings: SettingsDep,
        filters: Annotated[filter_model, from_query(filter_model)],  # type: ignore[valid-type]
        q: Annotated[tie_service.TieQuery, from_query(tie_service.TieQuery)],
    ) -> Page[Tie]:
        chosen = TieFilter(**filters.model_dump(), types=types) if fixed else filters  # type: ignore[attr-defined]
        return tie_service.list_ties(services, chosen, q, settings.query_timeout)

    @router.post(
        "",
        dependencies=[WRITE],
        status_code=status.HTTP_201_CREATED,
        summary=f"Create {with_article(what)} with its evidence",
        operation_id=f"create_{name}",
    )
    def create_tie(services: ServicesDep, body: body_model, response: Response) -> Tie:  # type: ignore[valid-type]
        created = tie_service.create_tie(services, as_tie(body))
        response.headers["Location"] = f"{prefix}/{created.id}"
        return created

    @router.get(
        "/{tie_id}",
        dependencies=[READ],
        summary=f"Read {with_article(what)}",
        operation_id=f"get_{name}",
    )
    def get_tie(services: ServicesDep, tie_id: TieId) -> Tie:
        return tie_service.get_tie(services, tie_id, types)

    @router.put(
        "/{tie_id}",
        dependencies=[WRITE],
        summary=f"Create or replace {with_article(what)} with its evidence (upsert)",
        operation_id=f"upsert_{name}",
        responses={201: {"model": Tie, "description": "created"}},
    )
    def upsert_tie(
        services: ServicesDep,
        tie_id: TieId,
        body: body_model,  # type: ignore[valid-type]
        response: Response,
    ) -> Tie:
        tie, created = tie_service.upsert_tie(services, as_tie(body, tie_id))
        if created:
            response.status_code = status.HTTP_201_CREATED
        return tie

    @router.delete(
        "/{tie_id}",
        dependencies=[WRITE],
        summary=f"Delete {with_article(what)}",
        operation_id=f"delete_{name}",
    )
    def delete_tie(services: ServicesDep, tie_id: TieId) -> TieDeleted:
        tie = tie_service.delete_tie(services, tie_id, types)
        return TieDeleted(id=tie.id, type=tie.type.value)

    return router


def routers() -> list[APIRouter]:
    return [tie_router("ties", None)] + [tie_router(n, t) for n, t in AFFILIATIONS.items()]
