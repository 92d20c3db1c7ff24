"""Deleting a network of a million ties on a server with a 1 GB heap (issue 16): the
delete that ran in transactions of 10,000 nodes failed there ("The memory pool limit was
exceeded"); the purge by counted ties and nodes goes through, after `import --replace`
has made the new contents visible in one step, and a purge killed in the middle is
finished by the next import.

One throwaway server for the module (about a minute to start and fill on the 2-core CI).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
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


def _kill_after(
    cmd: list[str], env: dict[str, str], start: str, then: Callable[[], bool]
) -> list[str]:
    """Run ``cmd``, kill -9 it once it has printed a line starting with ``start`` and
    ``then()`` holds; its stderr lines."""
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 300
    for line in proc.stderr:
        lines.append(line)
        if line.startswith(start) or time.monotonic() > deadline:
            break
    deadline = time.monotonic() + 300
    while not then() and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, lines
    return lines


def _stored(rt: Runtime) -> tuple[int, int]:
    """Every entity and tie in the store, visible or not."""
    with rt.store.session() as session:
        nodes = session.run("MATCH (n:Entity) RETURN count(n) AS n").single()["n"]
        ties = session.run("MATCH (:Entity)-[r]->() RETURN count(r) AS n").single()["n"]
    return int(nodes), int(ties)


def test_replace_of_a_million_ties_on_a_1g_heap_is_bounded_and_resumes(
    big_server: Settings, tmp_path: Path
) -> None:
    """The sample replaces a million ties: visible at once; the old ties are purged in
    bounded batches afterwards, and a purge killed in the middle is finished by the next
    import."""
    sample = tmp_path / "sample.json"
    sample.write_bytes(sample_network_bytes())
    doc = json.loads(sample_network_bytes())
    expected = (len(doc["nodes"]), len(doc["ties"]))
    with Runtime(big_server) as rt:
        rt.ensure_schema()
        fill_store(rt.store, NODES, TIES)
        assert rt.repo.entity_counts() == (NODES, TIES)

        cmd = [CLI, "import", str(sample), "--replace", "--yes"]
        stored = NODES + expected[0], TIES + expected[1]
        first = _kill_after(
            cmd,
            _env(big_server),
            "published; deleting the replaced",
            lambda: _stored(rt)[1] < stored[1],  # a batch of the purge went
        )
        assert rt.repo.entity_counts() == expected  # the sample, visible in one step
        nodes, ties = _stored(rt)
        assert nodes == stored[0] and expected[1] < ties < stored[1], first

        again = subprocess.run(cmd, env=_env(big_server), capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert rt.repo.entity_counts() == expected
        assert _stored(rt) == expected  # the killed purge was finished first
        assert rt.repo.leftovers() == []
