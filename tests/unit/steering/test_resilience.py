"""Departures on a hand-built network: office {a, b}, alliance {c, d}, planning {p}.

a - b, b - c, c - d, b - p: b is the only link to the alliance and to planning.
"""

from __future__ import annotations

import networkx as nx
import pytest

from graph_service.errors import NotFound
from graph_service.services.steering.resilience import (
    departure_of,
    groups_in_direct_contact,
    groups_in_touch,
)
from tests.unit.steering.helpers import link

G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "p")])
PART = {
    "a": frozenset({"office"}),
    "b": frozenset({"office"}),
    "c": frozenset({"alliance"}),
    "d": frozenset({"alliance"}),
    "p": frozenset({"planning"}),
}
GOALS = {"g": "Goal"}
LINKS = [link("ADVANCES", "i", "g", "Initiative"), link("PARTICIPATES_IN", "b", "i", "Staff")]


def test_groups_in_touch_and_in_direct_contact() -> None:
    assert groups_in_touch(G, PART) == {
        ("alliance", "office"),
        ("alliance", "planning"),
        ("office", "planning"),
    }
    assert groups_in_direct_contact(G, PART) == {("alliance", "office"), ("office", "planning")}


def test_departure_of_the_broker() -> None:
    d = departure_of(G, PART, ["b"], goals=GOALS, links=LINKS)
    assert [(p.a, p.b) for p in d.groups_losing_touch] == [
        ("alliance", "office"),
        ("alliance", "planning"),
        ("office", "planning"),
    ]
    assert d.bridging_ties_lost == ["b -- c", "b -- p"]
    assert d.ties_lost == 3
    assert d.cut_off == ["a", "p"]  # c - d stays the main component
    assert d.left_without_ties == ["a", "p"]
    assert [g.id for g in d.goals_losing_support] == ["g"]
    assert d.goals_losing_support[0].left_with_nobody
    # cost: 3*3 pairs + 2*1 goal with nobody + 1 goal losing a group + 2 bridging + 2 cut off
    assert d.cost == 9 + 2 + 1 + 2 + 2


def test_departure_of_a_leaf_costs_little_and_moves_no_load() -> None:
    d = departure_of(G, PART, ["d"])
    assert d.groups_losing_touch == [] and d.bridging_ties_lost == []
    # b carried (a,c) (a,d) (a,p) (c,p) (d,p), c carried (a,d) (b,d) (p,d)
    assert [(c.id, c.before, c.after) for c in d.broker_load] == [
        ("b", 5.0, 3.0),
        ("c", 3.0, 0.0),
    ]
    assert d.cost == 0


def test_departure_of_unknown_node_is_not_found() -> None:
    with pytest.raises(NotFound, match="ghost"):
        departure_of(G, PART, ["ghost"])
