"""A cancelled analysis is never stopped inside an import (api/limits.py)."""

from __future__ import annotations

import sys
import threading

from graph_service.api import limits

ENTERED = threading.Event()
RELEASE = threading.Event()


def test_a_thread_inside_an_import_is_seen_importing(tmp_path, monkeypatch):
    """An exception raised inside an import leaves the module half-initialised for the
    rest of the process (numba did this in CI): the worker's cancellation waits while
    the thread's stack holds an import, and goes ahead once it is done."""
    (tmp_path / "slow_module_for_the_test.py").write_text(
        f"import {__name__} as test\ntest.ENTERED.set()\ntest.RELEASE.wait(30)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    imported = threading.Event()
    done = threading.Event()

    def work() -> None:
        import slow_module_for_the_test  # noqa: F401

        imported.set()
        done.wait(30)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        assert ENTERED.wait(30)
        assert worker.ident is not None
        assert limits._importing(worker.ident)
        RELEASE.set()
        assert imported.wait(30)
        assert not limits._importing(worker.ident)
        assert not limits._importing(-1)  # no such thread
    finally:
        RELEASE.set()
        done.set()
        worker.join(30)
        sys.modules.pop("slow_module_for_the_test", None)


def test_a_worker_cancelled_during_an_import_stops_after_it(tmp_path, monkeypatch):
    """The cancellation of a worker that is importing is retried until the import is
    done: the module is whole, and the work stops right after."""
    import asyncio
    import time

    from graph_service import deadline

    ENTERED.clear()
    RELEASE.clear()
    (tmp_path / "slow_module_two.py").write_text(
        f"import {__name__} as test\ntest.ENTERED.set()\ntest.RELEASE.wait(30)\nWHOLE = True\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(limits, "_preload", lambda: None)

    def work() -> None:
        import slow_module_two  # noqa: F401

        while True:  # pure Python: Cancelled stops it between two steps
            time.sleep(0.001)

    async def scenario() -> BaseException | None:
        worker = limits._Worker(work, time.monotonic() + 60, lambda: None)
        worker.start()
        await asyncio.to_thread(ENTERED.wait, 30)
        worker.cancel()  # inside the import: put off
        await asyncio.sleep(0.1)
        assert worker.alive
        RELEASE.set()
        try:
            await asyncio.wait_for(worker.future, 30)
        except BaseException as exc:
            return exc
        return None

    outcome: list[BaseException | None] = []
    # a loop of its own in a thread of its own: another test may have left this thread's
    # loop marked as running
    runner = threading.Thread(target=lambda: outcome.append(asyncio.run(scenario())))
    try:
        runner.start()
        runner.join(60)
        error = outcome[0]
        assert isinstance(error, deadline.Cancelled)
        assert sys.modules["slow_module_two"].WHOLE is True
    finally:
        RELEASE.set()
        sys.modules.pop("slow_module_two", None)
