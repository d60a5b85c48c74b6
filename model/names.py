"""The names of a protocol's elements, and the phrases protoverify makes of them: who does a duty
(or that the text names no one), what starts its clock, its timescale in words.

The phrases themselves are in `wording`; this module looks the names up. Every check and renderer
takes a protocol's names from here (`names(protocol)`), so that an agency, a role, an event or a
state is called the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .calendar import Limit
from .timescales import Start, duty_limits, trigger_start
from .wording import (
    NO_ONE,
    Joined,
    NoOne,
    StartStyle,
    amount_words,
    clause_words,
    joined,
    limit_words,
    quoted,
    size,
    start_phrase,
)

if TYPE_CHECKING:
    from .schema import Duty, Protocol, Timescale

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


# --- who ---------------------------------------------------------------------------------------------


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


# --- what starts a duty's clock, and a timescale ----------------------------------------------------


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
