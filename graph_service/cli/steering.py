"""Commands for the people who steer: compare, goals, parallel, evidence, resilience,
recommend, report and erase (registered on :data:`graph_service.cli.app`).

Every analysis takes the same filter options (phase or as-of date, evidence thresholds)
and prints plain text, or JSON with ``--format json``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph_service.cli.common import reports_errors, say
from graph_service.cli.options import (
    NetworkOpt,
    PartitionOpt,
    filter_options,
    option_name,
    tie_filter,
)
from graph_service.errors import Invalid
from graph_service.filters import TieFilter
from graph_service.model import DEFAULT_NETWORK
from graph_service.words import count

if TYPE_CHECKING:  # pydantic loads with the commands that use it (start-up time)
    from pydantic import BaseModel

app = typer.Typer()


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="text (default) or json")]


def _emit(result: BaseModel, fmt: Format, text: Any) -> None:
    # how many stored ties the filter kept, on stderr (compare: one line a side)
    for side in ("tie_count", "tie_count_a", "tie_count_b"):
        count = getattr(result, side, None)
        if count is not None:
            say(count.sentence() if side == "tie_count" else f"{side[-1]}: {count.sentence()}")
    if fmt is Format.JSON:
        typer.echo(result.model_dump_json(indent=2))
    else:
        typer.echo(text(result))


def _runtime(network: str) -> Any:
    from graph_service.services.runtime import Runtime

    return Runtime(network=network)


# --- compare ----------------------------------------------------------------------------


@app.command("compare")
@reports_errors
@filter_options(without=("phase", "as_of"))
def compare_cmd(
    filters: TieFilter,
    phase_a: Annotated[str | None, typer.Option("--phase-a", help="first phase")] = None,
    phase_b: Annotated[str | None, typer.Option("--phase-b", help="second phase")] = None,
    as_of_a: Annotated[str | None, typer.Option("--as-of-a", help="or: first date")] = None,
    as_of_b: Annotated[str | None, typer.Option("--as-of-b", help="or: second date")] = None,
    partition: PartitionOpt = "membership",
    map_out: Annotated[
        Path | None, typer.Option("--map", help="also write the comparison map (HTML)")
    ] = None,
    fmt: FormatOpt = Format.TEXT,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """What changed between two phases (or dates): ties, bonding/bridging, brokers."""
    from graph_service.services.steering import phases

    first, second = _side(phase_a, as_of_a, "a"), _side(phase_b, as_of_b, "b")
    a, b = phases.phase_filters(filters, first.phase, second.phase, first.as_of, second.as_of)
    with _runtime(network) as rt:
        result = phases.compare_phases(rt, a, b, partition=partition)
        if map_out is not None:
            phases.comparison_map(rt, a, b, partition=partition).write(str(map_out))
            typer.echo(f"wrote {map_out}", err=True)
    _emit(result, fmt, _compare_text)


def _side(phase: str | None, as_of: str | None, side: str) -> TieFilter:
    """One side's phase or date; a bad value names ``--phase-a`` (not ``--phase``)."""
    try:
        return tie_filter(phase=phase, as_of=as_of)
    except Invalid as exc:
        detail = exc.detail
        for field in ("phase", "as_of"):
            detail = detail.replace(option_name(field), f"{option_name(field)}-{side}")
        raise Invalid(detail) from exc


def _compare_text(c: Any) -> str:
    lines = [c.summary(), "", "groups (pairs tied inside / across the boundary, E-I):"]
    for g in c.groups:
        ei = f"{g.ei.a:+.2f} -> {g.ei.b:+.2f}" if g.ei.delta is not None else "n/a"
        lines.append(
            f"  {g.name}: inside {g.bonding_ties.a:g} -> {g.bonding_ties.b:g}, "
            f"across {g.bridging_ties.a:g} -> {g.bridging_ties.b:g}, E-I {ei}"
        )
    lines.append("largest changes in betweenness:")
    for n in c.nodes[:8]:
        lines.append(
            f"  {n.name}: {n.betweenness.a:.1f} -> {n.betweenness.b:.1f}, bridging ties "
            f"{n.bridging.a:g} -> {n.bridging.b:g}"
        )
    return "\n".join(lines)


# --- goals ------------------------------------------------------------------------------


