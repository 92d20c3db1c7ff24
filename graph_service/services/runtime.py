"""The service context: the process's store and repository, opened once and shared by the
CLI, API and notebooks.

Every use case in ``services`` takes a :class:`Runtime` as its first argument; surfaces
(routes, commands, notebooks) hand it over and never reach into it: only services use its
repository, and only the repository uses the store.
"""

from __future__ import annotations

import threading
from typing import Any

from graph_service.config import Settings, get_settings
from graph_service.store.neo4j_store import Neo4jStore
from graph_service.store.repository import GraphRepository


class Runtime:
    """One driver per process (Neo4j's advice); the schema is applied once, on first use."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.store = Neo4jStore(self.settings)
        self.repo = GraphRepository(self.store)
        self._schema_applied = False
        self._lock = threading.Lock()
        #: The API's coalesced hot reads (api/coalesce.py), set by the app's lifespan.
        self.reads: Any = None

    @property
    def schema_applied(self) -> bool:
        return self._schema_applied

    def ensure_schema(self) -> None:
        with self._lock:
            if not self._schema_applied:
                self.store.apply_schema()
                self._schema_applied = True

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
