"""The command as a user runs it, against the real test server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_service.cli import app

pytestmark = pytest.mark.neo4j
runner = CliRunner()


def test_demo_loads_the_sample_network(empty_graph, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["demo", "--no-serve", "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 0, result.output
    assert "sample network loaded: 94 nodes" in result.output
    counts = empty_graph.on("sample").repo.counts()
    assert counts["nodes"]["Staff"] == 9 and sum(counts["ties"].values()) == 298


def test_import_rejects_bad_file_with_exit_2(empty_graph, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "graph-service/v1",
                "nodes": [
                    {"id": "a", "label": "Actor", "name": "A"},
                    {"id": "b", "label": "Planet", "name": "B"},
                ],
            }
        )
    )
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    assert "nodes[1] (id b): label:" in result.output
    assert empty_graph.repo.counts() == {"nodes": {}, "ties": {}}


def test_import_csv_pair_and_dry_run(empty_graph, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "n.csv").write_text("id,label,name\na,Actor,A\nb,Staff,B\n")
    (tmp_path / "t.csv").write_text("type,source,target\nKNOWS,a,b\n")
    args = ["import", str(tmp_path / "n.csv"), "--ties", str(tmp_path / "t.csv")]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0 and "validated (dry run): 2 nodes, 1 ties" in dry.output
    assert empty_graph.repo.counts() == {"nodes": {}, "ties": {}}
    real = runner.invoke(app, args)
    assert real.exit_code == 0 and "imported: 2 nodes, 1 ties" in real.output


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "no such file" in result.output
