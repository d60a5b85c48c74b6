"""Comparing two time limits on the working-day calendar: tighter, looser, the same, or neither.

"Within 10 working days" and "within 2 weeks" agree on most dates but not on all: started on a
Saturday, 10 working days end a day sooner; across Christmas, later. So two limits are compared on
real dates: each day of the checks' window (`context.WINDOW`), at several times of day when either
limit is in hours, each limit counted on its own calendar (a redraft may change the calendar). The
new limit is *tighter* if its deadline is never later than the old one and sometimes earlier,
*looser* the other way round, the *same* if the two never differ, and *neither* if it is earlier on
some dates and later on others. For each way the deadlines differ, the date where they differ most
(the earliest such date, on a tie) is kept to show it.

`timescale_change` says how a duty's timescale changes between two versions of a protocol: each of
its parts (the limit, its second reading, the interval of a recurring duty, how long each occurrence
lasts, its words) compared in turn, and the changes taken together: tightened, loosened, the same in
effect, or changed in a way that is neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ..model.calendar import Calendar, Limit, Unit
from ..model.schema import Duty, Protocol, Timescale
from ..model.timescales import SAME_DAY, limit
from ..model.wording import deadline_words, moment_words
from .context import WINDOW

HOURS_OF_DAY = (0, 9, 17, 23)  # times of day an anchor is tried at when a limit is in hours

Verdict = Literal["tighter", "looser", "same", "neither"]
Direction = Literal["tightened", "loosened", "changed", "same"]  # how a timescale changes between versions
ARTICLE = {"limit": "a", "interval": "an"}


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


# --- a duty's timescale, from one version of a protocol to the next ---------------------------------


Reading = tuple[object, Limit | None]  # what a limit counts from, and the limit (None: at the moment itself)
Calendars = tuple[Calendar, Calendar]  # the old version's and the new one's


def timescale_change(old: Protocol, o: Duty, new: Protocol, n: Duty) -> tuple[Direction, str] | None:
    """How a duty's timescale changes (tightened, loosened, changed but not comparable, the same in
    effect) and why, in words; None if it does not change (the phrase as printed, `words`, aside)."""
    if _bare(o.timescale) == _bare(n.timescale):
        return None
    calendars = (old.calendar.to_calendar(), new.calendar.to_calendar())
    ot, nt = o.timescale, n.timescale
    main_o, main_n = _main(o), _main(n)
    verdicts = [
        _compare_main(main_o, main_n, calendars, old.calendar != new.calendar),
        _second_reading(ot, nt, main_o, main_n, calendars),
        _compare_main(_every(ot), _every(nt), calendars, True, "interval"),
        ("changed", "how long each occurrence lasts changes") if (ot and ot.lasting) != (nt and nt.lasting) else None,
        _compare_vague(ot.vague if ot else None, nt.vague if nt else None),
    ]
    found = [v for v in verdicts if v is not None]
    directions = {d for d, _ in found} - {"same"} or {"same"}
    direction = directions.pop() if len(directions) == 1 else "changed"
    return direction, "; ".join(reason for _, reason in found if reason)  # type: ignore[return-value]


def _bare(timescale: Timescale | None) -> Timescale | None:
    """A timescale without the phrase as printed, which says nothing the other fields do not."""
    return None if timescale is None else timescale.model_copy(update={"words": None})


def _main(duty: Duty) -> Reading | None:
    """A duty's limit: what it counts from (its trigger, or the event it is before or at) and the limit."""
    t = duty.timescale
    if t is None:
        return None
    if t.within is not None:
        return duty.trigger, limit(t.within)
    if t.same_day:
        return duty.trigger, SAME_DAY
    if t.before is not None:
        return ("before", t.before.event), Limit(t.before.amount, t.before.unit, before=True)
    if t.at is not None:
        return ("at", t.at), None
    return None


def _every(timescale: Timescale | None) -> Reading | None:
    """A recurring duty's longest interval, as a reading."""
    return ("every", limit(timescale.every)) if timescale and timescale.every else None


def _second_reading(
    ot: Timescale | None, nt: Timescale | None, main_o: Reading | None, main_n: Reading | None, calendars: Calendars
) -> tuple[str, str] | None:
    """How the second reading of a limit (`also`) changes, as (direction, reason); None if it does not."""
    also_o, also_n = (t.also if t else None for t in (ot, nt))
    if also_o == also_n:
        return None
    if also_o and also_n and main_o and main_n and main_o[0] == main_n[0] and main_o[1] is not None:
        before = main_o[1].before
        return _compare_limits(limit(also_o, before), limit(also_n, before), calendars, True, "second reading")
    change = "dropped" if also_n is None else "added" if also_o is None else "changed"
    return "changed", f"the second reading of the limit is {change}"


def _compare_main(
    old: Reading | None, new: Reading | None, calendars: Calendars, show_dates: bool, what: str = "limit"
) -> tuple[str, str] | None:
    """How one reading of a limit changes, as (direction, reason); None if it does not."""
    if old == new:
        return None
    if old is None:
        return "tightened", f"it now sets {ARTICLE[what]} {what} where it set none"
    if new is None:
        return "loosened", f"it no longer sets {ARTICLE[what]} {what}"
    if old[0] != new[0] or old[1] is None or new[1] is None:
        return "changed", f"the {what} counts from a different moment, so the two cannot be compared"
    return _compare_limits(old[1], new[1], calendars, show_dates or old[1].unit != new[1].unit, what)


def _compare_limits(old: Limit, new: Limit, calendars: Calendars, show_dates: bool, what: str) -> tuple[str, str]:
    """Two limits counted from the same moment, compared on each version's calendar: (direction, reason)."""
    result = compare(old, new, *calendars)
    if result.verdict == "same":
        return "same", f"restated, the same deadline on every date from {WINDOW[0].year} to {WINDOW[1].year}"
    direction = {"tighter": "tightened", "looser": "loosened", "neither": "changed"}[result.verdict]
    if result.verdict == "neither":
        shown = f"{_example_words(result.earlier, old, new)}; {_example_words(result.later, old, new)}"  # type: ignore[arg-type]
        return (
            direction,
            f"on the working-day calendar the new {what} is earlier on some dates and later on others: {shown}",
        )
    if not show_dates:
        return direction, ""
    example = result.earlier or result.later
    never = "later" if result.earlier else "earlier"
    return (
        direction,
        f"on the working-day calendar it is never {never}, and differs most {_example_words(example, old, new)}",
    )  # type: ignore[arg-type]


def _example_words(example: Example, old: Limit, new: Limit) -> str:
    start = "if the event falls on" if old.before else "if the clock starts on"
    shown = old if old.unit is Unit.HOURS else new
    ends, not_then = deadline_words(example.new_due, new), deadline_words(example.old_due, old)
    return f"{start} {moment_words(example.anchor, shown)}: it ends {ends}, not {not_then}"


def _compare_vague(was: str | None, now: str | None) -> tuple[str, str] | None:
    """Words such as "as soon as" set no limit that can be counted: any change to them is not comparable."""
    if was == now:
        return None
    if was is None:
        return "changed", f'it now says "{now}", words that cannot be compared with a limit'
    if now is None:
        return "changed", f'the words "{was}" are dropped, and words cannot be compared with a limit'
    return "changed", f'the words "{was}" become "{now}"'
