"""Visual encodings of a map: colours, shapes, line styles, sizes and the legend.

Every visual choice lives here, once, so that the page's JavaScript (which
reads these tables from the map's data) and the legend (rendered in Python)
can never disagree.

The vocabulary (node labels, social and affiliation tie types, directedness,
evidence methods) comes from :mod:`graph_service.model`; a label or type added
there gets a shape or a place in the lists here without a change to this module.
"""

from __future__ import annotations

import colorsys
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from graph_service.metrics.ties import tie_class as social_tie_class
from graph_service.model import (
    AFFILIATION_TYPE_ORDER,
    DIRECTED,
    SOCIAL_TYPE_ORDER,
    EvidenceMethod,
    NodeLabel,
)

SOCIAL_TIE_TYPES: tuple[str, ...] = tuple(t.value for t in SOCIAL_TYPE_ORDER)
AFFILIATION_TYPES: tuple[str, ...] = tuple(t.value for t in AFFILIATION_TYPE_ORDER)
#: Tie types that have a direction (used when an edge carries no ``directed`` flag).
DIRECTED_TIE_TYPES: frozenset[str] = frozenset(
    t.value for t, directed in DIRECTED.items() if directed
)
EVIDENCE_METHODS: tuple[str, ...] = tuple(m.value for m in EvidenceMethod)

#: vis-network shapes, given to the node labels in the model's order (Actor a dot, Staff
#: a square, Group a hexagon, …). Only shapes that draw their label *below* the symbol,
#: so that node size (the metric) stays readable. A label past the end of this list
#: starts it again.
_LABEL_SHAPE_SEQUENCE: tuple[str, ...] = ("dot", "square", "hexagon", "diamond", "star", "triangle")
NODE_SHAPES: dict[str, str] = {
    label.value: _LABEL_SHAPE_SEQUENCE[i % len(_LABEL_SHAPE_SEQUENCE)]
    for i, label in enumerate(NodeLabel)
}
UNKNOWN_LABEL_SHAPE = "triangleDown"

#: Group colours, in order of assignment: Tableau 10 without its grey (grey means
#: "no group"), then a few more distinct hues. Past the end, colours come from
#: golden-angle hue steps, so any number of groups gets a stable colour.
GROUP_PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#b07aa1",
    "#edc948",
    "#76b7b2",
    "#ff9da7",
    "#9c755f",
    "#1f3b73",
    "#8cd17d",
    "#d4a6c8",
)
UNGROUPED_COLOR = "#bdbdbd"
DIMMED_COLOR = "#e6e6e6"

#: Line style per tie class and per highlighted role. ``dashes`` is vis-network's
#: dash pattern (False = solid line).
TIE_CLASS_STYLES: dict[str, dict[str, object]] = {
    "bonding": {"color": "#455a64", "dashes": False, "text": "Bonding tie (ends share a group)"},
    "bridging": {
        "color": "#c2185b",
        "dashes": [8, 5],
        "text": "Bridging tie (ends in different groups)",
    },
    "unclassified": {
        "color": "#9e9e9e",
        "dashes": [1, 4],
        "text": "Unclassified tie (an end has no group)",
    },
    "affiliation": {
        "color": "#a1887f",
        "dashes": [2, 4],
        "text": "Affiliation (member of, participates in, responsible for, …)",
    },
    "aggregate": {
        "color": "#607d8b",
        "dashes": False,
        "text": "Ties between two groups (width: number of ties)",
    },
}
TIE_ROLE_STYLES: dict[str, dict[str, object]] = {
    "path": {"color": "#ff6f00", "dashes": False, "text": "Tie on a highlighted path"},
    "context": {"color": "#cfd8dc", "dashes": False, "text": "Other tie between shown nodes"},
    "gained": {"color": "#2e7d32", "dashes": False, "text": "Tie gained (only in {b})"},
    "lost": {"color": "#c62828", "dashes": [4, 4], "text": "Tie lost (only in {a})"},
    "kept": {"color": "#90a4ae", "dashes": False, "text": "Tie kept (in both)"},
}
NODE_ROLE_STYLES: dict[str, dict[str, object]] = {
    "centre": {"border": "#000000", "text": "Centre of the ego network"},
    "endpoint": {"border": "#000000", "text": "End of a path"},
    "broker": {"border": "#ff6f00", "text": "Broker between the two groups (size: score)"},
    "onlyA": {"border": "#c62828", "text": "Node only in {a}"},
    "onlyB": {"border": "#2e7d32", "text": "Node only in {b}"},
}

NODE_SIZE_MIN = 8.0
NODE_SIZE_MAX = 30.0
NODE_SIZE_DEFAULT = 14.0
TIE_WIDTH_MIN = 1.0
TIE_WIDTH_MAX = 5.0


