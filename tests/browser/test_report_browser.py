"""The report's charts in headless Chromium: every label measured by the browser lies
inside its chart (no first letters cut), long labels end in "…" with the whole text in a
tooltip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph_service.reports import charts

pytestmark = pytest.mark.browser

LONG = [
    "Fachbereich Stadtplanung und Bauordnung",
    "Wirtschaftsallianz Bottrop (WiAll) – Lenkungskreis",
    "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM",
    "Amt für Wirtschaftsförderung und Standortmanagement",
    "Kleine Gruppe",
    "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
]

#: In-page: each text's box in the chart's own units, and the chart's width.
TEXT_BOXES = """() => [...document.querySelectorAll('svg.chart')].map(svg => ({
  width: svg.viewBox.baseVal.width,
  texts: [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox();
    return {text: t.textContent, left: b.x, right: b.x + b.width};
  }),
}))"""


def _page(browser: Any, tmp_path: Path, svgs: list[str]) -> Any:
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>body { font-family: "
        "system-ui, -apple-system, 'Segoe UI', sans-serif; }</style></head><body>"
        + "".join(svgs)
        + "</body></html>"
    )
    path = tmp_path / "charts.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.goto(path.as_uri())
    return page


def test_chart_labels_are_never_clipped(browser: Any, tmp_path: Path) -> None:
    svgs = [
        charts.diverging_bars(
            [(t, 0.5 - i / 5) for i, t in enumerate(LONG)], title="E-I", low_text="inward"
        ),
        charts.stacked_bars(
            [(t, {"bonding": 3, "bridging": 2}) for t in LONG],
            ["bonding", "bridging"],
            title="Ties",
        ),
        charts.paired_bars([(t, 1.0, 2.0) for t in LONG], labels=("1", "2"), title="Phases"),
    ]
    page = _page(browser, tmp_path, svgs)
    for chart in page.evaluate(TEXT_BOXES):
        for box in chart["texts"]:
            assert box["left"] >= 0, box
            assert box["right"] <= chart["width"], box
    labels = page.locator("svg.chart text[text-anchor=end]").all_text_contents()
    assert any(label.startswith("Fachbereich Stadtplanung") for label in labels)
    assert any(label.endswith("…") and label.startswith("MMMM") for label in labels)
    page.context.close()


@pytest.mark.parametrize("text", LONG)
def test_measured_width_is_never_less_than_the_drawn_one(browser: Any, tmp_path: Path, text):
    page = _page(browser, tmp_path, [charts.diverging_bars([(text, 0.1)], title="t")])
    drawn = page.evaluate(
        "t => { const svg = document.querySelector('svg.chart');"
        " const el = document.createElementNS('http://www.w3.org/2000/svg', 'text');"
        " el.setAttribute('font-size', '12'); el.textContent = t; svg.appendChild(el);"
        " return el.getBBox().width; }",
        text,
    )
    assert charts.text_width(text) >= drawn
    page.context.close()


@pytest.mark.neo4j
def test_the_reports_map_is_legible_at_its_first_zoom(
    browser: Any, tmp_path: Path, runtime
) -> None:  # type: ignore[no-untyped-def]
    """The sample network's report, opened offline: its embedded map names nodes at the
    first zoom, no two labels overlap, none is cut at the frame's edges; charts unclipped."""
    from graph_service.reports import build_report
    from graph_service.services import importer
    from tests.browser.test_map_first_sight import DRAWN_LABELS, overlapping_pairs

    runtime.repo.delete_all()
    try:
        importer.import_document(runtime, importer.sample_network_bytes())
        html = build_report(runtime)
    finally:
        runtime.repo.delete_all()
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.goto(path.as_uri())
    for chart in page.evaluate(TEXT_BOXES):
        for box in chart["texts"]:
            assert box["left"] >= 0 and box["right"] <= chart["width"], box
    # in view, as a reader scrolls to it (Chromium may hold back drawing in a frame that
    # is out of sight), and a moment after it is ready, so every label has been measured
    page.locator("iframe.map").scroll_into_view_if_needed()
    frame = page.frames[1]
    frame.wait_for_function("() => window.graphMap && window.graphMap.ready", timeout=30_000)
    page.wait_for_timeout(300)
    drawn = frame.evaluate(DRAWN_LABELS)
    labels = drawn["labels"]
    assert len(labels) >= 10
    assert overlapping_pairs(labels) == []
    for box in labels:
        assert box["left"] >= 0 and box["top"] >= 0, box
        assert box["right"] <= drawn["width"] and box["bottom"] <= drawn["height"], box
    context.close()
