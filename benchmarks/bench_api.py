"""The API under load against a plain baseline, on a 10k-node graph in a local Neo4j:
a node read, an ego network (radius 1) and k shortest paths (k 3, length <= 4), served by
``graph-service serve`` and by ``benchmarks/baseline_api.py`` (the same reads written the
way most FastAPI + Neo4j examples are: a session per request, ``Record.data()``, pydantic
response models, no coalescing), in the same run, on the same data and the same Neo4j.

    .venv/bin/python benchmarks/bench_api.py [--clients 32] [--requests 2000] [--rounds 3]
        [--rate 500] [--duration 10]

Starts its own Neo4j (home .neo4j-bench/, a free port, no plugins) and both apps (2
workers each, one ``SO_REUSEPORT`` socket per worker), loads a synthetic graph, checks
that both apps give the same answers to a sample of requests, warms both up, then
measures in ``--rounds`` rounds, each taking every scenario in turn (ours and the
baseline alternately, the one that goes first switching each round):

- **Closed loop** (throughput at saturation): ``--clients`` keep-alive connections, each
  sending its next request when the last answer has arrived; p50/p95/p99 latency and
  answers per second, and the ratio of our throughput to the baseline's. ``/health`` (no
  Neo4j) is measured the same way as the floor the framework itself sets.
- **Open loop** (latency at a fixed offered load): ego networks sent at ``--rate``
  requests/s for ``--duration`` seconds whatever the answers do, each latency measured
  from the request's *intended* send time (so a stalled server or a late load generator
  counts against the latency: no coordinated omission); p50/p95/p99/max, and the rates
  at which requests went out and answers came back.

The load generator is raw asyncio HTTP/1.1 in this process (on uvloop when installed):
on a 2-core machine it competes for the CPU with uvicorn and Neo4j, so the figures are
upper bounds of the latency. The machine is shared and its speed drifts within minutes:
the tables give the median of the rounds for each column, with the range of the p95
over the rounds, and the load average before and after. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._bench_server import bench_settings, free_port, fresh_store  # noqa: E402
from graph_service.config import Settings  # noqa: E402
from graph_service.model import NodeIn, NodeLabel, RelType, TieIn  # noqa: E402
from graph_service.services.runtime import Runtime  # noqa: E402
from graph_service.store import local_server  # noqa: E402


def synthetic(n_nodes: int, degree: int, seed: int = 11) -> tuple[list[NodeIn], list[TieIn]]:
    rng = random.Random(seed)
    n_groups = 20
    nodes = [NodeIn(id=f"g{i}", label=NodeLabel.GROUP, name=f"Group {i}") for i in range(n_groups)]
    nodes += [
        NodeIn(id=f"n{i}", label=NodeLabel.ACTOR, name=f"Actor {i}")
        for i in range(n_nodes - n_groups)
    ]
    people = n_nodes - n_groups
    ties: dict[str, TieIn] = {}
    for i in range(people):
        tie = TieIn(type=RelType.MEMBER_OF, source=f"n{i}", target=f"g{i % n_groups}")
        ties[tie.key] = tie
    while len(ties) < people + people * degree // 2:
        a = rng.randrange(people)
        # mostly inside the group (bonding), some across (bridging)
        b = a + n_groups * rng.randint(-30, 30) if rng.random() < 0.8 else rng.randrange(people)
        if a == b or not 0 <= b < people:
            continue
        tie = TieIn(
            type=rng.choice([RelType.KNOWS, RelType.COLLABORATES_WITH]),
            source=f"n{a}",
            target=f"n{b}",
        )
        ties.setdefault(tie.key, tie)
    return nodes, list(ties.values())


#: (name, a request path drawn from a seeded generator, requests per closed-loop round)
Scenario = tuple[str, Callable[[random.Random], str], int]
Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _request(connection: Connection, path: str) -> bool:
    """Send one GET on a keep-alive connection and read its whole answer; True for 200."""
    reader, writer = connection
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return head[9:12] == b"200"


async def _client(port: int, paths: list[str], latencies: list[float]) -> int:
    """One keep-alive HTTP/1.1 connection sending ``paths`` one after the other; the
    number of answers that were not 200. Raw asyncio streams: httpx spent more CPU per
    request than the server, on the same two cores, and so measured itself."""
    connection = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    try:
        for path in paths:
            t0 = time.perf_counter()
            ok = await _request(connection, path)
            latencies.append(time.perf_counter() - t0)
            errors += not ok
    finally:
        connection[1].close()
    return errors


async def _scenario(
    port: int,
    make_path: Callable[[random.Random], str],
    clients: int,
    total: int,
    seed: int,
) -> tuple[list[float], float, int]:
    """``total`` requests from ``clients`` concurrent connections (closed loop: each sends
    its next request when the answer to the last one has arrived)."""
    rng = random.Random(seed)
    paths = [make_path(rng) for _ in range(total)]
    latencies: list[float] = []
    t0 = time.perf_counter()
    errors = await asyncio.gather(
        *(_client(port, paths[i::clients], latencies) for i in range(clients))
    )
    wall = time.perf_counter() - t0
    return latencies, wall, sum(errors)


class OpenLoop:
    """Requests sent at fixed times (``rate`` per second) whatever the answers do, over a
    pool of keep-alive connections: an idle one when there is one, else a new one (up to
    ``max_connections``, then the request waits for one, and that wait counts). Each
    latency runs from the request's intended send time to the end of its answer."""

    def __init__(self, port: int, rate: float, connections: int, max_connections: int) -> None:
        self.port, self.rate = port, rate
        self.prepared, self.max_connections = connections, max_connections
        self.idle: asyncio.Queue[Connection] = asyncio.Queue()
        self.opened = 0
        self.latencies: list[float] = []
        self.errors = 0

    async def _connection(self) -> Connection:
        if self.idle.empty() and self.opened < self.max_connections:
            self.opened += 1
            return await asyncio.open_connection("127.0.0.1", self.port)
        return await self.idle.get()

    async def _one(self, path: str, intended: float) -> None:
        connection = await self._connection()
        ok = await _request(connection, path)
        self.latencies.append(time.perf_counter() - intended)
        self.errors += not ok
        self.idle.put_nowait(connection)

    async def run(self, paths: Sequence[str]) -> tuple[float, float]:
        """Send ``paths`` on schedule: the rates (requests/s) at which they went out and
        at which their answers came back."""
        for _ in range(self.prepared):  # opened before the clock starts
            self.opened += 1
            self.idle.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))
        tasks = []
        start = time.perf_counter() + 0.01
        for i, path in enumerate(paths):
            intended = start + i / self.rate
            delay = intended - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self._one(path, intended)))
        sent = time.perf_counter() - start
        await asyncio.gather(*tasks)
        answered = time.perf_counter() - start
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()
        return len(paths) / sent, len(paths) / answered


