"""Build the report: collect the analyses, draw the charts, render one HTML file.

The file makes no network request: CSS is inline, charts are inline SVG drawn in Python
(:mod:`.charts`), and the map (from :mod:`graph_service.maps`, which vendors its
JavaScript) sits in an ``<iframe srcdoc>``. With ``pseudonymise``, people appear under
salted pseudonyms everywhere, including the map (see
:mod:`graph_service.services.steering.privacy`).
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from graph_service.config import Settings, get_settings
from graph_service.filters import TieFilter
from graph_service.reports import charts
from graph_service.services.analysis_graph import AnalysisGraph
from graph_service.services.runtime import Runtime
from graph_service.services.steering import (
    evidence,
    goals,
    parallel,
    phases,
    recommendations,
    resilience,
    sna,
)
from graph_service.services.steering.common import Catalogue, catalogue, social_graph
from graph_service.services.steering.privacy import Pseudonymiser, salt_from_settings

_MAP_SLOT = "\x00MAP\x00"


@dataclass
class ReportData:
    """Everything the report shows, computed once."""

    filters: TieFilter
    graph: AnalysisGraph
    measures: sna.Measures
    coverage: goals.GoalCoverage
    parallel: parallel.ParallelStructures
    evidence: evidence.EvidenceReport
    departures: list[resilience.Departure]
    recommendations: recommendations.Recommendations
    comparison: phases.PhaseComparison | None
    catalogue: Catalogue
    phases_seen: list[str] = field(default_factory=list)


def _phases(ag: AnalysisGraph) -> list[str]:
    return sorted({t["phase"] for t in ag.ties if t.get("phase")})


def collect(
    services: Runtime,
    filters: TieFilter | None = None,
    *,
    phase_a: str | None = None,
    phase_b: str | None = None,
    partition: str = "membership",
) -> ReportData:
    """Run every analysis the report shows. Without ``phase_a``/``phase_b`` and without a
    phase in ``filters``, the first two phases found in the data are compared."""
    repo = services.repo
    filters = filters or TieFilter()
    ag = social_graph(repo, filters, partition)
    seen = _phases(ag) if filters.phase is None else []
    if phase_a is None and phase_b is None and filters.phase is None and len(seen) >= 2:
        phase_a, phase_b = seen[0], seen[1]
    comparison = None
    if phase_a and phase_b:
        a, b = phases.phase_filters(filters, phase_a, phase_b)
        comparison = phases.compare_phases(services, a, b, partition=partition)
    ranking = resilience.departure_ranking(services, filters, partition=partition, top=5)
    return ReportData(
        filters=filters,
        graph=ag,
        measures=sna.measures(ag.graph, ag.partition),
        coverage=goals.goal_coverage(services, filters, partition=partition),
        parallel=parallel.parallel_structures(services, filters),
        evidence=evidence.evidence_report(services, filters, partition=partition),
        departures=ranking.departures,
        recommendations=recommendations.recommend(services, filters, partition=partition, top=5),
        comparison=comparison,
        catalogue=catalogue(repo),
        phases_seen=seen,
    )


@cache
def _template() -> jinja2.Template:
    text = (resources.files("graph_service.reports") / "templates" / "report.html.j2").read_text(
        encoding="utf-8"
    )
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(text)


def _headline(data: ReportData) -> list[tuple[str, str, str]]:
    G, part = data.graph.graph, data.graph.partition
    bonding = sum(1 for u, v in G.edges() if sna.shares_group(part, u, v))
    bridging = sum(1 for u, v in G.edges() if sna.is_bridging(part, u, v))
    ties = G.number_of_edges()
    brokers = [n for n, m in data.measures.nodes.items() if m.broker]
    aps = [n for n, m in data.measures.nodes.items() if m.articulation_point]
    ei = data.measures.network.get("ei")
    single = data.evidence.single_source
    figures = [
        (f"{G.number_of_nodes()}", "people and organisations", "in the network"),
        (f"{ties}", "relationships", "pairs who work, talk, advise or fund"),
        (
            f"{bridging / ties:.0%}" if ties else "–",
            "bridging",
            f"{bridging} relationships cross a group boundary, {bonding} stay inside one",
        ),
        (
            f"{ei:+.2f}" if isinstance(ei, int | float) else "n/a",
            "E-I index",
            "−1: everyone keeps to their own group; +1: all contact is with other groups",
        ),
        (f"{len(brokers)}", "brokers", "link groups that would otherwise not be in touch"),
        (f"{len(aps)}", "single points of failure", "whose departure splits the network"),
        (
            f"{len(data.coverage.unsupported) + len(data.coverage.nobody_behind)}",
            "goals without support",
            "nothing advances them, or nobody is behind what does",
        ),
        (
            f"{len(data.parallel.flagged)}",
            "parallel structures",
            "staff pairs sharing tasks without working together",
        ),
        (
            f"{single / len(data.evidence.ties):.0%}" if data.evidence.ties else "–",
            "single-source ties",
            "relationships only one source reports",
        ),
    ]
    return figures


def _charts(data: ReportData) -> dict[str, Markup]:
    names = data.graph.group_names
    out: dict[str, Markup] = {}
    groups = sorted(data.measures.groups, key=lambda g: names.get(g, g))
    out["ei"] = Markup(
        charts.diverging_bars(
            [(names.get(g, g), data.measures.groups[g].ei) for g in groups],
            title="E-I index by group",
            low_text="← keeps to itself",
            high_text="turned outward →",
        )
    )
    G, part = data.graph.graph, data.graph.partition
    inside: dict[str, dict[str, float]] = {g: {"inside": 0, "across": 0} for g in groups}
    for u, v in G.edges():
        for g in part.get(u, frozenset()) | part.get(v, frozenset()):
            if g not in inside:
                continue
            both = g in part.get(u, frozenset()) and g in part.get(v, frozenset())
            inside[g]["inside" if both else "across"] += 1
    out["ties"] = Markup(
        charts.stacked_bars(
            [(names.get(g, g), inside[g]) for g in groups],
            ["inside", "across"],
            series_labels={"inside": "ties inside the group", "across": "ties across"},
            title="Ties inside and across each group",
        )
    )
    ranked = sorted(data.measures.nodes.items(), key=lambda kv: (-kv[1].betweenness, kv[0]))[:10]
    roles = sorted({r for _, m in ranked for r in m.brokerage if r != "total"})
    label = {n: str(data.graph.graph.nodes[n].get("name") or n) for n, _ in ranked}
    if roles:
        out["brokerage"] = Markup(
            charts.stacked_bars(
                [(label[n], {r: m.brokerage.get(r, 0) for r in roles}) for n, m in ranked],
                roles,
                title="Brokerage roles of the ten busiest brokers",
            )
        )
    else:
        out["brokerage"] = Markup(
            charts.stacked_bars(
                [(label[n], {"betweenness": m.betweenness}) for n, m in ranked],
                ["betweenness"],
                title="Betweenness of the ten busiest brokers",
            )
        )
    if data.comparison is not None:
        c = data.comparison
        out["comparison"] = Markup(
            charts.paired_bars(
                [(g.name, g.bridging_ties.a or 0, g.bridging_ties.b or 0) for g in c.groups],
                labels=(c.label_a, c.label_b),
                title="Ties across each group's boundary, by phase",
            )
        )
    status_series = ["people", "groups"]
    out["goals"] = Markup(
        charts.stacked_bars(
            [
                (("  " * g.level) + g.name, {"people": len(g.people), "groups": len(g.groups)})
                for g in data.coverage.goals
            ],
            status_series,
            series_labels={"people": "people and organisations behind it", "groups": "groups"},
            title="Support behind each goal",
        )
    )
    return out


def _map_html(data: ReportData, pseudonymiser: Pseudonymiser | None) -> str:
    from graph_service.maps import render_map

    G = data.graph.graph
    part: dict[Any, frozenset[str]] = dict(data.graph.partition)
    if pseudonymiser is not None:
        part = pseudonymiser.partition(part, G)
        G = pseudonymiser.graph(G)
    result = render_map(
        G,
        partition=part,
        group_names=data.graph.group_names,
        title="The network",
        caption=data.filters.describe(),
    )
    return result.html


def _replacements(data: ReportData, p: Pseudonymiser) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for node_id, info in data.catalogue.items():
        if info.person:
            pairs.append((info.name, p.display_name(node_id)))
            pairs.append((node_id, p.pseudonym(node_id)))
    expanded = []
    for old, new in pairs:
        expanded.append((old, new))
        escaped = html_lib.escape(old)
        if escaped != old:
            expanded.append((escaped, html_lib.escape(new)))
    return sorted(expanded, key=lambda kv: -len(kv[0]))


def render_report(
    data: ReportData,
    *,
    pseudonymiser: Pseudonymiser | None = None,
    title: str | None = None,
) -> str:
    """The report as one HTML string."""
    names = {i: n.name for i, n in data.catalogue.items()}
    page = _template().render(
        title=title or "Network report: bonding and bridging ties",
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        filter_text=data.filters.describe(),
        headline=_headline(data),
        tie_count=data.graph.tie_count.sentence() if data.graph.tie_count else "",
        charts=_charts(data),
        data=data,
        names=names,
        group_names=data.graph.group_names,
        pseudonymised=pseudonymiser is not None,
        metrics_source=data.measures.source,
        map_slot=_MAP_SLOT,
    )
    if pseudonymiser is not None:
        for old, new in _replacements(data, pseudonymiser):
            page = page.replace(old, new)
    srcdoc = html_lib.escape(_map_html(data, pseudonymiser), quote=True)
    return page.replace(_MAP_SLOT, srcdoc)


def build_report(
    services: Runtime,
    filters: TieFilter | None = None,
    *,
    phase_a: str | None = None,
    phase_b: str | None = None,
    pseudonymise: bool = False,
    settings: Settings | None = None,
    title: str | None = None,
    partition: str = "membership",
) -> str:
    """Collect and render. ``pseudonymise`` needs the salt setting (a clear error if not)."""
    pseudonymiser = None
    if pseudonymise:  # check the salt before any work
        pseudonymiser = Pseudonymiser(salt_from_settings(settings or get_settings()))
    data = collect(services, filters, phase_a=phase_a, phase_b=phase_b, partition=partition)
    return render_report(data, pseudonymiser=pseudonymiser, title=title)
