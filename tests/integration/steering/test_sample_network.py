"""Each analysis on the sample network, against the real Neo4j, with the findings the
sample was built to show (scripts/make_sample_network.py)."""

from __future__ import annotations

import pytest

from graph_service.errors import Invalid, NotFound
from graph_service.filters import TieFilter
from graph_service.services.steering import (
    evidence,
    goals,
    parallel,
    phases,
    privacy,
    recommendations,
    resilience,
)

pytestmark = pytest.mark.neo4j
PLANNING = {"act-moellenbrock", "act-uhlenkueken", "act-tersteegen", "act-ossenbrink"}


def test_compare_phase_1_and_2(sample) -> None:  # type: ignore[no-untyped-def]
    a, b = phases.phase_filters(None, "1", "2")
    c = phases.compare_phases(sample, a, b)
    assert (len(c.gained), len(c.lost), len(c.kept)) == (30, 33, 37)
    assert c.bridging_gained > c.bridging_lost
    gained = {(t.type, t.source, t.target) for t in c.gained}
    assert ("COLLABORATES_WITH", "st-heuvelkamp", "st-pieperjohanns") in gained
    kept = {(t.type, t.source, t.target) for t in c.kept}
    assert ("KNOWS", "st-overkaemping", "st-wellinghoff") in kept
    assert all(
        n.id not in ("st-koetterheinrich", "st-brammertz") for n in c.nodes if not n.broker_b
    )
    assert set(c.became_brokers).isdisjoint(c.stopped_brokering)


def test_comparison_map_is_html(sample) -> None:  # type: ignore[no-untyped-def]
    a, b = phases.phase_filters(None, "1", "2")
    result = phases.comparison_map(sample, a, b)
    assert result.view == "comparison" and "<html" in result.html


def test_goal_coverage_of_the_sample(sample) -> None:  # type: ignore[no-untyped-def]
    c = goals.goal_coverage(sample)
    assert c.unsupported == ["goal-r-krisen"]
    assert c.nobody_behind == ["goal-n-kreislauf"]
    assert c.hanging_on_one_person == ["goal-r-lieferketten"]
    lieferketten = c.goal("goal-r-lieferketten")
    assert lieferketten.hangs_on_one_person == "act-halde-logistik"
    assert lieferketten.hangs_on_one_tie == "act-halde-logistik -> ini-lieferketten"
    resilient = c.goal("goal-resilient")
    assert "goal-r-lieferketten" in resilient.sub_goals and len(resilient.groups) >= 3
    assert resilient.carried_by == "several groups, joined by bridging ties"


@pytest.mark.parametrize(
    ("phase", "flagged"),
    [
        (
            "1",
            {
                ("st-drueppelmann", "st-koetterheinrich"),
                ("st-overkaemping", "st-wellinghoff"),
                ("st-heuvelkamp", "st-pieperjohanns"),
            },
        ),
        (None, {("st-drueppelmann", "st-koetterheinrich"), ("st-overkaemping", "st-wellinghoff")}),
    ],
)
def test_parallel_structures_of_the_sample(sample, phase, flagged) -> None:  # type: ignore[no-untyped-def]
    p = parallel.parallel_structures(sample, TieFilter(phase=phase), min_shared=2)
    assert {(x.a, x.b) for x in p.flagged} == flagged
    assert p.pairs[0].a == "st-drueppelmann" and p.pairs[0].shared == [
        "task-ansiedlung",
        "task-bestand",
        "task-flaechen",
    ]
    ow = next(x for x in p.pairs if x.a == "st-overkaemping")
    assert ow.other_ties == ["KNOWS"]
    assert [t.id for t in p.unassigned_tasks] == ["task-kreislauf"]


def test_evidence_of_the_sample(sample) -> None:  # type: ignore[no-untyped-def]
    e = evidence.evidence_report(sample)
    assert e.affiliations > 100 and e.affiliations_single_source == e.affiliations
    assert e.findings and all(f.ties for f in e.findings)
    strict = evidence.evidence_report(sample, TieFilter(min_sources=2))
    assert strict.ties and all(t.source_count >= 2 for t in strict.ties)
    assert len(strict.ties) == len(e.ties) - e.single_source


def test_departure_of_the_planning_broker(sample) -> None:  # type: ignore[no-untyped-def]
    d = resilience.departure(sample, ["st-koetterheinrich"])
    lost = {(p.a, p.b) for p in d.groups_losing_touch}
    assert ("grp-planung", "grp-wiall") in lost and ("grp-planung", "grp-wifoe") in lost
    assert set(d.cut_off) == PLANNING


def test_departure_of_the_head_cuts_off_mayor_and_treasury(sample) -> None:  # type: ignore[no-untyped-def]
    d = resilience.departure(sample, ["st-brammertz"], TieFilter(phase="1"))
    assert {"act-althoff", "act-kampschulte", "act-dinnendahl"} <= set(d.cut_off)
    assert ("grp-ob", "grp-wifoe") in {(p.a, p.b) for p in d.groups_losing_touch}


def test_departure_ranking_and_goal_loss(sample) -> None:  # type: ignore[no-untyped-def]
    r = resilience.departure_ranking(sample, top=3)
    assert [d.removed[0] for d in r.departures[:2]] == ["st-koetterheinrich", "st-brammertz"]
    d = resilience.departure(sample, ["act-halde-logistik"])
    assert [g.id for g in d.goals_losing_support if g.left_with_nobody] == ["goal-r-lieferketten"]
    with pytest.raises(NotFound):
        resilience.departure(sample, ["nobody-here"])


def test_recommendations_of_the_sample(sample) -> None:  # type: ignore[no-untyped-def]
    rec = recommendations.recommend(sample, top=5)
    assert rec.overloaded_brokers[:1] == ["st-schwarzkopp"]
    assert len(rec.introductions) == 5
    for intro in rec.introductions:
        assert not set(intro.a_groups) & set(intro.b_groups)
        assert intro.shared_goals or intro.shared_initiatives
        assert intro.reason
    assert "act-uhlenkueken" in {rec.introductions[0].a, rec.introductions[0].b}


def test_erase_a_person_and_refuse_an_organisation(sample) -> None:  # type: ignore[no-untyped-def]
    report = privacy.erase_person(sample, "act-dinnendahl")
    assert report.label == "Actor" and report.ties_by_type["MEMBER_OF"] == 1
    assert report.ties_by_type["COMMUNICATES_WITH"] == 1
    assert report.observations >= 2
    assert sample.repo.read("steering/node_identity", id="act-dinnendahl") == []
    with pytest.raises(NotFound):
        privacy.erase_person(sample, "act-dinnendahl")
    with pytest.raises(Invalid, match="not a person"):
        privacy.erase_person(sample, "act-zeche-zukunft")
