"""Bulk import (JSON, CSV multipart) and export (JSON round trip, GraphML, GEXF, CSV)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

from graph_service.cli import app as cli_app
from tests.api.conftest import is_problem, snapshot

pytestmark = pytest.mark.neo4j


def test_json_import_dry_run_and_idempotence(
    client: Any, empty_graph: Any, sample_doc: dict[str, Any]
) -> None:
    dry = client.post("/import", params={"dry_run": True}, json=sample_doc)
    assert dry.status_code == 200 and dry.json()["dry_run"] is True
    assert client.get("/graph/counts").json() == {"nodes": {}, "ties": {}}
    first = client.post("/import", json=sample_doc).json()
    assert (first["nodes"], first["ties"]) == (len(sample_doc["nodes"]), len(sample_doc["ties"]))
    before = snapshot(empty_graph)
    assert client.post("/import", json=sample_doc).status_code == 200
    assert snapshot(empty_graph) == before


def test_json_import_into_a_named_network(
    client: Any, empty_graph: Any, sample_doc: dict[str, Any]
) -> None:
    """The import's own query options and the network parameter go together."""
    done = client.post("/import", params={"network": "other", "dry_run": False}, json=sample_doc)
    assert done.status_code == 200, done.text
    other = client.get("/graph/counts", params={"network": "other"}).json()
    assert sum(other["nodes"].values()) == len(sample_doc["nodes"])
    assert client.get("/graph/counts").json() == {"nodes": {}, "ties": {}}


def test_json_import_lists_every_bad_row_and_writes_nothing(client: Any, empty_graph: Any) -> None:
    doc = {
        "format": "graph-service/v1",
        "nodes": [
            {"id": "a", "label": "Actor", "name": "A"},
            {"id": "b", "label": "Planet", "name": "B"},
            {"id": "c d", "label": "Actor", "name": "C"},
        ],
        "ties": [
            {"type": "KNOWS", "source": "a", "target": "ghost"},
            {"type": "LIKES", "source": "a", "target": "a2"},
        ],
    }
    body = is_problem(client.post("/import", json=doc), 422)
    where = {(e["record"], e["field"]) for e in body["errors"]}
    assert ("nodes[1] (id b)", "label") in where
    assert ("nodes[2] (id c d)", "id") in where
    assert ("ties[1]", "type") in where
    assert any(rec.startswith("ties[0]") and field == "target" for rec, field in where)
    assert client.get("/graph/counts").json() == {"nodes": {}, "ties": {}}
    is_problem(
        client.post("/import", json={"format": "graph-service/v1", "nodes": [], "extra": 1}), 422
    )
    is_problem(
        client.post("/import", content=b"{not json", headers={"content-type": "application/json"}),
        422,
    )


def test_csv_pair_import_by_multipart(client: Any, empty_graph: Any) -> None:
    nodes = "id,label,name,sector\ns1,Staff,Anna,\na1,Actor,Firma,energy\n"
    ties = (
        "type,source,target,phase,evidence_method,evidence_source\n"
        "KNOWS,s1,a1,1,interview,I-1\nKNOWS,a1,s1,1,workshop,W-1\n"
    )
    files = {"nodes": ("nodes.csv", nodes, "text/csv"), "ties": ("ties.csv", ties, "text/csv")}
    dry = client.post("/import/csv", params={"dry_run": "true"}, files=files)
    assert dry.status_code == 200 and dry.json()["dry_run"]
    answer = client.post("/import/csv", files=files)
    assert answer.status_code == 200 and (answer.json()["nodes"], answer.json()["ties"]) == (2, 1)
    assert client.get("/ties/KNOWS:a1:s1:1").json()["evidence_count"] == 2
    bad = {
        "nodes": ("n.csv", "id,label,name\nx,Actor,X\n"),
        "ties": ("t.csv", "type,source,target\nKNOWS,x,nobody\n"),
    }
    body = is_problem(client.post("/import/csv", files=bad), 422)
    assert body["errors"][0]["record"] == "ties.csv line 2"
    latin = {
        "nodes": ("n.csv", "id,label,name\nx,Actor,M\xfcller\n".encode("latin-1")),
        "ties": ("t.csv", b"type,source,target\n"),
    }
    # Latin-1 is detected, not refused (issue 13)
    assert client.post("/import/csv", files=latin).status_code == 200
    assert client.get("/nodes/x").json()["name"] == "M\xfcller"


