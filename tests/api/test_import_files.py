"""POST /import with a network file and the same options as `graph-service import`; bad
text is a 422 naming the line (issue 12 item 3), never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import is_problem
from tests.conftest import DATASETS

pytestmark = pytest.mark.neo4j


def _karate() -> dict[str, Any]:
    return {
        "file": ("edges.csv", (DATASETS / "karate_igraphdata_edges.csv").read_bytes()),
        "nodes": ("nodes.csv", (DATASETS / "karate_igraphdata_nodes.csv").read_bytes()),
    }


def test_import_file_with_options(client: Any, empty_graph: Any) -> None:
    params = {"group_by": "Faction", "dry_run": "true", "evidence_method": "survey"}
    dry = client.post("/import", params=params, files=_karate())
    assert dry.status_code == 200, dry.text
    preview = dry.json()["preview"]
    assert preview["groups"] == {"Faction 1": 16, "Faction 2": 18}
    assert preview["renamed"] == {"Faction": "faction"}
    assert preview["first_ties"][0]["evidence"][0]["source"] == "edges.csv"
    assert empty_graph.repo.counts() == {"nodes": {}, "ties": {}}
    done = client.post("/import", params={"group_by": "Faction"}, files=_karate())
    assert (done.json()["written_nodes"], done.json()["written_ties"]) == (36, 112)


def test_import_file_refuses_arcs_into_undirected_type(client: Any, empty_graph: Any) -> None:
    files = {
        "file": ("e.csv", (DATASETS / "lazega_advice_edges.csv").read_bytes()),
        "nodes": ("n.csv", (DATASETS / "lazega_advice_nodes.csv").read_bytes()),
    }
    body = is_problem(client.post("/import", files=files), 422)
    assert "--merge-arcs" in body["detail"]
    merged = client.post("/import", params={"merge_arcs": "true"}, files=files)
    assert merged.json()["preview"]["arcs_merged"] == 175


@pytest.mark.parametrize(
    ("option", "value"), [("type", "LIKES"), ("label", "Planet"), ("evidence_date", "soon")]
)
def test_import_file_bad_option_is_422(client: Any, option: str, value: str) -> None:
    body = is_problem(client.post("/import", params={option: value}, files=_karate()), 422)
    assert option in body["detail"]


@pytest.mark.parametrize(
    "given", [{"evidence_source": "survey 2024"}, {"evidence_date": "2024-05-01"}]
)
def test_import_evidence_without_its_method_is_422_and_the_document_says_so(
    client: Any, given: dict[str, str]
) -> None:
    # a rule joining two fields, which JSON Schema cannot carry: the descriptions say it
    body = is_problem(client.post("/import", params=given, files=_karate()), 422)
    assert "need evidence_method" in body["detail"]
    params = client.get("/openapi.json").json()["paths"]["/import"]["post"]["parameters"]
    (described,) = [p for p in params if p["name"] == next(iter(given))]
    assert "needs evidence_method" in described["description"]


@pytest.mark.parametrize(
    ("ties", "line"),
    [
        (b"type,source,target\nKNOWS,a,b\r\nKNOWS,a\rx,b\n", "line 3"),
        (b"type,source,target\nKNOWS,a," + b"b" * (130 * 1024) + b"\n", "line 2"),
    ],
)
def test_import_csv_bad_text_is_422_naming_the_line(
    client: Any, empty_graph: Any, ties: bytes, line: str
) -> None:
    files = {
        "nodes": ("nodes.csv", b"id,label,name\na,Actor,A\nb,Actor,B\n"),
        "ties": ("ties.csv", ties),
    }
    body = is_problem(client.post("/import/csv", files=files), 422)
    assert body["detail"].startswith(f"ties.csv {line}:")


def test_import_empty_file_says_empty(client: Any) -> None:
    body = is_problem(client.post("/import", files={"file": ("e.csv", b"")}), 422)
    assert body["detail"] == "e.csv is empty"
