"""Errors as problem+json; Neo4j unavailable is 503 with Retry-After, and the app recovers
by itself once Neo4j answers again.

Outages are made by a TCP relay in front of the test server that the test cuts and
restores: from the driver's side that is what a stopped server looks like (connection
refused, pooled connections dropped), in a second instead of the ~25 s a real server
start takes on this machine.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from graph_service.api import create_app
from tests.api.conftest import is_problem

pytestmark = pytest.mark.neo4j


def test_not_found_and_method_problems(client: Any) -> None:
    body = is_problem(client.get("/no/such/path"), 404)
    assert body["instance"] == "/no/such/path"
    is_problem(client.put("/health"), 405)


def test_request_validation_is_422_naming_fields(client: Any) -> None:
    body = is_problem(client.get("/nodes", params={"limit": 0, "offset": -1}), 422)
    fields = {(e["record"], e["field"]) for e in body["errors"]}
    assert fields == {("query", "limit"), ("query", "offset")}
    body = is_problem(client.post("/actors", json={"id": "x"}), 422)
    assert body["errors"][0] == {"record": "body", "field": "name", "message": "Field required"}


class Relay:
    """A TCP relay 127.0.0.1:port -> 127.0.0.1:target that can be cut and restored."""

    def __init__(self, target: int) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self._listener is not None:
            # shutdown wakes the accept() of the relay thread (close alone would not)
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for s in self._open:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._open.clear()


def _eventually(call: Any, status: int, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        answer = call()
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def test_unavailable_is_503_and_the_app_recovers_without_restart(
    settings: Any, empty_graph: Any
) -> None:
    relay = Relay(settings.local_bolt_port)
    relayed = settings.model_copy(
        update={
            "neo4j_uri": f"bolt://127.0.0.1:{relay.port}",
            "neo4j_password": SecretStr(settings.password()),
            "neo4j_connect_timeout": 2.0,
            "neo4j_retry_time": 1.0,
            "api_keys": None,
        }
    )
    try:
        with TestClient(create_app(relayed)) as client:
            # the app starts while Neo4j is away
            assert client.get("/health").status_code == 200
            answer = client.get("/ready")
            body = is_problem(answer, 503)
            assert int(answer.headers["retry-after"]) > 0 and "Neo4j" in body["detail"]
            is_problem(client.get("/nodes"), 503)
            relay.start()
            assert _eventually(lambda: client.get("/ready"), 200).status_code == 200
            assert client.post("/actors", json={"id": "r1", "name": "R"}).status_code == 201
            relay.stop()
            answer = _eventually(lambda: client.get("/nodes/r1"), 503)
            is_problem(answer, 503)
            assert "retry-after" in answer.headers
            relay.start()
            answer = _eventually(lambda: client.get("/nodes/r1"), 200)
            assert answer.status_code == 200 and answer.json()["id"] == "r1"
    finally:
        relay.stop()
