"""The case statechart: compiled from a protocol and driven through cases; exported as SCXML and
loaded back by python-statemachine; drawn as Mermaid and DOT and read back from the text."""

from __future__ import annotations

import itertools
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from statemachine import StateChart
from statemachine.exceptions import TransitionNotAllowed
from statemachine.io import load
from test_semantics import CORNERS

from protoverify.model.conditions import describe
from protoverify.model.loader import load_protocol
from protoverify.model.schema import Protocol, State
from protoverify.model.semantics import compile_lifecycles
from protoverify.model.statechart import active_states, compile_protocol, start
from protoverify.reports.diagrams import to_dot, to_mermaid
from protoverify.reports.scxml import to_scxml
from protoverify.simulate.lifecycles import condition_holds

EXAMPLE = Path(__file__).parent / "fixtures" / "standalone-example.yaml"  # lifecycles drawn by hand, no library

# What the example does not have: a parallel state inside a lifecycle, a final state, a compound
# state whose initial state is not its first, guards combining any / not / not_in / bool, a guard on
# another lifecycle, and two transitions on one event from one state (the first enabled one wins).
SMALL = """
protoverify: 1
metadata:
  id: small
  title: A small protocol for the statechart tests
  authority: unspecified
  agreed: unspecified
  review: unspecified
  version: unspecified
  source: written by tests/test_statechart.py
  clause: front
  example: true
agencies:
  - {id: yos, name: youth offending service, clause: "1"}
attributes:
  - {id: age, name: age in years, type: int, range: [10, 17], clause: "1"}
  - {id: status, name: legal status, type: enum, values: [none, s20, care_order], clause: "1"}
  - {id: known, name: known to social care, type: bool, clause: "1"}
events:
  - {id: charged, name: charged, clause: "2"}
  - {id: remanded, name: remanded, clause: "2"}
  - {id: moved, name: placement moved, clause: "2"}
  - {id: sentenced, name: sentenced, clause: "3"}
lifecycles:
  - id: justice
    name: justice status
    clause: "2"
    states:
      - {id: free, clause: "2"}
      - id: court
        clause: "2"
        initial: trial
        states:
          - {id: first_hearing, clause: "2"}
          - {id: trial, clause: "2"}
      - id: on_remand
        name: on remand
        clause: "2"
        parallel: true
        states:
          - id: placement
            clause: "2"
            states: [{id: open_unit, clause: "2"}, {id: secure_unit, clause: "2"}]
          - id: education
            clause: "2"
            states: [{id: school, clause: "2"}, {id: unit_class, clause: "2"}]
      - {id: closed, name: case closed, clause: "3", final: true}
    transitions:
      - {event: charged, from: free, to: court, clause: "2"}
      - event: remanded
        from: court
        to: on_remand
        guard: {any: [{age: {gte: 15}}, {status: {not_in: [none]}, known: true}]}
        clause: "2"
      - {event: moved, from: open_unit, to: secure_unit, guard: {not: {status: care_order}}, clause: "2"}
      - {event: sentenced, from: on_remand, to: closed, guard: {age: {gte: 15}}, clause: "3"}
      - {event: sentenced, from: [on_remand, court], to: free, clause: "3"}
  - id: care
    name: care status
    clause: "4"
    states:
      - {id: home, clause: "4"}
      - {id: accommodated, clause: "4"}
    transitions:
      - {event: remanded, from: home, to: accommodated, guard: {justice: [court], status: [none, s20]}, clause: "4"}
      - {event: sentenced, from: accommodated, to: home, guard: {justice: {ne: free}}, clause: "4"}
"""


@pytest.fixture(scope="module")
def example() -> Protocol:
    return load_protocol(EXAMPLE)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Protocol:
    path = tmp_path_factory.mktemp("protocols") / "small.yaml"
    path.write_text(SMALL)
    return load_protocol(path)


@pytest.fixture(scope="module")
def corners(tmp_path_factory: pytest.TempPathFactory) -> Protocol:
    path = tmp_path_factory.mktemp("protocols") / "corners.yaml"
    path.write_text(CORNERS)
    return load_protocol(path)


def youth(age: int = 15, **attributes: object) -> dict[str, object]:
    return {"age": age, "known_to_csc": True, "legal_status": "none", **attributes}


# --- the compiled chart, driven --------------------------------------------------------------------


