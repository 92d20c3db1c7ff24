"""numba kernels of the metrics layer, on CSR adjacency arrays ``indptr`` / ``indices``.

``indices[indptr[i]:indptr[i + 1]]`` are the out-neighbours of node ``i`` (both ways for
an undirected tie); :attr:`IndexedGraph.out_adjacency` and
:attr:`IndexedGraph.skeleton_adjacency` build them once per graph, and
:meth:`IndexedGraph.laid_out` renumbers them for memory locality. The kernels are
compiled on first use and cached on disk (``cache=True``); they release the GIL
(``nogil=True``), so :func:`run_chunks` runs them on several threads at once. Nothing here
is public API.

Small inputs skip numba altogether: importing it and loading the cached kernels costs
about 0.3 s of CPU at start-up, more than the metrics of a network of a few hundred
nodes take in plain Python. Each kernel is a :class:`Kernel`; ``kernel.pick(work)`` gives
the Python function itself (or a numpy equivalent) below :data:`WORK_LIMIT` inner steps,
the compiled one above. Both are the same code, so they give the same bits: the tests
compare them (``tests/unit/metrics/test_kernels.py``).
"""

from __future__ import annotations

import contextvars
import functools
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

import graph_service
from graph_service import deadline
from graph_service.metrics._core import BoolArray, FloatArray, Int32Array, IntArray

_MAX_THREADS = 8

WORK_LIMIT = 200_000
"""Inner steps (arcs read) below which a kernel runs as plain Python, not compiled: at
about 0.3 us a step, 200k steps cost about as much as loading numba."""

T = TypeVar("T")


class Kernel:
    """A numba kernel compiled (or loaded from numba's cache) on first use of a large
    input; below :data:`WORK_LIMIT` it runs as Python (``small``, by default the same
    function)."""

    def __init__(self, fn: Callable[..., Any], small: Callable[..., Any] | None = None) -> None:
        self.python = fn
        self.small = small or fn
        self._compiled: Callable[..., Any] | None = None
        self.__doc__ = fn.__doc__

    @property
    def compiled(self) -> Callable[..., Any]:
        if self._compiled is None:
            with _load_lock:  # one dispatcher, when two threads ask at once (:func:`beside`)
                if self._compiled is None:
                    self._compiled = _numba().njit(cache=True, nogil=True)(self.python)
        return self._compiled

    def pick(self, work: int) -> Callable[..., Any]:
        """The implementation for an input of ``work`` inner steps."""
        return self.small if work < WORK_LIMIT else self.compiled

    def __call__(self, *args: Any) -> Any:
        """The compiled kernel (what a caller that does not estimate its work gets)."""
        return self.compiled(*args)

    def run(
        self, work: int, items: IntArray, call: Callable[[Callable[..., Any], IntArray], T]
    ) -> list[T]:
        """``call(kernel, chunk)`` over :func:`run_chunks`' chunks of ``items``: the
        implementation :meth:`pick` gives for ``work``, on threads when compiled (it
        releases the GIL), one chunk after the other when Python. The same chunks either
        way, so sums over the parts give the same bits."""
        kernel = self.pick(work)
        return run_chunks(lambda chunk: call(kernel, chunk), items, inline=kernel is self.small)

    def run_tried(
        self, bound: int, items: IntArray, call: Callable[[Callable[..., Any], IntArray], T]
    ) -> list[T]:
        """``call(kernel, chunk)`` over ``items``, for work whose worst case (``bound``
        inner steps) is far above what it usually does: searches that stop early.

        Below :data:`WORK_LIMIT` the Python function does it all. Above, it first does a
        few items (:data:`TRIAL_ITEMS`) and times them: if the rest, at that pace, would
        take less than loading numba (:data:`NUMBA_LOAD_SECONDS`), Python does the rest
        too; otherwise the compiled kernel does, on :func:`run_chunks`' threads. Either way
        the results are the same bits (the same code), in the order of ``items``; only
        the time differs.
        """
        if bound < WORK_LIMIT:
            return [call(self.small, items)]
        trial = items[:TRIAL_ITEMS]
        started = time.perf_counter()
        first = call(self.small, trial)
        took = time.perf_counter() - started
        rest = items[trial.size :]
        if rest.size == 0:
            return [first]
        if took * rest.size / trial.size < NUMBA_LOAD_SECONDS:
            return [first, call(self.small, rest)]
        compiled = self.compiled
        return [first, *run_chunks(lambda chunk: call(compiled, chunk), rest)]


