"""Phase comparison on two hand-built phases.

Phase 1: a - b (office), b - c (office-alliance), c - d (alliance).
Phase 2: a - b kept, b - c lost, a - c gained (bridging), c - d kept, d - e gained.
"""

from __future__ import annotations

import pytest

from graph_service.errors import Invalid
from graph_service.services.steering.phases import compare_graphs, phase_filters
from tests.unit.steering.helpers import analysis_graph

GROUPS = {"a": {"office"}, "b": {"office"}, "c": {"alliance"}, "d": {"alliance"}, "e": {"alliance"}}
C = "COMMUNICATES_WITH"


def comparison():  # type: ignore[no-untyped-def]
    first = analysis_graph([(C, "a", "b"), (C, "b", "c"), (C, "c", "d")], GROUPS, "1")
    second = analysis_graph(
        [(C, "a", "b"), (C, "a", "c"), (C, "c", "d"), (C, "d", "e")], GROUPS, "2"
    )
    return compare_graphs(first, second, label_a="phase 1", label_b="phase 2")


def test_compare_matches_ties_by_type_and_ends_not_ids() -> None:
    c = comparison()
    assert [(t.source, t.target) for t in c.kept] == [("a", "b"), ("c", "d")]
    assert [(t.source, t.target) for t in c.gained] == [("a", "c"), ("d", "e")]
    assert [(t.source, t.target) for t in c.lost] == [("b", "c")]
    assert (c.bridging_gained, c.bridging_lost) == (1, 1)
    assert c.kept[0].ids == ["COMMUNICATES_WITH:a:b:1", "COMMUNICATES_WITH:a:b:2"]


def test_compare_reports_node_changes_and_brokers() -> None:
    c = comparison()
    nodes = {n.id: n for n in c.nodes}
    # phase 1 path a-b-c-d: b lies on 2 shortest paths... b: (a,c),(a,d) = 2; c: (a,d),(b,d) = 2
    assert nodes["b"].betweenness.a == 2.0 and nodes["b"].betweenness.b == 0.0
    assert nodes["b"].bridging.a == 1 and nodes["b"].bridging.b == 0
    assert nodes["a"].bridging.delta == 1
    assert "b" in c.stopped_brokering
    assert "a" in c.became_brokers


def test_compare_counts_group_ties_inside_and_across() -> None:
    groups = {g.id: g for g in comparison().groups}
    assert groups["alliance"].bonding_ties.a == 1 and groups["alliance"].bonding_ties.b == 2
    assert groups["office"].bridging_ties.delta == 0


def test_phase_filters_need_a_phase_or_date_each_side() -> None:
    with pytest.raises(Invalid, match="phase or an as-of date"):
        phase_filters(None, "1", None)
    a, b = phase_filters(None, "1", "2")
    assert (a.phase, b.phase) == ("1", "2")
