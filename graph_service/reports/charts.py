"""Inline SVG charts, drawn in Python: no JavaScript, no chart library, no network.

Each function returns one ``<svg>`` element as text (escaped labels, a ``<title>`` for
screen readers) sized in CSS pixels; the report scales it with ``max-width: 100%``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ["#1b6ca8", "#e07b39", "#3a9b5c", "#c0392b", "#8e6cbf", "#7f8c8d", "#d4ac0d"]
LABEL_W = 230  # the widest label column: longer labels are cut (with "…") to fit it
BAR_H = 20
GAP = 8
WIDTH = 720
LABEL_SIZE = 12

# Advance widths in em of DejaVu Sans (the report's fallback font, wider than Arial and
# Helvetica, so a label measured with it fits in any of them), by character class.
_NARROW = set("ijlI.,:;'!|()[]{}` ")
_SEMI = set('frt-/\\"*')
_WIDE = set("mwMW@%")
_UPPER_WIDE = set("ABCDGHKNOQRUVXY&")


def text_width(text: str, size: float = LABEL_SIZE) -> float:
    """The width of ``text`` in CSS pixels at ``size`` px, measured per character (never
    less than the browser draws it: see tests/browser/test_report_browser.py)."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.34
        elif ch in _SEMI:
            em += 0.45
        elif ch in _WIDE:
            em += 0.98
        elif ch in _UPPER_WIDE:
            em += 0.78
        elif ch.isupper():
            em += 0.7
        elif ch.isdigit():
            em += 0.64
        elif ord(ch) > 0x2E7F:  # CJK and other wide scripts
            em += 1.0
        else:
            em += 0.62
    return em * size


def fit_label(text: str, width: float, size: float = LABEL_SIZE) -> str:
    """``text``, cut with "…" so that it is at most ``width`` px wide."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _svg(height: int, title: str, body: list[str], width: int = WIDTH) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'class="chart"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _label(y: float, text: str, column: int = LABEL_W) -> str:
    """A bar's label, right-aligned in the label column, cut to fit it (never clipped
    at the chart's left edge); the whole text is in its tooltip."""
    short = fit_label(text, column - 12)
    return (
        f'<text x="{column - 8}" y="{y + BAR_H * 0.7:.1f}" text-anchor="end" '
        f'font-size="{LABEL_SIZE}"><title>{escape(text)}</title>{escape(short)}</text>'
    )


def _swatch(y: float, color: str | None) -> str:
    """A small square in the group's colour (the map's), left of a row's label."""
    if color is None:
        return ""
    return f'<rect x="2" y="{y + BAR_H / 2 - 5:.1f}" width="10" height="10" fill="{color}"/>'


def diverging_bars(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    low: float = -1.0,
    high: float = 1.0,
    low_text: str = "",
    high_text: str = "",
    swatches: Mapping[str, str] | None = None,
) -> str:
    """Horizontal bars from zero to each value in [low, high] (E-I: −1 inward, +1 outward).
    A missing value is drawn as "n/a"."""
    plot_w = WIDTH - LABEL_W - 60
    zero = LABEL_W + plot_w * (0 - low) / (high - low)
    body: list[str] = []
    top = 24
    body.append(f'<text x="{LABEL_W}" y="14" font-size="11" fill="#555">{escape(low_text)}</text>')
    body.append(
        f'<text x="{LABEL_W + plot_w}" y="14" font-size="11" fill="#555" '
        f'text-anchor="end">{escape(high_text)}</text>'
    )
    for i, (label, value) in enumerate(items):
        y = top + i * (BAR_H + GAP)
        body.append(_label(y, label) + _swatch(y, (swatches or {}).get(label)))
        if value is None:
            body.append(
                f'<text x="{zero + 4:.1f}" y="{y + BAR_H * 0.7:.1f}" font-size="12" '
                'fill="#777">n/a</text>'
            )
            continue
        x_end = LABEL_W + plot_w * (value - low) / (high - low)
        x, w = min(zero, x_end), abs(x_end - zero)
        color = PALETTE[1] if value > 0 else PALETTE[0]
        body.append(
            f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{BAR_H}" '
            f'fill="{color}"><title>{escape(label)}: {value:+.2f}</title></rect>'
        )
        tx = x_end + 4 if value >= 0 else x_end - 4
        anchor = "start" if value >= 0 else "end"
        body.append(
            f'<text x="{tx:.1f}" y="{y + BAR_H * 0.7:.1f}" font-size="11" '
            f'text-anchor="{anchor}">{value:+.2f}</text>'
        )
    height = top + len(items) * (BAR_H + GAP) + 4
    body.append(
        f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{top - 4}" y2="{height - 4}" '
        'stroke="#333" stroke-width="1"/>'
    )
    return _svg(height, title, body)


