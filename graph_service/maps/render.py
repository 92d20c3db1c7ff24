"""Turn a :class:`~graph_service.maps.spec.MapSpec` into one self-contained HTML page.

The page carries vis-network (standalone build, its CSS included), the map's
data as compact JSON in a ``<script type="application/json">`` block, and the
page's own plain JavaScript (``templates/map.js``). Nothing is fetched: a
Content-Security-Policy with ``default-src 'none'`` forbids the page any
request at all, and only the two scripts whose SHA-256 the page lists may run,
so a name like ``<img onerror=…>`` in the data can neither load nor execute
anything even if it reached the DOM (it does not: all text is set with
``textContent``/``innerText`` or drawn on the canvas).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import networkx as nx

from graph_service.maps.encoding import (
    AFFILIATION_TYPES,
    DIMMED_COLOR,
    EVIDENCE_METHODS,
    NODE_ROLE_STYLES,
    NODE_SHAPES,
    NODE_SIZE_DEFAULT,
    NODE_SIZE_MAX,
    NODE_SIZE_MIN,
    SOCIAL_TIE_TYPES,
    TIE_CLASS_STYLES,
    TIE_ROLE_STYLES,
    TIE_WIDTH_MAX,
    TIE_WIDTH_MIN,
    UNGROUPED_COLOR,
    LegendEntry,
    LegendSection,
    dash_pattern,
    group_colors,
    node_shape,
    scale_linear,
    scale_sqrt,
)
from graph_service.maps.spec import MapSpec, MapTie
from graph_service.metrics.ties import TIE_CLASSES as METRIC_TIE_CLASSES
from graph_service.metrics.ties import class_counts

VIS_NETWORK_VERSION = "10.1.5"

TIE_CLASSES = ("bonding", "bridging", "unclassified", "affiliation", "aggregate")
NODE_ROLES = ("", *NODE_ROLE_STYLES)
TIE_ROLES = ("", *TIE_ROLE_STYLES)
WIDTH_BY_CHOICES = ("weight", "evidence", "count", None)


@dataclass(frozen=True)
class MapResult:
    """A rendered map.

    ``html`` is the whole page; ``size_bytes`` its UTF-8 size; ``nodes`` and
    ``ties`` what the page holds; ``view`` the view actually drawn (a network
    too large for the browser comes back as ``"groups"``); ``physics`` whether
    the page starts with the physics simulation on; ``payload`` the data the page
    draws (:func:`build_payload`), which ``to_pyvis`` carries over to pyvis.
    """

    html: str
    size_bytes: int
    nodes: int
    ties: int
    view: str
    physics: bool = False
    #: services.analysis_graph.TieCount of the stored graph, when a service drew the map
    tie_count: Any = None
    payload: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def write(self, path: str) -> int:
        """Write the page to ``path`` (UTF-8); return the number of bytes."""
        data = self.html.encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(data)
        return len(data)


@cache
def _asset(name: str) -> str:
    return resources.files("graph_service.maps").joinpath("assets", name).read_text("utf-8")


@cache
def _template_text(name: str) -> str:
    return resources.files("graph_service.maps").joinpath("templates", name).read_text("utf-8")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template_text),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["shape_path"] = shape_path
    return env


@cache
def _script_hash(name: str, kind: str) -> str:
    text = _asset(name) if kind == "asset" else _template_text(name)
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def vis_network_js() -> str:
    """The vendored vis-network standalone build (JavaScript with its CSS)."""
    return _asset("vis-network.min.js")


def json_for_script(data: Any) -> str:
    """Compact JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc., so no name can close the
    script element or open a comment; ``JSON.parse`` restores them.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _round(value: float | None, digits: int = 4) -> float | int | None:
    """``value`` to ``digits`` significant digits; None when it is not a finite number.

    Rounding up the largest floats overflows (``-1.7976931348623157e308`` to 4 digits is
    ``-1.798e308``, beyond the largest float: ``-inf``), so those keep every digit.
    """
    if value is None or not math.isfinite(value):
        return None
    if float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    rounded = float(f"{value:.{digits}g}")
    return rounded if math.isfinite(rounded) else float(value)


