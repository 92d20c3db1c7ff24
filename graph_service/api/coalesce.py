"""Read coalescing: the node reads (or ego networks) that concurrent requests ask for
while a query is running go to Neo4j together, in one query, when it ends.

Under load most of a small read's cost is the round trip through the driver, not the
work in Neo4j: one ``UNWIND $ids`` query for 20 nodes costs about as much client time as
one for a single node (0.13 ms a node against 0.66 ms measured on the bench machine).
A request alone is not delayed: with nothing running, its query starts at once. The
answers are the same as those of one query per request (each is a read of committed
data at the time its query runs).

One :class:`Coalescer` per kind of read and per app (it lives on the app's event loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from starlette.concurrency import run_in_threadpool

from graph_service.errors import LimitExceeded
from graph_service.filters import TieFilter
from graph_service.model import Node
from graph_service.services import nodes, paths
from graph_service.services.paths import EgoRecord, FoundPaths
from graph_service.services.runtime import Runtime

K = TypeVar("K", bound=Hashable)
T = TypeVar("T", bound=Hashable)
V = TypeVar("V")


class Coalescer(Generic[K, V]):
    """Gathers keys and fetches them in batches with ``fetch(keys) -> {key: value}``
    (a blocking call, run in the thread pool); a key it leaves out gets None.

    At most ``max_in_flight`` fetches run at once and each takes at most ``max_batch``
    keys. An error in a fetch goes to every request of that batch, but a server limit
    passed (:func:`each_alone_past_a_limit`): then only the requests too big for it
    alone get it.
    """

    def __init__(
        self,
        fetch: Callable[[Sequence[K]], Mapping[K, V]],
        max_batch: int = 64,
        max_in_flight: int = 2,
    ) -> None:
        if max_batch < 1 or max_in_flight < 1:
            raise ValueError("max_batch and max_in_flight must be at least 1")
        self._fetch = fetch
        self._max_batch = max_batch
        self._max_in_flight = max_in_flight
        self._waiting: dict[K, list[asyncio.Future[V | None]]] = {}
        self._in_flight = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def get(self, key: K) -> V | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[V | None] = loop.create_future()
        self._waiting.setdefault(key, []).append(future)
        if self._in_flight < self._max_in_flight:
            self._in_flight += 1
            task = loop.create_task(self._drain())
            self._tasks.add(task)  # a strong reference until it ends
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self) -> None:
        """Fetch batches until no key is waiting. Runs on the event loop, like ``get``:
        the checks and updates of the waiting keys need no lock."""
        try:
            while self._waiting:
                keys = list(self._waiting)[: self._max_batch]
                batch = {key: self._waiting.pop(key) for key in keys}
                try:
                    found = await run_in_threadpool(each_alone_past_a_limit, self._fetch, keys)
                except BaseException as exc:
                    for futures in batch.values():
                        for future in futures:
                            if not future.done():
                                future.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                    continue
                for key, futures in batch.items():
                    value = found.get(key)
                    for future in futures:
                        if future.done():  # its request may have gone
                            continue
                        if isinstance(value, Exception):
                            future.set_exception(value)
                        else:
                            future.set_result(value)
        finally:
            self._in_flight -= 1


#: A node read: (network, id); an ego network: (network, radius, filter, id); k shortest
#: paths: (network, max_length, k, filter, source, target).
FilterKey = tuple[tuple[str, Any], ...]
NodeKey = tuple[str, str]
EgoKey = tuple[str, int, FilterKey, str]
PathsKey = tuple[str, int, int, FilterKey, str, str]


def _filter_key(params: Mapping[str, Any]) -> FilterKey:
    """A tie filter's ``$f_*`` parameters as a hashable key (lists as tuples)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _filter_params(key: FilterKey) -> dict[str, Any]:
    """The parameters of :func:`_filter_key`'s key (tuples as lists again)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in key}


def each_alone_past_a_limit(
    fetch: Callable[[Sequence[T]], Mapping[T, V]], items: Sequence[T]
) -> dict[T, V | Exception]:
    """``fetch(items)`` (one query); when that query passes a limit of the server (its
    time, its memory), each item is fetched again alone, so that only a request too big
    for the limit by itself fails (its value is the error), not the others that shared
    its query. Other errors reach the caller."""
    try:
        return dict(fetch(items))
    except LimitExceeded as exc:
        if len(items) == 1:
            return {items[0]: exc}
    found: dict[T, V | Exception] = {}
    for item in items:
        try:
            found.update(fetch([item]))
        except LimitExceeded as exc:
            found[item] = exc
    return found


class Reads:
    """The app's coalesced reads: single nodes, ego networks and k shortest paths (the hot
    reads). Keys carry the network, and each fetch reads one network (a view of the app's
    runtime)."""

    def __init__(self, services: Runtime) -> None:
        self._services = services
        self.nodes: Coalescer[NodeKey, Node] = Coalescer(self._fetch_nodes)
        self.egos: Coalescer[EgoKey, EgoRecord] = Coalescer(self._fetch_egos)
        # a path search costs more than a node read: fewer requests share one
        self.paths: Coalescer[PathsKey, FoundPaths] = Coalescer(self._fetch_paths, max_batch=16)

    async def node(self, network: str, node_id: str) -> Node | None:
        return await self.nodes.get((network, node_id))

    async def ego(
        self, network: str, filters: TieFilter, node_id: str, radius: int
    ) -> EgoRecord | None:
        return await self.egos.get((network, radius, _filter_key(filters.params()), node_id))

    async def k_shortest_paths(
        self, network: str, filters: TieFilter, source: str, target: str, k: int, max_length: int
    ) -> FoundPaths:
        """:func:`graph_service.services.paths.paths_of` of one pair, in a query shared with
        the paths requests of the same filter, ``k`` and length meanwhile."""
        params = _filter_key(paths.path_filter_params(filters))
        found = await self.paths.get((network, max_length, k, params, source, target))
        assert found is not None  # every pair of a fetch gets an answer
        return found

    def _fetch_nodes(self, keys: Sequence[NodeKey]) -> dict[NodeKey, Node]:
        """One query per network among ``keys``: usually one."""
        by_network: dict[str, list[str]] = {}
        for network, node_id in keys:
            by_network.setdefault(network, []).append(node_id)
        found: dict[NodeKey, Node] = {}
        for network, ids in by_network.items():
            got = nodes.nodes_by_id(self._services.on(network), ids)
            found.update({(network, i): node for i, node in got.items()})
        return found

    def _fetch_egos(self, keys: Sequence[EgoKey]) -> dict[EgoKey, EgoRecord]:
        """One query per (network, radius, filter) among ``keys``: usually one."""
        groups: dict[tuple[str, int, FilterKey], list[str]] = {}
        for network, radius, params, node_id in keys:
            groups.setdefault((network, radius, params), []).append(node_id)
        found: dict[EgoKey, EgoRecord] = {}
        for (network, radius, params), ids in groups.items():
            services = self._services.on(network)
            egos = paths.ego_networks(services, _filter_params(params), ids, radius)
            found.update({(network, radius, params, i): ego for i, ego in egos.items()})
        return found

    def _fetch_paths(self, keys: Sequence[PathsKey]) -> dict[PathsKey, FoundPaths]:
        """One query per (network, max_length, k, filter) among ``keys``: usually one."""
        groups: dict[tuple[str, int, int, FilterKey], list[tuple[str, str]]] = {}
        for network, max_length, k, params, source, target in keys:
            groups.setdefault((network, max_length, k, params), []).append((source, target))
        found: dict[PathsKey, FoundPaths] = {}
        for (network, max_length, k, params), pairs in groups.items():
            services = self._services.on(network)
            got = paths.paths_of(services, _filter_params(params), pairs, k, max_length)
            found.update({(network, max_length, k, params, *pair): f for pair, f in got.items()})
        return found