def stacked_bars(
    items: Sequence[tuple[str, Mapping[str, float]]],
    series: Sequence[str],
    *,
    title: str,
    series_labels: Mapping[str, str] | None = None,
    swatches: Mapping[str, str] | None = None,
) -> str:
    """Horizontal stacked bars, one per item, with a legend of the series."""
    series_labels = dict(series_labels or {})
    plot_w = WIDTH - LABEL_W - 50
    biggest = max((sum(v.get(s, 0) for s in series) for _, v in items), default=0) or 1
    body: list[str] = []
    x = float(LABEL_W)
    for k, s in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        text = series_labels.get(s, s)
        body.append(f'<rect x="{x:.0f}" y="4" width="12" height="12" fill="{color}"/>')
        body.append(f'<text x="{x + 16:.0f}" y="14" font-size="11">{escape(text)}</text>')
        x += 24 + text_width(text, 11)
    top = 26
    for i, (label, values) in enumerate(items):
        y = top + i * (BAR_H + GAP)
        body.append(_label(y, label) + _swatch(y, (swatches or {}).get(label)))
        left = float(LABEL_W)
        for k, s in enumerate(series):
            v = float(values.get(s, 0) or 0)
            if v <= 0:
                continue
            w = plot_w * v / biggest
            body.append(
                f'<rect x="{left:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(label)} – '
                f"{escape(series_labels.get(s, s))}: {v:g}</title></rect>"
            )
            left += w
        total = sum(float(values.get(s, 0) or 0) for s in series)
        body.append(
            f'<text x="{left + 4:.1f}" y="{y + BAR_H * 0.7:.1f}" font-size="11">{total:g}</text>'
        )
    height = top + len(items) * (BAR_H + GAP) + 4
    return _svg(height, title, body)


def paired_bars(
    items: Sequence[tuple[str, float, float]],
    *,
    labels: tuple[str, str],
    title: str,
    swatches: Mapping[str, str] | None = None,
) -> str:
    """Two bars per item (first and second phase), with a legend."""
    plot_w = WIDTH - LABEL_W - 50
    biggest = max((max(a, b) for _, a, b in items), default=0) or 1
    half = BAR_H / 2
    body = []
    for k, text in enumerate(labels):
        x = LABEL_W + k * 140
        body.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[k]}"/>')
        body.append(f'<text x="{x + 16}" y="14" font-size="11">{escape(text)}</text>')
    top = 26
    for i, (label, a, b) in enumerate(items):
        y = top + i * (BAR_H + GAP)
        body.append(_label(y, label) + _swatch(y, (swatches or {}).get(label)))
        for k, v in enumerate((a, b)):
            w = plot_w * v / biggest
            yy = y + k * half
            body.append(
                f'<rect x="{LABEL_W}" y="{yy:.1f}" width="{max(w, 0.5):.1f}" '
                f'height="{half - 1:.1f}" fill="{PALETTE[k]}"><title>{escape(label)} – '
                f"{escape(labels[k])}: {v:g}</title></rect>"
            )
            body.append(
                f'<text x="{LABEL_W + w + 4:.1f}" y="{yy + half - 2:.1f}" '
                f'font-size="9">{v:g}</text>'
            )
    height = top + len(items) * (BAR_H + GAP) + 4
    return _svg(height, title, body)
