"""The situation explorer agrees with python-statemachine's own engine, event by event."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest
import z3
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statemachine.exceptions import TransitionNotAllowed
from test_semantics import CORNERS

from protoverify import load_protocol
from protoverify.model import conditions
from protoverify.model.statechart import compile_protocol, start
from protoverify.properties.situations import Situations

PROTOCOLS = ["protocols/examples/example.yaml", "protocols/stockport-2019.yaml", "protocols/warwickshire.yaml"]


@cache
def explored(path: str):
    """A protocol (a path under the project, or the text of one), its situations and its statechart."""
    if path == CORNERS:
        source = Path(tempfile.mkdtemp()) / "corners.yaml"
        source.write_text(CORNERS)
        protocol = load_protocol(source)
    else:
        protocol = load_protocol(ROOT / path)
    return protocol, Situations(protocol), compile_protocol(protocol)


def attribute_values(protocol):
    parts = {}
    for a in protocol.attributes:
        if a.type == "bool":
            parts[a.id] = st.booleans()
        elif a.type == "int":
            parts[a.id] = st.integers(*a.range)
        else:
            parts[a.id] = st.sampled_from([v.id for v in a.values])
    return st.fixed_dictionaries(parts)


def holds_for(situations: Situations, attributes: dict, condition) -> bool:
    def value_of(c):
        return attributes[c.key]

    return all(
        conditions.holds(c, value_of) == held
        for c, held in condition
        if all(k.key in attributes for k in conditions.comparisons(c))
    )


def successor(situations: Situations, config, event: str, attributes: dict):
    """The explorer's next configuration for concrete attribute values, or None if no lifecycle moves."""
    matches = {
        step.target
        for step in situations.steps
        if step.source == config and step.event == event and holds_for(situations, attributes, step.condition)
    }
    assert len(matches) <= 1, f"the explorer gives {len(matches)} outcomes for one event"
    return next(iter(matches), None)


@pytest.mark.slow
@pytest.mark.parametrize("path", [*PROTOCOLS, CORNERS], ids=[*PROTOCOLS, "corners"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_explorer_matches_the_statechart_engine(path: str, data) -> None:
    protocol, situations, chart = explored(path)
    attributes = data.draw(attribute_values(protocol))
    machine = start(chart, attributes)
    config = situations.initial
    regions = {protocol.metadata.id} | situations.lifecycles  # the engine counts the case and its regions as states

    def engine_states() -> set[str]:
        return {s.id for s in machine.configuration} - regions

    assert engine_states() == set(config)
    for event in data.draw(st.lists(st.sampled_from(situations.events), max_size=12)):
        expected = successor(situations, config, event, attributes)
        try:
            machine.send(event)
            moved = True
        except TransitionNotAllowed:
            moved = False
        if expected is None:
            assert not moved, f"engine took {event} where the explorer says no lifecycle moves"
            continue
        assert moved, f"explorer took {event}; the engine refused it"
        config = expected
        assert engine_states() == set(config), event


def test_every_state_of_the_seeds_and_example_is_reachable() -> None:
    for path in PROTOCOLS:
        _, situations, _ = explored(path)
        assert situations.complete
        assert set().union(*situations.configurations) == set(situations.lifecycle_of), path


def test_reachable_formula_excludes_impossible_combinations() -> None:
    protocol, situations, _ = explored("protocols/examples/example.yaml")
    solver = z3.Solver(ctx=situations.ctx)
    solver.add(situations.reachable())
    yda = situations.encode(conditions.parse({"justice": "yda"}))
    young = situations.encode(conditions.parse({"age": {"lte": 11}}))
    solver.add(yda, young)
    assert solver.check() == z3.unsat  # a child of 10-11 can never be remanded to youth detention
    solver = z3.Solver(ctx=situations.ctx)
    solver.add(situations.reachable(), yda)
    assert solver.check() == z3.sat
    data, words = situations.situation(solver.model(), keys=["age"])
    assert data["justice"] == "yda" and data["age"] >= 12 and "remanded to youth detention accommodation" in words


def test_a_lifecycle_only_reacts_to_an_event_its_home_lifecycle_takes() -> None:
    protocol, situations, chart = explored("tests/fixtures/standalone-example.yaml")
    # in the community no remand can happen, so care cannot become looked after "through remand"
    assert not [s for s in situations.steps if s.source == situations.initial and s.event == "remanded_to_la"]
    machine = start(chart, {"age": 15, "known_to_csc": False, "legal_status": "none"})
    with pytest.raises(TransitionNotAllowed):
        machine.send("remanded_to_la")
    machine.send("arrested")
    machine.send("remanded_to_la")  # now justice takes it, and care reacts
    assert {s.id for s in machine.configuration} >= {"rilaa", "looked_after_remand"}
    assert all(not ({"community", "looked_after_remand"} <= config) for config in situations.configurations)
