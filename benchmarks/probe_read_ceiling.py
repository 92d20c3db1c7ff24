"""How fast can the stored graph be read at all? The server's own share of the bulk read.

    .venv/bin/python benchmarks/probe_read_ceiling.py            # after bench_stored.py

Runs on the store ``benchmarks/bench_stored.py`` leaves in ``.neo4j-bench-stored/`` (its
server is started again, same heap and page cache; the store is not changed) and times,
``--repeat`` times each after one warm-up, median:

- the bulk read as ``graph-service metrics`` makes it (``project(..., detail=False, types=False)``),
  every record fetched and decoded by the driver;
- the same query, its records discarded by the server (``Result.consume()``: Bolt's
  DISCARD, nothing serialised or sent): what the server itself spends on the read;
- each social tie of the network's nodes with its target's id, its type and its weight,
  summed into one row by the server (no lists, no filter, no records);
- the least a read the metrics can use asks: each tie's target as the server's internal
  id (no property read) and its weight, as one list per node, fetched; and the same
  summed into one row by the server;
- the same traversal counting the ties only (no property read).

If the server alone takes longer than ties / 300,000 s, no client design reaches the
300,000 ties/s of issue 14 on this machine. Not a test; prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._bench_server import bench_settings  # noqa: E402
from graph_service.filters import TieFilter  # noqa: E402
from graph_service.model import SOCIAL_TYPES  # noqa: E402
from graph_service.services.analysis_graph import PROJECTION_BATCH, SOCIAL_LABELS, project  # noqa: E402
from graph_service.services.runtime import Runtime  # noqa: E402
from graph_service.store import local_server  # noqa: E402
from graph_service.store.repository import filtered_query  # noqa: E402

SUM_ROW = """
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})-[s]->(b:Entity)
WHERE type(s) IN $social
RETURN count(s) AS ties, sum(size(b.id)) AS id_chars, count(type(s)) AS types,
       sum(coalesce(s.weight, 1.0)) AS weight
"""

LEAST_FETCHED = """
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})
RETURN id(a) AS a,
       [(a)-[s]->(b:Entity) WHERE type(s) IN $social | [id(b), coalesce(s.weight, 1.0)]] AS ties
"""

LEAST_SUMMED = """
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})-[s]->(b:Entity)
WHERE type(s) IN $social
RETURN count(s) AS ties, sum(id(b)) AS ends, sum(coalesce(s.weight, 1.0)) AS weight
"""

COUNT_ONLY = """
MATCH (net:Network {name: $network})
MATCH (a:Entity {network: net.key})-[s]->(:Entity)
WHERE type(s) IN $social
RETURN count(s) AS ties
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=ROOT / ".neo4j-bench-stored")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = bench_settings(args.home, args.heap, args.pagecache)
    print(f"starting the server of {args.home} …", flush=True)
    local_server.start(settings, lambda line: None)
    try:
        with Runtime(settings) as rt:
            social = sorted(t.value for t in SOCIAL_TYPES)
            params: dict[str, Any] = {
                "network": rt.repo.network,
                **TieFilter().params(TieFilter().social_types()),
                "labels": [label.value for label in SOCIAL_LABELS],
                "social": social,
                "batch": PROJECTION_BATCH,
                "detail": False,
                "types": False,
                "part": 0,
                "parts": 1,
            }
            text = filtered_query("analysis/project_graph")

            def server(query: str, **extra: Any) -> Callable[[], int]:
                def run() -> int:
                    with rt.store.session() as session:
                        session.run(query, {**params, **extra}).consume()
                    return 0

                return run

            def one_row(query: str) -> Callable[[], int]:
                def run() -> int:
                    with rt.store.session() as session:
                        return int(session.run(query, params).single()["ties"])

                return run

            def fetched(query: str) -> Callable[[], int]:
                def run() -> int:
                    with rt.store.session() as session:
                        return sum(len(r["ties"]) for r in session.run(query, params))

                return run

            ties = one_row(COUNT_ONLY)()
            probes: dict[str, Callable[[], Any]] = {
                "bulk read as metrics makes it, fetched (project, detail=False)": lambda: project(
                    rt.repo, TieFilter(), detail=False, types=False
                ),
                "the same query, discarded by the server (no transfer)": server(text),
                "each tie's target id, type and weight, summed into one row": one_row(SUM_ROW),
                "the least the metrics need: internal ids and weights, fetched": fetched(
                    LEAST_FETCHED
                ),
                "the same, summed into one row by the server": one_row(LEAST_SUMMED),
                "the traversal alone, counting the ties": one_row(COUNT_ONLY),
            }
            print(f"{ties:,} social ties; median of {args.repeat} after a warm-up", flush=True)
            print(f"{'read':<66} {'s':>7} {'ties/s':>10}")
            for name, probe in probes.items():
                times = []
                for _ in range(args.repeat + 1):
                    started = time.perf_counter()
                    probe()
                    times.append(time.perf_counter() - started)
                took = statistics.median(times[1:])
                print(f"{name:<66} {took:>7.2f} {ties / took:>10,.0f}", flush=True)
    finally:
        local_server.stop(settings, lambda line: None)


if __name__ == "__main__":
    main()
