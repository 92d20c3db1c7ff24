"""The progress callback that long operations take, so that any surface can show it.

A service, the store or a pure function that may run for more than a couple of seconds
takes ``on_progress(done, total)``: it calls it after each unit of work (a batch of rows,
a metric, a second of waiting) with what is done so far and the total, in whatever unit it
counts. The command line shows it (``graph_service.cli.progress``); the API and notebooks
pass nothing.
"""

from __future__ import annotations

from collections.abc import Callable

OnProgress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """The default callback: report nothing."""
