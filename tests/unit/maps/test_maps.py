"""Unit tests of graph_service.maps: data, legend, escaping and views (no browser)."""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from collections import Counter
from html import unescape

import networkx as nx
import pytest

from benchmarks.synthetic import synthetic_network
from graph_service.maps import (
    GROUP_MAP_ABOVE,
    brokers_view,
    comparison_view,
    ego_view,
    group_colors,
    group_order,
    group_view,
    paths_view,
    render_map,
    seeded_layout,
    tie_class,
)
from graph_service.maps.encoding import GROUP_PALETTE, UNGROUPED_COLOR
from graph_service.maps.render import TIE_CLASSES, json_for_script
from tests.unit.maps.conftest import payload

CLASSES = TIE_CLASSES
ROLES = ("", "path", "context", "gained", "lost", "kept")


def tie_classes(data: dict) -> Counter[str]:
    return Counter(CLASSES[t[3]] for t in data["ties"])


def tie_roles(data: dict) -> Counter[str]:
    return Counter(ROLES[t[13]] for t in data["ties"])


def legend_texts(html: str) -> list[str]:
    legend = html[html.index('id="map-legend"') :]
    return re.findall(r"<span>(.*?)</span>", legend)


# ---------- encodings ----------


@pytest.mark.parametrize(
    ("tie_type", "a", "b", "expected"),
    [
        ("KNOWS", {"A"}, {"A"}, "bonding"),
        ("KNOWS", {"A", "B"}, {"B"}, "bonding"),
        ("KNOWS", {"A"}, {"B"}, "bridging"),
        ("ADVISES", {"A"}, set(), "unclassified"),
        ("KNOWS", set(), set(), "unclassified"),
        ("MEMBER_OF", {"A"}, {"A"}, "affiliation"),
        ("PART_OF", set(), set(), "affiliation"),
        ("SOMETHING_NEW", {"A"}, {"A"}, "bonding"),
    ],
)
def test_tie_class_bonding_bridging_affiliation(tie_type, a, b, expected):
    assert tie_class(tie_type, a, b) == expected


def test_group_colors_stable_distinct_and_never_grey():
    groups = [f"g{i}" for i in range(30)]
    colors = group_colors(groups)
    assert [colors[g] for g in groups[: len(GROUP_PALETTE)]] == list(GROUP_PALETTE)
    assert len(set(colors.values())) == 30
    assert UNGROUPED_COLOR not in colors.values()
    assert group_colors(groups) == colors


def test_group_order_follows_group_names_then_ids():
    partition = {1: frozenset({"z", "b"}), 2: frozenset({"a"}), 3: frozenset()}
    assert group_order(partition) == ["a", "b", "z"]
    assert group_order(partition, {"z": "Able", "a": "Baker", "unused": "U"}) == ["z", "b", "a"]


def test_group_order_is_natural():
    """Louvain communities 1..11 come as 1, 2, …, 10, 11, not 1, 10, 11, 2."""
    partition = {i: frozenset({str(i)}) for i in range(1, 12)}
    assert group_order(partition) == [str(i) for i in range(1, 12)]
    names = {"g2": "Team 10", "g1": "Team 9", "g3": "team 11"}
    assert group_order({1: frozenset(names)}, names) == ["g1", "g2", "g3"]


def test_seeded_layout_is_stable_and_seed_dependent():
    G = nx.karate_club_graph()
    nodes, ties = list(G), list(G.edges)
    first = seeded_layout(nodes, ties, seed=3)
    assert first == seeded_layout(nodes, ties, seed=3)
    assert first != seeded_layout(nodes, ties, seed=4)
    assert all(isinstance(c, int) for xy in first.values() for c in xy)
    assert seeded_layout([], []) == {}
    assert seeded_layout(["only"], []) == {"only": (0, 0)}


# ---------- the page ----------