_load_lock = threading.Lock()


def load_numba() -> None:
    """Import numba and its registries now, as the first compiled kernel would (the
    command line does it while a child process reads the files)."""
    _numba()


@functools.cache
def _numba() -> Any:
    """numba, imported here rather than at start-up (0.3-1.1 s that small inputs do
    without), with the modules its first compilation or cache load imports; once per
    process (a call that a cancellation ends raises, so the next one loads it again).

    Shielded (:func:`graph_service.deadline.shielded`): an API analysis that passes its
    deadline is stopped by an exception raised at its next Python instruction, and one
    raised inside an import leaves that module half-initialised for the rest of the
    process (every later kernel then fails with "module 'numba' has no attribute
    'core'"). The cancellation takes effect once the imports are done.

    In the command line's own process numba skips its check for a BLAS, which imports
    scipy.linalg (0.3-0.4 s, a third of numba's start): the kernels use no linear
    algebra, and no other numba code runs there. A program or notebook that imports the
    package keeps the check, so that its own numba code keeps ``np.dot``.
    """
    with deadline.shielded():
        import numba
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.registry import cpu_target

        # under numba's own lock, as its compilations and cache loads refresh: refreshes
        # running at once in two threads break ("generator already executing")
        with global_compiler_lock, _blas_check_skipped(graph_service.COMMAND_LINE):
            cpu_target.target_context.refresh()  # the imports a first compilation does
    return numba


@contextmanager
def _blas_check_skipped(skip: bool) -> Iterator[None]:
    """When ``skip``: numba's check for a BLAS, made once when ``numba.np.arraymath`` is
    first imported (``_HAVE_BLAS``, by ``numba.np.linalg.ensure_blas``, which imports
    scipy.linalg), fails at once. Only numba's own function is replaced, for the block,
    under numba's compiler lock: nothing else in the process (another thread importing
    scipy.linalg, or compiling) sees a change.
    Nothing is done when arraymath is loaded already or numba has moved the check."""
    if not skip or "numba.np.arraymath" in sys.modules:
        yield
        return
    import numba.np.linalg as linalg

    check = getattr(linalg, "ensure_blas", None)
    if check is None:
        yield
        return

    def no_blas() -> None:
        raise ImportError("numba's BLAS check is skipped in the command line")

    linalg.ensure_blas = no_blas
    try:
        yield
    finally:
        linalg.ensure_blas = check


TRIAL_ITEMS = 32
"""Items :meth:`Kernel.run_tried` times in Python before choosing how to do the rest."""

NUMBA_LOAD_SECONDS = 0.3
"""What importing numba and loading the first cached kernel costs: 0.3 s measured on one
machine, 1.1 s on a slower one (the lower figure errs towards compiling)."""


