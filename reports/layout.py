"""A lifecycle laid out box by box: where every state, badge and line of its diagram goes.

A lifecycle is a tree of boxes: the lifecycle itself, and each state that holds states. Each box
is laid out on its own by `dot` (`graphviz`), innermost first: its own states are nodes, a state
holding states is one node of the size of its laid-out inside, and each transition is a badge node
(a `Junction`) in the innermost box that holds its states. A line that crosses a box's border does so at a
port: in the box's own layout it starts at an entry point on the side where layers begin (top, or
left) or ends at an exit point on the opposite side; in the layout around the box it ends or starts
at a port placed exactly there. So every line is routed by `dot` among the nodes of one box only,
and none runs through a box it does not join.

Transitions are drawn as UML junctions: a line from each source state to the transition's badge,
an arrow from the badge to the target. The layers follow the fewest transitions from the start, so
a diagram reads from its start onwards; lines leading back do not set the layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

from ..model.schema import Lifecycle, State
from . import graphviz
from .svg import badge_width, text_width, wrap

FONT_SIZE = 13  # px: state names
LINE = 17  # px between lines of a state name
PAD_X, PAD_Y = 10, 8  # inside a state's box, around its name
MARGIN = 10  # inside a box holding states, around its layout
BADGE_FONT = 11
BADGE_HEIGHT = 18
FINAL = 8  # room for the inner border of a final state
GRAPH = 'nodesep=0.25; ranksep=0.35; bgcolor="transparent";'
PAD = 8  # px kept clear around a box holding states, so lines routed round it do not touch it
SIDES = {"TB": ("n", "s"), "LR": ("w", "e")}  # the compass side of a port on a box's near and far side


@dataclass
class Box:
    """A box laid out: the lifecycle or a state holding states, `width` by `height` px. `graph` is the
    layout of its inside, placed at (MARGIN, MARGIN + top) in the box, below a band of `top` px for
    its name where its layers run left to right. `ports` gives each port by name (`in<number>` for
    an entry, `out<number>_<source index>` for an exit): whether it is on the far side (where the
    layers end) and its offset along that side. `inner` holds the boxes inside it."""

    id: str
    width: int
    height: int
    graph: graphviz.Layout
    top: int = 0
    ports: dict[str, tuple[bool, int]] = field(default_factory=dict)
    inner: dict[str, Box] = field(default_factory=dict)


@dataclass(frozen=True)
class Junction:
    """Where the lines of a transition meet: a badge numbered as the transition, in `home`, the
    innermost box holding its target and the sources it joins. A transition has one junction for
    each box its sources share with its target (most have one), so lines between states inside a
    box stay inside it."""

    name: str  # the node's name: "t<number>_<junction index>"
    number: int
    home: str
    sources: tuple[tuple[int, str], ...]  # (index among the transition's sources, state id)
    target: str


class Plan:
    """How a lifecycle is drawn with state names wrapped at `width` characters and layers running
    `rankdir` (TB: top to bottom, LR: left to right): the DOT graph of every box, and their layouts.
    Ports are named `in<junction>` (an entry) and `out<junction>_<source index>` (an exit)."""

    def __init__(self, lifecycle: Lifecycle, names: dict[str, str], width: int, rankdir: str):
        self.lifecycle, self.rankdir = lifecycle, rankdir
        self.lines = {sid: wrap(name, width) for sid, name in names.items()}
        self.headings = {sid: wrap(name, width + 14) for sid, name in names.items()}
        self.states: dict[str, State] = {}
        self.paths: dict[str, tuple[str, ...]] = {lifecycle.id: (lifecycle.id,)}
        self._place(lifecycle.states, (lifecycle.id,))
        self.junctions: dict[str, Junction] = {}
        for number, transition in enumerate(lifecycle.transitions, start=1):
            groups: dict[str, list[tuple[int, str]]] = {}
            for k, source in enumerate(transition.source):
                groups.setdefault(self._home(source, transition.target), []).append((k, source))
            for j, (home, sources) in enumerate(groups.items()):
                name = f"t{number}_{j}"
                self.junctions[name] = Junction(name, number, home, tuple(sources), transition.target)
        self.steps = self._steps()

    def _place(self, states: tuple[State, ...], above: tuple[str, ...]) -> None:
        for state in states:
            self.states[state.id] = state
            self.paths[state.id] = (*above, state.id)
            self._place(state.states, self.paths[state.id])

    def _home(self, source: str, target: str) -> str:
        """The innermost box holding both states."""
        shared = [a for a, b in zip(self.paths[source][:-1], self.paths[target][:-1]) if a == b]
        return shared[-1]

    def _steps(self) -> dict[str, int]:
        """For every state and junction, the fewest steps from the lifecycle's start (entering a
        box, then its first state, each take a step); a box entered straight into one of its states
        counts as entered a step before. Anything never reached is left out."""
        follows: dict[str, list[str]] = {self.lifecycle.id: [self._initials(self.lifecycle)[0]]}
        for state in self.states.values():
            if state.states:
                follows[state.id] = self._initials(state)
        for junction in self.junctions.values():
            for _, source in junction.sources:
                for sid in self._inside(source):
                    follows.setdefault(sid, []).append(junction.name)
            follows[junction.name] = [junction.target]
        steps = {self.lifecycle.id: 0}
        queue = [self.lifecycle.id]
        for here in queue:
            for there in follows.get(here, ()):
                if there not in steps:
                    steps[there] = steps[here] + 1
                    queue.append(there)
        for sid in sorted(self.states, key=lambda sid: -len(self.paths[sid])):
            inside = [steps[i] for i in self._inside(sid) - {sid} if i in steps]
            if inside and (sid not in steps or steps[sid] >= min(inside)):
                steps[sid] = min(inside) - 1
        return steps

    def _initials(self, box: Lifecycle | State) -> list[str]:
        if isinstance(box, State) and box.parallel:
            return [region.id for region in box.states]
        return [box.initial or box.states[0].id]

    def _inside(self, box: str) -> set[str]:
        """The ids of the states inside a box, and the box itself."""
        return {sid for sid, path in self.paths.items() if box in path and sid in self.states}

    def ahead(self, tail: str, head: str) -> bool:
        """Whether a line from `tail` to `head` (states or junctions) leads away from the start."""
        never = len(self.steps) + 1
        return self.steps.get(tail, never) < self.steps.get(head, never)

    # --- laying out, innermost box first --------------------------------------------------------

    def box(self, box_id: str) -> Box:
        """The box laid out, with every box inside it."""
        state = self.states.get(box_id)
        children = self.lifecycle.states if state is None else state.states
        inner = {child.id: self.box(child.id) for child in children if child.states}
        graph = graphviz.layout(self.dot(box_id, inner))
        top = LINE * len(self.headings[box_id]) + 6 if state is not None and self.rankdir == "LR" else 0
        along, start = (0, MARGIN) if self.rankdir == "TB" else (1, MARGIN + top)
        ports = {
            name: (self._far(name), round(start + place[along] + place[along + 2] / 2))
            for name, place in graph.nodes.items()
            if name.startswith(("in", "out"))
        }
        width, height = ceil(graph.width + 2 * MARGIN), ceil(graph.height + 2 * MARGIN + top)
        if top:  # wide enough for its name in the band along the top
            width = max(width, ceil(text_width(self.headings[box_id], FONT_SIZE) + 2 * MARGIN))
        return Box(box_id, width, height, graph, top, ports, inner)

    def _far(self, port: str) -> bool:
        """Whether a port is on the far side of its box: an exit onwards, or an entry from further on."""
        if port.startswith("in"):
            junction = self.junctions[port[2:]]
            return not self.ahead(junction.name, junction.target)
        name, index = port[3:].rsplit("_", 1)
        junction = self.junctions[name]
        return self.ahead(dict(junction.sources)[int(index)], junction.name)

    def dot(self, box_id: str, inner: dict[str, Box]) -> str:
        """The DOT graph of one box's inside."""
        state = self.states.get(box_id)
        children = self.lifecycle.states if state is None else state.states
        out = [
            f"digraph {graphviz.quote(box_id)} {{",
            f"rankdir={self.rankdir}; {GRAPH}",
            'node [shape=box, fixedsize=true, label=""];',
        ]
        layers: dict[bool, list[str]] = {False: [], True: []}  # the first layer and the last
        if state is not None and self.rankdir == "TB":
            heading = self.headings[box_id]
            w, h = text_width(heading, FONT_SIZE) + 4, LINE * len(heading)
            out.append(f"heading [width={w / 72:.4f}, height={h / 72:.4f}];")
            layers[False].append("heading")
        if state is None or not state.parallel:
            out.append("start [shape=point, width=0.12, height=0.12];")
            initial = self._initials(self.lifecycle if state is None else state)[0]
            out.append(f'start -> {node(initial)} [id="initial", arrowsize=0.7];')
            layers[False].append("start")
        for child in children:
            out.append(self._node(child, inner.get(child.id)))
        if state is not None and state.parallel and len(children) > 1:
            out.append("{rank=same; " + " ".join(node(child.id) for child in children) + "}")
        for junction in self.junctions.values():
            out += self._junction(box_id, junction, layers)
        for rank, names in (("min", layers[False]), ("max", layers[True])):
            if names:
                out.append(f"{{rank={rank}; {' '.join(names)}}}")
        out.append("}")
        return "\n".join(out) + "\n"

    def _junction(self, box_id: str, junction: Junction, layers: dict[bool, list[str]]) -> list[str]:
        """A junction's badge and lines inside one box, and its ports on the box's first or last layer."""
        out = []
        name, number, home = junction.name, junction.number, junction.home
        if home == box_id:
            size = f"width={badge_width(str(number), BADGE_FONT) / 72:.4f}, height={BADGE_HEIGHT / 72:.4f}"
            out.append(f"{name} [{size}];")
        for k, source in junction.sources:
            port = f"out{name}_{k}"
            if home == box_id:
                out.append(self._line(self._end(box_id, source, port), name, number, source, self.ahead(source, name)))
            elif self._between(box_id, source, home):
                far = self._far(port)
                layers[far].append(port)
                out.append(f"{port} [shape=point, width=0.01, height=0.01];")
                out.append(self._line(self._end(box_id, source, port), port, number, source, far))
        target, port = junction.target, f"in{name}"
        if home == box_id:
            out.append(self._line(name, self._end(box_id, target, port), number, target, self.ahead(name, target)))
        elif self._between(box_id, target, home):
            far = self._far(port)
            layers[far].append(port)
            out.append(f"{port} [shape=point, width=0.01, height=0.01];")
            out.append(self._line(port, self._end(box_id, target, port), number, target, not far))
        return out

    def _between(self, box_id: str, sid: str, home: str) -> bool:
        """Whether the box lies between a state and the box its junction is in."""
        path = self.paths[sid]
        return box_id in path[:-1] and home in path and path.index(home) < path.index(box_id)

    def _end(self, box_id: str, sid: str, port: str) -> str:
        """Where a line to or from state `sid` ends inside box `box_id`: the state's node, or the
        named port of the box inside it that holds the state."""
        child = self.paths[sid][len(self.paths[box_id])]
        if child == sid:
            return node(sid)
        return f"{node(child)}:{port}:{SIDES[self.rankdir][self._far(port)]}"

    def _line(self, tail: str, head: str, number: int, sid: str, constrained: bool) -> str:
        """A line of transition `number` with state `sid` at one end; an arrow only into a state."""
        into = head == node(sid)
        attributes = [f'id="{number}:{sid}"'] + ["arrowhead=none"] * (not into)
        attributes += ["constraint=false"] * (not constrained)
        return f"{tail} -> {head} [{', '.join(attributes)}];"

    def _node(self, state: State, box: Box | None) -> str:
        if box is None:
            lines = self.lines[state.id]
            extra = FINAL if state.final else 0
            w = text_width(lines, FONT_SIZE) + 2 * PAD_X + extra
            h = LINE * len(lines) + 2 * PAD_Y + extra
            return f"{node(state.id)} [width={w / 72:.4f}, height={h / 72:.4f}];"
        return f"{node(state.id)} [shape=plain, fixedsize=false, label={ports(box, self.rankdir)}];"


