"""Bounds on one request's work (api/limits.py), against a real server on a socket: the
key is checked before the body is read, bodies have a size limit (also when chunked),
analyses have a time limit and stop when it passes or the client leaves, and bad input
that used to be a 500 is a 422 naming the field."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from graph_service.api import create_app, limits
from graph_service.api.auth import hash_key
from graph_service.config import Settings
from tests.api.conftest import KEYS, is_problem

EXE = str(Path(sys.executable).parent / "graph-service")
BODY_LIMIT = 10_000
IMPORT_LIMIT = 100_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live(settings: Settings, runtime: Any) -> Iterator[tuple[FastAPI, int]]:
    """The keyed app served by uvicorn on a loopback port, in a thread of the test."""
    entries = ",".join(f"{role}:{hash_key(key)}" for role, key in KEYS.items())
    app = create_app(
        settings.model_copy(
            update={
                "api_keys": SecretStr(entries),
                "max_body_bytes": BODY_LIMIT,
                "max_import_bytes": IMPORT_LIMIT,
            }
        )
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield app, port
    server.should_exit = True
    thread.join(30)


def _head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _status_and_body(sock: socket.socket, timeout: float = 10) -> tuple[int, bytes]:
    """The answer's status and what followed the head (read until the head is whole)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed without answering"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line[15:])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return int(head[9:12]), rest


def _announce_large_body(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """Announce a 100 MB JSON body, send 1 KB of it, and take the answer: a server that
    reads the body first would wait for the rest and never answer within the timeout."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            _head(
                "POST",
                path,
                {"Content-Type": "application/json", "Content-Length": "100000000", **headers},
            )
        )
        sock.sendall(b'{"id": "x", "label": "Actor", "name": "' + b"a" * 1000)
        return _status_and_body(sock, timeout=10)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"X-API-Key": "not-a-key"}, 401),
        ({"Authorization": "Bearer not-a-key"}, 401),
        ({"X-API-Key": KEYS["reader"]}, 403),
    ],
)
def test_body_of_a_caller_without_the_right_key_is_not_read(
    live: tuple[FastAPI, int], headers: dict[str, str], status: int
) -> None:
    _, port = live
    started = time.monotonic()
    code, body = _announce_large_body(port, "/nodes", headers)
    assert code == status, body
    assert time.monotonic() - started < 5
    assert b'"status":' + str(status).encode() in body


def test_body_over_its_length_limit_is_413_before_it_is_read(live: tuple[FastAPI, int]) -> None:
    _, port = live
    code, body = _announce_large_body(port, "/nodes", {"X-API-Key": KEYS["editor"]})
    assert code == 413
    assert b"GRAPH_SERVICE_MAX_BODY_BYTES" in body and str(BODY_LIMIT).encode() in body


def _chunked(port: int, path: str, size: int, key: str) -> tuple[int, bytes]:
    """Send ``size`` bytes as a chunked body (no Content-Length), 1 KB a chunk, stopping
    early if the server answers; return the answer."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            _head(
                "POST",
                path,
                {
                    "Content-Type": "application/json",
                    "Transfer-Encoding": "chunked",
                    "X-API-Key": key,
                },
            )
        )
        sent = 0
        try:
            while sent < size:
                sock.sendall(b"400\r\n" + b" " * 1024 + b"\r\n")
                sent += 1024
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed before the end: what a limit does
        return _status_and_body(sock)


def test_chunked_body_over_the_limit_is_413(live: tuple[FastAPI, int]) -> None:
    _, port = live
    code, body = _chunked(port, "/nodes", BODY_LIMIT * 3, KEYS["editor"])
    assert code == 413, body
    assert b"GRAPH_SERVICE_MAX_BODY_BYTES" in body


def test_imports_have_their_own_larger_limit(live: tuple[FastAPI, int]) -> None:
    _, port = live
    headers = {"X-API-Key": KEYS["editor"]}
    nodes = [
        {"id": f"n{i}", "label": "Actor", "name": f"Actor number {i}", "attributes": {}}
        for i in range(600)
    ]
    doc = {"format": "graph-service/v1", "nodes": nodes, "ties": []}
    within = httpx.post(
        f"http://127.0.0.1:{port}/import?dry_run=true", json=doc, headers=headers, timeout=30
    )
    assert BODY_LIMIT < len(within.request.content) < IMPORT_LIMIT
    assert within.status_code == 200, within.text
    assert within.json()["nodes"] == 600
    code, body = _chunked(port, "/import", IMPORT_LIMIT + 4096, KEYS["editor"])
    assert code == 413
    assert b"GRAPH_SERVICE_MAX_IMPORT_BYTES" in body


