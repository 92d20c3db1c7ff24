"""`graph-service serve --workers N` as a user runs it: the workers share the connections
(each listens on its own SO_REUSEPORT socket), a taken port is a clear error, and SIGTERM
stops every worker. Reads /proc to see which worker holds which connection (Linux)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph_service.api import serving
from graph_service.errors import Invalid

EXE = str(Path(sys.executable).parent / "graph-service")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    """The worker processes of the server ``pid`` (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid and b"spawn_main" in command:
                found.append(int(entry.name))
    return found


def _established_inodes(port: int) -> set[str]:
    """Socket inodes of the server's side of the established connections to ``port``."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
            inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


@pytest.fixture()
def two_workers() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    server = subprocess.Popen(
        [EXE, "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.3)
    # both workers listen before the test starts connecting
    while len(_children(server.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(2)
    try:
        yield server, port
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(30)


def test_the_workers_share_the_connections_and_stop_on_sigterm(
    two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    server, port = two_workers
    workers = _children(server.pid)
    assert len(workers) == 2
    clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}") for _ in range(40)]
    try:
        for client in clients:  # 40 keep-alive connections, each used once and held
            assert client.get("/health").status_code == 200
        connections = _established_inodes(port)
        held = {pid: len(_socket_inodes(pid) & connections) for pid in workers}
        assert sum(held.values()) == 40, held
        # hashed among the two sockets: all 40 on one worker has odds of 2 in 2^40
        assert all(count > 0 for count in held.values()), held
    finally:
        for client in clients:
            client.close()
    server.send_signal(signal.SIGTERM)
    assert server.wait(60) == 0
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def test_a_taken_port_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(Invalid, match=f"port {port} on 127.0.0.1 is in use"):
            serving.check_free("127.0.0.1", port)
        result = subprocess.run(
            [EXE, "serve", "--port", str(port), "--workers", "2"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"error: port {port} on 127.0.0.1 is in use" in result.stderr
    assert "Traceback" not in result.stderr