def threads() -> int:
    """Worker threads for the kernels: the cores this process may use, at most 8."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, _MAX_THREADS))


def run_chunks(fn: Callable[[IntArray], T], items: IntArray, *, inline: bool = False) -> list[T]:
    """``fn(chunk)`` for consecutive chunks of ``items``, one chunk per thread.

    Results come back in chunk order, so that sums over them do not depend on the
    threads' timing. ``inline``: the same chunks one after the other in this thread (for
    Python code, which holds the GIL: threads would only take turns), so sums over the
    parts give the same bits as the threaded run.
    """
    count = min(threads(), items.size)
    if count <= 1:
        return [fn(items)]
    chunks = np.array_split(items, count)
    if inline:
        return [fn(chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(fn, chunks))


@contextmanager
def beside(fn: Callable[[threading.Event], T]) -> Iterator[Future[T]]:
    """``fn(stop)`` on a thread of its own while the block runs: its future.

    For a part of the work that leaves the GIL (numpy, the kernels) and keeps one core
    busy where the block's parts keep the other busy only part of the time. The result
    does not depend on the threads' timing. When the block ends, ``stop`` is set (``fn``
    checks it between steps and raises :class:`graph_service.deadline.Cancelled`) and
    the thread is joined: an abandoned block (an exception, an API deadline) leaves no
    work running. ``fn`` runs in a copy of the caller's context.
    """
    stop = threading.Event()
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graph-service") as pool:
        future = pool.submit(context.run, fn, stop)
        try:
            yield future
        finally:
            stop.set()


def level_scratch(n: int, symmetric: bool) -> tuple[np.ndarray, int]:
    """The ``dist`` and ``unseen`` arguments of :func:`_dependency_sum`: one byte a node
    when ``symmetric`` (levels modulo 255), else int32 (a directed graph's arcs may lead
    back to any level)."""
    dtype = np.uint8 if symmetric else np.int32
    unseen = int(np.iinfo(dtype).max)
    return np.full(n, unseen, dtype=dtype), unseen


def _dependency_sum(
    indptr: IntArray,
    indices: Int32Array,
    sources: IntArray,
    symmetric: bool,
    dist: np.ndarray,
    unseen: int,
) -> FloatArray:
    """Sum over ``sources`` of Brandes' dependencies ``delta_s(v)`` (unweighted).

    One breadth-first search per source counts shortest paths (``sigma``) level by level,
    each level's nodes kept in ascending order: the search is bound by memory latency,
    and reading the rows of ``indices`` in memory order rather than in queue order halves
    its time. A level grows top-down (the arcs out of the frontier) or, when the graph is
    ``symmetric`` (undirected) and the nodes not yet reached have fewer arcs than the
    frontier, bottom-up (each such node sums ``sigma`` over its neighbours on the
    frontier; Beamer, Asanovic & Patterson 2012): the last levels of a small-world graph
    reach few new nodes from a huge frontier. Path counts are exact integers (below
    2**53), so the order of the additions changes no bit of the result.

    The levels are then taken from the deepest up: ``delta_s(v) = sigma(v) * sum_w
    coef(w)`` over the out-neighbours ``w`` of ``v`` one level deeper (in adjacency
    order), where ``coef(w) = (1 + delta_s(w)) / sigma(w)``; a node that is no one's
    predecessor gets 0 without reading its row. The source itself gets nothing. Directed
    graphs follow arcs; an undirected graph counts every pair from both ends (halve the
    sum).

    Memory: what a search touches at random is kept small, so that a million-node graph
    stays in the caches. ``dist`` (scratch, every entry ``unseen``, see
    :func:`level_scratch`) holds each node's level modulo ``unseen`` (``unseen``: not
    reached). When ``symmetric`` it is one byte: the neighbours of a node of level ``d``
    are at levels ``d - 1`` to ``d + 1``, so the residue modulo 255 tells them apart.
    Once a level's dependencies are known, ``coef`` overwrites ``sigma`` (no longer
    needed there), and the dependencies of the level wait in a buffer in level order.
    """
    n = indptr.size - 1
    total = np.zeros(n)
    sigma = np.zeros(n)  # path counts; coef once the node's level is done
    level_delta = np.zeros(n)  # dependencies of the level under way, in level order
    parent = np.zeros(n, dtype=np.bool_)  # a predecessor of some node (on a shortest path)
    order = np.empty(n, dtype=np.int32)  # nodes by (level, index)
    bounds = np.empty(n + 2, dtype=np.int64)  # level d is order[bounds[d]:bounds[d + 1]]
    bits = np.zeros(n // 64 + 1, dtype=np.uint64)  # a big level's nodes, to list them sorted
    big_level = max(n // 256, 1)
    all_arcs = indptr[n]
    for s in sources:
        sigma[s] = 1.0
        dist[s] = 0
        order[0] = s
        bounds[0] = 0
        bounds[1] = 1
        levels = 1
        tail = 1
        reached_arcs = indptr[s + 1] - indptr[s]  # arcs out of the nodes reached so far
        frontier_arcs = reached_arcs
        while bounds[levels] > bounds[levels - 1]:
            lo = bounds[levels - 1]
            hi = bounds[levels]
            d = levels % unseen
            if symmetric and all_arcs - reached_arcs < frontier_arcs:
                for y in range(n):  # bottom-up: ascending order for free
                    if dist[y] != unseen:
                        continue
                    sy = 0.0
                    for p in range(indptr[y], indptr[y + 1]):
                        x = indices[p]
                        # reached neighbours of a node not reached are on the frontier
                        if dist[x] != unseen:
                            sy += sigma[x]
                            parent[x] = True
                    if sy > 0.0:
                        sigma[y] = sy
                        order[tail] = y
                        tail += 1
                for i in range(hi, tail):
                    dist[order[i]] = d
            else:
                for i in range(lo, hi):
                    x = order[i]
                    sx = sigma[x]
                    has_child = False
                    for p in range(indptr[x], indptr[x + 1]):
                        y = indices[p]
                        dy = dist[y]
                        if dy == unseen:
                            dist[y] = d
                            order[tail] = y
                            tail += 1
                            sigma[y] = sx
                            has_child = True
                        elif dy == d:
                            sigma[y] += sx
                            has_child = True
                    parent[x] = has_child
                if tail - hi > big_level:  # sorted through a bitmap of the nodes
                    for i in range(hi, tail):
                        y = order[i]
                        bits[y >> 6] |= np.uint64(1) << np.uint64(y & 63)
                    k = hi
                    for w in range(bits.size):
                        word = bits[w]
                        if word == 0:
                            continue
                        bits[w] = 0
                        for b in range(64):
                            if (word >> np.uint64(b)) & np.uint64(1):
                                order[k] = (w << 6) + b
                                k += 1
                else:
                    order[hi:tail].sort()
            frontier_arcs = 0
            for i in range(hi, tail):
                y = order[i]
                frontier_arcs += indptr[y + 1] - indptr[y]
            reached_arcs += frontier_arcs
            levels += 1
            bounds[levels] = tail
        # levels - 1 is empty; level 0 is the source, which gets nothing
        for level in range(levels - 2, 0, -1):
            lo = bounds[level]
            hi = bounds[level + 1]
            below = (level + 1) % unseen
            for i in range(lo, hi):
                x = order[i]
                if not parent[x]:
                    level_delta[i] = 0.0
                    continue
                acc = 0.0
                for p in range(indptr[x], indptr[x + 1]):
                    y = indices[p]
                    if dist[y] == below:
                        acc += sigma[y]  # coef of y: its level is done
                level_delta[i] = sigma[x] * acc
            for i in range(lo, hi):
                x = order[i]
                sigma[x] = (1.0 + level_delta[i]) / sigma[x]
                total[x] += level_delta[i]
        for j in range(tail):
            x = order[j]
            sigma[x] = 0.0
            dist[x] = unseen
            parent[x] = False
    return total


def _dependency_sum_lists(
    indptr: IntArray,
    indices: Int32Array,
    sources: IntArray,
    symmetric: bool,
    dist: np.ndarray,
    unseen: int,
) -> FloatArray:
    """:func:`_dependency_sum` for small inputs, on Python lists (the compiled kernel's
    array code runs some five times slower as Python than this).

    The same bits: path counts are exact integers, and the floating-point steps are the
    kernel's, in its order: for each source, levels from the deepest up, each level's
    nodes in ascending order, ``acc`` summed over a node's out-neighbours one level deeper
    in adjacency order, ``delta = sigma * acc``, ``coef = (1 + delta) / sigma``, and
    ``total[v] += delta`` source after source. ``symmetric``, ``dist`` and ``unseen`` are
    the kernel's scratch arguments (unused here).
    """
    n = indptr.size - 1
    ptr: list[int] = indptr.tolist()
    adj: list[int] = indices.tolist()
    total = [0.0] * n
    for s in sources.tolist():
        level = [-1] * n
        sigma = [0.0] * n
        level[s] = 0
        sigma[s] = 1.0
        levels = [[s]]
        while True:
            depth = len(levels)
            reached: list[int] = []
            for x in levels[-1]:
                sx = sigma[x]
                for y in adj[ptr[x] : ptr[x + 1]]:
                    if level[y] < 0:
                        level[y] = depth
                        reached.append(y)
                        sigma[y] = sx
                    elif level[y] == depth:
                        sigma[y] += sx
            if not reached:
                break
            reached.sort()
            levels.append(reached)
        coef = sigma  # a node's coef replaces its path count once its level is done
        for depth in range(len(levels) - 1, 0, -1):
            deltas = []
            for x in levels[depth]:
                acc = 0.0
                for y in adj[ptr[x] : ptr[x + 1]]:
                    if level[y] == depth + 1:
                        acc += coef[y]
                deltas.append(sigma[x] * acc)
            for x, delta in zip(levels[depth], deltas, strict=True):
                coef[x] = (1.0 + delta) / sigma[x]
                total[x] += delta
    return np.array(total, dtype=np.float64)


def _tie_spans(indptr: IntArray, indices: Int32Array, u: IntArray, v: IntArray) -> IntArray:
    """Distance between ``u[e]`` and ``v[e]`` without the tie ``u[e] - v[e]``; -1: none.

    ``indptr`` / ``indices`` must be symmetric (an undirected adjacency). Bidirectional
    breadth-first search, one tie at a time, growing a whole level of the side with the
    smaller frontier. Before a level grows, the balls of radius ``du`` around ``u`` and
    ``dv`` around ``v`` are disjoint, so the distance is at least ``du + dv + 1``; the
    first node of the new level already seen from the other side closes a path of exactly
    that length, and the search stops there. It stops with -1 when a side runs out.
    Because the balls stay disjoint, one array of stamps (``2e + 1`` from ``u[e]``, ``2e +
    2`` from ``v[e]``, int32 to halve the random memory traffic) marks both sides.
    """
    n = indptr.size - 1
    m = u.size
    out = np.full(m, -1, dtype=np.int64)
    seen = np.zeros(n, dtype=np.int32)
    queue_u = np.empty(n, dtype=np.int32)
    queue_v = np.empty(n, dtype=np.int32)
    stamp = 0
    for e in range(m):
        if stamp >= 2**30:  # int32 stamps run out: start again from a clean array
            seen[:] = 0
            stamp = 0
        a = u[e]
        b = v[e]
        su = np.int32(stamp + 1)
        sv = np.int32(stamp + 2)
        stamp += 2
        seen[a] = su
        seen[b] = sv
        queue_u[0] = a
        queue_v[0] = b
        lo_u, hi_u, lo_v, hi_v = 0, 1, 0, 1
        du = 0
        dv = 0
        found = -1
        while found < 0 and lo_u < hi_u and lo_v < hi_v:
            if hi_u - lo_u <= hi_v - lo_v:
                end = hi_u
                for i in range(lo_u, end):
                    x = queue_u[i]
                    for p in range(indptr[x], indptr[x + 1]):
                        y = indices[p]
                        sy = seen[y]
                        if sy == su or (x == a and y == b):
                            continue
                        if sy == sv:
                            found = du + 1 + dv
                            break
                        seen[y] = su
                        queue_u[hi_u] = y
                        hi_u += 1
                    if found >= 0:
                        break
                lo_u = end
                du += 1
            else:
                end = hi_v
                for i in range(lo_v, end):
                    x = queue_v[i]
                    for p in range(indptr[x], indptr[x + 1]):
                        y = indices[p]
                        sy = seen[y]
                        if sy == sv or (x == b and y == a):
                            continue
                        if sy == su:
                            found = du + dv + 1
                            break
                        seen[y] = sv
                        queue_v[hi_v] = y
                        hi_v += 1
                    if found >= 0:
                        break
                lo_v = end
                dv += 1
        out[e] = found
    return out


def _same_label_counts(
    rows: IntArray, u: Int32Array, v: Int32Array, share: BoolArray, lab: np.ndarray
) -> IntArray:
    """For each labelling ``rows[r]``: the ties ``u[e] - v[e]`` whose ends share a group.

    ``share[x, y]`` tells whether label sets ``x`` and ``y`` share a group; an empty
    ``share`` means a proper partition (equal labels share). ``lab`` is scratch space of
    ``rows.shape[1]`` entries whose (small) integer type holds every label: a compact copy
    of the row keeps the random reads in cache. A flat loop over the ties (sorted by
    ``u``) runs about twice as fast as one over CSR rows.
    """
    out = np.zeros(rows.shape[0], dtype=np.int64)
    proper = share.shape[0] == 0
    for r in range(rows.shape[0]):
        for i in range(rows.shape[1]):
            lab[i] = rows[r, i]
        count = 0
        if proper:
            for e in range(u.size):
                count += lab[u[e]] == lab[v[e]]
        else:
            for e in range(u.size):
                count += share[lab[u[e]], lab[v[e]]]
        out[r] = count
    return out


def _pair_positions(starts: IntArray, ends: IntArray, i: IntArray, j: IntArray) -> IntArray:
    """Position of the pair ``{i[q], j[q]}`` among pairs ``(a, b)`` with ``a < b`` sorted by
    ``(a, b)``, where ``ends[starts[a]:starts[a + 1]]`` are the ``b`` of ``a``; -1: absent.

    A binary search in the (short) run of the smaller end, instead of one over all pairs:
    two cache misses a query instead of about twenty.
    """
    out = np.empty(i.size, dtype=np.int64)
    for q in range(i.size):
        a = i[q]
        b = j[q]
        if a > b:
            a, b = b, a
        lo = starts[a]
        hi = starts[a + 1]
        while lo < hi:
            mid = (lo + hi) >> 1
            if ends[mid] < b:
                lo = mid + 1
            else:
                hi = mid
        out[q] = lo if lo < starts[a + 1] and ends[lo] == b else -1
    return out


def _same_label_counts_numpy(
    rows: IntArray, u: Int32Array, v: Int32Array, share: BoolArray, lab: np.ndarray
) -> IntArray:
    """:func:`_same_label_counts` with numpy (integer counts: the same numbers)."""
    a, b = rows[:, u], rows[:, v]
    same = (a == b) if share.shape[0] == 0 else share[a, b]
    return same.sum(axis=1, dtype=np.int64)


def _pair_positions_numpy(starts: IntArray, ends: IntArray, i: IntArray, j: IntArray) -> IntArray:
    """:func:`_pair_positions` with one binary search over all pairs (same positions)."""
    n = starts.size - 1
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(starts))
    keys = owner * n + ends
    a, b = np.minimum(i, j), np.maximum(i, j)
    query = a * n + b
    pos = np.searchsorted(keys, query)
    found = pos < keys.size
    found[found] = keys[pos[found]] == query[found]
    return np.where(found, pos, -1).astype(np.int64)


def _stable_order(keys: IntArray, k: int) -> IntArray:
    """``np.argsort(keys, kind="stable")`` for integer keys in ``[0, k)``: a counting sort,
    O(m + k) instead of numpy's merge sort (O(m log m), about 2 s for 20M keys)."""
    start = np.zeros(k + 1, dtype=np.int64)
    for e in range(keys.size):
        start[keys[e] + 1] += 1
    for x in range(k):
        start[x + 1] += start[x]
    out = np.empty(keys.size, dtype=np.int64)
    for e in range(keys.size):
        x = keys[e]
        out[start[x]] = e
        start[x] += 1
    return out


def _stable_order_numpy(keys: IntArray, k: int) -> IntArray:
    """:func:`_stable_order` with numpy (a stable sort gives one order)."""
    return np.argsort(keys, kind="stable")


def stable_order_by(major: IntArray, minor: IntArray | None, k: int) -> IntArray:
    """``np.argsort(major * k + minor, kind="stable")`` (or of ``major`` alone) for
    integers in ``[0, k)``, without the product: least significant key first, each a
    stable counting sort once the input is large."""
    kernel = stable_order.pick(2 * major.size)
    if minor is None:
        return np.asarray(kernel(major, k), dtype=np.int64)
    order = np.asarray(kernel(minor, k), dtype=np.int64)
    return order[kernel(np.ascontiguousarray(major[order]), k)]


dependency_sum = Kernel(_dependency_sum, _dependency_sum_lists)
tie_spans = Kernel(_tie_spans)
same_label_counts = Kernel(_same_label_counts, _same_label_counts_numpy)
pair_positions = Kernel(_pair_positions, _pair_positions_numpy)
stable_order = Kernel(_stable_order, _stable_order_numpy)
