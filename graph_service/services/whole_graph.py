"""A network as a whole: what it holds, the server that holds it, deleting it.

Routes and commands call these (with the service context), never the repository.
"""

from __future__ import annotations

from typing import Any

from graph_service.services.runtime import Runtime


def counts(services: Runtime) -> dict[str, dict[str, int]]:
    """Nodes per label and ties per type."""
    return services.repo.counts()


def delete_all(services: Runtime) -> None:
    """Delete the runtime's network, every node and tie of it (services/deletion.py:
    invisible in one step, then purged in batches)."""
    from graph_service.services.deletion import delete_graph

    delete_graph(services)


def server(services: Runtime) -> dict[str, Any]:
    """The Neo4j server's name and versions (Unavailable when it does not answer)."""
    return services.repo.server()
