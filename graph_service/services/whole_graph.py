"""The stored graph as a whole: what it holds, the server that holds it, deleting it.

Routes and commands call these (with the service context), never the repository.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph_service.errors import Invalid
from graph_service.services.runtime import Runtime


def counts(services: Runtime) -> dict[str, dict[str, int]]:
    """Nodes per label and ties per type."""
    return services.repo.counts()


def delete_all(services: Runtime) -> None:
    """Delete every node and tie (services/deletion.py: bounded in memory, and in one
    transaction when the store is small)."""
    from graph_service.services.deletion import delete_graph

    delete_graph(services)


def server(services: Runtime) -> dict[str, Any]:
    """The Neo4j server's name and versions (Unavailable when it does not answer)."""
    return services.repo.server()


def refuse_unless_only(services: Runtime, document: Any) -> None:
    """Refuse to replace a store that holds anything but ``document`` (a parsed import,
    e.g. the sample network): the same counts per label and type, and every id stored.
    An empty store passes."""
    repo = services.repo
    stored = repo.counts()
    n_nodes, n_ties = sum(stored["nodes"].values()), sum(stored["ties"].values())
    if n_nodes == 0:
        return
    nodes = {n.id: n for _, n in document.nodes}
    ties = {t.key: t for _, t in document.ties}
    same_counts = stored == {
        "nodes": dict(Counter(n.label.value for n in nodes.values())),
        "ties": dict(Counter(t.type.value for t in ties.values())),
    }
    if same_counts and set(repo.labels_of(sorted(nodes))) == set(nodes):
        return
    raise Invalid(
        f"the store at {services.settings.bolt_uri} holds {n_nodes} nodes and {n_ties} ties "
        "that are not the sample network, and the demo would replace them: export them "
        "first (graph-service export -f json -o backup.json), then run "
        "`graph-service demo --yes`"
    )
