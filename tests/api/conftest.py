"""Fixtures of the API tests: the real app (lifespan included) over the real Neo4j that the
test command starts; nothing is mocked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.api import create_app
from graph_service.api.auth import hash_key
from graph_service.config import Settings
from graph_service.services.importer import sample_network_bytes

pytestmark = pytest.mark.neo4j

KEYS = {"reader": "reader-key-0123456789", "editor": "editor-key-0123456789", "admin": "admin-k"}


@pytest.fixture(scope="session")
def open_settings(settings: Settings) -> Settings:
    """The test server's settings with no API keys: local analyst mode, all open."""
    return settings.model_copy(update={"api_keys": None})


@pytest.fixture(scope="session")
def client(open_settings: Settings, runtime: Any) -> Iterator[TestClient]:
    with TestClient(create_app(open_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def keyed_client(settings: Settings, runtime: Any) -> Iterator[TestClient]:
    from pydantic import SecretStr

    entries = ",".join(f"{role}:{hash_key(key)}" for role, key in KEYS.items())
    keyed = settings.model_copy(update={"api_keys": SecretStr(entries)})
    with TestClient(create_app(keyed)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def sample_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(sample_network_bytes())
    return doc


@pytest.fixture()
def sample(empty_graph: Any, sample_doc: dict[str, Any]) -> dict[str, Any]:
    """The sample network loaded into an emptied store (emptied again after the test)."""
    from graph_service.services import importer

    importer.import_document(empty_graph, sample_doc)
    return sample_doc


def snapshot(runtime: Any) -> str:
    """Everything the store holds, as text: what "the database is unchanged" compares."""
    from graph_service.services import exporter

    nodes, ties = runtime.repo.export_graph()
    return exporter.json_bytes(nodes, ties).decode()


def is_problem(response: Any, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 answer with this status; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    for key in ("type", "title", "detail", "instance"):
        assert isinstance(body[key], str) and body[key], body
    return body
