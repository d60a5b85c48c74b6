"""Small SVG drawing primitives for the report's diagrams: text that fits, boxes, arrows, a page.

The diagrams are written as SVG text here (where the boxes go may come from Graphviz, never the
drawing): text widths are estimated from the number of characters at a fixed size, generously, so
labels never overflow their boxes. Numbers are written with one decimal so the output is
byte-identical for the same drawing.
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
    x: float,
    y: float,
    lines: list[str],
    *,
    anchor: str = "middle",
    size: float = FONT_SIZE,
    weight: str = "normal",
    line: float | None = None,
) -> str:
    """Lines of text, the first baseline at y, centred on x (or starting at it, anchor='start'), each
    `line` px below the one before (by default in proportion to the size)."""
    step = LINE_HEIGHT * size / FONT_SIZE if line is None else line
    spans = "".join(
        f'<tspan x="{n(x)}" dy="{0 if i == 0 else step:g}">{escape(line)}</tspan>' for i, line in enumerate(lines)
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
    place = f'x="{n(x)}" y="{n(y)}" width="{n(w)}" height="{n(h)}" rx="{n(rx)}"'
    return f'<rect {place} fill="{fill}" stroke="{stroke}"{dash}{extra}/>'


def badge_width(label: str, size: float = 10) -> float:
    """The width of a badge holding `label`, in px."""
    return max(1.6 * size, len(label) * 0.62 * size + 8)


def badge(x: float, y: float, label: str, size: float = 10) -> str:
    """A numbered white badge centred on (x, y), for arrows and markers that a table below the drawing
    explains."""
    w, h = badge_width(label, size), 1.6 * size
    box = rect(x - w / 2, y - h / 2, w, h, rx=h / 2)
    return f'<g class="badge">{box}{text(x, y + 0.4 * size, [label], size=size)}</g>'


def arrow_marker(ident: str) -> str:
    """The `<defs>` arrowhead that paths refer to as `url(#ident)`."""
    return (
        f'<defs><marker id="{ident}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="black"/></marker></defs>'
    )


def page(
    width: float,
    height: float,
    body: list[str],
    *,
    title: str,
    css_class: str,
    description: str | None = None,
    font_size: float = FONT_SIZE,
    shown: float | None = None,
) -> str:
    """An `<svg>` element of the given size, scalable, with an accessible title (and description);
    shown `shown` px wide (by default its own width)."""
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {n(width)} {n(height)}" '
        f'width="{n(width if shown is None else shown)}" role="img" font-family="{FONT}" font-size="{font_size:g}">'
        f"<title>{escape(title)}</title>{desc}" + "".join(body) + "</svg>"
    )


def accessible(svg: str, title: str, description: str, ident: str) -> str:
    """An `<svg>` element given a title and a description for screen readers: `<title>` and `<desc>`
    as its first children, named by `aria-labelledby`, and `role="img"`."""
    start = svg.index("<svg")
    end = svg.index(">", start)
    opening = svg[start:end].rstrip("/")
    labels = f'role="img" aria-labelledby="{ident}-title {ident}-desc"'
    head = f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(description)}</desc>'
    return f"{svg[:start]}{opening} {labels}>{head}{svg[end + 1 :]}"
