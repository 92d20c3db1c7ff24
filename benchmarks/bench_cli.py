"""Benchmark of ``graph-service analyze`` as a user runs it: a process on CSV files.

Prints a table. Not a test (nothing here is asserted); run it from the repository root::

    .venv/bin/python benchmarks/bench_cli.py                 # 100 nodes and 10k/100k
    .venv/bin/python benchmarks/bench_cli.py --large         # also 100k/1M (no baseline)
    .venv/bin/python benchmarks/bench_cli.py --large --large-baseline  # with it (slow)
    .venv/bin/python benchmarks/bench_cli.py --repeat 7      # median of 7 runs
    .venv/bin/python benchmarks/bench_cli.py --before /tmp/old  # also an older checkout

``--before DIR`` also times, in the same run, the ``analyze`` of the ``graph_service``
package in ``DIR`` (e.g. ``git archive OLD graph_service | tar -x -C DIR``), with the same
interpreter and libraries: the speed-up of a change, measured under the same load.

For each graph (the stochastic block models of ``bench_metrics.py``, written as
``id,group`` nodes and ``source,target`` edges CSV files) it runs, alternately in the same
run, ``repeat`` times each:

- ``graph-service analyze --k 256 -o out.json`` (the whole suite, betweenness from 256
  pivots, 1000 E-I permutations, JSON written to a file);
- ``benchmarks/nx_suite.py``, the same suite as a plain networkx script. On graphs above
  1,000 nodes two of its parts (local-bridge spans, the permutation test) run on a sample
  and are extrapolated linearly, as in ``bench_metrics.py``; the table marks them.

Wall time of each process (start to exit, interpreter start-up and imports included) and
its peak RSS (``os.wait4``'s ``ru_maxrss`` of that child); medians and the ratio. One
``analyze`` run before the timed ones fills the numba cache (its time is printed: on a
fresh install it includes compiling the kernels; every later run loads them).
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_metrics import sbm_ties

ROOT = Path(__file__).resolve().parent.parent
print = functools.partial(print, flush=True)  # the log shows each size as it ends
CLI = [str(Path(sys.executable).with_name("graph-service"))]
NX_SUITE = [sys.executable, str(ROOT / "benchmarks" / "nx_suite.py")]


def write_files(folder: Path, n: int, m: int, group_size: int) -> tuple[Path, Path]:
    groups, u, v = sbm_ties(n, m, group_size)
    nodes, edges = folder / "nodes.csv", folder / "edges.csv"
    ids = np.arange(n)
    with nodes.open("w", encoding="utf-8") as handle:
        handle.write("id,group\n")
        np.savetxt(handle, np.column_stack([ids, groups]), fmt="n%d,g%d")
    with edges.open("w", encoding="utf-8") as handle:
        handle.write("source,target\n")
        np.savetxt(handle, np.column_stack([u, v]), fmt="n%d,n%d")
    return edges, nodes


def run(cmd: list[str], cwd: str | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout of one process (started in ``cwd``)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return wall, usage.ru_maxrss / 1024, out


def bench(
    n: int, m: int, group_size: int, repeat: int, folder: Path, baseline: bool, before: str | None
) -> None:
    edges, nodes = write_files(folder, n, m, group_size)
    ours_cmd = [
        *CLI,
        "analyze",
        *("--edges", str(edges), "--nodes", str(nodes), "--group", "group"),
        *("--k", "256", "-o", str(folder / "ours.json")),
    ]
    sample = n > 1_000
    nx_cmd = [*NX_SUITE, str(edges), str(nodes), "group", str(folder / "nx.json")]
    nx_cmd += ["--sample"] if sample else []
    # ``python -c`` puts its working directory first on sys.path: it runs in ``before``
    old_cmd = [sys.executable, "-c", "from graph_service.cli import app; app()", *ours_cmd[1:]]
    first, _, _ = run(ours_cmd)
    ours: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    old: list[tuple[float, float]] = []
    for _ in range(repeat):
        wall, rss, _ = run(ours_cmd)
        ours.append((wall, rss))
        if before:
            wall, rss, _ = run(old_cmd, before)
            old.append((wall, rss))
        if not baseline:
            continue
        wall, rss, out = run(nx_cmd)
        extra = float(out.strip().splitlines()[-1].split(":")[1])
        base.append((wall + extra, rss))
    t_ours = statistics.median(w for w, _ in ours)
    note = " (2 parts extrapolated)" if sample else ""
    print(f"## SBM {n:,} nodes, {m:,} ties, groups of {group_size}; median of {repeat}")
    print(f"{'':34s} {'wall (s)':>10s} {'peak RSS (MiB)':>15s}")
    print(f"{'graph-service analyze, 1st run':34s} {first:10.2f}")
    print(f"{'graph-service analyze':34s} {t_ours:10.2f} {max(r for _, r in ours):15,.0f}")
    if old:
        t_old = statistics.median(w for w, _ in old)
        print(f"{'the same, --before checkout':34s} {t_old:10.2f} {max(r for _, r in old):15,.0f}")
        print(f"ratio before / now: {t_old / t_ours:,.1f}x")
    if not base:
        print("plain networkx script: not run (see --large-baseline, --no-baseline)\n")
        return
    t_base = statistics.median(w for w, _ in base)
    print(f"{'plain networkx script' + note:34s} {t_base:10.2f} {max(r for _, r in base):15,.0f}")
    print(f"ratio networkx / analyze: {t_base / t_ours:,.1f}x\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 100k nodes / 1M ties")
    parser.add_argument(
        "--large-baseline", action="store_true", help="run the networkx script at 100k/1M too"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs to take the median of")
    parser.add_argument("--before", help="folder holding an older graph_service package")
    parser.add_argument("--no-baseline", action="store_true", help="skip the networkx script")
    parser.add_argument("--max-nodes", type=int, help="only the graphs up to this many nodes")
    args = parser.parse_args()
    sizes = [(100, 400, 10), (10_000, 100_000, 100)]
    if args.large:
        sizes.append((100_000, 1_000_000, 100))
    sizes = [size for size in sizes if args.max_nodes is None or size[0] <= args.max_nodes]
    with tempfile.TemporaryDirectory() as tmp:
        for n, m, group_size in sizes:
            repeat = args.repeat if n <= 10_000 else max(1, args.repeat // 2)
            baseline = not args.no_baseline and (n <= 10_000 or args.large_baseline)
            bench(n, m, group_size, repeat, Path(tmp), baseline, args.before)


if __name__ == "__main__":
    main()
