"""Lifecycle diagrams for the report: each lifecycle of a protocol drawn as an SVG statechart.

States are white rounded boxes; a state holding other states is a shaded box around them, a
parallel state a dashed box around its regions; a final state has a double border, and a dot with
an arrow marks where each box starts. Each transition is a numbered badge: a line joins it to each
state it leaves and an arrow to the state it enters; the table that goes with a diagram
(`Diagram.arrows`) gives each number's event, source and target states, condition in words and
clauses. Where the boxes go and how the lines run comes from Graphviz's `dot`, box by box
(`layout`); the drawing is made here, in the report's own style.

A diagram is laid out left to right if that fits the page column (`COLUMN`), else top to bottom,
with state names wrapped more narrowly if neither fits; failing that the narrowest is kept and
shown scaled to the column. Without `dot` a diagram is not drawn: `Diagram.svg` is None,
`Diagram.missing` says why, and the report lists the states as an outline instead. The same
protocol gives the same SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.conditions import describe
from ..model.schema import Lifecycle, Protocol, State
from . import graphviz, layout
from .svg import arrow_marker, badge, n, page, rect, text

COLUMN = 1040  # px: the width of the report's page column
WRAPS = (24, 16, 12)  # characters per line of a state name: as laid out first, then narrower while too wide
SHADES = ("#eeeeee", "#e0e0e0")  # boxes holding states, alternating with depth


@dataclass(frozen=True)
class Arrow:
    """One transition of a lifecycle, numbered as on the diagram; states and event by name."""

    number: int
    event: str
    sources: tuple[str, ...]
    target: str
    condition: str | None
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Outline:
    """One state in the outline that stands in for a diagram: its depth, name and what kind it is."""

    depth: int
    name: str
    kind: str  # "" for a simple state, or "holds states", "parallel parts", "final"


@dataclass(frozen=True)
class Diagram:
    """One lifecycle drawn: its SVG (None when it could not be drawn, with the reason in `missing`),
    the table of its numbered arrows, its number of states and its states as an outline."""

    id: str
    name: str
    svg: str | None
    arrows: tuple[Arrow, ...]
    states: int
    outline: tuple[Outline, ...]
    missing: str | None = None


def diagrams(protocol: Protocol) -> list[Diagram]:
    """Every lifecycle of the protocol, drawn."""
    events = {e.id: e.name for e in protocol.events}
    return [_diagram(lifecycle, events) for lifecycle in protocol.lifecycles]


def _diagram(lifecycle: Lifecycle, events: dict[str, str]) -> Diagram:
    names = {state.id: state.name or state.id.replace("_", " ") for state in _walk(lifecycle.states)}
    arrows = tuple(
        Arrow(
            i,
            events.get(t.event, t.event),
            tuple(names[s] for s in t.source),
            names[t.target],
            describe(t.guard) if t.guard else None,
            t.clause,
        )
        for i, t in enumerate(lifecycle.transitions, start=1)
    )
    outline = tuple(_outline(lifecycle.states, 0))
    try:
        svg, missing = _drawn(lifecycle, names), None
    except graphviz.LayoutError as error:
        svg, missing = None, str(error)
    return Diagram(lifecycle.id, lifecycle.name, svg, arrows, len(names), outline, missing)


def _walk(states: tuple[State, ...]):
    for state in states:
        yield state
        yield from _walk(state.states)


def _outline(states: tuple[State, ...], depth: int):
    for state in states:
        kind = "final" if state.final else "parallel parts" if state.parallel else "holds states" * bool(state.states)
        yield Outline(depth, state.name or state.id.replace("_", " "), kind)
        yield from _outline(state.states, depth + 1)


# --- choosing a layout and drawing it --------------------------------------------------------------


def _drawn(lifecycle: Lifecycle, names: dict[str, str]) -> str:
    """The lifecycle drawn to fit the page column: left to right if that fits, else top to bottom,
    with state names wrapped more narrowly if neither does (else the narrowest layout tried)."""
    tried = []
    for width in WRAPS:
        for rankdir in ("LR", "TB"):
            plan = layout.Plan(lifecycle, names, width, rankdir)
            box = plan.box(lifecycle.id)
            if box.width <= COLUMN:
                return _svg(plan, box)
            tried.append((box.width, box.height, plan, box))
    _, _, plan, box = min(tried, key=lambda t: (t[0], t[1]))
    return _svg(plan, box)


@dataclass
class _Layers:
    """The parts of a drawing, in the order they are painted."""

    boxes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    badges: list[str] = field(default_factory=list)


def _svg(plan: layout.Plan, root: layout.Box) -> str:
    lifecycle = plan.lifecycle
    marker = f"arrow-{lifecycle.id}"
    layers = _Layers()
    _draw(plan, root, 0.0, 0.0, marker, layers)
    description = (
        f"{len(plan.states)} states and {len(lifecycle.transitions)} transitions. Each numbered badge is "
        "a transition, a row of the table below the diagram: lines join it to the states it leaves and "
        "an arrow to the state it enters."
    )
    return page(
        root.width,
        root.height,
        [arrow_marker(marker), *layers.boxes, *layers.lines, *layers.words, *layers.badges],
        title=f"{lifecycle.name}: states and transitions",
        description=description,
        css_class="lifecycle",
        font_size=layout.FONT_SIZE,
        shown=min(root.width, COLUMN),
    )


def _draw(plan: layout.Plan, box: layout.Box, x0: float, y0: float, marker: str, out: _Layers) -> None:
    """Paint a box's inside, its top left corner at (x0, y0), and every box inside it."""
    state = plan.states.get(box.id)
    ox, oy = x0 + layout.MARGIN, y0 + layout.MARGIN + box.top
    if state is not None:
        depth = len(plan.paths[box.id]) - 2
        fill = "white" if state.parallel else SHADES[depth % 2]
        data = f' data-state="{box.id}"'
        out.boxes.append(
            rect(x0, y0, box.width, box.height, rx=8, fill=fill, dashed=state.parallel, stroke="#555", extra=data)
        )
        if box.top:  # the name in a band along the top
            out.words.append(_heading(plan, box.id, x0 + layout.MARGIN, y0 + 6))
    pad = layout.PAD
    for name, (x, y, w, h) in box.graph.nodes.items():
        x, y = x + ox, y + oy
        if name == "heading":
            out.words.append(_heading(plan, box.id, x + 2, y))
        elif name == "start":
            out.boxes.append(f'<circle cx="{n(x + w / 2)}" cy="{n(y + h / 2)}" r="4.5" fill="black"/>')
        elif name in plan.junctions:
            number = str(plan.junctions[name].number)
            drawn = badge(x + w / 2, y + h / 2, number, size=layout.BADGE_FONT)
            out.badges.append(drawn.replace('<g class="badge">', f'<g class="badge" data-transition="{number}">', 1))
        elif name.startswith(("in", "out")):
            out.lines.append(_connector(plan, box, name, x + w / 2, y + h / 2, x0, y0))
        elif name.removeprefix("s_") in box.inner:
            _draw(plan, box.inner[name.removeprefix("s_")], x + pad, y + pad, marker, out)
        else:
            _state(plan, plan.states[name.removeprefix("s_")], (x, y, w, h), out)
    for edge in box.graph.edges:
        if not edge.id:
            continue
        number, _, sid = edge.id.partition(":")
        data = "" if number == "initial" else f' data-transition="{number}" data-state="{sid}"'
        arrow = f' marker-end="url(#{marker})"' if edge.tip is not None else ""
        path = _path(edge, box, ox, oy)
        out.lines.append(f'<path d="{path}" fill="none" stroke="black" stroke-width="1.1"{data}{arrow}/>')


