"""Ties and affiliations through the API: create/upsert with evidence, read, list with the
tie filter, delete; memberships, participations and responsibilities share the code."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import is_problem

pytestmark = pytest.mark.neo4j

NODES = [
    {"id": "s1", "label": "Staff", "name": "Anna"},
    {"id": "s2", "label": "Staff", "name": "Ben"},
    {"id": "a1", "label": "Actor", "name": "Firma", "kind": "organisation"},
    {"id": "g1", "label": "Group", "name": "Alliance"},
    {"id": "i1", "label": "Initiative", "name": "Hydrogen"},
    {"id": "t1", "label": "Task", "name": "Funding"},
]
EVIDENCE = [
    {"method": "interview", "source": "I-1", "date": "2022-03-01", "confidence": 0.9},
    {"method": "workshop", "source": "W-1", "confidence": 0.6},
]


@pytest.fixture()
def small(client: Any, empty_graph: Any) -> Any:
    assert (
        client.post("/import", json={"format": "graph-service/v1", "nodes": NODES}).status_code
        == 200
    )
    return client


def test_tie_lifecycle_with_evidence(small: Any) -> None:
    body = {"type": "KNOWS", "source": "s2", "target": "s1", "phase": "1", "evidence": EVIDENCE}
    created = small.post("/ties", json=body)
    assert created.status_code == 201, created.text
    tie = created.json()
    # undirected: ends in id order, id from type, ends and phase
    assert (tie["source"], tie["target"], tie["id"]) == ("s1", "s2", "KNOWS:s1:s2:1")
    assert tie["evidence_count"] == 2 and tie["method_count"] == 2
    assert tie["max_confidence"] == 0.9 and tie["evidence"][1]["date"] is None
    is_problem(small.post("/ties", json=body), 409)
    assert small.get("/ties/KNOWS:s1:s2:1").json() == tie
    replaced = small.put("/ties/KNOWS:s1:s2:1", json={**body, "evidence": EVIDENCE[:1]})
    assert replaced.status_code == 200 and replaced.json()["evidence_count"] == 1
    is_problem(small.put("/ties/KNOWS:s1:s2:1", json={**body, "type": "ADVISES"}), 409)
    deleted = small.delete("/ties/KNOWS:s1:s2:1")
    assert deleted.json() == {"id": "KNOWS:s1:s2:1", "type": "KNOWS"}
    is_problem(small.get("/ties/KNOWS:s1:s2:1"), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "ADVISES", "source": "s1", "target": "ghost"}, "target"),
        ({"type": "MEMBER_OF", "source": "g1", "target": "s1"}, "type"),
        ({"type": "KNOWS", "source": "s1", "target": "s1"}, "(record)"),
        ({"type": "KNOWS", "source": "s1", "target": "s2", "weight": -1}, "weight"),
        (
            {
                "type": "KNOWS",
                "source": "s1",
                "target": "s2",
                "evidence": [{"method": "rumour", "source": "x"}],
            },
            "evidence.0.method",
        ),
        (
            {
                "type": "KNOWS",
                "source": "s1",
                "target": "s2",
                "valid_from": "2022-01-01",
                "valid_to": "2021-01-01",
            },
            "(record)",
        ),
    ],
)
def test_bad_tie_names_the_field(small: Any, body: dict[str, Any], field: str) -> None:
    problem = is_problem(small.post("/ties", json=body), 422)
    fields = [e["field"] for e in problem["errors"]]
    assert any(f.endswith(field) for f in fields), problem
    assert small.get("/ties").json()["total"] == 0


@pytest.mark.parametrize(
    ("resource", "rel", "source", "target", "other"),
    [
        ("memberships", "MEMBER_OF", "s1", "g1", "i1"),
        ("participations", "PARTICIPATES_IN", "a1", "i1", "g1"),
        ("responsibilities", "RESPONSIBLE_FOR", "s1", "t1", "g1"),
    ],
)
def test_affiliation_resources(
    small: Any, resource: str, rel: str, source: str, target: str, other: str
) -> None:
    body = {"source": source, "target": target, "role": "lead", "evidence": EVIDENCE[:1]}
    created = small.post(f"/{resource}", json=body)
    assert created.status_code == 201, created.text
    tie = created.json()
    assert tie["type"] == rel and tie["role"] == "lead" and tie["directed"] is True
    assert small.get(f"/{resource}/{tie['id']}").status_code == 200
    listing = small.get(f"/{resource}").json()
    assert [t["id"] for t in listing["items"]] == [tie["id"]] and listing["total"] == 1
    # a tie of another type is not this resource's
    small.post("/ties", json={"type": "KNOWS", "source": "s1", "target": "s2"})
    is_problem(small.get(f"/{resource}/KNOWS:s1:s2"), 404)
    is_problem(small.delete(f"/{resource}/KNOWS:s1:s2"), 404)
    assert small.get(f"/{resource}").json()["total"] == 1
    # the type is the resource's: a body cannot change it, and wrong ends are refused
    is_problem(small.post(f"/{resource}", json={**body, "type": "KNOWS"}), 422)
    is_problem(small.post(f"/{resource}", json={"source": source, "target": other}), 422)
    assert (
        small.put(f"/{resource}/{tie['id']}", json={**body, "role": "member"}).json()["role"]
        == "member"
    )
    assert small.delete(f"/{resource}/{tie['id']}").status_code == 200


def _ids(client: Any, **params: Any) -> list[str]:
    page = client.get("/ties", params={"limit": 1000, **params}).json()
    assert page["total"] == len(page["items"]), page
    return [t["id"] for t in page["items"]]


def test_tie_list_filters(small: Any) -> None:
    ties = [
        {
            "type": "KNOWS",
            "source": "s1",
            "target": "s2",
            "phase": "1",
            "evidence": EVIDENCE,
            "valid_from": "2021-01-01",
            "valid_to": "2021-12-31",
        },
        {
            "type": "ADVISES",
            "source": "s1",
            "target": "a1",
            "phase": "2",
            "evidence": [{"method": "survey", "source": "S", "confidence": 0.4}],
        },
        {"type": "MEMBER_OF", "source": "a1", "target": "g1"},
    ]
    assert (
        small.post("/import", json={"format": "graph-service/v1", "ties": ties}).status_code == 200
    )
    k, adv, mem = "KNOWS:s1:s2:1", "ADVISES:s1:a1:2", "MEMBER_OF:a1:g1"
    assert _ids(small) == sorted([k, adv, mem])
    assert _ids(small, types=["KNOWS", "ADVISES"]) == sorted([k, adv])
    assert _ids(small, node="a1") == sorted([adv, mem])
    assert _ids(small, source="s1", target="a1") == [adv]
    assert _ids(small, phase="1") == sorted([k, mem])  # a tie without a phase holds in all
    assert _ids(small, date_from="2022-01-01") == sorted([adv, mem])  # open ends hold
    assert _ids(small, date_from="2021-06-01", date_to="2021-07-01") == sorted([k, adv, mem])
    assert _ids(small, methods=["survey"]) == [adv]
    assert _ids(small, min_confidence=0.5) == [k]
    assert _ids(small, min_methods=2) == [k]
    assert _ids(small, min_evidence=1) == sorted([k, adv])
    page = small.get("/ties", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 3 and [t["id"] for t in page["items"]] == sorted([k, adv, mem])[1:2]
    is_problem(small.get("/ties", params={"date_from": "2022-01-02", "date_to": "2022-01-01"}), 422)
    is_problem(small.get("/ties", params={"min_confidence": 2}), 422)
