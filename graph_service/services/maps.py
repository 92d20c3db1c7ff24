"""Maps of the stored graph: project with the filters, attach metrics, render a view.

Every stored tie is its own edge on the map (a multigraph), so the reader can filter by
type and phase in the page; node metrics come from the collapsed analysis graph.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Literal, get_args

import networkx as nx

from graph_service.errors import Invalid, NotFound
from graph_service.filters import TieFilter
from graph_service.maps import MapResult, render_map
from graph_service.services import paths as paths_service
from graph_service.services.analysis_graph import (
    check_phase,
    collapse,
    multigraph,
    partition_of,
    project,
)
from graph_service.services.runtime import Runtime
from graph_service.services.steering.privacy import Pseudonymiser, pseudonymiser_for

if TYPE_CHECKING:
    from graph_service.config import Settings

View = Literal["network", "ego", "paths", "brokers", "groups", "comparison"]
VIEWS: tuple[str, ...] = get_args(View)
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
    #: people under salted pseudonyms (see services/steering/privacy.pseudonymiser_for)
    pseudonymiser: Pseudonymiser | None = None


#: What a surface's options may set by name (the pseudonymiser comes from ``pseudonymise``).
OPTION_FIELDS = tuple(f.name for f in fields(MapRequest) if f.name != "pseudonymiser")


def map_request(options: Mapping[str, Any], settings: Settings | None = None) -> MapRequest:
    """The map a surface asked for: the one constructor of the ``map`` command's and the
    ``/maps`` route's request, from their parameters by name (``locals()``). Each field of
    :class:`MapRequest` present in ``options`` is taken (a surface's other parameters,
    such as the output file, are not the map's); ``view`` is checked against
    :data:`VIEWS`; ``pseudonymise`` becomes the pseudonymiser of ``settings`` (the
    configured ones by default), or a clear error when no salt is set."""
    view = options.get("view", "network")
    if view not in VIEWS:
        raise Invalid(f"view must be one of {', '.join(VIEWS)} (not {view!r})")
    given = {name: options[name] for name in OPTION_FIELDS if name in options}
    pseudonymiser = pseudonymiser_for(bool(options.get("pseudonymise")), settings)
    return MapRequest(**given, pseudonymiser=pseudonymiser)


def _node_metrics(
    graph: nx.Graph, partition: Mapping[Hashable, frozenset[str]]
) -> dict[str, dict[str, Any]]:
    """The per-node metrics a map can size nodes by (from the metrics package)."""
    from graph_service.metrics.suite import analyze

    report = analyze(graph, partition)
    return {str(k): v for k, v in report["nodes"].items()}


def _require(graph: nx.Graph, node: str | None, what: str) -> str:
    if node is None:
        raise Invalid(f"{what} is required for this view")
    if node not in graph:
        raise NotFound(f"{what}: no node {node!r} in the analysis graph (Actor/Staff)")
    return node


def k_shortest_paths(
    services: Runtime, graph: nx.Graph, req: MapRequest, source: str, target: str
) -> list[list[str]]:
    """The paths of :func:`graph_service.services.paths.k_shortest_paths` (the one
    implementation; up to the longest length it allows) that stay on the map's nodes."""
    found = paths_service.k_shortest_paths(
        services, source, target, req.filters, req.k, paths_service.MAX_LENGTH
    )
    if not found.paths:
        raise NotFound(f"no path between {source} and {target}: {found.note}")
    ids = [[n.id for n in p.nodes] for p in found.paths]
    drawn = [p for p in ids if all(n in graph for n in p)]
    if not drawn:  # e.g. every path runs through a group a FUNDS tie reaches
        raise NotFound(f"no path between {source} and {target} stays among people (Actor/Staff)")
    return drawn


def brokers_between(services: Runtime, graph: nx.Graph, req: MapRequest) -> dict[str, float]:
    """The brokers of :func:`graph_service.services.paths.brokers` (the one implementation)
    on the map's nodes, with their share, over paths of the API's default length. Their
    groups are Group nodes: the membership partition's."""
    if req.partition != "membership":
        raise Invalid("the brokers view is between two Group nodes: use partition membership")
    if not (req.group_a and req.group_b):
        raise Invalid("group_a and group_b are required for the brokers view")
    found = paths_service.brokers(
        services,
        req.group_a,
        req.group_b,
        req.filters,
        limit=len(graph) or 1,
    )
    return {b.node.id: b.share for b in found.brokers if b.node.id in graph}


def _ego_options(
    services: Runtime, req: MapRequest, graph: nx.Graph, analysis: nx.Graph, partition: Any
) -> Any:
    return {"center": _require(graph, req.center, "center"), "radius": req.radius}


def _paths_options(
    services: Runtime, req: MapRequest, graph: nx.Graph, analysis: nx.Graph, partition: Any
) -> Any:
    source = _require(analysis, req.source, "source")
    target = _require(analysis, req.target, "target")
    return {"paths": k_shortest_paths(services, graph, req, source, target)}


def _brokers_options(
    services: Runtime, req: MapRequest, graph: nx.Graph, analysis: nx.Graph, partition: Any
) -> Any:
    return {
        "group_a": req.group_a,
        "group_b": req.group_b,
        "brokers": brokers_between(services, graph, req),
    }


def _comparison_options(
    services: Runtime, req: MapRequest, graph: nx.Graph, analysis: nx.Graph, partition: Any
) -> Any:
    return {"phase_a": req.phase_a, "phase_b": req.phase_b}


#: The arguments each view needs beyond the common ones (network and groups: none).
_VIEW_OPTIONS: dict[
    str, Callable[[Runtime, MapRequest, nx.Graph, nx.Graph, Any], dict[str, Any]]
] = {
    "ego": _ego_options,
    "paths": _paths_options,
    "brokers": _brokers_options,
    "comparison": _comparison_options,
}


def _map_filters(req: MapRequest) -> TieFilter:
    """The comparison view reads every phase and splits them itself."""
    if req.view != "comparison":
        return req.filters
    if not (req.phase_a and req.phase_b):
        raise Invalid("phase_a and phase_b are required for the comparison view")
    return req.filters.model_copy(update={"phase": None})


def _with_size_metrics(graph: nx.Graph, analysis: nx.Graph, partition: Any) -> None:
    """Attach the metrics a map can size nodes by, from the collapsed analysis graph."""
    for node, values in _node_metrics(analysis, partition).items():
        if node in graph:
            graph.nodes[node].update(
                {m: values.get(m) for m in SIZE_METRICS if values.get(m) is not None}
            )


def render_store_map(services: Runtime, req: MapRequest) -> MapResult:
    """The map ``req`` asks for, of the stored graph."""
    repo = services.repo
    filters = _map_filters(req)
    if req.view == "comparison":
        check_phase(repo, req.phase_a)
        check_phase(repo, req.phase_b)
    projection = project(repo, filters)
    analysis = collapse(projection)
    partition = partition_of(analysis, req.partition)
    graph = multigraph(projection)
    _with_size_metrics(graph, analysis, partition)
    # The page's header names the partition (spec.partition_name) and its filter line what
    # the reader shows; the caption adds the stored graph's selection, when there is one,
    # and how many stored ties pass it.
    described = filters.describe()
    selected = "" if described == TieFilter().describe() else f"selected: {described}; "
    tie_count = projection.tie_count.sentence() if projection.tie_count else ""
    options: dict[str, Any] = {
        "group_names": projection.group_names if req.partition == "membership" else {},
        "caption": f"{selected}{tie_count}",
        "partition_name": req.partition,
        "size_by": req.size_by,
        "width_by": req.width_by,
    }
    if req.title:
        options["title"] = req.title
    if req.view in _VIEW_OPTIONS:
        options |= _VIEW_OPTIONS[req.view](services, req, graph, analysis, partition)
    if req.pseudonymiser is not None:
        graph, partition, options = req.pseudonymiser.map_inputs(graph, partition, options)
    try:
        result = render_map(graph, partition=partition, view=req.view, **options)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    return replace(result, tie_count=projection.tie_count)


def map_picture(services: Runtime) -> dict[str, tuple[int, int, str | None]]:
    """Positions and colours of the stored graph's default map (the whole network, group
    membership, no filter), for the GraphML and GEXF exports."""
    from graph_service.maps.views import network_picture

    projection = project(services.repo, TieFilter())
    partition = partition_of(collapse(projection), "membership")
    return network_picture(
        multigraph(projection), partition=partition, group_names=projection.group_names
    )
