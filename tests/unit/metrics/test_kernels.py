"""The kernels give the same bits compiled (numba) and as Python (small inputs)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import networkx as nx
import numpy as np
import pytest

from graph_service import deadline
from graph_service.metrics import _kernels, analyze
from graph_service.metrics._core import indexed

from ._data import load


def _sbm(seed: int, directed: bool) -> tuple[nx.Graph, dict]:
    sizes = [12, 20, 8, 30]
    probs = [[0.3 if a == b else 0.03 for b in range(4)] for a in range(4)]
    G = nx.stochastic_block_model(sizes, probs, seed=seed, directed=directed)
    G.add_node(len(G))  # an isolate
    partition = {v: frozenset({f"g{G.nodes[v].get('block', 'x')}"}) for v in G if v % 7}
    return G, partition


def _everywhere(limit: int, monkeypatch: pytest.MonkeyPatch, run):
    monkeypatch.setattr(_kernels, "WORK_LIMIT", limit)
    # searches timed first (Kernel.run_tried): compiled whenever the limit is 0
    monkeypatch.setattr(_kernels, "NUMBA_LOAD_SECONDS", 0.0 if limit == 0 else 1e9)
    return run()


@pytest.mark.parametrize(("seed", "directed"), [(1, False), (2, True), (3, False)])
def test_analyze_same_with_python_and_compiled_kernels(seed, directed, monkeypatch):
    G, partition = _sbm(seed, directed)
    for k in (None, 9):

        def run(k=k):
            return analyze(G, partition, k=k, permutations=100)

        python = _everywhere(10**18, monkeypatch, run)
        compiled = _everywhere(0, monkeypatch, run)
        assert python == compiled


def test_analyze_dataset_same_with_python_and_compiled_kernels(monkeypatch):
    G, partition = load("lazega_friends", "office", directed=True)
    python = _everywhere(10**18, monkeypatch, lambda: analyze(G, partition))
    compiled = _everywhere(0, monkeypatch, lambda: analyze(G, partition))
    assert python == compiled


def test_each_kernel_same_bits_both_ways():
    G, _ = _sbm(4, False)
    ix = indexed(G)
    indptr, indices = ix.out_adjacency
    sources = np.arange(ix.n, dtype=np.int64)
    levels = _kernels.level_scratch(ix.n, True)
    for kernel, args in [
        (_kernels.dependency_sum, (indptr, indices, sources, True, *levels)),
        (_kernels.tie_spans, (indptr, indices, ix.src[:40], ix.dst[:40])),
    ]:
        a, b = kernel.python(*args), kernel.compiled(*args)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
        c = kernel.small(*args)
        assert c.dtype == b.dtype and c.tobytes() == b.tobytes()
    a, b, _ = ix.skeleton
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, ix.n, 500), rng.integers(0, ix.n, 500)
    i, j = np.concatenate([i, a, b]), np.concatenate([j, b, a])
    for fn in (_kernels.pair_positions.small, _kernels.pair_positions.compiled):
        assert np.array_equal(
            fn(ix.skeleton_starts, b, i, j), _kernels._pair_positions(ix.skeleton_starts, b, i, j)
        )
    rows = np.stack([rng.permutation(6).repeat(20) for _ in range(16)])
    u = rng.integers(0, 120, 300).astype(np.int32)
    v = rng.integers(0, 120, 300).astype(np.int32)
    lab = np.empty(120, dtype=np.int8)
    share = rng.random((6, 6)) < 0.4
    for table in (np.zeros((0, 0), dtype=bool), share | share.T):
        want = _kernels._same_label_counts(rows, u, v, table, lab)
        assert np.array_equal(_kernels.same_label_counts.small(rows, u, v, table, lab), want)
        assert np.array_equal(_kernels.same_label_counts.compiled(rows, u, v, table, lab), want)


def test_same_class_pairs_equals_the_sparse_product():
    import scipy.sparse as sp

    from graph_service.metrics.brokerage import _same_class_pairs

    rng = np.random.default_rng(5)
    n, k = 300, 7
    s, d = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    cl = rng.integers(0, k, n)
    ones = np.ones(s.size)
    in_by = sp.csr_matrix((ones, (d, cl[s])), shape=(n, k))
    out_by = sp.csr_matrix((ones, (s, cl[d])), shape=(n, k))
    want = np.asarray(in_by.multiply(out_by).sum(axis=1)).ravel()
    got = _same_class_pairs(n, s, d, cl)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


@pytest.mark.parametrize("k", [1, 7, 5000])
def test_stable_order_is_numpys_stable_argsort(k, monkeypatch):
    rng = np.random.default_rng(k)
    major, minor = rng.integers(0, k, 3000), rng.integers(0, k, 3000)
    for kernel in (_kernels.stable_order.small, _kernels.stable_order.compiled):
        assert np.array_equal(kernel(major, k), np.argsort(major, kind="stable"))
    for limit in (0, 10**18):
        monkeypatch.setattr(_kernels, "WORK_LIMIT", limit)
        by_both = _kernels.stable_order_by(major, minor, k)
        assert np.array_equal(by_both, np.argsort(major * k + minor, kind="stable"))
        by_major = _kernels.stable_order_by(major, None, k)
        assert np.array_equal(by_major, np.argsort(major, kind="stable"))


def _deep_graphs() -> list[nx.Graph]:
    """Graphs with over 255 levels: the levels are kept modulo 255 (undirected)."""
    path = nx.path_graph(600)
    path.add_edges_from([(0, 300), (10, 20)])  # shortcuts: a level with two paths
    arcs = nx.DiGraph(nx.path_graph(600, create_using=nx.DiGraph))
    arcs.add_edges_from([(590, 335), (400, 5), (300, 45), (299, 45)])  # back to old levels
    return [path, arcs, nx.cycle_graph(700)]


@pytest.mark.parametrize("graph", range(3))
@pytest.mark.parametrize("limit", [0, 10**18])
def test_betweenness_over_255_levels_is_networkx(graph, limit, monkeypatch):
    from graph_service.metrics.centrality import betweenness

    monkeypatch.setattr(_kernels, "WORK_LIMIT", limit)
    G = _deep_graphs()[graph]
    want = nx.betweenness_centrality(G, normalized=False)
    got = betweenness(G)
    assert got == pytest.approx(want, rel=1e-12)


def _dependency_cases() -> list[nx.Graph]:
    """Undirected and directed, sparse and dense (the compiled kernel grows the last
    levels bottom-up), big levels (sorted through a bitmap), over 255 levels."""
    return [
        _sbm(7, False)[0],
        _sbm(8, True)[0],
        nx.gnp_random_graph(300, 0.2, seed=3),
        nx.gnp_random_graph(200, 0.05, seed=4, directed=True),
        nx.karate_club_graph(),
        *_deep_graphs(),
    ]


@pytest.mark.parametrize("case", range(8))
def test_dependency_sum_on_lists_gives_the_compiled_bits(case):
    ix = indexed(_dependency_cases()[case])
    indptr, indices, _ = ix.laid_out(skeleton=False)
    symmetric = not ix.directed
    sources = np.arange(ix.n, dtype=np.int64)[::-1].copy()  # any order: the sum follows it
    lists = _kernels.dependency_sum.small(
        indptr, indices, sources, symmetric, *_kernels.level_scratch(ix.n, symmetric)
    )
    compiled = _kernels.dependency_sum.compiled(
        indptr, indices, sources, symmetric, *_kernels.level_scratch(ix.n, symmetric)
    )
    assert lists.dtype == compiled.dtype and lists.tobytes() == compiled.tobytes()


_CANCEL_DURING_IMPORT = """
import ctypes, threading, time
import numpy as np
from graph_service import deadline
from graph_service.metrics import _kernels

