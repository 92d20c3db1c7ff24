"""The map at first sight, in headless Chromium offline: labels that do not overlap and are
not cut at the edges, isolated nodes hidden behind a toggle that says how many, a page
that does not move when it opens, a sidebar without sideways scroll."""

from __future__ import annotations

import networkx as nx
import pytest

from benchmarks.synthetic import synthetic_network
from graph_service.maps import render_map

pytestmark = pytest.mark.browser

#: In-page: the label boxes vis-network drew (canvas units), as DOM rectangles too.
DRAWN_LABELS = """() => {
  const net = graphMap.network, out = [];
  for (const id of graphMap.nodeView.getIds()) {
    const node = net.body.nodes[id];
    if (!node || !node.options.label) { continue; }
    const s = node.labelModule.size;
    const a = net.canvasToDOM({x: s.left, y: s.top});
    const b = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
    out.push({id, name: node.options.label, left: a.x, top: a.y, right: b.x, bottom: b.y});
  }
  const canvas = document.querySelector('#map-canvas');
  return {labels: out, width: canvas.clientWidth, height: canvas.clientHeight};
}"""


def overlapping_pairs(labels: list[dict]) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            if (
                a["left"] < b["right"] - 0.5
                and b["left"] < a["right"] - 0.5
                and a["top"] < b["bottom"] - 0.5
                and b["top"] < a["bottom"] - 0.5
            ):
                pairs.append((a["name"], b["name"]))
    return pairs


def assert_legible(m, at_least: int) -> dict:
    drawn = m.eval(DRAWN_LABELS)
    labels = drawn["labels"]
    assert len(labels) >= at_least
    assert overlapping_pairs(labels) == []
    for box in labels:  # none cut at an edge
        assert box["left"] >= 0 and box["top"] >= 0, box
        assert box["right"] <= drawn["width"] and box["bottom"] <= drawn["height"], box
    return drawn


@pytest.mark.parametrize("n", [150, 500])
def test_labels_do_not_overlap_at_the_first_zoom_and_zooming_names_more(open_map, n):
    G, partition, names = synthetic_network(n, seed=11)
    m = open_map(render_map(G, partition=partition, group_names=names).html)
    first = assert_legible(m, at_least=10)
    # zoom in on the centre: labels keep their size on screen, so more fit
    m.eval(
        "() => { graphMap.network.moveTo({scale: graphMap.network.getScale() * 3}); "
        "graphMap.placeLabels(); }"
    )
    m.page.wait_for_timeout(300)
    drawn = m.eval(DRAWN_LABELS)
    # vis-network measures the labels it draws: those in view
    zoomed = [
        b
        for b in drawn["labels"]
        if b["left"] >= 0
        and b["top"] >= 0
        and b["right"] <= drawn["width"]
        and b["bottom"] <= drawn["height"]
    ]
    assert len(zoomed) >= 5
    assert overlapping_pairs(zoomed) == []
    assert m.eval("graphMap.labelsShown") > len(first["labels"])


def test_the_page_opens_still_and_fitted(open_map):
    G, partition, names = synthetic_network(150, seed=11)
    m = open_map(render_map(G, partition=partition, group_names=names).html)
    assert m.eval("graphMap.network.physics.physicsEnabled") is False
    before = m.eval("() => graphMap.network.getPositions()")
    m.page.wait_for_timeout(1500)
    assert m.eval("() => graphMap.network.getPositions()") == before


def test_isolated_nodes_are_hidden_and_the_toggle_says_how_many(open_map):
    G = nx.path_graph(6)
    G.add_nodes_from(["lone 1", "lone 2", "lone 3"])
    partition = {v: frozenset({"a" if isinstance(v, int) and v < 3 else "b"}) for v in G}
    m = open_map(render_map(G, partition=partition).html)
    toggle = m.page.locator("label:has(#map-hide-isolated)")
    assert toggle.inner_text().strip() == "hide 3 nodes without shown ties"
    assert m.eval("graphMap.nodeView.length") == 6
    m.page.locator("#map-hide-isolated").uncheck()
    assert m.eval("graphMap.nodeView.length") == 9


def test_sidebar_wraps_long_group_names_and_the_search_box_reads_whole(open_map):
    G, partition, _ = synthetic_network(60, seed=3)
    long_names = {
        g: f"Fachbereich Stadtplanung, Bauordnung und Denkmalschutz, Abteilung {i}"
        for i, g in enumerate(sorted({g for gs in partition.values() for g in gs}))
    }
    m = open_map(render_map(G, partition=partition, group_names=long_names).html)
    panel = "document.querySelector('#map-controls-panel')"
    assert m.eval(f"{panel}.scrollWidth <= {panel}.clientWidth") is True
    label = m.page.locator("#map-filter-groups label").first
    assert "Denkmalschutz, Abteilung" in label.inner_text()
    fits = m.eval(
        """() => { const el = document.querySelector('#map-search');
                   const ctx = document.createElement('canvas').getContext('2d');
                   ctx.font = getComputedStyle(el).font;
                   return ctx.measureText(el.placeholder).width < el.clientWidth - 8; }"""
    )
    assert fits is True
