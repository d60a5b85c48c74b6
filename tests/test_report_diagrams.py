"""The report's drawings: lifecycle diagrams (every state drawn inside its parent and apart from its
siblings, every transition a numbered badge joined to its states, no line through a box it does not
join, no two labels over each other, fitting the page column, the same SVG every time, a stated
fallback without Graphviz) and witness chronologies (each entry in its agency's lane)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, TODAY

from protoverify import check, load_protocol
from protoverify.properties.findings import TimelineEntry
from protoverify.reports import graphviz
from protoverify.reports.chronology import CASE, NO_ONE, chronology, lane_of
from protoverify.reports.html import to_html
from protoverify.reports.lifecycles import COLUMN, diagrams
from protoverify.reports.report import assemble

PROTOCOLS = ["protocols/examples/example.yaml", "protocols/stockport-2019.yaml", "protocols/warwickshire.yaml"]
SVG = "{http://www.w3.org/2000/svg}"
EM = 0.62  # a generous width of one character, in font sizes (DejaVu Sans averages under 0.6)
needs_dot = pytest.mark.skipif(
    graphviz.program() is None,
    reason="Graphviz's dot is not installed (Debian package 'graphviz'; .ci/run installs it)",
)
Rect = tuple[float, float, float, float]


@pytest.fixture(scope="module", params=PROTOCOLS)
def drawn(request):
    """A protocol and its diagrams, drawn once for the module."""
    protocol = load_protocol(ROOT / request.param)
    return protocol, diagrams(protocol)


def boxes(svg: str) -> dict[str, Rect]:
    """Each state's rectangle (x, y, w, h), by state id."""
    root = ET.fromstring(svg)
    return {
        rect.get("data-state"): tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))
        for rect in root.iter(f"{SVG}rect")
        if rect.get("data-state")
    }


def badges(svg: str) -> list[tuple[int, Rect]]:
    """Each transition badge: its number and rectangle."""
    found = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "badge":
            rect = group.find(f"{SVG}rect")
            found.append(
                (int(group.get("data-transition")), tuple(float(rect.get(k)) for k in ("x", "y", "width", "height")))
            )
    return found


def labels(svg: str) -> list[tuple[str, Rect]]:
    """Each piece of text and the rectangle it can fill: as wide as its longest line at EM a character,
    from its ascent on the first line to its descent on the last."""
    found = []
    for element in ET.fromstring(svg).iter(f"{SVG}text"):
        size, x, y = float(element.get("font-size")), float(element.get("x")), float(element.get("y"))
        spans = list(element.iter(f"{SVG}tspan"))
        lines = [span.text or "" for span in spans]
        width = max(len(line) for line in lines) * EM * size
        height = size + sum(float(span.get("dy") or 0) for span in spans)
        left = x if element.get("text-anchor") == "start" else x - width / 2
        found.append((" ".join(lines), (left, y - 0.8 * size, width, height)))
    return found


def route(d: str, steps: int = 24) -> list[tuple[float, float]]:
    """Points along an SVG path of M, L and C commands."""
    tokens = re.findall(r"[MLC]|-?\d+(?:\.\d+)?", d)
    points: list[tuple[float, float]] = []
    command, i = "", 0
    while i < len(tokens):
        if tokens[i] in "MLC":
            command, i = tokens[i], i + 1
            continue
        count = 3 if command == "C" else 1
        ends = [(float(tokens[i + 2 * k]), float(tokens[i + 2 * k + 1])) for k in range(count)]
        i += 2 * count
        if command == "M" or not points:
            points.append(ends[0])
            continue
        p0 = points[-1]
        controls = [p0, *ends] if command == "C" else [p0, p0, ends[0], ends[0]]
        for j in range(1, steps + 1):
            t = j / steps
            weights = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3)
            points.append(tuple(sum(w * c[axis] for w, c in zip(weights, controls)) for axis in (0, 1)))
    return points


def within(point, rect: Rect, margin: float) -> bool:
    x, y, w, h = rect
    return x - margin <= point[0] <= x + w + margin and y - margin <= point[1] <= y + h + margin


def overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(inner: Rect, outer: Rect) -> bool:
    return within(inner[:2], outer, 0) and within((inner[0] + inner[2], inner[1] + inner[3]), outer, 0)


@pytest.mark.slow
@needs_dot
def test_every_state_is_drawn_inside_its_parent_and_apart_from_its_siblings(drawn) -> None:
    protocol, drawings = drawn
    for lifecycle, diagram in zip(protocol.lifecycles, drawings):
        places = boxes(diagram.svg)

        def walk(states, parent, places=places, lifecycle=lifecycle):
            assert {s.id for s in states} <= places.keys(), f"{lifecycle.id}: states not drawn"
            for i, state in enumerate(states):
                if parent is not None:
                    assert inside(places[state.id], places[parent]), f"{state.id} is not inside {parent}"
                for other in states[i + 1 :]:
                    assert not overlap(places[state.id], places[other.id]), f"{state.id} overlaps {other.id}"
                walk(state.states, state.id)

        walk(lifecycle.states, None)
        assert diagram.states == len(places)