@app.command("goals")
@reports_errors
@filter_options()
def goals_cmd(
    filters: TieFilter,
    partition: PartitionOpt = "membership",
    fmt: FormatOpt = Format.TEXT,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """Which goals have initiatives, tasks and people behind them; which hang on one."""
    from graph_service.services.steering.goals import goal_coverage

    with _runtime(network) as rt:
        result = goal_coverage(rt, filters, partition=partition)
    _emit(result, fmt, _goals_text)


def _goals_text(c: Any) -> str:
    lines = []
    for g in c.goals:
        lines.append(
            f"{'  ' * g.level}{g.name}: "
            f"{count(len(g.advanced_by), 'initiative or task', 'initiatives or tasks')}, "
            f"{count(len(g.people), 'person', 'people')}, {count(len(g.groups), 'group')}; "
            f"{g.carried_by}"
        )
        lines += [f"{'  ' * g.level}  ! {w}" for w in g.weak_points]
    return "\n".join(lines)


# --- parallel ---------------------------------------------------------------------------


@app.command("parallel")
@reports_errors
@filter_options()
def parallel_cmd(
    filters: TieFilter,
    min_shared: Annotated[int, typer.Option("--min-shared", min=1)] = 1,
    fmt: FormatOpt = Format.TEXT,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """Staff pairs whose task portfolios overlap without a working tie; task loads."""
    from graph_service.services.steering.parallel import parallel_structures

    with _runtime(network) as rt:
        result = parallel_structures(rt, filters, min_shared=min_shared)
    _emit(result, fmt, _parallel_text)


def _parallel_text(p: Any) -> str:
    lines = [f"staff pairs with overlapping portfolios ({p.filter}):"]
    for pair in p.pairs:
        flag = "FLAG" if pair.flagged else "    "
        lines.append(
            f"  {pair.rank:2d}. {flag} {pair.a_name} + {pair.b_name}: Jaccard "
            f"{pair.jaccard:.2f}, overlap {pair.overlap:.2f}; {pair.reason}"
        )
    for t in p.shared_tasks:
        lines.append(f"  shared task {t.name}: {', '.join(t.responsible_names)}")
    for t in p.unassigned_tasks:
        lines.append(f"  task nobody is responsible for: {t.name}")
    return "\n".join(lines)


# --- evidence ---------------------------------------------------------------------------


@app.command("evidence")
@reports_errors
@filter_options()
def evidence_cmd(
    filters: TieFilter,
    partition: PartitionOpt = "membership",
    fmt: FormatOpt = Format.TEXT,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """Triangulation of every tie, and the findings that rest on single-source ties."""
    from graph_service.services.steering.evidence import evidence_report

    with _runtime(network) as rt:
        result = evidence_report(rt, filters, partition=partition)
    _emit(result, fmt, _evidence_text)


def _evidence_text(e: Any) -> str:
    lines = [e.summary(), f"ties by number of methods: {e.by_methods}"]
    lines.append(f"ties by number of sources: {e.by_sources}")
    lines += [f"  - {f.text}" for f in e.findings]
    return "\n".join(lines)


# --- resilience -------------------------------------------------------------------------


@app.command("resilience")
@reports_errors
@filter_options()
def resilience_cmd(
    filters: TieFilter,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="node id to remove (repeat for a set)")
    ] = None,
    people_only: Annotated[bool, typer.Option("--people-only", help="rank people only")] = False,
    top: Annotated[int, typer.Option("--top", min=1)] = 10,
    partition: PartitionOpt = "membership",
    fmt: FormatOpt = Format.TEXT,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """What a departure costs (--remove ID …), or the ranking of costliest departures."""
    from graph_service.services.steering import resilience

    with _runtime(network) as rt:
        if remove:
            dep = resilience.departure(rt, remove, filters, partition=partition)
            _emit(dep, fmt, _departure_text)
            return
        ranking = resilience.departure_ranking(
            rt, filters, partition=partition, people_only=people_only, top=top
        )
    _emit(ranking, fmt, lambda r: "\n".join(_departure_text(d) for d in r.departures))


def _departure_text(d: Any) -> str:
    lines = [d.summary()]
    for g in d.goals_losing_support:
        lines.append(
            f"  goal {g.name}: people {g.people_before} -> {g.people_after}, "
            f"groups {len(g.groups_before)} -> {len(g.groups_after)}"
        )
    for c in d.broker_load[:3]:
        lines.append(f"  load on {c.name}: betweenness {c.before:.1f} -> {c.after:.1f}")
    return "\n".join(lines)


# --- recommend --------------------------------------------------------------------------


@app.command("recommend")
@reports_errors
@filter_options()
def recommend_cmd(
    filters: TieFilter,
    top: Annotated[int, typer.Option("--top", min=1)] = 10,
    partition: PartitionOpt = "membership",
    fmt: FormatOpt = Format.TEXT,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """Introductions that would close structural holes between groups, with reasons."""
    from graph_service.services.steering.recommendations import recommend

    with _runtime(network) as rt:
        result = recommend(rt, filters, partition=partition, top=top)
    _emit(
        result,
        fmt,
        lambda r: "\n".join(f"{i.rank}. ({i.score:.1f}) {i.reason}" for i in r.introductions),
    )


# --- report -----------------------------------------------------------------------------


@app.command("report")
@reports_errors
@filter_options()
def report_cmd(
    filters: TieFilter,
    out: Annotated[Path, typer.Option("-o", "--out", help="the HTML file to write")],
    phase_a: Annotated[str | None, typer.Option("--phase-a", help="comparison: from")] = None,
    phase_b: Annotated[str | None, typer.Option("--phase-b", help="comparison: to")] = None,
    pseudonymise: Annotated[
        bool,
        typer.Option("--pseudonymise", help="replace people by salted pseudonyms"),
    ] = False,
    title: Annotated[str | None, typer.Option("--title")] = None,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """One self-contained HTML report: figures, charts, the map, in plain language."""
    from graph_service.reports import build_report
    from graph_service.services.steering.privacy import pseudonymiser_for

    with _runtime(network) as rt:
        html = build_report(
            rt,
            filters,
            phase_a=phase_a,
            phase_b=phase_b,
            pseudonymiser=pseudonymiser_for(pseudonymise, rt.settings),
            title=title,
        )
    out.write_text(html, encoding="utf-8")
    typer.echo(f"wrote {out} ({len(html.encode('utf-8')) / 1024:.0f} KiB)")


# --- erase ------------------------------------------------------------------------------


@app.command("erase")
@reports_errors
def erase_cmd(
    node_id: Annotated[str, typer.Argument(metavar="ID", help="the person's id")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    fmt: FormatOpt = Format.TEXT,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """Erase a person with all their ties and the evidence on them; say what was erased."""
    from graph_service.services.steering.privacy import check_erasable, erase_person

    with _runtime(network) as rt:
        check_erasable(rt, node_id)  # an unknown id is said before any question
        if not yes and not typer.confirm(f"Erase {node_id} with all their ties and evidence?"):
            raise typer.Exit(1)
        report = erase_person(rt, node_id)
    _emit(report, fmt, lambda r: r.summary())