guard = deadline.Guard()
outcome = []

def work():
    try:
        with deadline.guarded(guard):
            _kernels.stable_order.compiled
        outcome.append("finished")
    except deadline.Cancelled:
        outcome.append("cancelled")

worker = threading.Thread(target=work)
worker.start()
time.sleep({delay})  # numba is being imported (0.4-1.1 s)
guard.cancel(lambda: ctypes.pythonapi.PyThreadState_SetAsyncExc(
    ctypes.c_ulong(worker.ident), ctypes.py_object(deadline.Cancelled)))
worker.join()
keys = np.array([2, 0, 1, 0], dtype=np.int64)
print(outcome[0], _kernels.stable_order.compiled(keys, 3).tolist())
"""


@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3])
def test_an_analysis_cancelled_while_numba_loads_leaves_it_whole(delay):
    """The API stops an analysis past its deadline by raising Cancelled in its thread
    (api/limits.py). Raised inside ``import numba``, it would leave numba half-imported
    for the rest of the process: every later compiled kernel failed with "module 'numba'
    has no attribute 'core'" (seen in CI). The import is shielded: the cancellation
    takes effect once numba is loaded, and the kernels work afterwards."""
    code = _CANCEL_DURING_IMPORT.replace("{delay}", str(delay))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["cancelled", "[1,", "3,", "2,", "0]"]


_KERNELS_AT_ONCE = """
import threading
import numpy as np
from graph_service.metrics import _kernels

