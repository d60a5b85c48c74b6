"""SCXML export: a protocol's case statechart as a W3C SCXML document.

The document mirrors `model.statechart`: under `<scxml>`, one `<parallel>` (the case, named after
the protocol) with one `<state>` per lifecycle, nested `<state>`/`<parallel>`/`<final>` below, an
`initial` attribute on every compound state, and each transition written into each of its source
states as `<transition event=... target=... cond=...>`.

A guard becomes `cond`, a boolean expression in python-statemachine's datamodel (declared as
`datamodel="python"`): attribute ids compared with literals (`age >= 12`,
`legal_status == 'section_20'`), `In('state')` for a lifecycle test, `and`, `or`, `not`. That
language is data to python-statemachine's loader: by default (`trusted=False`) it compiles a
`cond` with an AST allow-list (names, literals, comparisons, boolean operators, `In`) and never
calls `eval`, and the export only ever writes those forms. Loaded back and run on a
`statechart.Case`, the guards therefore behave as the compiled chart's do.

Clause ids and state names ride along as `pv:clause` and `pv:name` attributes in protoverify's own
namespace, which SCXML processors ignore.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..model.conditions import ORDERING, All, AnyOf, Comparison, Condition, Not
from ..model.schema import Lifecycle, Protocol, State, Transition

SCXML = "http://www.w3.org/2005/07/scxml"
PROTOVERIFY = "urn:protoverify:scxml"

ET.register_namespace("", SCXML)
ET.register_namespace("pv", PROTOVERIFY)

_COMPARISONS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


def to_scxml(protocol: Protocol) -> str:
    """The case statechart of a protocol as an SCXML document."""
    case = protocol.metadata.id
    export = _Export(protocol)
    root = ET.Element(f"{{{SCXML}}}scxml", {"version": "1.0", "name": case, "initial": case, "datamodel": "python"})
    root.append(
        ET.Comment(
            f" The case statechart of protocol {case}, written by protoverify: one region per lifecycle. Guards (cond) "
            "use attribute ids, literals, comparisons, In('state'), and, or, not; pv:clause gives the source clauses. "
        )
    )
    parallel = ET.SubElement(root, f"{{{SCXML}}}parallel", {"id": case})
    for lifecycle in protocol.lifecycles:
        parallel.append(export.region(lifecycle))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class _Export:
    """The elements of one protocol's export: knows which transitions leave which state, and which
    condition keys are lifecycles."""

    def __init__(self, protocol: Protocol):
        self.lifecycles = {lc.id for lc in protocol.lifecycles}
        self.leaving: dict[str, list[tuple[Transition, Condition | None]]] = {}  # with the guard as it takes effect
        for lifecycle in protocol.lifecycles:
            for transition in lifecycle.transitions:
                for source in transition.source:
                    self.leaving.setdefault(source, []).append(
                        (transition, protocol.guard_of(lifecycle.id, transition))
                    )

    def region(self, lifecycle: Lifecycle) -> ET.Element:
        element = _element("state", id=lifecycle.id, initial=lifecycle.initial or lifecycle.states[0].id)
        _annotate(element, lifecycle.name, lifecycle.clause)
        element.extend(self.state(s) for s in lifecycle.states)
        return element

    def state(self, state: State) -> ET.Element:
        tag = "final" if state.final else "parallel" if state.parallel else "state"
        element = _element(tag, id=state.id)
        if state.states and not state.parallel:
            element.set("initial", state.initial or state.states[0].id)
        _annotate(element, state.name, state.clause)
        element.extend(self.transition(t, guard) for t, guard in self.leaving.get(state.id, ()))
        element.extend(self.state(s) for s in state.states)
        return element

    def transition(self, transition: Transition, guard: Condition | None) -> ET.Element:
        element = _element("transition", event=transition.event, target=transition.target)
        if guard is not None:
            element.set("cond", expression(guard, self.lifecycles))
        _annotate(element, None, transition.clause)
        return element


def expression(condition: Condition, lifecycles: set[str]) -> str:
    """A condition as a `cond` expression; keys in `lifecycles` are tested with `In(...)`."""
    match condition:
        case Comparison(key, op, value) if op in ORDERING:
            return f"{key} {_COMPARISONS[op]} {value!r}"
        case Comparison(key, op, value):
            values = value if isinstance(value, tuple) else (value,)
            either = " or ".join(f"In({v!r})" if key in lifecycles else f"{key} == {v!r}" for v in values)
            if op in ("eq", "in"):
                return either
            if len(values) > 1:
                return f"not ({either})"
            return f"not {either}" if key in lifecycles else f"{key} != {values[0]!r}"
        case All(()):
            return "True"
        case All(parts):
            return " and ".join(_bracketed(part, lifecycles) for part in parts)
        case AnyOf(parts):
            return " or ".join(_bracketed(part, lifecycles) for part in parts)
        case Not(part):
            return f"not ({expression(part, lifecycles)})"
    raise TypeError(condition)


def _bracketed(part: Condition, lifecycles: set[str]) -> str:
    """A part of an `and` / `or`, in brackets when it is itself an `and` / `or`."""
    text = expression(part, lifecycles)
    compound = isinstance(part, (All, AnyOf)) and len(part.parts) > 1
    either = isinstance(part, Comparison) and part.op == "in" and isinstance(part.value, tuple) and len(part.value) > 1
    return f"({text})" if compound or either else text


def _element(tag: str, **attributes: str) -> ET.Element:
    return ET.Element(f"{{{SCXML}}}{tag}", attributes)


def _annotate(element: ET.Element, name: str | None, clause: tuple[str, ...]) -> None:
    if name:
        element.set(f"{{{PROTOVERIFY}}}name", name)
    element.set(f"{{{PROTOVERIFY}}}clause", " ".join(clause))
