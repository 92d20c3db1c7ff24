"""Benchmark of the maps: generation time, file size, time to a usable drawing.

For 500, 2,000 and 10,000 nodes (seeded synthetic networks,
``benchmarks.synthetic``), against a baseline measured in the same run:
pyvis 0.3.2 ``Network.from_nx`` with its default physics (500 nodes: generation
and browser; 2,000 nodes: generation only, as its page cannot settle).

Browser times are read inside the page (``performance.now()``, milliseconds since
navigation start) in headless Debian Chromium, offline:

- *drawn*: our page's ``graphMap.timings.ready`` (first complete drawing of the
  final positions, the map is usable); for pyvis, its ``stabilizationIterationsDone``
  (the loading bar goes away and the network appears);
- *settled*: the first ``stabilized`` event (physics has stopped moving nodes);
  "-" when physics is off.

Target (issue 5): a 2,000-node map usable in under 3 s after opening.

Run: ``.venv/bin/python benchmarks/bench_maps.py [--repeats 3] [--skip-slow-baseline]``
(``scripts/ensure-chromium`` first on a fresh machine).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
from playwright.sync_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repo root

from benchmarks.synthetic import synthetic_network
from graph_service.maps import render_map

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL = ("file:", "data:", "blob:", "about:")
# A function, not an expression: Playwright evaluates expression strings with
# eval() while polling, which the maps' CSP (no 'unsafe-eval') refuses.
READY = "() => window.graphMap && window.graphMap.ready"

# Records vis-network events of pyvis's global `network` as soon as it exists.
PYVIS_HOOK = """
(() => {
  window.__bench = {};
  const timer = setInterval(() => {
    if (typeof network === 'undefined' || !network || !network.on) { return; }
    clearInterval(timer);
    network.once('stabilizationIterationsDone',
                 () => { window.__bench.drawn = performance.now(); });
    network.once('stabilized', () => { window.__bench.settled = performance.now(); });
  }, 5);
})();
"""


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def pyvis_html(G: nx.Graph) -> str:
    from pyvis.network import Network

    net = Network(height="800px", width="100%", cdn_resources="in_line")
    net.from_nx(G)
    html: str = net.generate_html()
    return html


def baseline_graph(G: nx.Graph) -> nx.Graph:
    """The same nodes and ties as a plain nx.Graph with a label and weight only."""
    H = nx.Graph()
    for n, a in G.nodes(data=True):
        H.add_node(n, label=str(a.get("name", n)))
    for u, v, a in G.edges(data=True):
        H.add_edge(u, v, weight=float(a.get("weight", 1.0)))
    return H


def open_in_browser(
    browser: Any, path: Path, *, ours: bool, timeout_s: float
) -> tuple[float | None, float | None]:
    """(drawn, settled) in seconds since navigation start; None when not reached."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page = context.new_page()
    try:
        if not ours:
            page.add_init_script(PYVIS_HOOK)
        page.goto(path.as_uri(), wait_until="commit")
        if ours:
            page.wait_for_function(READY, timeout=timeout_s * 1000)
            timings = page.evaluate("graphMap.timings")
            settled = None
            if page.evaluate("graphMap.state.physics"):
                try:
                    page.wait_for_function(
                        "() => window.graphMap.timings.stabilized", timeout=timeout_s * 1000
                    )
                    settled = page.evaluate("graphMap.timings.stabilized") / 1000
                except PlaywrightTimeout:
                    settled = None
            return timings["ready"] / 1000, settled
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(
                "() => window.__bench && window.__bench.settled", timeout=timeout_s * 1000
            )
        bench = page.evaluate("window.__bench || {}")
        drawn, settled = bench.get("drawn"), bench.get("settled")
        return (drawn / 1000 if drawn else None, settled / 1000 if settled else None)
    finally:
        context.close()


def fmt(value: float | None, unit: str = "s", limit: float | None = None) -> str:
    if value is None:
        return f"> {limit:.0f} s" if limit else "-"
    return f"{value:.2f} {unit}".rstrip()


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    if len(known) < len(values) or not known:
        return None
    return statistics.median(known)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline-timeout", type=float, default=120.0)
    parser.add_argument(
        "--skip-slow-baseline", action="store_true", help="skip pyvis generation at 2,000 nodes"
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    rows: list[list[str]] = []
    out = Path(tempfile.mkdtemp(prefix="bench_maps_"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for n in args.sizes:
            G, partition, names = synthetic_network(n, seed=1)
            gen, drawn, settled = [], [], []
            result = None
            for _ in range(args.repeats):
                seconds, result = timed(
                    lambda G=G, partition=partition, names=names, n=n: render_map(
                        G, partition=partition, group_names=names, title=f"{n} nodes"
                    )
                )
                gen.append(seconds)
                path = out / f"ours_{n}.html"
                result.write(str(path))
                d, s = open_in_browser(browser, path, ours=True, timeout_s=120)
                drawn.append(d)
                settled.append(s)
            assert result is not None
            rows.append(
                [
                    "graph_service.maps",
                    f"{n:,}",
                    f"{result.ties:,}",
                    "on" if result.physics else "off",
                    fmt(statistics.median(gen)),
                    f"{result.size_bytes / 1e6:.2f} MB",
                    fmt(median(drawn)),
                    fmt(median(settled)) if result.physics else "-",
                ]
            )
            print(" | ".join(rows[-1]), file=sys.stderr)

            if n <= 500 or (n <= 2000 and not args.skip_slow_baseline):
                H = baseline_graph(G)
                seconds, html = timed(lambda H=H: pyvis_html(H))
                row = [
                    "pyvis from_nx (baseline)",
                    f"{n:,}",
                    f"{H.number_of_edges():,}",
                    "on",
                    fmt(seconds),
                    f"{len(html.encode()) / 1e6:.2f} MB",
                    "not run",
                    "not run",
                ]
                if n <= 500:
                    path = out / f"pyvis_{n}.html"
                    path.write_text(html, encoding="utf-8")
                    d, s = open_in_browser(
                        browser, path, ours=False, timeout_s=args.baseline_timeout
                    )
                    row[6] = fmt(d, limit=args.baseline_timeout)
                    row[7] = fmt(s, limit=args.baseline_timeout)
                rows.append(row)
                print(" | ".join(rows[-1]), file=sys.stderr)
        browser.close()

    header = ["map", "nodes", "ties", "physics", "generate", "file", "drawn", "settled"]
    print(
        f"\nMedians of {args.repeats} runs (baseline: 1 run); browser: headless Chromium, offline"
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
