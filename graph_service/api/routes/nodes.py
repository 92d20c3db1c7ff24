"""Nodes: ``/nodes`` for every label, and one resource per label (``/actors``, ``/staff``,
``/groups``, ``/initiatives``, ``/goals``, ``/tasks``) built by the same factory.

Ids are unique across labels. POST creates (409 if the id is taken), PUT upserts (a node
keeps its label: 409 if stored under another), PATCH changes only the fields given,
DELETE removes the node with its ties. A per-label resource answers 404 for a node of
another label.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at
# runtime, and they refer to the factory's local types.

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import ValidationError

from graph_service.api.deps import READ, WRITE, ServicesDep
from graph_service.api.params import from_query
from graph_service.api.schemas import AnyNodeBody, NodeBody, NodeCreate, NodeDeleted
from graph_service.model import ID_PATTERN, LABEL_COLLECTIONS, Node, NodeIn, NodeLabel, NodePatch
from graph_service.services import nodes as node_service
from graph_service.services.pagination import Page
from graph_service.words import with_article

NodeId = Annotated[str, Path(pattern=ID_PATTERN, description="the node's id")]

#: The singular where the label alone does not read as one ("a staff member").
STAFF_MEMBER: dict[NodeLabel, str] = {NodeLabel.STAFF: "staff member"}
#: Resource path of each label.
LABEL_PATHS: dict[NodeLabel, str] = LABEL_COLLECTIONS


def _node_in(node_id: str, label: NodeLabel, body: NodeBody) -> NodeIn:
    try:
        return NodeIn(id=node_id, label=label, **body.model_dump(exclude={"id", "label"}))
    except ValidationError as exc:
        raise node_service.invalid_from(exc, node_id) from exc


def node_router(label: NodeLabel | None) -> APIRouter:
    """The routes of ``/nodes`` (label None) or of one label's resource."""
    prefix = "/nodes" if label is None else f"/{LABEL_PATHS[label]}"
    tag = "nodes" if label is None else LABEL_PATHS[label]
    # "an actor", "a staff member"; the plural is the resource's path ("staff")
    what = "node" if label is None else STAFF_MEMBER.get(label, label.value.lower())
    whats = "nodes" if label is None else LABEL_PATHS[label]
    router = APIRouter(prefix=prefix, tags=[tag])
    create_body = NodeIn if label is None else NodeCreate
    put_body = AnyNodeBody if label is None else NodeBody
    op = "node" if label is None else LABEL_PATHS[label]

    @router.get(
        "",
        dependencies=[READ],
        summary=f"List {whats}",
        operation_id=f"list_{op}",
    )
    def list_nodes(
        services: ServicesDep,
        q: Annotated[node_service.NodeQuery, from_query(node_service.NodeQuery)],
    ) -> Page[Node]:
        if label is not None:
            q = q.model_copy(update={"label": label})
        return node_service.list_nodes(services, q)

    @router.post(
        "",
        dependencies=[WRITE],
        status_code=status.HTTP_201_CREATED,
        summary=f"Create {with_article(what)}",
        operation_id=f"create_{op}",
    )
    def create_node(services: ServicesDep, body: create_body, response: Response) -> Node:  # type: ignore[valid-type]
        node = body if isinstance(body, NodeIn) else _node_in(body.id, label, body)
        created = node_service.create_node(services, node)
        response.headers["Location"] = f"{prefix}/{created.id}"
        return created

    @router.get(
        "/{node_id}",
        dependencies=[READ],
        summary=f"Read {with_article(what)}",
        operation_id=f"get_{op}",
    )
    async def get_node(services: ServicesDep, node_id: NodeId) -> Node:
        # coalesced with the node reads of other requests meanwhile (api/coalesce.py)
        return node_service.found_node(
            await services.reads.node(services.network, node_id), node_id, label
        )

    @router.put(
        "/{node_id}",
        dependencies=[WRITE],
        summary=f"Create or replace {with_article(what)} (upsert)",
        operation_id=f"upsert_{op}",
        responses={201: {"model": Node, "description": "created"}},
    )
    def upsert_node(
        services: ServicesDep,
        node_id: NodeId,
        body: put_body,  # type: ignore[valid-type]
        response: Response,
    ) -> Node:
        node_label = label or body.label  # type: ignore[attr-defined]
        node, created = node_service.upsert_node(services, _node_in(node_id, node_label, body))
        if created:
            response.status_code = status.HTTP_201_CREATED
        return node

    @router.patch(
        "/{node_id}",
        dependencies=[WRITE],
        summary=f"Change some fields of {with_article(what)}",
        operation_id=f"patch_{op}",
    )
    def patch_node(services: ServicesDep, node_id: NodeId, body: NodePatch) -> Node:
        return node_service.patch_node(services, node_id, body, label)

    @router.delete(
        "/{node_id}",
        dependencies=[WRITE],
        summary=f"Delete {with_article(what)} and its ties",
        operation_id=f"delete_{op}",
    )
    def delete_node(services: ServicesDep, node_id: NodeId) -> NodeDeleted:
        ties = node_service.delete_node(services, node_id, label)
        return NodeDeleted(id=node_id, deleted_ties=ties)

    return router


def routers() -> list[APIRouter]:
    return [node_router(None)] + [node_router(label) for label in NodeLabel]
