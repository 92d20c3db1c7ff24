"""Headless Chromium (Debian's package) driven by Playwright, with networking off.

The browser is Debian's ``/usr/bin/chromium``, installed by
``scripts/ensure-chromium`` when missing (Playwright's own browser download
cannot reach its servers from here). Every page runs in a context that is
offline, whose router aborts any request that is not ``file:``, ``data:``,
``blob:`` or ``about:``, and which records those attempts, console errors and
uncaught exceptions for the tests to assert on.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
# A function, not an expression: Playwright evaluates expression strings with
# eval() while polling, which the maps' CSP (no 'unsafe-eval') refuses.
READY = "() => window.graphMap && window.graphMap.ready"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


def ensure_chromium() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        result = subprocess.run(
            [str(ROOT / "scripts" / "ensure-chromium")], capture_output=True, text=True
        )
        if result.returncode != 0 or not os.access(CHROMIUM, os.X_OK):
            pytest.fail(f"Chromium not available at {CHROMIUM}: {result.stderr.strip()}")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = ensure_chromium()
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class OpenedMap:
    page: Any
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def eval(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


@pytest.fixture
def open_map(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """``open_map(html) -> OpenedMap``: write the page to disk and open it offline."""
    contexts: list[Any] = []

    def _open(html: str, name: str = "map.html", width: int = 1400, height: int = 900) -> OpenedMap:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
        contexts.append(context)
        opened = OpenedMap(page=context.new_page())

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(LOCAL_SCHEMES):
                r.continue_()
            else:
                opened.external_requests.append(url)
                r.abort()

        context.route("**/*", route)
        page = opened.page
        page.on(
            "request",
            lambda req: (
                None
                if req.url.startswith(LOCAL_SCHEMES)
                else opened.external_requests.append(req.url)
            ),
        )
        page.on(
            "console",
            lambda msg: opened.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: opened.console_errors.append(f"pageerror: {exc}"))
        page.goto(path.as_uri())
        page.wait_for_function(READY, timeout=30_000)
        return opened

    yield _open
    for context in contexts:
        context.close()


#: In-page: share of the vis canvas's pixels that are drawn (not transparent).
CANVAS_INK = """() => {
  const canvas = document.querySelector('#map-canvas canvas');
  const ctx = canvas.getContext('2d');
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < img.length; i += 4) { if (img[i] > 0) { ink++; } }
  return ink / (canvas.width * canvas.height);
}"""
