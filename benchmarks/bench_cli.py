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

Wall time of each process (start to exit, interpreter start-up and imports included), its
CPU time (user + system) and its peak RSS (``os.wait4``'s ``ru_usage`` of that child);
medians and the ratio, and the load average before and after (other work on the machine
stretches the wall time, much less the CPU time). One ``analyze`` run before the timed
ones fills the numba cache and Python's bytecode cache (its time is printed: on a fresh
install it includes compiling the kernels; every later run loads them). The processes run
as a user's Python does, writing and reading bytecode caches, even where the environment
says ``PYTHONDONTWRITEBYTECODE`` (without the cache each run compiles the package's modules
again: about 50 ms of CPU of a 100-node ``analyze``).
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


#: The environment of the timed processes: bytecode cached, as a user's Python does.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], cwd: str | None = None) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS (MiB) and stdout of one process (started in
    ``cwd``)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, env=ENV
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


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
    # ``python -c`` puts its working directory first on sys.path: it runs in ``before``;
    # through the console script's ``main`` where that checkout has one, as ours runs
    old_main = (
        "import sys, graph_service.cli as cli; sys.argv[0] = 'graph-service'; "
        "(getattr(cli, 'main', None) or cli.app)()"
    )
    old_cmd = [sys.executable, "-c", old_main, *ours_cmd[1:]]
    first, *_ = run(ours_cmd)
    ours: list[Timed] = []
    base: list[Timed] = []
    old: list[Timed] = []
    for _ in range(repeat):
        ours.append(run(ours_cmd)[:3])
        if before:
            old.append(run(old_cmd, before)[:3])
        if not baseline:
            continue
        wall, cpu, rss, out = run(nx_cmd)
        extra = float(out.strip().splitlines()[-1].split(":")[1])
        base.append((wall + extra, cpu + extra, rss))
    note = " (2 parts extrapolated)" if sample else ""
    print(f"## SBM {n:,} nodes, {m:,} ties, groups of {group_size}; median of {repeat}")
    print(f"{'':34s} {'wall (s)':>10s} {'CPU (s)':>10s} {'peak RSS (MiB)':>15s}")
    print(f"{'graph-service analyze, 1st run':34s} {first:10.2f}")
    t_ours = _row("graph-service analyze", ours)
    if old:
        t_old = _row("the same, --before checkout", old)
        print(f"ratio before / now: {t_old[0] / t_ours[0]:,.1f}x")
    if not base:
        print("plain networkx script: not run (see --large-baseline, --no-baseline)\n")
        return
    t_base = _row("plain networkx script" + note, base)
    print(
        f"ratio networkx / analyze: {t_base[0] / t_ours[0]:,.1f}x wall, "
        f"{t_base[1] / t_ours[1]:,.1f}x CPU (load average {os.getloadavg()[0]:.1f})\n"
    )


#: (wall s, CPU s, peak RSS MiB) of one process
Timed = tuple[float, float, float]


def _row(name: str, runs: list[Timed]) -> tuple[float, float]:
    """Print the medians of ``runs`` (the largest RSS); the median wall and CPU times."""
    wall = statistics.median(w for w, _, _ in runs)
    cpu = statistics.median(c for _, c, _ in runs)
    print(f"{name:34s} {wall:10.2f} {cpu:10.2f} {max(r for _, _, r in runs):15,.0f}")
    return wall, cpu


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
    print(f"load average (1, 5, 15 min) at the start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        for n, m, group_size in sizes:
            repeat = args.repeat if n <= 10_000 else max(1, args.repeat // 2)
            baseline = not args.no_baseline and (n <= 10_000 or args.large_baseline)
            bench(n, m, group_size, repeat, Path(tmp), baseline, args.before)


if __name__ == "__main__":
    main()
