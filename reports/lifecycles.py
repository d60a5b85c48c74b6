"""Lifecycle diagrams for the report: each lifecycle of a protocol drawn as an SVG statechart.

A lifecycle is drawn left to right. Its states are rounded boxes; a compound state is a grey box
holding its own little diagram, a parallel state stacks its regions with dashed borders, a final
state has a double border, and a dot with an arrow marks where each box starts. States are put in
columns by how many transitions it takes to reach them from the start (a transition back to an
earlier column is drawn as a curve below); within a column they are ordered to keep arrows short.

Arrows carry numbered badges instead of labels, so they never overlap; the table that goes with a
diagram (`Diagram.arrows`) gives each number's event, source and target states, condition in words
and clauses. Drawn without graphviz or any network access, the same protocol gives the same SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.conditions import describe
from ..model.schema import Lifecycle, Protocol, State
from .svg import arrow_marker, badge, n, page, rect, text, text_width, wrap

PAD = 12  # inside a box, around its contents
START = 26  # room on the left of a box for its start dot
HEADER_LINE = 14
COLUMN_GAP = 58
ROW_GAP = 22
MARGIN = 56  # around the drawing: room for curves that leave the boxes
Rect = tuple[float, float, float, float]  # x, y, width, height
LANE = 18  # between the lanes that long arrows run along, above and below the boxes


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
class Diagram:
    """One lifecycle drawn: its SVG and the table of its numbered arrows."""

    id: str
    name: str
    svg: str
    arrows: tuple[Arrow, ...]
    states: int


@dataclass
class _Box:
    """A state (or the lifecycle itself) being laid out; x and y are relative to the parent box."""

    id: str
    lines: list[str]
    children: list[_Box] = field(default_factory=list)
    initial: str | None = None
    parallel: bool = False
    final: bool = False
    w: float = 0.0
    h: float = 0.0
    x: float = 0.0
    y: float = 0.0
    header: float = 0.0


def diagrams(protocol: Protocol) -> list[Diagram]:
    """Every lifecycle of the protocol, drawn."""
    events = {e.id: e.name for e in protocol.events}
    return [_diagram(lifecycle, events) for lifecycle in protocol.lifecycles]


def _diagram(lifecycle: Lifecycle, events: dict[str, str]) -> Diagram:
    names: dict[str, str] = {}
    root = _Box(
        lifecycle.id, [], [_box(s, names) for s in lifecycle.states], lifecycle.initial or lifecycle.states[0].id
    )
    pairs = [(s, t.target) for t in lifecycle.transitions for s in t.source]
    paths = _paths(root)
    _size(root, pairs, paths, top=True)
    places = _absolute(root, 0, 0)
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
    numbers: dict[tuple[str, str], list[int]] = {}
    for i, transition in enumerate(lifecycle.transitions, start=1):
        for source in transition.source:
            numbers.setdefault((source, transition.target), []).append(i)
    marker = f"arrow-{lifecycle.id}"
    routes = _routes(list(numbers), places, paths)
    above = max((r.lane + 1 for r in routes.values() if r.side == "top"), default=0) * LANE
    below = max((r.lane + 1 for r in routes.values() if r.side == "bottom"), default=0) * LANE
    body = _draw(root, places, top=True)
    lines, badges = [], []
    for pair, numbered in numbers.items():
        path, middle = routes[pair].path, routes[pair].middle
        lines.append(f'<path d="{path}" fill="none" stroke="black" stroke-width="1.1" marker-end="url(#{marker})"/>')
        badges.append(badge(*middle, ",".join(map(str, numbered))))
    shift = f'<g transform="translate({n(MARGIN / 2)},{n(above + MARGIN / 2)})">'
    body = [arrow_marker(marker), shift, *body, *lines, *badges, "</g>"]
    width, height = root.w + MARGIN * 1.5, root.h + above + below + MARGIN
    svg = page(width, height, body, title=f"{lifecycle.name}: states and transitions", css_class="lifecycle")
    return Diagram(lifecycle.id, lifecycle.name, svg, arrows, len(paths) - 1)


def _box(state: State, names: dict[str, str]) -> _Box:
    label = names[state.id] = state.name or state.id.replace("_", " ")
    children = [_box(child, names) for child in state.states]
    initial = (state.initial or state.states[0].id) if state.states and not state.parallel else None
    return _Box(state.id, wrap(label, 22 if not children else 30), children, initial, state.parallel, state.final)


def _paths(root: _Box) -> dict[str, tuple[str, ...]]:
    """For every box id, the ids of the boxes from the root down to it."""
    found: dict[str, tuple[str, ...]] = {}

    def walk(box: _Box, above: tuple[str, ...]) -> None:
        found[box.id] = (*above, box.id)
        for child in box.children:
            walk(child, found[box.id])

    walk(root, ())
    return found


# --- sizes and positions ---------------------------------------------------------------------------


def _size(box: _Box, pairs: list[tuple[str, str]], paths: dict[str, tuple[str, ...]], top: bool = False) -> None:
    """Set the size of `box` and the positions of its children inside it."""
    for child in box.children:
        _size(child, pairs, paths)
    if not box.children:
        box.w = max(84.0, text_width(box.lines) + 22)
        box.h = 14.0 + HEADER_LINE * len(box.lines) + 4
        return
    box.header = 0.0 if top else HEADER_LINE * len(box.lines) + 10
    if box.parallel:
        y = box.header
        for child in box.children:
            child.x, child.y = PAD, y
            y += child.h + PAD
        inner_w = max(child.w for child in box.children) + 2 * PAD
        box.w, box.h = max(inner_w, text_width(box.lines) + 24), y
        return
    columns = _columns(box, pairs, paths)
    x = START + PAD
    heights = [sum(c.h for c in column) + ROW_GAP * (len(column) - 1) for column in columns]
    tallest = max(heights)
    for column, height in zip(columns, heights):
        y = box.header + PAD + (tallest - height) / 2
        for child in column:
            child.x, child.y = x, y
            y += child.h + ROW_GAP
        x += max(c.w for c in column) + COLUMN_GAP
    box.w = max(x - COLUMN_GAP + PAD, text_width(box.lines) + 24)
    box.h = box.header + tallest + 2 * PAD


def _columns(box: _Box, pairs: list[tuple[str, str]], paths: dict[str, tuple[str, ...]]) -> list[list[_Box]]:
    """The children of `box` in columns: by longest forward path from the start, then ordered so each
    sits near the boxes it is joined to in earlier columns."""
    by_id = {child.id: child for child in box.children}
    depth = len(paths[box.id])
    links: list[tuple[str, str]] = []  # transitions between different children, lifted to the children
    for source, target in pairs:
        s, t = paths[source], paths[target]
        if len(s) > depth and len(t) > depth and s[:depth] == t[:depth] == paths[box.id] and s[depth] != t[depth]:
            links.append((s[depth], t[depth]))
    order = [box.initial] if box.initial in by_id else []
    for visiting in order:  # breadth first, in the order the protocol declares transitions
        order += [t for t in dict.fromkeys(t for s, t in links if s == visiting) if t not in order]
    order += [c.id for c in box.children if c.id not in order]
    rank_of = {child: i for i, child in enumerate(order)}
    column = dict.fromkeys(order, 0)
    for child in order:
        for s, t in links:
            if s == child and rank_of[t] > rank_of[s]:
                column[t] = max(column[t], column[s] + 1)
    count = max(column.values()) + 1
    columns: list[list[str]] = [[c for c in order if column[c] == k] for k in range(count)]
    for k in range(1, count):
        placed = {c: i for j in range(k) for i, c in enumerate(columns[j])}

        def centre(child: str, placed: dict[str, int] = placed) -> tuple[float, int]:
            near = [placed[o] for s, t in links for o, me in ((s, t), (t, s)) if me == child and o in placed]
            return (sum(near) / len(near) if near else float(rank_of[child]), rank_of[child])

        columns[k].sort(key=centre)
    return [[by_id[c] for c in col] for col in columns]


def _absolute(root: _Box, x: float, y: float) -> dict[str, Rect]:
    """Every box's rectangle (x, y, w, h) on the page."""
    places: dict[str, tuple[float, float, float, float]] = {}

    def walk(box: _Box, ox: float, oy: float) -> None:
        places[box.id] = (ox + box.x, oy + box.y, box.w, box.h)
        for child in box.children:
            walk(child, ox + box.x, oy + box.y)

    walk(root, x, y)
    return places


