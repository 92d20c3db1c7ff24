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

import functools
import os
import pickle
import sys
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from graph_service.cli.common import reports_errors
from graph_service.cli.progress import steps

app = typer.Typer()

T = TypeVar("T")

READ_BESIDE_BYTES = 256 * 1024
"""Edge files from this size on (about 20k ties) are read in a child process while the
command loads numba, which their analysis needs (betweenness from 256 pivots is millions
of steps): the read (0.15 s at 10k nodes / 100k ties, 1.5 s at 100k / 1M) and numba's
load (0.4 s, Python code that holds the GIL, so a thread would not run beside it) take
the two cores at once."""


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read here, which says what is wrong with it


def _read_beside(read: Callable[[], T]) -> Callable[[], T | None] | None:
    """``read()`` started in a forked child process; the function that waits for its
    result (None when the child did not give one: the caller reads again itself, so that
    an error in the files is reported as ever). None when this process cannot fork, or
    runs a thread already (a child of a threaded process may inherit a held lock)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the result pickled into the pipe, then out at once
        code = 1
        try:
            os.close(readable)
            data = pickle.dumps(read(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writable, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(writable)

    def collect() -> T | None:
        with os.fdopen(readable, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        return pickle.loads(data) if status == 0 and data else None

    return collect


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

    read = functools.partial(
        read_graph_arrays, edges, nodes, group_attr=group, directed=directed, weight_column=weight
    )
    # a large network's files are read by a child process while this one loads numba
    collect = _read_beside(read) if _size(edges) >= READ_BESIDE_BYTES else None
    with steps() as progress:
        with progress.step(f"reading {edges.name} and {nodes.name}"):
            files = None
            if collect is not None:
                from graph_service.metrics import _kernels

                _kernels.load_numba()
                files = collect()
            if files is None:  # read here (and any error in the files said from here)
                files = read()
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
