"""Deleting one network (``delete``, ``DELETE /graph``, tests).

A network vanishes in one transaction: its Network node is retired, so no query finds its
entities any more (services/networks.py). They are then deleted by key, ties first, then
nodes, in transactions of at most :data:`~graph_service.store.repository.DELETE_BATCH`:
the server's transaction memory stays bounded whatever the degrees, and a delete cut
short (a killed process, a stopped server) is finished by the next import or delete.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_service.errors import NotFound
from graph_service.progress import OnProgress
from graph_service.services.runtime import Runtime


@dataclass(frozen=True)
class DeletePlan:
    """What deleting a network will do."""

    network: str
    nodes: int
    ties: int


def plan_delete(services: Runtime) -> DeletePlan:
    """What deleting the runtime's network will do (counts: no tie is read); NotFound
    when there is no such network."""
    from graph_service.services.networks import list_networks

    if services.network not in {n.name for n in list_networks(services)}:
        raise NotFound(f"no network named {services.network!r} (graph-service networks lists them)")
    nodes, ties = services.repo.entity_counts()
    return DeletePlan(network=services.network, nodes=nodes, ties=ties)


def delete_graph(services: Runtime, on_progress: OnProgress | None = None) -> int:
    """Delete the runtime's network, every node and tie of it; how many of both went.
    ``on_progress(done, total)`` is called after each batch of the purge."""
    from graph_service.services.networks import delete_network

    return delete_network(services, on_progress)
