"""Hostile names through every entry point: each answer is a 4xx and the store is unchanged.

Labels and relationship types reach Cypher only from the model's enums, property names
only after matching the attribute pattern (and then as parameters, ``n[$key]``), ids only
as parameters. These tests send what would break out of a query if any of it were spliced.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from graph_service.model import PROPERTY_NAME_PATTERN
from tests.api.conftest import snapshot

pytestmark = pytest.mark.neo4j

REL = "KNOWS]->() DETACH DELETE n //"
LABEL = "Actor`) DETACH DELETE n //"
PROP = "name` = 1 DETACH DELETE n //"
HOSTILE_NAMES = [REL, LABEL, PROP, "a b", "`x`", "x}) DETACH DELETE n //", "Actor:Staff"]


def _entry_points(name: str) -> list[tuple[str, str, dict[str, Any]]]:
    node = {"id": "evil", "name": "Evil"}
    tie = {"source": "st-brammertz", "target": "st-wellinghoff"}
    pair = {"source": "st-brammertz", "target": "st-wellinghoff"}
    csv_nodes = "id,label,name\nevil,Actor,Evil\n"
    csv_ties = "type,source,target\nKNOWS,st-brammertz,st-wellinghoff\n"
    return [
        # labels
        ("post", "/nodes", {"json": {**node, "label": name}}),
        ("put", "/nodes/evil", {"json": {"name": "E", "label": name}}),
        ("get", "/nodes", {"params": {"label": name}}),
        # relationship types
        ("post", "/ties", {"json": {**tie, "type": name}}),
        ("put", "/ties/evil", {"json": {**tie, "type": name}}),
        ("post", "/memberships", {"json": {**tie, "type": name}}),
        ("get", "/ties", {"params": {"types": name}}),
        ("get", "/connections/paths", {"params": {**pair, "types": name}}),
        ("get", "/connections/disjoint-paths", {"params": {**pair, "types": name}}),
        ("get", "/connections/ego/st-brammertz", {"params": {"types": name}}),
        (
            "get",
            "/connections/common-contacts",
            {"params": {"a": "st-brammertz", "b": "st-wellinghoff", "types": name}},
        ),
        (
            "get",
            "/connections/brokers",
            {"params": {"group_a": "grp-wiall", "group_b": "grp-stadt", "types": name}},
        ),
        # property names
        ("get", "/nodes", {"params": {"where": f"{name}:1"}}),
        ("post", "/actors", {"json": {**node, "attributes": {name: 1}}}),
        ("put", "/actors/evil", {"json": {"name": "E", "attributes": {name: 1}}}),
        ("patch", "/staff/st-brammertz", {"json": {"attributes": {name: 1}}}),
        ("patch", "/staff/st-brammertz", {"json": {name: 1}}),
        # other vocabularies and ids
        ("get", "/ties", {"params": {"methods": name}}),
        ("get", "/ties", {"params": {"phase": name}}),
        ("get", f"/nodes/{name}", {}),
        ("delete", f"/nodes/{name}", {}),
        ("delete", f"/ties/{name}", {}),
        ("get", f"/connections/ego/{name}", {}),
        ("get", "/connections/paths", {"params": {"source": name, "target": "st-brammertz"}}),
        ("get", "/export", {"params": {"format": name}}),
        # bulk import: JSON document and CSV pair
        (
            "post",
            "/import",
            {"json": {"format": "graph-service/v1", "nodes": [{**node, "label": name}]}},
        ),
        (
            "post",
            "/import",
            {"json": {"format": "graph-service/v1", "ties": [{**tie, "type": name}]}},
        ),
        (
            "post",
            "/import",
            {
                "json": {
                    "format": "graph-service/v1",
                    "nodes": [{**node, "label": "Actor", "attributes": {name: 1}}],
                }
            },
        ),
        (
            "post",
            "/import/csv",
            {
                "files": {
                    "nodes": ("n.csv", csv_nodes.replace("Actor", name)),
                    "ties": ("t.csv", "type,source,target\n"),
                }
            },
        ),
        (
            "post",
            "/import/csv",
            {
                "files": {
                    "nodes": ("n.csv", csv_nodes),
                    "ties": ("t.csv", csv_ties.replace("KNOWS", name.replace(",", ";"))),
                }
            },
        ),
        (
            "post",
            "/import/csv",
            {
                "files": {
                    "nodes": ("n.csv", csv_nodes),
                    "ties": (
                        "t.csv",
                        "type,source,target,"
                        + name.replace(",", ";")
                        + "\nKNOWS,evil,st-brammertz,1\n",
                    ),
                }
            },
        ),
    ]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_are_refused_and_change_nothing(
    client: Any, sample: dict[str, Any], name: str
) -> None:
    runtime = client.app.state.runtime
    before = snapshot(runtime)
    for method, path, kwargs in _entry_points(name):
        answer = getattr(client, method)(path, **kwargs)
        assert 400 <= answer.status_code < 500, (method, path, kwargs, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json"), path
    assert snapshot(runtime) == before


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_attribute_headers_become_safe_names(
    client: Any, sample: dict[str, Any], name: str
) -> None:
    """A CSV attribute header is normalised to lower snake case (docs/import.md), not
    refused: whatever it says, what reaches the store is a safe property name."""
    runtime = client.app.state.runtime
    before = snapshot(runtime)
    files = {
        "nodes": ("n.csv", "id,label,name," + name.replace(",", ";") + "\nevil,Actor,E,1\n"),
        "ties": ("t.csv", "type,source,target\n"),
    }
    answer = client.post("/import/csv", files=files)
    assert answer.status_code == 200, answer.text
    node = client.get("/nodes/evil").json()
    assert node["attributes"] and all(
        re.fullmatch(PROPERTY_NAME_PATTERN, key) for key in node["attributes"]
    ), node
    assert client.delete("/nodes/evil").status_code in (200, 204)
    assert snapshot(runtime) == before


def test_hostile_values_are_data_not_code(client: Any, empty_graph: Any) -> None:
    """Where free text is allowed (names, descriptions, attribute values, evidence sources)
    it is stored as is and read back unchanged."""
    text = "x'}) DETACH DELETE n // `$(label)` \\u0027"
    created = client.post(
        "/actors", json={"id": "a", "name": text, "description": text, "attributes": {"note": text}}
    )
    assert created.status_code == 201
    client.post("/actors", json={"id": "b", "name": "B"})
    tie = client.post(
        "/ties",
        json={
            "type": "KNOWS",
            "source": "a",
            "target": "b",
            "evidence": [{"method": "document", "source": text}],
        },
    )
    assert tie.status_code == 201 and tie.json()["evidence"][0]["source"] == text
    node = client.get("/actors/a").json()
    assert node["name"] == text and node["attributes"]["note"] == text
    found = client.get("/nodes", params={"where": f"note:{text}"}).json()
    assert [n["id"] for n in found["items"]] == ["a"]
    assert client.get("/graph/counts").json()["nodes"] == {"Actor": 2}