def _ordered(present: set[str], vocabulary: tuple[str, ...]) -> list[str]:
    return [t for t in vocabulary if t in present] + sorted(present - set(vocabulary))


def shape_path(shape: str) -> str:
    """SVG path (in a 16x16 box) of a vis-network node shape, for the legend."""
    paths = {
        "dot": "M8 2a6 6 0 1 0 0.01 0Z",
        "square": "M2.5 2.5H13.5V13.5H2.5Z",
        "hexagon": "M8 1.5L13.6 4.75V11.25L8 14.5L2.4 11.25V4.75Z",
        "diamond": "M8 1.5L14.5 8L8 14.5L1.5 8Z",
        "star": "M8 1.2L9.9 6H14.8L10.8 9L12.3 14L8 11L3.7 14L5.2 9L1.2 6H6.1Z",
        "triangle": "M8 2L14.5 13.5H1.5Z",
        "triangleDown": "M1.5 2.5H14.5L8 14Z",
    }
    return paths.get(shape, paths["dot"])


def _tie_width_value(tie: MapTie, width_by: str | None) -> float | None:
    if width_by == "weight":
        return tie.weight
    if width_by == "evidence":
        return float(tie.evidence_count)
    if width_by == "count":
        return float(tie.count)
    return None


def _role_text(text: str, labels: tuple[str, str] | None) -> str:
    a, b = labels or ("phase A", "phase B")
    return text.replace("{a}", a).replace("{b}", b)


def social_tie_counts(spec: MapSpec) -> dict[str, dict[str, int]]:
    """Bonding, bridging and unclassified ties of the map, as pairs and as stored ties.

    The metrics' own counting (:func:`graph_service.metrics.ties.class_counts`) over the
    drawn social ties, so a map's legend gives the numbers ``graph-service metrics`` gives
    for the same graph and filter.
    """
    social = [t for t in spec.ties if t.cls in METRIC_TIE_CLASSES and t.role != "context"]
    graph = nx.MultiGraph()
    graph.add_nodes_from(n.key for n in spec.nodes)
    graph.add_edges_from((t.source, t.target, {"ties": t.count}) for t in social)
    return class_counts(graph, {n.key: frozenset(n.groups) for n in spec.nodes})


def tie_unit(spec: MapSpec) -> str:
    """What one line of the map stands for, for the caption's count."""
    if spec.view == "groups":
        return "ties between groups"
    if any(t.count > 1 for t in spec.ties):
        return "lines (tied pairs)"
    return "stored ties"


def tie_count_text(spec: MapSpec) -> str:
    """The legend line that says what the tie counts count (docs/metrics.md)."""
    counts = social_tie_counts(spec)
    if not counts["all"]["stored"]:
        return ""
    pairs = ", ".join(f"{counts[c]['pairs']} {c}" for c in METRIC_TIE_CLASSES)
    return (
        f"{counts['all']['stored']} stored ties (counts above) between "
        f"{counts['all']['pairs']} pairs ({pairs}): the metrics count pairs"
    )


def _group_section(spec: MapSpec, colors: dict[str, str]) -> LegendSection:
    """Colours: one entry per group present, then "No group" and "In several groups"."""
    counts: dict[str, int] = {}
    ungrouped = multi = 0
    # The group-level map has one node per group: there the counts are members.
    per_node = (lambda n: int(n.metrics.get("members", 1))) if spec.view == "groups" else None
    for n in spec.nodes:
        for g in n.groups:
            counts[g] = counts.get(g, 0) + (per_node(n) if per_node else 1)
        ungrouped += not n.groups
        multi += len(n.groups) > 1
    section = LegendSection(f"Colour: group ({spec.partition_name})")
    for g in spec.group_ids:
        if g in counts:
            name = spec.group_names.get(g, g)
            section.entries.append(LegendEntry("color", name, color=colors[g], count=counts[g]))
    if ungrouped:
        if per_node:
            ungrouped = sum(per_node(n) for n in spec.nodes if not n.groups)
        section.entries.append(
            LegendEntry("color", "No group", color=UNGROUPED_COLOR, count=ungrouped)
        )
    if multi:
        section.entries.append(
            LegendEntry(
                "ring",
                "In several groups: fill = first group, ring = second",
                color=UNGROUPED_COLOR,
                border="#333333",
                count=multi,
            )
        )
    return section


