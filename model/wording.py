"""Phrases: how protoverify words things for a reader, in one place.

The loaders, the checks (their messages) and the renderers (reports, comparisons, diffs) say the
same things: "did you mean" for a name not found; a list, a list of clauses; that no one is named;
what starts a duty's clock; a time limit; a date. Each is phrased here; the names of a protocol's
elements, and the phrases made of them (who does a duty, a duty's timescale, a child in a
situation), are in `names`, which builds on this module. (This one sits below the schema, whose
vocabulary check says "did you mean", so it knows no protocol.) What starts a clock is phrased for
the sentence it is part of (`style`): a witness timeline, a finding, a change between versions, a
simulation plan.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import Literal

from .calendar import Calendar, Limit, Unit, last_day

# --- names not found ---------------------------------------------------------------------------------


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to `name`, if one is close enough to be what was meant."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def guess(name: str, known: Iterable[str], otherwise: str = ";") -> str:
    """ "; did you mean 'x'?" for the closest known name, else `otherwise`."""
    close = did_you_mean(name, known)
    return f"; did you mean '{close}'?" if close else otherwise


def unknown(kind: str, name: str, known: Iterable[str], where: str = "") -> str:
    """ "unknown state 'x' in lifecycle 'y'; did you mean 'z'? expected one of: ..." (the first 12)."""
    names = sorted(known)
    listed = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
    return f"unknown {kind} '{name}'{where}{guess(name, names)} expected one of: {listed or '(none declared)'}"


# --- lists -------------------------------------------------------------------------------------------

Joined = Literal["list", "and", "comma"]


def listing(words: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def joined(words: Iterable[str], how: Joined = "list") -> str:
    """Words joined as a list ('a, b and c'), with 'and' between each ('a and b and c'), or with commas."""
    if how == "list":
        return listing(words)
    return (" and " if how == "and" else ", ").join(words)


def clause_words(clauses: Iterable[str]) -> str:
    """'clause 5.6.5' or 'clauses 5.6.5 and 5.7.3'."""
    items = list(dict.fromkeys(clauses))
    return ("clause " if len(items) == 1 else "clauses ") + listing(items)


def quoted(words: str) -> str:
    """A name quoted inside a sentence: 'custodial sentence imposed'."""
    return f"'{words}'"


# --- no one named --------------------------------------------------------------------------------------------

NoOne = Literal["short", "cell"]
NO_ONE: dict[str, str] = {  # that the text names no one to act: in a sentence, and in a table's cell
    "short": "no one named",
    "cell": "(not named)",
}


# --- what starts a duty's clock ----------------------------------------------------------------------

StartStyle = Literal["moment", "quoted", "change", "id"]
START_PHRASES: dict[str, dict[str | None, str]] = {  # by the style of the sentence it is part of
    "moment": {  # a moment on a witness timeline
        "event": "{event}",
        "enter": "{state} begins",
        "exit": "{state} ends",
        "duty": "{action} done",
        "situation": "the child comes to be: {situation}",
        "possible": "{event} becomes possible",
    },
    "quoted": {  # a finding's message
        "event": "'{event}'",
        "enter": "'{state}' beginning",
        "exit": "'{state}' ending",
        "duty": "'{action}' being done",
        None: "its start",
    },
    "change": {  # a change between two versions
        "event": "'{event}'",
        "enter": "entering '{state}'",
        "exit": "leaving '{state}'",
        "duty": "duty {id} being done",
        None: "none (a standing duty)",
    },
    "id": {  # a simulation plan, by ids
        "event": "event {id}",
        "enter": "entering {id}",
        "exit": "leaving {id}",
        "duty": "duty {id}",
        "situation": "situation {id}",
        "possible": "event {id}",
        None: "nothing",
    },
}


def start_phrase(kind: str | None, style: StartStyle, **words: str | None) -> str:
    """What starts a clock, of a kind (`Start.kind`; None: nothing), phrased in `style` with the
    names given (event, state, action, clauses, situation, id)."""
    return START_PHRASES[style][kind].format(**words)


# --- time limits -------------------------------------------------------------------------------------


def amount_words(amount: int, unit: Unit) -> str:
    """'10 working days', '1 week'; 'the same day' for 0 days."""
    if amount == 0:
        return "the same day"
    name = unit.value.replace("_", " ")
    return f"{amount} {name[:-1] if amount == 1 else name}"


def size(limit: Limit) -> str:
    """A limit's amount and unit in words: '10 working days'; '' for the anchor itself."""
    if limit.amount is None or limit.unit is None:
        return ""
    return amount_words(limit.amount, limit.unit)


def limit_words(limit: Limit, anchor: str) -> str:
    """A limit in words, counted from `anchor`: 'within 10 working days of entering custody'; 'on the
    day of entering custody' for a same-day limit."""
    if limit.amount == 0 and not limit.before:
        return f"on the day of {anchor}"
    if not size(limit):
        return f"before {anchor}"
    return f"no later than {size(limit)} before {anchor}" if limit.before else f"within {size(limit)} of {anchor}"


# --- dates --------------------------------------------------------------------------------------------


def day_words(day: dt.date) -> str:
    """'Fri 20 Dec 2024'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def long_date(day: dt.date) -> str:
    """'20 March 2021'."""
    return f"{day.day} {day:%B %Y}"


def holiday_words(calendar: Calendar, day: dt.date) -> str:
    """' (Christmas Day)' where the day is a holiday or closure, ' (a Saturday)' at a weekend, or ''."""
    name = calendar.holiday_name(day)
    return f" ({name})" if name else f" (a {day:%A})" if day.weekday() >= 5 else ""


def moment_words(when: dt.datetime, limit: Limit) -> str:
    """A date, with the time of day where the limit is in hours."""
    return f"{day_words(when.date())} at {when:%H:%M}" if limit.unit is Unit.HOURS else day_words(when.date())


def deadline_words(deadline: dt.datetime, limit: Limit) -> str:
    """When an exclusive deadline instant falls: 'before 17:30 on ...' or 'by the close of ...'."""
    if limit.unit is Unit.HOURS or limit.amount is None:
        return f"before {deadline:%H:%M} on {day_words(deadline.date())}"
    return f"by the close of {day_words(last_day(deadline))}"


def gap_words(first: dt.datetime, second: dt.datetime) -> str:
    """How long from one instant to a later one: '3 days', or '5 hours' on the same day."""
    days = (second.date() - first.date()).days
    if days == 0:
        hours = int((second - first).total_seconds() // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"
