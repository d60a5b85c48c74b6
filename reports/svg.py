"""Small SVG drawing primitives for the report's diagrams: text that fits, boxes, arrows, a page.

The diagrams are drawn as SVG text by hand (no graphviz, no network): text widths are estimated from
the number of characters at a fixed size, generously, so labels never overflow their boxes. Numbers
are written with one decimal so the output is byte-identical for the same drawing.
"""

from __future__ import annotations

import textwrap
from html import escape

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
FONT_SIZE = 11
CHAR_WIDTH = 6.8  # px per character at FONT_SIZE, a little more than the widest common sans fonts
LINE_HEIGHT = 14


def n(value: float) -> str:
    """A coordinate as SVG text: one decimal, no trailing '.0'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def wrap(words: str, width: int) -> list[str]:
    """Words broken into lines of at most `width` characters (a longer word stays whole)."""
    return textwrap.wrap(words, width, break_long_words=False, break_on_hyphens=False) or [""]


def text_width(lines: list[str], size: float = FONT_SIZE) -> float:
    """The estimated width of the widest line, in px."""
    return max((len(line) for line in lines), default=0) * CHAR_WIDTH * size / FONT_SIZE


def text(
    x: float, y: float, lines: list[str], *, anchor: str = "middle", size: float = FONT_SIZE, weight: str = "normal"
) -> str:
    """Lines of text, the first baseline at y, centred on x (or starting at it, anchor='start')."""
    spans = "".join(
        f'<tspan x="{n(x)}" dy="{0 if i == 0 else LINE_HEIGHT * size / FONT_SIZE:g}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    bold = ' font-weight="bold"' if weight != "normal" else ""
    return f'<text x="{n(x)}" y="{n(y)}" text-anchor="{anchor}" font-size="{size:g}"{bold}>{spans}</text>'


def rect(
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    rx: float = 6,
    fill: str = "white",
    stroke: str = "black",
    dashed: bool = False,
    extra: str = "",
) -> str:
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    return f'<rect x="{n(x)}" y="{n(y)}" width="{n(w)}" height="{n(h)}" rx="{n(rx)}" fill="{fill}" stroke="{stroke}"{dash}{extra}/>'


def badge(x: float, y: float, label: str) -> str:
    """A numbered white badge, for arrows and markers that a table below the drawing explains."""
    w = max(16.0, len(label) * 6.2 + 8)
    return f'<g class="badge">{rect(x - w / 2, y - 8, w, 16, rx=8)}{text(x, y + 4, [label], size=10)}</g>'


def arrow_marker(ident: str) -> str:
    """The `<defs>` arrowhead that paths refer to as `url(#ident)`."""
    return (
        f'<defs><marker id="{ident}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="black"/></marker></defs>'
    )


def page(width: float, height: float, body: list[str], *, title: str, css_class: str) -> str:
    """An `<svg>` element of the given size, scalable, with an accessible title."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {n(width)} {n(height)}" '
        f'width="{n(width)}" role="img" font-family="{FONT}" font-size="{FONT_SIZE}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )
