"""Benchmark of the metrics layer: ``analyze`` on stochastic block model graphs.

Prints a table. Not a test (nothing here is asserted); run it from the repository root::

    .venv/bin/python benchmarks/bench_metrics.py            # 10k/100k and 100k/1M
    .venv/bin/python benchmarks/bench_metrics.py --small    # 10k/100k only
    .venv/bin/python benchmarks/bench_metrics.py --full-baseline  # no extrapolation
    .venv/bin/python benchmarks/bench_metrics.py --parts    # also time each part at 100k
    .venv/bin/python benchmarks/bench_metrics.py --repeat 3 # median of 3 analyze() calls
    .venv/bin/python benchmarks/bench_metrics.py --growth   # only the growth table
    .venv/bin/python benchmarks/bench_metrics.py --growth --huge  # and 1M nodes / 10M ties
    .venv/bin/python benchmarks/bench_metrics.py --profile 100000 1000000  # parts, one size

The numba kernels (betweenness, local-bridge spans, the permutation test's counting, tie
lookups) are compiled once and cached; the first ``analyze`` of a fresh install includes
about 7 s of compilation, and the first of every process about 0.5 s of loading them
(``--repeat 3`` leaves it out of the median).

Graphs: undirected stochastic block models generated with numpy (networkx's generator is
slow at a million ties): ``n`` nodes in groups of ``group_size``, ``m`` distinct ties,
80 % of them inside groups, the group as the node attribute ``group``.

1. ``analyze`` (the whole suite, betweenness estimated from 256 pivots, 1000
   permutations for the E-I test) on 100k/1M and 10k/100k: wall time of one call, the
   process's max RSS (``--traced`` adds a tracemalloc peak, in a second, slower call),
   and on 10k/100k (100k/1M with ``--parts``) the time of each part.
2. The same suite written with plain networkx on 10k/100k, part by part, and the speed-up.
   Two parts of the networkx suite take hours on that graph: local-bridge spans
   (``nx.local_bridges(with_span=True)``) and the 1000-permutation test in Python. Unless
   ``--full-baseline`` is given, they are timed on a sample (500 local bridges, 20
   permutations) and extrapolated linearly; the table marks those rows ``(extrapolated)``.
3. How cost grows (first, unless ``--no-growth``): ``analyze_indexed`` on the SBM built
   straight into arrays (no networkx graph: at 10M ties one would take over 10 GiB), for
   1k/10k, 10k/100k, 100k/1M and, with ``--huge``, 1M nodes / 10M ties (one call; skipped
   with the reason when less than 8 GiB of memory is available: its peak is about 4.5
   GiB). Each size runs in a process of its own, so its peak RSS (``ru_maxrss``: the
   generated graph included) is its own; the table gives the median time of the calls
   and the first call's time (which includes loading the numba kernels from their
   cache), the median CPU time of the calls (all threads; on a shared machine the wall
   time mostly measures the other work), and how the median grew from the size before
   (each size has 10x the nodes and ties).
4. ``--profile N M``: the parts of ``analyze_indexed`` on the arrays SBM of ``N`` nodes and
   ``M`` ties, one by one, each with its wall and CPU time (CPU: all threads of the
   process; on a shared machine wall time mostly measures the other work, CPU time much
   less) and the process's peak RSS after it: which part grows worse than the graph.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repo root

# the networkx baseline's parts are nx_suite's (bench_cli.py runs that as a plain script)
from benchmarks.nx_suite import brokerage, local_bridge_spans
from graph_service.metrics import analyze
from graph_service.metrics._core import IndexedGraph, group_labels, group_layout, indexed
from graph_service.metrics.brokerage import brokerage_arrays
from graph_service.metrics.centrality import (
    betweenness_array,
    bridging_coefficient_array,
    pivots,
)
from graph_service.metrics.ei import ei_p_value_arrays, ei_range_arrays
from graph_service.metrics.homophily import assortativity_arrays, modularity_arrays
from graph_service.metrics.segregation import dyad_table_arrays
from graph_service.metrics.structural_holes import structural_holes_arrays
from graph_service.metrics.structure import articulation_arrays, local_bridge_arrays
from graph_service.metrics.suite import analyze_indexed
from graph_service.metrics.ties import (
    group_density_arrays,
    group_row_sums,
    node_tie_counts,
    tie_class_array,
)

K_PIVOTS = 256
PERMUTATIONS = 1000


def sbm(n: int, m: int, group_size: int, p_inside: float = 0.8, seed: int = 1) -> nx.Graph:
    """Undirected SBM with ``m`` distinct ties, a share ``p_inside`` inside groups."""
    groups, u, v = sbm_ties(n, m, group_size, p_inside, seed)
    G = nx.Graph()
    G.add_nodes_from((int(i), {"group": f"g{groups[i]}"}) for i in range(n))
    G.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
    return G


def sbm_ties(
    n: int, m: int, group_size: int, p_inside: float = 0.8, seed: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The SBM of :func:`sbm` as arrays: each node's group number, the ties' two ends."""
    rng = np.random.default_rng(seed)
    groups = np.arange(n) // group_size
    rng.shuffle(groups)
    order = np.argsort(groups, kind="stable")
    sizes = np.bincount(groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    keys = np.zeros(0, dtype=np.int64)
    want = m
    while keys.size < m:
        extra = int((want - keys.size) * 1.1) + 100
        inside = rng.random(extra) < p_inside
        block = rng.integers(0, sizes.size, extra)
        u = np.where(
            inside,
            order[starts[block] + (rng.random(extra) * sizes[block]).astype(np.int64)],
            rng.integers(0, n, extra),
        )
        v = np.where(
            inside,
            order[starts[block] + (rng.random(extra) * sizes[block]).astype(np.int64)],
            rng.integers(0, n, extra),
        )
        ok = u != v
        a, b = np.minimum(u[ok], v[ok]), np.maximum(u[ok], v[ok])
        keys = np.unique(np.concatenate([keys, a * n + b]))
    keys = rng.permutation(keys)[:m]
    return groups, keys // n, keys % n


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def parts_fast(G: nx.Graph, partition: dict) -> dict[str, float]:
    """The steps of ``analyze``, timed one by one (same calls as analyze makes, on the
    same group layout)."""
    t: dict[str, float] = {}
    ix, t["arrays (networkx -> numpy)"] = timed(lambda: indexed(G))
    labels = group_labels(ix.nodes, partition)
    ix.layout = group_layout(labels)

    def ties() -> Any:
        cls = tie_class_array(ix, labels)
        node_tie_counts(ix, labels, cls)
        group_row_sums(ix, labels)
        group_density_arrays(ix, labels)
        return cls

    cls, t["ties, E-I, density"] = timed(ties)
    _, t["E-I range, odds ratio, Q"] = timed(
        lambda: (ei_range_arrays(ix, labels, cls), dyad_table_arrays(ix, labels, cls))
    )
    _, t[f"E-I permutation test ({PERMUTATIONS})"] = timed(
        lambda: ei_p_value_arrays(ix, labels, cls, PERMUTATIONS, 42)
    )
    _, t["triangles (igraph)"] = timed(lambda: ix.triangles)
    _, t["brokerage"] = timed(lambda: brokerage_arrays(ix, labels))
    _, t["constraint, eff. size, hierarchy"] = timed(lambda: structural_holes_arrays(ix))
    src = [ix.index[v] for v in pivots(G, K_PIVOTS, 42)]
    _, t[f"betweenness ({K_PIVOTS} pivots) + bridging"] = timed(
        lambda: (betweenness_array(ix, src), bridging_coefficient_array(ix))
    )
    _, t["articulation points + groups"] = timed(lambda: articulation_arrays(ix, labels))
    _, t["bridges, local bridges + spans"] = timed(lambda: local_bridge_arrays(ix))
    _, t["assortativity, modularity"] = timed(
        lambda: (assortativity_arrays(ix, labels), modularity_arrays(ix, labels, False))
    )
    return t


# ----------------------------------------------------------------------------------------
# The same suite with plain networkx (the baseline)


def nx_ties_ei(G: nx.Graph, group: dict) -> None:
    node_counts = {v: [0, 0] for v in G}
    groups: dict[str, list[int]] = {}
    for u, v in G.edges():
        same = group[u] == group[v]
        for x in (u, v):
            node_counts[x][0 if same else 1] += 1
            row = groups.setdefault(group[x], [0, 0])
            row[0 if same else 1] += 1


def nx_permutations(G: nx.Graph, group: dict, count: int) -> None:
    nodes = list(G)
    labels = [group[v] for v in nodes]
    rng = random.Random(42)
    edges = list(G.edges())
    for _ in range(count):
        rng.shuffle(labels)
        perm = dict(zip(nodes, labels, strict=True))
        sum(1 for u, v in edges if perm[u] == perm[v])


def parts_networkx(G: nx.Graph, partition: dict, full: bool) -> dict[str, tuple[float, bool]]:
    group = {v: next(iter(gs)) for v, gs in partition.items()}
    communities: dict[str, set] = {}
    for v, g in group.items():
        communities.setdefault(g, set()).add(v)
    t: dict[str, tuple[float, bool]] = {}
    t["ties, E-I, density"] = (timed(lambda: nx_ties_ei(G, group))[1], False)
    if full:
        t[f"E-I permutation test ({PERMUTATIONS})"] = (
            timed(lambda: nx_permutations(G, group, PERMUTATIONS))[1],
            False,
        )
    else:
        sample = 20
        t[f"E-I permutation test ({PERMUTATIONS})"] = (
            timed(lambda: nx_permutations(G, group, sample))[1] * PERMUTATIONS / sample,
            True,
        )
    t["brokerage"] = (timed(lambda: brokerage(G, group))[1], False)
    t["constraint, eff. size, hierarchy"] = (
        timed(lambda: (nx.constraint(G), nx.effective_size(G)))[1],
        False,
    )
    t[f"betweenness ({K_PIVOTS} pivots) + bridging"] = (
        timed(lambda: nx.betweenness_centrality(G, k=K_PIVOTS, seed=42, normalized=False))[1],
        False,
    )
    t["articulation points + groups"] = (
        timed(lambda: list(nx.articulation_points(G)))[1],
        False,
    )
    t["bridges"] = (timed(lambda: list(nx.bridges(G)))[1], False)
    if full:
        t["local bridges + spans"] = (timed(lambda: local_bridge_spans(G, None))[1], False)
    else:
        sample = 500
        count = {"n": 0}

        def run() -> None:
            count["n"] = local_bridge_spans(G, sample)[1]

        seconds = timed(run)[1]
        t["local bridges + spans"] = (seconds * max(count["n"], sample) / sample, True)
    t["assortativity, modularity"] = (
        timed(
            lambda: (
                nx.attribute_assortativity_coefficient(G, "group"),
                nx.community.modularity(G, list(communities.values())),
            )
        )[1],
        False,
    )
    return t


def measure_analyze(G: nx.Graph, partition: dict) -> float:
    """Wall time of one ``analyze`` call (no tracemalloc: it slows numpy down a lot)."""
    gc.collect()
    start = time.perf_counter()
    analyze(G, partition, k=K_PIVOTS, seed=42, permutations=PERMUTATIONS)
    return time.perf_counter() - start


def traced_peak(G: nx.Graph, partition: dict) -> float:
    """Peak of Python-visible allocations (numpy arrays included) during ``analyze``, MiB."""
    gc.collect()
    tracemalloc.start()
    analyze(G, partition, k=K_PIVOTS, seed=42, permutations=PERMUTATIONS)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


GROWTH = [(1_000, 10_000, 5), (10_000, 100_000, 5), (100_000, 1_000_000, 3)]
HUGE = (1_000_000, 10_000_000, 1)
HUGE_MEMORY_GIB = 8  # the 1M / 10M run peaks at about 4.5 GiB (graph included)


def arrays_graph(n: int, m: int, group_size: int) -> tuple[IndexedGraph, dict]:
    """The SBM of :func:`sbm` as the arrays ``analyze_indexed`` takes, and its partition."""
    groups, u, v = sbm_ties(n, m, group_size)
    ix = IndexedGraph(
        list(range(n)), dict(zip(range(n), range(n), strict=True)), False, u, v, np.ones(m)
    )
    sets = [frozenset({f"g{g}"}) for g in range(int(groups.max()) + 1)]
    return ix, dict(zip(range(n), map(sets.__getitem__, groups.tolist()), strict=True))


def growth_child(n: int, m: int, repeat: int) -> None:
    """One size of the growth table, in this process; prints one JSON line."""
    (ix, partition), gen = timed(lambda: arrays_graph(n, m, 100))
    rss_graph = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    names: list[str | None] = [None] * n
    calls, cpu = [], []
    for _ in range(repeat):
        fresh = IndexedGraph(ix.nodes, ix.index, False, ix.src, ix.dst, ix.w)
        start = time.process_time()
        _, seconds = timed(
            lambda fresh=fresh: analyze_indexed(
                fresh, partition, names, weighted=False, k=K_PIVOTS, permutations=PERMUTATIONS
            )
        )
        calls.append(seconds)
        cpu.append(time.process_time() - start)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    row = {"gen": gen, "calls": calls, "cpu": cpu, "rss_graph": rss_graph, "rss": rss}
    print(json.dumps(row))


def profile_parts(n: int, m: int) -> None:
    """Each part of ``analyze_indexed`` on the arrays SBM, with wall and CPU seconds."""
    (ix, partition), gen = timed(lambda: arrays_graph(n, m, 100))
    print(f"## Parts on {n:,} nodes / {m:,} ties (generated in {gen:.1f} s)")
    print(f"{'part':40s} {'wall (s)':>9s} {'CPU (s)':>9s} {'peak RSS (GiB)':>15s}")
    labels = group_labels(ix.nodes, partition)
    ix.layout = group_layout(labels)
    cls = tie_class_array(ix, labels)
    src = [ix.index[v] for v in pivots(ix.nodes, K_PIVOTS, 42)]
    parts: list[tuple[str, Callable[[], Any]]] = [
        (
            "tie counts, E-I, density",
            lambda: (
                node_tie_counts(ix, labels, cls),
                group_row_sums(ix, labels),
                group_density_arrays(ix, labels),
                ei_range_arrays(ix, labels, cls),
                dyad_table_arrays(ix, labels, cls),
            ),
        ),
        ("skeleton (sorted ties)", lambda: ix.skeleton),
        ("triangles (igraph) and their ties", lambda: ix.triangle_ties),
        ("brokerage", lambda: brokerage_arrays(ix, labels)),
        ("constraint, eff. size, hierarchy", lambda: structural_holes_arrays(ix)),
        ("adjacency in group layout", lambda: ix.laid_out(skeleton=False)),
        (f"betweenness ({K_PIVOTS} pivots)", lambda: betweenness_array(ix, src)),
        ("articulation points, bridges", lambda: articulation_arrays(ix, labels)),
        ("local bridges + spans", lambda: local_bridge_arrays(ix)),
        (
            "assortativity, modularity",
            lambda: (assortativity_arrays(ix, labels), modularity_arrays(ix, labels, False)),
        ),
        (
            f"E-I permutation test ({PERMUTATIONS})",
            lambda: ei_p_value_arrays(ix, labels, cls, PERMUTATIONS, 42),
        ),
    ]
    for name, part in parts:
        wall, cpu = time.perf_counter(), time.process_time()
        part()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"{name:40s} {wall:9.2f} {cpu:9.2f} {rss:15.2f}", flush=True)
    print()


