"""One Neo4j driver per process; a session per unit of work; managed transactions.

Only this package imports ``neo4j``. Driver errors become domain errors here: an
unreachable server is :class:`~graph_service.errors.Unavailable` (HTTP 503 with
Retry-After, one line in the CLI), never a traceback. Logs name the query, never its
parameters.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, LiteralString, TypeVar

from neo4j import (
    READ_ACCESS,
    Driver,
    GraphDatabase,
    ManagedTransaction,
    Query,
    RoutingControl,
    unit_of_work,
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

from graph_service import deadline
from graph_service.config import Settings
from graph_service.errors import (
    Conflict,
    DomainError,
    Invalid,
    OverMemory,
    QueryTimedOut,
    Terminated,
    Unavailable,
)
from graph_service.store.cypher import query

log = logging.getLogger(__name__)
T = TypeVar("T")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(getattr(exc, "message", None) or exc).split())


@contextmanager
def translate_errors(what: str, timeout_setting: str = "QUERY_TIMEOUT") -> Iterator[None]:
    """Turn driver errors into domain errors that name what was being done.

    503 (Unavailable) is kept for a server that cannot be reached or does not let us in;
    a query that passes its time or memory limit, or that someone else ended, gets an
    error that says so and names the setting (``timeout_setting`` for the time limit)."""
    try:
        yield
    except DomainError:
        raise
    except Neo4jError as exc:
        limit = _limit_error(exc, what, timeout_setting)
        if limit is None:
            raise _translated(exc, what) from exc
        raise limit from exc
    except (DriverError, OSError) as exc:
        raise _translated(exc, what) from exc


#: Neo4j status codes of a transaction that passed its time limit, and of one ended by
#: another party (TERMINATE TRANSACTIONS, a shutdown, a lock client stopped).
_TIMED_OUT = ("TransactionTimedOut",)
_TERMINATED = ("Transaction.Terminated", "LockClientStopped")
_MEMORY = ("MemoryPoolOutOfMemoryError",)
_HEAP = ("General.OutOfMemoryError",)


def _limit_error(exc: Neo4jError, what: str, timeout_setting: str) -> DomainError | None:
    code = exc.code or ""
    message = _one_line(exc)
    if any(c in code for c in _TIMED_OUT):
        return QueryTimedOut(
            f"{what} ran past its time limit ({timeout_setting}; on the server also "
            "db.transaction.timeout) and was stopped"
        )
    if any(c in code for c in _MEMORY):
        return OverMemory(
            f"{what} needed more memory than a transaction may use "
            f"(db.memory.transaction.max / dbms.memory.transaction.total.max): {message}"
        )
    if any(c in code for c in _HEAP):
        return OverMemory(
            f"{what} ran the Neo4j server out of heap (NEO4J_LOCAL_HEAP for the local "
            "server, server.memory.heap.max_size for others); ask for less at a time"
        )
    if any(c in code for c in _TERMINATED) and "timed out" in message.lower():
        return QueryTimedOut(f"{what} ran past its time limit ({timeout_setting})")
    if any(c in code for c in _TERMINATED):
        return Terminated(
            f"{what}: the transaction was ended by another party (an administrator's "
            f"TERMINATE TRANSACTIONS or a server shutdown), not by this request: {message}"
        )
    return None


def _translated(exc: BaseException, what: str) -> DomainError:
    line = _one_line(exc)
    if isinstance(exc, AuthError):
        return Unavailable(f"Neo4j rejected the credentials while {what}")
    if isinstance(exc, ServiceUnavailable | SessionExpired):
        return Unavailable(f"Neo4j is not reachable ({what}): {line}")
    if isinstance(exc, ConstraintError):
        return Conflict(f"{what}: {line}")
    if isinstance(exc, TransientError) and "DatabaseUnavailable" in (exc.code or ""):
        return Unavailable(f"the Neo4j database is not available ({what}): {line}")
    if isinstance(exc, TransientError):  # deadlocks, lock waits: other work was in the way
        return Conflict(f"{what} collided with concurrent work in Neo4j; retry: {line}")
    if isinstance(exc, ClientError):
        return Invalid(f"{what}: {line}")
    return Unavailable(f"Neo4j failed while {what}: {line}")


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
        timeout = deadline.cap(timeout)  # never past the deadline of the work, if any
        with deadline.shielded(), translate_errors(f"running {name}"):
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
        """Run ``work`` in one managed read transaction (with the time left before the
        deadline of the work, if any, as its timeout)."""
        left = deadline.remaining()
        if left is not None:
            work = unit_of_work(timeout=left)(work)
        with deadline.shielded(), translate_errors(what), self.session() as session:
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
            return session.execute_write(_single_count, query(name), params)

    def write_batches(
        self,
        name: str,
        rows: Sequence[dict[str, Any]],
        batch_size: int = 10_000,
        text: LiteralString | None = None,
        on_batch: Callable[[int], None] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> int:
        """Write ``rows`` through the shipped query ``name`` (which UNWINDs ``$rows``), a
        transaction a batch, so the query must be idempotent; ``text`` when the query was
        assembled from shipped files (``name`` then names it in the log), e.g. one with a
        relationship type from the vocabulary written in; ``on_batch(rows)`` hears each
        batch written; ``params`` go with every batch (e.g. ``$network``). Rows written."""
        text = query(name) if text is None else text
        written = 0
        with translate_errors(f"running {name}"), self.session() as session:
            for start in range(0, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                written += session.execute_write(
                    unwind_batches, text, batch, batch_size, None, params
                )
                if on_batch is not None:
                    on_batch(len(batch))
        return written

    def apply_schema(self) -> None:
        """Create the constraints and indexes (idempotent), then move a store made before
        networks into the network ``default`` (store/migration.py)."""
        from graph_service.store.cypher import statements
        from graph_service.store.migration import migrate_to_networks

        with translate_errors("applying the schema"), self.session() as session:
            for statement in statements("schema/constraints"):
                session.run(statement).consume()
        migrate_to_networks(self)

    def ping(self) -> dict[str, Any]:
        """The server's name, version and edition; Unavailable when it does not answer."""
        try:
            rows = self.read("graph/server_components", timeout=5)
        except QueryTimedOut as exc:  # a server too busy to answer this is not ready
            raise Unavailable(f"Neo4j did not answer within 5 s: {exc.detail}") from exc
        return rows[0] if rows else {}


