"""The plan rules of the read-only Cypher endpoint, on plans shaped as Neo4j 5.26 prints
them (operator@database, Details with auto-parameters); and the bound on the query's text
that holds before the server plans it."""

from __future__ import annotations

from typing import Any

import pytest

from graph_service.config import Settings
from graph_service.errors import Forbidden, LimitExceeded
from graph_service.store import cypher
from graph_service.store.query_plan import TextMeasure, check_plan, check_text, measure_text


def _plan(*ops: tuple[str, str]) -> dict[str, Any]:
    """A chain of operators, the first at the top."""
    plan: dict[str, Any] | None = None
    for name, details in reversed(ops):
        node: dict[str, Any] = {"operatorType": name, "args": {"Details": details}}
        node["children"] = [plan] if plan else []
        plan = node
    assert plan is not None
    return plan


@pytest.mark.parametrize(
    "ops",
    [
        [("ProduceResults@neo4j", "x"), ("ShowTransactions@neo4j", "defaultColumns")],
        [("ProduceResults@neo4j", "x"), ("TerminateTransactions@neo4j", "transactions(t)")],
        [("ProduceResults@neo4j", "x"), ("ShowSettings@neo4j", "allSettings")],
        [("AdministrationCommand@system", "")],
        [("ProduceResults@system", "x"), ("ShowIndexes@system", "allIndexes")],
        [("ProduceResults@neo4j", "x"), ("ProcedureCall@neo4j", "dbms.listConfig() :: (name)")],
        [("ProduceResults@neo4j", "line"), ("LoadCSV@neo4j", "line")],
        [("Projection@neo4j", "reduce(s = $autoint_0, i IN range($a, $b) | s + i) AS x")],
        [("Projection@neo4j", "[x IN range($autoint_0, $autoint_1) | x] AS y")],
        [("Projection@neo4j", "[a IN $xs | [b IN $xs | a + b]] AS y")],
        [("Filter@neo4j", "all(a IN xs WHERE any(b IN xs WHERE a = b))")],
        [("Unwind@neo4j", "range($autoint_0, size(range($autoint_1, $autoint_2))) AS i")],
        [("Unwind@neo4j", "[i IN range($autoint_0, $autoint_1) | i] AS i")],
    ],
)
def test_refused(ops: list[tuple[str, str]]) -> None:
    with pytest.raises(Forbidden):
        check_plan(_plan(*ops), "neo4j")


@pytest.mark.parametrize(
    "ops",
    [
        [("ProduceResults@neo4j", "name"), ("ShowIndexes@neo4j", "allIndexes, defaultColumns")],
        [("ProduceResults@neo4j", "label"), ("ProcedureCall@neo4j", "db.labels() :: (label)")],
        [("Unwind@neo4j", "range($autoint_0, $autoint_1) AS i")],
        [("Projection@neo4j", "[n IN nodes((a)-[anon_0]->(b)) | n.id] AS `[n IN nodes(p)]`")],
        [("Projection@neo4j", '"reduce(range(" AS text, `[a IN [b IN x]]` AS y')],
        [("Projection@neo4j", "[a IN $xs | a] AS y, all(b IN $ys WHERE b > $z) AS ok")],
    ],
)
def test_allowed(ops: list[tuple[str, str]]) -> None:
    check_plan(_plan(*ops), "neo4j")


def test_no_plan_is_refused() -> None:
    with pytest.raises(Forbidden):
        check_plan(None, "neo4j")


# --- the text bound, before the plan ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens", "depth"),
    [
        ("RETURN 1", 2, 1),
        ("RETURN 1 + 2 + 3", 6, 3),
        ("RETURN [[[1]]]", 8, 4),
        ("RETURN toString(toString(1))", 8, 3),
        ("RETURN 1 + 2, 3 + 4 AS x", 10, 2),
        ("WITH 1 AS limit RETURN limit + limit + limit", 10, 3),
        # strings, quoted names and comments hold no structure
        ("RETURN ')))' + \"(((\" AS `a ((( b` // ((((\n", 6, 2),
        ("RETURN /* ((( + + */ 1", 2, 1),
        ("RETURN 'it\\'s (' AS x", 4, 1),
        ("MATCH (n) WHERE n.a = 1 AND n.b = 2 RETURN n", 18, 7),
        ("RETURN CASE WHEN $x > 1 THEN 'a' ELSE 'b' END", 11, 3),
        ("RETURN CASE WHEN end THEN CASE WHEN end THEN 1 END END", 12, 3),
        ("MATCH (n) WHERE n.name STARTS WITH 'a' RETURN n", 13, 4),
        # keywords may be names: no word ends an expression or closes a level
        ("RETURN (n.end + n.as + n.return)", 14, 7),
    ],
)
def test_measure_text_counts_tokens_and_depth(text: str, tokens: int, depth: int) -> None:
    assert measure_text(text) == TextMeasure(tokens=tokens, depth=depth)


def test_measure_text_counts_chains_and_nesting_as_the_planner_sees_them() -> None:
    # the query that held a connection 122 s: 400 terms chained by +
    chain = " + ".join(f"size(toString(n.p{i}))" for i in range(400))
    assert measure_text(f"MATCH (n) RETURN {chain} AS x").depth == 403
    assert measure_text("RETURN " + "[" * 200 + "1" + "]" * 200).depth == 201
    # a nested bracket at the start of a long chain is as deep as the whole chain
    assert measure_text("RETURN (((1)) + 1 + 1 + 1)").depth == 7
    # an unclosed bracket or string is measured as far as it goes
    assert measure_text("RETURN ((((1").depth == 5
    assert measure_text("RETURN '((((").depth == 1


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("RETURN " + " + ".join(["1"] * 101), "QUERY_DEPTH_LIMIT"),
        ("RETURN " + "(" * 100 + "1" + ")" * 100, "QUERY_DEPTH_LIMIT"),
        ("RETURN [" + ", ".join(f"$p{i}" for i in range(1_000)) + "]", "QUERY_TOKEN_LIMIT"),
    ],
)
def test_check_text_refuses_past_a_limit_naming_its_setting(text: str, setting: str) -> None:
    with pytest.raises(LimitExceeded, match=setting):
        check_text(text, token_limit=1_000, depth_limit=100)


def test_the_shipped_queries_are_well_within_the_default_limits() -> None:
    # An analyst who pastes one of our own queries into the console must get through with
    # room to spare: each statement measured as it is sent (a schema file is several
    # statements), at most half of each limit (the largest, the analysis read, is ~540).
    settings = Settings()
    for name in cypher.names():
        for statement in cypher.statements(name):
            measure = measure_text(statement)
            assert measure.tokens <= settings.query_token_limit // 2, (name, statement[:80])
            assert measure.depth <= settings.query_depth_limit // 2, (name, statement[:80])
