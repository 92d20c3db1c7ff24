"""Neo4j's own steps of an offline first load, each timed alone: the floor under
``graph-service import --engine offline`` whatever graph-service does before them.

    .venv/bin/python benchmarks/probe_offline_steps.py [--nodes 100000 --ties 1000000]

Writes the bench_import.py graph (one observation per tie) as the importer's CSV files
with graph-service's own writer (not timed here: bench_import.py times it), then, on a
server of its own (home .neo4j-bench/, 2 GB heap, 1 GB page cache, as
``bench_import.py --offline --memory 2g --pagecache 1g``), ``--repeat`` times:

- stop the running server (``local_server.stop``);
- run ``neo4j-admin database import full`` with the arguments graph-service gives it,
  and print the importer's own stage times;
- start the server on the loaded store (until Bolt answers);
- create the constraints and indexes (``cypher/schema/constraints.cypher``, one statement
  at a time as ``apply_schema`` runs them) and wait until every index is online.

Prints each step's median. bench_import.py --offline measures the transactional load in
the same conditions: 5x needs the whole offline load within a fifth of it, so when these
steps alone take longer, no writer of the files reaches 5x. Not a test.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._bench_server import bench_settings, fresh_store  # noqa: E402
from benchmarks.bench_import import synthetic  # noqa: E402
from graph_service.store import local_server  # noqa: E402
from graph_service.store.cypher import statements  # noqa: E402
from graph_service.store.offline_import import (  # noqa: E402
    ImportFiles,
    importer_args,
    write_import_files,
)
from graph_service.store.repository import node_row, tie_row  # noqa: E402

STAGES = re.compile(r"COMPLETED in|IMPORT DONE in")


def _files(args: argparse.Namespace, folder: Path) -> ImportFiles:
    nodes, ties = synthetic(args.nodes, args.ties)
    node_rows = [node_row(n) for n in nodes]
    tie_rows = [tie_row(t) for t in ties]
    for row in (*node_rows, *tie_rows):
        row["props"]["network"] = "probe"
    return write_import_files(folder, node_rows, tie_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--home", type=Path, default=ROOT / ".neo4j-bench")
    args = parser.parse_args()

    from neo4j import GraphDatabase

    settings = bench_settings(args.home, heap="2g", pagecache="1g")
    local_server.stop(settings)
    fresh_store(args.home)
    folder = args.home / "import" / "probe-offline-steps"
    files = _files(args, folder)
    times: dict[str, list[float]] = {"stop": [], "importer": [], "start": [], "schema": []}
    try:
        local_server.start(settings)
        for run in range(args.repeat):
            t = time.perf_counter()
            local_server.stop(settings)
            times["stop"].append(time.perf_counter() - t)

            report = folder / "import.report"
            t = time.perf_counter()
            done = local_server.run_admin_tool(
                settings, importer_args(files, settings.neo4j_database, report, "1g")
            )
            times["importer"].append(time.perf_counter() - t)
            if done.returncode != 0:
                raise SystemExit(f"the importer failed:\n{done.stdout[-2000:]}{done.stderr}")
            stages = [line.strip() for line in done.stdout.splitlines() if STAGES.search(line)]
            print(f"run {run + 1}: importer {times['importer'][-1]:.1f} s; " + "; ".join(stages))

            t = time.perf_counter()
            local_server.start(settings)
            times["start"].append(time.perf_counter() - t)

            auth = (settings.neo4j_user, settings.password())
            with (
                GraphDatabase.driver(settings.bolt_uri, auth=auth) as driver,
                driver.session(database=settings.neo4j_database) as session,
            ):
                t = time.perf_counter()
                for statement in statements("schema/constraints"):
                    session.run(statement).consume()
                session.run("CALL db.awaitIndexes(600)").consume()
                times["schema"].append(time.perf_counter() - t)
            print(
                "  ".join(f"{step} {seconds[-1]:.1f} s" for step, seconds in times.items()),
                flush=True,
            )
    finally:
        local_server.stop(settings)

    print(f"\nNeo4j's own steps of an offline load of {args.nodes:,} nodes, {args.ties:,} ties")
    print(f"(medians of {args.repeat})")
    total = 0.0
    for step, seconds in times.items():
        median = statistics.median(seconds)
        total += median
        print(f"{step:<10} {median:6.1f} s   ({', '.join(f'{s:.1f}' for s in seconds)})")
    print(f"{'together':<10} {total:6.1f} s")


if __name__ == "__main__":
    main()