def _rows(keys: Sequence[str], records: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Records as dicts. The shipped queries return only values, lists and maps (never
    graph entities), so ``Record.data()``'s recursive conversion, which cost a third of an
    ego-network request's time, is not needed."""
    return [dict(zip(keys, record, strict=True)) for record in records]


def unwind_batches(
    tx: ManagedTransaction,
    text: LiteralString,
    rows: Sequence[dict[str, Any]],
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
    params: Mapping[str, Any] | None = None,
) -> int:
    """Run ``text`` (which UNWINDs ``$rows`` and returns a count) over ``rows``, at most
    ``batch_size`` rows a statement, inside the transaction ``tx``, with ``params`` besides
    ``$rows``; the counts summed. The
    one batch writer: :meth:`Neo4jStore.write_batches` gives it a transaction a batch, an
    atomic import one transaction for all."""
    written = 0
    for start in range(0, len(rows), batch_size):
        batch = list(rows[start : start + batch_size])
        record = tx.run(text, {**(params or {}), "rows": batch}).single()
        written += int(record[0]) if record is not None else 0
        if on_batch is not None:
            on_batch(len(batch))
    return written


def _single_count(tx: ManagedTransaction, text: LiteralString, params: dict[str, Any]) -> int:
    """The one count a query returns."""
    record = tx.run(text, params).single()
    return int(record[0]) if record is not None else 0