def test_remand_to_custody_and_release_moves_both_lifecycles(example: Protocol) -> None:
    case = start(compile_protocol(example), youth())
    assert active_states(case) == {"justice": ("community",), "care": ("not_looked_after",)}
    path = [
        ("arrested", ("police_custody",), ("not_looked_after",)),
        ("remanded_to_la", ("remanded", "rilaa"), ("looked_after_remand",)),  # care reacts to the remand
        ("remanded_to_yda", ("remanded", "yda"), ("looked_after_remand",)),  # care has nothing to do
        ("sentenced_to_custody", ("custody",), ("not_looked_after",)),  # a remand ends with the sentence
        ("released_on_licence", ("licence",), ("not_looked_after",)),
        ("licence_ended", ("community",), ("not_looked_after",)),
    ]
    for event, justice, care in path:
        case.send(event)
        assert active_states(case) == {"justice": justice, "care": care}, event


def test_one_event_moves_every_lifecycle_that_has_a_transition_for_it(example: Protocol) -> None:
    case = start(compile_protocol(example), youth())
    case.send("arrested")
    case.send("remanded_to_yda")
    assert active_states(case) == {"justice": ("remanded", "yda"), "care": ("looked_after_remand",)}


def test_age_guard_decides_remand_to_youth_detention(example: Protocol) -> None:
    twelve = start(compile_protocol(example), youth(12))
    twelve.send("arrested")
    twelve.send("remanded_to_yda")
    assert active_states(twelve) == {"justice": ("remanded", "yda"), "care": ("looked_after_remand",)}
    eleven = start(compile_protocol(example), youth(11))
    eleven.send("arrested")
    with pytest.raises(TransitionNotAllowed):
        eleven.send("remanded_to_yda")  # 10-11 year olds cannot be remanded to YDA: neither lifecycle moves
    assert active_states(eleven) == {"justice": ("police_custody",), "care": ("not_looked_after",)}


def test_guards_read_the_attributes_as_they_are_now(example: Protocol) -> None:
    case = start(compile_protocol(example), youth(11))
    case.send("arrested")
    case.send("remanded_to_la")
    with pytest.raises(TransitionNotAllowed):
        case.send("remanded_to_yda")  # blocked in justice, nothing to do in care: no lifecycle moves
    case.model.age = 12  # a birthday while on remand
    case.send("remanded_to_yda")
    assert active_states(case)["justice"] == ("remanded", "yda")


def test_an_event_no_lifecycle_takes_raises_and_changes_nothing(example: Protocol) -> None:
    case = start(compile_protocol(example), youth())
    with pytest.raises(TransitionNotAllowed):
        case.send("licence_ended")
    assert active_states(case) == {"justice": ("community",), "care": ("not_looked_after",)}


def test_a_guard_on_an_attribute_the_case_does_not_give_is_an_error(example: Protocol) -> None:
    case = start(compile_protocol(example), {})
    case.send("arrested")
    with pytest.raises(LookupError, match="'age'"):
        case.send("remanded_to_yda")


def test_parallel_states_final_states_and_initial_children(small: Protocol) -> None:
    case = start(compile_protocol(small), {"age": 16, "status": "none", "known": False})
    case.send("charged")
    assert active_states(case) == {"justice": ("court", "trial"), "care": ("home",)}
    case.send("remanded")
    assert active_states(case) == {
        "justice": ("on_remand", "placement", "open_unit", "education", "school"),
        "care": ("accommodated",),
    }
    case.send("moved")
    assert active_states(case)["justice"] == ("on_remand", "placement", "secure_unit", "education", "school")
    case.send("sentenced")  # the guarded transition is written first, so it wins at 16
    assert active_states(case) == {"justice": ("closed",), "care": ("home",)}
    with pytest.raises(TransitionNotAllowed):
        case.send("charged")  # closed is final


def test_a_guard_on_another_lifecycle_sees_it_before_the_event_moves_it(small: Protocol) -> None:
    case = start(compile_protocol(small), {"age": 12, "status": "s20", "known": True})
    case.send("charged")
    case.send("remanded")
    case.send("sentenced")  # justice goes to free; care's guard `justice is not free` saw on_remand
    assert active_states(case) == {"justice": ("free",), "care": ("home",)}


# --- SCXML round trip ------------------------------------------------------------------------------


def states_of(chart: type[StateChart]) -> set[tuple[str, str | None, str, bool]]:
    """Every state as (id, parent id, kind, is its parent's initial state)."""

    def kind(state) -> str:
        return "parallel" if state.parallel else "final" if state.final else "compound" if state.states else "atomic"

    return {(s.id, s.parent.id if s.parent else None, kind(s), bool(s.initial)) for s in chart.states_map.values()}