# --- drawing -----------------------------------------------------------------------------------------


def _draw(box: _Box, places: dict[str, Rect], top: bool = False) -> list[str]:
    x, y, w, h = places[box.id]
    parts: list[str] = []
    if not top:
        if box.children:
            parts.append(rect(x, y, w, h, fill="#f2f2f2", dashed=box.parallel, extra=f' data-state="{box.id}"'))
            parts.append(text(x + 10, y + 16, box.lines, anchor="start", weight="bold"))
        else:
            parts.append(rect(x, y, w, h, extra=f' data-state="{box.id}"'))
            if box.final:
                parts.append(rect(x + 3, y + 3, w - 6, h - 6, rx=4))
            parts.append(text(x + w / 2, y + 16, box.lines))
    if box.initial is not None:
        ix, iy, _, ih = places[box.initial]
        cy = iy + min(ih / 2, 16)
        parts.append(f'<circle cx="{n(ix - START + 4)}" cy="{n(cy)}" r="4" fill="black"/>')
        parts.append(f'<path d="M{n(ix - START + 8)},{n(cy)} L{n(ix - 1)},{n(cy)}" stroke="black" stroke-width="1.1"/>')
    for child in box.children:
        parts += _draw(child, places)
    return parts


@dataclass(frozen=True)
class _Route:
    """How one arrow is drawn: an SVG path, where its badge sits, and the lane it runs in, if any."""

    path: str
    middle: tuple[float, float]
    side: str = ""  # "top" or "bottom" for an arrow routed along a lane above or below the boxes
    lane: int = 0


