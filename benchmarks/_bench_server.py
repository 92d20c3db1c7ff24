"""The Neo4j server the import and API benchmarks run on: its own home and port, plugins
off, a fresh store each run (never the demo's or the tests' server)."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from graph_service.config import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_settings(home: Path, heap: str, pagecache: str) -> Settings:
    """Settings of a local server in ``home`` on a free port, without API keys."""
    return Settings().model_copy(
        update={
            "neo4j_uri": None,
            "neo4j_password": None,
            "local_home": home,
            "local_bolt_port": free_port(),
            "local_heap": heap,
            "local_pagecache": pagecache,
            "local_plugins": False,
            "api_keys": None,
        }
    )


def fresh_store(home: Path) -> None:
    """Drop the bench server's database files: emptying a store left over by an
    interrupted run would take longer than the run itself."""
    for folder in ("databases/neo4j", "transactions/neo4j"):
        shutil.rmtree(home / "data" / folder, ignore_errors=True)
