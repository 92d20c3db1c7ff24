"""Nodes one at a time: create, upsert, read, list, partial update, delete.

A node keeps its label for life (ids are unique across labels): an upsert or an update
under another label is a conflict, not a relabelling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Field, StringConstraints, ValidationError

from graph_service.errors import Conflict, Invalid, NotFound
from graph_service.model import PROPERTY_NAME_PATTERN, Node, NodeIn, NodeLabel, NodePatch
from graph_service.services.importer import _cell_value
from graph_service.services.pagination import Page, Pagination
from graph_service.services.runtime import Runtime

#: Node fields a property filter may name besides free attributes.
FILTERABLE_FIELDS = frozenset({"name", "kind", "description"})


def invalid_from(exc: ValidationError, record: str) -> Invalid:
    """A pydantic error as :class:`Invalid`, naming each field."""
    errors = [
        {
            "record": record,
            "field": ".".join(str(p) for p in err["loc"]) or "(record)",
            "message": err["msg"].removeprefix("Value error, "),
        }
        for err in exc.errors()
    ]
    first = errors[0]
    return Invalid(f"{record}: {first['field']}: {first['message']}", errors=errors)


#: A property filter: ``name:value`` with a node field or an attribute name before the colon.
PropertyFilter = Annotated[
    str,
    StringConstraints(pattern=r"^(?:name|kind|description|[a-z][a-z0-9_]{0,39}):", max_length=500),
]


class NodeQuery(Pagination):
    """Filters of a node list; every filter narrows (AND)."""

    label: NodeLabel | None = Field(default=None, description="only nodes with this label")
    group: str | None = Field(
        default=None, max_length=128, description="only members (MEMBER_OF) of this group id"
    )
    name: str | None = Field(
        default=None, max_length=200, description="name contains this text (any case)"
    )
    where: list[PropertyFilter] = Field(
        default_factory=list,
        description="property filters `name:value` (repeatable): the property equals the "
        "value; values that read as numbers or true/false also match as such",
    )


def property_filters(where: list[str]) -> list[dict[str, Any]]:
    """Parse ``name:value`` filters; names must be node fields or attribute names."""
    parsed: list[dict[str, Any]] = []
    errors = []
    for i, item in enumerate(where):
        key, sep, raw = item.partition(":")
        if not sep or not (key in FILTERABLE_FIELDS or re.fullmatch(PROPERTY_NAME_PATTERN, key)):
            errors.append(
                {
                    "record": f"where[{i}]",
                    "field": "where",
                    "message": f"{item[:60]!r} is not `name:value` with a property name in "
                    "lower snake case (or name, kind, description)",
                }
            )
            continue
        values: list[Any] = [raw]
        typed = _cell_value(raw)
        if typed != raw:
            values.append(typed)
        parsed.append({"key": key, "values": values})
    if errors:
        raise Invalid(f"bad property filter: {errors[0]['message']}", errors=errors)
    return parsed


def get_node(services: Runtime, node_id: str, label: NodeLabel | None = None) -> Node:
    repo = services.repo
    return found_node(repo.get_node(node_id), node_id, label)


def nodes_by_id(services: Runtime, ids: Sequence[str]) -> dict[str, Node]:
    """The stored nodes among ``ids``, by id (one query: the API's coalesced reads)."""
    return services.repo.nodes_by_id(ids)


def found_node(node: Node | None, node_id: str, label: NodeLabel | None = None) -> Node:
    """``node`` as read for ``node_id``; NotFound when there is none of that label."""
    if node is None or (label is not None and node.label is not label):
        what = f"{label} " if label else "node "
        raise NotFound(f"no {what}with id {node_id}")
    return node


def create_node(services: Runtime, node: NodeIn) -> Node:
    repo = services.repo
    existing = repo.get_node(node.id)
    if existing is not None:
        raise Conflict(f"a {existing.label} with id {node.id} exists already (PUT upserts)")
    repo.create_node(node)
    return get_node(services, node.id)


def upsert_node(services: Runtime, node: NodeIn) -> tuple[Node, bool]:
    """Create the node or replace what is stored under its id; (node, created)."""
    repo = services.repo
    existing = repo.get_node(node.id)
    if existing is not None and existing.label is not node.label:
        raise Conflict(
            f"node {node.id} is stored as a {existing.label}; a node keeps its label "
            "(delete it first to change it)"
        )
    repo.write_graph([node], [])
    return get_node(services, node.id), existing is None


def patch_node(
    services: Runtime, node_id: str, patch: NodePatch, label: NodeLabel | None = None
) -> Node:
    """Change only the fields given; attributes merge, an attribute set to null goes."""
    repo = services.repo
    current = get_node(services, node_id, label)
    given = patch.model_fields_set
    changes: dict[str, Any] = {}
    remove: list[str] = []
    if "name" in given:
        if patch.name is None:
            raise Invalid(
                "name cannot be removed",
                errors=[{"record": node_id, "field": "name", "message": "name cannot be null"}],
            )
        changes["name"] = patch.name
    for field in ("kind", "description"):
        if field in given:
            value = getattr(patch, field)
            if value is None:
                remove.append(field)
            else:
                changes[field] = value
    for key, value in patch.attributes.items():
        if value is None:
            remove.append(key)
        else:
            changes[key] = value
    merged = {
        **current.attributes,
        **{k: v for k, v in changes.items() if k not in ("name", "kind", "description")},
    }
    for key in remove:
        merged.pop(key, None)
    try:  # the result must still be a valid node
        NodeIn(
            id=current.id,
            label=current.label,
            name=changes.get("name", current.name),
            kind=None if "kind" in remove else changes.get("kind", current.kind),
            description=None
            if "description" in remove
            else changes.get("description", current.description),
            attributes=merged,
        )
    except ValidationError as exc:
        raise invalid_from(exc, node_id) from exc
    updated = repo.patch_node(node_id, changes, remove)
    if updated is None:  # deleted in between
        raise NotFound(f"no node with id {node_id}")
    return updated


def delete_node(services: Runtime, node_id: str, label: NodeLabel | None = None) -> int:
    """Delete the node and its ties; how many ties went."""
    repo = services.repo
    get_node(services, node_id, label)
    deleted = repo.delete_node(node_id)
    if deleted is None:
        raise NotFound(f"no node with id {node_id}")
    return deleted


def list_nodes(services: Runtime, q: NodeQuery) -> Page[Node]:
    repo = services.repo
    total, items = repo.list_nodes(
        label=q.label.value if q.label else None,
        group=q.group,
        name=q.name,
        where=property_filters(q.where),
        offset=q.offset,
        limit=q.limit,
    )
    return Page[Node](total=total, offset=q.offset, limit=q.limit, items=items)
