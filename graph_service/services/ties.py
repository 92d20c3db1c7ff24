"""Ties one at a time: create or upsert with evidence, read, list with the tie filter, delete.

Social ties and affiliations (memberships, participation, responsibilities) are the same
thing in the model, a typed relationship with evidence, so one set of functions serves
all of them; ``types`` narrows a call to the types of one resource.
"""

from __future__ import annotations

from collections.abc import Collection

from pydantic import Field

from graph_service.errors import Conflict, Invalid, NotFound
from graph_service.filters import TieFilter
from graph_service.model import NodeLabel, RelType, Tie, TieIn, endpoint_error
from graph_service.services.pagination import Page, Pagination
from graph_service.services.runtime import Runtime
from graph_service.store.repository import GraphRepository


class TieQuery(Pagination):
    """Which ends a tie list keeps (the tie filter says which ties)."""

    node: str | None = Field(default=None, max_length=128, description="either end is this id")
    source: str | None = Field(default=None, max_length=128, description="source id")
    target: str | None = Field(default=None, max_length=128, description="target id")


def _describe(types: Collection[RelType] | None) -> str:
    if types and len(types) == 1:
        return f"{next(iter(types))} tie"
    return "tie"


def get_tie(services: Runtime, tie_id: str, types: Collection[RelType] | None = None) -> Tie:
    repo = services.repo
    found = [t for t in repo.get_tie(tie_id) if types is None or t.type in types]
    if not found:
        raise NotFound(f"no {_describe(types)} with id {tie_id}")
    return found[0]


def check_ends(repo: GraphRepository, tie: TieIn) -> None:
    """Both ends exist and their labels fit the type; Invalid naming the field if not."""
    labels = repo.labels_of([tie.source, tie.target])
    errors = []
    for end in ("source", "target"):
        node_id = getattr(tie, end)
        if node_id not in labels:
            errors.append(
                {"record": tie.key, "field": end, "message": f"no node with id {node_id}"}
            )
    if not errors:
        reason = endpoint_error(
            tie.type, NodeLabel(labels[tie.source]), NodeLabel(labels[tie.target])
        )
        if reason:
            errors.append({"record": tie.key, "field": "type", "message": reason})
    if errors:
        first = errors[0]
        raise Invalid(f"tie {tie.key}: {first['field']}: {first['message']}", errors=errors)


def create_tie(services: Runtime, tie: TieIn) -> Tie:
    repo = services.repo
    check_ends(repo, tie)
    if repo.get_tie(tie.key):
        raise Conflict(f"a tie with id {tie.key} exists already (PUT upserts)")
    repo.create_tie(tie)
    return get_tie(services, tie.key, [tie.type])


def upsert_tie(services: Runtime, tie: TieIn) -> tuple[Tie, bool]:
    """Create the tie or replace what is stored under its id (evidence included)."""
    repo = services.repo
    check_ends(repo, tie)
    existing = repo.get_tie(tie.key)
    for old in existing:
        if old.type is not tie.type:
            raise Conflict(f"tie {tie.key} is stored as a {old.type}; a tie keeps its type")
        if (old.source, old.target) != (tie.source, tie.target):
            raise Conflict(
                f"tie {tie.key} joins {old.source} to {old.target}; a tie keeps its ends"
            )
    repo.write_graph([], [tie])
    return get_tie(services, tie.key, [tie.type]), not existing


def delete_tie(services: Runtime, tie_id: str, types: Collection[RelType] | None = None) -> Tie:
    repo = services.repo
    tie = get_tie(services, tie_id, types)
    repo.delete_tie(tie.type, tie.id)
    return tie


def list_ties(
    services: Runtime,
    filters: TieFilter,
    q: TieQuery,
    timeout: float | None = None,
) -> Page[Tie]:
    repo = services.repo
    total, items = repo.list_ties(
        filters.params(),
        node=q.node,
        source=q.source,
        target=q.target,
        offset=q.offset,
        limit=q.limit,
        timeout=timeout,
    )
    return Page[Tie](total=total, offset=q.offset, limit=q.limit, items=items)
