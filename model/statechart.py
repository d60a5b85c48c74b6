"""The case statechart: a protocol's lifecycles compiled into one python-statemachine `StateChart`.

A case is in one state of every lifecycle at once, so the chart is one parallel state, named after
the protocol (its id is unique among the protocol's ids), with one region per lifecycle; compound,
parallel and final states and initial states are kept as the protocol gives them. An event is
broadcast to every region: `remanded_to_yda` moves justice to `yda` and, in the same step, care
to `looked_after_remand`.

Running a case: `start(chart, {"age": 15, ...})` gives a machine whose model is a `Case` holding
the case's attributes; `machine.send(event_id)` moves it; `active_states(machine)` reads it.

Guards are never code: each is a closure over the parsed condition tree, evaluated by
`conditions.holds`. A test on an attribute reads the attribute from the model (so changing
`machine.model.age` changes what later guards see); a test on a lifecycle reads that region's
active states, as they were when the event arrived: a guard in one region sees the other regions
before the event moves them.

Chosen semantics, which differ from the library's `StateChart` defaults:
- an event that moves no region raises `TransitionNotAllowed` (the default silently drops it): a
  verifier wants to hear that the protocol says nothing about an event in a situation;
- an error in a guard (an attribute the case does not give) propagates instead of becoming an
  `error.execution` event;
- the library's structural checks (trap states, unreachable states, no path to a final state) are
  off: they are findings about the protocol, which `protoverify.properties` reports against its
  clauses, so every valid protocol compiles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import SimpleNamespace
from typing import Any

from statemachine import State as ChartState
from statemachine import StateChart
from statemachine.io import create_machine_class_from_definition

from . import conditions
from .conditions import Comparison, Condition, Scalar
from .schema import Lifecycle, Protocol, State

CONFIGURATION_FIELD = (
    "_configuration"  # where the machine keeps its configuration on the model; no attribute id starts with "_"
)

SEMANTICS: dict[str, Any] = {
    "allow_event_without_transition": False,
    "catch_errors_as_events": False,
    "validate_trap_states": False,
    "validate_disconnected_states": False,
    "validate_final_reachability": False,
}

Transitions = dict[str, dict[str, list[dict[str, Any]]]]  # source state id -> event id -> transitions, in file order


class Case(SimpleNamespace):
    """A case's attributes (age, legal status ...) by id: the model a case's machine reads guards from."""


def compile_protocol(protocol: Protocol) -> type[StateChart]:
    """The case statechart of a protocol, as a `StateChart` class."""
    if not protocol.lifecycles:
        raise ValueError(
            f"protocol '{protocol.metadata.id}' declares no lifecycles; a case statechart needs at least one"
        )
    transitions = _transitions_by_source(protocol)
    regions = {lc.id: _region(lc, transitions) for lc in protocol.lifecycles}
    case = {protocol.metadata.id: {"name": "case", "parallel": True, "states": regions}}
    return create_machine_class_from_definition(protocol.metadata.id, states=case, **SEMANTICS)


def start(chart: type[StateChart], attributes: Mapping[str, Scalar]) -> StateChart:
    """A new case on `chart` with these attribute values, in the initial state of every lifecycle."""
    return chart(model=Case(**attributes), state_field=CONFIGURATION_FIELD)


def active_states(machine: StateChart) -> dict[str, tuple[str, ...]]:
    """The active states of each lifecycle of a running case, by lifecycle id, enclosing states
    before the states inside them: `{"justice": ("remanded", "yda"), "care": ("looked_after_remand",)}`.
    Works on any chart of this shape, including one loaded back from the SCXML export."""
    active = {state.id for state in machine.configuration}
    (case,) = type(machine).states
    return {region.id: tuple(s.id for s in _inside(region) if s.id in active) for region in case.states}


def _inside(state: ChartState) -> Iterator[ChartState]:
    for child in state.states:
        yield child
        yield from _inside(child)


def _region(lifecycle: Lifecycle, transitions: Transitions) -> dict[str, Any]:
    initial = lifecycle.initial or lifecycle.states[0].id
    states = {s.id: _state(s, transitions, initial=s.id == initial) for s in lifecycle.states}
    return {"name": lifecycle.name, "states": states}


def _state(state: State, transitions: Transitions, initial: bool) -> dict[str, Any]:
    definition: dict[str, Any] = {"initial": initial, "final": state.final, "parallel": state.parallel}
    if state.name:
        definition["name"] = state.name
    if state.states:
        first = state.initial or state.states[0].id
        definition["states"] = {
            c.id: _state(c, transitions, initial=c.id == first and not state.parallel) for c in state.states
        }
    if state.id in transitions:
        definition["on"] = transitions[state.id]
    return definition


def _transitions_by_source(protocol: Protocol) -> Transitions:
    found: Transitions = {}
    for lifecycle in protocol.lifecycles:
        for transition in lifecycle.transitions:
            spec: dict[str, Any] = {"target": transition.target}
            effective = protocol.guard_of(lifecycle.id, transition)
            if effective is not None:
                spec["cond"] = guard(effective)
            for source in transition.source:
                found.setdefault(source, {}).setdefault(transition.event, []).append(spec)
    return found


def guard(condition: Condition) -> Callable[[StateChart], bool]:
    """A transition guard: `condition` evaluated on the machine the library passes in."""

    def holds(machine: StateChart) -> bool:
        lifecycles = active_states(machine)

        def value_of(test: Comparison) -> Scalar | tuple[Scalar, ...]:
            if test.key in lifecycles:
                return lifecycles[test.key]
            try:
                return getattr(machine.model, test.key)
            except AttributeError:
                raise LookupError(f"a guard reads attribute '{test.key}', which the case does not give") from None

        return conditions.holds(condition, value_of)

    holds.__name__ = conditions.describe(condition)  # the library names a guard by it in messages and diagrams
    return holds