@pytest.mark.slow
@needs_dot
def test_every_transition_is_a_numbered_badge_joined_to_its_states(drawn) -> None:
    protocol, drawings = drawn
    for lifecycle, diagram in zip(protocol.lifecycles, drawings):
        assert [a.number for a in diagram.arrows] == list(range(1, len(lifecycle.transitions) + 1))
        numbers = {number for number, _ in badges(diagram.svg)}
        assert numbers == set(range(1, len(lifecycle.transitions) + 1))
        paths = [p.attrib for p in ET.fromstring(diagram.svg).iter(f"{SVG}path") if p.get("data-state")]
        for number, transition in enumerate(lifecycle.transitions, start=1):
            mine = [p for p in paths if p["data-transition"] == str(number)]
            for source in transition.source:
                assert any(p["data-state"] == source and "marker-end" not in p for p in mine), (number, source)
            assert any(p["data-state"] == transition.target and "marker-end" in p for p in mine), number
        for arrow, transition in zip(diagram.arrows, lifecycle.transitions):
            assert arrow.clauses == transition.clause


@pytest.mark.slow
@needs_dot
def test_no_line_runs_through_a_box_it_does_not_join(drawn) -> None:
    """A line may enter a state's box or a badge only where one of its ends is (within 2 px)."""
    protocol, drawings = drawn
    for lifecycle, diagram in zip(protocol.lifecycles, drawings):
        obstacles = [*boxes(diagram.svg).items(), *((f"badge {n}", r) for n, r in badges(diagram.svg))]
        crossings = []
        for path in ET.fromstring(diagram.svg).iter(f"{SVG}path"):
            if path.get("data-transition") is None and path.get("marker-end") is None:
                continue  # an arrowhead's own shape
            points = route(path.get("d"))
            for name, rect in obstacles:
                if any(within(end, rect, 2) for end in (points[0], points[-1])):
                    continue
                x, y, w, h = rect
                if any(within(p, (x + 2, y + 2, w - 4, h - 4), 0) for p in points):
                    crossings.append((path.get("data-transition"), path.get("data-state"), name))
        assert crossings == [], f"{lifecycle.id}: lines through boxes they do not join: {crossings}"


@pytest.mark.slow
@needs_dot
def test_no_two_labels_overlap_and_every_name_fits_its_box(drawn) -> None:
    protocol, drawings = drawn
    for lifecycle, diagram in zip(protocol.lifecycles, drawings):
        found = labels(diagram.svg)
        clashes = [(a, b) for i, (a, ra) in enumerate(found) for b, rb in found[i + 1 :] if overlap(ra, rb)]
        assert clashes == [], f"{lifecycle.id}: labels over each other: {clashes}"
        places = boxes(diagram.svg)
        for state in lifecycle.states:
            if not state.states:
                name = next(rect for words, rect in found if words.replace(" ", "") == _squashed(state))
                assert inside(name, places[state.id]), f"{state.id}: its name does not fit its box"


def _squashed(state) -> str:
    return (state.name or state.id.replace("_", " ")).replace(" ", "")


@pytest.mark.slow
@needs_dot
def test_a_diagram_fits_the_page_column_with_readable_text(drawn) -> None:
    """Shown at most COLUMN px wide; where it is scaled down to fit, state names stay at 12 px or more
    (the old drawings' were about 10) and badge numbers at 10 or more."""
    protocol, drawings = drawn
    for diagram in drawings:
        root = ET.fromstring(diagram.svg)
        shown, natural = float(root.get("width")), float(root.get("viewBox").split()[2])
        assert shown <= COLUMN
        scale = shown / natural
        in_badges = [t for g in root.iter(f"{SVG}g") if g.get("class") == "badge" for t in g.iter(f"{SVG}text")]
        names = [float(t.get("font-size")) for t in root.iter(f"{SVG}text") if t not in in_badges]
        numbers = [float(t.get("font-size")) for t in in_badges]
        assert min(names) * scale >= 12 and min(numbers) * scale >= 10, (diagram.id, natural)
        assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None


@pytest.mark.slow
@needs_dot
def test_the_same_protocol_gives_the_same_drawing() -> None:
    protocol = load_protocol(ROOT / PROTOCOLS[2])
    assert [d.svg for d in diagrams(protocol)] == [d.svg for d in diagrams(load_protocol(ROOT / PROTOCOLS[2]))]


def test_without_dot_a_diagram_says_so_and_lists_its_states(monkeypatch) -> None:
    monkeypatch.setattr(graphviz, "program", lambda: None)
    protocol = load_protocol(ROOT / PROTOCOLS[0])
    for lifecycle, diagram in zip(protocol.lifecycles, diagrams(protocol)):
        assert diagram.svg is None and "Graphviz" in diagram.missing
        assert [o.name for o in diagram.outline][0] == (lifecycle.states[0].name or lifecycle.states[0].id)
        assert len(diagram.outline) == diagram.states and len(diagram.arrows) == len(lifecycle.transitions)
    page = to_html(assemble(protocol, "example.yaml", check(protocol, today=TODAY), dated=True))
    assert 'class="lifecycle"' not in page
    assert page.count('data-missing="diagram"') == len(protocol.lifecycles)
    assert "Install Graphviz (the Debian package <code>graphviz</code>)" in page
    assert page.count('<ul class="outline">') == len(protocol.lifecycles)


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
