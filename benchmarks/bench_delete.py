"""Deleting a large store: ties per second of the service's delete (repository.delete_all:
ties, then nodes, in transactions of DELETE_BATCH) against the delete it replaced (one
`CALL { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS` over the nodes), in the same run.

    .venv/bin/python benchmarks/bench_delete.py [--ties 1000000] [--nodes 20000] [--runs 3]

Starts its own server (a temporary home, 1 GB heap: the size where the old delete failed,
no plugins) and stops it at the end. Each run fills the store server-side
(tests/integration/big_store.py: one KNOWS tie per row with the import's properties; 20,000
nodes make about 100 ties a node) and deletes it. When the baseline fails on the big store
(the transaction memory pool of a 1 GB heap), the table says so and the baseline's rate is
measured on a store of --baseline-ties. Prints a table of medians; not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph_service.errors import DomainError  # noqa: E402
from graph_service.services.runtime import Runtime  # noqa: E402
from graph_service.store.neo4j_store import translate_errors  # noqa: E402
from tests.integration.big_store import fill_store, throwaway_server  # noqa: E402

BASELINE = "MATCH (n:Entity) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def baseline_delete(rt: Runtime) -> None:
    with translate_errors("deleting the graph (baseline)"), rt.store.session() as session:
        session.run(BASELINE).consume()


def timed_delete(rt: Runtime, nodes: int, ties: int, baseline: bool) -> float:
    """Fill the store, delete it; the rate in ties per second."""
    fill_store(rt.store, nodes, ties)
    t0 = time.perf_counter()
    if baseline:
        baseline_delete(rt)
    else:
        rt.repo.delete_all()
    rate = ties / (time.perf_counter() - t0)
    left = rt.repo.entity_counts()
    assert left == (0, 0), left
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--baseline-ties", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each (median)")
    parser.add_argument("--heap", default="1g")
    args = parser.parse_args()

    rows: list[tuple[str, str, str]] = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-delete-") as tmp,
        throwaway_server(Path(tmp), heap=args.heap) as settings,
        Runtime(settings) as rt,
    ):
        rt.ensure_schema()
        rates = [timed_delete(rt, args.nodes, args.ties, False) for _ in range(args.runs)]
        print(f"service delete: {[f'{r:,.0f}' for r in rates]}", file=sys.stderr)
        rows.append(
            (
                "delete_all (ties, then nodes, batched by count)",
                f"{args.ties:,}",
                f"{statistics.median(rates):,.0f} ties/s",
            )
        )
        try:
            timed_delete(rt, args.nodes, args.ties, True)
            base_ties = args.ties
        except DomainError as exc:
            print(f"baseline on {args.ties:,} ties failed: {exc.detail}", file=sys.stderr)
            rows.append(("old delete (10,000 nodes a transaction)", f"{args.ties:,}", "FAILED"))
            rt.repo.delete_all()
            base_ties = args.baseline_ties
        base = [timed_delete(rt, args.nodes, base_ties, True) for _ in range(args.runs)]
        print(f"baseline: {[f'{r:,.0f}' for r in base]}", file=sys.stderr)
        rows.append(
            (
                "old delete (10,000 nodes a transaction)",
                f"{base_ties:,}",
                f"{statistics.median(base):,.0f} ties/s",
            )
        )
    width = max(len(r[0]) for r in rows)
    print(f"\n{args.heap} heap, {args.nodes:,} nodes, medians of {args.runs} runs")
    print(f"{'what':<{width}}  {'ties':>10}  {'rate':>16}")
    for what, n, rate in rows:
        print(f"{what:<{width}}  {n:>10}  {rate:>16}")


if __name__ == "__main__":
    main()
