"""Bounds on the work one request can cause: its body, its time, its share of the process.

**Bodies** (:class:`RequestGate`, pure ASGI middleware, so it runs before FastAPI reads
anything): a request that carries a body is authorised first, from its headers alone
(no key or an unknown one: 401, a role too low: 403), then its size is checked, on the
``Content-Length`` header and again on the bytes streamed in (a chunked body has no
length): past ``GRAPH_SERVICE_MAX_BODY_BYTES`` (``GRAPH_SERVICE_MAX_IMPORT_BYTES`` for
``/import`` and ``/import/csv``) the answer is 413 and the rest of the body is not read.

**Time** (:func:`bounded`, a decorator of the analysis routes): the route's work runs in
a worker thread of its own, under a deadline ``ANALYSIS_TIMEOUT`` seconds away. Every
Neo4j transaction the work starts gets the time left as its server-side timeout
(graph_service/deadline.py), so Neo4j ends the query by itself. When the deadline
passes, the client disconnects or the server shuts down, the request stops waiting and
the worker is cancelled: :class:`~graph_service.deadline.Cancelled` is raised inside it
(``PyThreadState_SetAsyncExc``) at its next Python instruction, which stops the pure
Python computations (networkx, the maps) between two steps; a call into C (an igraph
algorithm, a blocked socket read) finishes first, and a Neo4j read ends at its
transaction timeout at the latest. Passing the limit answers 504 naming the limit.

**Memory**: at most ``ANALYSIS_CONCURRENCY`` analyses run at once in a process (the
others wait for a slot within their own time limit; a cancelled one keeps its slot until
its thread has ended), so the process holds at most that
many analysis graphs; docs/api.md gives the bound this makes and how it was measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import inspect
import logging
import sys
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from contextvars import copy_context
from typing import Any, TypeVar, get_type_hints

from fastapi import Request
from fastapi.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_service import deadline
from graph_service.api.auth import KeyRing, Role, presented_key
from graph_service.api.problems import domain_problem
from graph_service.config import Settings
from graph_service.errors import DomainError, TimedOut, TooLarge

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The routes whose bodies may be as large as GRAPH_SERVICE_MAX_IMPORT_BYTES.
IMPORT_PATHS = frozenset({"/import", "/import/csv"})

# --- bodies ------------------------------------------------------------------------------


class _BodyTooLarge(Exception):
    """Raised from ``receive`` to stop the app reading a body past its limit."""


class RequestGate:
    """Authorisation before the body, and the body's size limit (see the module)."""

    def __init__(self, app: ASGIApp, *, settings: Settings, keys: KeyRing, routes: Any) -> None:
        self.app = app
        self.settings = settings
        self.keys = keys
        self.routes = routes  # the app's route list (filled after the middleware is added)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        limit = self.limit(scope["path"])
        try:
            self.authorize(scope, request)
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                raise TooLarge(self._too_large(limit, scope["path"]))
        except DomainError as exc:
            await _answer(request, exc, scope, receive, send)
            return
        await self._limited(scope, receive, send, limit)

    def limit(self, path: str) -> int:
        if path in IMPORT_PATHS:
            return self.settings.max_import_bytes
        return self.settings.max_body_bytes

    @staticmethod
    def _too_large(limit: int, path: str) -> str:
        setting = (
            "GRAPH_SERVICE_MAX_IMPORT_BYTES"
            if path in IMPORT_PATHS
            else "GRAPH_SERVICE_MAX_BODY_BYTES"
        )
        return f"the request body is larger than the limit of {limit} bytes ({setting})"

    def authorize(self, scope: Scope, request: Request) -> None:
        """The role check of the route the request goes to, from the headers alone."""
        if not self.keys.configured:
            return
        needed = self._needed_role(scope)
        if needed is not None:
            key = presented_key(
                request.headers.get("x-api-key"), request.headers.get("authorization")
            )
            self.keys.authorize(key, needed)

    def _needed_role(self, scope: Scope) -> Role | None:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                for dependency in getattr(route, "dependencies", ()):
                    role = getattr(dependency.dependency, "needed_role", None)
                    if role is not None:
                        return role
                return None
        return None  # no route: the app answers 404 or 405 without reading the body

    async def _limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        cut = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, cut
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if cut and not started:
                return  # the app's answer to a cut body is replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not cut:
                raise
        if cut and not started:
            exc = TooLarge(self._too_large(limit, scope["path"]))
            await _answer(Request(scope), exc, scope, receive, send)


