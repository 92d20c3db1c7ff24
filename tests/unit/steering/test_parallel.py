"""Parallel structures on hand-built portfolios."""

from __future__ import annotations

import pytest

from graph_service.services.steering.parallel import (
    jaccard,
    overlap_coefficient,
    parallel_structures_of,
)

PORTFOLIOS = {
    "s1": {"t1", "t2", "t3"},
    "s2": {"t1", "t2", "t3"},  # same portfolio, no tie: flagged
    "s3": {"t4", "t5"},
    "s4": {"t4", "t5", "t6", "t7"},  # shares 2 with s3, only KNOWS: flagged
    "s5": {"t1"},  # shares 1 with s1/s2, communicates with s1
}
TIES = {
    frozenset({"s3", "s4"}): ["KNOWS"],
    frozenset({"s1", "s5"}): ["COMMUNICATES_WITH"],
}


@pytest.mark.parametrize(
    ("a", "b", "j", "o"),
    [
        ({"t1", "t2"}, {"t2", "t3"}, 1 / 3, 1 / 2),
        ({"t4", "t5"}, {"t4", "t5", "t6", "t7"}, 0.5, 1.0),
        (set(), set(), 0.0, 0.0),
    ],
)
def test_jaccard_and_overlap_coefficient(a: set[str], b: set[str], j: float, o: float) -> None:
    assert jaccard(a, b) == pytest.approx(j)
    assert overlap_coefficient(a, b) == pytest.approx(o)


def test_parallel_pairs_flagged_and_ranked() -> None:
    p = parallel_structures_of(PORTFOLIOS, TIES, tasks={f"t{i}": f"T{i}" for i in range(1, 9)})
    ranking = [(x.a, x.b, x.flagged) for x in p.pairs]
    assert ranking[:2] == [("s1", "s2", True), ("s3", "s4", True)]
    assert ("s1", "s5", False) in ranking and ("s2", "s5", True) in ranking
    s34 = next(x for x in p.pairs if x.a == "s3")
    assert s34.other_ties == ["KNOWS"] and s34.jaccard == 0.5 and s34.overlap == 1.0
    assert "only have KNOWS" in s34.reason


def test_tasks_with_several_and_with_no_responsible() -> None:
    p = parallel_structures_of(PORTFOLIOS, TIES, tasks={f"t{i}": f"T{i}" for i in range(1, 9)})
    assert {t.id: t.responsible for t in p.shared_tasks}["t1"] == ["s1", "s2", "s5"]
    assert [t.id for t in p.unassigned_tasks] == ["t8"]


def test_min_shared_drops_single_task_pairs() -> None:
    p = parallel_structures_of(PORTFOLIOS, TIES, min_shared=2)
    assert {(x.a, x.b) for x in p.pairs} == {("s1", "s2"), ("s3", "s4")}