def transitions_of(chart: type[StateChart]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every event transition as (source, event, targets), per source in priority order."""
    return [
        (t.source.id, " ".join(e.id for e in t.events), tuple(target.id for target in t.targets))
        for s in chart.states_map.values()
        for t in s.transitions
        if not t.initial
    ]


def protocol_transitions(protocol: Protocol) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(source, t.event, (t.target,)) for lc in protocol.lifecycles for t in lc.transitions for source in t.source}


def run(chart: type[StateChart], attributes: dict[str, object], events: list[str]) -> list[dict[str, tuple[str, ...]]]:
    """The active states after each event; an event no lifecycle takes leaves them as they are."""
    case = start(chart, attributes)
    seen = []
    for event in events:
        try:
            case.send(event)
        except TransitionNotAllowed:
            pass
        seen.append(active_states(case))
    return seen


@pytest.mark.parametrize("name", ["example", "small", "corners"])
def test_scxml_loads_back_as_the_same_chart(name: str, request: pytest.FixtureRequest) -> None:
    protocol: Protocol = request.getfixturevalue(name)
    compiled = compile_protocol(protocol)
    loaded = load(to_scxml(protocol), format="scxml")
    assert states_of(loaded) == states_of(compiled)
    assert {s[0] for s in states_of(compiled)} == {s.id for s in protocol.states()} | {
        lc.id for lc in protocol.lifecycles
    } | {protocol.metadata.id}
    assert sorted(transitions_of(loaded)) == sorted(transitions_of(compiled))
    assert set(transitions_of(compiled)) == protocol_transitions(protocol)


def test_scxml_guards_behave_as_the_compiled_ones(example: Protocol, small: Protocol) -> None:
    cases = [
        (
            example,
            youth(age, legal_status=status),
            [
                "arrested",
                "remanded_to_yda",
                "remanded_to_la",
                "remanded_to_yda",
                "sentenced_to_custody",
                "released_on_licence",
            ],
        )
        for age, status in itertools.product([11, 12, 15], ["none", "section_20", "care_order"])
    ] + [
        (
            small,
            {"age": age, "status": status, "known": known},
            ["charged", "remanded", "moved", "sentenced", "charged", "sentenced"],
        )
        for age, status, known in itertools.product([11, 15], ["none", "s20", "care_order"], [False, True])
    ]
    for protocol, attributes, events in cases:
        compiled, loaded = compile_protocol(protocol), load(to_scxml(protocol), format="scxml")
        assert run(loaded, attributes, events) == run(compiled, attributes, events), attributes


@pytest.mark.parametrize("name", ["example", "small", "corners"])
def test_the_scxml_export_runs_as_the_semantics_steps(name: str, request: pytest.FixtureRequest) -> None:
    """The exported document, loaded back by python-statemachine, moves a case as `model.semantics` does."""
    protocol: Protocol = request.getfixturevalue(name)
    loaded, lifecycles = load(to_scxml(protocol), format="scxml"), compile_lifecycles(protocol)
    events = sorted({t.event for lc in protocol.lifecycles for t in lc.transitions})
    rng = random.Random(15)
    for _ in range(30):
        attributes = {
            a.id: rng.choice([False, True])
            if a.type == "bool"
            else rng.randint(*a.range)  # type: ignore[misc]
            if a.type == "int"
            else rng.choice(a.values).id
            for a in protocol.attributes
        }
        machine, configs = start(loaded, attributes), {lc.id: lc.initial for lc in lifecycles}
        for event in rng.choices(events, k=15):

            def enabled(guard, configs=configs, attributes=attributes) -> bool:
                return condition_holds(guard, configs, attributes)

            steps = {lc.id: lc.step(configs[lc.id], event, enabled) for lc in lifecycles}
            try:
                machine.send(event)  # (a chart loaded from SCXML ignores an event it has no transition for)
            except TransitionNotAllowed:
                assert all(step is None for step in steps.values()), event
            configs = {k: step.after if step is not None else configs[k] for k, step in steps.items()}
            assert {k: set(v) for k, v in active_states(machine).items()} == {k: set(v) for k, v in configs.items()}


def test_scxml_guards_are_readable_expressions_and_clauses_ride_along(small: Protocol) -> None:
    text = to_scxml(small)
    assert 'xmlns="http://www.w3.org/2005/07/scxml"' in text
    assert "cond=\"age &gt;= 15 or (status != 'none' and known == True)\"" in text
    assert "cond=\"In('court') and (status == 'none' or status == 's20')\"" in text
    assert "cond=\"not In('free')\"" in text
    assert "cond=\"not (status == 'care_order')\"" in text
    assert '<state id="court" initial="trial" pv:clause="2">' in text


# --- diagrams --------------------------------------------------------------------------------------


def parents(protocol: Protocol) -> dict[str, str]:
    """Each state's enclosing state or lifecycle."""
    found: dict[str, str] = {}

    def walk(states: tuple[State, ...], parent: str) -> None:
        for state in states:
            found[state.id] = parent
            walk(state.states, state.id)

    for lifecycle in protocol.lifecycles:
        walk(lifecycle.states, lifecycle.id)
    return found


def labelled_transitions(protocol: Protocol) -> list[tuple[str, str, str]]:
    return sorted(
        (source, t.target, t.event + (f" [{describe(t.guard)}]" if t.guard else ""))
        for lc in protocol.lifecycles
        for t in lc.transitions
        for source in t.source
    )


MERMAID_OPEN = re.compile(r'^state (?:"[^"]*" as )?(\w+) \{$')
MERMAID_STATE = re.compile(r'^(?:state "[^"]*" as )?(\w+)$')
MERMAID_ARROW = re.compile(r"^(\w+|\[\*\]) --> (\w+|\[\*\])(?: : (.+))?$")


def read_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]], dict[str, str], dict[str, int]]:
    """(parent of each state, labelled transitions, initial child of each box, `--` count per box)."""
    lines = text.splitlines()
    assert lines[0] == "stateDiagram-v2"
    open_boxes: list[str] = []
    parent: dict[str, str] = {}
    arrows: list[tuple[str, str, str]] = []
    initial: dict[str, str] = {}
    separators: dict[str, int] = {}
    for line in (line.strip() for line in lines[1:]):
        if not line or line.startswith("%%"):
            continue
        if line == "}":
            open_boxes.pop()
        elif line == "--":
            separators[open_boxes[-1]] = separators.get(open_boxes[-1], 0) + 1
        elif match := MERMAID_OPEN.match(line):
            if open_boxes:
                parent[match[1]] = open_boxes[-1]
            open_boxes.append(match[1])
        elif match := MERMAID_ARROW.match(line):
            source, target, label = match.groups()
            if source == "[*]":
                initial[open_boxes[-1]] = target
            elif target != "[*]":
                arrows.append((source, target, label))
        elif match := MERMAID_STATE.match(line):
            parent[match[1]] = open_boxes[-1]
        else:
            pytest.fail(f"unexpected mermaid line: {line!r}")
    assert open_boxes == [], "unbalanced braces"
    return parent, sorted(arrows), initial, separators


