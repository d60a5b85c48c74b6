"""Diagrams of a protocol's lifecycles: Mermaid `stateDiagram-v2` and Graphviz DOT text.

Each lifecycle is drawn as its own box (a composite state, a cluster), compound states as boxes
inside it, the regions of a parallel state separated by `--` (Mermaid) or as clusters in a dashed
cluster (DOT); every transition is an arrow labelled `event [guard in words]`, once per source state.

The lifecycles are orthogonal regions of one case, but they are drawn side by side rather than
inside one parallel "case" state: Mermaid fails to render an arrow from or to a composite state
inside a `--` region (mermaid-js/mermaid#4052), and every lifecycle has such arrows (remanded ->
custody). python-statemachine's own renderers are not used for the same reason: its Mermaid renderer
works around that bug by redrawing such arrows from or to the composite's initial child (remanded ->
custody would be drawn from rilaa only), and its DOT renderer needs pydot.
"""

from __future__ import annotations

from itertools import takewhile

from ..model.conditions import describe
from ..model.schema import Lifecycle, Protocol, State

Edge = tuple[str, str, str]  # source state id, target state id, label


def to_mermaid(protocol: Protocol) -> str:
    """The protocol's lifecycles as a Mermaid state diagram."""
    drawing = _Drawing(protocol)
    lines = ["stateDiagram-v2", f"    %% {protocol.metadata.id}: a case is in one state of each lifecycle at once"]
    for lifecycle in protocol.lifecycles:
        lines += drawing.mermaid_box(lifecycle, 1)
    return "\n".join(lines) + "\n"


def to_dot(protocol: Protocol) -> str:
    """The protocol's lifecycles as a Graphviz DOT digraph, one cluster per lifecycle and compound state."""
    drawing = _Drawing(protocol)
    lines = [
        f"digraph {_quote(protocol.metadata.id)} {{",
        f"  label={_quote(protocol.metadata.title)}; labelloc=t; compound=true; rankdir=LR;",
        "  node [shape=box, style=rounded, fontname=Helvetica, fontsize=10];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    for lifecycle in protocol.lifecycles:
        lines += drawing.dot_cluster(lifecycle, 1)
    lines += ["  " + drawing.dot_edge(edge) for edges in drawing.edges.values() for edge in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


class _Drawing:
    """What both renderers need: where each state sits, and each transition arrow under the innermost
    box that holds both its ends."""

    def __init__(self, protocol: Protocol):
        self.paths: dict[str, tuple[str, ...]] = {}  # state id -> its lifecycle id, enclosing state ids, itself
        self.boxes: set[str] = set()  # ids of lifecycles and of states with child states
        for lifecycle in protocol.lifecycles:
            self.boxes.add(lifecycle.id)
            self._place(lifecycle.states, (lifecycle.id,))
        self.edges: dict[str, list[Edge]] = {}  # innermost enclosing box id -> arrows
        for lifecycle in protocol.lifecycles:
            for transition in lifecycle.transitions:
                label = transition.event + (f" [{describe(transition.guard)}]" if transition.guard else "")
                for source in transition.source:
                    edge = (source, transition.target, label)
                    self.edges.setdefault(self._innermost_box(source, transition.target), []).append(edge)

    def _place(self, states: tuple[State, ...], path: tuple[str, ...]) -> None:
        for state in states:
            self.paths[state.id] = (*path, state.id)
            if state.states:
                self.boxes.add(state.id)
                self._place(state.states, self.paths[state.id])

    def _innermost_box(self, source: str, target: str) -> str:
        shared = takewhile(lambda pair: pair[0] == pair[1], zip(self.paths[source][:-1], self.paths[target][:-1]))
        return [box for box, _ in shared][-1]

    def _inside(self, state: str, box: str) -> bool:
        return box in self.paths[state][:-1]

    # --- Mermaid ---------------------------------------------------------------------------------

    def mermaid_box(self, box: Lifecycle | State, depth: int) -> list[str]:
        pad = "    " * depth
        lines = [f"{pad}state {_mermaid_name(box.name)}{box.id} {{"]
        if _is_parallel(box):
            for i, child in enumerate(box.states):
                lines += [f"{pad}    --"] * (i > 0) + self.mermaid_state(child, depth + 1)
        else:
            lines.append(f"{pad}    [*] --> {_initial(box)}")
            for child in box.states:
                lines += self.mermaid_state(child, depth + 1)
        lines += [f"{pad}    {source} --> {target} : {label}" for source, target, label in self.edges.get(box.id, ())]
        lines += [f"{pad}    {child.id} --> [*]" for child in box.states if child.final]
        lines.append(f"{pad}}}")
        return lines

    def mermaid_state(self, state: State, depth: int) -> list[str]:
        if state.states:
            return self.mermaid_box(state, depth)
        return ["    " * depth + (f"state {_mermaid_name(state.name)}{state.id}" if state.name else state.id)]

    # --- DOT -------------------------------------------------------------------------------------

    def dot_cluster(self, box: Lifecycle | State, depth: int) -> list[str]:
        """A box as a cluster; its node of the same id is its initial dot (invisible for a parallel
        state), where arrows to and from the box attach."""
        pad = "  " * depth
        anchor = _quote(box.id)
        parallel = _is_parallel(box)
        lines = [
            f"{pad}subgraph {_quote('cluster_' + box.id)} {{",
            f"{pad}  label={_quote(box.name or box.id)}; style={'dashed' if parallel else 'rounded'};",
            f"{pad}  {anchor} [shape=point{', style=invis' if parallel else ''}];",
        ]
        if not parallel:
            lines.append(f"{pad}  {anchor} -> {_quote(_initial(box))};")
        for child in box.states:
            lines += self.dot_state(child, depth + 1)
        lines.append(f"{pad}}}")
        return lines

    def dot_state(self, state: State, depth: int) -> list[str]:
        if state.states:
            return self.dot_cluster(state, depth)
        final = ", peripheries=2" if state.final else ""
        return ["  " * depth + f"{_quote(state.id)} [label={_quote(state.name or state.id)}{final}];"]

    def dot_edge(self, edge: Edge) -> str:
        source, target, label = edge
        attributes = [f"label={_quote(label)}"]
        if source in self.boxes and not self._inside(target, source):
            attributes.append(f"ltail={_quote('cluster_' + source)}")
        if target in self.boxes and not self._inside(source, target):
            attributes.append(f"lhead={_quote('cluster_' + target)}")
        return f"{_quote(source)} -> {_quote(target)} [{', '.join(attributes)}];"


def _initial(box: Lifecycle | State) -> str:
    return box.initial or box.states[0].id


def _is_parallel(box: Lifecycle | State) -> bool:
    return isinstance(box, State) and box.parallel


def _mermaid_name(name: str | None) -> str:
    """A state's name as Mermaid's quoted description: on one line (a line break would end the statement)."""
    return f'"{" ".join(name.split()).replace(chr(34), "#quot;")}" as ' if name else ""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