async def _open_loop(
    port: int, make_path: Callable[[random.Random], str], args: argparse.Namespace, seed: int
) -> tuple[list[float], float, float, int]:
    rng = random.Random(seed)
    paths = [make_path(rng) for _ in range(int(args.rate * args.duration))]
    loop = OpenLoop(port, args.rate, args.connections, max_connections=1024)
    sent, answered = await loop.run(paths)
    return loop.latencies, sent, answered, loop.errors


def _run(coro: Any) -> Any:
    try:
        import uvloop
    except ImportError:  # Windows
        return asyncio.run(coro)
    return uvloop.run(coro)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _scenarios(args: argparse.Namespace) -> list[Scenario]:
    people = args.nodes - 20
    return [
        ("health (no Neo4j: the floor)", lambda r: "/health", args.requests),
        ("node read", lambda r: f"/nodes/n{r.randrange(people)}", args.requests),
        (EGO, lambda r: f"/connections/ego/n{r.randrange(people)}", args.requests),
        (
            "k shortest paths (k 3, <= 4 hops)",
            lambda r: (
                f"/connections/paths?source=n{r.randrange(people)}"
                f"&target=n{r.randrange(people)}&k=3&max_length=4"
            ),
            max(200, args.requests // 4),
        ),
    ]


EGO = "ego network (radius 1)"
OURS, BASELINE = "graph-service", "baseline"


def _server_env(settings: Settings) -> dict[str, str]:
    env = {
        **os.environ,
        "GRAPH_SERVICE_NEO4J_HOME": str(settings.local_home),
        "NEO4J_LOCAL_BOLT_PORT": str(settings.local_bolt_port),
        "BASELINE_NEO4J_URI": settings.bolt_uri,
        "BASELINE_NEO4J_USER": settings.neo4j_user,
        "BASELINE_NEO4J_PASSWORD": settings.password(),
    }
    for name in ("NEO4J_URI", "NEO4J_PASSWORD", "GRAPH_SERVICE_API_KEYS"):
        env.pop(name, None)
    return env


def _start_apps(settings: Settings, workers: int) -> dict[str, tuple[int, subprocess.Popen[bytes]]]:
    """Both apps on free ports, each with ``workers`` processes, once they answer."""
    env = _server_env(settings)
    commands = {
        OURS: [str(Path(sys.executable).parent / "graph-service"), "serve"],
        BASELINE: [sys.executable, str(ROOT / "benchmarks" / "baseline_api.py")],
    }
    apps = {}
    for app, command in commands.items():
        port = free_port()
        command += ["--port", str(port), "--workers", str(workers)]
        apps[app] = (port, subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL))
    for app, (port, _) in apps.items():
        _wait_ready(f"http://127.0.0.1:{port}/nodes/n0", app)
    return apps