@pytest.mark.parametrize("name", ["example", "small"])
def test_mermaid_draws_every_state_in_its_box_and_every_transition(name: str, request: pytest.FixtureRequest) -> None:
    protocol: Protocol = request.getfixturevalue(name)
    parent, arrows, initial, separators = read_mermaid(to_mermaid(protocol))
    assert parent == parents(protocol)
    assert arrows == labelled_transitions(protocol)
    boxes = [*protocol.lifecycles, *(s for s in protocol.states() if s.states)]
    assert initial == {b.id: b.initial or b.states[0].id for b in boxes if not getattr(b, "parallel", False)}
    assert separators == {s.id: len(s.states) - 1 for s in protocol.states() if s.parallel}


DOT_CLUSTER = re.compile(r'^subgraph "cluster_(\w+)" \{$')
DOT_NODE = re.compile(r'^"(\w+)" \[.*\];$')
DOT_EDGE = re.compile(r'^"(\w+)" -> "(\w+)"(?: \[label="([^"]*)"[^\]]*\])?;$')


def read_dot(text: str) -> tuple[dict[str, str | None], list[tuple[str, str, str]]]:
    """(cluster or None each node is declared in, labelled edges); checks braces balance."""
    assert text.count("{") == text.count("}")
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0].startswith("digraph ") and lines[0].endswith("{") and lines[-1] == "}"
    open_clusters: list[str] = []
    cluster_of: dict[str, str | None] = {}
    edges: list[tuple[str, str, str]] = []
    for line in lines[1:-1]:
        if line == "}":
            open_clusters.pop()
        elif match := DOT_CLUSTER.match(line):
            open_clusters.append(match[1])
        elif match := DOT_EDGE.match(line):
            if match[3] is not None:
                edges.append((match[1], match[2], match[3]))
        elif match := DOT_NODE.match(line):
            cluster_of[match[1]] = open_clusters[-1] if open_clusters else None
    assert open_clusters == [], "unbalanced braces"
    return cluster_of, sorted(edges)


@pytest.mark.parametrize("name", ["example", "small"])
def test_dot_draws_every_state_in_its_cluster_and_every_transition(name: str, request: pytest.FixtureRequest) -> None:
    protocol: Protocol = request.getfixturevalue(name)
    text = to_dot(protocol)
    cluster_of, edges = read_dot(text)
    boxes = {lc.id for lc in protocol.lifecycles} | {s.id for s in protocol.states() if s.states}
    expected = {state: parent for state, parent in parents(protocol).items() if state not in boxes}
    expected |= {box: box for box in boxes}  # a box's own node is its initial dot, inside its cluster
    assert cluster_of == expected
    assert edges == labelled_transitions(protocol)
    if shutil.which("dot"):
        subprocess.run(["dot", "-Tsvg"], input=text, text=True, check=True, capture_output=True)
