"""The local Neo4j server: start, stop, status and each failure's one-line error."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_service.config import Settings
from graph_service.errors import LocalServerError
from graph_service.store import local_server

pytestmark = pytest.mark.neo4j


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _other(settings: Settings, tmp_path: Path, **kw: object) -> Settings:
    """A second server's settings: its own home, the shared jar cache, no plugins."""
    values = {
        "local_home": tmp_path / "home",
        "local_cache": settings.local_cache,
        "local_bolt_port": _free_port(),
        "local_plugins": False,
        "local_heap": "512m",
        "local_pagecache": "64m",
        "neo4j_password": None,
    }
    values.update(kw)
    return settings.model_copy(update=values)


def test_status_reports_the_running_test_server(settings: Settings) -> None:
    status = local_server.status(settings)
    assert status.running and status.pid is not None


def test_start_is_idempotent(settings: Settings) -> None:
    status = local_server.start(settings)
    assert status.running and status.message == "already running"


def test_port_in_use_is_refused(settings: Settings, tmp_path: Path) -> None:
    other = _other(settings, tmp_path, local_bolt_port=settings.local_bolt_port)
    with pytest.raises(LocalServerError, match=r"port \d+ on 127.0.0.1 is in use"):
        local_server.start(other)


def test_locked_data_directory_is_refused(settings: Settings, tmp_path: Path) -> None:
    other = _other(settings, tmp_path)
    lock = other.local_home / "data" / "databases" / "store_lock"
    lock.parent.mkdir(parents=True)
    lock.touch()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,sys,time; f=open(sys.argv[1],'r+b'); fcntl.lockf(f, fcntl.LOCK_EX); "
            "print('locked', flush=True); time.sleep(60)",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(LocalServerError, match="is locked by another process"):
            local_server.start(other)
    finally:
        holder.kill()
        holder.wait()


def _path_with(tmp_path: Path, **tools: str) -> str:
    """A PATH holding only the named tools (name -> script body or real path)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in tools.items():
        target = bin_dir / name
        if body.startswith("/"):
            target.symlink_to(body)
        else:
            target.write_text("#!/bin/sh\n" + body + "\n")
            target.chmod(0o755)
    return str(bin_dir)


def test_missing_java_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _path_with(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(LocalServerError, match="Java not found"):
        local_server.check_java()


def test_old_java_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = "echo 'openjdk version \"11.0.21\" 2023-10-17' >&2"
    monkeypatch.setenv("PATH", _path_with(tmp_path, java=fake))
    with pytest.raises(LocalServerError, match="Java 11 found"):
        local_server.check_java()


def test_missing_maven_is_named(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    java = shutil.which("java")
    assert java
    monkeypatch.setenv("PATH", _path_with(tmp_path, java=os.path.realpath(java)))
    other = _other(settings, tmp_path, local_cache=tmp_path / "empty-cache")
    with pytest.raises(LocalServerError, match="Maven not found"):
        local_server.ensure_jars(other)


def test_download_failure_is_named(settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "lib"
    with pytest.raises(LocalServerError, match="download of the Neo4j jars failed"):
        # offline, with an empty local repository: Maven cannot resolve anything
        local_server._maven_copy(
            "server-pom.xml",
            target,
            ["-o", f"-Dmaven.repo.local={tmp_path / 'm2'}"],
            lambda _: None,
        )
    assert not target.exists(), "a failed download leaves no half-filled folder"


def test_server_not_ready_in_time_is_stopped(settings: Settings, tmp_path: Path) -> None:
    other = _other(settings, tmp_path, local_start_timeout=0.5)
    with pytest.raises(LocalServerError, match="not ready within"):
        local_server.start(other)
    assert not local_server.status(other).running
    assert local_server._read_pid(other) is None


def test_restart_keeps_the_data(settings: Settings, tmp_path: Path) -> None:
    from graph_service.services import importer
    from graph_service.services.runtime import Runtime

    other = _other(settings, tmp_path)
    try:
        started = local_server.start(other)
        assert started.running
        assert (other.local_home / "password").stat().st_mode & 0o077 == 0
        with Runtime(other) as rt:
            rt.ensure_schema()
            importer.import_document(
                rt,
                {
                    "format": "graph-service/v1",
                    "nodes": [{"id": "keep", "label": "Actor", "name": "Kept"}],
                },
            )
        assert local_server.stop(other)
        assert not local_server.status(other).running
        local_server.start(other)
        with Runtime(other) as rt:
            assert rt.repo.counts()["nodes"] == {"Actor": 1}
    finally:
        local_server.stop(other)
    assert not local_server.stop(other), "stopping a stopped server reports it"


def test_cli_unreachable_neo4j_is_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "NEO4J_URI": f"bolt://127.0.0.1:{_free_port()}",
        "NEO4J_PASSWORD": "irrelevant",
        "NEO4J_CONNECT_TIMEOUT": "2",
    }
    exe = Path(sys.executable).parent / "graph-service"
    t0 = time.monotonic()
    done = subprocess.run(
        [str(exe), "info"], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: Neo4j is not reachable"), done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - t0 < 60


def test_password_starting_with_a_dash_is_accepted(settings: Settings, tmp_path: Path) -> None:
    from pydantic import SecretStr

    other = _other(settings, tmp_path, neo4j_password=SecretStr("-starts-with-a-dash"))
    jars = local_server.ensure_jars(other)
    (other.local_home / "conf").mkdir(parents=True)
    (other.local_home / "conf" / "neo4j.conf").write_text("")
    local_server._set_initial_password(other, jars)
    assert (other.local_home / "data" / "dbms" / "auth.ini").exists()
    assert other.local_password_file.read_text().strip() == "-starts-with-a-dash"
