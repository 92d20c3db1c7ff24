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

Before any of that, :func:`check_text` bounds what the planner is given, counted from the
query's tokens: Neo4j 5.26 does not check the timeout while it parses and plans either.
Measured on the local server (2 busy cores, a freshly started JVM): an expression of 400
terms chained by ``+`` (``size(toString(n.p0)) + … + size(toString(n.p399))``), or 200
nested brackets, overflowed the planner's stack; the server could not send that error
back, and the connection hung until its keep-alive gave up, 126-133 s later (503). 100
nested brackets and a 200-term chain planned. Planning time grows with the number of
terms as well (a list of 1,600 property reads: 4.9 s of server CPU, 15 s on the clock).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graph_service.errors import Forbidden, LimitExceeded

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


# --- before the plan: what the planner is given ---------------------------------------

#: Cypher 5's lexical grammar, as far as it tells structure (brackets, operators, words)
#: from what is not (strings, quoted names, comments, whose brackets mean nothing). An
#: unterminated string or comment runs to the end, as the server's parser reads it.
#: (pygments' Cypher lexer follows Neo4j 3.3: no block comments, no ``$parameters``, no
#: ``\\u`` escapes, so brackets could hide from it in a string.)
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
    | (?P<name>`(?:[^`]|``)*(?:`|\Z)|\$?[^\W\d]\w*|\$\d+)
    | (?P<number>\d\w*(?:\.\d+(?:[eE][+-]?\d+)?)?)
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<separator>[,;])
    | (?P<operator><>|<=|>=|=~|->|<-|\|\||::|\+=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
#: Words that are operators: each makes an expression one level deeper. CASE counts as
#: one too (a CASE nested in a branch is one level deeper). Any Cypher keyword may also
#: be a variable's or a property's name (``WITH 1 AS limit RETURN limit + limit`` runs),
#: so no word may end an expression or close a level: a word only ever adds depth.
_OPERATOR_WORDS = frozenset(
    {"and", "or", "xor", "not", "in", "is", "contains", "starts", "ends", "case"}
)


@dataclass
class _Level:
    """One bracket level: the operators chained in its current expression (up to a
    comma), the deepest level closed inside that expression, the deepest so far."""

    chain: int = 0
    inner: int = 0
    deepest: int = 0

    def end_expression(self) -> None:
        self.deepest = max(self.deepest, self.chain + self.inner)
        self.chain = self.inner = 0

    def depth(self) -> int:
        self.end_expression()
        return self.deepest + 1


@dataclass(frozen=True)
class TextMeasure:
    tokens: int
    depth: int


def measure_text(text: str) -> TextMeasure:
    """The tokens of ``text`` (comments and white space left out) and how deep its
    expressions nest: a bracket is one level; within a level, every operator chained in
    one expression (``a + b + c``, ``x AND y``, ``n.a.b``, up to a comma) is one more,
    since the parser builds chained operators as nested expressions. An estimate from
    above of the depth of the parsed expression tree (clauses count as one expression).

    >>> measure_text("MATCH (n) WHERE n.a = 1 AND n.b = 2 RETURN n")
    TextMeasure(tokens=18, depth=7)
    """
    levels = [_Level()]
    tokens = 0
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group().lower()
        if kind in ("space", "comment"):
            continue
        tokens += 1
        if kind == "open":
            levels.append(_Level())
        elif kind == "close" and len(levels) > 1:
            closed = levels.pop().depth()
            levels[-1].inner = max(levels[-1].inner, closed)
        elif kind == "separator":
            levels[-1].end_expression()
        elif kind == "operator" or (kind == "name" and value in _OPERATOR_WORDS):
            levels[-1].chain += 1
    while len(levels) > 1:
        closed = levels.pop().depth()
        levels[-1].inner = max(levels[-1].inner, closed)
    return TextMeasure(tokens=tokens, depth=levels[0].depth())


def check_text(text: str, *, token_limit: int, depth_limit: int) -> None:
    """LimitExceeded unless ``text`` is within the limits the planner is given
    (QUERY_TOKEN_LIMIT, QUERY_DEPTH_LIMIT), before the server sees it."""
    measure = measure_text(text)
    if measure.tokens > token_limit:
        raise LimitExceeded(
            f"the query has {measure.tokens} tokens; the Cypher endpoint takes at most "
            f"{token_limit} (QUERY_TOKEN_LIMIT): Neo4j plans a query without its timeout. "
            "Pass long lists of values as $parameters"
        )
    if measure.depth > depth_limit:
        raise LimitExceeded(
            f"the query's expressions nest {measure.depth} levels deep (brackets, and "
            f"operators chained in one expression); the Cypher endpoint takes at most "
            f"{depth_limit} (QUERY_DEPTH_LIMIT): deeper ones overflowed Neo4j's planner, "
            "which does not stop at the query's timeout. Split the expression (WITH), or "
            "test a list parameter (x IN $values) instead of a chain of OR"
        )
