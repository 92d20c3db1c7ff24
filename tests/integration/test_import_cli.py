"""Issue 13 on the command line: one command per file, a preview, nothing replaced unasked."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph_service.cli import app
from tests.conftest import DATASETS

pytestmark = pytest.mark.neo4j
runner = CliRunner()
KARATE = [
    "import",
    str(DATASETS / "karate_igraphdata_edges.csv"),
    "--nodes",
    str(DATASETS / "karate_igraphdata_nodes.csv"),
    "--group-by",
    "Faction",
]


def test_import_cli_dry_run_previews_and_writes_nothing(empty_graph: Any) -> None:
    result = runner.invoke(app, [*KARATE, "--dry-run"])
    assert result.exit_code == 0, result.output
    for line in (
        "34 Actor nodes",
        "2 Group nodes",
        "78 KNOWS ties",
        "34 MEMBER_OF ties",
        "groups (members): Faction 1 (16), Faction 2 (18)",
        "column 'Faction' is stored as 'faction'",
        '{"id": "1", "label": "Actor", "name": "Mr Hi", "attributes": {"faction": 1}}',
    ):
        assert line in result.output
    assert empty_graph.repo.counts() == {"nodes": {}, "ties": {}}


def test_import_cli_replace_without_terminal_refuses(empty_graph: Any) -> None:
    assert runner.invoke(app, KARATE).exit_code == 0
    refused = runner.invoke(app, [*KARATE, "--replace"])
    assert refused.exit_code == 2
    assert refused.output.strip().startswith(
        "error: --replace replaces every node and tie of network 'default'"
    )
    assert len(refused.output.strip().splitlines()) == 1
    assert runner.invoke(app, [*KARATE, "--replace", "--yes"]).exit_code == 0


def test_import_cli_merge_arcs_and_forced_encoding(empty_graph: Any, tmp_path: Path) -> None:
    lazega = [
        "import",
        str(DATASETS / "lazega_advice_edges.csv"),
        "--nodes",
        str(DATASETS / "lazega_advice_nodes.csv"),
    ]
    refused = runner.invoke(app, lazega)
    assert refused.exit_code == 2 and "892 arcs would become 717" in refused.output
    merged = runner.invoke(app, [*lazega, "--merge-arcs"])
    assert merged.exit_code == 0 and "892 arcs merged into 717" in merged.output
    latin = tmp_path / "e.csv"
    latin.write_bytes("source;target\nMüller;Zoë\n".encode("latin-1"))
    forced = runner.invoke(app, ["import", str(latin), "--encoding", "utf-8"])
    assert forced.exit_code == 2
    assert forced.output.startswith("error: e.csv is not utf-8: byte 0xfc at line 2")
    assert runner.invoke(app, ["import", str(latin)]).exit_code == 0
    assert empty_graph.repo.get_node("Zo") is None
    assert empty_graph.repo.get_node("M-ller") is None and empty_graph.repo.get_node("Muller")


def test_analyze_reads_latin1_semicolon_files(tmp_path: Path) -> None:
    nodes = tmp_path / "n.csv"
    edges = tmp_path / "e.csv"
    nodes.write_bytes("id;name;grp\na;Müller;x\nb;Zoë;y\n".encode("latin-1"))
    edges.write_bytes(b"source;target\na;b\n")
    result = runner.invoke(
        app, ["analyze", "--edges", str(edges), "--nodes", str(nodes), "--group", "grp"]
    )
    assert result.exit_code == 0, result.output
    assert '"ei": 1.0' in result.output


def _export(network: str, tmp_path: Path) -> bytes:
    out = tmp_path / f"{network}.json"
    result = runner.invoke(app, ["export", "-f", "json", "-o", str(out), "--network", network])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_demo_twice_leaves_the_user_s_network_byte_identical(
    empty_graph: Any, tmp_path: Path
) -> None:
    out = str(tmp_path / "map.html")
    assert runner.invoke(app, [*KARATE, "--network", "mine"]).exit_code == 0
    assert runner.invoke(app, KARATE).exit_code == 0  # and one in the default network
    before = _export("mine", tmp_path), _export("default", tmp_path)
    for _ in range(2):
        result = runner.invoke(app, ["demo", "--no-serve", "-o", out])
        assert result.exit_code == 0, result.output
        assert "sample network loaded: 94 nodes" in result.output
    assert (_export("mine", tmp_path), _export("default", tmp_path)) == before
    assert sum(empty_graph.on("sample").repo.counts()["nodes"].values()) == 94


def test_demo_checks_its_port_before_writing(empty_graph: Any, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["demo", "--port", str(port), "-o", str(tmp_path / "m")])
    assert result.exit_code == 2 and f"port {port}" in result.output
    assert empty_graph.repo.counts() == {"nodes": {}, "ties": {}}


def test_import_cli_replace_on_a_terminal_asks(empty_graph: Any, monkeypatch: Any) -> None:
    from graph_service.cli import common

    assert runner.invoke(app, KARATE).exit_code == 0
    monkeypatch.setattr(common, "interactive", lambda: True)
    no = runner.invoke(app, [*KARATE, "--replace"], input="n\n")
    assert "replaces every node and tie of network 'default'. Go on?" in no.output
    assert no.exit_code == 2 and "not confirmed" in no.output
    yes = runner.invoke(app, [*KARATE, "--replace"], input="y\n")
    assert yes.exit_code == 0 and "imported: 36 nodes, 112 ties" in yes.output


def test_demo_names_the_server_of_neo4j_uri(
    empty_graph: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from graph_service.config import get_settings

    local = get_settings()
    monkeypatch.setenv("NEO4J_URI", local.bolt_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", local.local_password_file.read_text().strip())
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["demo", "--no-serve", "-o", str(tmp_path / "m.html")])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"writing the sample network to network 'sample' of {local.bolt_uri} (NEO4J_URI)"
    )
