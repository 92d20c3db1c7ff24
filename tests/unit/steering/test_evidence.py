"""Evidence findings on a hand-built graph: a path x - y - z plus a triangle."""

from __future__ import annotations

import networkx as nx

from graph_service.services.steering.evidence import evidence_report_of, tie_evidence

PARTITION = {n: frozenset({"A"}) for n in "abc"} | {"x": frozenset({"B"})}


def row(s: str, t: str, methods: list[str], sources: list[str]) -> dict[str, object]:
    return {
        "id": f"KNOWS:{s}:{t}",
        "type": "KNOWS",
        "source": s,
        "target": t,
        "methods": methods,
        "sources": sources,
        "evidence_count": len(sources),
    }


ROWS = [
    row("a", "b", ["interview", "workshop"], ["I-1", "W-1"]),
    row("b", "c", ["interview"], ["I-1", "I-2"]),
    row("a", "c", ["interview", "survey"], ["I-1", "S-1"]),
    row("c", "x", ["document"], ["D-1"]),  # a single-source bridge to x
]


def test_tie_evidence_counts_distinct_methods_and_sources() -> None:
    t = tie_evidence(row("a", "b", ["interview", "interview"], ["I-1", "I-1"]))
    assert (t.method_count, t.source_count, t.triangulated, t.single_source) == (1, 1, False, True)


def test_findings_rest_on_single_source_ties() -> None:
    G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "x")])
    report = evidence_report_of(ROWS, G, PARTITION, affiliation_sources=[1, 1, 2])
    kinds = {(f.kind, tuple(f.subject)) for f in report.findings}
    assert ("bridge", ("c", "x")) in kinds
    assert ("articulation point", ("c", "x")) in kinds
    assert report.triangulated == 2 and report.single_source == 1
    assert report.by_methods == {1: 2, 2: 2}
    assert (report.affiliations, report.affiliations_single_source) == (3, 2)


def test_no_findings_when_the_bridge_has_two_sources() -> None:
    rows = [*ROWS[:3], row("c", "x", ["document", "interview"], ["D-1", "I-3"])]
    G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "x")])
    assert evidence_report_of(rows, G, PARTITION).findings == []


def test_findings_name_their_subjects() -> None:
    G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "x")])
    names = {"c": "Cora", "x": "Xaver"}
    report = evidence_report_of(ROWS, G, PARTITION, names=names)
    bridge = next(f for f in report.findings if f.kind == "bridge")
    assert bridge.subject == ["c", "x"] and bridge.subject_names == ["Cora", "Xaver"]
    assert "Cora – Xaver" in bridge.text and "c -- x" not in bridge.text