_kernels._numba()
start = threading.Barrier(6)
errors = []

def load(kernel, args):
    start.wait()
    try:
        kernel.compiled(*args)  # loaded from numba's cache (or compiled): a refresh
    except BaseException as exc:
        errors.append(repr(exc))

def another_analysis_starts():
    start.wait()
    try:
        for _ in range(300):  # the loading itself, not its cached result
            _kernels._numba.__wrapped__()
    except BaseException as exc:
        errors.append(repr(exc))

keys = np.array([2, 0, 1, 0], dtype=np.int64)
ints = [np.array(v, dtype=np.int64) for v in ([0, 2], [2, 3], [0], [1])]
calls = [(_kernels.stable_order, (keys, 3)), (_kernels.pair_positions, tuple(ints))]
threads = [threading.Thread(target=load, args=call) for call in calls]
threads += [threading.Thread(target=another_analysis_starts) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(errors)
"""


@pytest.mark.parametrize("attempt", range(3))
def test_kernels_loaded_by_several_threads_at_once(attempt):
    """Two API analyses may load numba's kernels at the same moment. numba refreshes its
    registries under its compiler lock; ours did not (``_numba``), and a refresh running
    beside another broke the other ("generator already executing": a 500 in CI)."""
    run = subprocess.run(
        [sys.executable, "-c", _KERNELS_AT_ONCE], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split()[-1] == "[]"


def test_work_beside_gives_its_result_in_the_callers_context():
    work = lambda stop: (6 * 7, deadline.remaining())  # noqa: E731
    with deadline.until(time.monotonic() + 100), _kernels.beside(work) as answer:
        pass
    value, left = answer.result()
    assert value == 42
    assert left is not None and left > 50


def test_a_failure_beside_reaches_the_caller():
    with pytest.raises(ZeroDivisionError), _kernels.beside(lambda stop: 1 / 0) as answer:
        answer.result()


def test_work_beside_is_stopped_and_joined_when_the_block_fails():
    started = threading.Event()
    seen: list[str] = []

    def work(stop: threading.Event) -> None:
        started.set()
        while not stop.wait(0.005):
            pass
        seen.append("stopped")
        raise deadline.Cancelled

    with pytest.raises(ValueError, match="a part failed"), _kernels.beside(work) as answer:
        assert started.wait(10)
        raise ValueError("a part failed")
    assert seen == ["stopped"]  # ended before the block's error came out
    assert isinstance(answer.exception(), deadline.Cancelled)
    assert not [t for t in threading.enumerate() if t.name.startswith("graph-service")]
