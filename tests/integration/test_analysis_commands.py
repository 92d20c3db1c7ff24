"""Metrics and maps as users reach them: `analyze` on their files, `metrics` and `map` on the
stored graph, and the /metrics and /maps routes, against the real test server."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph_service.api.app import create_app
from graph_service.cli import app
from graph_service.services import importer
from graph_service.services.importer import sample_network_bytes
from tests.conftest import DATASETS

runner = CliRunner()

NETWORK_KEYS = {
    "nodes",
    "ties",
    "directed",
    "ei",
    "ei_expected",
    "ei_min",
    "ei_max",
    "ei_rescaled",
    "ei_p_value",
    "odds_ratio",
    "yules_q",
    "assortativity",
    "modularity",
    "brokerage",
}
NODE_KEYS = {
    "group",
    "degree",
    "bonding",
    "bridging",
    "ei",
    "betweenness",
    "bridging_centrality",
    "constraint",
    "effective_size",
    "efficiency",
    "hierarchy",
    "articulation_point",
    "brokerage",
}


def _no_nan(value: object) -> None:
    if isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, dict):
        for v in value.values():
            _no_nan(v)
    elif isinstance(value, list):
        for v in value:
            _no_nan(v)


def test_analyze_strike_gives_the_documented_json() -> None:
    result = runner.invoke(
        app,
        [
            "analyze",
            "--edges",
            str(DATASETS / "strike_edges.csv"),
            "--nodes",
            str(DATASETS / "strike_nodes.csv"),
            "--group",
            "group",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) >= {"network", "groups", "nodes", "bridges", "local_bridges"}
    net = report["network"]
    assert set(net) >= NETWORK_KEYS
    # 24 strikers, 38 ties stored as 76 arcs: undirected input collapses them
    assert (net["nodes"], net["ties"], net["directed"]) == (24, 38, False)
    assert set(report["groups"]) == {"1", "2", "3"}
    assert set(report["nodes"]) == {str(i) for i in range(1, 25)}
    assert all(set(n) >= NODE_KEYS for n in report["nodes"].values())
    assert all(isinstance(pair, list) and len(pair) == 2 for pair in report["bridges"])
    _no_nan(report)


def test_analyze_csv_tables_and_bad_group(tmp_path: Path) -> None:
    out = tmp_path / "strike.csv"
    result = runner.invoke(
        app,
        [
            "analyze",
            "--edges",
            str(DATASETS / "strike_edges.csv"),
            "--nodes",
            str(DATASETS / "strike_nodes.csv"),
            "--group",
            "group",
            "--format",
            "csv",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    nodes_csv = (tmp_path / "strike_nodes.csv").read_text().splitlines()
    assert nodes_csv[0].startswith("id,") and len(nodes_csv) == 25
    bad = runner.invoke(
        app,
        [
            "analyze",
            "--edges",
            str(DATASETS / "strike_edges.csv"),
            "--nodes",
            str(DATASETS / "strike_nodes.csv"),
            "--group",
            "colour",
        ],
    )
    assert bad.exit_code == 2 and "colour" in bad.output


@pytest.fixture()
def sample(empty_graph):  # type: ignore[no-untyped-def]
    importer.import_document(empty_graph, sample_network_bytes())
    return empty_graph


@pytest.mark.neo4j
def test_metrics_of_the_stored_sample(sample) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["metrics", "--phase", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["scope"]["filters"]["phase"] == "1"
    nodes = report["nodes"]
    # the sample's designed brokers: the only links to planning and to the mayor's office
    assert nodes["st-koetterheinrich"]["articulation_point"] is True
    assert nodes["st-brammertz"]["articulation_point"] is True
    assert report["groups"]["grp-planung"]["size"] == 4
    _no_nan(report)
    bad = runner.invoke(app, ["metrics", "--as-of", "tomorrow"])
    assert bad.exit_code == 2 and "--as-of" in bad.output


@pytest.mark.neo4j
def test_map_command_writes_each_view(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    views = [
        ["--view", "network", "--size-by", "betweenness"],
        ["--view", "ego", "--center", "st-koetterheinrich", "--radius", "2"],
        ["--view", "paths", "--source", "st-drueppelmann", "--target", "act-althoff"],
        ["--view", "brokers", "--group-a", "grp-wiall", "--group-b", "grp-planung"],
        ["--view", "groups"],
        ["--view", "comparison", "--phase-a", "1", "--phase-b", "2"],
    ]
    for args in views:
        out = tmp_path / f"{args[1]}.html"
        result = runner.invoke(app, ["map", "-o", str(out), *args])
        assert result.exit_code == 0, (args, result.output)
        html = out.read_text()
        assert html.startswith("<!DOCTYPE html>") and "http://" not in html.split("<script")[0]
    missing = runner.invoke(
        app, ["map", "-o", str(tmp_path / "x.html"), "--view", "ego", "--center", "nobody"]
    )
    assert missing.exit_code == 2 and "nobody" in missing.output
    assert not (tmp_path / "x.html").exists()


@pytest.mark.neo4j
def test_metrics_and_maps_routes(sample) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app()) as client:
        report = client.get("/metrics", params={"phase": "2"})
        assert report.status_code == 200
        assert set(report.json()["network"]) >= NETWORK_KEYS
        table = client.get("/metrics", params={"format": "csv", "table": "groups"})
        assert table.headers["content-type"].startswith("text/csv")
        assert table.text.splitlines()[0].startswith("group,name,size,internal,external,ei")
        page = client.get("/maps", params={"view": "ego", "center": "st-brammertz"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        missing = client.get("/maps", params={"view": "ego", "center": "nobody"})
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        hostile = client.get("/metrics", params={"partition": "property:x` DETACH DELETE n"})
        assert hostile.status_code == 422
    assert sample.repo.counts()["nodes"]["Staff"] == 9
