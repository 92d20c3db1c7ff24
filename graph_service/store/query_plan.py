"""What an analyst's query may do, read from the server's own plan (``EXPLAIN``).

The plan names each operator the server would run and the database it runs on, so the
rules below are about operators, not about the query's text: administration, SHOW and
TERMINATE commands are operators of their own (``AdministrationCommand@system``,
``ShowTransactions@neo4j``, ``TerminateTransactions@neo4j``) even though ``EXPLAIN`` types
SHOW and TERMINATE as read-only (``r``).

One rule reads the expressions an operator evaluates (its ``Details``, as the planner
prints them, with string literals and quoted names removed first). Neo4j 5.26 checks
whether a transaction was terminated, by its timeout or by anyone, when the query touches
the store and between rows, but not while it evaluates one expression: a loop inside an
expression runs to its end whatever the timeout says (measured: ``RETURN reduce(s = 0, i
IN range(1, 1e9) | s + i)`` answered after 26.6 s with a 10 s timeout; a quadratic string
``reduce`` kept a core busy for more than 5 minutes after it was reported terminated). The
loops that can grow without the store are refused: ``reduce``, ``range()`` anywhere but
as the list an ``UNWIND`` steps through (that is an operator, which checks), and an
iteration (list comprehension, ``all``/``any``/``none``/``single``) nested in another.
One level of iteration over a list read from the store stays allowed (``[n IN nodes(p) |
n.id]``): its length is bounded by what the query read, and reading checks the timeout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from graph_service.errors import Forbidden

#: Read-only procedures an analyst may call (schema introspection).
ALLOWED_PROCEDURES = frozenset(
    {"db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization"}
)
_FORBIDDEN_OPERATORS = ("LoadCSV",)
#: SHOW commands that describe the graph's schema; every other SHOW, TERMINATE and
#: administration command reads or ends the server's state (its transactions, settings,
#: users) and is refused: the service connects as Neo4j's admin, and Community has no
#: per-user roles to narrow that.
_ALLOWED_COMMANDS = frozenset({"ShowIndexes", "ShowConstraints"})
_COMMAND_PREFIXES = ("Show", "Terminate", "AdministrationCommand", "SystemProcedureCall")

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_ITERATION = re.compile(
    r"\b(?:all|any|none|single)\s*\(\s*\w+\s+IN\s|\[\s*\w+\s+IN\s", re.IGNORECASE
)
_REDUCE = re.compile(r"\breduce\s*\(", re.IGNORECASE)
_RANGE = re.compile(r"\brange\s*\(", re.IGNORECASE)
_UNWIND_RANGE = re.compile(r"^\s*range\s*\(", re.IGNORECASE)


def operators(plan: Mapping[str, Any] | None) -> Iterator[Mapping[str, Any]]:
    if not plan:
        return
    yield plan
    for child in plan.get("children") or []:
        yield from operators(child)


def check_plan(plan: Mapping[str, Any] | None, database: str) -> None:
    """Forbidden unless every operator of ``plan`` is one the Cypher endpoint runs."""
    if not plan:
        raise Forbidden("the server gave no plan for this query; the Cypher endpoint needs one")
    for op in operators(plan):
        name, _, on = str(op.get("operatorType", "")).partition("@")
        details = str((op.get("args") or {}).get("Details", ""))
        if on and on != database:
            raise Forbidden(
                f"the Cypher endpoint runs on the database {database!r} only (not {on!r})"
            )
        _check_operator(name, details)
        _check_expressions(name, details)


def _check_operator(name: str, details: str) -> None:
    if any(bad in name for bad in _FORBIDDEN_OPERATORS):
        raise Forbidden("the Cypher endpoint does not load files or URLs (LOAD CSV)")
    if name.startswith(_COMMAND_PREFIXES) and name not in _ALLOWED_COMMANDS:
        raise Forbidden(
            "the Cypher endpoint runs no administration, SHOW or TERMINATE command "
            f"but SHOW INDEXES and SHOW CONSTRAINTS (not {name})"
        )
    if "ProcedureCall" in name:
        procedure = details.split("(", 1)[0].strip().lower()
        if procedure not in ALLOWED_PROCEDURES:
            allowed = ", ".join(sorted(ALLOWED_PROCEDURES))
            raise Forbidden(
                f"the Cypher endpoint calls no procedure but {allowed} "
                f"(not {procedure or 'this one'})"
            )


def _check_expressions(name: str, details: str) -> None:
    text = _QUOTED.sub('""', details)
    if _REDUCE.search(text):
        raise Forbidden(_loop_refusal("reduce()"))
    ranges = list(_RANGE.finditer(text))
    unwound = name == "Unwind" and _UNWIND_RANGE.match(text) is not None
    if len(ranges) > (1 if unwound else 0):
        raise Forbidden(_loop_refusal("range() outside UNWIND range(…) AS x"))
    starts = [m.start() for m in _ITERATION.finditer(text)]
    for start in starts:
        end = _closing(text, start)
        if any(start < other < end for other in starts):
            raise Forbidden(_loop_refusal("an iteration nested in another"))


def _closing(text: str, start: int) -> int:
    """The index of the bracket that closes the one opened at or after ``start``."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "([{":
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def _loop_refusal(what: str) -> str:
    return (
        f"the Cypher endpoint refuses {what}: Neo4j does not stop a loop inside an "
        "expression at the query's timeout (QUERY_TIMEOUT), so it could run on long after "
        "the answer (docs/security.md)"
    )