def _heading(plan: layout.Plan, sid: str, x: float, y: float) -> str:
    lines = plan.headings[sid]
    return text(x, y + layout.FONT_SIZE, lines, anchor="start", size=layout.FONT_SIZE, weight="bold", line=layout.LINE)


def _state(plan: layout.Plan, state: State, place: tuple[float, float, float, float], out: _Layers) -> None:
    x, y, w, h = place
    out.boxes.append(rect(x, y, w, h, rx=6, extra=f' data-state="{state.id}"'))
    if state.final:
        inset = layout.FINAL / 2
        out.boxes.append(rect(x + inset, y + inset, w - 2 * inset, h - 2 * inset, rx=4))
    lines = plan.lines[state.id]
    top = y + h / 2 - layout.LINE * len(lines) / 2
    out.words.append(text(x + w / 2, top + layout.FONT_SIZE - 2, lines, size=layout.FONT_SIZE, line=layout.LINE))


def _connector(plan: layout.Plan, box: layout.Box, name: str, cx: float, cy: float, x0: float, y0: float) -> str:
    """The line from a port, PAD outside a box's border, to its entry or exit point inside the box."""
    far, offset = box.ports[name]
    pad = layout.PAD
    if plan.rankdir == "TB":
        bx, by = x0 + offset, (y0 + box.height + pad) if far else (y0 - pad)
    else:
        bx, by = (x0 + box.width + pad) if far else (x0 - pad), y0 + offset
    junction = name[2:] if name.startswith("in") else name[3:].rsplit("_", 1)[0]
    number = plan.junctions[junction].number
    ends = (bx, by, cx, cy) if name.startswith("in") else (cx, cy, bx, by)
    return (
        f'<path d="M{n(ends[0])},{n(ends[1])} L{n(ends[2])},{n(ends[3])}" fill="none" stroke="black" '
        f'stroke-width="1.1" data-transition="{number}"/>'
    )


