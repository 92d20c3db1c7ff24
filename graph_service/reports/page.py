"""Build the report: collect the analyses, draw the charts, render one HTML file.

The file makes no network request: CSS is inline, charts are inline SVG drawn in Python
(:mod:`.charts`), and the map (from :mod:`graph_service.maps`, which vendors its
JavaScript) sits in an ``<iframe srcdoc>``. With a ``pseudonymiser``, people appear under
salted pseudonyms everywhere, including the map (see
:mod:`graph_service.services.steering.privacy`).
"""

from __future__ import annotations

import html as html_lib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from graph_service.filters import TieFilter
from graph_service.maps.encoding import group_order, group_palette
from graph_service.metrics.ties import class_counts, group_tie_counts
from graph_service.model import LABEL_NOUNS, SOCIAL_LABELS, NodeLabel
from graph_service.reports import charts
from graph_service.services.analysis_graph import AnalysisGraph, Projection, multigraph
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
from graph_service.services.steering.privacy import Pseudonymiser

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


def _partition_text(partition: str) -> str:
    """What draws the groups, in words."""
    if partition == "membership":
        return "membership in the groups the data records"
    if partition.startswith("property:"):
        return f"the value of each node's property {partition.removeprefix('property:')!r}"
    method = "Leiden" if partition.endswith("leiden") else "Louvain"
    return f"communities detected in the ties themselves ({method} method)"


def _listed(items: list[str], most: int = 8) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


#: The labels a report counts apart from the people (groups are listed by name).
_OTHER_LABELS = tuple(
    lbl for lbl in NodeLabel if lbl not in SOCIAL_LABELS and lbl is not NodeLabel.GROUP
)


def _introduction(data: ReportData) -> list[str]:
    """The report's opening, worded from the data: its groups, kinds, labels and phases."""
    G, ag = data.graph.graph, data.graph
    counts = class_counts(G, ag.partition)["all"]
    in_graph = Counter(str(d.get("label") or "") for _, d in G.nodes(data=True))
    who = [_plural(in_graph[lbl], *LABEL_NOUNS[lbl]) for lbl in SOCIAL_LABELS if in_graph[lbl]]
    types = sorted({t["type"] for t in ag.ties})
    lines = [
        f"The network holds {G.number_of_nodes()} people and organisations"
        + (f" ({', '.join(who)})" if who else "")
        + f" and {counts['pairs']} tied pairs ({len(ag.ties)} stored ties"
        + (f" of type{'s' if len(types) > 1 else ''} {', '.join(types)}" if types else "")
        + ")."
    ]
    groups = group_order(ag.partition, ag.group_names)
    if groups:
        names = [ag.group_names.get(g, g) for g in groups]
        kinds = sorted({i.kind for gid, i in data.catalogue.items() if gid in groups and i.kind})
        lines.append(
            f"Its {_plural(len(groups), 'group is', 'groups are')} drawn by "
            f"{_partition_text(ag.partition_name)}: {_listed(names)}"
            + (f" (kinds: {', '.join(kinds)})" if kinds else "")
            + "."
        )
    else:
        lines.append(
            f"No node belongs to a group under {_partition_text(ag.partition_name)}: every "
            "tie is unclassified, so bonding and bridging cannot be told apart here."
        )
    in_store = Counter(i.label for i in data.catalogue.values())
    others = [_plural(in_store[lbl], *LABEL_NOUNS[lbl]) for lbl in _OTHER_LABELS if in_store[lbl]]
    if others:
        lines.append(f"It also records {_listed(others)}.")
    if data.phases_seen:
        lines.append(
            f"Its ties belong to {_plural(len(data.phases_seen), 'phase', 'phases')}: "
            f"{', '.join(data.phases_seen)}."
        )
    return lines


