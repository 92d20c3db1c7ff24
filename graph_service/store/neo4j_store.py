"""One Neo4j driver per process; a session per unit of work; managed transactions.

Only this package imports ``neo4j``. Driver errors become domain errors here: an
unreachable server is :class:`~graph_service.errors.Unavailable` (HTTP 503 with
Retry-After, one line in the CLI), never a traceback. Logs name the query, never its
parameters.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, LiteralString, TypeVar

from neo4j import (
    READ_ACCESS,
    Driver,
    GraphDatabase,
    ManagedTransaction,
    Query,
    RoutingControl,
)
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph_service.config import Settings
from graph_service.errors import Conflict, DomainError, Invalid, Unavailable
from graph_service.store.cypher import query

log = logging.getLogger(__name__)
T = TypeVar("T")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(getattr(exc, "message", None) or exc).split())


@contextmanager
def translate_errors(what: str) -> Iterator[None]:
    """Turn driver errors into domain errors that name what was being done."""
    try:
        yield
    except DomainError:
        raise
    except AuthError as exc:
        raise Unavailable(f"Neo4j rejected the credentials while {what}") from exc
    except (ServiceUnavailable, SessionExpired) as exc:
        raise Unavailable(f"Neo4j is not reachable ({what}): {_one_line(exc)}") from exc
    except ConstraintError as exc:
        raise Conflict(f"{what}: {_one_line(exc)}") from exc
    except TransientError as exc:
        raise Unavailable(f"Neo4j could not finish {what} in time: {_one_line(exc)}") from exc
    except ClientError as exc:
        raise Invalid(f"{what}: {_one_line(exc)}") from exc
    except (DriverError, Neo4jError, OSError) as exc:
        raise Unavailable(f"Neo4j failed while {what}: {_one_line(exc)}") from exc


class Neo4jStore:
    """The process's driver and the ways to run the shipped queries through it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._driver: Driver | None = None
        self._lock = threading.Lock()

    @property
    def driver(self) -> Driver:
        # Opened lazily so that a process can start while Neo4j is down and recover when
        # it comes back (the driver reconnects by itself once created).
        with self._lock:
            if self._driver is None:
                with translate_errors("connecting"):
                    self._driver = GraphDatabase.driver(
                        self.settings.bolt_uri,
                        auth=(self.settings.neo4j_user, self.settings.password()),
                        connection_timeout=self.settings.neo4j_connect_timeout,
                        max_transaction_retry_time=self.settings.neo4j_retry_time,
                        connection_acquisition_timeout=10.0,
                        # The shipped queries are fixed and EXPLAINed by the tests; the
                        # server's notifications about them (e.g. "property key does not
                        # exist" on a store without dated ties) are not actionable at run
                        # time, and logging each one per request costs more than the query.
                        notifications_min_severity="OFF",
                    )
            return self._driver

    def close(self) -> None:
        with self._lock:
            if self._driver is not None:
                self._driver.close()
                self._driver = None

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- running queries -------------------------------------------------------------------

    def read(self, name: str, timeout: float | None = None, **params: Any) -> list[dict[str, Any]]:
        """Run the shipped query ``name`` in a read transaction, routed to a reader."""
        return self._run(name, query(name), params, RoutingControl.READ, timeout)

    def write(self, name: str, timeout: float | None = None, **params: Any) -> list[dict[str, Any]]:
        """Run the shipped query ``name`` in a write transaction (retried: idempotent)."""
        return self._run(name, query(name), params, RoutingControl.WRITE, timeout)

    def read_text(
        self, name: str, text: LiteralString, timeout: float | None = None, **params: Any
    ) -> list[dict[str, Any]]:
        """Like :meth:`read` for a query assembled from shipped files (``name`` for the log),
        e.g. one with the tie filter put in (repository.filtered_query)."""
        return self._run(name, text, params, RoutingControl.READ, timeout)

    def _run(
        self,
        name: str,
        text: LiteralString,
        params: dict[str, Any],
        routing: RoutingControl,
        timeout: float | None,
    ) -> list[dict[str, Any]]:
        log.debug("query %s", name)
        with translate_errors(f"running {name}"):
            if routing is RoutingControl.READ:
                return self._read_autocommit(text, params, timeout)
            records, _, keys = self.driver.execute_query(
                Query(text, timeout=timeout),
                params,
                routing_=routing,
                database_=self.settings.neo4j_database,
            )
        return _rows(keys, records)

    def _read_autocommit(
        self, text: LiteralString, params: dict[str, Any], timeout: float | None
    ) -> list[dict[str, Any]]:
        """A read as one auto-commit transaction: one round trip to the server where a
        managed transaction takes two (BEGIN+RUN+PULL, then COMMIT), which halves the
        latency of the API's small reads. The session shares ``execute_query``'s bookmark
        manager, so a read still sees the writes made before it on a cluster. A read is
        retried once when the connection it was given turns out to be dead (e.g. the
        server restarted since); other errors are not retried."""
        try:
            return self._read_once(text, params, timeout)
        except (ServiceUnavailable, SessionExpired):
            return self._read_once(text, params, timeout)

    def _read_once(
        self, text: LiteralString, params: dict[str, Any], timeout: float | None
    ) -> list[dict[str, Any]]:
        driver = self.driver
        with driver.session(
            database=self.settings.neo4j_database,
            default_access_mode=READ_ACCESS,
            bookmark_manager=driver.execute_query_bookmark_manager,
        ) as session:
            result = session.run(Query(text, timeout=timeout), params)
            return _rows(result.keys(), result)

    def read_tx(self, work: Callable[[ManagedTransaction], T], what: str) -> T:
        """Run ``work`` in one managed read transaction."""
        with translate_errors(what), self.session() as session:
            return session.execute_read(work)

    def write_tx(self, work: Callable[[ManagedTransaction], T], what: str) -> T:
        """Run ``work`` in one managed write transaction (retried, so make it idempotent)."""
        with translate_errors(what), self.session() as session:
            return session.execute_write(work)

    def write_tx_once(self, work: Callable[[Any], T], what: str) -> T:
        """Run ``work`` in one explicit write transaction, not retried: for a transaction
        too large to repeat (an atomic import of a million rows takes minutes, and one the
        server's memory refuses fails again)."""
        with translate_errors(what), self.session() as session:
            with session.begin_transaction() as tx:
                result = work(tx)
                tx.commit()
            return result

    @contextmanager
    def session(self) -> Iterator[Any]:
        with self.driver.session(database=self.settings.neo4j_database) as session:
            yield session

    def write_count(self, name: str, **params: Any) -> int:
        """Run the shipped query ``name``, which returns one count, in a write transaction
        of its own (retried: idempotent); the count."""
        with translate_errors(f"running {name}"), self.session() as session:
            return session.execute_write(_unwind, query(name), params)

    def write_batches(
        self, name: str, rows: Sequence[dict[str, Any]], batch_size: int = 10_000, **params: Any
    ) -> int:
        """Write ``rows`` through ``name`` (which UNWINDs ``$rows``), a transaction a batch."""
        text = query(name)
        written = 0
        with translate_errors(f"running {name}"), self.session() as session:
            for start in range(0, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                result = session.execute_write(_unwind, text, {**params, "rows": batch})
                written += result
        return written

    def write_text_batches(
        self, name: str, text: LiteralString, rows: Sequence[dict[str, Any]], batch_size: int
    ) -> int:
        """Like :meth:`write_batches` for a query assembled from shipped files (``name``
        for the log), e.g. one with a relationship type from the vocabulary written in."""
        written = 0
        with translate_errors(f"running {name}"), self.session() as session:
            for start in range(0, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                written += session.execute_write(_unwind, text, {"rows": batch})
        return written

    def apply_schema(self) -> None:
        """Create the constraints and indexes (idempotent)."""
        from graph_service.store.cypher import statements

        with translate_errors("applying the schema"), self.session() as session:
            for statement in statements("schema/constraints"):
                session.run(statement).consume()

    def ping(self) -> dict[str, Any]:
        """The server's name, version and edition; Unavailable when it does not answer."""
        rows = self.read("graph/server_components", timeout=5)
        return rows[0] if rows else {}


def _rows(keys: Sequence[str], records: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Records as dicts. The shipped queries return only values, lists and maps (never
    graph entities), so ``Record.data()``'s recursive conversion, which cost a third of an
    ego-network request's time, is not needed."""
    return [dict(zip(keys, record, strict=True)) for record in records]


def _unwind(tx: ManagedTransaction, text: LiteralString, params: dict[str, Any]) -> int:
    record = tx.run(text, params).single()
    return int(record[0]) if record is not None else 0
