"""Recommendations on a hand-built network: office {a, b}, planning {p, q}.

a - b, b - p, p - q. a and q share initiative ini (advancing goal g) and have no tie;
a and p share nothing.
"""

from __future__ import annotations

import networkx as nx

from graph_service.services.steering.recommendations import involvement, recommend_of
from tests.unit.steering.helpers import link

G = nx.Graph([("a", "b"), ("b", "p"), ("p", "q")])
PART = {
    "a": frozenset({"office"}),
    "b": frozenset({"office"}),
    "p": frozenset({"planning"}),
    "q": frozenset({"planning"}),
}
LINKS = [
    link("ADVANCES", "ini", "g", "Initiative"),
    link("PARTICIPATES_IN", "a", "ini"),
    link("PARTICIPATES_IN", "q", "ini"),
]


def test_involvement_maps_people_to_initiatives_and_goals() -> None:
    initiatives, goals = involvement(LINKS, ["g"])
    assert initiatives == {"a": {"ini"}, "q": {"ini"}}
    assert goals == {"a": {"g"}, "q": {"g"}}


def test_only_pairs_that_share_something_are_recommended() -> None:
    initiatives, goals = involvement(LINKS, ["g"])
    rec = recommend_of(G.copy(), PART, initiatives, goals, names={"a": "Anna", "q": "Quirin"})
    assert [(i.a, i.b) for i in rec.introductions] == [("a", "q")]
    intro = rec.introductions[0]
    assert intro.shared_initiatives == ["ini"] and intro.shared_goals == ["g"]
    assert intro.new_group_contacts == []  # office and planning already touch via b - p
    # a: one contact b (constraint 1) -> contacts b, q non-redundant: 2 * (1/2)^2 = 0.5
    assert intro.constraint_a == (1.0, 0.5)
    # the path a-b-p-q becomes a cycle: b and p each lose part of their load
    assert {r.id for r in intro.relief} == {"b", "p"}
    assert "Anna" in intro.reason and "Quirin" in intro.reason and "both work on" in intro.reason


def test_recommendation_reconnects_separate_parts() -> None:
    H = nx.Graph([("a", "b"), ("p", "q")])
    initiatives, goals = involvement(LINKS, ["g"])
    intro = recommend_of(H, PART, initiatives, goals).introductions[0]
    assert intro.reconnects and intro.new_group_contacts == ["office -- planning"]
    assert "reconnect" in intro.reason