def test_render_map_counts_and_payload(office):
    G, partition, names = office
    m = render_map(G, partition=partition, group_names=names, title="Office")
    data = payload(m.html)
    assert (m.nodes, m.ties, m.view) == (7, 8, "network")
    assert m.size_bytes == len(m.html.encode("utf-8"))
    assert len(data["nodes"]) == 7 and len(data["ties"]) == 8
    # x has no group: its two ties are unclassified, as in the metrics
    assert tie_classes(data) == {"bonding": 5, "unclassified": 2, "affiliation": 1}
    assert [g["name"] for g in data["groups"]] == ["Stadtverwaltung", "Wirtschaftsallianz"]
    assert data["meta"]["positioned"] is True
    assert all(n[6] is not None and n[7] is not None for n in data["nodes"])


def test_page_is_self_contained():
    G, partition, names = synthetic_network(60)
    html = render_map(G, partition=partition, group_names=names, title="T").html
    assert not re.search(r"""\s(src|href)\s*=""", html), "the page must not load anything"
    assert "<link" not in html
    assert "vis-network" in html and "new vis.Network" in html


def test_csp_allows_exactly_the_inline_scripts(office):
    G, partition, _ = office
    html = render_map(G, partition=partition, title="T").html
    match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    csp = unescape(match.group(1))
    assert "default-src 'none'" in csp
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


EVIL = '</script><script>window.__xss=1</script><img src=x onerror="window.__xss=2">&amp;'


def test_names_and_captions_are_escaped():
    G = nx.Graph()
    G.add_node("n1", label="Actor", name=EVIL, kind=EVIL, **{"score": 1.0})
    G.add_node("n2", label="Actor", name="Plain")
    G.add_edge("n1", "n2", type="KNOWS", phase=EVIL, id=EVIL)
    partition = {"n1": frozenset({"g<1>"})}
    m = render_map(
        G,
        partition=partition,
        group_names={"g<1>": EVIL},
        title=EVIL,
        caption=EVIL,
        partition_name=EVIL,
    )
    html = m.html
    assert "<img" not in html
    assert "<script>window.__xss" not in html
    assert 'onerror="window' not in html
    assert html.count("<script") == 3  # data block, vis-network, the page's script
    assert "&lt;/script&gt;&lt;script&gt;window.__xss=1" in html  # title, caption, legend
    data = payload(html)
    assert data["nodes"][0][1] == EVIL  # the data holds the name as it is
    assert data["phases"] == [EVIL]
    assert data["groups"][0]["name"] == EVIL


def test_json_for_script_cannot_close_the_element():
    text = json_for_script({"a": "</script><!-- & >"})
    assert "<" not in text and ">" not in text and "&" not in text


def test_legend_explains_what_is_present(office):
    G, partition, names = office
    texts = legend_texts(render_map(G, partition=partition, group_names=names, title="T").html)
    for expected in (
        "Wirtschaftsallianz",
        "Stadtverwaltung",
        "No group",
        "In several groups: fill = first group, ring = second",
        "Actor",
        "Staff",
        "Initiative",
        "Bonding tie (ends share a group)",
        "Unclassified tie (an end has no group)",
        "Arrow: directed tie (from → to)",
        "Line width: tie weight",
        "Node size: degree",
    ):
        assert expected in texts, expected
    assert not any(t.startswith(("Goal", "Task", "Tie gained")) for t in texts)


def test_legend_leaves_out_absent_styles():
    G = nx.Graph()
    G.add_edge("a", "b", type="KNOWS")
    texts = legend_texts(render_map(G, partition={"a": {"A"}, "b": {"A"}}, title="T").html)
    assert "Bonding tie (ends share a group)" in texts
    assert not any("Bridging" in t or "Arrow" in t or "several" in t for t in texts)
    assert "No group" not in texts


