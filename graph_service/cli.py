"""The ``graph-service`` command.

Every domain error ends the command with one line on stderr and a non-zero exit code
(1 for a failure of the store or the server, 2 for bad input or an unknown id), never a
traceback.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from graph_service.config import NEO4J_VERSION, get_settings
from graph_service.errors import DomainError, Invalid, NotFound

app = typer.Typer(
    help="Knowledge graph of bonding and bridging ties: store, analyse, map.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Run the local Neo4j server (used when NEO4J_URI is unset).")
app.add_typer(db_app, name="db")

F = TypeVar("F", bound=Callable[..., Any])


@app.callback()
def _setup(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log what happens")] = False,
) -> None:
    """Driver warnings (retries) would spill over the one-line errors: log them only with -v."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)


def _say(message: str) -> None:
    typer.echo(message, err=True)


def reports_errors(func: F) -> F:
    """Turn domain errors into one line on stderr and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            for err in exc.errors[:50]:
                typer.echo(
                    f"  {err.get('record', '')}: {err.get('field', '')}: {err.get('message', '')}",
                    err=True,
                )
            if len(exc.errors) > 50:
                typer.echo(f"  … and {len(exc.errors) - 50} more", err=True)
            raise typer.Exit(2 if isinstance(exc, Invalid | NotFound) else 1) from None
        except FileNotFoundError as exc:
            typer.echo(f"error: no such file: {exc.filename}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


# --- db ---------------------------------------------------------------------------------


@db_app.command("start")
@reports_errors
def db_start() -> None:
    """Start the local Neo4j server (fetching its jars the first time); wait until Bolt answers."""
    from graph_service.store import local_server

    settings = get_settings()
    status = local_server.start(settings, say=_say)
    typer.echo(f"Neo4j {NEO4J_VERSION} {status.message} on {status.bolt_uri} (pid {status.pid})")


@db_app.command("stop")
@reports_errors
def db_stop() -> None:
    """Stop the local Neo4j server."""
    from graph_service.store import local_server

    stopped = local_server.stop(get_settings(), say=_say)
    typer.echo("Neo4j stopped" if stopped else "Neo4j was not running")


@db_app.command("status")
@reports_errors
def db_status() -> None:
    """Is the local server running? Exit code 3 when it is not."""
    from graph_service.store import local_server

    settings = get_settings()
    status = local_server.status(settings)
    typer.echo(
        f"Neo4j {NEO4J_VERSION} {status.message} on {status.bolt_uri} "
        f"(home {status.home}, pid {status.pid or '-'})"
    )
    if not status.running:
        raise typer.Exit(3)


@db_app.command("fetch")
@reports_errors
def db_fetch() -> None:
    """Fetch the Neo4j jars (and plugins) from Maven Central without starting anything."""
    from graph_service.store import local_server

    local_server.check_java()
    jars = local_server.ensure_jars(get_settings(), say=_say)
    typer.echo(
        f"Neo4j jars in {jars.lib}" + (f", plugins in {jars.plugins}" if jars.plugins else "")
    )


# --- load / import ----------------------------------------------------------------------


def _ensure_local_server() -> None:
    settings = get_settings()
    if settings.uses_local_server:
        from graph_service.store import local_server

        local_server.start(settings, say=_say)


def _print_report(report: Any) -> None:
    verb = "validated (dry run)" if report.dry_run else "imported"
    typer.echo(f"{verb}: {report.nodes} nodes, {report.ties} ties")


def _parse_files(file: Path, ties: Path | None) -> Any:
    from graph_service.services import importer

    if ties is None:
        if file.suffix.lower() == ".csv":
            raise Invalid("a nodes CSV needs its ties CSV: --ties TIES.csv")
        return importer.parse_document(file.read_bytes())
    return importer.parse_csv(
        file.read_text(encoding="utf-8"),
        ties.read_text(encoding="utf-8"),
        nodes_name=file.name,
        ties_name=ties.name,
    )


TiesOption = Annotated[
    Path | None, typer.Option("--ties", help="the ties CSV that goes with a nodes CSV")
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="validate only, write nothing")]


@app.command("import")
@reports_errors
def import_cmd(
    file: Annotated[Path, typer.Argument(help="JSON document, or the nodes CSV (with --ties)")],
    ties: TiesOption = None,
    dry_run: DryRunOption = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="delete the stored graph first (after validating)")
    ] = False,
) -> None:
    """Import nodes and ties: all or nothing; every bad row is listed with its line."""
    from graph_service.services import importer
    from graph_service.services.runtime import Runtime

    parsed = _parse_files(file, ties)
    with Runtime() as rt:
        rt.ensure_schema()
        if replace and not dry_run:
            # validate against an empty store before deleting anything
            importer.validate(parsed, None)
            rt.repo.delete_all()
        report = importer.import_parsed(rt.repo, parsed, dry_run=dry_run)
    _print_report(report)


app.command("load", help="Load a graph file: the same as `import`.")(import_cmd)


def sample_network_bytes() -> bytes:
    return (resources.files("graph_service") / "data" / "sample_network.json").read_bytes()


@app.command("demo")
@reports_errors
def demo_cmd(
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="serve the API after")] = True,
    port: Annotated[int, typer.Option(help="API port on 127.0.0.1")] = 8000,
    out: Annotated[Path, typer.Option("-o", "--out", help="where to write the map")] = Path(
        "sample-map.html"
    ),
) -> None:
    """Start the local Neo4j if needed, load the sample network, write its map, serve the API."""
    from graph_service.services import importer
    from graph_service.services.runtime import Runtime

    _ensure_local_server()
    with Runtime() as rt:
        rt.ensure_schema()
        parsed = importer.parse_document(sample_network_bytes())
        importer.validate(parsed, None)
        rt.repo.delete_all()
        importer.import_parsed(rt.repo, parsed)
        counts = rt.repo.counts()
    nodes = ", ".join(f"{v} {k}" for k, v in counts["nodes"].items())
    ties = ", ".join(f"{v} {k}" for k, v in counts["ties"].items())
    typer.echo(f"sample network loaded: {sum(counts['nodes'].values())} nodes ({nodes})")
    typer.echo(f"  {sum(counts['ties'].values())} ties ({ties})")
    _demo_extras(out, serve, port)


def _demo_extras(out: Path, serve: bool, port: int) -> None:
    """The demo's map and API."""
    from graph_service.services.maps import MapRequest, render_store_map
    from graph_service.services.runtime import Runtime

    with Runtime() as rt:
        result = render_store_map(
            rt.store, MapRequest(title="Sample network: bonding and bridging ties")
        )
    out.write_text(result.html, encoding="utf-8")
    typer.echo(
        f"map of the sample network: {out.resolve()} "
        f"({result.nodes} nodes, {result.ties} ties, {result.size_bytes / 1024:.0f} KiB)"
    )
    if serve:
        from graph_service.api import serving

        def announce() -> None:
            typer.echo(f"API on http://127.0.0.1:{port} (docs: /docs); Ctrl-C stops it")
            typer.echo("the Neo4j server keeps running: `graph-service db stop` stops it")

        serving.serve(get_settings(), "127.0.0.1", port, workers=1, announce=announce)


@app.command("info")
@reports_errors
def info_cmd() -> None:
    """Which Neo4j the service talks to, and what it holds."""
    from graph_service.services.runtime import Runtime

    with Runtime() as rt:
        comp = rt.store.ping()
        counts = rt.repo.counts()
    typer.echo(
        json.dumps(
            {"uri": rt.settings.bolt_uri, "server": comp, "counts": counts}, indent=2, default=str
        )
    )


def main() -> None:  # pragma: no cover - console entry point
    app()
    sys.exit(0)


# Further commands live in their own modules and register on `app` when imported:
# cli_api (serve, export, apikey), cli_analysis (analyze, metrics, map) and cli_steering
# (compare, goals, parallel, evidence, resilience, recommend, report, erase).
from graph_service import cli_analysis, cli_api, cli_steering  # noqa: E402, F401
