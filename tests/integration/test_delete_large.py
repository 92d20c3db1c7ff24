"""Deleting a store of a million ties on a server with a 1 GB heap (issue 16): the delete
that ran in transactions of 10,000 nodes failed there ("The memory pool limit was
exceeded"); the delete by counted ties and nodes goes through, through `import --replace`,
and a delete killed in the middle completes when the command runs again.

One throwaway server for the module (about a minute to start and fill on the 2-core CI).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_service.config import Settings
from graph_service.services.importer import sample_network_bytes
from graph_service.services.runtime import Runtime
from tests.integration.big_store import fill_store, throwaway_server

NODES, TIES = 20_000, 1_000_000  # about 100 ties a node: 10,000 nodes carried 1M ties
CLI = str(Path(sys.executable).parent / "graph-service")


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    with throwaway_server(tmp_path_factory.mktemp("big-store"), heap="1g") as settings:
        yield settings


def _env(settings: Settings) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
    }
    env.update(
        GRAPH_SERVICE_NEO4J_HOME=str(settings.local_home),
        NEO4J_LOCAL_BOLT_PORT=str(settings.local_bolt_port),
        NEO4J_LOCAL_HEAP=settings.local_heap,
        NEO4J_LOCAL_PAGECACHE=settings.local_pagecache,
    )
    return env


def _kill_after_first_progress(cmd: list[str], env: dict[str, str]) -> list[str]:
    """Run ``cmd``, kill -9 it once it has reported deleting something; its stderr lines."""
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 300
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("deleted") or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, lines
    return lines


def test_replace_of_a_million_ties_on_a_1g_heap_is_bounded_and_resumes(
    big_server: Settings, tmp_path: Path
) -> None:
    sample = tmp_path / "sample.json"
    sample.write_bytes(sample_network_bytes())
    doc = json.loads(sample_network_bytes())
    with Runtime(big_server) as rt:
        rt.ensure_schema()
        fill_store(rt.store, NODES, TIES)
        assert rt.repo.entity_counts() == (NODES, TIES)

        cmd = [CLI, "import", str(sample), "--replace", "--yes"]
        first = _kill_after_first_progress(cmd, _env(big_server))
        assert any("not atomic" in line for line in first), first
        nodes, ties = rt.repo.entity_counts()
        assert nodes == NODES and 0 < ties < TIES, (nodes, ties)  # cut short, ties first

        again = subprocess.run(cmd, env=_env(big_server), capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert "not atomic" in again.stderr
        assert f"of {ties + NODES:,} (100 %)" in again.stderr
        assert rt.repo.entity_counts() == (len(doc["nodes"]), len(doc["ties"]))