def _path(edge: graphviz.Edge, box: layout.Box, ox: float, oy: float) -> str:
    """An edge's route as SVG path data, moved by (ox, oy): its Bezier segments, then a line to its
    arrow's tip. An end at a box holding states but at none of its ports is carried on, across the
    room kept clear around the box, to its border."""
    points = [(x + ox, y + oy) for x, y in edge.points]
    tip = None if edge.tip is None else (edge.tip[0] + ox, edge.tip[1] + oy)
    parts = []
    if edge.tail.removeprefix("s_") in box.inner and not edge.ported[0]:
        parts.append(_onto(points[0], _place(box, edge.tail, ox, oy)))
    parts.append(f"M{n(points[0][0])},{n(points[0][1])}" if not parts else f"L{n(points[0][0])},{n(points[0][1])}")
    for i in range(1, len(points) - 2, 3):
        (ax, ay), (bx, by), (cx, cy) = points[i : i + 3]
        parts.append(f"C{n(ax)},{n(ay)} {n(bx)},{n(by)} {n(cx)},{n(cy)}")
    end = tip if tip is not None else points[-1]
    if tip is not None:
        parts.append(f"L{n(tip[0])},{n(tip[1])}")
    if edge.head.removeprefix("s_") in box.inner and not edge.ported[1]:
        parts.append(_onto(end, _place(box, edge.head, ox, oy)).replace("M", "L"))
    return " ".join(parts)


def _place(box: layout.Box, node: str, ox: float, oy: float) -> tuple[float, float, float, float]:
    x, y, w, h = box.graph.nodes[node]
    return x + ox, y + oy, w, h


def _onto(point: tuple[float, float], place: tuple[float, float, float, float]) -> str:
    """A move to the point on a box's border straight in from `point`, which is on the border of the
    room kept clear around it (for a path's first point, which then lines to `point`; the last, M
    replaced by L)."""
    (px, py), (x, y, w, h) = point, place
    sides = {(px, py + layout.PAD): abs(py - y), (px, py - layout.PAD): abs(py - y - h)}
    sides |= {(px + layout.PAD, py): abs(px - x), (px - layout.PAD, py): abs(px - x - w)}
    (bx, by), _ = min(sides.items(), key=lambda item: item[1])
    return f"M{n(bx)},{n(by)}"
