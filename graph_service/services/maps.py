"""Maps of the stored graph: project with the filters, attach metrics, render a view.

Every stored tie is its own edge on the map (a multigraph), so the reader can filter by
type and phase in the page; node metrics come from the collapsed analysis graph.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

from graph_service.errors import Invalid, NotFound
from graph_service.filters import TieFilter
from graph_service.maps import MapResult, render_map
from graph_service.services.analysis_graph import collapse, multigraph, partition_of, project
from graph_service.store.neo4j_store import Neo4jStore

View = Literal["network", "ego", "paths", "brokers", "groups", "comparison"]
SIZE_METRICS = ("degree", "betweenness", "bridging_centrality", "constraint", "effective_size")


@dataclass
class MapRequest:
    view: View = "network"
    filters: TieFilter = field(default_factory=TieFilter)
    partition: str = "membership"
    size_by: str | None = "degree"
    width_by: str | None = "weight"
    center: str | None = None
    radius: int = 1
    source: str | None = None
    target: str | None = None
    k: int = 3
    group_a: str | None = None
    group_b: str | None = None
    phase_a: str | None = None
    phase_b: str | None = None
    title: str | None = None
    pseudonymise: bool = False


def _node_metrics(
    graph: nx.Graph, partition: Mapping[Hashable, frozenset[str]]
) -> dict[str, dict[str, Any]]:
    """The per-node metrics a map can size nodes by (from the metrics package)."""
    from graph_service.metrics.report import analyze

    report = analyze(graph, partition)
    return {str(k): v for k, v in report["nodes"].items()}


def _require(graph: nx.Graph, node: str | None, what: str) -> str:
    if node is None:
        raise Invalid(f"{what} is required for this view")
    if node not in graph:
        raise NotFound(f"{what}: no node {node!r} in the analysis graph (Actor/Staff)")
    return node


def k_shortest_paths(graph: nx.Graph, source: str, target: str, k: int) -> list[list[str]]:
    """Up to ``k`` shortest simple paths (fewest ties first), ties of either direction."""
    undirected = graph.to_undirected() if graph.is_directed() else graph
    paths: list[list[str]] = []
    try:
        for path in nx.shortest_simple_paths(undirected, source, target):
            paths.append([str(n) for n in path])
            if len(paths) >= k:
                break
    except nx.NetworkXNoPath:
        return []
    return paths


def brokers_between(
    graph: nx.Graph, members_a: Sequence[Hashable], members_b: Sequence[Hashable]
) -> dict[Hashable, float]:
    """Each intermediary's share of the shortest paths between members of A and of B."""
    counts: dict[Hashable, float] = {}
    pairs = 0
    for a in members_a:
        for b in members_b:
            if a == b:
                continue
            try:
                paths = list(nx.all_shortest_paths(graph, a, b))
            except nx.NetworkXNoPath:
                continue
            pairs += 1
            for path in paths:
                for node in path[1:-1]:
                    counts[node] = counts.get(node, 0.0) + 1.0 / len(paths)
    return {n: c / pairs for n, c in counts.items()} if pairs else {}


def _pseudonymised(
    graph: nx.Graph, partition: Mapping[Hashable, frozenset[str]], options: dict[str, Any]
) -> tuple[nx.Graph, dict[Hashable, frozenset[str]], dict[str, Any]]:
    """People replaced by stable salted pseudonyms, in the graph and the view's arguments."""
    from graph_service.services.steering.privacy import Pseudonymiser

    pseudo = Pseudonymiser.from_settings()
    mapping = pseudo.mapping(graph)
    options = dict(options)
    if "center" in options:
        options["center"] = mapping.get(options["center"], options["center"])
    if "paths" in options:
        options["paths"] = [[mapping.get(n, n) for n in path] for path in options["paths"]]
    if "brokers" in options:
        options["brokers"] = {mapping.get(n, n): v for n, v in options["brokers"].items()}
    return pseudo.graph(graph), pseudo.partition(partition, graph), options


def render_store_map(store: Neo4jStore, req: MapRequest) -> MapResult:
    """The map ``req`` asks for, of the stored graph."""
    filters = req.filters
    if req.view == "comparison":
        if not (req.phase_a and req.phase_b):
            raise Invalid("phase_a and phase_b are required for the comparison view")
        filters = filters.model_copy(update={"phase": None})
    projection = project(store, filters)
    analysis = collapse(projection)
    partition = partition_of(analysis, req.partition)
    group_names = projection.group_names if req.partition == "membership" else {}
    metrics = _node_metrics(analysis, partition)
    graph = multigraph(projection)
    for node, values in metrics.items():
        if node in graph:
            graph.nodes[node].update(
                {m: values.get(m) for m in SIZE_METRICS if values.get(m) is not None}
            )
    # The page's header names the partition (spec.partition_name) and its filter line what
    # the reader shows; the caption adds the stored graph's selection, when there is one.
    described = filters.describe()
    caption = "" if described == TieFilter().describe() else f"selected: {described}"
    options: dict[str, Any] = {
        "group_names": group_names,
        "caption": caption,
        "partition_name": req.partition,
        "size_by": req.size_by,
        "width_by": req.width_by,
    }
    if req.title:
        options["title"] = req.title
    if req.view == "ego":
        options |= {"center": _require(graph, req.center, "center"), "radius": req.radius}
    elif req.view == "paths":
        source = _require(analysis, req.source, "source")
        target = _require(analysis, req.target, "target")
        paths = k_shortest_paths(analysis, source, target, req.k)
        if not paths:
            raise NotFound(f"no path between {source} and {target} with these filters")
        options["paths"] = paths
    elif req.view == "brokers":
        if not (req.group_a and req.group_b):
            raise Invalid("group_a and group_b are required for the brokers view")
        members_a = [n for n, g in partition.items() if req.group_a in g]
        members_b = [n for n, g in partition.items() if req.group_b in g]
        for name, members in ((req.group_a, members_a), (req.group_b, members_b)):
            if not members:
                raise NotFound(f"group {name!r} has no members in the analysis graph")
        options |= {
            "group_a": req.group_a,
            "group_b": req.group_b,
            "brokers": brokers_between(analysis, members_a, members_b),
        }
    elif req.view == "comparison":
        options |= {"phase_a": req.phase_a, "phase_b": req.phase_b}
    if req.pseudonymise:
        graph, partition, options = _pseudonymised(graph, partition, options)
    try:
        return render_map(graph, partition=partition, view=req.view, **options)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
