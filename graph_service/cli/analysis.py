"""Commands for analysts: metrics and maps of the stored graph (the metrics of their own
files, ``analyze``, are in cli/files.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph_service.cli.common import reports_errors, say
from graph_service.cli.files import OutputFormat, emit_report
from graph_service.cli.options import NetworkOpt, PartitionOpt, filter_options
from graph_service.cli.progress import steps
from graph_service.filters import TieFilter
from graph_service.model import DEFAULT_NETWORK

app = typer.Typer()


@app.command(
    "metrics",
    epilog="Example: graph-service metrics --phase 2 --min-methods 2 "
    "--partition communities:louvain -o metrics.json",
)
@reports_errors
@filter_options()
def metrics_cmd(
    filters: TieFilter,
    partition: PartitionOpt = "membership",
    directed: Annotated[bool, typer.Option("--directed")] = False,
    k: Annotated[int | None, typer.Option("--k", min=1)] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.JSON,
    out: Annotated[Path | None, typer.Option("-o", "--out")] = None,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """Bonding and bridging metrics of the stored graph, with its filters."""
    from graph_service.services.metrics import stored_report
    from graph_service.services.runtime import Runtime

    with (
        steps() as progress,
        progress.step("computing the metrics") as step,
        Runtime(network=network) as rt,
    ):
        report = stored_report(
            rt, filters, partition=partition, directed=directed, k=k, on_progress=step.update
        )
    say(report["scope"]["ties"]["sentence"])
    emit_report(report, fmt, out)


@app.command(
    "map",
    epilog="Example: graph-service map -o brokers.html --view brokers "
    "--group-a grp-wiall --group-b grp-planung",
)
@reports_errors
@filter_options()
def map_cmd(
    filters: TieFilter,
    out: Annotated[Path, typer.Option("-o", "--out", help="the HTML file to write")],
    view: Annotated[
        str, typer.Option(help="network | ego | paths | brokers | groups | comparison")
    ] = "network",
    partition: PartitionOpt = "membership",
    size_by: Annotated[str, typer.Option(help="degree, betweenness, constraint, …")] = "degree",
    center: Annotated[str | None, typer.Option(help="ego view: the centre")] = None,
    radius: Annotated[int, typer.Option(min=1, max=3, help="ego view: radius")] = 1,
    source: Annotated[str | None, typer.Option(help="paths view: from")] = None,
    target: Annotated[str | None, typer.Option(help="paths view: to")] = None,
    k: Annotated[int, typer.Option(min=1, help="paths view: how many paths (at most 10)")] = 3,
    group_a: Annotated[str | None, typer.Option(help="brokers view: group A")] = None,
    group_b: Annotated[str | None, typer.Option(help="brokers view: group B")] = None,
    phase_a: Annotated[str | None, typer.Option(help="comparison view: first phase")] = None,
    phase_b: Annotated[str | None, typer.Option(help="comparison view: second phase")] = None,
    title: Annotated[str | None, typer.Option(help="the map's title")] = None,
    pseudonymise: Annotated[
        bool,
        typer.Option(
            "--pseudonymise", help="replace people by salted pseudonyms (needs the salt setting)"
        ),
    ] = False,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """Write an interactive map of the stored graph: one HTML file that works offline."""
    from graph_service.services.maps import map_request, render_store_map
    from graph_service.services.runtime import Runtime

    req = map_request(locals())
    with (
        steps() as progress,
        progress.step(f"drawing the {view} map"),
        Runtime(network=network) as rt,
    ):
        result = render_store_map(rt, req)
    out.write_text(result.html, encoding="utf-8")
    if result.tie_count is not None:
        say(result.tie_count.sentence())
    typer.echo(
        f"wrote {out}: {result.view} map, {result.nodes} nodes, {result.ties} "
        f"{'ties between groups' if result.view == 'groups' else 'stored ties'}, "
        f"{result.size_bytes / 1024:.0f} KiB"
    )
