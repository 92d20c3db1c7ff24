"""The ``graph-service`` command: one module per domain, like ``api/routes/``.

- ``db``: the local Neo4j server;
- ``graph``: import (load), export, demo, info;
- ``files``: analyze (the analyst's own files, no database);
- ``analysis``: metrics and map (stored graph);
- ``steering``: compare, goals, parallel, evidence, resilience, recommend, report, erase;
- ``serving``: serve, apikey.

Each module declares its commands on a ``typer.Typer`` of its own; this module gathers
them, so no module imports this one (no circular registration). Options the commands
share (the tie filter, the partition) are declared once in ``cli/options.py``; errors
become one line and an exit code in ``cli/common.py``. Commands call the use cases in
``graph_service.services`` and never the store.

The console script is :func:`main`. ``graph-service analyze …`` builds only its own
command (``cli/files.py``): the whole command line loads the graph vocabulary and the tie
filter, which a small network's analysis does not need (about 50 ms of CPU of its 0.4 s).
``app``, the whole command line, is built on first use (``from graph_service.cli import
app``).
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
from typing import Annotated, Any, NoReturn

import typer

import graph_service

#: Commands that start with their own module alone (see the module's docstring).
STANDALONE = {"analyze": "files"}


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


def _root() -> typer.Typer:
    root = typer.Typer(
        help="Knowledge graph of bonding and bridging ties: store, analyse, map.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    root.callback()(_setup)
    return root


def _whole() -> typer.Typer:
    from graph_service.cli import analysis, db, files, graph, serving, steering

    root = _root()
    root.add_typer(db.app, name="db")
    for module in (graph, files, analysis, steering, serving):
        root.add_typer(module.app)
    return root


def _standalone(command: str) -> typer.Typer:
    """The command line with ``command`` alone, from its own module."""
    from importlib import import_module

    root = _root()
    root.add_typer(import_module(f"graph_service.cli.{STANDALONE[command]}").app)
    return root


_app: typer.Typer | None = None


def __getattr__(name: str) -> typer.Typer:
    """``app``: the whole command line, built once on first use."""
    global _app
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _app is None:
        _app = _whole()
    return _app


def main() -> None:
    """The ``graph-service`` console script."""
    graph_service.COMMAND_LINE = True
    command = sys.argv[1] if len(sys.argv) > 1 else None
    if command in STANDALONE:
        _exit_when_done(_standalone(command))
    else:
        __getattr__("app")()


def _exit_when_done(command: typer.Typer) -> NoReturn:
    """Run ``command``, then end the process at once: its output flushed and the exit
    handlers run (``atexit``), as a normal exit does, without the interpreter's teardown,
    which frees every object one by one (0.1 s after an analysis of 10k nodes: the
    report's hundred thousand objects, numba's modules and compiled code). Only for the
    standalone commands, which end holding no connection, server or file; while another
    thread than this one still runs (none should), the normal exit waits for it."""
    try:
        command()
        code: Any = 0
    except SystemExit as stop:
        code = stop.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    if any(
        t.is_alive() and not t.daemon
        for t in threading.enumerate()
        if t is not threading.current_thread()
    ):
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: what Python's own exit reports as 120
        code = code or 120
    os._exit(code)


__all__ = ["app", "main"]