def available_gib() -> float:
    with open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    return 0.0


def growth_table(huge: bool) -> None:
    sizes = GROWTH + ([HUGE] if huge else [])
    print(f"## How cost grows: analyze_indexed, {K_PIVOTS} pivots, {PERMUTATIONS} permutations")
    print(
        f"{'nodes / ties':>22s} {'calls':>5s} {'median (s)':>11s} {'CPU (s)':>8s} "
        f"{'1st call (s)':>13s} {'x before':>9s} {'peak RSS (GiB)':>15s} "
        f"{'graph alone (GiB)':>18s}"
    )
    before = None
    for n, m, repeat in sizes:
        label = f"{n:,} / {m:,}"
        if (n, m, repeat) == HUGE and available_gib() < HUGE_MEMORY_GIB:
            print(
                f"{label:>22s} skipped: {available_gib():.1f} GiB available, "
                f"{HUGE_MEMORY_GIB} GiB wanted"
            )
            continue
        cmd = [sys.executable, __file__, "--growth-child", str(n), str(m), str(repeat)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        median = statistics.median(row["calls"])
        grew = "" if before is None else f"{median / before:8.1f}x"
        before = median
        cpu = statistics.median(row["cpu"])
        print(
            f"{label:>22s} {repeat:5d} {median:11.2f} {cpu:8.2f} {row['calls'][0]:13.2f} "
            f"{grew:>9s} {row['rss']:15.2f} {row['rss_graph']:18.2f}",
            flush=True,
        )
    with open("/proc/loadavg", encoding="ascii") as handle:
        print(f"load average at the end: {' '.join(handle.read().split()[:3])}")
    print()


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--growth-child":
        growth_child(*(int(x) for x in sys.argv[2:]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="only the 10k/100k graph")
    parser.add_argument("--full-baseline", action="store_true", help="no extrapolation")
    parser.add_argument(
        "--parts", action="store_true", help="time each part on the large graph too"
    )
    parser.add_argument(
        "--traced", action="store_true", help="also run analyze() under tracemalloc (slow)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="analyze() calls to take the median of"
    )
    parser.add_argument("--growth", action="store_true", help="only the growth table")
    parser.add_argument("--no-growth", action="store_true", help="no growth table")
    parser.add_argument("--huge", action="store_true", help="growth up to 1M nodes / 10M ties")
    parser.add_argument(
        "--profile", nargs=2, type=int, metavar=("N", "M"), help="time each part at one size"
    )
    args = parser.parse_args()
    if args.profile:
        profile_parts(*args.profile)
        return
    if not args.no_growth:
        growth_table(args.huge)
    if args.growth:
        return
    sizes = ([] if args.small else [(100_000, 1_000_000, 100)]) + [(10_000, 100_000, 100)]
    print(f"analyze: betweenness from {K_PIVOTS} pivots, {PERMUTATIONS} E-I permutations\n")
    for n, m, group_size in sizes:
        G, gen = timed(lambda n=n, m=m, g=group_size: sbm(n, m, g))
        partition = {v: frozenset({d}) for v, d in G.nodes(data="group")}
        print(f"## SBM {n:,} nodes, {m:,} ties, groups of {group_size} (generated in {gen:.1f} s)")
        calls = [measure_analyze(G, partition) for _ in range(max(1, args.repeat))]
        total = statistics.median(calls)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
        fast = parts_fast(G, partition) if (n <= 10_000 or args.parts) else {}
        peak = traced_peak(G, partition) if args.traced else None
        baseline = parts_networkx(G, partition, args.full_baseline) if n <= 10_000 else {}
        print(f"{'part':44s} {'metrics (s)':>12s} {'networkx (s)':>14s}")
        for name, seconds in fast.items():
            ref = baseline.get(name)
            if name == "bridges, local bridges + spans" and baseline:
                ref = (
                    baseline["bridges"][0] + baseline["local bridges + spans"][0],
                    baseline["local bridges + spans"][1],
                )
            shown = "" if ref is None else f"{ref[0]:14.2f}" + (" (extrapolated)" if ref[1] else "")
            print(f"{name:44s} {seconds:12.2f} {shown}")
        label = "one call" if len(calls) == 1 else f"median of {len(calls)} calls"
        print(f"{'analyze() total, ' + label:44s} {total:12.2f}")
        memory = f"max RSS of the process after analyze(): {rss:,.0f} MiB (graph included)"
        if peak is not None:
            memory += f"; tracemalloc peak during analyze(): {peak:,.0f} MiB"
        print(memory)
        if baseline:
            nx_total = sum(seconds for seconds, _ in baseline.values())
            measured = sum(seconds for seconds, extra in baseline.values() if not extra)
            ours_measured = (
                sum(
                    seconds
                    for name, seconds in fast.items()
                    if name in baseline and not baseline[name][1]
                )
                + fast["triangles (igraph)"]
            )
            print(f"networkx suite total: {nx_total:,.1f} s; speed-up {nx_total / total:,.0f}x")
            print(
                f"measured rows only (no extrapolation): networkx {measured:,.1f} s vs "
                f"{ours_measured:,.2f} s, speed-up {measured / ours_measured:,.0f}x"
            )
        print()


if __name__ == "__main__":
    main()
