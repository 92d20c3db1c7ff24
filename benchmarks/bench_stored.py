"""Stored graphs against files: ``graph-service metrics`` on a stored graph against
``graph-service analyze`` on the same graph as CSV files, and the read alone.

    .venv/bin/python benchmarks/bench_stored.py                  # 100k nodes, ~1M ties
    .venv/bin/python benchmarks/bench_stored.py --nodes 10000 --repeat 5

The graph is ``benchmarks/synthetic.py``'s network (people in groups, five social tie
types with weights and phases, some directed), its social part only. It is stored with
the project's own import (``import_file``: an edge list and a node table grouped by
``--group-by group``) on a server of its own (home ``.neo4j-bench-stored/``, a free port,
heap 2g and page cache 1g unless ``--heap``/``--pagecache``, no plugins), stopped at the
end. ``analyze`` reads the same graph from CSV files: the node table, and one row per
pair with the pair's summed weight (what ``metrics`` makes of several ties of one pair).

Timed, alternately in the same run, ``repeat`` times each (wall time of the process,
start-up included; one untimed run of each first fills the caches):

- ``graph-service metrics --k 256 -o out.json`` against the stored graph;
- ``graph-service analyze --k 256 --weight weight -o out.json`` on the CSV files.

And in this process: the read alone, ``analysis_graph.project`` (the bulk read: a record
per node with its ties as lists), against the record-per-tie read it replaced (the
reference of tests/integration/test_projection.py), in ties per second. Prints a table
with the medians and the ratios; not a test.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._bench_server import bench_settings, fresh_store  # noqa: E402
from benchmarks.synthetic import SOCIAL_TYPES, synthetic_network  # noqa: E402
from graph_service.config import Settings  # noqa: E402
from graph_service.filters import TieFilter  # noqa: E402
from graph_service.services.analysis_graph import project  # noqa: E402
from graph_service.services.importing.files import import_file  # noqa: E402
from graph_service.services.importing.options import ImportOptions  # noqa: E402
from graph_service.services.runtime import Runtime  # noqa: E402
from graph_service.store import local_server  # noqa: E402

print = functools.partial(print, flush=True)  # the log shows each step as it ends
CLI = str(Path(sys.executable).with_name("graph-service"))
_DIRECTED = frozenset({"ADVISES", "FUNDS"})


def write_files(folder: Path, n_nodes: int, degree: float) -> dict[str, Path]:
    """The import files (nodes, one row per tie) and the analyze files (nodes, one row per
    pair with the summed weight) of the synthetic network's social ties."""
    G, partition, _ = synthetic_network(n_nodes, mean_degree=degree)
    people = [n for n, d in G.nodes(data=True) if d["label"] in ("Actor", "Staff")]
    ties: dict[tuple[str, str, str, str | None], float] = {}
    for u, v, d in G.edges(data=True):
        if d["type"] not in SOCIAL_TYPES:
            continue
        s, t = (d["source"], v if d["source"] == u else u)
        ends = (s, t) if d["type"] in _DIRECTED else tuple(sorted((s, t)))
        # the import merges the rows of one tie (type, ends, phase): keep the first
        ties.setdefault((d["type"], ends[0], ends[1], d["phase"]), d["weight"])
    pairs: dict[tuple[str, str], float] = {}
    for (_, s, t, _), w in ties.items():
        key = (s, t) if s <= t else (t, s)
        pairs[key] = pairs.get(key, 0.0) + w
    paths = {name: folder / f"{name}.csv" for name in ("nodes", "ties", "pairs")}
    with paths["nodes"].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "group"])
        for n in people:
            out.writerow([n, G.nodes[n]["name"], min(partition[n], default="")])
    with paths["ties"].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["source", "target", "type", "weight", "phase"])
        out.writerows((s, t, typ, w, phase or "") for (typ, s, t, phase), w in ties.items())
    with paths["pairs"].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["source", "target", "weight"])
        out.writerows((s, t, w) for (s, t), w in pairs.items())
    print(f"synthetic network: {len(people):,} nodes, {len(ties):,} ties, {len(pairs):,} pairs")
    return paths


def store(settings: Settings, paths: dict[str, Path]) -> int:
    """Import the network with the project's import; the number of stored ties."""
    with Runtime(settings) as rt:
        rt.ensure_schema()
        t0 = time.perf_counter()
        report = import_file(
            rt,
            paths["ties"].read_bytes(),
            paths["ties"].name,
            ImportOptions(group_by="group", weight="weight"),
            nodes=(paths["nodes"].read_bytes(), paths["nodes"].name),
        )
        seconds = time.perf_counter() - t0
    print(f"imported {report.nodes:,} nodes, {report.ties:,} ties in {seconds:.0f} s")
    return int(report.ties)


def time_reads(settings: Settings, repeat: int) -> tuple[int, dict[str, float]]:
    """Ties read and the median seconds of each read: the bulk read as ``metrics`` makes
    it (ends, types and weights), the bulk read with every field of the ties (maps,
    steering) and the record-per-tie read it replaced."""
    from tests.integration.test_projection import reference_projection

    reads = {
        "bulk read, as metrics reads (detail=False)": lambda rt: project(
            rt.repo, TieFilter(), detail=False, types=False
        ),
        "bulk read, every field (maps, steering)": lambda rt: project(rt.repo, TieFilter()),
        "record-per-tie read (the one it replaced)": lambda rt: reference_projection(
            rt, TieFilter()
        ),
    }
    seconds: dict[str, list[float]] = {name: [] for name in reads}
    ties = 0
    with Runtime(settings) as rt:
        for _ in range(repeat + 1):  # the first of each warms the page cache and plans
            for name, read in reads.items():
                t0 = time.perf_counter()
                ties = len(read(rt).ties)
                seconds[name].append(time.perf_counter() - t0)
    return ties, {name: statistics.median(times[1:]) for name, times in seconds.items()}