def node(sid: str) -> str:
    """A state's node in DOT: its id with a prefix no other node has (start, heading, a junction
    `t<number>_<index>`, a port `in...` or `out...`)."""
    return graphviz.quote("s_" + sid)


def ports(box: Box, rankdir: str) -> str:
    """An HTML label of the box's size and PAD around it, with each of the box's ports on its side."""
    width, height = box.width + 2 * PAD, box.height + 2 * PAD
    length = width if rankdir == "TB" else height
    near, far = (
        _side({name: at + PAD for name, (side, at) in box.ports.items() if side == which}, length, rankdir)
        for which in (False, True)
    )
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
    if rankdir == "TB":
        rows = f"<TR>{_wrap(near, width, 1)}</TR><TR>{_cell(width, height - 2)}</TR><TR>{_wrap(far, width, 1)}</TR>"
    else:
        rows = f"<TR>{_wrap(near, 1, height)}{_cell(width - 2, height)}{_wrap(far, 1, height)}</TR>"
    return f"<{table}{rows}</TABLE>>"


def _side(named: dict[str, int], length: int, rankdir: str) -> str:
    """A nested table of cells along one side, `length` long, with a 2-point port cell centred at
    each offset."""
    cells, at = [], 0
    for name, offset in sorted(named.items(), key=lambda item: item[1]):
        start = max(at, min(offset - 1, length - 2))
        if start > at:
            cells.append((None, start - at))
        cells.append((name, 2))
        at = start + 2
    if length > at:
        cells.append((None, length - at))
    if rankdir == "TB":
        inside = "".join(_cell(size, 1, port) for port, size in cells)
        rows = f"<TR>{inside}</TR>"
    else:
        rows = "".join(f"<TR>{_cell(1, size, port)}</TR>" for port, size in cells)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'


def _wrap(table: str, width: int, height: int) -> str:
    return f'<TD FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}">{table}</TD>'


def _cell(width: int, height: int, port: str | None = None) -> str:
    named = f' PORT="{port}"' if port else ""
    return f'<TD{named} FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}"></TD>'