def _headline(data: ReportData) -> list[tuple[str, str, str]]:
    G, part = data.graph.graph, data.graph.partition
    counts = class_counts(G, part)
    ties, stored = counts["all"]["pairs"], len(data.graph.ties)
    bonding, bridging = counts["bonding"]["pairs"], counts["bridging"]["pairs"]
    unclassified = counts["unclassified"]["pairs"]
    brokers = [n for n, m in data.measures.nodes.items() if m.broker]
    aps = [n for n, m in data.measures.nodes.items() if m.articulation_point]
    ei = data.measures.network.get("ei")
    single = data.evidence.single_source
    across = f"{bridging} tied pairs cross a group boundary, {bonding} stay inside one"
    if unclassified:
        across += f", {unclassified} involve someone in no group (unclassified)"
    figures = [
        (f"{G.number_of_nodes()}", "people and organisations", "in the network"),
        (f"{ties}", "tied pairs", f"{stored} stored ties, all ties of one pair counted once"),
        (f"{bridging / ties:.0%}" if ties else "–", "bridging", across),
        (
            f"{ei:+.2f}" if isinstance(ei, int | float) else "n/a",
            "E-I index",
            "−1: everyone keeps to their own group; +1: all contact is with other groups",
        ),
        (f"{len(brokers)}", "brokers", "link groups that would otherwise not be in touch"),
        (f"{len(aps)}", "single points of failure", "whose departure splits the network"),
    ]
    if data.coverage.goals:
        figures.append(
            (
                f"{len(data.coverage.unsupported) + len(data.coverage.nobody_behind)}",
                "goals without support",
                "nothing advances them, or nobody is behind what does",
            )
        )
    if data.parallel.pairs:
        figures.append(
            (
                f"{len(data.parallel.flagged)}",
                "parallel structures",
                "pairs sharing tasks without working together",
            )
        )
    if any(t.evidence_count for t in data.evidence.ties):
        figures.append(
            (
                f"{single / len(data.evidence.ties):.0%}",
                "single-source ties",
                "stored ties only one source reports",
            )
        )
    return figures


def _charts(data: ReportData) -> dict[str, Markup]:
    names = data.graph.group_names
    out: dict[str, Markup] = {}
    palette = group_palette(data.graph.partition, names)
    order = group_order(data.graph.partition, names)
    groups = [g for g in order if g in data.measures.groups]
    swatches = {names.get(g, g): palette[g] for g in order}
    out["ei"] = Markup(
        charts.diverging_bars(
            [(names.get(g, g), data.measures.groups[g].ei) for g in groups],
            title="E-I index by group",
            low_text="← keeps to itself",
            high_text="turned outward →",
            swatches=swatches,
        )
    )
    counts = group_tie_counts(data.graph.graph, data.graph.partition)
    empty = {"inside": 0, "across": 0}
    inside: dict[str, dict[str, float]] = {
        g: {k: float(counts.get(g, empty)[k]) for k in empty} for g in groups
    }
    out["ties"] = Markup(
        charts.stacked_bars(
            [(names.get(g, g), inside[g]) for g in groups],
            ["inside", "across"],
            series_labels={
                "inside": "tied pairs inside the group",
                "across": "tied pairs across",
            },
            title="Tied pairs inside and across each group",
            swatches=swatches,
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
                title="Tied pairs across each group's boundary, by phase",
                swatches=swatches,
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

    ag = data.graph
    # Every stored tie its own line, as `graph-service map` draws it (docs/maps.md).
    G = multigraph(
        Projection(
            dict(ag.graph.nodes(data=True)), ag.ties, ag.group_names, ag.filters, ag.tie_count
        )
    )
    part: dict[Any, frozenset[str]] = dict(ag.partition)
    if pseudonymiser is not None:
        G, part, _ = pseudonymiser.map_inputs(G, part)
    result = render_map(
        G,
        partition=part,
        group_names=data.graph.group_names,
        partition_name=data.graph.partition_name,
        title="The network",
        caption=data.filters.describe(),
    )
    return result.html


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
        introduction=_introduction(data),
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
        people = {i: n.name for i, n in data.catalogue.items() if n.person}
        page = pseudonymiser.html(page, people)
    srcdoc = html_lib.escape(_map_html(data, pseudonymiser), quote=True)
    return page.replace(_MAP_SLOT, srcdoc)


def build_report(
    services: Runtime,
    filters: TieFilter | None = None,
    *,
    phase_a: str | None = None,
    phase_b: str | None = None,
    pseudonymiser: Pseudonymiser | None = None,
    title: str | None = None,
    partition: str = "membership",
) -> str:
    """Collect and render; people under pseudonyms with a ``pseudonymiser`` (from
    :func:`~graph_service.services.steering.privacy.pseudonymiser_for`)."""
    data = collect(services, filters, phase_a=phase_a, phase_b=phase_b, partition=partition)
    return render_report(data, pseudonymiser=pseudonymiser, title=title)