def _routes(
    pairs: list[tuple[str, str]], places: dict[str, Rect], paths: dict[str, tuple[str, ...]]
) -> dict[tuple[str, str], _Route]:
    """A route for every arrow. Arrows to the next column are curves; arrows to a box in the same
    column, or one inside the other, curve round the right; longer arrows forward run along a lane
    above the boxes and arrows back along a lane below, each lane shared by arrows that do not overlap."""
    routes: dict[tuple[str, str], _Route] = {}
    laned: dict[str, list[tuple[str, str]]] = {"top": [], "bottom": []}
    for source, target in pairs:
        sx, sy, sw, sh = places[source]
        tx, ty, tw, th = places[target]
        nested = source in paths[target] or target in paths[source]
        if source == target:
            start, end = (sx + sw, sy + sh * 0.3), (sx + sw, sy + sh * 0.7)
            routes[source, target] = _bezier(start, (start[0] + 34, start[1] - 10), (end[0] + 34, end[1] + 10), end)
        elif not nested and sx + sw + 4 <= tx <= sx + sw + COLUMN_GAP + 8:
            start, end = (sx + sw, sy + min(sh / 2, 16)), (tx, ty + min(th / 2, 16))
            dx = max(24.0, (end[0] - start[0]) / 2)
            routes[source, target] = _bezier(start, (start[0] + dx, start[1]), (end[0] - dx, end[1]), end)
        elif nested or tx < sx + sw and sx < tx + tw:
            start, end = (sx + sw, sy + min(sh / 2, 16)), (tx + tw, ty + min(th / 2, 16))
            right = max(start[0], end[0]) + 40
            routes[source, target] = _bezier(start, (right, start[1]), (right, end[1]), end)
        else:
            laned["top" if tx > sx else "bottom"].append((source, target))
    bottom_of_boxes = max(y + h for _, y, _, h in places.values())
    for side, group in laned.items():
        ends = _attachments(group, places)
        lanes = _lanes([tuple(sorted((ends[p, 0], ends[p, 1]))) for p in group])
        for pair, lane in zip(group, lanes):
            (sx, sy, sw, sh), (tx, ty, tw, th) = places[pair[0]], places[pair[1]]
            x1, x2 = ends[pair, 0], ends[pair, 1]
            if side == "top":
                y1, y2, level = sy, ty, -LANE * (lane + 1) + 4
            else:
                y1, y2, level = sy + sh, ty + th, bottom_of_boxes + LANE * (lane + 1) - 4
            path = f"M{n(x1)},{n(y1)} V{n(level)} H{n(x2)} V{n(y2)}"
            routes[pair] = _Route(path, ((x1 + x2) / 2, level), side, lane)
    return routes


def _attachments(group: list[tuple[str, str]], places: dict[str, Rect]) -> dict[tuple[tuple[str, str], int], float]:
    """Where each laned arrow leaves its source (key index 0) and reaches its target (1): spread along
    the box's edge, ordered by where the other end is, so arrows at one box do not overlap."""
    at: dict[str, list[tuple[float, tuple[str, str], int]]] = {}
    for pair in group:
        source, target = pair
        at.setdefault(source, []).append((_centre(places[target]), pair, 0))
        at.setdefault(target, []).append((_centre(places[source]), pair, 1))
    ends: dict[tuple[tuple[str, str], int], float] = {}
    for box, uses in at.items():
        x, _, w, _ = places[box]
        uses.sort(key=lambda use: (use[0], use[2]))
        for i, (_, pair, end) in enumerate(uses):
            ends[pair, end] = x + w * (i + 1) / (len(uses) + 1)
    return ends


def _lanes(spans: list[tuple[float, float]]) -> list[int]:
    """A lane for each horizontal span, the lowest free one; spans in one lane keep apart."""
    taken: list[list[tuple[float, float]]] = []
    chosen = [0] * len(spans)
    for i in sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i])):
        low, high = spans[i]
        lane = next(
            (k for k, used in enumerate(taken) if all(high + 24 < a or b + 24 < low for a, b in used)), len(taken)
        )
        if lane == len(taken):
            taken.append([])
        taken[lane].append((low, high))
        chosen[i] = lane
    return chosen


def _centre(place: Rect) -> float:
    return place[0] + place[2] / 2


def _bezier(
    start: tuple[float, float], c1: tuple[float, float], c2: tuple[float, float], end: tuple[float, float]
) -> _Route:
    middle = ((start[0] + 3 * c1[0] + 3 * c2[0] + end[0]) / 8, (start[1] + 3 * c1[1] + 3 * c2[1] + end[1]) / 8)
    path = f"M{n(start[0])},{n(start[1])} C{n(c1[0])},{n(c1[1])} {n(c2[0])},{n(c2[1])} {n(end[0])},{n(end[1])}"
    return _Route(path, middle)
