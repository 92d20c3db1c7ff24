"""numba kernels of the metrics layer, on CSR adjacency arrays ``indptr`` / ``indices``.

``indices[indptr[i]:indptr[i + 1]]`` are the out-neighbours of node ``i`` (both ways for
an undirected tie); :attr:`IndexedGraph.out_adjacency` and
:attr:`IndexedGraph.skeleton_adjacency` build them once per graph. The kernels are
compiled on first use and cached on disk (``cache=True``); they release the GIL
(``nogil=True``), so :func:`run_chunks` runs them on several threads at once. Nothing here
is public API.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numba
import numpy as np

from graph_service.metrics._core import FloatArray, Int32Array, IntArray

_MAX_THREADS = 8

T = TypeVar("T")


def threads() -> int:
    """Worker threads for the kernels: the cores this process may use, at most 8."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, _MAX_THREADS))


def run_chunks(fn: Callable[[IntArray], T], items: IntArray) -> list[T]:
    """``fn(chunk)`` for consecutive chunks of ``items``, one chunk per thread.

    Results come back in chunk order, so that sums over them do not depend on the
    threads' timing.
    """
    count = min(threads(), items.size)
    if count <= 1:
        return [fn(items)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(fn, np.array_split(items, count)))


@numba.njit(cache=True, nogil=True)
def dependency_sum(indptr: IntArray, indices: Int32Array, sources: IntArray) -> FloatArray:
    """Sum over ``sources`` of Brandes' dependencies ``delta_s(v)`` (unweighted).

    One breadth-first search per source counts shortest paths (``sigma``); nodes are then
    taken level by level in reverse BFS order, and ``delta_s(v) = sigma(v) * sum_w
    coef(w)`` over the out-neighbours ``w`` of ``v``, where ``coef(w) = (1 + delta_s(w)) /
    sigma(w)`` is set only once the level below ``v``'s is done (0 elsewhere): an
    out-neighbour is at most one level deeper, and nodes of ``v``'s level or above have no
    ``coef`` yet, so the sum needs no depth test. The source itself gets nothing.
    Directed graphs follow arcs; an undirected graph counts every pair from both ends
    (halve the sum).
    """
    n = indptr.size - 1
    total = np.zeros(n)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    coef = np.zeros(n)
    dist = np.full(n, -1, dtype=np.int32)
    order = np.empty(n, dtype=np.int64)
    for s in sources:
        sigma[s] = 1.0
        dist[s] = 0
        order[0] = s
        head = 0
        tail = 1
        while head < tail:
            x = order[head]
            head += 1
            dx = dist[x] + 1
            sx = sigma[x]
            for p in range(indptr[x], indptr[x + 1]):
                y = indices[p]
                dy = dist[y]
                if dy < 0:
                    dist[y] = dx
                    order[tail] = y
                    tail += 1
                    sigma[y] = sx
                elif dy == dx:
                    sigma[y] += sx
        end = tail  # nodes order[i:end] of the level being processed
        i = tail - 1
        while i >= 0:
            level = dist[order[i]]
            while i >= 0 and dist[order[i]] == level:
                x = order[i]
                acc = 0.0
                for p in range(indptr[x], indptr[x + 1]):
                    acc += coef[indices[p]]
                delta[x] = sigma[x] * acc
                i -= 1
            for j in range(i + 1, end):
                x = order[j]
                coef[x] = (1.0 + delta[x]) / sigma[x]
                if x != s:
                    total[x] += delta[x]
            end = i + 1
        for j in range(tail):
            x = order[j]
            sigma[x] = 0.0
            delta[x] = 0.0
            coef[x] = 0.0
            dist[x] = -1
    return total


@numba.njit(cache=True, nogil=True)
def tie_spans(indptr: IntArray, indices: Int32Array, u: IntArray, v: IntArray) -> IntArray:
    """Distance between ``u[e]`` and ``v[e]`` without the tie ``u[e] - v[e]``; -1: none.

    ``indptr`` / ``indices`` must be symmetric (an undirected adjacency). Bidirectional
    breadth-first search, one tie at a time, growing a whole level of the side with the
    smaller frontier. Before a level grows, the balls of radius ``du`` around ``u`` and
    ``dv`` around ``v`` are disjoint, so the distance is at least ``du + dv + 1``; the
    first node of the new level already seen from the other side closes a path of exactly
    that length, and the search stops there. It stops with -1 when a side runs out.
    """
    n = indptr.size - 1
    m = u.size
    out = np.full(m, -1, dtype=np.int64)
    seen_u = np.zeros(n, dtype=np.int64)  # e + 1 when reached from u[e]
    seen_v = np.zeros(n, dtype=np.int64)
    queue_u = np.empty(n, dtype=np.int64)
    queue_v = np.empty(n, dtype=np.int64)
    for e in range(m):
        a = u[e]
        b = v[e]
        stamp = e + 1
        seen_u[a] = stamp
        seen_v[b] = stamp
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
                        if seen_u[y] == stamp or (x == a and y == b):
                            continue
                        if seen_v[y] == stamp:
                            found = du + 1 + dv
                            break
                        seen_u[y] = stamp
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
                        if seen_v[y] == stamp or (x == b and y == a):
                            continue
                        if seen_u[y] == stamp:
                            found = du + dv + 1
                            break
                        seen_v[y] = stamp
                        queue_v[hi_v] = y
                        hi_v += 1
                    if found >= 0:
                        break
                lo_v = end
                dv += 1
        out[e] = found
    return out