def _shape_section(spec: MapSpec) -> LegendSection:
    section = LegendSection("Shape: kind of node")
    for label in _ordered({n.label for n in spec.nodes}, tuple(NODE_SHAPES)):
        section.entries.append(
            LegendEntry(
                "shape",
                label or "Node without label",
                shape=node_shape(label),
                count=sum(1 for n in spec.nodes if n.label == label),
            )
        )
    section.entries.append(LegendEntry("text", spec.size_label or "Node size: constant"))
    return section


def _tie_section(spec: MapSpec) -> LegendSection:
    """Line styles present (counts: stored ties), what they count, arrows and width."""
    section = LegendSection("Lines: ties")
    classes = {t.cls for t in spec.ties if not t.role or t.role == "path"}
    if spec.comparison_labels is None:
        for cls in TIE_CLASSES:
            if cls in classes:
                style = TIE_CLASS_STYLES[cls]
                section.entries.append(
                    LegendEntry(
                        "line",
                        str(style["text"]),
                        color=str(style["color"]),
                        dashes=dash_pattern(style),
                        count=sum(t.count for t in spec.ties if t.cls == cls),
                    )
                )
    for role, style in TIE_ROLE_STYLES.items():
        n_role = sum(1 for t in spec.ties if t.role == role)
        if n_role:
            section.entries.append(
                LegendEntry(
                    "line",
                    _role_text(str(style["text"]), spec.comparison_labels),
                    color=str(style["color"]),
                    dashes=dash_pattern(style),
                    width=3.0 if role == "path" else 2.0,
                    count=n_role,
                )
            )
    if spec.comparison_labels is None and spec.view != "groups":
        summary = tie_count_text(spec)
        if summary:
            section.entries.append(LegendEntry("text", summary))
    if any(t.directed for t in spec.ties):
        section.entries.append(
            LegendEntry("line", "Arrow: directed tie (from → to)", color="#555555", arrow=True)
        )
    if spec.ties:
        width_text = {
            "weight": "Line width: tie weight",
            "evidence": "Line width: number of pieces of evidence",
            "count": "Line width: number of ties aggregated",
        }.get(spec.width_by or "", "Line width: constant")
        section.entries.append(LegendEntry("text", width_text))
    else:
        section.entries.append(LegendEntry("text", "No ties in this map"))
    return section


def _highlight_section(spec: MapSpec) -> LegendSection:
    section = LegendSection("Highlighted")
    for role, style in NODE_ROLE_STYLES.items():
        n_role = sum(1 for n in spec.nodes if n.role == role)
        if n_role:
            section.entries.append(
                LegendEntry(
                    "ring",
                    _role_text(str(style["text"]), spec.comparison_labels),
                    color="#ffffff",
                    border=str(style["border"]),
                    count=n_role,
                )
            )
    return section


def build_legend(spec: MapSpec, colors: dict[str, str]) -> list[LegendSection]:
    """Legend sections for exactly the colours, shapes and line styles the map uses."""
    sections = [_group_section(spec, colors), _shape_section(spec), _tie_section(spec)]
    highlight = _highlight_section(spec)
    if highlight.entries:
        sections.append(highlight)
    return sections


@dataclass
class _Tables:
    """The payload's lookup tables: each value's position in its list."""

    groups: list[str]
    labels: list[str]
    types: list[str]
    phases: list[str]
    methods: list[str]
    metrics: list[str]

    @classmethod
    def of(cls, spec: MapSpec) -> _Tables:
        present_groups = {g for n in spec.nodes for g in n.groups}
        return cls(
            groups=[g for g in spec.group_ids if g in present_groups],
            labels=_ordered({n.label for n in spec.nodes}, tuple(NODE_SHAPES)),
            types=_ordered({t.type for t in spec.ties}, SOCIAL_TIE_TYPES + AFFILIATION_TYPES),
            phases=sorted({t.phase for t in spec.ties if t.phase is not None}),
            methods=_ordered({m for t in spec.ties for m in t.methods}, EVIDENCE_METHODS),
            metrics=sorted({k for n in spec.nodes for k in n.metrics}),
        )


