"""The deadline of the unit of work running in this context, for the layers below the API.

A surface that bounds its work in time (the API's analysis routes, api/limits.py) sets a
deadline around the call; the store then gives every Neo4j transaction it starts no more
than the time left as its server-side transaction timeout, so the query ends in Neo4j
when the work is abandoned, not when it would have finished. Without a deadline nothing
changes. A context variable carries it (each worker thread runs in a copied context), so
no function between the surface and the store has to pass it along.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("graph_service_deadline", default=None)

#: The shortest transaction timeout given to Neo4j: a timeout of 0 would mean "none".
MIN_TIMEOUT_S = 0.001


class Cancelled(BaseException):
    """Raised inside abandoned work to stop it (a BaseException: ``except Exception``
    in the work does not swallow it)."""


class Guard:
    """Where a worker may be stopped. ``cancel(stop)`` calls ``stop`` (which raises
    Cancelled in the worker) at once, unless the worker is inside :func:`shielded`
    code: then Cancelled is raised when it leaves that code. The store shields its calls
    into the Neo4j driver, whose connection state an exception in mid-read would break
    (the server's transaction timeout ends those calls instead), and imports are
    shielded, which would otherwise leave a module half-initialised."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._pending = False

    def cancel(self, stop: Callable[[], None]) -> None:
        with self._lock:
            if self._depth:
                self._pending = True
            else:
                stop()

    @contextmanager
    def shield(self) -> Iterator[None]:
        with self._lock:
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                fire = self._pending and not self._depth
        if fire:
            raise Cancelled


_guard: ContextVar[Guard | None] = ContextVar("graph_service_guard", default=None)


@contextmanager
def guarded(guard: Guard) -> Iterator[None]:
    """Run the block under ``guard`` (the worker that may cancel it sets this)."""
    token = _guard.set(guard)
    try:
        yield
    finally:
        _guard.reset(token)


@contextmanager
def shielded() -> Iterator[None]:
    """A block that a cancellation does not interrupt (it takes effect at the end)."""
    guard = _guard.get()
    if guard is None:
        yield
        return
    with guard.shield():
        yield


@contextmanager
def until(when: float) -> Iterator[None]:
    """Run the block with the deadline ``when`` (a ``time.monotonic()`` value)."""
    token = _deadline.set(when)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline (at least :data:`MIN_TIMEOUT_S`), None without one."""
    when = _deadline.get()
    if when is None:
        return None
    return max(when - time.monotonic(), MIN_TIMEOUT_S)


def cap(timeout: float | None) -> float | None:
    """``timeout`` shortened to the time left before the deadline, if there is one."""
    left = remaining()
    if left is None:
        return timeout
    return left if timeout is None else min(timeout, left)
