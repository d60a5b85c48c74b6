"""A finding's dated witness timeline as a chronology per agency: who has what to do on which day.

Each entry of a witness timeline is put in a lane. An entry about a duty (its clause is the duty's
first clause and its words contain the duty's action) goes in the lane of the agencies whose staff
hold that duty, or in a lane "no one named" where the protocol names no actor; every other entry is
something that happens to the case (a remand, a sentence) and goes in the lane "the case". The
drawing has one row per lane and one column per date, in date order, with the gap in days between
columns and days that are not working days shaded; each entry is a numbered marker, explained in
the table that goes with it (`Chronology.rows`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import wording
from ..model.schema import Duty, Protocol
from ..properties.findings import TimelineEntry
from .svg import badge, n, page, rect, text, text_width, wrap

CASE = "the case"
NO_ONE = wording.NO_ONE["short"]
LANE_HEIGHT = 48
COLUMN_WIDTH = 118
HEADER = 44


@dataclass(frozen=True)
class Row:
    """One entry of the chronology: its number on the drawing, date, lane and words."""

    number: int
    date: dt.date
    working_day: bool | None
    lane: str
    event: str
    clause: str | None


@dataclass(frozen=True)
class Chronology:
    """A witness timeline laid out by agency: the SVG and its numbered rows."""

    svg: str
    rows: tuple[Row, ...]
    lanes: tuple[str, ...]


def lane_of(protocol: Protocol, entry: TimelineEntry) -> str:
    """The lane an entry belongs in: the agencies holding the duty it is about, or the case."""
    duty = _duty_of(protocol, entry)
    if duty is None:
        return CASE
    if duty.actor is None:  # the source names no one
        return NO_ONE
    agency_of = {a.id: a for a in protocol.agencies} | {r.id: a for a in protocol.agencies for r in a.roles}
    people = {p.id: p.name for p in protocol.people}
    names = [agency_of[p].name if p in agency_of else people.get(p, p) for p in duty.actor]
    return " and ".join(dict.fromkeys(names))


def _duty_of(protocol: Protocol, entry: TimelineEntry) -> Duty | None:
    """The duty an entry is about: the one of its clause whose action its words contain (the longest
    such action, where several do)."""
    if entry.clause is None:
        return None
    candidates = [d for d in protocol.duties if d.clause and d.clause[0] == entry.clause and d.action in entry.event]
    return max(candidates, key=lambda d: len(d.action), default=None)


def _label(lane: str) -> list[str]:
    """A lane's name in at most three lines (the table beside the drawing has it in full)."""
    lines = wrap(lane, 28)
    return lines if len(lines) <= 3 else [*lines[:2], lines[2] + " ..."]


def chronology(protocol: Protocol, timeline: tuple[TimelineEntry, ...], ident: str) -> Chronology:
    """The timeline drawn as lanes by agency and columns by date."""
    rows = tuple(
        Row(i, entry.date, entry.working_day, lane_of(protocol, entry), entry.event, entry.clause)
        for i, entry in enumerate(timeline, start=1)
    )
    lanes = tuple(dict.fromkeys([CASE] * any(r.lane == CASE for r in rows) + [r.lane for r in rows]))
    dates = sorted({r.date for r in rows})
    label_lines = {lane: _label(lane) for lane in lanes}
    left = max(text_width(lines) for lines in label_lines.values()) + 20
    width = left + COLUMN_WIDTH * len(dates) + 10
    height = HEADER + LANE_HEIGHT * len(lanes) + 8
    body = [
        *_dates(rows, dates, len(lanes), left, ident),
        *_lanes(label_lines, left, width),
        *_markers(rows, dates, lanes, left),
    ]
    hatch = (
        f'<defs><pattern id="closed-{ident}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f0f0f0"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ccc" stroke-width="2"/></pattern></defs>'
    )
    span = f"from {dates[0]:%d %B %Y} to {dates[-1]:%d %B %Y}" if len(dates) > 1 else f"on {dates[0]:%d %B %Y}"
    about = f"{len(rows)} numbered entries {span}, in lanes for {', '.join(lanes)}; the table below lists them."
    svg = page(
        width, height, [hatch, *body], title="witness timeline by agency", description=about, css_class="chronology"
    )
    return Chronology(svg, rows, lanes)


def _dates(rows: tuple[Row, ...], dates: list[dt.date], lanes: int, left: float, ident: str) -> list[str]:
    """A column per date: the date on top, the days since the one before, shaded if not a working day."""
    body = []
    for k, day in enumerate(dates):
        x = left + COLUMN_WIDTH * k
        working = next(r.working_day for r in rows if r.date == day)
        if working is False:
            closed = f"url(#closed-{ident})"
            body.append(
                rect(x + 2, HEADER - 4, COLUMN_WIDTH - 4, LANE_HEIGHT * lanes + 4, rx=0, fill=closed, stroke="none")
            )
        words = [day.strftime("%a %d %b %Y")] + (["not a working day"] if working is False else [])
        body.append(text(x + COLUMN_WIDTH / 2, 14, words, size=10))
        if k:
            gap = (day - dates[k - 1]).days
            body.append(text(x, HEADER - 8, [f"+{gap} day{'s' * (gap != 1)}"], size=9))
    return body


def _lanes(label_lines: dict[str, list[str]], left: float, width: float) -> list[str]:
    """A row per lane: a rule above it, its name on the left, a dotted line along its middle."""
    body = []
    for i, (lane, lines) in enumerate(label_lines.items()):
        y = HEADER + LANE_HEIGHT * i
        middle = y + LANE_HEIGHT / 2
        body.append(f'<line x1="0" y1="{n(y)}" x2="{n(width)}" y2="{n(y)}" stroke="#999" stroke-width="0.6"/>')
        first = middle + 4 - 6 * (len(lines) - 1)
        body.append(text(8, first, lines, anchor="start", size=10, weight="bold" if lane == CASE else "normal"))
        body.append(
            f'<line x1="{n(left)}" y1="{n(middle)}" x2="{n(width - 10)}" y2="{n(middle)}" '
            'stroke="#bbb" stroke-dasharray="2 3"/>'
        )
    return body


def _markers(rows: tuple[Row, ...], dates: list[dt.date], lanes: tuple[str, ...], left: float) -> list[str]:
    """Each entry's numbered marker where its date and lane cross: black for the case, white badges else."""
    body = []
    for k, day in enumerate(dates):
        for i, lane in enumerate(lanes):
            here = [r for r in rows if r.date == day and r.lane == lane]
            for j, row in enumerate(here):
                step = min(26.0, (COLUMN_WIDTH - 20) / len(here))
                x = left + COLUMN_WIDTH * k + COLUMN_WIDTH / 2 + (j - (len(here) - 1) / 2) * step
                y = HEADER + LANE_HEIGHT * i + LANE_HEIGHT / 2
                if lane != CASE:
                    body.append(badge(x, y, str(row.number)))
                    continue
                body.append(f'<circle cx="{n(x)}" cy="{n(y)}" r="11" fill="black"/>')
                number = text(x, y + 4, [str(row.number)], size=10, weight="bold")
                body.append(number.replace("<text ", '<text fill="white" ', 1))
    return body
