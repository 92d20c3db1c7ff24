"""API keys with roles: 401 without a key, 403 without the role, hashed keys, open health."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from graph_service.api.auth import KeyRing, Role, hash_key, is_loopback
from graph_service.cli import app as cli_app
from graph_service.errors import Invalid
from tests.api.conftest import KEYS, is_problem

pytestmark = pytest.mark.neo4j

NODE = {"id": "auth-a", "name": "A"}


def _key(role: str) -> dict[str, str]:
    return {"X-API-Key": KEYS[role]}


def test_health_ready_and_docs_are_open(keyed_client: Any) -> None:
    for path in ("/health", "/ready", "/openapi.json", "/docs"):
        assert keyed_client.get(path).status_code == 200, path


def test_ready_tells_anonymous_callers_only_ready(keyed_client: Any) -> None:
    anonymous = keyed_client.get("/ready")
    assert anonymous.status_code == 200 and anonymous.json() == {"status": "ready"}
    unknown = keyed_client.get("/ready", headers={"X-API-Key": "not-a-key"})
    assert unknown.json() == {"status": "ready"}
    reader = keyed_client.get("/ready", headers=_key("reader")).json()
    assert reader["status"] == "ready" and reader["neo4j"].split()[-1][0].isdigit()
    bearer = {"Authorization": f"Bearer {KEYS['editor']}"}
    assert "neo4j" in keyed_client.get("/ready", headers=bearer).json()
    operation = keyed_client.get("/openapi.json").json()["paths"]["/ready"]["get"]
    assert "security" not in operation


def test_without_a_key_reads_and_writes_are_401(keyed_client: Any, empty_graph: Any) -> None:
    body = is_problem(keyed_client.post("/actors", json=NODE), 401)
    assert "API key" in body["detail"]
    assert "www-authenticate" in keyed_client.post("/actors", json=NODE).headers
    is_problem(keyed_client.get("/nodes"), 401)
    is_problem(keyed_client.post("/cypher", json={"query": "RETURN 1"}), 401)
    is_problem(keyed_client.get("/nodes", headers={"X-API-Key": "not-a-key"}), 401)
    is_problem(keyed_client.get("/nodes", headers={"Authorization": "Bearer nope"}), 401)


@pytest.mark.parametrize(
    ("method", "path", "json", "needed"),
    [
        ("get", "/nodes", None, "reader"),
        ("get", "/connections/ego/auth-a", None, "reader"),
        ("post", "/cypher", {"query": "RETURN 1 AS one"}, "reader"),
        ("get", "/export", None, "reader"),
        ("post", "/actors", NODE, "editor"),
        ("put", "/actors/auth-a", {"name": "A2"}, "editor"),
        ("patch", "/actors/auth-a", {"name": "A3"}, "editor"),
        (
            "post",
            "/import",
            {
                "format": "graph-service/v1",
                "nodes": [{"id": "auth-b", "label": "Actor", "name": "B"}],
            },
            "editor",
        ),
        ("delete", "/actors/auth-a", None, "editor"),
        ("delete", "/graph", None, "admin"),
    ],
)
def test_roles(
    keyed_client: Any, empty_graph: Any, method: str, path: str, json: Any, needed: str
) -> None:
    if "auth-a" in path:
        empty_graph.repo.store.write(
            "nodes/create_node",
            network="default",
            new_key="auth-test-key",
            id="auth-a",
            label="Actor",
            props={"id": "auth-a", "name": "A"},
        )
    ranks = [r.value for r in Role]
    for role in ranks:
        kwargs: dict[str, Any] = {"headers": _key(role)}
        if json is not None:
            kwargs["json"] = json
        answer = getattr(keyed_client, method)(path, **kwargs)
        if ranks.index(role) < ranks.index(needed):
            body = is_problem(answer, 403)
            assert needed in body["detail"]
        else:
            assert answer.status_code < 400, (role, answer.text)
            break  # the lowest allowed role works; a write happened, stop here


def test_bearer_header_works_too(keyed_client: Any, empty_graph: Any) -> None:
    answer = keyed_client.get("/nodes", headers={"Authorization": f"Bearer {KEYS['reader']}"})
    assert answer.status_code == 200


def test_key_ring_parses_hashes_and_refuses_bad_entries() -> None:
    ring = KeyRing.parse(f"reader:{hash_key('r')}, admin:{hash_key('a')}")
    assert ring.role_of("r") is Role.READER and ring.role_of("a") is Role.ADMIN
    assert ring.role_of("x") is None and ring.configured
    assert not KeyRing.parse(None).configured
    for bad in ("reader:abc", "boss:" + "0" * 64, "r" + hash_key("x"), "reader:" + "g" * 64):
        with pytest.raises(Invalid):
            KeyRing.parse(bad)


def test_apikey_command_prints_a_key_and_its_entry() -> None:
    result = CliRunner().invoke(cli_app, ["apikey", "--role", "editor"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    key, entry = lines["key"].strip(), lines["entry"].strip()
    assert entry == f"editor:{hash_key(key)}"
    assert KeyRing.parse(entry).role_of(key) is Role.EDITOR
    assert CliRunner().invoke(cli_app, ["apikey", "--role", "root"]).exit_code == 2


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_refuses_a_public_bind_without_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph_service.config import get_settings

    monkeypatch.delenv("GRAPH_SERVICE_API_KEYS", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "8799"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("error: refusing to bind 0.0.0.0")
