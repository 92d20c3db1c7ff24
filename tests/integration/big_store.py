"""Large stores for the tests and benchmarks of deletion and import: a throwaway local
Neo4j with a heap of its own, and a graph of a million ties made server-side in seconds
(an import through the service would take minutes) with the labels and properties the
import writes (repository.node_props, tie_props)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph_service.config import Settings
from graph_service.model import DEFAULT_NETWORK, new_network_key
from graph_service.store import local_server
from graph_service.store.neo4j_store import Neo4jStore

#: Ports for throwaway servers (beside the tests' own one), then any free port.
PORTS = range(7740, 7750)

FILL_NODES = """
UNWIND range(0, $nodes - 1) AS i
CALL (i) {
  CREATE (:Entity:Actor {network: $key, id: 'n' + i, name: 'Node ' + i, sector: 's' + (i % 17)})
} IN TRANSACTIONS OF 5000 ROWS
"""

# Tie j runs from node j % n to the node (1 + (j // n) % (n - 1)) further on: no loops
# and no repeated pair while ties < n * (n - 1); every node gets about 2 * ties / n ties.
FILL_TIES = """
UNWIND range(0, $ties - 1) AS j
CALL (j) {
  WITH j, j % $nodes AS a, (j % $nodes + 1 + (j / $nodes) % ($nodes - 1)) % $nodes AS b
  MATCH (s:Entity {network: $key, id: 'n' + a}) USING INDEX s:Entity(network, id)
  MATCH (t:Entity {network: $key, id: 'n' + b}) USING INDEX t:Entity(network, id)
  CREATE (s)-[:KNOWS {
    network: $key, id: 'KNOWS:n' + a + ':n' + b + ':1', weight: 1.0, phase: '1',
    ev_methods: ['interview'], ev_sources: ['src-' + (j % 1000)], ev_dates: [''],
    ev_confidences: [0.5], evidence_count: 1, method_count: 1, source_count: 1,
    max_confidence: 0.5
  }]->(t)
} IN TRANSACTIONS OF 5000 ROWS
"""


def free_port() -> int:
    for port in [*PORTS, 0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError("no free port")


@contextmanager
def throwaway_server(home: Path, heap: str = "1g", pagecache: str = "512m") -> Iterator[Settings]:
    """A local server of its own in ``home`` (no plugins), stopped at the end."""
    settings = Settings().model_copy(
        update={
            "neo4j_uri": None,
            "neo4j_password": None,
            "local_home": home,
            "local_bolt_port": free_port(),
            "local_heap": heap,
            "local_pagecache": pagecache,
            "local_plugins": False,
            "local_start_timeout": max(Settings().local_start_timeout, 600.0),
            "api_keys": None,
        }
    )
    local_server.start(settings)
    try:
        yield settings
    finally:
        local_server.stop(settings)


def fill_store(store: Neo4jStore, nodes: int, ties: int, network: str = DEFAULT_NETWORK) -> None:
    """Add ``nodes`` Actors (ids n0…) and ``ties`` KNOWS ties among them to ``network``
    (created if needed; the schema must be applied)."""
    rows = store.write("schema/default_network", network=network, new_key=new_network_key())
    key = rows[0]["key"]
    with store.session() as session:
        session.run(FILL_NODES, nodes=nodes, key=key).consume()
        # fresh index statistics before the ties are planned: planned on the statistics of
        # an empty store, the fill ran at ~50 ties/s (15,000/s once they are fresh)
        session.run("CALL db.prepareForReplanning()").consume()
        session.run(FILL_TIES, nodes=nodes, ties=ties, key=key).consume()