def test_filters_data_and_initial_state(office):
    G, partition, names = office
    m = render_map(
        G,
        partition=partition,
        group_names=names,
        title="T",
        tie_types={"KNOWS"},
        phase="2",
        min_evidence=2,
    )
    data = payload(m.html)
    assert data["tieTypes"] == [
        "COLLABORATES_WITH",
        "COMMUNICATES_WITH",
        "ADVISES",
        "KNOWS",
        "PARTICIPATES_IN",
    ]
    assert data["phases"] == ["1", "2"]
    assert data["evidenceRange"] == [1, 3]
    assert data["initial"] == {
        "tieTypes": ["KNOWS"],
        "groups": None,
        "phase": "2",
        "minEvidence": 2,
    }
    assert "Showing KNOWS; all groups; phase 2; evidence ≥ 2" in m.html
    assert m.html.count('type="checkbox" name="tie-type"') == 5
    assert m.html.count('type="checkbox" name="group"') == 3  # A, B and "No group"


def test_tie_tooltip_data(office):
    G, partition, _ = office
    data = payload(render_map(G, partition=partition, title="T").html)
    advises = next(t for t in data["ties"] if data["tieTypes"][t[2]] == "ADVISES")
    assert advises[4] == 1  # directed
    assert data["phases"][advises[6]] == "2"
    assert (advises[5], advises[7], advises[8], advises[11]) == (4, 1, 1, "a2-x-ADVISES")
    assert [m for i, m in enumerate(data["methods"]) if advises[9] & (1 << i)] == ["interview"]
    nodes = {n[0]: n for n in data["nodes"]}
    assert data["nodes"][advises[0]][0] == "a2" and data["nodes"][advises[1]][0] == "x"
    assert nodes["s"][3] == [0, 1]  # in both groups, A first
    metrics = dict(zip(data["metrics"], nodes["a1"][8], strict=True))
    assert metrics == {"betweenness": 0.4, "degree": 4}  # a2 twice, s, i


def test_parallel_ties_are_curved_apart(office):
    G, partition, _ = office
    data = payload(render_map(G, partition=partition, title="T").html)
    between = [t for t in data["ties"] if {t[0], t[1]} == {0, 1}]
    assert sorted(t[14] for t in between) == [0, 0.25]


@pytest.mark.parametrize("cls", [nx.Graph, nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph])
def test_every_networkx_graph_class(cls):
    G = cls()
    G.add_edge(1, 2, type="KNOWS")
    G.add_edge(2, 3, type="ADVISES")
    G.add_edge(3, 1, type="FUNDS", directed=False)
    m = render_map(G, partition={1: {"A"}, 2: {"A"}}, title="T")
    data = payload(m.html)
    assert (m.nodes, m.ties) == (3, 3)
    directed = {data["tieTypes"][t[2]]: t[4] for t in data["ties"]}
    assert directed == {"KNOWS": 0, "ADVISES": 1, "FUNDS": 0}


def test_source_attribute_orients_ties_in_undirected_graphs():
    G = nx.Graph()
    G.add_edge("b", "a", type="ADVISES", source="a")
    data = payload(render_map(G, partition={}, title="T").html)
    (tie,) = data["ties"]
    assert (data["nodes"][tie[0]][0], data["nodes"][tie[1]][0]) == ("a", "b")


def test_size_by_metric_and_missing_metric(office):
    G, partition, _ = office
    data = payload(render_map(G, partition=partition, title="T", size_by="betweenness").html)
    sizes = {n[0]: n[5] for n in data["nodes"]}
    assert sizes["i"] > sizes["a1"]  # "Zukunftsplan" has the longest name
    m = render_map(G, partition=partition, title="T", size_by="constraint")
    assert "Node size: constant (no node has &#39;constraint&#39;)" in m.html
    assert len({n[5] for n in payload(m.html)["nodes"]}) == 1


def test_the_largest_numbers_survive_the_rounding(office):
    # rounded to 4 digits, -1.7976931348623157e308 became -1.798e308, beyond the largest
    # float: -inf, which JSON cannot carry (GET /maps answered 500 on such an attribute)
    G, partition, _ = office
    largest = sys.float_info.max
    G.nodes["a1"]["h"], G.nodes["a2"]["h"] = -largest, largest
    G.nodes["b1"]["h"] = 1.23456789e-300
    data = payload(render_map(G, partition=partition, title="T", size_by="h").html)
    column = data["metrics"].index("h")
    values = {n[0]: n[8][column] for n in data["nodes"]}
    assert (values["a1"], values["a2"], values["b1"]) == (-largest, largest, 1.235e-300)


