"""Where the time of a bulk import goes: ties written through Neo4j's Java API by a probe
procedure (benchmarks/probes/StoreCostProbe.java, no Cypher) that stops after a given
step, against the service's own import path (Cypher), in the same run.

    .venv/bin/python benchmarks/probe_store_cost.py [--nodes 20000] [--ties 200000]

Compiles the probe with javac against the local server's jars, starts a throwaway server
(home .neo4j-probe/, a free port, the probe as its only plugin, the service's schema),
and prints for each step the ties per second and the server's CPU time per tie (from
/proc: Linux). The ties are those of bench_import.py. Not a test; the probe is never
part of the service.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._bench_server import bench_settings, fresh_store  # noqa: E402
from benchmarks.bench_import import clear_ties, synthetic  # noqa: E402
from graph_service.services.runtime import Runtime  # noqa: E402
from graph_service.store import local_server  # noqa: E402
from graph_service.store.repository import tie_row  # noqa: E402

PROBE = ROOT / "benchmarks" / "probes" / "StoreCostProbe.java"
STEPS = (
    ("noop", "rows cross Bolt into the procedure, nothing else"),
    ("lookup", "+ both ends looked up"),
    ("create", "+ relationship created (no properties)"),
    ("props", "+ its properties set (a whole import)"),
)


def build_probe(lib: Path, plugins: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        classes = Path(tmp) / "classes"
        subprocess.run(
            ["javac", "-d", str(classes), "-cp", f"{lib}/*", str(PROBE)],
            check=True,
        )
        plugins.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "jar",
                "cf",
                str(plugins / "graphservice-store-cost-probe.jar"),
                "-C",
                str(classes),
                ".",
            ],
            check=True,
        )


def server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--ties", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--home", type=Path, default=ROOT / ".neo4j-probe")
    args = parser.parse_args()

    settings = bench_settings(args.home, heap="2g", pagecache="1g")
    jars = local_server.ensure_jars(settings)
    fresh_store(args.home)
    shutil.rmtree(args.home / "plugins", ignore_errors=True)
    build_probe(jars.lib, args.home / "plugins")
    nodes, ties = synthetic(args.nodes, args.ties)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for tie in ties:
        by_type.setdefault(tie.type.value, []).append(tie_row(tie))
    print(f"starting the probe server on port {settings.local_bolt_port} …", file=sys.stderr)
    status = local_server.start(settings)
    assert status.pid is not None
    rows: list[tuple[str, float, float, float]] = []
    try:
        with Runtime(settings) as rt:
            rt.ensure_schema()
            rt.repo.delete_all()
            rt.repo.write_graph(nodes, [])

            def measure(label: str, write: Any) -> None:
                clear_ties(rt)
                client0, server0, t0 = (
                    time.process_time(),
                    server_cpu(status.pid),
                    time.perf_counter(),
                )
                write()
                wall = time.perf_counter() - t0
                server = server_cpu(status.pid) - server0
                client = time.process_time() - client0
                rows.append(
                    (label, len(ties) / wall, server / len(ties) * 1e6, client / len(ties) * 1e6)
                )
                print(f"{label}: {len(ties) / wall:,.0f} ties/s", file=sys.stderr, flush=True)

            for step, label in STEPS:

                def probe(step: str = step) -> None:
                    with rt.store.session() as session:
                        for rel, typed in by_type.items():
                            for start in range(0, len(typed), args.batch):
                                batch = typed[start : start + args.batch]
                                session.execute_write(
                                    lambda tx, rel=rel, batch=batch: tx.run(
                                        "CALL graphservice.probe.writeTies($type, $rows, $step)",
                                        type=rel,
                                        rows=batch,
                                        step=step,
                                    ).consume()
                                )

                measure(f"probe: {label}", probe)
            measure(
                "service import (Cypher UNWIND/MERGE/SET)", lambda: rt.repo.write_graph([], ties)
            )
    finally:
        local_server.stop(settings)

    print(f"\n{len(ties):,} ties onto {len(nodes):,} nodes, batches of {args.batch:,}")
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'ties/s':>8}  {'server µs/tie':>13}  {'client µs/tie':>13}")
    for label, rate, server, client in rows:
        print(f"{label:<{width}}  {rate:>8,.0f}  {server:>13.0f}  {client:>13.0f}")
    full = rows[-1]
    print(
        f"\nservice import / probe with properties: {full[1] / rows[3][1]:.2f}x; "
        f"50,000 ties/s on 2 cores would need at most {2e6 / 50_000:.0f} µs of CPU a tie, "
        "client included"
    )


if __name__ == "__main__":
    main()
