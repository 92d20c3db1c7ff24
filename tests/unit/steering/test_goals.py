"""Goal coverage on a hand-built strategy.

top <- sub1 (advanced by ini1: x in G1, y in G2, tied), sub2 (nothing), sub3 (task t,
nobody responsible), sub4 (ini2 with one participant z).
"""

from __future__ import annotations

import networkx as nx

from graph_service.services.steering.goals import goal_coverage_of
from tests.unit.steering.helpers import link

GOALS = {"top": "Top", "sub1": "One", "sub2": "Two", "sub3": "Three", "sub4": "Four"}
LINKS = [
    link("PART_OF", "sub1", "top", "Goal"),
    link("PART_OF", "sub2", "top", "Goal"),
    link("PART_OF", "sub3", "top", "Goal"),
    link("PART_OF", "sub4", "top", "Goal"),
    link("ADVANCES", "ini1", "sub1", "Initiative"),
    link("ADVANCES", "t", "sub3", "Task"),
    link("ADVANCES", "ini2", "sub4", "Initiative"),
    link("PARTICIPATES_IN", "x", "ini1"),
    link("PARTICIPATES_IN", "y", "ini1"),
    link("PARTICIPATES_IN", "z", "ini2"),
]
PARTITION = {"x": frozenset({"G1"}), "y": frozenset({"G2"}), "z": frozenset({"G1"})}


def coverage(exclude=()):  # type: ignore[no-untyped-def]
    G = nx.Graph([("x", "y")])
    G.add_node("z")
    return goal_coverage_of(GOALS, LINKS, G, PARTITION, exclude=exclude)


def test_goals_nothing_advances_and_nobody_behind() -> None:
    c = coverage()
    assert c.unsupported == ["sub2"]
    assert c.nobody_behind == ["sub3"]


def test_goal_carried_by_bridging_and_rolled_up() -> None:
    c = coverage()
    one = c.goal("sub1")
    assert [p.id for p in one.people] == ["x", "y"]
    assert one.groups == ["G1", "G2"] and one.bridging_ties == 1
    assert one.carried_by == "several groups, joined by bridging ties"
    assert one.hangs_on_one_tie == "x -- y"  # the two groups are joined by one tie
    top = c.goal("top")
    assert {a.id for a in top.advanced_by} == {"ini1", "t", "ini2"}
    assert [p.id for p in top.people] == ["x", "y", "z"]
    assert top.level == 0 and c.goal("sub4").level == 1


def test_goal_hanging_on_one_person_and_one_tie() -> None:
    c = coverage()
    four = c.goal("sub4")
    assert four.hangs_on_one_person == "z"
    assert four.hangs_on_one_tie == "z -> ini2"
    assert four.carried_by == "one group alone"
    assert c.hanging_on_one_person == ["sub4"]


def test_goal_loses_support_when_its_person_leaves() -> None:
    assert coverage(exclude={"z"}).goal("sub4").carried_by == "nobody behind it"
