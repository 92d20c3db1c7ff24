"""Which engine writes a validated import (docs/import.md, "Large first loads").

- ``transactional``: the driver's batched upserts (``repository.write_graph``), into any
  server and any store; what every import did before.
- ``offline``: Neo4j's offline importer (``neo4j-admin database import full``) into the
  local server's empty store: the server stops, the importer loads the rows, the server
  starts again and gets the schema. Several times faster on a large first load; refused
  (with the reason) for a server of your own (``NEO4J_URI``), a store that holds anything,
  or a local server graph-service does not run.
- ``auto``: offline when it is allowed and the import has at least ``IMPORT_OFFLINE_ROWS``
  nodes and ties together, else transactional.

Both engines write the same rows (``repository.node_row`` and ``tie_row``), so the store
and its export are the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from graph_service.errors import Invalid

if TYPE_CHECKING:  # the command line imports this module for the enum: keep it light
    from graph_service.model import NodeIn, TieIn
    from graph_service.services.runtime import Runtime


class ImportEngine(StrEnum):
    AUTO = "auto"
    TRANSACTIONAL = "transactional"
    OFFLINE = "offline"


def offline_refusal(services: Runtime) -> str | None:
    """Why the offline importer may not load into this store now (None: it may)."""
    from graph_service.store import local_server

    settings = services.settings
    if not settings.uses_local_server:
        return (
            "NEO4J_URI names a server of your own, which is written through transactions; "
            "the offline importer runs only on graph-service's local server"
        )
    if local_server.status(settings).pid is None:
        return (
            "the local Neo4j server is not running under graph-service "
            "(start it with `graph-service db start`)"
        )
    nodes, ties = services.repo.store_counts()
    if nodes or ties:
        return (
            f"the store holds {nodes:,} nodes and {ties:,} relationships, and the offline "
            "importer loads only into an empty store, every network included "
            "(graph-service networks lists them)"
        )
    return None


def choose_engine(services: Runtime, engine: ImportEngine, rows: int) -> ImportEngine:
    """The engine that writes an import of ``rows`` nodes and ties: ``engine`` itself, or
    for ``auto`` offline when :func:`offline_refusal` finds nothing against it and
    ``rows`` reaches ``IMPORT_OFFLINE_ROWS``. An explicit ``offline`` that is not allowed
    is :class:`Invalid`, with the reason."""
    if engine is ImportEngine.TRANSACTIONAL:
        return engine
    if engine is ImportEngine.AUTO and rows < services.settings.import_offline_rows:
        return ImportEngine.TRANSACTIONAL
    reason = offline_refusal(services)
    if reason is None:
        return ImportEngine.OFFLINE
    if engine is ImportEngine.OFFLINE:
        raise Invalid(f"engine offline: {reason}; use --engine transactional (or auto)")
    return ImportEngine.TRANSACTIONAL


def write_offline(
    services: Runtime,
    nodes: Sequence[NodeIn],
    ties: Sequence[TieIn],
    say: Callable[[str], None],
    *,
    fall_back: bool = False,
) -> tuple[int, int] | None:
    """Load validated nodes and ties with the offline importer; ``say`` hears each step
    (stopping, importing, starting) before it is taken. Data the offline importer cannot
    store unchanged is refused before the server stops: :class:`Invalid`, or with
    ``fall_back`` None after saying why (the caller writes it through transactions)."""
    from graph_service.store.offline_import import OfflineUnsupported

    try:
        return services.repo.write_graph_offline(nodes, ties, say)
    except OfflineUnsupported as exc:
        if not fall_back:
            raise
        say(f"{exc.detail.split('; use')[0]}: writing through transactions instead")
        return None
