"""The read coalescer: concurrent reads share a query, answers stay per key, errors
reach every request of their batch, and a lone request goes at once."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from graph_service.api.coalesce import Coalescer, each_alone_past_a_limit
from graph_service.errors import QueryTimedOut, Unavailable

T = TypeVar("T")


def run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(main())`` in a thread of its own: the browser tests' Playwright keeps
    an event loop running in the main thread, where ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(main())).result()


class Recorder:
    """A fetch that doubles its keys, records its batches and can be slowed or failed."""

    def __init__(self, delay: float = 0.0, fail_on: str | None = None) -> None:
        self.batches: list[list[str]] = []
        self.delay = delay
        self.fail_on = fail_on
        self.lock = threading.Lock()

    def __call__(self, keys: Sequence[str]) -> dict[str, str]:
        with self.lock:
            self.batches.append(list(keys))
        time.sleep(self.delay)
        if self.fail_on in keys:
            raise Unavailable("Neo4j is not reachable")
        return {k: k * 2 for k in keys if not k.startswith("missing")}


def test_a_lone_read_is_fetched_alone_and_at_once() -> None:
    fetch = Recorder()

    async def main() -> str | None:
        return await Coalescer(fetch).get("a")

    t0 = time.perf_counter()
    assert run(main) == "aa"
    assert fetch.batches == [["a"]]
    assert time.perf_counter() - t0 < 1.0


def test_concurrent_reads_share_queries_and_get_their_own_answers() -> None:
    fetch = Recorder(delay=0.05)
    keys = [f"k{i}" for i in range(40)] + ["k1", "k1", "missing-x"]

    async def main() -> list[str | None]:
        coalescer: Coalescer[str, str] = Coalescer(fetch, max_batch=16, max_in_flight=2)
        return await asyncio.gather(*(coalescer.get(k) for k in keys))

    answers = run(main)
    assert answers == [k * 2 for k in keys[:-1]] + [None]
    fetched = [k for batch in fetch.batches for k in batch]
    # every distinct key fetched exactly once, in batches of at most 16
    assert sorted(fetched) == sorted(set(keys))
    assert all(len(batch) <= 16 for batch in fetch.batches)
    assert len(fetch.batches) < len(set(keys)) / 4


def test_reads_arriving_during_a_fetch_wait_for_the_next_batch() -> None:
    fetch = Recorder(delay=0.1)

    async def main() -> list[str | None]:
        coalescer: Coalescer[str, str] = Coalescer(fetch, max_in_flight=1)
        first = asyncio.ensure_future(coalescer.get("a"))
        await asyncio.sleep(0.03)  # the first fetch is running
        later = [asyncio.ensure_future(coalescer.get(k)) for k in ("b", "c", "d")]
        return [await first, *[await f for f in later]]

    assert run(main) == ["aa", "bb", "cc", "dd"]
    assert fetch.batches == [["a"], ["b", "c", "d"]]


def test_an_error_reaches_every_request_of_its_batch_and_no_other() -> None:
    fetch = Recorder(delay=0.05, fail_on="bad")

    async def main() -> list[object]:
        coalescer: Coalescer[str, str] = Coalescer(fetch, max_in_flight=1)
        first = asyncio.ensure_future(coalescer.get("good"))
        await asyncio.sleep(0.01)
        batch = [asyncio.ensure_future(coalescer.get(k)) for k in ("bad", "x")]
        results = await asyncio.gather(first, *batch, return_exceptions=True)
        # the coalescer still works after a failed batch
        results.append(await coalescer.get("y"))
        return results

    first, bad, x, after = run(main)
    assert first == "goodgood"
    assert isinstance(bad, Unavailable) and isinstance(x, Unavailable)
    assert after == "yy"


def test_a_query_past_a_limit_fails_only_the_request_too_big_for_it() -> None:
    """A batch whose shared query passes the server's time (or memory) limit is asked
    again item by item (the coalescer does it for every read): the request that passes
    it alone gets the error, the others that shared its query their answers; any other
    error still reaches the whole batch."""
    asked: list[list[str]] = []

    def fetch(keys: Sequence[str]) -> dict[str, str]:
        asked.append(list(keys))
        if "slow" in keys:
            raise QueryTimedOut("the path search ran past its time limit (QUERY_TIMEOUT)")
        if "down" in keys:
            raise Unavailable("Neo4j is not answering")
        return {k: k * 2 for k in keys if k != "missing"}

    found = each_alone_past_a_limit(fetch, ["a", "slow", "missing", "b"])
    assert found["a"] == "aa" and found["b"] == "bb" and "missing" not in found
    assert isinstance(found["slow"], QueryTimedOut)
    assert asked == [["a", "slow", "missing", "b"], ["a"], ["slow"], ["missing"], ["b"]]
    asked.clear()
    assert each_alone_past_a_limit(fetch, ["a", "b"]) == {"a": "aa", "b": "bb"}
    assert asked == [["a", "b"]]  # no limit passed: one query
    lone = each_alone_past_a_limit(fetch, ["slow"])
    assert isinstance(lone["slow"], QueryTimedOut)
    with pytest.raises(Unavailable):
        each_alone_past_a_limit(fetch, ["a", "down"])

    async def main() -> list[object]:
        coalescer: Coalescer[str, str] = Coalescer(fetch, max_in_flight=1)
        first = asyncio.ensure_future(coalescer.get("first"))
        await asyncio.sleep(0)
        batch = [asyncio.ensure_future(coalescer.get(k)) for k in ("c", "slow", "d")]
        return await asyncio.gather(first, *batch, return_exceptions=True)

    first, c, slow, d = run(main)
    assert (first, c, d) == ("firstfirst", "cc", "dd")
    assert isinstance(slow, QueryTimedOut)


def test_a_request_that_goes_away_does_not_break_the_others() -> None:
    fetch = Recorder(delay=0.05)

    async def main() -> str | None:
        coalescer: Coalescer[str, str] = Coalescer(fetch, max_in_flight=1)
        gone = asyncio.ensure_future(coalescer.get("a"))
        stays = asyncio.ensure_future(coalescer.get("a"))
        await asyncio.sleep(0.01)
        gone.cancel()
        return await stays

    assert run(main) == "aa"


def test_bounds_are_checked() -> None:
    with pytest.raises(ValueError):
        Coalescer(Recorder(), max_batch=0)
    with pytest.raises(ValueError):
        Coalescer(Recorder(), max_in_flight=0)
