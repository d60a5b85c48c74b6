"""Comparing two time limits on the working-day calendar: tighter, looser, the same, or neither.

"Within 10 working days" and "within 2 weeks" agree on most dates but not on all: started on a
Saturday, 10 working days end a day sooner; across Christmas, later. So two limits are compared on
real dates: each day of the checks' window (`context.WINDOW`), at several times of day when either
limit is in hours, each limit counted on its own calendar (a redraft may change the calendar). The
new limit is *tighter* if its deadline is never later than the old one and sometimes earlier,
*looser* the other way round, the *same* if the two never differ, and *neither* if it is earlier on
some dates and later on others. For each way the deadlines differ, the date where they differ most
(the earliest such date, on a tie) is kept to show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ..model.calendar import Calendar, Unit
from .context import WINDOW
from .timeline import Limit

HOURS_OF_DAY = (0, 9, 17, 23)  # times of day an anchor is tried at when a limit is in hours

Verdict = Literal["tighter", "looser", "same", "neither"]


@dataclass(frozen=True)
class Example:
    """An anchor (the trigger, or the event a limit counts back from) and the two deadlines on it."""

    anchor: dt.datetime
    old_due: dt.datetime
    new_due: dt.datetime


@dataclass(frozen=True)
class Comparison:
    """How a new limit compares with an old one, with the date that shows each way they differ."""

    verdict: Verdict
    earlier: Example | None  # where the new deadline falls earliest before the old one
    later: Example | None  # where it falls latest after it


def compare(
    old: Limit,
    new: Limit,
    old_calendar: Calendar,
    new_calendar: Calendar | None = None,
    window: tuple[dt.date, dt.date] = WINDOW,
) -> Comparison:
    """Compare `new` with `old`, both counted after an anchor or both before one, on every date of `window`."""
    if old.before != new.before:
        raise ValueError(
            "a limit after a trigger and a limit before an event count from different moments; expected two of one kind"
        )
    new_calendar = old_calendar if new_calendar is None else new_calendar
    hours = HOURS_OF_DAY if Unit.HOURS in (old.unit, new.unit) else (0,)
    earlier: Example | None = None
    later: Example | None = None
    day = window[0]
    while day <= window[1]:
        for hour in hours:
            anchor = dt.datetime.combine(day, dt.time(hour))
            example = Example(anchor, old.due(old_calendar, anchor), new.due(new_calendar, anchor))
            shift = example.new_due - example.old_due
            if shift < dt.timedelta(0) and (earlier is None or shift < earlier.new_due - earlier.old_due):
                earlier = example
            elif shift > dt.timedelta(0) and (later is None or shift > later.new_due - later.old_due):
                later = example
        day += dt.timedelta(days=1)
    verdict: Verdict = "neither" if earlier and later else "tighter" if earlier else "looser" if later else "same"
    return Comparison(verdict, earlier, later)