def tie_class(
    tie_type: str | None,
    source_groups: Iterable[str],
    target_groups: Iterable[str],
) -> str:
    """Classify one tie as ``"bonding"``, ``"bridging"``, ``"unclassified"`` or
    ``"affiliation"``.

    A social tie takes the class of the metrics' one rule
    (:func:`graph_service.metrics.ties.tie_class`): bonding when its ends share a
    group of the partition, bridging when both ends have groups and share none,
    unclassified when an end has no group. Ties whose type is an affiliation
    (``MEMBER_OF``, ``PART_OF``, …) are none of these; they are drawn apart.
    Unknown types count as social ties.

    Examples
    --------
    >>> tie_class("KNOWS", {"a"}, {"a", "b"})
    'bonding'
    >>> tie_class("KNOWS", {"a"}, set())
    'unclassified'
    >>> tie_class("MEMBER_OF", {"a"}, {"a"})
    'affiliation'
    """
    if tie_type in AFFILIATION_TYPES:
        return "affiliation"
    return social_tie_class(source_groups, target_groups)


def is_directed_type(tie_type: str | None) -> bool:
    """Whether a tie type has a direction (ADVISES, FUNDS and all affiliations)."""
    return tie_type in DIRECTED_TIE_TYPES


def dash_pattern(style: Mapping[str, object]) -> tuple[int, ...]:
    """The dash pattern of a line style as a tuple (empty for a solid line)."""
    dashes = style.get("dashes")
    return tuple(int(d) for d in dashes) if isinstance(dashes, list | tuple) else ()


def node_shape(label: str | None) -> str:
    """vis-network shape for a node label."""
    return NODE_SHAPES.get(label or "", UNKNOWN_LABEL_SHAPE)


def _extra_color(i: int) -> str:
    # Golden-angle hue steps give well separated hues for any i.
    hue = (0.61803398875 * i + 0.1) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.5, 0.55)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders numbers by value: ``"2"`` before ``"10"``, ``"g9"`` before
    ``"g10"``; letters without regard to case.

    >>> sorted(["10", "2", "1", "11"], key=natural_key)
    ['1', '2', '10', '11']
    """
    parts = re.split(r"(\d+)", text)
    return tuple((1, int(p)) if p.isdigit() else (0, p.casefold()) for p in parts if p)


def group_order(
    partition: Mapping[object, Iterable[str]],
    group_names: Mapping[str, str] | None = None,
) -> list[str]:
    """All group ids of a partition in one stable order: natural order of their names.

    Each group is sorted by its display name (``group_names``, else its id) in
    :func:`natural_key` order, so communities ``1, 2, …, 10, 11`` come in that
    order. It fixes colours (:func:`group_palette`), so the same partition gives
    the same colours in every view, the report and its charts, whatever subset
    of nodes a view shows.
    """
    names = group_names or {}
    seen: set[str] = set()
    for groups in partition.values():
        seen.update(groups)
    return sorted(seen, key=lambda g: (natural_key(names.get(g, g)), natural_key(g)))


def group_colors(groups: Sequence[str]) -> dict[str, str]:
    """Colour per group id, by position in ``groups`` (see :func:`group_order`)."""
    colors: dict[str, str] = {}
    for i, g in enumerate(groups):
        colors[g] = (
            GROUP_PALETTE[i] if i < len(GROUP_PALETTE) else _extra_color(i - len(GROUP_PALETTE))
        )
    return colors


def group_palette(
    partition: Mapping[object, Iterable[str]],
    group_names: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The one colour of every group of ``partition``: what every map view, the report
    and its charts use."""
    return group_colors(group_order(partition, group_names))


def _scale(
    value: float | None,
    bounds: tuple[float, float, float, float],
    default: float,
    shape: Callable[[float], float],
) -> float:
    """Map ``value`` from ``[lo, hi]`` to ``[out_lo, out_hi]`` (``bounds``), ``shape``
    applied to its place in the range (0 to 1); ``default`` when unknown, the middle of
    the output when the range is empty."""
    lo, hi, out_lo, out_hi = bounds
    if value is None or not math.isfinite(value):
        return default
    if hi <= lo:
        return (out_lo + out_hi) / 2
    t = min(1.0, max(0.0, (value - lo) / (hi - lo)))
    return out_lo + shape(t) * (out_hi - out_lo)


def scale_linear(
    value: float | None, lo: float, hi: float, out_lo: float, out_hi: float, default: float
) -> float:
    """Map ``value`` from ``[lo, hi]`` to ``[out_lo, out_hi]``; ``default`` when unknown."""
    return _scale(value, (lo, hi, out_lo, out_hi), default, lambda t: t)


def scale_sqrt(
    value: float | None, lo: float, hi: float, out_lo: float, out_hi: float, default: float
) -> float:
    """Like :func:`scale_linear` on square roots, so the *area* follows the value."""
    return _scale(value, (lo, hi, out_lo, out_hi), default, math.sqrt)


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend.

    ``kind`` says how the swatch is drawn: ``"color"`` (a filled disc),
    ``"ring"`` (fill and border colours), ``"shape"`` (a vis shape outline),
    ``"line"`` (a line with an optional dash pattern and arrow), ``"text"``.
    """

    kind: str
    text: str
    color: str = "#000000"
    border: str | None = None
    shape: str | None = None
    dashes: tuple[int, ...] = ()
    arrow: bool = False
    width: float = 2.0
    count: int | None = None


@dataclass
class LegendSection:
    title: str
    entries: list[LegendEntry] = field(default_factory=list)
