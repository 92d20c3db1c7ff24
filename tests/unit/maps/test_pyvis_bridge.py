"""The pyvis bridge: the same colours, shapes, sizes, tooltips, legend groups and positions
as our map, built in linear time, and a page that pyvis renders."""

from __future__ import annotations

import json
import re
import time

import networkx as nx
import pytest

from benchmarks.synthetic import synthetic_network
from graph_service.maps import render_map, to_pyvis

pytest.importorskip("pyvis")


@pytest.fixture(scope="module")
def sample():
    G, partition, names = synthetic_network(150, seed=11)
    ours = render_map(G, partition=partition, group_names=names)
    net = to_pyvis(G, partition=partition, group_names=names, cdn_resources="in_line")
    return G, partition, names, ours.payload, net


def test_nodes_carry_our_colours_shapes_sizes_positions_and_groups(sample):
    G, _partition, names, payload, net = sample
    assert len(net.nodes) == G.number_of_nodes() and net.node_ids == [
        n[0] for n in payload["nodes"]
    ]
    for ours, theirs in zip(payload["nodes"], net.nodes, strict=True):
        _key, name, label, groups, _k, size, x, y = ours[:8]
        assert theirs["label"] == name and theirs["size"] == size
        assert (theirs["x"], theirs["y"]) == (x, y)
        assert theirs["shape"] == payload["labels"][label]["shape"]
        if groups:
            group = payload["groups"][groups[0]]
            assert theirs["color"]["background"] == group["color"]
            assert theirs["group"] == group["name"] == names[group["id"]]
        assert theirs["title"].startswith(name + "\n")
        assert "Groups: " in theirs["title"]


def test_edges_carry_bonding_and_bridging_styles(sample):
    G, _, _, payload, net = sample
    assert len(net.edges) == G.number_of_edges()
    classes = payload["styles"]["tieClasses"]
    seen = set()
    for ours, theirs in zip(payload["ties"], net.edges, strict=True):
        style = classes[ours[3]]
        assert theirs["color"] == style["color"] and theirs["dashes"] == style["dashes"]
        assert theirs["from"] == payload["nodes"][ours[0]][0]
        assert theirs["width"] == ours[12]
        seen.add(style["name"])
    assert {"bonding", "bridging"} <= seen


def test_the_pyvis_page_renders_with_our_positions_and_physics_off(sample):
    *_, payload, net = sample
    html = net.generate_html()
    nodes = json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", html, re.S).group(1))
    assert [(n["id"], n["x"], n["y"]) for n in nodes] == [
        (n[0], n[6], n[7]) for n in payload["nodes"]
    ]
    assert json.loads(net.options.to_json())["physics"]["enabled"] is False


def test_building_is_linear_not_quadratic_in_ties():
    G, partition, _ = synthetic_network(2000, seed=5)
    started = time.perf_counter()
    net = to_pyvis(G, partition=partition)
    seconds = time.perf_counter() - started
    assert len(net.edges) == G.number_of_edges()
    # pyvis's own from_nx took about 110 s here (docs/maps.md); the layout is most of this
    assert seconds < 20


def test_directed_graphs_keep_their_arrows():
    G = nx.DiGraph([("a", "b", {"type": "ADVISES"})])
    net = to_pyvis(G, partition={})
    assert net.directed and net.edges[0]["arrows"] == "to"
