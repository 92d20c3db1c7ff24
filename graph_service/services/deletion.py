"""Deleting the stored graph (``import --replace``, the demo, ``DELETE /graph``, tests).

A store of up to :data:`~graph_service.store.repository.DELETE_BATCH` ties and nodes
together is deleted in one transaction, so all or nothing. A larger one is deleted ties
first, then nodes, in transactions of that many: the server's transaction memory stays
bounded whatever the degrees, but the delete is not atomic; it is idempotent, so one cut
short (a killed process, a stopped server) completes when run again.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_service.progress import OnProgress
from graph_service.services.runtime import Runtime
from graph_service.store.repository import DELETE_BATCH, delete_is_atomic


@dataclass(frozen=True)
class DeletePlan:
    nodes: int
    ties: int
    batch: int = DELETE_BATCH

    @property
    def atomic(self) -> bool:
        """Whether the delete runs as one transaction."""
        return delete_is_atomic(self.nodes, self.ties, self.batch)

    def notice(self) -> str:
        """What a surface says before a delete that is not atomic."""
        return (
            f"deleting {self.ties:,} ties and {self.nodes:,} nodes in transactions of "
            f"{self.batch:,}: not atomic; if it is interrupted, run the command again to "
            "finish it"
        )


def plan_delete(services: Runtime) -> DeletePlan:
    """What deleting the stored graph will do (from the count store: instant)."""
    nodes, ties = services.repo.entity_counts()
    return DeletePlan(nodes=nodes, ties=ties)


def delete_graph(services: Runtime, on_progress: OnProgress | None = None) -> int:
    """Delete every node and tie; how many of both went. ``on_progress(done, total)`` is
    called after each transaction of a large delete (ties and nodes counted together)."""
    return services.repo.delete_all(on_progress)