def test_json_export_imports_back_unchanged(client: Any, sample: dict[str, Any]) -> None:
    exported = client.get("/export", params={"format": "json"})
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/json"
    doc = exported.json()
    assert len(doc["nodes"]) == len(sample["nodes"]) and len(doc["ties"]) == len(sample["ties"])
    client.delete("/graph")
    assert client.post("/import", json=doc).status_code == 200
    assert client.get("/export", params={"format": "json"}).content == exported.content
    # importing the export over the same data changes nothing either
    assert client.post("/import", json=doc).status_code == 200
    assert client.get("/export").content == exported.content


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_read_back_in_networkx(
    client: Any, sample: dict[str, Any], fmt: str
) -> None:
    answer = client.get("/export", params={"format": fmt})
    assert answer.status_code == 200
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    graph = reader(io.BytesIO(answer.content))
    assert graph.number_of_nodes() == len(sample["nodes"])
    assert graph.number_of_edges() == len(sample["ties"])
    node = next(n for n in sample["nodes"] if n.get("attributes"))
    data = graph.nodes[node["id"]]
    assert data["node_type"] == node["label"] and data["name"] == node["name"]
    for key, value in node["attributes"].items():
        assert data[key] == value
    tie = next(t for t in sample["ties"] if t.get("phase") and t.get("evidence"))
    edges = [d for _, _, d in graph.edges(data=True) if d.get("tie_id") == tie["id"]]
    assert len(edges) == 1
    edge = edges[0]
    assert edge["tie_type"] == tie["type"] and float(edge["weight"]) == float(tie["weight"])
    assert str(edge["phase"]) == tie["phase"]
    assert int(edge["evidence_count"]) == len(tie["evidence"])
    assert json.loads(edge["evidence"])[0]["method"] == tie["evidence"][0]["method"]


def test_csv_export_zip_and_parts_import_back(client: Any, sample: dict[str, Any]) -> None:
    answer = client.get("/export", params={"format": "csv"})
    assert answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert sorted(archive.namelist()) == ["nodes.csv", "ties.csv"]
        nodes = archive.read("nodes.csv").decode()
        ties = archive.read("ties.csv").decode()
    assert client.get("/export", params={"format": "csv", "part": "nodes"}).text == nodes
    assert client.get("/export", params={"format": "csv", "part": "ties"}).text == ties
    is_problem(client.get("/export", params={"format": "json", "part": "ties"}), 422)
    before = client.get("/export").content
    client.delete("/graph")
    files = {"nodes": ("nodes.csv", nodes), "ties": ("ties.csv", ties)}
    assert client.post("/import/csv", files=files).status_code == 200
    assert client.get("/export").content == before


def test_cli_export_writes_every_format(sample: dict[str, Any], tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt, name in [
        ("json", "g.json"),
        ("graphml", "g.graphml"),
        ("gexf", "g.gexf"),
        ("csv", "g.zip"),
        ("csv", "folder"),
        ("xlsx", "g.xlsx"),
    ]:
        result = runner.invoke(cli_app, ["export", "--format", fmt, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "g.json").read_text())
    assert len(doc["ties"]) == len(sample["ties"])
    assert zipfile.is_zipfile(tmp_path / "g.zip")
    assert (tmp_path / "folder" / "ties.csv").read_text().startswith("id,type,source,target")
    bad = runner.invoke(cli_app, ["export", "--format", "xls", "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "unknown format" in bad.output
