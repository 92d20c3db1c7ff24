"""Imports are all or nothing (issue 12, item 5). An import into an empty or new network,
or one with ``--replace``, is staged: written under a fresh key and published in one
step, at any size; an append into a network that holds data is one transaction up to
IMPORT_ATOMIC_ROWS, and above it says before it starts that it is not atomic. An import
process killed (kill -9) in the middle of a 100k-tie import, staged or not, leaves the
store as it was, byte for byte in its export, and the next import cleans what a killed
staging left."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from graph_service.services import exporter, importer, networks
from graph_service.services.exporter import ExportFormat
from graph_service.services.runtime import Runtime

pytestmark = pytest.mark.neo4j

CLI = str(Path(sys.executable).parent / "graph-service")
NODES, TIES = 10_000, 100_000

# (each leaves itself out: its own text holds what it looks for)
RUNNING_TIE_WRITES = (
    "SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW' "
    "AND currentQuery CONTAINS 'MERGE (s)-[r:' RETURN count(*) AS n"
)
RUNNING_IMPORTS = (
    "SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW' "
    "AND currentQuery CONTAINS 'UNWIND $rows' RETURN count(*) AS n"
)


def _big_document(changed_node: dict[str, Any]) -> dict[str, Any]:
    """NODES new actors, TIES KNOWS ties among them, and one stored node changed."""
    nodes = [{"id": f"big{i}", "label": "Actor", "name": f"Big {i}"} for i in range(NODES)]
    ties = []
    for j in range(TIES):
        a = j % NODES
        b = (a + 1 + (j // NODES)) % NODES
        ties.append({"type": "ADVISES", "source": f"big{a}", "target": f"big{b}"})
    return {"format": "graph-service/v1", "nodes": [changed_node, *nodes], "ties": ties}


def _count(runtime: Any, text: str) -> int:
    with runtime.store.session() as session:
        return int(session.run(text).single()["n"])


def _wait_for(predicate: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_import_killed_in_the_middle_leaves_the_store_as_before(
    empty_graph: Any, tmp_path: Path
) -> None:
    sample = json.loads(importer.sample_network_bytes())
    importer.import_document(empty_graph, sample)
    before = exporter.export(empty_graph, ExportFormat.JSON).content
    changed = {**sample["nodes"][0], "name": "renamed by the killed import"}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(_big_document(changed)))

    proc = subprocess.Popen([CLI, "import", str(path)], env=os.environ.copy())
    try:
        # nodes are written first, in the same transaction; kill once ties are going in
        assert _wait_for(lambda: _count(empty_graph, RUNNING_TIE_WRITES) > 0, 300)
        time.sleep(1.0)
        assert proc.poll() is None, "the import finished before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert _wait_for(lambda: _count(empty_graph, RUNNING_IMPORTS) == 0, 120)
    assert exporter.export(empty_graph, ExportFormat.JSON).content == before


def _stored_entities(runtime: Any) -> int:
    """Every entity in the store, visible or not (a staging's, a retired network's)."""
    return _count(runtime, "MATCH (n:Entity) RETURN count(n) AS n")


def test_import_killed_while_staged_leaves_no_trace_and_is_cleaned_next_time(
    empty_graph: Any, tmp_path: Path
) -> None:
    sample = json.loads(importer.sample_network_bytes())
    importer.import_document(empty_graph, sample)
    before = exporter.export(empty_graph, ExportFormat.JSON).content
    stored = _stored_entities(empty_graph)
    changed = {**sample["nodes"][0], "name": "renamed by the killed import"}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(_big_document(changed)))

    # --replace is staged: batches under a fresh key, published at the end
    proc = subprocess.Popen([CLI, "import", str(path), "--replace", "--yes"], env=os.environ.copy())
    try:
        assert _wait_for(lambda: _count(empty_graph, RUNNING_TIE_WRITES) > 0, 300)
        time.sleep(2.0)  # a few batches of ties committed under the staging key
        assert proc.poll() is None, "the import finished before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert _wait_for(lambda: _count(empty_graph, RUNNING_IMPORTS) == 0, 120)
    assert exporter.export(empty_graph, ExportFormat.JSON).content == before
    assert [n.name for n in networks.list_networks(empty_graph)] == ["default"]
    left = empty_graph.repo.leftovers()
    assert len(left) == 1 and not left[0]["retired"] and left[0]["pid"] == proc.pid
    assert _stored_entities(empty_graph) > stored  # the staging's rows, invisible

    # the next import (into another network) deletes the aborted staging first
    other = empty_graph.on("other")
    importer.import_document(other, sample)
    assert empty_graph.repo.leftovers() == []
    assert _stored_entities(empty_graph) == 2 * stored
    assert exporter.export(empty_graph, ExportFormat.JSON).content == before


def test_a_running_staging_is_not_cleaned(empty_graph: Any) -> None:
    _staging, key = empty_graph.repo.begin_staging(socket.gethostname(), os.getpid())
    networks.clean_leftovers(empty_graph)
    assert [r["key"] for r in empty_graph.repo.leftovers()] == [key]  # this process lives
    empty_graph.repo.abandon_staging(key)
    networks.clean_leftovers(empty_graph)
    assert empty_graph.repo.leftovers() == []


def test_import_above_the_atomic_limit_says_so_before_writing(empty_graph: Any) -> None:
    parsed = importer.parse_document(importer.sample_network_bytes())
    notices: list[str] = []
    report = importer.import_parsed(empty_graph, parsed, on_notice=notices.append)
    assert report.atomic and notices == []

    small = empty_graph.settings.model_copy(update={"import_atomic_rows": 3})
    with Runtime(small) as services:
        # an append into the network that holds the sample cannot be staged
        report = importer.import_parsed(services, parsed, on_notice=notices.append)
        assert not report.atomic
        rows = report.nodes + report.ties
        assert notices == [importer.not_atomic_notice(rows, "default")]
        assert notices[0].startswith(f"adding {rows:,} nodes and ties to network 'default'")
        # a new network, or --replace, is staged: visible in one step whatever the size
        notices.clear()
        assert importer.import_parsed(services.on("new"), parsed, on_notice=notices.append).atomic
        again = importer.import_parsed(services, parsed, replace=True, on_notice=notices.append)
        assert again.atomic and not any("not atomic" in n for n in notices)
