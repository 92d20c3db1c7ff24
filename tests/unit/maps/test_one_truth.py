"""The map classifies and counts ties as the metrics do (issue 11, items 3 and 4)."""

from __future__ import annotations

import networkx as nx

from graph_service.maps import render_map
from graph_service.maps.encoding import tie_class
from graph_service.metrics import analyze, classify_ties
from graph_service.metrics.partition import partition_from_attribute
from tests.unit.maps.conftest import payload
from tests.unit.metrics._data import load


def test_map_classifies_a_tie_with_an_ungrouped_end_as_the_metrics_do():
    G = nx.Graph([("a", "b"), ("a", "x")])
    p = {"a": frozenset({"A"}), "b": frozenset({"B"})}
    metrics = classify_ties(G, p)
    assert metrics[("a", "x")] == "unclassified"
    for (u, v), cls in metrics.items():
        assert tie_class("KNOWS", p.get(u, ()), p.get(v, ())) == cls


def test_map_legend_counts_equal_the_metrics_on_karate_with_ungrouped_nodes():
    G, _ = load("karate_igraphdata", "Faction")
    for v in list(G)[:5]:  # five people without a faction: their ties are unclassified
        G.nodes[v]["Faction"] = None
    p = partition_from_attribute(G, "Faction")
    network = analyze(G, p, permutations=0)["network"]
    html = render_map(G, partition=p, title="Karate").html
    counts = payload(html)["meta"]["tieCounts"]
    assert network["unclassified"] > 0
    for c in ("bonding", "bridging", "unclassified"):
        assert counts[c]["pairs"] == counts[c]["stored"] == network[c]
    assert counts["all"]["pairs"] == network["ties"] == 78
    text = (
        f"78 stored ties (counts above) between 78 pairs ({network['bonding']} bonding, "
        f"{network['bridging']} bridging, {network['unclassified']} unclassified)"
    )
    assert text in html


def test_map_of_stored_ties_counts_pairs_like_the_metrics(office):
    G, partition, names = office
    data = payload(render_map(G, partition=partition, group_names=names, title="T").html)
    counts = data["meta"]["tieCounts"]
    social = nx.Graph()
    social.add_nodes_from(G)
    social.add_edges_from((u, v) for u, v, t in G.edges(data="type") if t != "PARTICIPATES_IN")
    network = analyze(social, partition, permutations=0)["network"]
    # a1-a2 is stored twice (two phases): two stored ties, one pair
    assert counts["bonding"] == {"pairs": network["bonding"], "stored": network["bonding"] + 1}
    assert counts["unclassified"]["pairs"] == network["unclassified"] == 2


def test_group_view_counts_ties_by_the_one_rule(office):
    G, partition, names = office
    html = render_map(G, partition=partition, group_names=names, view="groups").html
    # a1-a2 twice, b1-b2, s-a1, s-b2: bonding; the two ties of x (no group): unclassified
    assert "7 stored ties: 5 bonding, 0 bridging, 2 unclassified" in html
    assert "(unclassified)" in html and "(bridging)" not in html
