"""Maps opened in headless Chromium with networking off: drawn, offline, clean, interactive."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest

from benchmarks.synthetic import synthetic_network
from graph_service.maps import (
    brokers_view,
    comparison_view,
    ego_view,
    group_view,
    paths_view,
    render_map,
)
from tests.browser.conftest import CANVAS_INK
from tests.unit.maps.conftest import office, payload  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def assert_clean(m) -> None:
    assert m.console_errors == []
    assert m.external_requests == []


def shown(m) -> dict:
    return m.eval("({nodes: graphMap.nodeView.length, ties: graphMap.edgeView.length})")


@pytest.fixture(scope="module")
def sample():
    G, partition, names = synthetic_network(150, seed=11)
    result = render_map(
        G, partition=partition, group_names=names, title="Sample", caption="Synthetic"
    )
    return G, partition, names, result


def test_network_map_is_drawn_offline_with_legend(open_map, sample):
    G, _, names, result = sample
    m = open_map(result.html)
    assert m.eval("graphMap.data.nodes.length") == G.number_of_nodes()
    assert m.eval("graphMap.nodes.length") == G.number_of_nodes()
    assert m.eval("graphMap.edges.length") == G.number_of_edges()
    # isolated nodes start hidden (the toggle says how many)
    isolates = nx.number_of_isolates(G)
    assert m.eval("graphMap.isolated") == isolates
    assert shown(m) == {"nodes": G.number_of_nodes() - isolates, "ties": G.number_of_edges()}
    ink = m.eval(CANVAS_INK)
    assert ink > 0.02, f"canvas nearly blank ({ink:.3%} drawn)"
    legend = m.page.locator("#map-legend")
    assert legend.is_visible()
    text = legend.inner_text()
    for name in list(names.values())[:3]:
        assert name in text
    assert "Bridging tie" in text and "Bonding tie" in text
    assert m.page.locator("#map-title").inner_text() == "Sample"
    assert_clean(m)


def test_page_cannot_reach_the_network(open_map, sample):
    m = open_map(sample[3].html)
    blocked = m.eval(
        """() => new Promise(resolve => {
          document.addEventListener('securitypolicyviolation',
                                    e => resolve(e.violatedDirective), {once: true});
          const img = new Image(); img.src = 'https://example.org/pixel.png';
        })"""
    )
    assert blocked.startswith("img-src")
    # Chromium reports the attempt (DevTools shows it as "blocked:csp"); nothing else.
    assert set(m.external_requests) <= {"https://example.org/pixel.png"}


def test_filters_change_what_is_shown(open_map, sample):
    result = sample[3]
    m = open_map(result.html)
    page = m.page
    data = payload(result.html)
    ties = data["ties"]
    page.locator("#map-hide-isolated").uncheck()  # counts below include nodes left alone

    knows = data["tieTypes"].index("KNOWS")
    page.locator(f'input[name="tie-type"][value="{knows}"]').uncheck()
    assert shown(m)["ties"] == sum(1 for t in ties if t[2] != knows)
    assert "KNOWS" not in page.locator("#map-filters").inner_text()
    page.locator(f'input[name="tie-type"][value="{knows}"]').check()

    page.locator("#map-min-evidence").fill("3")
    page.locator("#map-min-evidence").dispatch_event("change")
    assert shown(m)["ties"] == sum(1 for t in ties if t[7] >= 3)
    assert "evidence ≥ 3" in page.locator("#map-filters").inner_text()
    page.locator("#map-min-evidence").fill("0")
    page.locator("#map-min-evidence").dispatch_event("change")

    phase = data["phases"].index("1")
    page.locator("#map-phase").select_option(str(phase))
    assert shown(m)["ties"] == sum(1 for t in ties if t[6] in (phase, -1))
    page.locator("#map-phase-none").uncheck()
    assert shown(m)["ties"] == sum(1 for t in ties if t[6] == phase)
    page.locator("#map-phase").select_option("")

    page.locator('input[name="group"][value="0"]').uncheck()
    visible_nodes = [n for n in data["nodes"] if n[3] != [0]]
    assert shown(m)["nodes"] == len(visible_nodes)
    assert m.eval(CANVAS_INK) > 0.01
    assert_clean(m)


def test_search_highlights_neighbourhood(open_map, office):  # noqa: F811
    G, partition, names = office
    m = open_map(render_map(G, partition=partition, group_names=names, title="Office").html)
    page = m.page
    page.locator("#map-search").fill("xaver")
    page.locator("#map-search-form button").click()
    assert "Found Xaver" in page.locator("#map-search-msg").inner_text()
    keys = m.eval("graphMap.neighbourhood.map(i => graphMap.data.nodes[i][0]).sort()")
    assert keys == ["a2", "b1", "x"]
    dimmed = m.eval("graphMap.nodes.get(0).color.background")  # a1, not a neighbour
    assert dimmed == payload(m.page.content())["styles"]["dimmed"]
    page.locator("#map-search").fill("nobody")
    page.locator("#map-search-form button").click()
    assert "No node matches" in page.locator("#map-search-msg").inner_text()
    assert_clean(m)


def test_physics_toggle_and_freeze(open_map, office):  # noqa: F811
    G, partition, _ = office
    m = open_map(render_map(G, partition=partition, title="Office", physics=True).html)
    page = m.page
    assert page.locator("#map-physics").inner_text() == "Physics: on"
    page.locator("#map-physics").click()
    assert page.locator("#map-physics").inner_text() == "Physics: off"
    assert m.eval("graphMap.network.physics.physicsEnabled") is False
    page.locator("#map-freeze").click()
    assert m.eval("graphMap.nodes.get().every(n => n.fixed === true)") is True
    assert page.locator("#map-freeze").inner_text() == "Unfreeze layout"
    page.locator("#map-freeze").click()
    assert m.eval("graphMap.nodes.get().every(n => n.fixed === false)") is True
    assert_clean(m)


EVIL = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def test_hostile_names_stay_text(open_map):
    G = nx.Graph()
    G.add_node("evil", label="Actor", name=EVIL)
    G.add_node("ok", label="Actor", name="Plain")
    G.add_edge("evil", "ok", type="KNOWS", phase=EVIL, id=EVIL)
    m = open_map(
        render_map(
            G, partition={"evil": {"g"}}, group_names={"g": EVIL}, title=EVIL, caption=EVIL
        ).html
    )
    page = m.page
    # Hover the node so vis-network shows its tooltip.
    xy = m.eval(
        "(() => { const p = graphMap.network.getPosition(0);"
        " return graphMap.network.canvasToDOM(p); })()"
    )
    box = page.locator("#map-canvas").bounding_box()
    page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tooltip = page.locator("div.vis-tooltip")
    assert EVIL in tooltip.inner_text()
    assert tooltip.locator("img, script").count() == 0
    page.locator("#map-search").fill("img")
    page.locator("#map-search-form button").click()
    assert m.eval("window.__xss === undefined") is True
    assert page.locator("#map-title").inner_text() == EVIL
    assert page.locator("header img, aside img, header script, aside script").count() == 0
    assert_clean(m)


def test_views_render_in_browser(open_map, office):  # noqa: F811
    G, partition, names = office
    views = {
        "ego": ego_view(G, "x", 1, partition=partition, group_names=names),
        "paths": paths_view(G, [["a1", "a2", "x", "b1"]], partition=partition),
        "brokers": brokers_view(G, "A", "B", {"x": 1.0}, partition=partition),
        "groups": group_view(G, partition=partition, group_names=names),
    }
    for name, result in views.items():
        m = open_map(result.html, name=f"{name}.html")
        assert m.eval("graphMap.data.meta.view") == name
        assert m.eval("graphMap.nodes.length") == result.nodes
        assert m.eval(CANVAS_INK) > 0.002, name
        assert m.page.locator("#map-legend").is_visible()
        assert_clean(m)


def test_comparison_switches_phase_on_same_positions(open_map, office):  # noqa: F811
    G, partition, _ = office
    result = comparison_view(G, partition=partition, phase_a="1", phase_b="2")
    roles = Counter(
        ("", "path", "context", "gained", "lost", "kept")[t[13]]
        for t in payload(result.html)["ties"]
    )
    m = open_map(result.html)
    page = m.page
    before = m.eval("graphMap.network.getPositions()")
    assert shown(m)["ties"] == result.ties
    page.locator("#map-compare").select_option("a")
    assert shown(m)["ties"] == roles["lost"] + roles["kept"]
    page.locator("#map-compare").select_option("b")
    assert shown(m)["ties"] == roles["gained"] + roles["kept"]
    # nodes left without shown ties are hidden; every node still shown stays where it was
    after = m.eval("graphMap.network.getPositions()")
    assert after and all(before[k] == xy for k, xy in after.items())
    assert m.eval("graphMap.network.physics.physicsEnabled") is False
    assert_clean(m)


def test_large_map_uses_python_layout_without_physics(open_map):
    G, partition, names = synthetic_network(2500, seed=5)
    result = render_map(G, partition=partition, group_names=names, title="Large")
    assert result.physics is False
    m = open_map(result.html)
    assert m.eval("graphMap.network.physics.physicsEnabled") is False
    assert m.eval("graphMap.nodes.length") == 2500
    assert m.eval(CANVAS_INK) > 0.01
    assert_clean(m)
