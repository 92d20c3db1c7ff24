"""The ``graph-service`` command: one module per domain, like ``api/routes/``.

- ``db``: the local Neo4j server;
- ``graph``: import (load), export, demo, info;
- ``analysis``: analyze (files), metrics and map (stored graph);
- ``steering``: compare, goals, parallel, evidence, resilience, recommend, report, erase;
- ``serving``: serve, apikey.

Each module declares its commands on a ``typer.Typer`` of its own; this module gathers
them, so no module imports this one (no circular registration). Options the commands
share (the tie filter, the partition) are declared once in ``cli/options.py``; errors
become one line and an exit code in ``cli/common.py``. Commands call the use cases in
``graph_service.services`` and never the store.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from graph_service.cli import analysis, db, graph, serving, steering

app = typer.Typer(
    help="Knowledge graph of bonding and bridging ties: store, analyse, map.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


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


app.add_typer(db.app, name="db")
for _module in (graph, analysis, steering, serving):
    app.add_typer(_module.app)

__all__ = ["app"]
