"""The progress display when stderr is not a terminal: plain lines, for long steps only."""

from __future__ import annotations

import io
import time

import pytest

from graph_service.cli import progress
from graph_service.cli.progress import steps


@pytest.fixture
def fast_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "PLAIN_AFTER", 0.05)
    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.0)


def test_a_quick_step_prints_nothing() -> None:
    out = io.StringIO()
    with steps(out, live=False) as shown, shown.step("importing", unit="rows") as step:
        step.update(10, 10)
    assert out.getvalue() == ""


def test_a_long_step_prints_its_start_progress_and_end(fast_clock: None) -> None:
    out = io.StringIO()
    with steps(out, live=False) as shown, shown.step("importing", unit="rows") as step:
        time.sleep(0.6)
        step.update(500, 1000)
        step.update(1000, 1000)
    lines = out.getvalue().splitlines()
    assert lines[0] == "importing …"
    assert lines[1].startswith("  importing: 500 / 1,000 rows, ")
    assert lines[-1].startswith("importing: done, 1,000 / 1,000 rows, ")
    assert lines[-1].endswith(" s)") and "rows/s" in lines[-1]


def test_a_quick_failed_step_leaves_the_error_line_alone() -> None:
    """A failure's own one-line error follows; a quick step adds no line before it."""
    out = io.StringIO()
    with pytest.raises(RuntimeError), steps(out, live=False) as shown, shown.step("drawing"):
        raise RuntimeError("boom")
    assert out.getvalue() == ""


def test_phases_end_one_another(fast_clock: None) -> None:
    out = io.StringIO()
    with steps(out, live=False) as shown:
        shown.phase("starting Neo4j")
        time.sleep(0.3)
        shown.phase("waiting for Neo4j to answer")
        time.sleep(0.3)
        shown.phase_progress(3, 180)
    text = out.getvalue()
    assert "starting Neo4j: done" in text
    assert "waiting for Neo4j to answer: done, 3 / 180 s" in text
