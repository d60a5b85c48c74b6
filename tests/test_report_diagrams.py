"""The report's drawings: lifecycle diagrams (every state drawn, boxes inside their parents and not
over each other, every transition numbered) and witness chronologies (each entry in its agency's lane)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT

from protoverify import load_protocol
from protoverify.properties.findings import TimelineEntry
from protoverify.reports.chronology import CASE, NO_ONE, chronology, lane_of
from protoverify.reports.lifecycles import diagrams

PROTOCOLS = ["protocols/examples/example.yaml", "protocols/stockport-2019.yaml", "protocols/warwickshire.yaml"]
SVG = "{http://www.w3.org/2000/svg}"


def boxes(svg: str) -> dict[str, tuple[float, float, float, float]]:
    """Each state's rectangle (x, y, w, h), by state id."""
    root = ET.fromstring(svg)
    return {
        rect.get("data-state"): tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))
        for rect in root.iter(f"{SVG}rect")
        if rect.get("data-state")
    }


def inside(inner, outer) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def apart(a, b) -> bool:
    return a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]


@pytest.mark.slow
@pytest.mark.parametrize("path", PROTOCOLS)
def test_every_state_is_drawn_inside_its_parent_and_apart_from_its_siblings(path: str) -> None:
    protocol = load_protocol(ROOT / path)
    for lifecycle, diagram in zip(protocol.lifecycles, diagrams(protocol)):
        drawn = boxes(diagram.svg)

        def walk(states, parent, drawn=drawn, lifecycle=lifecycle):
            assert {s.id for s in states} <= drawn.keys(), f"{lifecycle.id}: states not drawn"
            for i, state in enumerate(states):
                if parent is not None:
                    assert inside(drawn[state.id], drawn[parent]), f"{state.id} is not inside {parent}"
                for other in states[i + 1 :]:
                    assert apart(drawn[state.id], drawn[other.id]), f"{state.id} overlaps {other.id}"
                walk(state.states, state.id)

        walk(lifecycle.states, None)
        assert diagram.states == len(drawn)


@pytest.mark.slow
@pytest.mark.parametrize("path", PROTOCOLS)
def test_every_transition_has_a_numbered_arrow_and_a_row(path: str) -> None:
    protocol = load_protocol(ROOT / path)
    for lifecycle, diagram in zip(protocol.lifecycles, diagrams(protocol)):
        assert [a.number for a in diagram.arrows] == list(range(1, len(lifecycle.transitions) + 1))
        badges = re.findall(r'<g class="badge">.*?<tspan[^>]*>([\d,]+)</tspan>', diagram.svg)
        numbers = sorted(int(n) for badge in badges for n in badge.split(","))
        pairs = {(s, t.target) for t in lifecycle.transitions for s in t.source}
        assert len(badges) == len(pairs) == diagram.svg.count("marker-end=")
        assert numbers == sorted(i for i, t in enumerate(lifecycle.transitions, start=1) for _ in t.source)
        for arrow, transition in zip(diagram.arrows, lifecycle.transitions):
            assert arrow.clauses == transition.clause


@pytest.mark.slow
def test_the_same_protocol_gives_the_same_drawing() -> None:
    protocol = load_protocol(ROOT / PROTOCOLS[2])
    assert [d.svg for d in diagrams(protocol)] == [d.svg for d in diagrams(load_protocol(ROOT / PROTOCOLS[2]))]


# --- chronologies -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    return load_protocol(ROOT / PROTOCOLS[0])


def test_entries_go_in_the_lane_of_the_agency_holding_the_duty(example) -> None:
    named = next(d for d in example.duties if d.actor and d.trigger is not None)
    unnamed = next(d for d in example.duties if d.actor is None)  # the example has one on purpose
    agency = next(a for a in example.agencies if any(p in (a.id, *(r.id for r in a.roles)) for p in named.actor))
    day = dt.date(2026, 4, 2)
    timeline = [
        TimelineEntry(date=day, event="custodial sentence imposed", clause="6.5", working_day=True),
        TimelineEntry(
            date=day + dt.timedelta(days=3),
            event=f"last day to {named.action} under clause {named.clause[0]}",
            clause=named.clause[0],
            working_day=False,
        ),
    ]
    timeline.append(
        TimelineEntry(date=day + dt.timedelta(days=9), event=f"done: {unnamed.action}", clause=unnamed.clause[0])
    )
    drawn = chronology(example, tuple(timeline), "t")
    assert [r.lane for r in drawn.rows] == [CASE, agency.name, NO_ONE]
    assert drawn.lanes[0] == CASE and len(drawn.rows) == len(timeline)
    root = ET.fromstring(drawn.svg)
    words = " ".join(t.text or "" for t in root.iter(f"{SVG}tspan"))
    assert "Thu 02 Apr 2026" in words and "+3 days" in words and "not a working day" in words
    assert 'fill="url(#closed-t)"' in drawn.svg and 'id="closed-t"' in drawn.svg


def test_an_entry_whose_words_name_no_duty_of_its_clause_is_about_the_case(example) -> None:
    duty = next(d for d in example.duties if d.actor)
    entry = TimelineEntry(date=dt.date(2026, 1, 5), event="something else entirely", clause=duty.clause[0])
    assert lane_of(example, entry) == CASE
