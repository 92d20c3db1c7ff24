"""The plan rules of the read-only Cypher endpoint, on plans shaped as Neo4j 5.26 prints
them (operator@database, Details with auto-parameters)."""

from __future__ import annotations

from typing import Any

import pytest

from graph_service.errors import Forbidden
from graph_service.store.query_plan import check_plan


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
