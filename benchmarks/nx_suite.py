"""The baseline of ``bench_cli.py``: the ``analyze`` suite as a plain networkx script.

What an analyst would write without this package: read the CSV files with the standard
library into a networkx graph, compute the same measures with networkx (and Python loops
where networkx has none: tie counts, E-I and its permutation test, Gould-Fernandez
brokerage), write the results as JSON with the standard library. Imports only networkx
and the standard library, so its start-up is that of such a script::

    python benchmarks/nx_suite.py EDGES NODES GROUP OUT [--sample]

With ``--sample`` the two parts that take hours on large graphs (the local-bridge spans,
the 1000-permutation E-I test) run on a sample (500 local bridges, 20 permutations) and
the script prints, on its last line, ``extrapolated-extra-seconds: X``: the time the
full parts would have added (linear extrapolation), which ``bench_cli.py`` adds to the
wall time.
"""

from __future__ import annotations

import contextlib
import csv
import json
import random
import sys
import time
from typing import Any

import networkx as nx

K_PIVOTS = 256
PERMUTATIONS = 1000
SAMPLE_PERMUTATIONS = 20
SAMPLE_SPANS = 500


def read(edges: str, nodes: str, group_attr: str) -> tuple[nx.Graph, dict[str, str]]:
    G = nx.Graph()
    group: dict[str, str] = {}
    with open(nodes, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            G.add_node(row["id"], **row)
            group[row["id"]] = row[group_attr]
    with open(edges, newline="", encoding="utf-8") as handle:
        G.add_edges_from((row["source"], row["target"]) for row in csv.DictReader(handle))
    return G, group


def tie_counts(G: nx.Graph, group: dict[str, str]) -> dict[str, list[int]]:
    counts = {v: [0, 0] for v in G}
    for u, v in G.edges():
        same = group[u] == group[v]
        for x in (u, v):
            counts[x][0 if same else 1] += 1
    return counts


def ei_p_value(G: nx.Graph, group: dict[str, str], count: int) -> float:
    nodes = list(G)
    labels = [group[v] for v in nodes]
    edges = list(G.edges())
    observed = sum(1 for u, v in edges if group[u] != group[v])
    rng = random.Random(42)
    hits = 0
    for _ in range(count):
        rng.shuffle(labels)
        perm = dict(zip(nodes, labels, strict=True))
        hits += sum(1 for u, v in edges if perm[u] != perm[v]) >= observed
    return (hits + 1) / (count + 1)


def brokerage(G: nx.Graph, group: dict[str, str]) -> dict[str, list[int]]:
    counts = {v: [0] * 5 for v in G}
    for v in G:
        nbrs = list(G[v])
        for a in nbrs:
            for b in nbrs:
                if a == b or G.has_edge(a, b):
                    continue
                ga, gv, gb = group[a], group[v], group[b]
                if ga == gv:
                    counts[v][0 if gb == gv else 2] += 1
                elif gv == gb:
                    counts[v][3] += 1
                elif ga == gb:
                    counts[v][1] += 1
                else:
                    counts[v][4] += 1
    return counts


def local_bridge_spans(G: nx.Graph, sample: int | None) -> tuple[dict[Any, Any], int]:
    """What ``nx.local_bridges(with_span=True)`` does, on ``sample`` bridges when given."""
    bridges = list(nx.local_bridges(G, with_span=False))
    chosen = bridges if sample is None or sample >= len(bridges) else None
    if chosen is None:
        chosen = random.Random(1).sample(bridges, sample)  # type: ignore[arg-type]
    spans = {}
    for u, v in chosen:
        hide = {u, v}

        def hidden(x: Any, y: Any, _: Any, hide: set = hide) -> int | None:
            return None if {x, y} == hide else 1

        spans[(u, v)] = None
        with contextlib.suppress(nx.NetworkXNoPath):
            spans[(u, v)] = nx.shortest_path_length(G, u, v, weight=hidden)
    return spans, len(bridges)


def main() -> None:
    edges, nodes, group_attr, out = sys.argv[1:5]
    sample = "--sample" in sys.argv
    G, group = read(edges, nodes, group_attr)
    communities: dict[str, set] = {}
    for v, g in group.items():
        communities.setdefault(g, set()).add(v)
    counts = tie_counts(G, group)
    extra = 0.0
    perms = SAMPLE_PERMUTATIONS if sample else PERMUTATIONS
    start = time.perf_counter()
    p_value = ei_p_value(G, group, perms)
    extra += (time.perf_counter() - start) * (PERMUTATIONS / perms - 1)
    roles = brokerage(G, group)
    constraint = nx.constraint(G)
    effective = nx.effective_size(G)
    k = K_PIVOTS if len(G) > K_PIVOTS else None
    between = nx.betweenness_centrality(G, k=k, seed=42, normalized=False)
    points = set(nx.articulation_points(G))
    bridges = list(nx.bridges(G))
    start = time.perf_counter()
    spans, total = local_bridge_spans(G, SAMPLE_SPANS if sample else None)
    extra += (time.perf_counter() - start) * (total / max(len(spans), 1) - 1)
    report = {
        "network": {
            "ei_p_value": p_value,
            "assortativity": nx.attribute_assortativity_coefficient(G, group_attr),
            "modularity": nx.community.modularity(G, list(communities.values())),
        },
        "nodes": {
            v: {
                "degree": G.degree(v),
                "bonding": counts[v][0],
                "bridging": counts[v][1],
                "betweenness": between[v],
                "constraint": constraint[v],
                "effective_size": effective[v],
                "articulation_point": v in points,
                "brokerage": roles[v],
            }
            for v in G
        },
        "bridges": bridges,
        "local_bridges": [[u, v, s] for (u, v), s in spans.items()],
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
    print(f"extrapolated-extra-seconds: {extra:.3f}")


if __name__ == "__main__":
    main()