def test_a_body_within_the_limit_passes(live: tuple[FastAPI, int], empty_graph: Any) -> None:
    _, port = live
    node = {"id": "small", "label": "Actor", "name": "Small"}
    answer = httpx.post(
        f"http://127.0.0.1:{port}/nodes", json=node, headers={"X-API-Key": KEYS["editor"]}
    )
    assert answer.status_code == 201, answer.text


def test_openapi_declares_the_limits(live: tuple[FastAPI, int]) -> None:
    app, _ = live
    paths = app.openapi()["paths"]
    assert "413" in paths["/nodes"]["post"]["responses"]
    assert "413" in paths["/import"]["post"]["responses"]
    for path in ("/maps", "/metrics", "/export", "/steering/evidence", "/steering/report"):
        assert "504" in paths[path]["get"]["responses"], path
    assert "504" not in paths["/nodes"]["post"]["responses"]


# --- time ----------------------------------------------------------------------------------


#: How long a cancelled analysis may take to end: the C call under way when it is
#: cancelled (a layout, a kernel) finishes first; on 2 busy cores that took over 5 s.
CANCEL_SECONDS = 20


@pytest.fixture(scope="module")
def large_graph(runtime: Any) -> Iterator[Any]:
    """3,000 nodes and about 16,000 ties: a map of it takes several seconds."""
    from benchmarks.bench_api import synthetic

    runtime.repo.delete_all()
    runtime.repo.write_graph(*synthetic(3000, 9))
    yield runtime
    runtime.repo.delete_all()


def _with_timeout(app: FastAPI, seconds: float) -> Settings:
    previous: Settings = app.state.settings
    app.state.settings = previous.model_copy(update={"analysis_timeout": seconds})
    return previous


def _open_transactions(runtime: Any) -> list[dict[str, Any]]:
    """The transactions open in Neo4j, other than this one."""
    with runtime.store.session() as session:
        rows = session.run(
            "SHOW TRANSACTIONS YIELD transactionId, currentQuery, status, elapsedTime, "
            "clientAddress"
        ).data()
    return [r for r in rows if "SHOW TRANSACTIONS" not in r["currentQuery"]]


def _settles(condition: Any, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/maps", 0.5),
        ("/metrics", 0.5),
        ("/steering/evidence", 0.2),
        ("/export?format=graphml", 0.05),
    ],
)
def test_analysis_past_its_limit_is_504_and_stops(
    live: tuple[FastAPI, int], large_graph: Any, path: str, limit: float
) -> None:
    app, port = live
    previous = _with_timeout(app, limit)
    try:
        started = time.monotonic()
        answer = httpx.get(
            f"http://127.0.0.1:{port}{path}", headers={"X-API-Key": KEYS["reader"]}, timeout=60
        )
        took = time.monotonic() - started
    finally:
        app.state.settings = previous
    body = is_problem(answer, 504)
    assert "ANALYSIS_TIMEOUT" in body["detail"] and f"{limit:g} s" in body["detail"]
    assert took < limit + 2.0
    # the work stops too: the worker thread ends, Neo4j holds no transaction of it. The
    # cancellation lands between Python steps, so a C call under way (an igraph layout of
    # the 3,000 nodes, a numpy kernel) finishes first: seconds, not the whole analysis
    # (docs/api.md, Limits)
    assert _settles(lambda: limits.running() == 0, CANCEL_SECONDS)
    assert _settles(lambda: not _open_transactions(large_graph), 5), _open_transactions(large_graph)


def test_analysis_stops_when_the_client_leaves(live: tuple[FastAPI, int], large_graph: Any) -> None:
    app, port = live
    previous = _with_timeout(app, 120)
    try:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(_head("GET", "/maps", {"X-API-Key": KEYS["reader"]}))
            assert _settles(lambda: limits.running() == 1, 5)
            time.sleep(0.5)
        left = time.monotonic()
        assert _settles(lambda: limits.running() == 0, CANCEL_SECONDS)
        assert time.monotonic() - left < CANCEL_SECONDS
        assert _settles(lambda: not _open_transactions(large_graph), 5)
    finally:
        app.state.settings = previous


# --- bad input that was a 500 ------------------------------------------------------------------


