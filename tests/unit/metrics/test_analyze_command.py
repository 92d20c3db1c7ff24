"""``graph-service analyze`` (files in, JSON out, no database): the fast reader and the
fast JSON encoder give the report ``analyze`` gives on the networkx reader's graph."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.metrics import analyze
from graph_service.metrics.io import read_graph_files

from ._data import DATASETS

runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "group", "extra"),
    [("strike", "group", []), ("lazega_advice", "office", ["--directed", "--k", "5"])],
)
def test_analyze_command_prints_the_report_of_analyze(tmp_path, name, group, extra):
    edges, nodes = DATASETS / f"{name}_edges.csv", DATASETS / f"{name}_nodes.csv"
    args = ["analyze", "--edges", str(edges), "--nodes", str(nodes), "--group", group, *extra]
    printed = runner.invoke(app, args)
    assert printed.exit_code == 0, printed.output
    G, partition = read_graph_files(edges, nodes, group_attr=group, directed="--directed" in extra)
    want = analyze(G, partition, k=5 if "--k" in extra else None)
    assert json.loads(printed.stdout) == want
    out = tmp_path / "report.json"
    written = runner.invoke(app, [*args, "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8") + "\n" == printed.stdout
    assert out.read_text(encoding="utf-8").startswith('{\n  "network": {\n')


def test_analyze_command_on_a_small_network_loads_no_networkx_numba_or_settings(tmp_path):
    """What ``analyze`` loads for a small network: the metrics and the CLI, not networkx
    (the files go straight into arrays), scipy, numba (its kernels run as Python there), the
    settings or the database driver (typer itself loads pydantic)."""
    args = [
        "analyze",
        *("--edges", str(DATASETS / "strike_edges.csv")),
        *("--nodes", str(DATASETS / "strike_nodes.csv")),
        *("--group", "group", "-o", str(tmp_path / "out.json")),
    ]
    code = (
        "import sys; from graph_service.cli import app\n"
        f"sys.argv = ['graph-service', *{args!r}]\n"
        "try:\n    app()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'neo4j', 'pydantic_settings', 'fastapi', 'numba', 'networkx', 'scipy'}))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip().splitlines()[-1] == "[]"
    assert json.loads((tmp_path / "out.json").read_text())["network"]["nodes"] == 24
