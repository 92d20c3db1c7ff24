"""Commands of the HTTP API: ``serve`` and ``apikey``."""

from __future__ import annotations

from typing import Annotated

import typer

from graph_service.cli.common import reports_errors
from graph_service.errors import Invalid

app = typer.Typer()


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
    from graph_service.config import get_settings  # pydantic-settings: only when needed

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
