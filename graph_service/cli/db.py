"""``graph-service db``: the local Neo4j server (used when ``NEO4J_URI`` is unset)."""

from __future__ import annotations

import typer

from graph_service.cli.common import reports_errors
from graph_service.cli.progress import steps

app = typer.Typer(help="Run the local Neo4j server (used when NEO4J_URI is unset).")


@app.command("start")
@reports_errors
def db_start() -> None:
    """Start the local Neo4j server (fetching its jars the first time); wait until Bolt answers."""
    from graph_service.config import NEO4J_VERSION, get_settings
    from graph_service.store import local_server

    settings = get_settings()
    with steps() as progress:
        status = local_server.start(
            settings, say=progress.phase, on_progress=progress.phase_progress
        )
    typer.echo(f"Neo4j {NEO4J_VERSION} {status.message} on {status.bolt_uri} (pid {status.pid})")


@app.command("stop")
@reports_errors
def db_stop() -> None:
    """Stop the local Neo4j server."""
    from graph_service.config import get_settings
    from graph_service.store import local_server

    with steps() as progress:
        stopped = local_server.stop(get_settings(), say=progress.phase)
    typer.echo("Neo4j stopped" if stopped else "Neo4j was not running")


@app.command("status")
@reports_errors
def db_status() -> None:
    """Is the local server running? Exit code 3 when it is not."""
    from graph_service.config import NEO4J_VERSION, get_settings
    from graph_service.store import local_server

    settings = get_settings()
    status = local_server.status(settings)
    typer.echo(
        f"Neo4j {NEO4J_VERSION} {status.message} on {status.bolt_uri} "
        f"(home {status.home}, pid {status.pid or '-'})"
    )
    if not status.running:
        raise typer.Exit(3)


@app.command("fetch")
@reports_errors
def db_fetch() -> None:
    """Fetch the Neo4j jars (and plugins) from Maven Central without starting anything."""
    from graph_service.config import get_settings
    from graph_service.store import local_server

    local_server.check_java()
    with steps() as progress:
        jars = local_server.ensure_jars(get_settings(), say=progress.phase)
    typer.echo(
        f"Neo4j jars in {jars.lib}" + (f", plugins in {jars.plugins}" if jars.plugins else "")
    )
