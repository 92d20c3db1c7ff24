"""Analysts' read-only Cypher: their query text, run so that it cannot write.

Three locks, any one of which stops a write: the query's type from ``EXPLAIN`` must be
read-only (``r``); the plan may not load files or URLs (``LOAD CSV``) nor call a procedure
outside :data:`ALLOWED_PROCEDURES`; and it runs in a transaction opened in READ access mode,
which the server itself refuses to write in. A transaction timeout and a row limit bound
the cost. Values come back as JSON-safe data (nodes, relationships, paths, temporal and
spatial values included).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, LiteralString, cast

from neo4j import READ_ACCESS
from neo4j.exceptions import ClientError
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from graph_service.errors import Forbidden, Invalid
from graph_service.store.neo4j_store import Neo4jStore, translate_errors

#: Read-only procedures an analyst may call (schema introspection).
ALLOWED_PROCEDURES = frozenset(
    {"db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization"}
)
_FORBIDDEN_OPERATORS = ("LoadCSV",)


@dataclass(frozen=True)
class ReadOnlyResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool


def to_json(value: Any) -> Any:
    """A driver value as JSON-safe data."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Node):
        return {
            "element_id": value.element_id,
            "labels": sorted(value.labels),
            "properties": to_json(dict(value.items())),
        }
    if isinstance(value, Relationship):
        return {
            "element_id": value.element_id,
            "type": value.type,
            "start": value.start_node.element_id if value.start_node else None,
            "end": value.end_node.element_id if value.end_node else None,
            "properties": to_json(dict(value.items())),
        }
    if isinstance(value, Path):
        return {
            "nodes": [to_json(n) for n in value.nodes],
            "relationships": [to_json(r) for r in value.relationships],
        }
    if isinstance(value, Date | DateTime | Time):
        return value.iso_format()
    if isinstance(value, Duration):
        return str(value.iso_format())
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Point):
        return {"srid": value.srid, "coordinates": [to_json(c) for c in value]}
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return str(value)


def _operators(plan: Mapping[str, Any] | None) -> Iterator[Mapping[str, Any]]:
    if not plan:
        return
    yield plan
    for child in plan.get("children") or []:
        yield from _operators(child)


def _check_plan(plan: Mapping[str, Any] | None) -> None:
    for op in _operators(plan):
        name = str(op.get("operatorType", ""))
        if any(bad in name for bad in _FORBIDDEN_OPERATORS):
            raise Forbidden("the Cypher endpoint does not load files or URLs (LOAD CSV)")
        if "ProcedureCall" in name:
            details = str((op.get("args") or {}).get("Details", ""))
            procedure = details.split("(", 1)[0].strip().lower()
            if procedure not in ALLOWED_PROCEDURES:
                allowed = ", ".join(sorted(ALLOWED_PROCEDURES))
                raise Forbidden(
                    f"the Cypher endpoint calls no procedure but {allowed} "
                    f"(not {procedure or 'this one'})"
                )


def run_read_only(
    store: Neo4jStore, text: str, params: Mapping[str, Any], timeout: float, limit: int
) -> ReadOnlyResult:
    """Run an analyst's query read-only; at most ``limit`` rows, ``truncated`` if more."""
    # The cast is the one place user text becomes a query: it is safe because the query
    # is refused unless EXPLAIN says it is read-only and then runs in a READ transaction.
    statement = cast(LiteralString, text)
    settings = store.settings
    with (
        translate_errors("running the read-only query"),
        store.driver.session(
            database=settings.neo4j_database, default_access_mode=READ_ACCESS
        ) as session,
    ):
        tx = session.begin_transaction(timeout=timeout)
        try:
            summary = tx.run(cast(LiteralString, "EXPLAIN " + statement), dict(params)).consume()
            if summary.query_type != "r":
                raise Forbidden(
                    f"the Cypher endpoint runs read-only queries; this one is of type "
                    f"{summary.query_type!r} (r = read, w/rw = writes, s = schema)"
                )
            _check_plan(summary.plan)
            result = tx.run(statement, dict(params))
            columns = list(result.keys())
            rows: list[dict[str, Any]] = []
            truncated = False
            for record in result:
                if len(rows) >= limit:
                    truncated = True
                    break
                rows.append({key: to_json(record[key]) for key in columns})
        except ClientError as exc:
            code = exc.code or ""
            if "TransactionTimedOut" in code or "Transaction.Terminated" in code:
                raise Invalid(
                    f"the query ran longer than the limit of {timeout:g} s (QUERY_TIMEOUT)"
                ) from exc
            if "AccessMode" in code or "Forbidden" in code:
                raise Forbidden(f"the Cypher endpoint is read-only: {exc.message}") from exc
            raise Invalid(f"Cypher error: {' '.join(str(exc.message).split())}") from exc
        finally:
            tx.close()
    return ReadOnlyResult(columns=columns, rows=rows, truncated=truncated)
