"""Names and phrases: how protoverify words a protocol's elements for a reader, in one place.

The checks (their messages) and the renderers (reports, comparisons, diffs) say the same things: who
does a duty, or that no one is named; what starts its clock; a timescale; a list of clauses; a date;
"did you mean" for a name not found. Each is phrased here. Where the texts of this version still
phrase one thing in several ways (they were written apart), each way is kept, chosen by a `style`
argument, so that the outputs stay as they were; the next round of work on the messages can make
them one.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from .calendar import Calendar, Unit
from .timescales import Limit, Start, duty_limits, last_day, trigger_start

if TYPE_CHECKING:
    from .schema import Duty, Protocol, Timescale

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


# --- the names of a protocol's elements --------------------------------------------------------------


def _word(name: str) -> str:
    """An id read as words, for an element with no name of its own."""
    return name.replace("_", " ")


class Names:
    """The names of one protocol's elements, looked up once: its parties (agencies, roles and
    people), states, lifecycles, events, dimensions and artefacts; each duty by id (its first occurrence); and
    the agency each agency or role is, or sits under (people are not agencies)."""

    def __init__(self, protocol: Protocol):
        self.protocol = protocol
        self.parties = (
            {a.id: a.name for a in protocol.agencies}
            | {r.id: r.name for r in protocol.roles()}
            | {p.id: p.name for p in protocol.people}
        )
        self.agency = {a.id: a.id for a in protocol.agencies} | {r.id: a.id for a in protocol.agencies for r in a.roles}
        self.states = {s.id: s.name or _word(s.id) for s in protocol.states()}
        self.lifecycles = {lc.id: lc.name for lc in protocol.lifecycles}
        self.events: dict[str, str] = {}
        for event in protocol.events:
            self.events.setdefault(event.id, event.name)
        self.dimensions = {d.id: d.name for d in protocol.dimensions}
        self.artefacts: dict[str, str] = {}
        for artefact in protocol.artefacts:
            self.artefacts.setdefault(artefact.id, artefact.name)
        self.duties: dict[str, Duty] = {}
        for duty in protocol.duties:
            self.duties.setdefault(duty.id, duty)

    def party(self, party: str) -> str:
        return self.parties.get(party) or _word(party)

    def event(self, event: str) -> str:
        return self.events.get(event) or _word(event)

    def state(self, state: str) -> str:
        return self.states.get(state) or _word(state)

    def dimension(self, dimension: str) -> str:
        return self.dimensions.get(dimension) or _word(dimension)

    def artefact(self, artefact: str) -> str:
        return self.artefacts.get(artefact) or _word(artefact)


_NAMES: dict[int, Names] = {}  # by the protocol's identity, for the few protocols of a run


def names(protocol: Protocol) -> Names:
    """The names of the protocol's elements (worked out once for each protocol object)."""
    found = _NAMES.get(id(protocol))
    if found is None or found.protocol is not protocol:
        if len(_NAMES) >= 8:
            _NAMES.clear()
        found = _NAMES[id(protocol)] = Names(protocol)
    return found


# --- who --------------------------------------------------------------------------------------------

NoOne = Literal["clause", "text", "facts", "short", "cell"]
NO_ONE: dict[str, str] = {  # that the text names no one to act, in each way it is said today
    "clause": "someone (the clause names no one)",
    "text": "someone (the text names no one)",
    "facts": "someone (the facts name no one)",
    "short": "no one named",
    "cell": "(not named)",
}


def parties_words(
    protocol: Protocol,
    parties: Iterable[str] | None,
    *,
    nobody: NoOne = "text",
    how: Joined = "list",
    lead: str | None = None,
) -> str:
    """Who: the parties' names joined (`how`), with the one leading if named; `NO_ONE[nobody]` if
    there are none (the source names no one)."""
    listed = list(parties or ())
    if not listed:
        return NO_ONE[nobody]
    found = names(protocol)
    led = f" ({found.party(lead)} leading)" if lead else ""
    return joined((found.party(p) for p in listed), how) + led


# --- what starts a duty's clock ----------------------------------------------------------------------

