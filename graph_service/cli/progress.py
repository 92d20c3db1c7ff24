"""Progress of the command line's long waits, on stderr (stdout stays for the results).

On a terminal each step is a line of its own with a spinner, a bar when the total is known
(rows, rate) and the time it has taken; when stderr is not a terminal (a log, CI, a pipe)
the same steps are plain lines, for the steps that take longer than ``PLAIN_AFTER`` seconds
only (a quick command stays quiet in logs and scripts): one once the step has run that long,
one at most every few seconds while it runs, one when it ends. ``Step.update`` is an
``on_progress(done, total)`` callback (``graph_service.progress``) that the services take.

    with steps() as progress:
        with progress.step("importing", unit="rows") as step:
            importer.import_parsed(repo, parsed, on_progress=step.update)
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

#: seconds between two plain lines of the same step
PLAIN_EVERY = 5.0
#: a step shorter than this prints no plain line at all
PLAIN_AFTER = 2.0


class Step:
    """One step: its description, what is done of how much, since when."""

    def __init__(self, owner: Steps, description: str, total: int | None, unit: str) -> None:
        self.owner = owner
        self.description = description
        self.total = total
        self.unit = unit
        self.done = 0
        self.started = time.monotonic()
        self._last_line = self.started
        self._task: Any = None
        self._timer: threading.Timer | None = None
        self.announced = False

    def update(self, done: int, total: int | None = None) -> None:
        """The ``on_progress(done, total)`` callback."""
        self.done = done
        if total is not None:
            self.total = total
        self.owner._update(self)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def counts(self) -> str:
        """``1,200 / 5,000 rows, 2,400 rows/s`` (or less, as far as it is known)."""
        if not self.done and not self.total:
            return ""
        text = f"{self.done:,}" + (f" / {self.total:,}" if self.total else "")
        text += f" {self.unit}" if self.unit else ""
        seconds = self.elapsed()
        if self.unit not in ("", "s") and self.done and seconds >= 0.5:
            text += f", {self.done / seconds:,.0f} {self.unit}/s"
        return text


class Steps:
    """The steps of one command, shown on ``stream`` (stderr by default)."""

    def __init__(self, stream: IO[str] | None = None, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self._progress: Any = None
        self._phase: Any = None

    # --- the two renderings ----------------------------------------------------------

    def _start(self) -> None:
        if not self.live:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            TaskProgressColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=Console(file=self.stream),
        )
        self._progress.start()

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def _open(self, step: Step) -> None:
        if self._progress is not None:
            step._task = self._progress.add_task(step.description, total=step.total, counts="")
            return
        step._timer = threading.Timer(PLAIN_AFTER, self._announce, args=(step,))
        step._timer.daemon = True
        step._timer.start()

    def _announce(self, step: Step) -> None:
        """The plain line of a step that has run for ``PLAIN_AFTER`` seconds."""
        if not step.announced:
            step.announced = True
            self._line(f"{step.description} …")

    def _update(self, step: Step) -> None:
        if self._progress is not None:
            self._progress.update(
                step._task, completed=step.done, total=step.total, counts=step.counts()
            )
            return
        now = time.monotonic()
        if step.announced and now - step._last_line >= PLAIN_EVERY:
            step._last_line = now
            self._line(f"  {step.description}: {step.counts() or 'still running'}")

    def _close(self, step: Step, failed: bool) -> None:
        seconds = step.elapsed()
        if self._progress is not None:
            total = step.total if step.total else max(step.done, 1)
            self._progress.update(
                step._task,
                description=f"[red]failed:[/red] {step.description}" if failed else None,
                completed=total if not failed else step.done,
                total=total,
                counts=step.counts(),
            )
            self._progress.stop_task(step._task)
            return
        if step._timer is not None:
            step._timer.cancel()
        # a quick step says nothing, failed or not: a failure's own error line follows
        if not step.announced and seconds < PLAIN_AFTER:
            return
        counts = step.counts()
        outcome = "failed" if failed else "done"
        self._line(
            f"{step.description}: {outcome}"
            + (f", {counts}" if counts else "")
            + f" ({seconds:.1f} s)"
        )

    # --- what commands use -----------------------------------------------------------

    @contextmanager
    def step(self, description: str, total: int | None = None, unit: str = "") -> Iterator[Step]:
        """A step that ends with the block (marked failed when the block raises)."""
        current = Step(self, description, total, unit)
        self._open(current)
        try:
            yield current
        except BaseException:
            self._close(current, failed=True)
            raise
        self._close(current, failed=False)

    def phase(self, description: str) -> None:
        """Start a new phase, ending the one before: a ``say(message)`` callback for code
        that announces what it does next (``local_server.start``)."""
        self.end_phase()
        self._phase = Step(self, description, None, "s")
        self._open(self._phase)

    def phase_progress(self, done: int, total: int) -> None:
        """``on_progress`` for the current phase."""
        if self._phase is not None:
            self._phase.update(done, total)

    def end_phase(self, failed: bool = False) -> None:
        if self._phase is not None:
            self._close(self._phase, failed)
            self._phase = None


@contextmanager
def steps(stream: IO[str] | None = None, live: bool | None = None) -> Iterator[Steps]:
    """The progress display of one command; stopped (and a phase left open ended) on exit."""
    shown = Steps(stream, live)
    shown._start()
    try:
        yield shown
    except BaseException:
        shown.end_phase(failed=True)
        raise
    else:
        shown.end_phase()
    finally:
        shown._stop()