def _has_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-length" and value != b"0":
            return True
        if name == b"transfer-encoding":
            return True
    return False


async def _answer(
    request: Request, exc: DomainError, scope: Scope, receive: Receive, send: Send
) -> None:
    response = domain_problem(request, exc)
    if isinstance(exc, TooLarge):
        response.headers["Connection"] = "close"  # the rest of the body stays unread
    await response(scope, receive, send)


# --- time --------------------------------------------------------------------------------

#: The workers running now, for :func:`cancel_all` at shutdown.
_workers: weakref.WeakSet[_Worker] = weakref.WeakSet()


class _Worker:
    """``work()`` in a daemon thread under a deadline; :meth:`cancel` stops it."""

    def __init__(self, work: Callable[[], Any], when: float, release: Callable[[], None]) -> None:
        self._loop = asyncio.get_running_loop()
        self._release = release
        self.future: asyncio.Future[Any] = self._loop.create_future()
        self._running = False
        self.guard = deadline.Guard()
        self._thread = threading.Thread(
            target=self._run, args=(work, when), name="graph-service-analysis", daemon=True
        )

    def start(self) -> None:
        _workers.add(self)
        self._running = True
        self._thread.start()

    def _run(self, work: Callable[[], Any], when: float) -> None:
        outcome: tuple[Any, BaseException | None]
        try:
            try:
                outcome = (copy_context().run(_under, work, when, self.guard), None)
            finally:
                self._running = False
        except BaseException as exc:  # Cancelled included: hand it over, end the thread
            outcome = (None, exc)
        # the loop may have closed (shutdown): then nobody waits any more
        with contextlib.suppress(BaseException):
            self._loop.call_soon_threadsafe(self._settle, outcome)
            # the slot is free only now: a cancelled work holds its memory until it ends
            self._loop.call_soon_threadsafe(self._release)

    def _settle(self, outcome: tuple[Any, BaseException | None]) -> None:
        if self.future.done():
            return
        result, error = outcome
        if error is None:
            self.future.set_result(result)
        else:
            self.future.set_exception(error)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def cancel(self) -> None:
        """Stop the work: Cancelled at its next Python instruction, or when it leaves
        the Neo4j driver (see deadline.Guard)."""
        self.guard.cancel(self._raise_in_thread)

    def _raise_in_thread(self) -> None:
        ident = self._thread.ident
        if not self._running or ident is None:
            return
        if _importing(ident):
            # raised inside an import, Cancelled would leave that module half-initialised
            # for the rest of the process: try again once the import is done
            retry = threading.Timer(IMPORT_RETRY_S, self.cancel)
            retry.daemon = True
            retry.start()
            return
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(ident), ctypes.py_object(deadline.Cancelled)
        )


#: How long a cancellation waits before trying again when the work is importing a module.
IMPORT_RETRY_S = 0.01


def _importing(ident: int) -> bool:
    """Whether the thread ``ident`` is inside an import (a frame of importlib's bootstrap
    on its stack). The known heavy imports are shielded where they happen (numba in
    metrics/_kernels.py, openpyxl in the export, :data:`_HEAVY_MODULES` here); this
    catches any other, such as a library's lazy import of a standard module."""
    frame = sys._current_frames().get(ident)
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


#: Imported before the first analysis, shielded: an import that Cancelled interrupts
#: leaves its module half-initialised for the rest of the process.
_HEAVY_MODULES = (
    "numpy",
    "scipy.sparse",
    "networkx",
    "graph_service.metrics.suite",
    "graph_service.maps",
    "graph_service.reports",
    "graph_service.services.steering.privacy",
)
_preloaded = False


def _preload() -> None:
    global _preloaded
    if not _preloaded:
        import importlib

        with deadline.shielded():
            for name in _HEAVY_MODULES:
                importlib.import_module(name)
        _preloaded = True


