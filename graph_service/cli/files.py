"""``analyze``: the bonding and bridging metrics of the analyst's own network files, no
database needed.

A module of its own, which imports neither the tie filter nor the graph vocabulary
(their pydantic models): ``graph-service analyze …`` starts with this module alone
(``graph_service.cli.main``), not with every command of the tool. Building the whole
command line loads the graph vocabulary and the tie filter (pydantic models, from which the
stored-graph commands derive their filter options) and reads some 190 options: about
50 ms of CPU of the 0.4 s a 100-node ``analyze`` took (issue 14).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from graph_service.cli.common import reports_errors
from graph_service.cli.progress import steps

app = typer.Typer()


class OutputFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


def _write_json(report: dict[str, Any], out: Path | None) -> None:
    """The report as indented UTF-8 JSON, written by orjson (the standard library's
    encoder took 1.6 s of the 3.5 s of ``analyze`` at 10k nodes / 100k ties). Reports
    hold no NaN (undefined values are null); orjson would write NaN as null too."""
    import orjson

    data = orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(data)
        typer.echo(f"wrote {out}", err=True)


def emit_report(report: dict[str, Any], fmt: OutputFormat, out: Path | None) -> None:
    """The report as JSON, or as CSV tables (one file each), to ``out`` or stdout."""
    if fmt is OutputFormat.JSON:
        _write_json(report, out)
        return
    from graph_service.metrics.suite import report_tables

    tables = report_tables(report)
    if out is None:
        for name, text in tables.items():
            typer.echo(f"# {name}")
            typer.echo(text)
        return
    stem = out.with_suffix("")
    for name, text in tables.items():
        path = stem.parent / f"{stem.name}_{name}.csv"
        path.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {path}", err=True)


@app.command(
    "analyze",
    epilog="Example: graph-service analyze --edges ties.csv --nodes people.csv "
    "--group department --format csv -o metrics.csv",
)
@reports_errors
def analyze_cmd(
    edges: Annotated[Path, typer.Option("--edges", help="CSV with source,target[,weight]")],
    nodes: Annotated[Path, typer.Option("--nodes", help="CSV with id and attributes")],
    group: Annotated[str, typer.Option("--group", help="node attribute that draws the groups")],
    directed: Annotated[bool, typer.Option("--directed", help="ties are arcs")] = False,
    weight: Annotated[
        str | None, typer.Option("--weight", help="edge column holding the weight")
    ] = None,
    k: Annotated[
        int | None, typer.Option("--k", min=1, help="approximate betweenness with K pivots")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.JSON,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="file (default: stdout)")] = None,
) -> None:
    """Bonding and bridging metrics of your own network files (no database needed)."""
    from graph_service.metrics.io import read_graph_arrays
    from graph_service.metrics.suite import analyze_indexed

    with steps() as progress:
        with progress.step(f"reading {edges.name} and {nodes.name}"):
            files = read_graph_arrays(
                edges, nodes, group_attr=group, directed=directed, weight_column=weight
            )
        with progress.step("computing the metrics") as step:
            report = analyze_indexed(
                files.ix,
                files.partition,
                files.names,
                weighted=files.weighted,
                k=k,
                on_progress=step.update,
            )
    emit_report(report, fmt, out)
