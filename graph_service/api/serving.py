"""Serving the API: one process, or several workers that each listen on a socket of their
own (``SO_REUSEPORT``) so that the kernel spreads the connections evenly among them.

With uvicorn's own ``--workers`` every worker accepts from one shared socket, and the one
awake first takes most of a burst of connections: 32 keep-alive clients connecting at
once ended up 27 on one worker and 5 on the other, so one process did nearly all the
work while the other idled. Each worker's own ``SO_REUSEPORT`` socket makes the kernel
hash each new connection to one of them. Where the platform lacks ``SO_REUSEPORT``
(Windows) the shared socket of uvicorn is used.

The supervisor here starts the workers, restarts one that dies (unless it dies while
starting, which stops the server with the worker's error), and stops them all on
SIGINT or SIGTERM, waiting for their requests in flight up to
``GRAPH_SERVICE_SHUTDOWN_TIMEOUT`` seconds; then uvicorn cancels what still runs, and
the analyses in their worker threads are cancelled with it (api/limits.py).
"""

from __future__ import annotations

import errno
import multiprocessing
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

from graph_service.config import Settings
from graph_service.errors import Invalid

APP = "graph_service.api.app:create_app"
#: A worker that exits sooner than this after its start failed to start.
START_GRACE_S = 10.0


def serve(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    announce: Callable[[], None] = lambda: None,
) -> None:
    """Serve the API on ``host:port`` with ``workers`` processes, until stopped;
    ``announce`` runs once the port is known to be free (the CLI prints the address).
    One worker serves the app of ``settings``; several each build theirs from the
    environment, as ``create_app()`` does (the CLI passes those same settings)."""
    import uvicorn

    check_free(host, port)
    announce()
    if workers == 1:
        from graph_service.api.app import create_app

        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=settings.shutdown_timeout,
        )
    elif not hasattr(socket, "SO_REUSEPORT"):  # pragma: no cover - Windows
        uvicorn.run(
            APP,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            timeout_graceful_shutdown=settings.shutdown_timeout,
        )
    else:
        _supervise(settings, host, port, workers)


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def check_free(host: str, port: int) -> None:
    """A clear error when something listens on the port already. The probe binds without
    SO_REUSEPORT, so it also fails when another server of ours holds the port (workers'
    sockets would otherwise join its group and share its connections)."""
    probe = socket.socket(_family(host), socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise Invalid(
                f"port {port} on {host} is in use: stop what serves there or choose another --port"
            ) from None
        raise Invalid(f"cannot bind {host}:{port}: {exc.strerror or exc}") from None
    finally:
        probe.close()


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int) -> None:  # pragma: no cover - runs in a child process
    import uvicorn

    from graph_service.config import get_settings

    config = uvicorn.Config(
        APP,
        factory=True,
        log_level="warning",
        timeout_graceful_shutdown=get_settings().shutdown_timeout,
    )
    uvicorn.Server(config).run(sockets=[_listen(host, port)])


def _supervise(settings: Settings, host: str, port: int, workers: int) -> None:
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start() -> tuple[multiprocessing.process.BaseProcess, float]:
        process = context.Process(target=_worker, args=(host, port), name="graph-service-worker")
        process.start()
        return process, time.monotonic()

    running = [start() for _ in range(workers)]
    failure: str | None = None
    try:
        while not stop.wait(0.5):
            for index, (process, started) in enumerate(running):
                if process.exitcode is None:
                    continue
                if time.monotonic() - started < START_GRACE_S:
                    failure = f"a worker exited while starting (exit code {process.exitcode})"
                    stop.set()
                    break
                print(
                    f"worker {process.pid} exited (code {process.exitcode}); starting another",
                    file=sys.stderr,
                )
                running[index] = start()
    finally:
        for process, _ in running:
            if process.exitcode is None:
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for process, _ in running:
            # within the shutdown timeout the worker cuts what is still running
            process.join(settings.shutdown_timeout + 10)
            if process.exitcode is None:
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failure:
        raise Invalid(failure)