def _under(work: Callable[[], T], when: float, guard: deadline.Guard) -> T:
    with deadline.until(when), deadline.guarded(guard):
        _preload()
        return work()


def cancel_all() -> None:
    """Cancel every analysis still running (the server is shutting down)."""
    for worker in list(_workers):
        worker.cancel()


def running() -> int:
    """How many analysis workers are alive (cancelled ones until they have stopped)."""
    return sum(1 for worker in list(_workers) if worker.alive)


async def _client_gone(request: Request) -> None:
    """Returns when the client disconnects. Only for requests whose body is read already
    (the analysis routes are GETs): it takes the messages that follow the body."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def _gate(state: Any, size: int) -> asyncio.Semaphore:
    gate: asyncio.Semaphore | None = getattr(state, "analysis_gate", None)
    if gate is None:
        gate = state.analysis_gate = asyncio.Semaphore(size)
    return gate


async def _wait(task: asyncio.Future[Any], gone: asyncio.Task[None], when: float) -> str:
    """Wait for ``task``; "done", "gone" (the client left) or "late" (the deadline)."""
    left = max(when - time.monotonic(), 0.0)
    done, _ = await asyncio.wait({task, gone}, timeout=left, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        return "done"
    return "gone" if gone in done else "late"


async def run_bounded(request: Request, work: Callable[[], T], what: str) -> T | Response:
    """``work()`` under the analysis time limit, cancelled when the limit passes or the
    client leaves; 504 (TimedOut) past the limit."""
    settings: Settings = request.app.state.settings
    limit = settings.analysis_timeout
    when = time.monotonic() + limit
    gate = _gate(request.app.state, settings.analysis_concurrency)
    gone = asyncio.ensure_future(_client_gone(request))
    worker: _Worker | None = None
    acquire = asyncio.ensure_future(gate.acquire())
    try:
        outcome = await _wait(acquire, gone, when)
        if outcome == "done":
            worker = _Worker(work, when, gate.release)
            worker.start()
            outcome = await _wait(worker.future, gone, when)
        if outcome == "done":
            return worker.future.result() if worker else None  # type: ignore[return-value]
    finally:
        gone.cancel()
        if not acquire.done():
            acquire.cancel()
        elif worker is None and not acquire.cancelled():
            gate.release()  # acquired, never used (the client left at once)
        if worker is not None and not worker.future.done():
            worker.cancel()  # also when this request is cancelled (shutdown)
    if outcome == "gone":
        log.info("%s: the client left; the work was cancelled", what)
        return Response(status_code=499)  # nobody reads it
    raise TimedOut(
        f"{what} did not finish within the limit of {limit:g} s (ANALYSIS_TIMEOUT)",
        errors=[{"record": "setting", "field": "ANALYSIS_TIMEOUT", "message": f"{limit:g} s"}],
    )


def bounded(what: str) -> Callable[[Callable[..., T]], Callable[..., Awaitable[T | Response]]]:
    """Turn a blocking route function into one whose work runs under :func:`run_bounded`.

    The wrapper has the route's own parameters (annotations resolved, so FastAPI reads
    them as before) plus the request, all keyword-only, as FastAPI passes them."""

    def decorate(endpoint: Callable[..., T]) -> Callable[..., Awaitable[T | Response]]:
        hints = get_type_hints(endpoint, include_extras=True)
        signature = inspect.signature(endpoint)
        parameters = [
            p.replace(
                kind=inspect.Parameter.KEYWORD_ONLY, annotation=hints.get(p.name, p.annotation)
            )
            for p in signature.parameters.values()
        ]
        parameters.append(
            inspect.Parameter("bounded_request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        )

        @functools.wraps(endpoint)
        async def run(*, bounded_request: Request, **kwargs: Any) -> T | Response:
            return await run_bounded(bounded_request, functools.partial(endpoint, **kwargs), what)

        run.time_limited = True  # type: ignore[attr-defined]  # its 504 goes in the OpenAPI
        run.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=parameters,
            return_annotation=hints.get("return", signature.return_annotation),
        )
        return run

    return decorate
