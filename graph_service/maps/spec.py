"""What a map shows, before it becomes HTML: nodes, ties, captions and styles.

Views (:mod:`graph_service.maps.views`) build a :class:`MapSpec` from a
networkx graph; :mod:`graph_service.maps.render` turns it into the page.
Keeping this step in plain data makes the views testable without parsing HTML.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_service.maps.encoding import is_directed_type, tie_class

#: Node attributes that are not metrics even when numeric.
NON_METRIC_ATTRS = frozenset({"label", "name", "kind", "id", "x", "y", "groups"})

Partition = Mapping[Hashable, Iterable[str]]


@dataclass
class MapNode:
    """One node as drawn. ``key`` is the node's id as a string."""

    key: str
    name: str
    label: str = ""
    kind: str = ""
    groups: tuple[str, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)
    size_value: float | None = None
    role: str = ""
    note: str = ""


@dataclass
class MapTie:
    """One tie as drawn, from ``source`` to ``target`` (node keys)."""

    source: str
    target: str
    type: str
    cls: str
    directed: bool = False
    weight: float | None = None
    phase: str | None = None
    evidence_count: int = 0
    method_count: int = 0
    methods: tuple[str, ...] = ()
    max_confidence: float | None = None
    id: str = ""
    role: str = ""
    note: str = ""
    count: int = 1


@dataclass
class InitialFilters:
    """Filter state the page opens with (the reader can change it)."""

    tie_types: frozenset[str] | None = None
    groups: frozenset[str] | None = None
    phase: str | None = None
    min_evidence: int = 0


@dataclass
class MapSpec:
    """Everything a page needs; see :func:`graph_service.maps.render.render_spec`."""

    view: str
    title: str
    nodes: list[MapNode]
    ties: list[MapTie]
    group_ids: list[str]
    group_names: dict[str, str]
    partition_name: str = "group membership"
    caption: str = ""
    view_lines: list[str] = field(default_factory=list)
    size_by: str | None = "degree"
    size_label: str = ""
    width_by: str | None = "weight"
    positions: dict[str, tuple[int, int]] | None = None
    physics: bool = True
    initial: InitialFilters = field(default_factory=InitialFilters)
    comparison_labels: tuple[str, str] | None = None


def node_key(node: Hashable) -> str:
    return node if isinstance(node, str) else str(node)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def node_groups(node: Hashable, partition: Partition, order: Mapping[str, int]) -> tuple[str, ...]:
    """The node's groups, in the stable group order (first = fill colour)."""
    groups = partition.get(node) or ()
    return tuple(sorted(groups, key=lambda g: (order.get(g, len(order)), g)))


def read_node(
    node: Hashable, attrs: Mapping[str, Any], partition: Partition, order: Mapping[str, int]
) -> MapNode:
    """A :class:`MapNode` from a networkx node and its attributes."""
    metrics = {
        k: v
        for k, v in ((k, _number(v)) for k, v in attrs.items() if k not in NON_METRIC_ATTRS)
        if v is not None
    }
    name = attrs.get("name")
    return MapNode(
        key=node_key(node),
        name=str(name) if name not in (None, "") else node_key(node),
        label=str(attrs.get("label") or ""),
        kind=str(attrs.get("kind") or ""),
        groups=node_groups(node, partition, order),
        metrics=metrics,
    )


def iter_edges(G: nx.Graph) -> Iterator[tuple[Hashable, Hashable, dict[str, Any]]]:
    """``(u, v, data)`` for every edge, parallel edges of multigraphs included."""
    if G.is_multigraph():
        for u, v, _k, data in G.edges(keys=True, data=True):
            yield u, v, data
    else:
        yield from G.edges(data=True)


def read_tie(
    u: Hashable,
    v: Hashable,
    data: Mapping[str, Any],
    groups_of: Mapping[Hashable, tuple[str, ...]],
    graph_directed: bool,
) -> MapTie:
    """A :class:`MapTie` from one networkx edge.

    Direction comes from the ``directed`` attribute, else from the tie type
    (ADVISES, FUNDS and affiliations are directed), else from the graph. In an
    undirected graph networkx may report ``(v, u)`` for a tie stored as
    ``(u, v)``; a ``source`` attribute naming the tail, when present, puts the
    arrow the right way round.
    """
    tie_type = str(data.get("type") or "TIE")
    directed_attr = data.get("directed")
    if directed_attr is None:
        directed = is_directed_type(tie_type) if data.get("type") else graph_directed
    else:
        directed = bool(directed_attr)
    source = data.get("source")
    if not graph_directed and source is not None and node_key(source) == node_key(v):
        u, v = v, u
    methods = data.get("methods") or ()
    evidence = data.get("evidence_count")
    method_count = data.get("method_count")
    phase = data.get("phase")
    return MapTie(
        source=node_key(u),
        target=node_key(v),
        type=tie_type,
        cls=tie_class(tie_type, groups_of.get(u, ()), groups_of.get(v, ())),
        directed=directed,
        weight=_number(data.get("weight")),
        phase=None if phase in (None, "") else str(phase),
        evidence_count=int(evidence) if isinstance(evidence, int | float) else 0,
        method_count=(
            int(method_count) if isinstance(method_count, int | float) else len(set(methods))
        ),
        methods=tuple(str(m) for m in methods),
        max_confidence=_number(data.get("max_confidence")),
        id=str(data.get("id") or ""),
        # A collapsed analysis graph says how many stored ties an edge stands for.
        count=int(data["ties"]) if isinstance(data.get("ties"), int) else 1,
    )


def read_graph(
    G: nx.Graph,
    partition: Partition,
    group_ids: list[str],
    *,
    size_by: str | None,
) -> tuple[list[MapNode], list[MapTie], str]:
    """Nodes and ties of ``G``, with the size metric resolved.

    Returns nodes, ties and the text saying what node size shows. With
    ``size_by="degree"`` and no ``degree`` attribute, the degree is counted in
    ``G`` (parallel ties counted once each).
    """
    order = {g: i for i, g in enumerate(group_ids)}
    nodes = [read_node(n, a, partition, order) for n, a in G.nodes(data=True)]
    groups_of = {n: mn.groups for n, mn in zip(G.nodes, nodes, strict=True)}
    directed = G.is_directed()
    ties = [read_tie(u, v, d, groups_of, directed) for u, v, d in iter_edges(G)]
    size_text = resolve_sizes(nodes, size_by, dict(G.degree()) if size_by == "degree" else None)
    return nodes, ties, size_text


def resolve_sizes(
    nodes: list[MapNode], size_by: str | None, degrees: Mapping[Hashable, int] | None = None
) -> str:
    """Set ``size_value`` of each node from metric ``size_by``; return the legend text."""
    if not size_by:
        return "Node size: constant"
    have = [n for n in nodes if size_by in n.metrics]
    if not have and size_by == "degree" and degrees is not None:
        by_key = {node_key(k): float(v) for k, v in degrees.items()}
        for n in nodes:
            n.metrics["degree"] = by_key.get(n.key, 0.0)
        have = nodes
    if not have:
        return f"Node size: constant (no node has '{size_by}')"
    for n in nodes:
        n.size_value = n.metrics.get(size_by)
    return f"Node size: {size_by.replace('_', ' ')}"
