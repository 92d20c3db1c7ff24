"""Nodes through the API: per-label and generic resources, filters, pages, patch, delete."""

from __future__ import annotations

from typing import Any

import pytest

from graph_service.api.routes.nodes import LABEL_PATHS
from graph_service.model import NodeLabel
from tests.api.conftest import is_problem

pytestmark = pytest.mark.neo4j


@pytest.mark.parametrize("label", list(NodeLabel))
def test_node_lifecycle_per_label(client: Any, empty_graph: Any, label: NodeLabel) -> None:
    path = f"/{LABEL_PATHS[label]}"
    body = {"id": "n-1", "name": "First", "kind": "k", "attributes": {"size": 3}}
    created = client.post(path, json=body)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{path}/n-1"
    assert created.json()["label"] == label.value
    is_problem(client.post(path, json=body), 409)
    assert client.get(f"{path}/n-1").json()["attributes"] == {"size": 3}
    # PUT replaces (upsert), 200 when it existed, 201 when new
    put = client.put(f"{path}/n-1", json={"name": "Renamed"})
    assert put.status_code == 200 and put.json()["attributes"] == {}
    assert put.json()["kind"] is None
    assert client.put(f"{path}/n-2", json={"name": "Second"}).status_code == 201
    patched = client.patch(f"{path}/n-1", json={"kind": "x", "attributes": {"a": 1}})
    assert patched.status_code == 200 and patched.json()["name"] == "Renamed"
    listing = client.get(path).json()
    assert listing["total"] == 2 and [n["id"] for n in listing["items"]] == ["n-1", "n-2"]
    deleted = client.delete(f"{path}/n-1")
    assert deleted.status_code == 200 and deleted.json() == {"id": "n-1", "deleted_ties": 0}
    is_problem(client.get(f"{path}/n-1"), 404)
    is_problem(client.delete(f"{path}/n-1"), 404)


def test_a_label_resource_does_not_show_other_labels(client: Any, sample: Any) -> None:
    is_problem(client.get("/actors/st-brammertz"), 404)
    is_problem(client.patch("/actors/st-brammertz", json={"name": "X"}), 404)
    is_problem(client.delete("/actors/st-brammertz"), 404)
    assert client.get("/staff/st-brammertz").status_code == 200
    assert client.get("/nodes/st-brammertz").json()["label"] == "Staff"


def test_upsert_refuses_to_change_a_label(client: Any, sample: Any) -> None:
    body = is_problem(client.put("/actors/st-brammertz", json={"name": "X"}), 409)
    assert "keeps its label" in body["detail"]
    is_problem(client.put("/nodes/st-brammertz", json={"name": "X", "label": "Actor"}), 409)
    is_problem(client.post("/actors", json={"id": "st-brammertz", "name": "X"}), 409)


def test_generic_nodes_resource_takes_the_label_in_the_body(client: Any, empty_graph: Any) -> None:
    created = client.post("/nodes", json={"id": "g", "label": "Group", "name": "G"})
    assert created.status_code == 201 and created.json()["label"] == "Group"
    body = is_problem(client.post("/nodes", json={"id": "h", "label": "Dragon", "name": "H"}), 422)
    assert any(e["field"] == "label" for e in body["errors"])


def test_list_filters_and_total(client: Any, sample: dict[str, Any]) -> None:
    actors = [n for n in sample["nodes"] if n["label"] == "Actor"]
    page = client.get("/nodes", params={"label": "Actor", "limit": 5, "offset": 5}).json()
    assert page["total"] == len(actors)
    assert [n["id"] for n in page["items"]] == sorted(n["id"] for n in actors)[5:10]
    members = {
        t["source"]
        for t in sample["ties"]
        if t["type"] == "MEMBER_OF" and t["target"] == "grp-wiall"
    }
    grouped = client.get("/nodes", params={"group": "grp-wiall", "limit": 1000}).json()
    assert {n["id"] for n in grouped["items"]} == members and grouped["total"] == len(members)
    office = client.get("/groups", params={"where": "kind:office"}).json()
    assert [n["id"] for n in office["items"]] == ["grp-wifoe"]
    by_name = client.get("/nodes", params={"name": "BRAMMERTZ"}).json()
    assert [n["id"] for n in by_name["items"]] == ["st-brammertz"]
    empty = client.get("/nodes", params={"offset": 10_000}).json()
    assert empty["items"] == [] and empty["total"] == len(sample["nodes"])


def test_property_filter_matches_typed_values(client: Any, empty_graph: Any) -> None:
    client.post("/actors", json={"id": "a", "name": "A", "attributes": {"employees": 40}})
    client.post("/actors", json={"id": "b", "name": "B", "attributes": {"employees": "40"}})
    client.post("/actors", json={"id": "c", "name": "C", "attributes": {"employees": 41}})
    found = client.get("/actors", params={"where": "employees:40"}).json()
    assert [n["id"] for n in found["items"]] == ["a", "b"]


def test_pages_are_stable_and_complete(client: Any, sample: dict[str, Any]) -> None:
    seen: list[str] = []
    for offset in range(0, len(sample["nodes"]), 7):
        seen += [n["id"] for n in client.get(f"/nodes?limit=7&offset={offset}").json()["items"]]
    assert seen == sorted(n["id"] for n in sample["nodes"])


def test_patch_changes_only_what_is_given(client: Any, empty_graph: Any) -> None:
    client.post(
        "/actors",
        json={
            "id": "a",
            "name": "A",
            "kind": "organisation",
            "description": "d",
            "attributes": {"sector": "energy", "size": 3},
        },
    )
    patched = client.patch(
        "/actors/a", json={"attributes": {"size": None, "city": "Bottrop"}, "description": None}
    ).json()
    assert patched["kind"] == "organisation" and patched["description"] is None
    assert patched["attributes"] == {"sector": "energy", "city": "Bottrop"}
    is_problem(client.patch("/actors/a", json={"name": None}), 422)
    body = is_problem(client.patch("/actors/a", json={"attributes": {"id": "x"}}), 422)
    assert body["errors"][0]["field"].startswith("attributes")
    is_problem(client.patch("/actors/a", json={"label": "Staff"}), 422)


def test_delete_takes_the_ties_along(client: Any, sample: dict[str, Any]) -> None:
    degree = sum(1 for t in sample["ties"] if "st-brammertz" in (t["source"], t["target"]))
    deleted = client.delete("/staff/st-brammertz").json()
    assert deleted["deleted_ties"] == degree
    remaining = client.get("/ties", params={"node": "st-brammertz"}).json()
    assert remaining["total"] == 0