def test_bad_options_name_the_field(office):
    G, partition, _ = office
    with pytest.raises(ValueError, match=r"^width_by"):
        render_map(G, partition=partition, title="T", width_by="colour")
    with pytest.raises(ValueError, match=r"^view"):
        render_map(G, partition=partition, view="sideways")
    with pytest.raises(ValueError, match=r"^min_evidence"):
        render_map(G, partition=partition, min_evidence=-1)


def test_empty_graph_renders():
    m = render_map(nx.Graph(), partition={}, title="Empty")
    assert (m.nodes, m.ties) == (0, 0)
    assert "No ties in this map" in m.html


# ---------- views ----------


def test_ego_view_radius_and_centre(office):
    G, partition, _ = office
    m1 = ego_view(G, "x", 1, partition=partition)
    data = payload(m1.html)
    assert sorted(n[0] for n in data["nodes"]) == ["a2", "b1", "x"]
    assert [n[0] for n in data["nodes"] if n[9] == 1] == ["x"]  # role "centre"
    assert "Ego network of Xaver, radius 1" in m1.html
    assert ego_view(G, "x", 2, partition=partition).nodes == 5  # s is 3 ties away
    with pytest.raises(ValueError, match=r"^center"):
        ego_view(G, "nobody", 1, partition=partition)


def test_paths_view_highlights_path_ties(office):
    G, partition, _ = office
    m = paths_view(G, [["a1", "a2", "x", "b1"], ["a1", "s", "b2", "b1"]], partition=partition)
    data = payload(m.html)
    assert m.view == "paths" and m.nodes == 6
    roles = tie_roles(data)
    # a1-a2 (two parallel ties), a2-x, x-b1, s-a1, s-b2, b2-b1: all on a path
    assert roles == {"path": 7}
    assert sorted(n[0] for n in data["nodes"] if n[9] == 2) == ["a1", "b1"]  # endpoints
    assert "2 paths from Anna to Cem, lengths 3–3" in m.html
    with pytest.raises(ValueError, match=r"^paths\[0\]: no tie"):
        paths_view(G, [["a1", "b1"]], partition=partition)
    with pytest.raises(ValueError, match=r"^paths\[0\]"):
        paths_view(G, [["a1", "ghost"]], partition=partition)


def test_paths_view_marks_other_ties_as_context(office):
    G, partition, _ = office
    data = payload(paths_view(G, [["a2", "x", "b1"]], partition=partition).html)
    assert tie_roles(data) == {"path": 2}
    data = payload(paths_view(G, [["a1", "a2"], ["s"]], partition=partition).html)
    assert tie_roles(data) == {"path": 2, "context": 1}


def test_brokers_view(office):
    G, partition, names = office
    m = brokers_view(G, "A", "B", {"x": 0.8, "s": 0.5}, partition=partition, group_names=names)
    data = payload(m.html)
    shown = sorted(n[0] for n in data["nodes"])
    assert shown == ["a1", "a2", "b1", "b2", "s", "x"]
    assert sorted(n[0] for n in data["nodes"] if n[9] == 3) == ["s", "x"]  # role "broker"
    sizes = {n[0]: n[5] for n in data["nodes"]}
    assert sizes["x"] > sizes["s"] > sizes["a1"]
    assert "Brokers between Wirtschaftsallianz and Stadtverwaltung" in m.html
    assert brokers_view(G, "A", "B", ["x"], partition=partition).nodes == 3


