"""The baseline of ``bench_api.py``: the three hot reads as a plain FastAPI app written the
way most FastAPI + Neo4j examples are (the driver manual's pattern, the movies example):

- plain ``def`` routes (FastAPI runs them in its thread pool);
- one driver per process, a new session per request, a managed read transaction
  (``session.execute_read``, i.e. BEGIN, RUN + PULL, COMMIT);
- ``Record.data()`` for each row, pydantic models built from it, and a
  ``response_model`` through which FastAPI validates and serialises the answer;
- no coalescing of concurrent reads, no documents written straight to JSON.

It is a baseline, not part of the package. So that the two apps give the same answers
(``bench_api.py`` checks that they do) and the figures compare the serving path rather
than the Cypher, it runs the package's own query texts and builds the package's own
models (``node_from_record``, ``tie_from_record``, ``EgoNetwork``, ``PathsResult``);
what it leaves out is everything the package does around them to serve them fast.

Served like ``graph-service serve``: ``--workers`` processes, each with its own
``SO_REUSEPORT`` socket (api/serving.py says why), so that the ratio is the app's and not
the socket's::

    BASELINE_NEO4J_URI=bolt://127.0.0.1:7687 BASELINE_NEO4J_PASSWORD=… \\
        .venv/bin/python benchmarks/baseline_api.py --port 8001 --workers 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from neo4j import Driver, GraphDatabase, ManagedTransaction

from graph_service.filters import TieFilter
from graph_service.model import DEFAULT_NETWORK, Node
from graph_service.services.paths import (
    EgoNetwork,
    EgoNode,
    Hop,
    PathsResult,
    _no_path_note,
)
from graph_service.services.paths import (
    Path as GraphPath,
)
from graph_service.store.cypher import query
from graph_service.store.repository import (
    filtered_query,
    node_from_record,
    tie_from_record,
)

driver: Driver


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    global driver
    driver = GraphDatabase.driver(
        os.environ["BASELINE_NEO4J_URI"],
        auth=(
            os.environ.get("BASELINE_NEO4J_USER", "neo4j"),
            os.environ["BASELINE_NEO4J_PASSWORD"],
        ),
        # The one departure from the examples: the bench graph has no dated ties, and the
        # server's warnings about those properties, logged per request, would slow the
        # baseline for an artefact of the data (graph-service turns them off too).
        notifications_min_severity="OFF",
    )
    yield
    driver.close()


app = FastAPI(title="baseline", lifespan=lifespan)


def _read(text: Any, **params: Any) -> list[dict[str, Any]]:
    # the package's queries answer for one network (docs/networks.md): the default one,
    # as graph-service does for a request without ?network=
    params = {"network": DEFAULT_NETWORK, **params}

    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        return [record.data() for record in tx.run(text, params)]

    with driver.session() as session:
        return session.execute_read(work)


def _get_node(node_id: str) -> Node | None:
    rows = _read(query("nodes/get_node"), id=node_id)
    return node_from_record(rows[0]["label"], rows[0]["props"]) if rows else None


@app.get("/nodes/{node_id}", response_model=Node)
def get_node(node_id: str) -> Node:
    node = _get_node(node_id)
    if node is None:
        raise HTTPException(status_code=404, detail=f"no node with id {node_id}")
    return node


@app.get("/connections/ego/{node_id}", response_model=EgoNetwork)
def ego_network(node_id: str, radius: Annotated[int, Query(ge=1, le=3)] = 1) -> EgoNetwork:
    rows = _read(filtered_query("paths/ego_network", radius), ids=[node_id], **TieFilter().params())
    if not rows:
        raise HTTPException(status_code=404, detail=f"no node with id {node_id}")
    members = [
        EgoNode(node=node_from_record(n["label"], n["props"]), distance=n["distance"])
        for n in rows[0]["nodes"]
    ]
    ties = [
        tie_from_record(t["type"], t["source"], t["target"], t["props"]) for t in rows[0]["ties"]
    ]
    return EgoNetwork(
        center=node_id,
        radius=radius,
        nodes=sorted(members, key=lambda m: (m.distance, m.node.id)),
        ties=sorted(ties, key=lambda t: (t.id, t.type.value)),
    )


@app.get("/connections/paths", response_model=PathsResult)
def k_shortest_paths(
    source: str,
    target: str,
    k: Annotated[int, Query(ge=1, le=10)] = 3,
    max_length: Annotated[int, Query(ge=1, le=8)] = 4,
) -> PathsResult:
    if source == target:
        raise HTTPException(status_code=422, detail="source and target are the same node")
    for node_id in (source, target):
        if _get_node(node_id) is None:
            raise HTTPException(status_code=404, detail=f"no node with id {node_id}")
    params = TieFilter().social_by_default().params()
    rows = _read(
        filtered_query("paths/k_shortest_paths", max_length),
        pairs=[{"source": source, "target": target}],  # the query takes pairs: one here
        k=k,
        **params,
    )
    found = [_path(path) for path in rows[0]["paths"]]
    if found:
        return PathsResult(
            source=source,
            target=target,
            max_length=max_length,
            paths=found,
            shortest_length=found[0].length,
        )
    shortest = rows[0]["shortest"]
    return PathsResult(
        source=source,
        target=target,
        max_length=max_length,
        paths=[],
        shortest_length=shortest,
        note=_no_path_note(max_length, shortest),
    )


def _path(row: dict[str, Any]) -> GraphPath:
    nodes = [node_from_record(n["label"], n["props"]) for n in row["nodes"]]
    hops = [
        Hop(
            from_id=nodes[i].id,
            to_id=nodes[i + 1].id,
            ties=[tie_from_record(t["type"], t["source"], t["target"], t["props"]) for t in hop],
        )
        for i, hop in enumerate(row["hops"])
    ]
    return GraphPath(length=len(hops), nodes=nodes, hops=hops)


def _worker(host: str, port: int) -> None:  # runs in a child process
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    config = uvicorn.Config(app, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    # SIGTERM (bench_api.py stopping it) ends the workers too
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_worker, args=(args.host, args.port)) for _ in range(args.workers)
    ]
    for worker in workers:
        worker.start()
    try:
        for worker in workers:
            worker.join()
    finally:
        for worker in workers:
            worker.terminate()


if __name__ == "__main__":
    main()
