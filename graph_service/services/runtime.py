"""The service context: the process's store and repository, opened once and shared by the
CLI, API and notebooks.

Every use case in ``services`` takes a :class:`Runtime` as its first argument; surfaces
(routes, commands, notebooks) hand it over and never reach into it: only services use its
repository, and only the repository uses the store.

A runtime is bound to ONE network (docs/networks.md): its repository passes that
network's name to every query. :meth:`Runtime.on` gives a light view bound to another
network that shares the driver and the schema state, so a surface picks the network once
(``--network``, ``?network=``) and the use cases keep their signatures.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from graph_service.config import Settings, get_settings
from graph_service.model import DEFAULT_NETWORK, network_name
from graph_service.store.neo4j_store import Neo4jStore
from graph_service.store.repository import GraphRepository


class _SchemaState:
    """Whether the schema was applied: one per process, shared by every view."""

    def __init__(self) -> None:
        self.applied = False
        self.lock = threading.Lock()


class Runtime:
    """One driver per process (Neo4j's advice); the schema is applied once, on first use."""

    def __init__(self, settings: Settings | None = None, network: str = DEFAULT_NETWORK) -> None:
        self.settings = settings or get_settings()
        self.store = Neo4jStore(self.settings)
        self.network = network_name(network)
        self.repo = GraphRepository(self.store, self.network)
        self._schema = _SchemaState()
        #: The API's coalesced hot reads (api/coalesce.py), set by the app's lifespan.
        self.reads: Any = None

    def on(self, network: str) -> Runtime:
        """This runtime bound to the network ``network`` (a name checked here: Invalid
        names it); the driver, the schema state and the coalesced reads are shared."""
        name = network_name(network)
        if name == self.network:
            return self
        view = copy.copy(self)
        view.network = name
        view.repo = self.repo.on(name)
        return view

    @property
    def schema_applied(self) -> bool:
        return self._schema.applied

    def ensure_schema(self) -> None:
        with self._schema.lock:
            if not self._schema.applied:
                self.store.apply_schema()
                self._schema.applied = True

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Runtime:
        """Entered (a command's unit of work), the runtime applies the schema first, so a
        store made before networks is migrated before anything reads it."""
        self.ensure_schema()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
