"""The whole bonding-and-bridging report of a graph and a partition, as plain JSON data.

:func:`analyze` is what ``graph-service analyze`` prints (``--format json``) and what the
API returns for the stored graph; :func:`report_tables` gives its node and group tables
as CSV (``--format csv``). Conventions are those of the modules it calls (see
``docs/metrics.md``); in short:

- ids and group values are strings; a node in several groups shows them sorted and
  joined by ``";"``; every undefined value is ``None`` (JSON ``null``), never NaN;
- ``weight`` is used by Burt's measures and modularity; E-I, odds ratio, assortativity,
  brokerage, bridges and betweenness count ties (betweenness counts hops);
- ``k`` makes betweenness, and the bridging centrality built on it, an estimate from
  ``k`` pivots (drawn with ``seed``); ``permutations`` and ``seed`` drive the E-I
  permutation test.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from graph_service.metrics._core import (
    IndexedGraph,
    IntArray,
    Partition,
    group_labels,
    group_layout,
    indexed,
)
from graph_service.metrics._kernels import beside
from graph_service.metrics.brokerage import COLUMNS, brokerage_arrays
from graph_service.metrics.centrality import betweenness_array, bridging_coefficient_array, pivots
from graph_service.metrics.ei import (
    DEFAULT_PERMUTATIONS,
    ei_p_value_arrays,
    ei_range_arrays,
    ei_value,
)
from graph_service.metrics.homophily import assortativity_arrays, modularity_arrays
from graph_service.metrics.segregation import (
    dyad_table_arrays,
    odds_ratio_from_table,
    yules_q_from_table,
)
from graph_service.metrics.structural_holes import structural_holes_arrays
from graph_service.metrics.structure import (
    articulation_arrays,
    bridge_array,
    local_bridge_arrays,
)
from graph_service.metrics.ties import (
    BONDING,
    BRIDGING,
    UNCLASSIFIED,
    group_density_arrays,
    group_row_sums,
    node_tie_counts,
    tie_class_array,
)
from graph_service.progress import OnProgress, no_progress

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = ["GROUP_COLUMNS", "NODE_COLUMNS", "analyze", "analyze_indexed", "report_tables"]

NODE_COLUMNS = (
    "name",
    "group",
    "degree",
    "bonding",
    "bridging",
    "ei",
    "betweenness",
    "bridging_centrality",
    "constraint",
    "effective_size",
    "efficiency",
    "hierarchy",
    "articulation_point",
)
GROUP_COLUMNS = ("name", "size", "internal", "external", "ei", "density_internal")
#: the families of metrics ``analyze`` reports progress on
ANALYZE_STEPS = 7


def _f(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _count(x: Any) -> int | None:
    if x is None:
        return None
    x = float(x)
    return round(x) if math.isfinite(x) else None


def _floats(x: np.ndarray) -> list[float | None]:
    """``_f`` of every entry."""
    return [v if math.isfinite(v) else None for v in np.asarray(x, dtype=np.float64).tolist()]


def _counts(x: np.ndarray) -> list[int | None]:
    """``_count`` of every entry."""
    return [
        round(v) if math.isfinite(v) else None for v in np.asarray(x, dtype=np.float64).tolist()
    ]


def _group_text(sig: int, signatures: list[frozenset[str]]) -> str | None:
    return ";".join(sorted(signatures[sig])) if sig >= 0 else None


def analyze(
    G: nx.Graph,
    partition: Partition,
    *,
    weight: str | None = None,
    k: int | None = None,
    seed: int = 42,
    permutations: int = DEFAULT_PERMUTATIONS,
    on_progress: OnProgress = no_progress,
) -> dict[str, Any]:
    """Every bonding and bridging metric of ``G`` under ``partition``.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        Ties already collapsed (one edge per tie or arc); self-loops are ignored.
    partition : Mapping[node, frozenset[str]]
        Groups of each node (missing or empty: ungrouped).
    weight : str, optional
        Edge attribute with tie strengths (Burt's measures, modularity).
    k : int, optional
        Pivots for approximate betweenness (``None``: exact).
    seed : int
        Seed of the pivot draw and of the permutation test.
    permutations : int
        Permutations of the E-I test (0: no test, ``ei_p_value`` is ``None``).
    on_progress : callable, optional
        ``on_progress(done, total)`` after each family of metrics (``graph_service.progress``).

    Returns
    -------
    dict
        ``network``, ``groups``, ``nodes``, ``bridges`` and ``local_bridges`` (the
        shape of ``graph-service analyze --format json``).

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> r = analyze(G, {0: frozenset({"a"}), 1: frozenset({"a"}), 2: frozenset({"b"})})
    >>> r["network"]["ei"], r["nodes"]["1"]["betweenness"], r["bridges"][0]
    (0.0, 1.0, ['0', '1'])
    """
    names = [None if n is None else str(n) for _, n in G.nodes(data="name")]
    return analyze_indexed(
        indexed(G, weight),
        partition,
        names,
        weighted=weight is not None,
        k=k,
        seed=seed,
        permutations=permutations,
        on_progress=on_progress,
    )


def analyze_indexed(
    ix: IndexedGraph,
    partition: Partition,
    names: list[str | None],
    *,
    weighted: bool,
    k: int | None = None,
    seed: int = 42,
    permutations: int = DEFAULT_PERMUTATIONS,
    on_progress: OnProgress = no_progress,
) -> dict[str, Any]:
    """:func:`analyze` of a graph already in arrays (``graph-service analyze`` reads its
    files straight into them, :func:`graph_service.metrics.io.read_graph_arrays`).

    ``names[i]`` is the ``name`` attribute of node ``ix.nodes[i]`` (``None``: none);
    ``weighted`` says whether ``ix.w`` holds tie strengths (else every weight is 1).
    """
    labels = group_labels(ix.nodes, partition)
    ix.layout = group_layout(labels)
    ids = [str(v) for v in ix.nodes]
    cls = tie_class_array(ix, labels)
    # the permutation test (one core, out of the GIL) runs beside the other parts, which
    # leave a core idle part of the time; its draws do not depend on the timing
    test = functools.partial(ei_p_value_arrays, ix, labels, cls, permutations, seed)
    with beside(test) as p_value:
        on_progress(1, ANALYZE_STEPS)
        degree, bonding, bridging = node_tie_counts(ix, labels, cls)
        size, internal, external = group_row_sums(ix, labels)
        density = group_density_arrays(ix, labels)
        ei_bounds = ei_range_arrays(ix, labels, cls)
        table = dyad_table_arrays(ix, labels, cls)
        on_progress(2, ANALYZE_STEPS)
        broker = brokerage_arrays(ix, labels)
        on_progress(3, ANALYZE_STEPS)
        holes = structural_holes_arrays(ix)
        on_progress(4, ANALYZE_STEPS)
        sources = None
        if k is not None and k < ix.n:
            sources = [ix.index[v] for v in pivots(ix.nodes, k, seed)]
        between = betweenness_array(ix, sources)
        on_progress(5, ANALYZE_STEPS)
        coef = bridging_coefficient_array(ix)
        points = articulation_arrays(ix, labels)
        local, span = local_bridge_arrays(ix)
        bridge_pos = bridge_array(ix)
        on_progress(6, ANALYZE_STEPS)
        a, b, _ = ix.skeleton
        ei_p_value = p_value.result()

    network = {
        "nodes": ix.n,
        "ties": ix.m,
        "bonding": int((cls == BONDING).sum()),
        "bridging": int((cls == BRIDGING).sum()),
        "unclassified": int((cls == UNCLASSIFIED).sum()),
        "directed": ix.directed,
        "ei": ei_value(float((cls == BRIDGING).sum()), float((cls == BONDING).sum())),
        "ei_expected": ei_bounds["expected"],
        "ei_min": ei_bounds["min"],
        "ei_max": ei_bounds["max"],
        "ei_rescaled": ei_bounds["rescaled"],
        "ei_p_value": ei_p_value,
        "odds_ratio": odds_ratio_from_table(table),
        "yules_q": yules_q_from_table(table),
        "assortativity": assortativity_arrays(ix, labels),
        "modularity": modularity_arrays(ix, labels, weighted),
        "brokerage": {
            role: {
                "raw": _count(broker["network_raw"][c]),
                "expected": _f(broker["network_expected"][c]),
                "sd": _f(broker["network_sd"][c]),
                "z": _f(broker["network_z"][c]),
            }
            for c, role in enumerate(COLUMNS)
        },
    }
    groups = {
        g: {
            "name": g,
            "size": int(size[c]),
            "internal": int(internal[c]),
            "external": int(external[c]),
            "ei": ei_value(float(external[c]), float(internal[c])),
            "density_internal": _f(density[g]["internal"]),
        }
        for c, g in enumerate(labels.groups)
    }
    # Columns as Python lists first: indexing numpy arrays node by node costs more than
    # the rest of the report at 100k nodes.
    group_text = [_group_text(x, labels.signatures) for x in range(len(labels.signatures))]
    columns = zip(
        ids,
        names,
        labels.sig.tolist(),
        degree.tolist(),
        bonding.tolist(),
        bridging.tolist(),
        between.tolist(),
        _floats(between * coef),
        _floats(holes["constraint"]),
        _floats(holes["effective_size"]),
        _floats(holes["efficiency"]),
        _floats(holes["hierarchy"]),
        zip(*(_counts(broker["raw"][:, c]) for c in range(len(COLUMNS))), strict=True),
        strict=True,
    )
    nodes: dict[str, dict[str, Any]] = {}
    for i, (
        node_id,
        name,
        sig,
        deg,
        bond,
        bridge,
        btw,
        bc,
        cons,
        eff,
        effic,
        hier,
        roles,
    ) in enumerate(columns):
        is_grouped = sig >= 0
        nodes[node_id] = {
            "name": name if name not in (None, "") else node_id,
            "group": group_text[sig] if is_grouped else None,
            "degree": deg,
            "bonding": bond if is_grouped else None,
            "bridging": bridge if is_grouped else None,
            "ei": ei_value(float(bridge), float(bond)) if is_grouped else None,
            "betweenness": btw,
            "bridging_centrality": bc,
            "constraint": cons,
            "effective_size": eff,
            "efficiency": effic,
            "hierarchy": hier,
            "articulation_point": i in points,
            "brokerage": dict(zip(COLUMNS, roles, strict=True)),
        }
    on_progress(ANALYZE_STEPS, ANALYZE_STEPS)
    return {
        "network": network,
        "groups": groups,
        "nodes": nodes,
        # (local) bridges are ties of the undirected skeleton: each pair's ends in id
        # order and the list sorted, so the answer does not depend on the order in which
        # the nodes were read (a file, the store)
        "bridges": sorted(
            sorted([ids[u], ids[v]])
            for u, v in zip(a[bridge_pos].tolist(), b[bridge_pos].tolist(), strict=True)
        ),
        "local_bridges": _local_bridges(ids, a[local], b[local], span),
    }


def _local_bridges(
    ids: list[str], a: IntArray, b: IntArray, span: IntArray
) -> list[dict[str, Any]]:
    """``{source, target, span}`` of each local bridge (span None when nothing else joins
    its ends), its ends in id order, sorted by them: tuples sorted before the dicts are
    made (a tenth of a second at 10k nodes when the dicts were sorted by a key function)."""
    ends = sorted(
        (
            (x, y, s) if x <= y else (y, x, s)
            for x, y, s in zip(
                map(ids.__getitem__, a.tolist()),
                map(ids.__getitem__, b.tolist()),
                span.tolist(),
                strict=True,
            )
        ),
        key=itemgetter(0, 1),
    )
    return [{"source": x, "target": y, "span": s if s >= 0 else None} for x, y, s in ends]


def _cell(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float | np.floating):
        return repr(float(x))
    return str(x)


def report_tables(report: dict[str, Any]) -> dict[str, str]:
    """The node and group tables of an :func:`analyze` report as CSV text.

    Returns
    -------
    dict
        ``{"nodes": csv, "groups": csv}``. The node table has ``id``, ``name`` (the
        node's ``name`` attribute, else its id), the node fields and
        one ``brokerage_<role>`` column per role and ``brokerage_total``; the group table
        has ``group`` and the group fields. Empty cells are ``null`` values.

    Examples
    --------
    >>> G = nx.path_graph(2)
    >>> tables = report_tables(analyze(G, {0: frozenset({"a"}), 1: frozenset({"b"})}))
    >>> tables["groups"].splitlines()[0]
    'group,name,size,internal,external,ei,density_internal'
    """
    out: dict[str, str] = {}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", *NODE_COLUMNS, *(f"brokerage_{role}" for role in COLUMNS)])
    for node_id, row in report["nodes"].items():
        writer.writerow(
            [
                node_id,
                *(_cell(row[c]) for c in NODE_COLUMNS),
                *(_cell(row["brokerage"][role]) for role in COLUMNS),
            ]
        )
    out["nodes"] = buf.getvalue()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["group", *GROUP_COLUMNS])
    # A stored graph's report names its groups in its scope (ids stay in ``group``).
    names = (report.get("scope") or {}).get("group_names") or {}
    for group, row in report["groups"].items():
        row = {**row, "name": names.get(group, row.get("name", group))}
        writer.writerow([group, *(_cell(row[c]) for c in GROUP_COLUMNS)])
    out["groups"] = buf.getvalue()
    return out