def test_group_view_aggregates_ties(office):
    G, partition, names = office
    m = group_view(G, partition=partition, group_names=names)
    data = payload(m.html)
    assert sorted(n[0] for n in data["nodes"]) == ["A", "B", "__ungrouped__"]
    metric = {n[0]: dict(zip(data["metrics"], n[8], strict=True)) for n in data["nodes"]}
    # members: A = a1, a2, s; B = b1, b2, s; no group: x and i
    assert metric["A"]["members"] == 3 and metric["__ungrouped__"]["members"] == 2
    # bonding: a1-a2 twice and s-a1 in A; b1-b2 and s-b2 in B
    assert metric["A"]["internal_ties"] == 3 and metric["B"]["internal_ties"] == 2
    pairs = {
        frozenset((data["nodes"][t[0]][0], data["nodes"][t[1]][0])): t[15] for t in data["ties"]
    }
    assert pairs == {
        frozenset(("A", "__ungrouped__")): "1 ties: ADVISES 1",
        frozenset(("B", "__ungrouped__")): "1 ties: KNOWS 1",
    }
    assert "1 affiliations left out" in m.html


def test_large_network_starts_from_group_map():
    G, partition, names = synthetic_network(300)
    m = render_map(G, partition=partition, group_names=names, group_map_above=200)
    assert m.view == "groups"
    assert "more than 200" in m.html
    assert GROUP_MAP_ABOVE >= 10000


def test_physics_starts_off_unless_asked():
    G, partition, _ = synthetic_network(50)
    small = render_map(G, partition=partition, title="T")
    assert small.physics is False
    assert render_map(G, partition=partition, physics=True).physics is True
    G, partition, _ = synthetic_network(400)
    assert render_map(G, partition=partition).physics is False
    assert render_map(G, partition=partition, physics=True).physics is True


def test_comparison_of_two_graphs(office):
    G, partition, _ = office
    before = nx.MultiDiGraph(G)
    after = nx.MultiDiGraph(G)
    after.remove_edge("x", "b1")
    after.add_node("n", label="Actor", name="Neu")
    after.add_edge("n", "a1", type="KNOWS")
    m = comparison_view(before, after, partition=partition, labels=("2023", "2024"))
    data = payload(m.html)
    assert tie_roles(data) == {"kept": 7, "gained": 1, "lost": 1}
    roles = {n[0]: n[9] for n in data["nodes"]}
    assert roles["n"] == 5  # onlyB
    assert m.physics is False and data["meta"]["comparison"] == ["2023", "2024"]
    assert "Comparison of 2023 and 2024: 1 ties gained, 1 lost, 7 kept" in m.html
    assert "Tie gained (only in 2024)" in legend_texts(m.html)


def test_comparison_of_phases_in_one_graph(office):
    G, partition, _ = office
    data = payload(comparison_view(G, partition=partition, phase_a="1", phase_b="2").html)
    # phase 1: a1-a2 COLLAB, b1-b2, a1->i; phase 2: a1-a2 KNOWS, a2->x, s-a1, s-b2;
    # x-b1 has no phase: in both.
    assert tie_roles(data) == {"lost": 3, "gained": 4, "kept": 1}
    with pytest.raises(ValueError, match=r"^phase_a"):
        comparison_view(G, partition=partition)


def test_comparison_positions_shared(office):
    G, partition, _ = office
    one = payload(comparison_view(G, partition=partition, phase_a="1", phase_b="2").html)
    two = payload(comparison_view(G, partition=partition, phase_a="1", phase_b="2").html)
    assert [n[6:8] for n in one["nodes"]] == [n[6:8] for n in two["nodes"]]


def test_render_map_dispatches_views(office):
    G, partition, _ = office
    assert render_map(G, partition=partition, view="ego", center="x", radius=1).view == "ego"
    assert render_map(G, partition=partition, view="groups").view == "groups"
    m = render_map(G, partition=partition, view="comparison", phase_a="1", phase_b="2")
    assert m.view == "comparison"


def test_group_view_ties_among_ungrouped_are_internal_not_loops():
    G = nx.Graph()
    G.add_edge("u1", "u2", type="KNOWS")
    G.add_edge("u1", "a", type="KNOWS")
    data = payload(group_view(G, partition={"a": {"A"}}).html)
    assert all(t[0] != t[1] for t in data["ties"])
    metric = {n[0]: dict(zip(data["metrics"], n[8], strict=True)) for n in data["nodes"]}
    assert metric["__ungrouped__"]["internal_ties"] == 1
    assert metric["A"]["external_ties"] == 1
    assert len(data["ties"]) == 1