def test_integer_over_64_bits_in_an_attribute_is_422(
    live: tuple[FastAPI, int], empty_graph: Any
) -> None:
    _, port = live
    headers = {"X-API-Key": KEYS["editor"]}
    node = {"id": "big", "label": "Actor", "name": "Big", "attributes": {"size": 2**70}}
    doc = {"format": "graph-service/v1", "nodes": [node], "ties": []}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
        body = is_problem(client.post("/nodes", json=node), 422)
        assert "attributes.size" in body["detail"] and "64 bits" in body["detail"]
        body = is_problem(client.post("/import", json=doc), 422)
        assert "size" in body["detail"] and "64 bits" in body["detail"]
        files = {
            "nodes": ("nodes.csv", f"id,label,name,size\nbig,Actor,Big,{2**70}\n"),
            "ties": ("ties.csv", "type,source,target\n"),
        }
        body = is_problem(client.post("/import/csv", files=files), 422)
        assert "nodes.csv line 2" in body["detail"] and "64 bits" in body["detail"]
        # the keep-alive connection still serves
        assert client.get("/health").status_code == 200
    assert empty_graph.repo.get_node("big") is None


def test_cypher_parameters_nested_too_deep_are_422(live: tuple[FastAPI, int]) -> None:
    _, port = live
    nested: Any = 1
    for _ in range(500):
        nested = [nested]
    answer = httpx.post(
        f"http://127.0.0.1:{port}/cypher",
        json={"query": "RETURN $p AS p", "parameters": {"p": nested}},
        headers={"X-API-Key": KEYS["reader"]},
    )
    body = is_problem(answer, 422)
    assert "parameters" in body["detail"] and "nested deeper than 32" in body["detail"]


# --- the process: memory bound and SIGTERM ----------------------------------------------------

#: The documented bound of the API process's memory (docs/api.md, Limits), defaults on.
MEMORY_BOUND_MB = 1536


@pytest.fixture(scope="module")
def served_large_graph(runtime: Any) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """``graph-service serve`` (a process of its own) over 10,000 nodes and 60,000 ties."""
    from benchmarks.bench_api import synthetic

    runtime.repo.delete_all()
    runtime.repo.write_graph(*synthetic(10_000, 10))
    port = _free_port()
    env = {**os.environ, "ANALYSIS_TIMEOUT": "30", "GRAPH_SERVICE_SHUTDOWN_TIMEOUT": "2"}
    env.pop("GRAPH_SERVICE_API_KEYS", None)
    server = subprocess.Popen([EXE, "serve", "--port", str(port)], env=env)
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, "the API did not start"
        time.sleep(0.3)
    try:
        yield server, port
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(30)
        runtime.repo.delete_all()


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_heavy_routes_stay_under_the_memory_bound(
    served_large_graph: tuple[subprocess.Popen[bytes], int],
) -> None:
    server, port = served_large_graph
    statuses: dict[str, int] = {}

    def get(path: str) -> None:
        statuses[path] = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=120).status_code

    # six analyses asked at once (a client's burst): two run (ANALYSIS_CONCURRENCY), the
    # others wait for a slot within their time limit (all six at once would each hold
    # a copy of the graph)
    paths = (
        "/maps",
        "/metrics",
        "/steering/evidence",
        "/maps?size_by=betweenness",
        "/metrics?directed=true",
        "/steering/recommendations",
    )
    threads = [threading.Thread(target=get, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert set(statuses.values()) <= {200, 504}, statuses
    peak = _peak_rss_mb(server.pid)
    print(f"peak RSS of the API process: {peak:.0f} MB; answers {statuses}")
    assert peak < MEMORY_BOUND_MB


def test_sigterm_stops_the_server_with_an_analysis_in_flight(
    served_large_graph: tuple[subprocess.Popen[bytes], int],
) -> None:
    server, port = served_large_graph
    answers: list[Any] = []

    def get() -> None:
        try:
            answers.append(httpx.get(f"http://127.0.0.1:{port}/maps", timeout=60).status_code)
        except httpx.HTTPError as exc:
            answers.append(exc)

    thread = threading.Thread(target=get)
    thread.start()
    time.sleep(1.5)  # the map is being made
    assert not answers
    stopped = time.monotonic()
    server.send_signal(signal.SIGTERM)
    server.wait(30)
    took = time.monotonic() - stopped
    thread.join(30)
    assert took < 2 + 3, f"the server took {took:.1f} s to stop"
    # uvicorn ends by re-raising the signal it handled (one worker), or exits 0 (several)
    assert server.returncode in (0, -signal.SIGTERM)
