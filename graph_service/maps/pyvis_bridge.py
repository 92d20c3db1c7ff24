"""A bridge to pyvis for notebook users who know it: our map, as a ``pyvis.network.Network``.

The network carries what our page draws (the same payload, ``render.build_payload``):
each node's colour (its first group; a second group or a role as the border), shape,
size, position (physics off: the seeded layout from Python), tooltip, and its legend
group (the group's display name, as pyvis's ``group``); each tie's colour and dashes
(bonding, bridging, or its role in the view), width, arrow, curve and tooltip.

It fills pyvis's node and edge lists directly: ``Network.add_edge`` scans every edge
already added (to refuse duplicates of undirected ties), so ``from_nx`` grows
quadratically with the number of ties (about 3 s for 500 nodes and 110 s for 2,000 on
this kind of machine, docs/maps.md). pyvis is the optional extra ``pyvis``
(``pip install 'graph-service[pyvis]'``); our own page stays the offline map (pyvis
links Bootstrap and vis-network from a CDN in every mode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

from graph_service.maps.render import MapResult
from graph_service.maps.spec import Partition

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = ["pyvis_network", "to_pyvis"]


def _number(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.3f}".rstrip("0")
    return str(value)


def _node_title(payload: dict[str, Any], node: list[Any]) -> str:
    """Name, kind, groups, metrics and note: the lines of our page's tooltip."""
    _key, name, label, groups, kind, _size, _x, _y, metrics, _role, note = node
    lines = [name]
    label_name = payload["labels"][label]["name"] or "Node"
    lines.append(f"{label_name} · {kind}" if kind else label_name)
    names = ", ".join(payload["groups"][g]["name"] for g in groups) or "no group"
    lines.append(f"Groups: {names}")
    for metric, value in zip(payload["metrics"], metrics, strict=True):
        if value is not None:
            lines.append(f"{metric.replace('_', ' ')}: {_number(value)}")
    if note:
        lines.append(note)
    return "\n".join(lines)


def _node(payload: dict[str, Any], node: list[Any]) -> dict[str, Any]:
    key, name, label, groups, _kind, size, x, y, _metrics, role, _note = node
    styles = payload["styles"]
    fill = payload["groups"][groups[0]]["color"] if groups else styles["ungrouped"]
    border, width = "#4d4d4d", 1
    if len(groups) > 1:
        border, width = payload["groups"][groups[1]]["color"], 4
    if role > 0:
        border, width = styles["nodeRoles"][role]["border"], 5
    item: dict[str, Any] = {
        "id": key,
        "label": name,
        "shape": payload["labels"][label]["shape"],
        "size": size,
        "color": {"background": fill, "border": border},
        "borderWidth": width,
        "title": _node_title(payload, node),
        "group": payload["groups"][groups[0]]["name"] if groups else "no group",
        "physics": False,
    }
    if x is not None:
        item["x"], item["y"] = x, y
    return item


def _edge(payload: dict[str, Any], tie: list[Any]) -> dict[str, Any]:
    src, dst, type_, cls, directed, weight, phase, evidence = tie[:8]
    _count, _mask, _conf, tie_id, width, role, curve, note = tie[8:]
    styles = payload["styles"]
    style = styles["tieRoles"][role] if role > 0 else styles["tieClasses"][cls]
    nodes = payload["nodes"]
    cls_name = styles["tieClasses"][cls]["name"]
    lines = [payload["tieTypes"][type_] + ("" if cls_name == "aggregate" else f" ({cls_name})")]
    lines.append(f"{nodes[src][1]} {'→' if directed else '—'} {nodes[dst][1]}")
    lines.append(f"Phase: {payload['phases'][phase] if phase >= 0 else 'none recorded'}")
    if weight is not None:
        lines.append(f"Weight: {_number(weight)}")
    lines.append(f"Evidence: {evidence}")
    lines += [f"Id: {tie_id}"] if tie_id else []
    lines += [note] if note else []
    edge: dict[str, Any] = {
        "from": nodes[src][0],
        "to": nodes[dst][0],
        "color": style.get("color", "#888888"),
        "dashes": style.get("dashes", False),
        "width": width,
        "title": "\n".join(lines),
        "arrows": "to" if directed else "",
    }
    if curve:
        edge["smooth"] = {"type": "curvedCW" if curve > 0 else "curvedCCW", "roundness": abs(curve)}
    return edge


def pyvis_network(result: MapResult, **network_args: Any) -> Network:
    """The pyvis ``Network`` of a rendered map (``network_args`` go to ``Network``, e.g.
    ``height="600px"``, ``notebook=True``, ``cdn_resources="in_line"``)."""
    from pyvis.network import Network

    payload = result.payload
    directed = any(t[4] for t in payload["ties"])
    net = Network(directed=directed, **network_args)
    for node in payload["nodes"]:
        item = _node(payload, node)
        net.nodes.append(item)
        net.node_ids.append(item["id"])
        net.node_map[item["id"]] = item
    net.edges.extend(_edge(payload, tie) for tie in payload["ties"])
    net.toggle_physics(False)
    net.options.edges.smooth.enabled = False  # straight ties, as on our page (curves per tie)
    return net


def to_pyvis(G: nx.Graph, *, partition: Partition, **options: Any) -> Network:
    """``G`` drawn as our map would draw it (``render_map``'s options: group names, size
    metric, title, …), as a pyvis ``Network``; keywords ``height``, ``width``,
    ``notebook``, ``cdn_resources``, ``bgcolor`` and ``font_color`` go to ``Network``.

    >>> import networkx as nx
    >>> from graph_service.model import RelType
    >>> G = nx.Graph([("a", "b", {"type": RelType.KNOWS.value})])
    >>> net = to_pyvis(G, partition={"a": frozenset({"x"}), "b": frozenset({"y"})})
    >>> [n["id"] for n in net.nodes], net.edges[0]["color"] != ""
    (['a', 'b'], True)
    """
    from graph_service.maps.views import render_map

    pyvis_keys = ("height", "width", "notebook", "cdn_resources", "bgcolor", "font_color")
    network_args = {k: options.pop(k) for k in pyvis_keys if k in options}
    return pyvis_network(render_map(G, partition=partition, **options), **network_args)
