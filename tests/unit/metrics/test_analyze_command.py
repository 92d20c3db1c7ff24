"""``graph-service analyze`` (files in, JSON out, no database): the fast reader and the
fast JSON encoder give the report ``analyze`` gives on the networkx reader's graph."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.metrics import analyze
from graph_service.metrics.io import read_graph_files

from ._data import DATASETS

runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "group", "extra"),
    [("strike", "group", []), ("lazega_advice", "office", ["--directed", "--k", "5"])],
)
def test_analyze_command_prints_the_report_of_analyze(tmp_path, name, group, extra):
    edges, nodes = DATASETS / f"{name}_edges.csv", DATASETS / f"{name}_nodes.csv"
    args = ["analyze", "--edges", str(edges), "--nodes", str(nodes), "--group", group, *extra]
    printed = runner.invoke(app, args)
    assert printed.exit_code == 0, printed.output
    G, partition = read_graph_files(edges, nodes, group_attr=group, directed="--directed" in extra)
    want = analyze(G, partition, k=5 if "--k" in extra else None)
    assert json.loads(printed.stdout) == want
    out = tmp_path / "report.json"
    written = runner.invoke(app, [*args, "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8") + "\n" == printed.stdout
    assert out.read_text(encoding="utf-8").startswith('{\n  "network": {\n')


def _sbm_files(folder) -> tuple[str, str, int]:
    """The 100-node, 400-tie network of ``benchmarks/bench_cli.py``: the common case."""
    from benchmarks.bench_cli import write_files

    edges, nodes = write_files(folder, 100, 400, 10)
    return str(edges), str(nodes), 100


def _console_script(args: list[str], then: str) -> str:
    """What a fresh process prints that runs the console script (``main``) with ``args``
    and then the Python code ``then`` (``sys`` imported), as an exit handler: ``main``
    ends the process when the command is done (cli/__init__.py, ``_exit_when_done``),
    after running the exit handlers."""
    code = (
        "import atexit, sys; from graph_service.cli import main\n"
        f"sys.argv = ['graph-service', *{args!r}]\n"
        f"atexit.register(exec, {then!r}, {{'sys': sys}})\n"
        "main()\n"
        "raise AssertionError('main returned')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.mark.parametrize("network", ["strike", "sbm-100"])
def test_analyze_command_on_a_small_network_loads_no_networkx_numba_or_settings(network, tmp_path):
    """What ``analyze`` loads for a small network through the console script (``main``):
    the metrics and its own command, not networkx (the files go straight into arrays),
    scipy, numba (its kernels run as Python there: importing it costs more than the
    metrics), pydantic (typer is kept below 0.29, which loads it), the settings, the
    database driver, nor the graph vocabulary and tie filter the other commands are built
    from."""
    if network == "strike":
        edges, nodes, n = str(DATASETS / "strike_edges.csv"), str(DATASETS / "strike_nodes.csv"), 24
    else:
        edges, nodes, n = _sbm_files(tmp_path)
    args = [
        "analyze",
        *("--edges", edges, "--nodes", nodes),
        *("--group", "group", "--k", "256", "-o", str(tmp_path / "out.json")),
    ]
    printed = _console_script(
        args,
        "print(sorted(set(sys.modules) & {'neo4j', 'pydantic', 'pydantic_settings', 'fastapi', "
        "'numba', 'networkx', 'scipy', 'graph_service.model', 'graph_service.filters'}))",
    )
    assert printed.strip().splitlines()[-1] == "[]"
    assert json.loads((tmp_path / "out.json").read_text())["network"]["nodes"] == n


@pytest.mark.parametrize(
    "args", [["analyze", "--help"], ["analyze"], ["analyze", "--edges", "e.csv", "--bogus"]]
)
def test_analyze_alone_answers_as_the_whole_command_line(args):
    """``graph-service analyze`` starts with its own command only (cli/__init__.py): the
    same help and the same usage errors as within the whole command line."""
    from graph_service.cli import _standalone

    alone = runner.invoke(_standalone("analyze"), args, env={"COLUMNS": "120"})
    whole = runner.invoke(app, args, env={"COLUMNS": "120"})
    assert alone.exit_code == whole.exit_code
    assert alone.output == whole.output


def test_analyze_command_on_a_larger_network_loads_numba_without_scipy_linalg(tmp_path):
    """Above the work limit the kernels run compiled. The console script's numba skips
    its BLAS check (it imports scipy.linalg, a third of numba's start; the kernels use no
    linear algebra), and the report is the one ``analyze`` gives in a process that
    imported the package, where the check runs (a notebook's own numba code keeps
    ``np.dot``)."""
    from benchmarks.bench_cli import write_files

    edges, nodes = write_files(tmp_path, 2000, 20000, 100)
    args = [
        "analyze",
        *("--edges", str(edges), "--nodes", str(nodes), "--group", "group"),
        *("--k", "256", "-o", str(tmp_path / "out.json")),
    ]
    printed = _console_script(
        args,
        "import numba.np.arraymath as arraymath\n"
        "print('numba' in sys.modules, 'scipy.linalg' in sys.modules, arraymath._HAVE_BLAS)",
    )
    assert printed.split()[-3:] == ["True", "False", "False"]

    library = (
        "import sys\n"
        "import numpy as np\n"
        "from graph_service.metrics import _kernels\n"
        "_kernels.stable_order.compiled(np.array([1, 0], dtype=np.int64), 2)\n"
        "import numba.np.arraymath as arraymath\n"
        "print('scipy.linalg' in sys.modules, arraymath._HAVE_BLAS)"
    )
    run = subprocess.run([sys.executable, "-c", library], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split()[-2:] == ["True", "True"]

    G, partition = read_graph_files(edges, nodes, group_attr="group")
    assert json.loads((tmp_path / "out.json").read_text()) == analyze(G, partition, k=256)


class _Exited(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


@pytest.mark.parametrize(
    ("stop", "code", "said"),
    [(None, 0, ""), (SystemExit(), 0, ""), (SystemExit(2), 2, ""), (SystemExit("boom"), 1, "boom")],
)
def test_a_standalone_command_ends_the_process_with_its_code(monkeypatch, capsys, stop, code, said):
    """``main`` ends ``analyze``'s process as soon as the command is done, without the
    interpreter's teardown (0.1 s after a 10k-node analysis): with the command's exit
    code (a message as Python's exit writes it, code 1), its exit handlers run first."""
    import graph_service.cli as cli

    ran: list[str] = []

    def command() -> None:
        ran.append("command")
        if stop is not None:
            raise stop

    def exit_now(code: int) -> None:
        raise _Exited(code)

    monkeypatch.setattr(cli.atexit, "_run_exitfuncs", lambda: ran.append("exit handlers"))
    monkeypatch.setattr(cli.os, "_exit", exit_now)
    with pytest.raises(_Exited) as ended:
        cli._exit_when_done(command)  # type: ignore[arg-type]
    assert ended.value.code == code
    assert ran == ["command", "exit handlers"]
    assert capsys.readouterr().err.strip() == said


def test_a_standalone_command_leaving_a_thread_exits_normally(monkeypatch):
    """A thread still running when the command is done (none should) is waited for, as
    a normal exit does: the process is not ended under it."""
    import threading

    import graph_service.cli as cli

    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    monkeypatch.setattr(cli.os, "_exit", lambda code: pytest.fail("ended under a thread"))
    worker.start()
    try:
        with pytest.raises(SystemExit) as ended:
            cli._exit_when_done(lambda: None)  # type: ignore[arg-type]
        assert ended.value.code == 0
    finally:
        release.set()
        worker.join()


def test_analyze_output_is_whole_when_the_process_ends_at_once(tmp_path):
    """The report written to a pipe is complete, and a failure keeps its exit code and
    its message, when ``main`` ends the process without the teardown."""
    edges, nodes = DATASETS / "strike_edges.csv", DATASETS / "strike_nodes.csv"
    exe = [sys.executable, "-c", "from graph_service.cli import main; main()"]
    args = ["analyze", "--edges", str(edges), "--nodes", str(nodes), "--group", "group"]
    run = subprocess.run([*exe, *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    G, partition = read_graph_files(edges, nodes, group_attr="group")
    assert json.loads(run.stdout) == analyze(G, partition)
    bad = subprocess.run(
        [*exe, *args[:2], str(tmp_path / "none.csv"), *args[3:]], capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "none.csv" in bad.stderr and "cannot read" in bad.stderr


def _fresh(code: str, *args: str) -> str:
    """What ``code`` prints in a fresh interpreter (``sys.argv[1:]`` = ``args``): the read
    beside forks only a process that runs no other thread, which a test process may."""
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


_READ_BESIDE = """
import json, os
from graph_service.cli import files

got = files._read_beside(lambda: {"ids": list(range(50_000)), "pid": os.getpid()})()

def broken():
    raise ValueError("line 3: no target")

failed = files._read_beside(broken)()
print(json.dumps([got["ids"] == list(range(50_000)), got["pid"] != os.getpid(), failed]))
"""


def test_read_beside_gives_what_the_child_read_or_none():
    """The child's result comes back through the pipe; a child that fails gives None (the
    caller then reads itself, so that the error in the files is reported as ever)."""
    assert json.loads(_fresh(_READ_BESIDE)) == [True, True, None]


def test_read_beside_does_not_fork_a_threaded_process():
    import threading

    from graph_service.cli import files

    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert files._read_beside(lambda: 1) is None
    finally:
        release.set()
        worker.join()


_BESIDE_AND_HERE = """
import json, sys
from typer.testing import CliRunner
from graph_service.cli import app, files

forked = []
real = files._read_beside

def spied(read):
    collect = real(read)
    forked.append(collect is not None)
    return collect

files._read_beside = spied
answers = {}
for name, limit in (("beside", 0), ("here", 10**12)):
    files.READ_BESIDE_BYTES = limit
    result = CliRunner().invoke(app, json.loads(sys.argv[1]))
    answers[name] = [result.exit_code, result.output]
print(json.dumps({"forked": forked, **answers}))
"""


def test_a_large_network_read_beside_gives_the_same_report(tmp_path):
    """From READ_BESIDE_BYTES of edges on, a child process reads the files while the
    command loads numba: the same report, and the same error for a broken file."""
    from benchmarks.bench_cli import write_files

    edges, nodes = write_files(tmp_path, 2000, 20000, 100)
    args = ["analyze", "--edges", str(edges), "--nodes", str(nodes), "--group", "group"]
    args += ["--k", "64"]
    ran = json.loads(_fresh(_BESIDE_AND_HERE, json.dumps(args)))
    assert ran["forked"] == [True]  # the second run read here
    assert ran["beside"][0] == ran["here"][0] == 0
    assert json.loads(ran["beside"][1]) == json.loads(ran["here"][1])
    with edges.open("a", encoding="utf-8") as handle:
        handle.write("n1,n999999\nn2\n")
    broken = json.loads(_fresh(_BESIDE_AND_HERE, json.dumps(args)))
    assert broken["forked"] == [True]
    assert broken["beside"] == broken["here"]
    assert broken["beside"][0] == 2
    assert "line 20002, column 'target': unknown node id 'n999999'" in broken["beside"][1]
