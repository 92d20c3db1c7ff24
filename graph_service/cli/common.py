"""What every command shares: one-line errors with an exit code, messages on stderr, and
starting the local server when no ``NEO4J_URI`` is set.

Every domain error ends the command with one line on stderr and a non-zero exit code
(1 for a failure of the store or the server, 2 for bad input or an unknown id), never a
traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from graph_service.cli.progress import Steps, steps
from graph_service.errors import DomainError, Invalid, NotFound

F = TypeVar("F", bound=Callable[..., Any])


def say(message: str) -> None:
    typer.echo(message, err=True)


def interactive() -> bool:
    """Whether a person can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()


def confirm(question: str, without_terminal: str) -> None:
    """Ask ``question`` on a terminal (no: Invalid, exit 2, nothing changed); without a
    terminal refuse with ``without_terminal``, which names the flag that confirms."""
    if not interactive():
        raise Invalid(without_terminal)
    if not typer.confirm(question):
        raise Invalid("not confirmed: nothing changed")


def reports_errors(func: F) -> F:
    """Turn domain errors into one line on stderr and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            for err in exc.errors[:50]:
                # "record: field: message", leaving out the parts an error does not have
                parts = (err.get(key) for key in ("record", "field", "message"))
                typer.echo("  " + ": ".join(str(p) for p in parts if p), err=True)
            if len(exc.errors) > 50:
                typer.echo(f"  … and {len(exc.errors) - 50} more", err=True)
            raise typer.Exit(2 if isinstance(exc, Invalid | NotFound) else 1) from None
        except FileNotFoundError as exc:
            typer.echo(f"error: no such file: {exc.filename}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def ensure_local_server(progress: Steps | None = None) -> None:
    """Start the local server when the service uses it (no ``NEO4J_URI``), showing each
    phase of the start on ``progress`` (or on a display of its own)."""
    from graph_service.config import get_settings  # pydantic-settings: only when needed

    settings = get_settings()
    if not settings.uses_local_server:
        return
    from graph_service.store import local_server

    if progress is None:
        with steps() as own:
            local_server.start(settings, say=own.phase, on_progress=own.phase_progress)
        return
    local_server.start(settings, say=progress.phase, on_progress=progress.phase_progress)
    progress.end_phase()
