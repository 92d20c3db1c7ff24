"""How large an import one transaction carries on the local server: for each heap and
transaction-state allocation, import --nodes nodes (batched) and then --sizes ties, each
size in ONE transaction through the import's write path, and print whether it committed,
how long it took and the error if not. Each size starts from a store without ties.

    .venv/bin/python benchmarks/probe_tx_size.py --heaps 2g 1g --alloc OFF_HEAP ON_HEAP \
        --sizes 100000 300000 1000000

Starts throwaway servers (temporary homes, no plugins) and stops them. Not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_import import synthetic  # noqa: E402
from graph_service.errors import DomainError  # noqa: E402
from graph_service.services.runtime import Runtime  # noqa: E402
from graph_service.store import local_server  # noqa: E402
from tests.integration.big_store import throwaway_server  # noqa: E402


def with_alloc(alloc: str) -> None:
    """Start servers with transaction state ``alloc`` (ON_HEAP or OFF_HEAP)."""
    conf_text = local_server._conf_text
    base = getattr(conf_text, "base", conf_text)

    def text(settings, jars):  # type: ignore[no-untyped-def]
        lines = [
            line
            for line in base(settings, jars).splitlines()
            if not line.startswith("db.tx_state.memory_allocation")
        ]
        return "\n".join([*lines, f"db.tx_state.memory_allocation={alloc}"]) + "\n"

    text.base = base  # type: ignore[attr-defined]
    local_server._conf_text = text  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heaps", nargs="+", default=["2g", "1g"])
    parser.add_argument("--alloc", nargs="+", default=["OFF_HEAP", "ON_HEAP"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--nodes", type=int, default=100_000)
    args = parser.parse_args()
    nodes, ties = synthetic(args.nodes, max(args.sizes))
    results = []
    for heap in args.heaps:
        for alloc in args.alloc:
            with_alloc(alloc)
            with (
                tempfile.TemporaryDirectory(prefix="probe-tx-") as tmp,
                throwaway_server(Path(tmp), heap=heap) as settings,
                # every size in one transaction
                Runtime(settings.model_copy(update={"import_atomic_rows": 10**12})) as rt,
            ):
                rt.ensure_schema()
                rt.repo.write_graph(nodes, [])
                for size in args.sizes:
                    t0 = time.perf_counter()
                    try:
                        rt.repo.write_graph([], ties[:size])
                        outcome = "committed"
                    except DomainError as exc:
                        outcome = f"FAILED: {exc.detail[:160]}"
                    row = (heap, alloc, size, time.perf_counter() - t0, outcome)
                    print(*row, sep="  ", file=sys.stderr, flush=True)
                    results.append(row)
                    with rt.store.session() as session:
                        session.run(
                            "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS"
                        ).consume()
                    if outcome != "committed":
                        break
    print(f"\n{'heap':>5}  {'tx state':>9}  {'ties':>10}  {'seconds':>8}  outcome")
    for heap, alloc, size, secs, outcome in results:
        print(f"{heap:>5}  {alloc:>9}  {size:>10,}  {secs:>8.1f}  {outcome}")


if __name__ == "__main__":
    main()