def same_figures(metrics: dict[str, Any], analyzed: dict[str, Any]) -> bool:
    """The two reports agree on the figures, to 1e-9 (group ids and names differ: the
    store's groups are Group nodes; a pair's weights are summed in another order)."""

    def close(a: Any, b: Any) -> bool:
        if isinstance(a, dict):
            return all(close(a[k], b[k]) for k in b)
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        return bool(a == b)

    keys = ("degree", "betweenness", "constraint", "effective_size", "brokerage")
    for node, row in analyzed["nodes"].items():
        if not all(close(metrics["nodes"][node][k], row[k]) for k in keys):
            return False
    figures = ("nodes", "ties", "bonding", "bridging", "ei", "modularity", "assortativity")
    return all(close(metrics["network"][k], analyzed["network"][k]) for k in figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000, help="nodes of the network")
    parser.add_argument("--degree", type=float, default=21.0, help="mean degree of people")
    parser.add_argument("--repeat", type=int, default=3, help="runs to take the median of")
    parser.add_argument("--home", type=Path, default=ROOT / ".neo4j-bench-stored")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    args = parser.parse_args()

    settings = bench_settings(args.home, heap=args.heap, pagecache=args.pagecache)
    env = {
        **os.environ,
        "GRAPH_SERVICE_NEO4J_HOME": str(args.home),
        "NEO4J_LOCAL_BOLT_PORT": str(settings.local_bolt_port),
        "NEO4J_LOCAL_HEAP": args.heap,
        "NEO4J_LOCAL_PAGECACHE": args.pagecache,
        "NEO4J_LOCAL_PLUGINS": "false",
    }
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        env.pop(name, None)
    os.environ.update(env)  # graph-service processes started below use the bench server
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_files(folder, args.nodes, args.degree)
        fresh_store(args.home)
        print(f"starting the bench server on port {settings.local_bolt_port} …")
        local_server.start(settings)
        try:
            stored = store(settings, paths)
            ties, reads = time_reads(settings, args.repeat)
            timed = bench_commands(folder, paths, args.repeat)
        finally:
            local_server.stop(settings)
    print_table(args.nodes, stored, ties, reads, timed, args.repeat)


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process. The peak comes from
    ``/usr/bin/time``: a child forked from this process (which holds the generated network)
    would report this process's memory as its own."""
    with tempfile.NamedTemporaryFile("r") as out:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", out.name, *cmd], capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
        return wall, int(out.read().split()[-1]) / 1024


def bench_commands(folder: Path, paths: dict[str, Path], repeat: int) -> dict[str, Any]:
    metrics_cmd = [CLI, "metrics", "--k", "256", "-o", str(folder / "metrics.json")]
    analyze_cmd = [
        *(CLI, "analyze", "--edges", str(paths["pairs"]), "--nodes", str(paths["nodes"])),
        *("--group", "group", "--weight", "weight", "--k", "256"),
        *("-o", str(folder / "analyze.json")),
    ]
    run(metrics_cmd)  # untimed: numba's cache, the server's page cache and query plans
    run(analyze_cmd)
    walls: dict[str, list[float]] = {"metrics": [], "analyze": []}
    rss: dict[str, float] = {"metrics": 0.0, "analyze": 0.0}
    for _ in range(repeat):
        for name, cmd in (("metrics", metrics_cmd), ("analyze", analyze_cmd)):
            wall, peak = run(cmd)
            walls[name].append(wall)
            rss[name] = max(rss[name], peak)
    reports = [json.loads((folder / f"{name}.json").read_text()) for name in walls]
    return {
        "metrics": statistics.median(walls["metrics"]),
        "analyze": statistics.median(walls["analyze"]),
        "rss": rss,
        "same": same_figures(*reports),
    }


def print_table(
    nodes: int, stored: int, ties: int, reads: dict[str, float], timed: dict[str, Any], repeat: int
) -> None:
    print(f"\n## {nodes:,}-node synthetic network, {stored:,} stored ties; median of {repeat}")
    print(f"{'':52s} {'wall (s)':>9s} {'peak RSS (MiB)':>15s}")
    for name, what in (
        ("metrics", "graph-service metrics (stored graph)"),
        ("analyze", "graph-service analyze (the same graph, CSV files)"),
    ):
        print(f"{what:52s} {timed[name]:9.2f} {timed['rss'][name]:15,.0f}")
    print(f"ratio metrics / analyze: {timed['metrics'] / timed['analyze']:.2f}x (target <= 1.5x)")
    print(f"same figures in both reports (to 1e-9): {'yes' if timed['same'] else 'NO'}")
    print(f"\nthe read alone, in process: {ties:,} social ties")
    print(f"{'':52s} {'s':>9s} {'ties/s':>15s}")
    for name, seconds in reads.items():
        print(f"{name:52s} {seconds:9.2f} {ties / seconds:15,.0f}")
    first, *_, last = reads.values()
    print(
        f"bulk read (as metrics) / record-per-tie: {last / first:.1f}x (target >= 300,000 ties/s)"
    )


if __name__ == "__main__":
    main()
