"""The read-only Cypher endpoint: reads, refuses writes, timeout, row limit, JSON values."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.api import create_app
from tests.api.conftest import is_problem, snapshot

pytestmark = pytest.mark.neo4j


def test_reads_with_parameters_and_json_values(client: Any, sample: dict[str, Any]) -> None:
    query = (
        "MATCH p = (s:Staff {id: $id})-[r]->(n) "
        "RETURN s, r, p, date('2024-05-01') AS d, datetime('2024-05-01T10:00:00Z') AS dt, "
        "duration('P1DT2H') AS dur, point({x: 1.5, y: 2}) AS pt, [1, 2.5, 'x'] AS xs, "
        "{a: null} AS m LIMIT 1"
    )
    answer = client.post("/cypher", json={"query": query, "parameters": {"id": "st-brammertz"}})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["columns"] == ["s", "r", "p", "d", "dt", "dur", "pt", "xs", "m"]
    row = body["rows"][0]
    assert row["s"]["properties"]["id"] == "st-brammertz" and "Staff" in row["s"]["labels"]
    assert row["r"]["start"] == row["s"]["element_id"] and row["r"]["type"]
    assert len(row["p"]["nodes"]) == 2 and len(row["p"]["relationships"]) == 1
    assert row["d"] == "2024-05-01" and row["dt"].startswith("2024-05-01T10:00:00")
    assert row["dur"].startswith("P") and row["pt"]["coordinates"] == [1.5, 2.0]
    assert row["xs"] == [1, 2.5, "x"] and row["m"] == {"a": None}
    assert body["truncated"] is False


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Actor {id: 'x'})",
        "MATCH (n) DETACH DELETE n",
        "MATCH (n:Staff) SET n.name = 'X'",
        "MERGE (n:Entity {id: 'x'}) RETURN n",
        "MATCH (n:Staff) REMOVE n:Staff",
        "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS",
        "CREATE INDEX x FOR (n:Actor) ON (n.x)",
        "DROP CONSTRAINT entity_id",
        "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
        "LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS line RETURN line",
        "CALL db.createLabel('Hacked')",
        "CALL dbms.listConfig() YIELD name RETURN name",
        "CREATE USER eve SET PASSWORD 'secret-password'",
        "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
    ],
)
def test_writes_and_escapes_are_refused(client: Any, sample: Any, query: str) -> None:
    before = snapshot(sample_runtime(client))
    answer = client.post("/cypher", json={"query": query})
    assert answer.status_code in (403, 422), answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert snapshot(sample_runtime(client)) == before


def sample_runtime(client: Any) -> Any:
    return client.app.state.runtime


def test_row_limit_and_timeout(open_settings: Any, sample: Any) -> None:
    limited = open_settings.model_copy(update={"query_row_limit": 5, "query_timeout": 1.0})
    with TestClient(create_app(limited)) as client:
        answer = client.post("/cypher", json={"query": "MATCH (n) RETURN n.id AS id"})
        body = answer.json()
        assert len(body["rows"]) == 5 and body["truncated"] and body["row_limit"] == 5
        slow = "UNWIND range(1, 100000000) AS i WITH i WHERE i % 7 = 100 RETURN count(i)"
        problem = is_problem(client.post("/cypher", json={"query": slow}), 504)
        assert "QUERY_TIMEOUT" in problem["detail"]


def test_bad_queries_are_422(client: Any, empty_graph: Any) -> None:
    is_problem(client.post("/cypher", json={"query": "MATCH (n RETURN n"}), 422)
    is_problem(client.post("/cypher", json={"query": ""}), 422)
    is_problem(client.post("/cypher", json={"query": "RETURN $x", "parameters": {"x": 2**70}}), 422)
