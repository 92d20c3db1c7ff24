"""Every long wait of the command line shows progress on stderr: a live display on a
terminal (run here on a pseudo-terminal), plain lines otherwise; stdout keeps only the
results (JSON stays parseable)."""

from __future__ import annotations

import json
import os
import pty
import select
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import DATASETS

pytestmark = pytest.mark.neo4j

CLI = [str(Path(sys.executable).with_name("graph-service"))]


def run_on_pty(args: list[str], env: dict[str, str] | None = None, timeout: float = 240):
    """Run the command with stderr on a pseudo-terminal and stdout on a file; return
    (exit code, stdout, what the terminal showed)."""
    main, secondary = pty.openpty()
    with tempfile.TemporaryFile() as stdout:
        proc = subprocess.Popen(
            [*CLI, *args],
            stdout=stdout,
            stderr=secondary,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "COLUMNS": "120", "TERM": "xterm", **(env or {})},
        )
        os.close(secondary)
        shown = b""
        while True:
            ready, _, _ = select.select([main], [], [], timeout)
            if not ready:
                proc.kill()
                pytest.fail(f"{args} printed nothing for {timeout} s")
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        os.close(main)
        code = proc.wait()
        stdout.seek(0)
        out = stdout.read().decode()
    return code, out, shown.decode(errors="replace")


def big_document(path: Path, nodes: int) -> Path:
    doc = {
        "format": "graph-service/v1",
        "nodes": [{"id": f"a{i}", "label": "Actor", "name": f"Actor {i}"} for i in range(nodes)],
        "ties": [
            {"source": f"a{i}", "target": f"a{(i + 1) % nodes}", "type": "KNOWS"}
            for i in range(nodes)
        ],
    }
    path.write_text(json.dumps(doc))
    return path


def test_import_shows_rows_and_rate_on_a_terminal(empty_graph, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, shown = run_on_pty(["import", str(big_document(tmp_path / "g.json", 30_000))])
    assert code == 0, shown
    assert out.strip() == "imported: 30000 nodes, 30000 ties"
    assert "reading g.json" in shown and "importing" in shown
    assert "60,000 / 60,000 rows" in shown
    assert "rows/s" in shown
    assert "✓" in shown  # the finished steps are ticked


def test_a_quick_import_prints_no_progress_in_a_log(empty_graph, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Not a terminal: steps shorter than PLAIN_AFTER print nothing (tests/unit for the
    plain lines of longer ones)."""
    done = subprocess.run(
        [*CLI, "import", str(big_document(tmp_path / "g.json", 50))],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported: 50 nodes, 50 ties"
    assert done.stderr == ""


def test_demo_shows_each_step(empty_graph, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, shown = run_on_pty(["demo", "--no-serve", "-o", str(tmp_path / "map.html")])
    assert code == 0, shown
    for step in ("preparing the store", "loading the sample network", "drawing the map"):
        assert step in shown
    assert "sample network loaded: 94 nodes" in out


def test_analyze_json_stays_clean_while_the_terminal_shows_progress() -> None:
    code, out, shown = run_on_pty(
        [
            "analyze",
            "--edges",
            str(DATASETS / "lazega_cowork_edges.csv"),
            "--nodes",
            str(DATASETS / "lazega_cowork_nodes.csv"),
            "--group",
            "office",
        ]
    )
    assert code == 0, shown
    report = json.loads(out)  # nothing but the JSON on stdout
    assert report["network"]["nodes"] == 71
    assert "computing the metrics" in shown and "7/7" in shown.replace(" ", "")


def test_metrics_and_map_show_progress(empty_graph, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, _ = run_on_pty(["import", str(big_document(tmp_path / "g.json", 300))])
    assert code == 0
    code, out, shown = run_on_pty(["metrics"])
    assert code == 0, shown
    assert json.loads(out)["network"]["nodes"] == 300
    assert "computing the metrics" in shown
    code, out, shown = run_on_pty(["map", "-o", str(tmp_path / "m.html")])
    assert code == 0, shown
    assert "drawing the network map" in shown and out.startswith("wrote ")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_db_start_shows_its_phases_and_on_failure_the_log(tmp_path: Path) -> None:
    """A start that cannot finish in time (a 4-second budget): the phases were shown, and
    the error names the log and quotes its last lines."""
    env = {
        "GRAPH_SERVICE_NEO4J_HOME": str(tmp_path / "neo4j"),
        "NEO4J_LOCAL_BOLT_PORT": str(_free_port()),
        "NEO4J_LOCAL_START_TIMEOUT": "4",
        "NEO4J_LOCAL_HEAP": "256m",
        "NEO4J_LOCAL_PAGECACHE": "64m",
    }
    code, out, shown = run_on_pty(["db", "start"], env=env)
    assert code == 1
    assert out == ""
    assert "setting the initial password" in shown
    assert "starting Neo4j" in shown and "waiting for Neo4j to answer" in shown
    assert "error: Neo4j was not ready within 4 s" in shown
    log = tmp_path / "neo4j" / "logs"
    assert f"log: {log}" in shown
    assert "failed" in shown