def _node_rows(spec: MapSpec, tables: _Tables) -> list[list[Any]]:
    """``[key, name, label, [groups], kind, size, x, y, [metrics], role, note]`` per node."""
    group_index = {g: i for i, g in enumerate(tables.groups)}
    label_index = {label: i for i, label in enumerate(tables.labels)}
    sizes = [n.size_value for n in spec.nodes if n.size_value is not None]
    lo, hi = (min(sizes), max(sizes)) if sizes else (0.0, 0.0)
    positions = spec.positions or {}
    rows = []
    for n in spec.nodes:
        size = scale_sqrt(n.size_value, lo, hi, NODE_SIZE_MIN, NODE_SIZE_MAX, NODE_SIZE_DEFAULT)
        x, y = positions.get(n.key, (None, None))
        rows.append(
            [
                n.key,
                n.name,
                label_index[n.label],
                [group_index[g] for g in n.groups],
                n.kind,
                round(size, 1),
                x,
                y,
                [_round(n.metrics.get(m)) for m in tables.metrics],
                NODE_ROLES.index(n.role),
                n.note,
            ]
        )
    return rows


def _tie_rows(spec: MapSpec, tables: _Tables) -> list[list[Any]]:
    """One array per tie (see :func:`build_payload`); nodes by position."""
    node_index = {n.key: i for i, n in enumerate(spec.nodes)}
    type_index = {t: i for i, t in enumerate(tables.types)}
    phase_index = {p: i for i, p in enumerate(tables.phases)}
    method_bit = {m: 1 << i for i, m in enumerate(tables.methods)}
    widths = [_tie_width_value(t, spec.width_by) for t in spec.ties]
    known = [w for w in widths if w is not None]
    wlo, whi = (min(0.0, *known), max(known)) if known else (0.0, 0.0)
    pair_seen: dict[tuple[str, str], int] = {}
    rows = []
    for t, w in zip(spec.ties, widths, strict=True):
        pair = (min(t.source, t.target), max(t.source, t.target))
        rank = pair_seen.get(pair, 0)
        pair_seen[pair] = rank + 1
        # Parallel ties bend alternately to either side so none hides another.
        curve = 0.0 if rank == 0 else (0.25 * ((rank + 1) // 2)) * (1 if rank % 2 else -1)
        mask = 0
        for m in t.methods:
            mask |= method_bit[m]
        rows.append(
            [
                node_index[t.source],
                node_index[t.target],
                type_index[t.type],
                TIE_CLASSES.index(t.cls),
                int(t.directed),
                _round(t.weight),
                phase_index[t.phase] if t.phase is not None else -1,
                t.evidence_count,
                t.method_count,
                mask,
                _round(t.max_confidence, 3),
                t.id,
                round(scale_linear(w, wlo, whi, TIE_WIDTH_MIN, TIE_WIDTH_MAX, 1.5), 1),
                TIE_ROLES.index(t.role),
                curve,
                t.note,
            ]
        )
    return rows


def _styles() -> dict[str, Any]:
    """The line and ring styles the page draws with (encoding.py's tables)."""
    return {
        "ungrouped": UNGROUPED_COLOR,
        "dimmed": DIMMED_COLOR,
        "tieClasses": [
            {
                "name": c,
                "color": TIE_CLASS_STYLES[c]["color"],
                "dashes": TIE_CLASS_STYLES[c]["dashes"],
            }
            for c in TIE_CLASSES
        ],
        "tieRoles": [
            {
                "name": r,
                **({k: v for k, v in TIE_ROLE_STYLES[r].items() if k != "text"} if r else {}),
            }
            for r in TIE_ROLES
        ],
        "nodeRoles": [
            {"name": r, **({"border": NODE_ROLE_STYLES[r]["border"]} if r else {})}
            for r in NODE_ROLES
        ],
    }


def build_payload(spec: MapSpec, colors: dict[str, str]) -> dict[str, Any]:
    """The map's data as the page reads it (see ``templates/map.js``, ``decode``).

    Nodes and ties are arrays rather than objects to keep large files small;
    ties refer to nodes by position. Lookup tables (groups, labels, tie types,
    phases, methods, styles) come first.

    node: ``[key, name, label, [groups], kind, size, x, y, [metrics], role, note]``
    tie:  ``[from, to, type, class, directed, weight, phase, evidence_count,
    method_count, methods_bitmask, max_confidence, id, width, role, curve, note]``
    """
    tables = _Tables.of(spec)
    nodes, ties = _node_rows(spec, tables), _tie_rows(spec, tables)
    evidence = [t.evidence_count for t in spec.ties]
    initial = spec.initial
    return {
        "meta": {
            "view": spec.view,
            "title": spec.title,
            "partition": spec.partition_name,
            "physics": spec.physics,
            "positioned": bool(spec.positions),
            "sizeBy": spec.size_by,
            "widthBy": spec.width_by,
            "comparison": list(spec.comparison_labels) if spec.comparison_labels else None,
            "counts": {"nodes": len(nodes), "ties": len(ties)},
            "tieUnit": tie_unit(spec),
            # bonding/bridging/unclassified as pairs and stored ties (docs/metrics.md)
            "tieCounts": social_tie_counts(spec),
        },
        "groups": [
            {"id": g, "name": spec.group_names.get(g, g), "color": colors[g]} for g in tables.groups
        ],
        "labels": [{"name": label, "shape": node_shape(label)} for label in tables.labels],
        "tieTypes": tables.types,
        "phases": tables.phases,
        "methods": tables.methods,
        "metrics": tables.metrics,
        "evidenceRange": [min(evidence, default=0), max(evidence, default=0)],
        "initial": {
            "tieTypes": sorted(initial.tie_types) if initial.tie_types is not None else None,
            "groups": sorted(initial.groups) if initial.groups is not None else None,
            "phase": initial.phase,
            "minEvidence": initial.min_evidence,
        },
        "styles": _styles(),
        "nodes": nodes,
        "ties": ties,
    }


def filters_text(spec: MapSpec) -> str:
    """The caption's filter line for the initial state (the page keeps it current)."""
    initial = spec.initial
    types = "all tie types" if initial.tie_types is None else ", ".join(sorted(initial.tie_types))
    groups = (
        "all groups"
        if initial.groups is None
        else "groups " + ", ".join(spec.group_names.get(g, g) for g in sorted(initial.groups))
    )
    phase = "all phases" if initial.phase is None else f"phase {initial.phase}"
    return f"Showing {types}; {groups}; {phase}; evidence ≥ {initial.min_evidence}"


def render_spec(spec: MapSpec) -> MapResult:
    """Render a map specification to a :class:`MapResult`."""
    colors = group_colors(spec.group_ids)
    payload = build_payload(spec, colors)
    legend = build_legend(spec, colors)
    csp = (
        "default-src 'none'; "
        f"script-src {_script_hash('vis-network.min.js', 'asset')} "
        f"{_script_hash('map.js', 'template')}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    html = (
        _environment()
        .get_template("map.html.j2")
        .render(
            spec=spec,
            csp=csp,
            legend=legend,
            filters_text=filters_text(spec),
            counts=payload["meta"]["counts"],
            tie_unit=payload["meta"]["tieUnit"],
            tie_types=payload["tieTypes"],
            groups=payload["groups"],
            phases=payload["phases"],
            has_ungrouped=any(not n.groups for n in spec.nodes),
            has_unphased=any(t.phase is None for t in spec.ties),
            vis_js=vis_network_js(),
            vis_version=VIS_NETWORK_VERSION,
            app_js=_template_text("map.js"),
            payload_json=json_for_script(payload),
        )
    )
    return MapResult(
        html=html,
        size_bytes=len(html.encode("utf-8")),
        nodes=len(spec.nodes),
        ties=len(spec.ties),
        view=spec.view,
        physics=spec.physics,
        payload=payload,
    )
