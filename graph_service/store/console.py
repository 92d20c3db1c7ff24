"""Analysts' read-only Cypher: their query text, run so that it cannot write.

Its size is bounded before the server sees it (tokens and expression depth, by
:func:`~graph_service.store.query_plan.check_text`: Neo4j plans without a timeout). Then
three locks, any one of which stops a write: the query's type from ``EXPLAIN`` must be
read-only (``r``); the plan must pass :func:`~graph_service.store.query_plan.check_plan`
(no files or URLs, no procedure but schema introspection, no SHOW/TERMINATE/administration
command, no loop inside an expression that the timeout cannot stop); and it runs in a
transaction opened in READ access mode, which the server itself refuses to write in. A
transaction timeout, a row limit and a byte limit bound the cost; the server's procedure
allowlist (store/local_server.py) keeps APOC's escapes out of the server. Values come
back as JSON-safe data (nodes, relationships, paths, temporal and spatial values).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, LiteralString, cast

from neo4j import READ_ACCESS
from neo4j.exceptions import ClientError
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from graph_service.errors import AnswerTooLarge, Forbidden, Invalid
from graph_service.store.neo4j_store import Neo4jStore, translate_errors
from graph_service.store.query_plan import check_plan, check_text


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


#: Records fetched from the server at a time: small, so that rows of a megabyte each
#: cannot pile up in the driver's buffer far past QUERY_BYTE_LIMIT before it is checked.
FETCH_SIZE = 25


def run_read_only(
    store: Neo4jStore,
    text: str,
    params: Mapping[str, Any],
    timeout: float,
    limit: int,
    byte_limit: int,
) -> ReadOnlyResult:
    """Run an analyst's query read-only; at most ``limit`` rows, ``truncated`` if more;
    AnswerTooLarge once the rows, as JSON, pass ``byte_limit`` bytes."""
    # The cast is the one place user text becomes a query: it is safe because the query
    # is refused unless EXPLAIN says it is read-only and then runs in a READ transaction.
    statement = cast(LiteralString, text)
    settings = store.settings
    # before the server sees it: Neo4j parses and plans without checking the timeout
    check_text(text, token_limit=settings.query_token_limit, depth_limit=settings.query_depth_limit)
    with (
        translate_errors("running the read-only query", timeout_setting="QUERY_TIMEOUT"),
        store.driver.session(
            database=settings.neo4j_database,
            default_access_mode=READ_ACCESS,
            fetch_size=FETCH_SIZE,
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
            check_plan(summary.plan, settings.neo4j_database)
            result = tx.run(statement, dict(params))
            columns = list(result.keys())
            rows, truncated = _collect(result, columns, limit, byte_limit)
        except ClientError as exc:
            code = exc.code or ""
            if "AccessMode" in code or "Forbidden" in code:
                raise Forbidden(f"the Cypher endpoint is read-only: {exc.message}") from exc
            if "Statement" in code or "Procedure" in code:
                raise Invalid(f"Cypher error: {' '.join(str(exc.message).split())}") from exc
            raise
        finally:
            tx.close()
    return ReadOnlyResult(columns=columns, rows=rows, truncated=truncated)


def _collect(
    result: Iterable[Any], columns: list[str], limit: int, byte_limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """The rows as JSON-safe data, stopping at ``limit`` rows or past ``byte_limit``."""
    rows: list[dict[str, Any]] = []
    size = 0
    for record in result:
        if len(rows) >= limit:
            return rows, True
        row = {key: to_json(record[key]) for key in columns}
        size += len(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        if size > byte_limit:
            raise AnswerTooLarge(
                f"the answer passed {byte_limit} bytes after {len(rows)} rows "
                f"(QUERY_BYTE_LIMIT); return fewer or smaller rows (LIMIT, fewer columns)"
            )
        rows.append(row)
    return rows, False
