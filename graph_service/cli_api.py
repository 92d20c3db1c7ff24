"""Commands of the API layer: ``serve``, ``export`` and ``apikey`` (registered on the
``graph-service`` command by cli._register_commands)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Annotated

import typer

from graph_service.cli import app, reports_errors
from graph_service.config import get_settings
from graph_service.errors import Invalid


@app.command("serve")
@reports_errors
def serve_cmd(
    host: Annotated[str, typer.Option(help="address to bind (loopback unless keys are set)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="worker processes")] = 1,
) -> None:
    """Serve the HTTP API (docs at /docs). Without API keys it binds loopback only."""
    from graph_service.api import serving
    from graph_service.api.auth import KeyRing, is_loopback

    settings = get_settings()
    keys = KeyRing.parse(settings.api_keys)
    if not keys.configured and not is_loopback(host):
        raise Invalid(
            f"refusing to bind {host} without API keys: set GRAPH_SERVICE_API_KEYS "
            "(see `graph-service apikey`) or bind 127.0.0.1"
        )
    serving.serve(
        settings,
        host,
        port,
        workers,
        announce=lambda: typer.echo(f"API on http://{host}:{port} (docs: /docs)", err=True),
    )


@app.command("export")
@reports_errors
def export_cmd(
    format: Annotated[str, typer.Option("--format", "-f", help="json, graphml, gexf or csv")],
    out: Annotated[
        Path,
        typer.Option(
            "-o", "--out", help="the file to write; for csv a .zip, or a folder for the two files"
        ),
    ],
) -> None:
    """Export the stored graph. JSON imports back unchanged; csv writes nodes.csv and
    ties.csv (into a zip when OUT ends with .zip, else into the folder OUT)."""
    from graph_service.services import exporter
    from graph_service.services.runtime import Runtime

    try:
        fmt = exporter.ExportFormat(format.lower())
    except ValueError:
        raise Invalid(f"unknown format {format!r}: use json, graphml, gexf or csv") from None
    with Runtime() as rt:
        nodes, ties = rt.repo.export_graph()
    if fmt is exporter.ExportFormat.CSV and out.suffix.lower() != ".zip":
        out.mkdir(parents=True, exist_ok=True)
        (out / "nodes.csv").write_text(exporter.nodes_csv(nodes), encoding="utf-8")
        (out / "ties.csv").write_text(exporter.ties_csv(ties), encoding="utf-8")
        typer.echo(f"exported {len(nodes)} nodes, {len(ties)} ties to {out}/nodes.csv, ties.csv")
        return
    result = exporter.render(nodes, ties, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(result.content)
    if fmt is exporter.ExportFormat.CSV:
        assert zipfile.is_zipfile(out)
    typer.echo(f"exported {len(nodes)} nodes, {len(ties)} ties to {out} ({fmt.value})")


@app.command("apikey")
@reports_errors
def apikey_cmd(
    role: Annotated[str, typer.Option(help="reader, editor or admin")] = "reader",
) -> None:
    """Print a new random API key and its GRAPH_SERVICE_API_KEYS entry (role:sha256)."""
    from graph_service.api.auth import Role, hash_key, new_key

    try:
        chosen = Role(role.lower())
    except ValueError:
        raise Invalid(f"unknown role {role!r}: use reader, editor or admin") from None
    key = new_key()
    typer.echo(f"key:   {key}")
    typer.echo(f"entry: {chosen.value}:{hash_key(key)}")
    typer.echo(
        "Give the key to its user; add the entry to GRAPH_SERVICE_API_KEYS "
        "(comma-separated). The key is not stored anywhere.",
        err=True,
    )
