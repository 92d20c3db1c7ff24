"""The map views: networkx graph in, self-contained HTML out.

Each view takes the graph the service hands over (``nx.Graph``, ``DiGraph``,
``MultiGraph`` or ``MultiDiGraph``; node and edge attributes as described in
``docs/maps.md``), the partition (node -> group ids) and common options
(:class:`MapOptions`), and returns a :class:`~graph_service.maps.render.MapResult`.

Views
-----
- :func:`render_map`: the whole network (or any view by name).
- :func:`ego_view`: a node and everyone within ``radius`` ties of it.
- :func:`paths_view`: given paths between actors, highlighted.
- :func:`brokers_view`: brokers between two groups and their ties into both.
- :func:`group_view`: one node per group, ties aggregated between groups.
- :func:`comparison_view`: ties gained, lost and kept between two phases,
  on one shared layout.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Any, TypedDict, Unpack

import networkx as nx

from graph_service.maps.encoding import AFFILIATION_TYPES, group_colors, group_order, tie_class
from graph_service.maps.layout import seeded_layout
from graph_service.maps.render import WIDTH_BY_CHOICES, MapResult, render_spec
from graph_service.maps.spec import (
    InitialFilters,
    MapNode,
    MapSpec,
    MapTie,
    Partition,
    iter_edges,
    node_key,
    read_graph,
    read_node,
    read_tie,
    resolve_sizes,
)
from graph_service.model import NodeLabel

#: The largest map on which physics may be asked for without freezing the browser.
#: Every page starts still (physics off): positions always come from Python, and a
#: map that moves when it opens reads badly. Measured in headless Chromium on 2 cores:
#: Barnes-Hut costs 10-25 ms an iteration at 500 nodes, and live polishing of 500 nodes
#: went on for 38 s (docs/maps.md). The reader can switch physics on in the page.
PHYSICS_MAX_NODES = 300
#: Above this many nodes ``render_map(view="network")`` draws the group-level map.
GROUP_MAP_ABOVE = 20000
UNGROUPED_KEY = "__ungrouped__"


class MapOptions(TypedDict, total=False):
    """Options every view takes (all keyword-only, all optional).

    group_names : group id -> display name for legend and filters.
    title : page title (each view has a default).
    caption : extra caption text, e.g. the data source.
    partition_name : what the partition is, for caption and legend
        (default ``"group membership"``).
    size_by : node metric for node size (default ``"degree"``, counted in the
        shown graph when no node carries it); ``None`` for a constant size.
    width_by : ``"weight"`` (default), ``"evidence"`` (evidence count),
        ``"count"`` (aggregated ties) or ``None``.
    layout_seed : seed of the Python layout (default 42).
    physics : start the page with physics on (default off: the page opens settled
        and fitted, on the positions computed in Python).
    tie_types, groups, phase, min_evidence : initial filter state (the reader
        can change it in the page); ``None`` means all.
    """

    group_names: Mapping[str, str] | None
    title: str | None
    caption: str
    partition_name: str
    size_by: str | None
    width_by: str | None
    layout_seed: int
    physics: bool | None
    tie_types: Collection[str] | None
    groups: Collection[str] | None
    phase: str | None
    min_evidence: int


def _initial(options: MapOptions) -> InitialFilters:
    min_evidence = options.get("min_evidence", 0)
    if not isinstance(min_evidence, int) or min_evidence < 0:
        raise ValueError(f"min_evidence: expected a non-negative integer, got {min_evidence!r}")
    tie_types = options.get("tie_types")
    groups = options.get("groups")
    phase = options.get("phase")
    return InitialFilters(
        tie_types=frozenset(tie_types) if tie_types is not None else None,
        groups=frozenset(groups) if groups is not None else None,
        phase=str(phase) if phase is not None else None,
        min_evidence=min_evidence,
    )


def _check_options(options: MapOptions) -> None:
    width_by = options.get("width_by", "weight")
    if width_by not in WIDTH_BY_CHOICES:
        raise ValueError(f"width_by: expected one of {WIDTH_BY_CHOICES}, got {width_by!r}")


def _finish(
    view: str,
    default_title: str,
    nodes: list[MapNode],
    ties: list[MapTie],
    size_text: str,
    group_ids: list[str],
    options: MapOptions,
    *,
    view_lines: Sequence[str] = (),
    physics: bool | None = None,
    comparison_labels: tuple[str, str] | None = None,
    size_by: str | None = None,
    width_by: str | None = None,
) -> MapResult:
    """Lay out, decide on physics and render; the shared tail of every view."""
    positions = seeded_layout(
        [n.key for n in nodes],
        [(t.source, t.target) for t in ties],
        seed=options.get("layout_seed", 42),
    )
    if physics is None:
        physics = options.get("physics")
    if physics is None:
        physics = False
    spec = MapSpec(
        view=view,
        title=options.get("title") or default_title,
        nodes=nodes,
        ties=ties,
        group_ids=group_ids,
        group_names=dict(options.get("group_names") or {}),
        partition_name=options.get("partition_name", "group membership"),
        caption=options.get("caption", ""),
        view_lines=list(view_lines),
        size_by=size_by if size_by is not None else options.get("size_by", "degree"),
        size_label=size_text,
        width_by=width_by if width_by is not None else options.get("width_by", "weight"),
        positions=positions,
        physics=physics,
        initial=_initial(options),
        comparison_labels=comparison_labels,
    )
    return render_spec(spec)


def _groups(partition: Partition, options: MapOptions) -> list[str]:
    return group_order(partition, options.get("group_names"))


def _require_node(G: nx.Graph, node: Hashable, field: str) -> None:
    if node not in G:
        raise ValueError(f"{field}: node {node!r} is not in the graph")


def network_view(G: nx.Graph, *, partition: Partition, **options: Unpack[MapOptions]) -> MapResult:
    """The whole network, every node and tie of ``G``."""
    _check_options(options)
    group_ids = _groups(partition, options)
    nodes, ties, size_text = read_graph(
        G, partition, group_ids, size_by=options.get("size_by", "degree")
    )
    return _finish("network", "Network map", nodes, ties, size_text, group_ids, options)


def render_map(
    G: nx.Graph,
    *,
    partition: Partition,
    view: str = "network",
    group_map_above: int = GROUP_MAP_ABOVE,
    **options: Any,
) -> MapResult:
    """Render ``G`` as one self-contained HTML map.

    Parameters
    ----------
    G : the graph (node key = id; attributes ``label``, ``name``, ``kind`` and
        numeric metrics; tie attributes ``type``, ``directed``, ``weight``,
        ``phase``, ``evidence_count``, ``method_count``, ``methods``,
        ``max_confidence``, ``id``).
    partition : node -> group ids (a node may have several groups or none).
    view : ``"network"`` (default), ``"ego"``, ``"paths"``, ``"brokers"``,
        ``"groups"`` or ``"comparison"``; the view's own arguments (``center``,
        ``radius``, ``paths``, ``group_a``, ``group_b``, ``brokers``, ``other``,
        ``labels``, ``phase_a``, ``phase_b``) come as keywords.
    group_map_above : a ``"network"`` view of more nodes than this draws the
        group-level map instead (the result's ``view`` says ``"groups"``).
    **options : see :class:`MapOptions`.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("a", label="Actor", name="Ann")
    >>> G.add_node("b", label="Staff", name="Bo")
    >>> G.add_edge("a", "b", type="KNOWS", weight=1.0)
    >>> m = render_map(G, partition={"a": frozenset({"g1"})}, title="Demo")
    >>> (m.nodes, m.ties, m.view)
    (2, 1, 'network')
    """
    if view == "network":
        if G.number_of_nodes() > group_map_above:
            note = (
                f"The network has {G.number_of_nodes():,} nodes, more than "
                f"{group_map_above:,}: this map shows the groups; open ego, path or broker "
                "maps for detail."
            )
            return group_view(G, partition=partition, note=note, **options)
        return network_view(G, partition=partition, **options)
    views: dict[str, Any] = {
        "ego": ego_view,
        "paths": paths_view,
        "brokers": brokers_view,
        "groups": group_view,
        "comparison": comparison_view,
    }
    if view not in views:
        raise ValueError(f"view: expected one of network, {', '.join(views)}; got {view!r}")
    result: MapResult = views[view](G, partition=partition, **options)
    return result


def ego_view(
    G: nx.Graph,
    center: Hashable,
    radius: int = 1,
    *,
    partition: Partition,
    **options: Unpack[MapOptions],
) -> MapResult:
    """The ego network of ``center``: every node within ``radius`` ties.

    Direction is ignored when collecting the neighbourhood (an actor advised
    by ego belongs to ego's network as much as one ego advises). All ties
    among the collected nodes are drawn; the centre has a black ring.
    """
    _check_options(options)
    _require_node(G, center, "center")
    if radius < 0:
        raise ValueError(f"radius: expected a non-negative integer, got {radius!r}")
    H = nx.ego_graph(G, center, radius=radius, undirected=True)
    group_ids = _groups(partition, options)
    nodes, ties, size_text = read_graph(
        H, partition, group_ids, size_by=options.get("size_by", "degree")
    )
    centre_key = node_key(center)
    name = centre_key
    for n in nodes:
        if n.key == centre_key:
            n.role = "centre"
            name = n.name
    line = f"Ego network of {name}, radius {radius}"
    return _finish(
        "ego", f"Ego network: {name}", nodes, ties, size_text, group_ids, options, view_lines=[line]
    )


def paths_view(
    G: nx.Graph,
    paths: Sequence[Sequence[Hashable]],
    *,
    partition: Partition,
    **options: Unpack[MapOptions],
) -> MapResult:
    """Paths between actors (each a list of node ids), with their ties highlighted.

    Shows the nodes on the paths and every tie among them: ties between
    consecutive nodes of a path are drawn thick and orange, the others pale.
    The ends of each path get a black ring. A pair of consecutive nodes that
    no tie joins (in either direction) is an error.
    """
    _check_options(options)
    if not paths or any(len(p) == 0 for p in paths):
        raise ValueError("paths: expected at least one non-empty path (a list of node ids)")
    on_path: set[frozenset[str]] = set()
    wanted: list[Hashable] = []
    for i, path in enumerate(paths):
        for node in path:
            _require_node(G, node, f"paths[{i}]")
            if node not in wanted:
                wanted.append(node)
        for u, v in itertools.pairwise(path):
            if not (G.has_edge(u, v) or (G.is_directed() and G.has_edge(v, u))):
                raise ValueError(f"paths[{i}]: no tie between {u!r} and {v!r}")
            on_path.add(frozenset((node_key(u), node_key(v))))
    H = G.subgraph(wanted)
    group_ids = _groups(partition, options)
    nodes, ties, size_text = read_graph(
        H, partition, group_ids, size_by=options.get("size_by", "degree")
    )
    for t in ties:
        t.role = "path" if frozenset((t.source, t.target)) in on_path else "context"
    ends = {node_key(p[0]) for p in paths} | {node_key(p[-1]) for p in paths}
    names = {}
    for n in nodes:
        names[n.key] = n.name
        if n.key in ends:
            n.role = "endpoint"
    firsts = {node_key(p[0]) for p in paths}
    lasts = {node_key(p[-1]) for p in paths}
    lengths = sorted(len(p) - 1 for p in paths)
    plural = "s" if len(paths) != 1 else ""
    if len(firsts) == 1 and len(lasts) == 1:
        a, b = names[next(iter(firsts))], names[next(iter(lasts))]
        title = f"Paths from {a} to {b}"
        line = f"{len(paths)} path{plural} from {a} to {b}, lengths {lengths[0]}–{lengths[-1]}"
    else:
        title = "Paths"
        line = f"{len(paths)} path{plural}, lengths {lengths[0]}–{lengths[-1]}"
    return _finish("paths", title, nodes, ties, size_text, group_ids, options, view_lines=[line])


def brokers_view(
    G: nx.Graph,
    group_a: str,
    group_b: str,
    brokers: Mapping[Hashable, float] | Sequence[Hashable],
    *,
    partition: Partition,
    **options: Unpack[MapOptions],
) -> MapResult:
    """The brokers between two groups and the ties through which they connect them.

    Shows the brokers (orange ring, size by their score when scores are
    given), the members of ``group_a`` and ``group_b`` tied to a broker, and
    the members tied directly across the two groups, with all ties among them.
    """
    _check_options(options)
    scores: dict[Hashable, float | None] = (
        {b: float(s) for b, s in brokers.items()}
        if isinstance(brokers, Mapping)
        else dict.fromkeys(brokers)
    )
    for b in scores:
        _require_node(G, b, "brokers")
    members_a = {n for n in G if group_a in (partition.get(n) or ())}
    members_b = {n for n in G if group_b in (partition.get(n) or ())}
    U = G.to_undirected(as_view=True)
    keep: set[Hashable] = set(scores)
    for b in scores:
        keep.update(v for v in U.neighbors(b) if v in members_a or v in members_b)
    # Direct ties across: from a member of A only to a member of B only (someone
    # in both groups is a boundary spanner, shown when named as a broker).
    only_a, only_b = members_a - members_b, members_b - members_a
    for u in only_a:
        for v in U.neighbors(u):
            if v in only_b:
                keep.update((u, v))
    H = G.subgraph(keep)
    group_ids = _groups(partition, options)
    nodes, ties, size_text = read_graph(H, partition, group_ids, size_by=None)
    by_key = {node_key(b): s for b, s in scores.items()}
    size_by = options.get("size_by", "degree")
    for n in nodes:
        if n.key in by_key:
            n.role = "broker"
            if by_key[n.key] is not None:
                n.metrics["broker_score"] = by_key[n.key]  # type: ignore[assignment]
    if any(s is not None for s in by_key.values()):
        size_by = "broker_score"
        for n in nodes:
            n.size_value = n.metrics.get("broker_score")
        size_text = "Node size: broker score (others: smallest)"
        for n in nodes:
            if n.size_value is None:
                n.size_value = 0.0
    else:
        size_text = resolve_sizes(nodes, size_by, dict(H.degree()) if size_by == "degree" else None)
    names = dict(options.get("group_names") or {})
    a, b = names.get(group_a, group_a), names.get(group_b, group_b)
    line = (
        f"Brokers between {a} ({len(members_a)} members) and {b} ({len(members_b)} members): "
        f"{len(scores)}"
    )
    return _finish(
        "brokers",
        f"Brokers between {a} and {b}",
        nodes,
        ties,
        size_text,
        group_ids,
        options,
        view_lines=[line],
        size_by=size_by,
    )


def group_view(
    G: nx.Graph,
    *,
    partition: Partition,
    note: str | None = None,
    **options: Unpack[MapOptions],
) -> MapResult:
    """One node per group, social ties between groups aggregated.

    A bridging tie counts once for every pair of groups of its two ends; a
    bonding tie counts as internal to each group its ends share. Nodes in no
    group are drawn as the pseudo-group "No group"; their ties are
    unclassified (:func:`graph_service.metrics.ties.tie_class`) and drawn as
    ties of that pseudo-group. Affiliations are left
    out. Node size: number of members; line width: number of ties; the
    tooltips give members, internal and external ties and the tie types.
    """
    _check_options(options)
    group_ids = _groups(partition, options)
    names = dict(options.get("group_names") or {})
    order = {g: i for i, g in enumerate(group_ids)}
    members: Counter[str] = Counter()
    groups_of: dict[Hashable, tuple[str, ...]] = {}
    for n in G:
        gs = tuple(sorted(partition.get(n) or (), key=lambda g: (order.get(g, len(order)), g)))
        groups_of[n] = gs or (UNGROUPED_KEY,)
        members.update(groups_of[n])
    internal: Counter[str] = Counter()
    external: Counter[str] = Counter()
    pair_count: Counter[tuple[str, str]] = Counter()
    pair_weight: dict[tuple[str, str], float] = {}
    pair_evidence: Counter[tuple[str, str]] = Counter()
    pair_types: dict[tuple[str, str], Counter[str]] = {}
    skipped = 0
    classes: Counter[str] = Counter()
    for u, v, data in iter_edges(G):
        tie_type = str(data.get("type") or "TIE")
        if tie_type in AFFILIATION_TYPES:
            skipped += 1
            continue
        cls = tie_class(tie_type, partition.get(u) or (), partition.get(v) or ())
        classes[cls] += int(data.get("ties", 1))  # a collapsed edge stands for its ties
        gu, gv = groups_of[u], groups_of[v]
        shared = set(gu) & set(gv)
        if shared:
            # Ties among nodes of no group are internal to the pseudo-group
            # "No group" (unclassified ties all the same; the tooltip says so).
            internal.update(shared)
            continue
        weight = data.get("weight")
        for g in gu:
            external[g] += 1
        for h in gv:
            external[h] += 1
        for g in gu:
            for h in gv:
                pair = (g, h) if (order.get(g, -1), g) <= (order.get(h, -1), h) else (h, g)
                pair_count[pair] += 1
                pair_weight[pair] = pair_weight.get(pair, 0.0) + (
                    float(weight) if isinstance(weight, int | float) else 0.0
                )
                pair_evidence[pair] += int(data.get("evidence_count") or 0)
                pair_types.setdefault(pair, Counter())[tie_type] += 1
    nodes: list[MapNode] = []
    for g in [*group_ids, UNGROUPED_KEY]:
        if not members[g]:
            continue
        is_group = g != UNGROUPED_KEY
        node_note = (
            "" if is_group else "Internal ties: ties between nodes of no group (unclassified)"
        )
        nodes.append(
            MapNode(
                key=g,
                name=names.get(g, g) if is_group else "No group",
                label=NodeLabel.GROUP.value,
                groups=(g,) if is_group else (),
                metrics={
                    "members": float(members[g]),
                    "internal_ties": float(internal[g]),
                    "external_ties": float(external[g]),
                },
                size_value=float(members[g]),
                note=node_note,
            )
        )
    ties = [
        MapTie(
            source=p[0],
            target=p[1],
            type="BETWEEN_GROUPS",
            cls="aggregate",
            weight=round(pair_weight[p], 6),
            evidence_count=pair_evidence[p],
            count=c,
            note=f"{c} ties: "
            + ", ".join(f"{t} {k}" for t, k in sorted(pair_types[p].items(), key=lambda x: -x[1])),
        )
        for p, c in pair_count.items()
    ]
    lines = [
        f"Group-level map: {len(nodes)} groups of {G.number_of_nodes():,} nodes; "
        f"{sum(classes.values()):,} stored ties: {classes['bonding']:,} bonding, "
        f"{classes['bridging']:,} bridging, {classes['unclassified']:,} unclassified"
    ]
    if skipped:
        lines.append(f"{skipped:,} affiliations left out")
    if note:
        lines.append(note)
    return _finish(
        "groups",
        "Group-level map",
        nodes,
        ties,
        "Node size: number of members",
        group_ids,
        options,
        view_lines=lines,
        size_by="members",
        width_by="count",
    )


def _tie_key(t: MapTie) -> tuple[str, str, str]:
    if t.directed:
        return (t.source, t.target, t.type)
    a, b = sorted((t.source, t.target))
    return (a, b, t.type)


def _split_by_phase(G: nx.Graph, phase_a: str, phase_b: str) -> tuple[nx.Graph, nx.Graph]:
    """Two graphs of ``G``'s nodes: the ties of each phase (ties without a phase in both)."""
    graphs = []
    for phase in (phase_a, phase_b):
        H = nx.MultiDiGraph() if G.is_directed() else nx.MultiGraph()
        H.add_nodes_from(G.nodes(data=True))
        for u, v, data in iter_edges(G):
            p = data.get("phase")
            if p in (None, "") or str(p) == str(phase):
                H.add_edge(u, v, **data)
        graphs.append(H)
    return graphs[0], graphs[1]


def comparison_view(
    G: nx.Graph,
    other: nx.Graph | None = None,
    *,
    partition: Partition,
    labels: tuple[str, str] | None = None,
    phase_a: str | None = None,
    phase_b: str | None = None,
    **options: Unpack[MapOptions],
) -> MapResult:
    """Ties gained, lost and kept between two phases, on one shared layout.

    Either two graphs (``G`` for the first phase, ``other`` for the second), or
    one graph whose ties carry a ``phase`` and the two phases to compare
    (``phase_a``, ``phase_b``; a tie without a phase belongs to both). A tie is
    the same in both when its ends and type are (its direction too, for
    directed ties). Kept ties are drawn with their second-phase attributes.

    The page shows the changes (gained green, lost red dashed, kept grey) and
    can switch to the ties of either phase; node positions are computed once,
    from all ties of both, and physics is off, so nothing moves between them.
    """
    _check_options(options)
    if other is None:
        if phase_a is None or phase_b is None:
            raise ValueError("phase_a, phase_b: give both phases, or a second graph as `other`")
        first, second = _split_by_phase(G, phase_a, phase_b)
        labels = labels or (f"phase {phase_a}", f"phase {phase_b}")
    else:
        first, second = G, other
        labels = labels or ("phase 1", "phase 2")
    group_ids = _groups(partition, options)
    order = {g: i for i, g in enumerate(group_ids)}
    attrs: dict[Hashable, dict[str, Any]] = {}
    for H in (first, second):
        for n, a in H.nodes(data=True):
            attrs.setdefault(n, {}).update(a)
    nodes = [read_node(n, a, partition, order) for n, a in attrs.items()]
    groups_of = {n: mn.groups for n, mn in zip(attrs, nodes, strict=True)}

    def read_all(H: nx.Graph) -> dict[tuple[str, str, str], MapTie]:
        out: dict[tuple[str, str, str], MapTie] = {}
        for u, v, data in iter_edges(H):
            t = read_tie(u, v, data, groups_of, H.is_directed())
            out.setdefault(_tie_key(t), t)
        return out

    ties_a, ties_b = read_all(first), read_all(second)
    ties: list[MapTie] = []
    for k, t in ties_b.items():
        t.role = "kept" if k in ties_a else "gained"
        ties.append(t)
    for k, t in ties_a.items():
        if k not in ties_b:
            t.role = "lost"
            ties.append(t)
    if other is not None:
        in_a = {node_key(n) for n in first}
        in_b = {node_key(n) for n in second}
        for n in nodes:
            if n.key in in_a and n.key not in in_b:
                n.role = "onlyA"
            elif n.key in in_b and n.key not in in_a:
                n.role = "onlyB"
    size_by = options.get("size_by", "degree")
    union = nx.MultiGraph()
    union.add_nodes_from(n.key for n in nodes)
    union.add_edges_from((t.source, t.target) for t in ties)
    size_text = resolve_sizes(nodes, size_by, dict(union.degree()) if size_by == "degree" else None)
    counts = Counter(t.role for t in ties)
    line = (
        f"Comparison of {labels[0]} and {labels[1]}: {counts['gained']} ties gained, "
        f"{counts['lost']} lost, {counts['kept']} kept"
    )
    return _finish(
        "comparison",
        f"What changed: {labels[0]} → {labels[1]}",
        nodes,
        ties,
        size_text,
        group_ids,
        options,
        view_lines=[line],
        physics=False,
        comparison_labels=labels,
    )


def network_picture(
    G: nx.Graph,
    *,
    partition: Partition,
    group_names: Mapping[str, str] | None = None,
    layout_seed: int = 42,
) -> dict[str, tuple[int, int, str | None]]:
    """Where :func:`network_view` places each node and the colour it gives it (that of
    its first group, None without a group), keyed by node key: for exports (GraphML,
    GEXF) that should open in Gephi as the same picture."""
    group_ids = group_order(partition, group_names)
    nodes, ties, _ = read_graph(G, partition, group_ids, size_by=None)
    positions = seeded_layout(
        [n.key for n in nodes], [(t.source, t.target) for t in ties], seed=layout_seed
    )
    colors = group_colors(group_ids)
    return {n.key: (*positions[n.key], colors[n.groups[0]] if n.groups else None) for n in nodes}
