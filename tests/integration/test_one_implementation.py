"""One implementation each: the map's paths and brokers views are the API's paths and
brokers, and pseudonyms come from one switch that follows the settings a surface runs
under (the map, the comparison map and the report give a person the same pseudonym)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.services import importer
from graph_service.services.importer import sample_network_bytes
from graph_service.services.steering.privacy import Pseudonymiser

pytestmark = pytest.mark.neo4j

SALT = "one-salt-for-every-door"


@pytest.fixture()
def client(empty_graph: Any, settings: Settings) -> Iterator[TestClient]:
    importer.import_document(empty_graph, sample_network_bytes())
    salted = settings.model_copy(update={"pseudonym_salt": SecretStr(SALT)})
    with TestClient(create_app(salted)) as c:
        yield c


def _lengths(page: str) -> tuple[int, int, int]:
    found = re.search(r"(\d+) paths? from .*?, lengths? (\d+)–(\d+)", page)
    assert found, "the paths map has no caption line"
    count, low, high = found.groups()
    return int(count), int(low), int(high)


def test_the_paths_map_draws_the_api_s_paths(client: TestClient) -> None:
    """act-dinnendahl and act-heidfeld: 5 ties apart between people. The API said "no
    paths" (over every type it found 3-tie paths through groups), the map drew 5-6."""
    pair = {"source": "act-dinnendahl", "target": "act-heidfeld", "k": 3}
    api = client.get("/connections/paths", params={**pair, "max_length": 8}).json()
    lengths = [p["length"] for p in api["paths"]]
    assert lengths and min(lengths) == api["shortest_length"] == 5
    page = client.get("/maps", params={"view": "paths", **pair})
    assert page.status_code == 200, page.text
    assert _lengths(page.text) == (len(lengths), min(lengths), max(lengths))


def test_the_brokers_map_ranks_the_api_s_brokers(client: TestClient) -> None:
    groups = {"group_a": "grp-wiall", "group_b": "grp-planung"}
    api = client.get("/connections/brokers", params={**groups, "limit": 200})
    assert api.status_code == 200, api.text
    brokers = {b["node"]["id"] for b in api.json()["brokers"]}
    assert brokers
    page = client.get("/maps", params={"view": "brokers", **groups}).text
    # every broker the API names is drawn (by id) on the map, and no one else is marked
    for broker in brokers:
        assert f'"{broker}"' in page
    other = client.get("/maps", params={"view": "brokers", **groups, "partition": "communities"})
    assert other.status_code == 422 and "membership" in other.json()["detail"]


def test_one_pseudonym_on_every_surface(client: TestClient, monkeypatch: Any) -> None:
    """The app runs with a salt in its own settings and none in the environment: /maps
    used to read the global settings and refuse."""
    monkeypatch.delenv("GRAPH_SERVICE_PSEUDONYM_SALT", raising=False)
    person = Pseudonymiser(SALT).pseudonym("st-brammertz")
    pages = {
        "map": client.get("/maps", params={"pseudonymise": True}),
        "comparison": client.get(
            "/steering/compare/map", params={"phase_a": "1", "phase_b": "2", "pseudonymise": True}
        ),
        "report": client.get("/steering/report", params={"pseudonymise": True}),
    }
    for name, page in pages.items():
        assert page.status_code == 200, (name, page.text[:300])
        assert person in page.text, name
        assert "st-brammertz" not in page.text and "Brammertz" not in page.text, name
