"""The report's inline SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from graph_service.reports import charts


def test_diverging_bars_are_valid_svg_with_escaped_labels() -> None:
    svg = charts.diverging_bars([("A & B", -0.5), ("<C>", 0.25), ("none", None)], title="E-I")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "A &amp; B" in svg and "&lt;C&gt;" in svg and "n/a" in svg
    assert "+0.25" in svg and "-0.50" in svg


def test_stacked_and_paired_bars() -> None:
    svg = charts.stacked_bars([("x", {"in": 2, "out": 1})], ["in", "out"], title="t")
    ET.fromstring(svg)
    assert ">3<" in svg
    ET.fromstring(charts.paired_bars([("g", 1, 2)], labels=("p1", "p2"), title="t"))
