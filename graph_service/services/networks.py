"""Networks side by side (docs/networks.md): list them, delete one, stage an import.

A network is a ``Network`` node with a name and an opaque key; its nodes and ties carry
the key. Every query resolves the name to the key, so a network appears or vanishes in
one small transaction:

- **delete**: the Network node is retired (renamed out of reach) at once; its entities
  are then deleted by key in batches (:func:`purge`), which nobody sees any more;
- **staged import** (:func:`write_staged`): the rows are written under a fresh key that
  no visible network points to, in batches of any size, and published in one final
  transaction that points the name at the new key (retiring the old one with
  ``--replace``). An import killed in the middle leaves an invisible staging behind.

Leftovers (retired keys, and stagings whose importer is gone) are deleted at the start of
the next import or delete (:func:`clean_leftovers`). A staging's importer is gone when it
ran on this host and its process no longer exists, or when it has not renewed its lease
for :data:`STAGING_LEASE_SECONDS`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from graph_service.errors import Conflict, DomainError
from graph_service.model import NodeIn, TieIn
from graph_service.progress import OnProgress, no_progress
from graph_service.services.runtime import Runtime

#: A staging whose lease was not renewed for this long is taken as aborted (its importer
#: renews it with every batch, i.e. every few seconds).
STAGING_LEASE_SECONDS = 600
#: How often a staged import renews its lease.
RENEW_EVERY_SECONDS = 10.0


@dataclass(frozen=True)
class NetworkInfo:
    """A network with its nodes per label and ties per type."""

    name: str
    nodes: dict[str, int] = field(default_factory=dict)
    ties: dict[str, int] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return sum(self.nodes.values())

    @property
    def tie_count(self) -> int:
        return sum(self.ties.values())


def list_networks(services: Runtime) -> list[NetworkInfo]:
    """Every network in the store (name order) with its counts."""
    return [
        NetworkInfo(
            name=row["name"],
            nodes={c["name"]: int(c["count"]) for c in row["nodes"]},
            ties={c["name"]: int(c["count"]) for c in row["ties"]},
        )
        for row in services.repo.list_networks()
    ]


def delete_network(services: Runtime, on_progress: OnProgress | None = None) -> int:
    """Delete the runtime's network (invisible at once, then purged in batches); how many
    nodes and ties went. Leftovers of earlier deletes and aborted imports go first."""
    clean_leftovers(services)
    return services.repo.delete_all(on_progress)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _aborted(row: dict[str, object], host: str) -> bool:
    idle = row.get("idle_seconds")
    if isinstance(idle, int) and idle > STAGING_LEASE_SECONDS:
        return True
    pid = row.get("pid")
    return row.get("host") == host and isinstance(pid, int) and not _alive(pid)


def clean_leftovers(services: Runtime) -> int:
    """Delete the entities of retired networks and of aborted stagings (a staged import
    still running is left alone); how many nodes and ties went."""
    repo, host, done = services.repo, socket.gethostname(), 0
    for row in repo.leftovers():
        if not row["retired"]:
            if not _aborted(row, host):
                continue
            repo.abandon_staging(row["key"])
        done += repo.purge_key(row["key"])
    return done


def _renewing(services: Runtime, key: str, on_progress: OnProgress) -> OnProgress:
    """``on_progress`` that also renews the staging's lease every few seconds."""
    last = [time.monotonic()]

    def heard(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= RENEW_EVERY_SECONDS:
            services.repo.renew_staging(key)
            last[0] = now
        on_progress(done, total)

    return heard


def write_staged(
    services: Runtime,
    nodes: Sequence[NodeIn],
    ties: Sequence[TieIn],
    *,
    replace: bool,
    on_progress: OnProgress = no_progress,
    on_notice: Callable[[str], None] | None = None,
) -> tuple[int, int]:
    """Write ``nodes`` and ``ties`` as the runtime's network, visible in one step: under a
    fresh key first (batches, any size), then published (``replace``: the network's old
    contents are retired in the same step and purged afterwards; without it the network
    must still be empty, else :class:`Conflict` and nothing is visible). Nodes and ties
    written."""
    repo = services.repo
    staging, key = repo.begin_staging(socket.gethostname(), os.getpid())
    try:
        written = staging.write_graph(
            nodes, ties, _renewing(services, key, on_progress), atomic=False
        )
        published, retired = repo.publish_staging(key, replace)
    except BaseException:
        _give_up(services, key)
        raise
    if not published:
        _give_up(services, key)
        raise Conflict(
            f"network {services.network!r} was filled by another import while this one was "
            "staged, so nothing was written; import again (with --replace to replace it)"
        )
    if retired is not None:
        if on_notice is not None:
            on_notice(f"published; deleting the replaced contents of {services.network!r}")
        repo.purge_key(retired)
    return written


def _give_up(services: Runtime, key: str) -> None:
    """Make a staging that will not be published a leftover (best effort: when Neo4j is
    gone, the lease runs out and the next import cleans it)."""
    with contextlib.suppress(DomainError):
        services.repo.abandon_staging(key)