StartStyle = Literal["moment", "quoted", "case", "change", "id"]
START_PHRASES: dict[str, dict[str | None, str]] = {  # by the style of the sentence it is part of
    "moment": {  # a moment on a witness timeline
        "event": "{event}",
        "enter": "{state} begins",
        "exit": "{state} ends",
        "duty": "{action} done",
        "situation": "the case comes to be where {situation}",
        "possible": "{event} becomes possible",
    },
    "quoted": {  # a statutory finding
        "event": "'{event}'",
        "enter": "'{state}' beginning",
        "exit": "'{state}' ending",
        "duty": "'{action}' being done",
        None: "its start",
    },
    "case": {  # a text finding
        "event": "the event '{event}'",
        "enter": "the case becoming '{state}'",
        "exit": "the case ceasing to be '{state}'",
        "duty": "'{action}' being done ({clauses})",
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


def start_words(protocol: Protocol, start: Start | None, style: StartStyle) -> str:
    """What starts a duty's clock (see `timescales.start`), in words of `style`."""
    if start is None:
        return start_phrase(None, style)
    found, name = names(protocol), start.name
    if start.kind == "duty" and style != "id":
        done = found.duties[name]  # type: ignore[index]
        return start_phrase("duty", style, action=done.action, clauses=clause_words(done.clause), id=name)
    words = {
        "event": found.event(name) if name and start.kind in ("event", "possible") else None,
        "state": found.state(name) if name and start.kind in ("enter", "exit") else None,
    }
    return start_phrase(start.kind, style, id=name, **words)


# --- time limits -------------------------------------------------------------------------------------


def amount_words(amount: int, unit: Unit, singular: bool = True) -> str:
    """'10 working days', '1 week' ('1 weeks' if not `singular`, as the text checks still say)."""
    name = unit.value.replace("_", " ")
    return f"{amount} {name[:-1] if singular and amount == 1 else name}"


def size(limit: Limit) -> str:
    """A limit's amount and unit in words: '10 working days'; '' for the anchor itself."""
    if limit.amount is None or limit.unit is None:
        return ""
    return amount_words(limit.amount, limit.unit)


def limit_words(limit: Limit, anchor: str) -> str:
    """A limit in words, counted from `anchor`: 'within 10 working days of entering custody'."""
    if not size(limit):
        return f"before {anchor}"
    return f"no later than {size(limit)} before {anchor}" if limit.before else f"within {size(limit)} of {anchor}"


def firm_limit_words(protocol: Protocol, timescale: Timescale) -> str:
    """The firm limit a timescale gives beside its vague words ('' if none), as the text checks say it."""
    if timescale.within is not None:
        return f"within {amount_words(timescale.within.amount, timescale.within.unit, singular=False)}"
    before = timescale.before
    if before is not None:
        event = names(protocol).events.get(before.event, before.event)
        if before.amount is None or before.unit is None:
            return f"before {event}"
        return f"no later than {amount_words(before.amount, before.unit, singular=False)} before {event}"
    return ""


def reading_words(protocol: Protocol, duty: Duty, limit: Limit, event: str | None = None, every: bool = False) -> str:
    """One limit of a duty's timescale, as the statute checks say it: 'within 10 working days of
    'custodial sentence imposed'', 'no later than 14 days before 'released'', 'at intervals of at
    most 1 week' (`every`)."""
    if every:
        return f"at intervals of at most {size(limit)}"
    if limit.before:
        return limit_words(limit, quoted(names(protocol).event(event)))  # type: ignore[arg-type]
    return limit_words(limit, trigger_words(protocol, duty, "quoted"))


def timescale_words(protocol: Protocol, duty: Duty) -> str:
    """A duty's timescale as the statute checks and the comparison say it: its limits counted on the
    calendar, else its words, else that it has none."""
    timescale, found = duty.timescale, duty_limits(duty)
    parts = [reading_words(protocol, duty, limit, found.event) for limit in found.readings]
    if found.every is not None:
        parts.append(reading_words(protocol, duty, found.every, every=True))
    if timescale is not None and timescale.vague is not None:
        parts.append(quoted(timescale.vague))
    if timescale is not None and timescale.at is not None:
        parts.append(f"at {quoted(names(protocol).event(timescale.at))}")
    return ", ".join(parts) if parts else "with no timescale"


def timescale_change_words(protocol: Protocol, duty: Duty) -> str:
    """A duty's timescale as a change between two versions says it: every part the file gives."""
    t = duty.timescale
    if t is None:
        return "no timescale given"
    event = names(protocol).event
    parts = []
    if t.within is not None:
        parts.append(limit_words(Limit(t.within.amount, t.within.unit), trigger_words(protocol, duty, "change")))
    if t.before is not None:
        parts.append(limit_words(Limit(t.before.amount, t.before.unit, before=True), quoted(event(t.before.event))))
    if t.at is not None:
        parts.append(f"at {quoted(event(t.at))}")
    if t.also is not None:
        parts.append(f"also stated as {size(Limit(t.also.amount, t.also.unit))}")
    if t.vague is not None:
        parts.append(f'"{t.vague}"')
    if t.every is not None:
        lasting = f", lasting {size(Limit(t.lasting.amount, t.lasting.unit))}" if t.lasting else ""
        parts.append(f"at least every {size(Limit(t.every.amount, t.every.unit))}{lasting}")
    return ", ".join(parts)


def trigger_words(protocol: Protocol, duty: Duty, style: StartStyle) -> str:
    """What the duty's own trigger is, in words of `style` (that it has none, if it has none)."""
    return start_words(protocol, trigger_start(duty.trigger), style)


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