def _wait_ready(url: str, app: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{app} did not get ready")
        time.sleep(0.5)


def _check_same_answers(ports: dict[str, int], scenarios: list[Scenario], sample: int) -> int:
    """Ask both apps the same ``sample`` requests of each scenario: the answers must be
    the same JSON, or the comparison would mean nothing."""
    checked = 0
    with httpx.Client(timeout=60) as client:
        for name, make, _ in scenarios[1:]:
            rng = random.Random(7)
            for _ in range(sample):
                path = make(rng)
                ours, base = (client.get(f"http://127.0.0.1:{ports[a]}{path}") for a in ports)
                same = ours.status_code == base.status_code and (
                    ours.status_code != 200 or ours.json() == base.json()
                )
                if not same:
                    raise SystemExit(f"{name}: the apps answer {path} differently")
                checked += 1
    return checked


Row = tuple[float, ...]


class CpuMeter:
    """CPU time (user + system) spent by Neo4j, by each app's processes and by this load
    generator: where an answer's cost goes, so that a ratio can be explained; and the
    cores that the rest of the machine (other users' work) kept busy meanwhile."""

    def __init__(self, neo4j: int, apps: dict[str, int]) -> None:
        def tree(pid: int) -> list[psutil.Process]:
            parent = psutil.Process(pid)
            return [parent, *parent.children(recursive=True)]

        self.parts = {"neo4j": tree(neo4j), "generator": [psutil.Process()]}
        self.parts.update({app: tree(pid) for app, pid in apps.items()})

    def seconds(self) -> dict[str, float]:
        spent = {"wall": time.perf_counter()}
        for part, processes in self.parts.items():
            times = [p.cpu_times() for p in processes]
            spent[part] = sum(t.user + t.system for t in times)
        # busy time of every core, and time the hypervisor gave to other machines (steal)
        busy = psutil.cpu_times()._asdict()
        spent["machine"] = sum(
            busy.get(kind, 0.0) for kind in ("user", "nice", "system", "irq", "softirq", "steal")
        )
        return spent

    def per_answer(self, before: dict[str, float], app: str, answers: int) -> Row:
        """CPU ms per answer since ``before`` of Neo4j, the app and the load generator;
        then the cores that other processes used meanwhile, on average."""
        after = self.seconds()
        used = {part: after[part] - before[part] for part in after}
        ours = sum(used[part] for part in self.parts)
        return (
            *(used[part] * 1000 / answers for part in ("neo4j", app, "generator")),
            max(0.0, used["machine"] - ours) / used["wall"],
        )


def _closed_round(
    port: int, scenario: Scenario, clients: int, seed: int, cpu: CpuMeter, app: str
) -> tuple[Row, int]:
    """One round of a scenario: one client alone, then ``clients`` at once."""
    _, make, total = scenario
    alone, _, alone_errors = _run(_scenario(port, make, 1, min(300, total), seed=3 + seed))
    before = cpu.seconds()
    latencies, wall, errors = _run(_scenario(port, make, clients, total, seed=100 + seed))
    row = (
        statistics.median(alone) * 1000,
        statistics.median(latencies) * 1000,
        _pct(latencies, 0.95),
        _pct(latencies, 0.99),
        total / wall,
        *cpu.per_answer(before, app, total),
    )
    return row, alone_errors + errors


def _open_round(
    port: int, args: argparse.Namespace, seed: int, cpu: CpuMeter, app: str
) -> tuple[Row, int]:
    people = args.nodes - 20
    before = cpu.seconds()
    latencies, sent, answered, errors = _run(
        _open_loop(port, lambda r: f"/connections/ego/n{r.randrange(people)}", args, seed)
    )
    row = (
        sent,
        answered,
        _pct(latencies, 0.50),
        _pct(latencies, 0.95),
        _pct(latencies, 0.99),
        max(latencies) * 1000,
        *cpu.per_answer(before, app, len(latencies)),
    )
    return row, errors


def _warm_up(ports: dict[str, int], scenarios: list[Scenario], args: argparse.Namespace) -> None:
    """Plans cached, connections open, the server's JIT compiled (the bench server starts
    cold; a served API runs warm). Neo4j's JIT takes tens of thousands of ego networks to
    settle on two cores: a short warm-up measures a third less throughput than a server
    that has run for a while. Both apps share the Neo4j, so the baseline's own warm-up
    (its processes) can be shorter."""
    for app, port in ports.items():
        warmup = args.warmup if app == OURS else args.baseline_warmup
        for _, make, total in scenarios if app == OURS else scenarios[1:]:
            _run(_scenario(port, make, args.clients, warmup * total // args.requests, seed=1))


def _measure(
    ports: dict[str, int], scenarios: list[Scenario], args: argparse.Namespace, cpu: CpuMeter
) -> tuple[dict[tuple[str, str], list[Row]], int]:
    """Every round: each closed-loop scenario, then the open loop, each app in turn (the
    one going first switching each round). Rows by (scenario, app)."""
    rows: dict[tuple[str, str], list[Row]] = {}
    errors = 0
    for round_no in range(args.rounds):
        apps = list(ports) if round_no % 2 == 0 else list(reversed(ports))
        for scenario in scenarios:
            for app in apps:
                if app == BASELINE and scenario is scenarios[0]:
                    continue  # the baseline has no /health
                row, bad = _closed_round(ports[app], scenario, args.clients, round_no, cpu, app)
                rows.setdefault((scenario[0], app), []).append(row)
                errors += bad
        for app in apps:
            row, bad = _open_round(ports[app], args, 200 + round_no, cpu, app)
            rows.setdefault(("open", app), []).append(row)
            errors += bad
    return rows, errors


def _medians(measured: list[Row], p95_column: int) -> tuple[list[float], float, float]:
    p95s = [m[p95_column] for m in measured]
    return [statistics.median(c) for c in zip(*measured, strict=True)], min(p95s), max(p95s)


def _print_closed(
    rows: dict[tuple[str, str], list[Row]], scenarios: list[Scenario], args: argparse.Namespace
) -> None:
    print(
        f"\nClosed loop: {args.clients} concurrent clients, {args.workers} workers per app; "
        f"median of {args.rounds} rounds"
    )
    columns = ("requests", "1 client", "p50 ms", "p95 ms", "p99 ms", "req/s", "p95 range")
    cpu_columns = ("neo4j", "app", "gen", "others")
    print(
        f"{'scenario':<34} {'app':<14}"
        + " ".join(f"{c:>9}" for c in columns)
        + "  CPU ms/answer:"
        + " ".join(f"{c:>6}" for c in cpu_columns)
    )
    throughput: dict[tuple[str, str], float] = {}
    cost: dict[tuple[str, str], float] = {}  # CPU ms of Neo4j and the app per answer
    for name, _, total in scenarios:
        for app in (OURS, BASELINE):
            if (name, app) not in rows:
                continue
            (single, p50, p95, p99, rps, *spent), low, high = _medians(rows[name, app], 2)
            throughput[name, app] = rps
            cost[name, app] = spent[0] + spent[1]
            print(
                f"{name:<34} {app:<14}{total:>9} {single:>9.1f} {p50:>9.1f} {p95:>9.1f}"
                f" {p99:>9.1f} {rps:>9.0f} {low:>5.0f}-{high:<5.0f}{'':15}"
                + " ".join(f"{c:>6.2f}" for c in spent)
            )
    print(
        "(1 client: the median latency in ms of one client alone; the rest with all clients; "
        "p95 range: lowest and highest p95 of the rounds; CPU ms/answer: CPU time of Neo4j, "
        "of the app's processes and of the load generator per answer, all clients; others: "
        "cores that other processes kept busy meanwhile, or the hypervisor gave elsewhere)"
    )
    for name, _, _ in scenarios[1:]:
        ratio = throughput[name, OURS] / throughput[name, BASELINE]
        saved = cost[name, BASELINE] / cost[name, OURS]
        print(
            f"{name}: throughput {ratio:.2f}x the baseline's (target >= 2x: {ratio >= 2}); "
            f"CPU per answer (Neo4j + app) {saved:.2f}x less"
        )


def _print_open(rows: dict[tuple[str, str], list[Row]], args: argparse.Namespace) -> None:
    print(
        f"\nOpen loop: {EGO} at {args.rate:.0f} requests/s for {args.duration:.0f} s "
        f"({int(args.rate * args.duration):,} requests), latency from the intended send "
        f"time; median of {args.rounds} rounds"
    )
    columns = ("sent/s", "answered/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "p95 range")
    print(
        f"{'app':<14}"
        + " ".join(f"{c:>10}" for c in columns)
        + "  CPU ms/answer: neo4j    app    gen others"
    )
    for app in (OURS, BASELINE):
        (sent, answered, p50, p95, p99, top, *spent), low, high = _medians(rows["open", app], 3)
        print(
            f"{app:<14}{sent:>10.0f} {answered:>10.0f} {p50:>10.1f} {p95:>10.1f} {p99:>10.1f}"
            f" {top:>10.1f} {low:>5.0f}-{high:<5.0f}{'':13}" + " ".join(f"{c:>6.2f}" for c in spent)
        )
    p95 = _medians(rows["open", OURS], 3)[0][3]
    print(f"target: ego p95 <= 50 ms at {args.rate:.0f} requests/s: met: {p95 <= 50}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--degree", type=int, default=8, help="mean social degree")
    parser.add_argument("--clients", type=int, default=32, help="closed loop")
    parser.add_argument("--requests", type=int, default=2000, help="per closed-loop round")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--warmup", type=int, default=20_000, help="requests before each scenario (ours)"
    )
    parser.add_argument("--baseline-warmup", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=500, help="open loop: requests/s")
    parser.add_argument("--duration", type=float, default=10, help="open loop: seconds")
    parser.add_argument(
        "--connections", type=int, default=32, help="open loop: connections opened up front"
    )
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each scenario")
    parser.add_argument("--check", type=int, default=30, help="requests compared per scenario")
    parser.add_argument("--home", type=Path, default=ROOT / ".neo4j-bench")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    settings = bench_settings(args.home, heap="2g", pagecache="1g")
    nodes, ties = synthetic(args.nodes, args.degree)
    scenarios = _scenarios(args)
    fresh_store(args.home)
    print(f"starting Neo4j on port {settings.local_bolt_port} …", file=sys.stderr)
    load_before = os.getloadavg()
    local_server.start(settings)
    apps: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}
    try:
        with Runtime(settings) as rt:
            rt.ensure_schema()
            rt.repo.delete_all()
            rt.repo.write_graph(nodes, ties)
        apps = _start_apps(settings, args.workers)
        ports = {app: port for app, (port, _) in apps.items()}
        checked = _check_same_answers(ports, scenarios, args.check)
        neo4j = local_server.status(settings).pid
        assert neo4j is not None
        cpu = CpuMeter(neo4j, {app: process.pid for app, (_, process) in apps.items()})
        _warm_up(ports, scenarios, args)
        rows, errors = _measure(ports, scenarios, args, cpu)
    finally:
        for _, process in apps.values():
            process.terminate()
            process.wait(timeout=30)
        local_server.stop(settings)
    print(
        f"\n{args.nodes:,} nodes, {len(ties):,} ties; both apps gave the same answers to "
        f"{checked} requests; load average (1 min) {load_before[0]:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after"
    )
    _print_closed(rows, scenarios, args)
    _print_open(rows, args)
    print(f"requests answered with another status than 200: {errors}")


if __name__ == "__main__":
    main()
