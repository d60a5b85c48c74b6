"""The names of a protocol's elements, and the phrases protoverify makes of them: who does a duty
(or that the text names no one), what starts its clock, its timescale in words, a clause with its
opening words, and a child in a situation.

Findings call agencies by the protocol's own short names (YOS, CSC: `short`), and a clause by its
number with its opening words where the file gives them (`clause_ref`).

The phrases themselves are in `wording`; this module looks the names up. Every check and renderer
takes a protocol's names from here (`names(protocol)`), so that an agency, a role, an event or a
state is called the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .calendar import Limit
from .conditions import All, AnyOf, Comparison, Condition, Not
from .timescales import SAME_DAY, Start, duty_limits, trigger_start
from .wording import (
    NO_ONE,
    Joined,
    NoOne,
    StartStyle,
    amount_words,
    clause_words,
    joined,
    limit_words,
    listing,
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


ACRONYM = re.compile(r"\(([A-Z][A-Za-z]*[A-Z])[;),]")  # the capitals in brackets that name an agency: '(YOS; ...)'
NOTE = re.compile(r"\s*\([^()]*\)$")  # a note in brackets at the end of a name


def short_name(name: str, short: str | None = None) -> str:
    """What a party is called for short: its `short`, else the capitals in brackets in its name
    ('Stockport Youth Offending Service (YOS; also called the YOT)': 'YOS'), else its name without a
    note in brackets at the end ('the police (police station)': 'the police')."""
    if short:
        return short
    found = ACRONYM.search(name)
    return found.group(1) if found else NOTE.sub("", name) or name


class Names:
    """The names of one protocol's elements, looked up once: its parties (agencies, roles and
    people) in full and for short, states, lifecycles, events, dimensions and artefacts; each duty
    by id (its first occurrence); the agency each agency or role is, or sits under (people are not
    agencies), and the body each agency is part of (its council, else itself); and the opening
    words of its clauses, where the file gives them."""

    def __init__(self, protocol: Protocol):
        self.protocol = protocol
        self.parties = _full_names(protocol)
        self.shorts = _short_names(protocol)
        self.openings: dict[str, str] = dict(getattr(protocol, "clauses", None) or {})  # the format's clause table
        self.attributes = {a.id: a for a in protocol.attributes}
        self.agency = {a.id: a.id for a in protocol.agencies} | {r.id: a.id for a in protocol.agencies for r in a.roles}
        self.body = {a.id: a.council.id if a.council is not None else a.id for a in protocol.agencies}
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
        self.roles = {r.id for r in protocol.roles()}
        self.role_shorts = {r.id for r in protocol.roles() if r.short}

    def party(self, party: str) -> str:
        return self.parties.get(party) or _word(party)

    def short(self, party: str) -> str:
        """What the protocol calls a party for short: 'YOS', 'CSC', 'YOS officer'."""
        return self.shorts.get(party) or _word(party)

    def called(self, party: str) -> str:
        """A party as a sentence names it: an agency or person by its short name ('YOS'), a role with
        'the' in front ('the YOS officer', "the children's team manager"), unless the protocol gives the
        role a `short` of its own ('Early Help') or its name has an article already ("the child's
        social worker")."""
        name = self.short(party)
        if party not in self.roles or party in self.role_shorts:
            return name
        return name if name.split(" ", 1)[0].lower() in ("the", "a", "an", "any") else f"the {name}"

    def event(self, event: str) -> str:
        return self.events.get(event) or _word(event)

    def state(self, state: str) -> str:
        return self.states.get(state) or _word(state)

    def dimension(self, dimension: str) -> str:
        return self.dimensions.get(dimension) or _word(dimension)

    def artefact(self, artefact: str) -> str:
        return self.artefacts.get(artefact) or _word(artefact)


def _full_names(protocol: Protocol) -> dict[str, str]:
    """Each party (agency, role, person) by id, with its name in full."""
    return (
        {a.id: a.name for a in protocol.agencies}
        | {r.id: r.name for r in protocol.roles()}
        | {p.id: p.name for p in protocol.people}
    )


def _short_names(protocol: Protocol) -> dict[str, str]:
    """Each party by id, with what the protocol calls it for short ('YOS', 'YOS officer'); a person by name."""
    return (
        {a.id: short_name(a.name, a.short) for a in protocol.agencies}
        | {r.id: r.short or NOTE.sub("", r.name) or r.name for r in protocol.roles()}
        | {p.id: p.name for p in protocol.people}
    )


_NAMES: dict[int, Names] = {}  # by the protocol's identity, for the few protocols of a run


def names(protocol: Protocol) -> Names:
    """The names of the protocol's elements (worked out once for each protocol object)."""
    found = _NAMES.get(id(protocol))
    if found is None or found.protocol is not protocol:
        if len(_NAMES) >= 8:
            _NAMES.clear()
        found = _NAMES[id(protocol)] = Names(protocol)
    return found


# --- clauses ---------------------------------------------------------------------------------------


def clause_ref(protocol: Protocol, clause: str) -> str:
    """A clause by its number, with its opening words where the file gives them: 'clause 5.6.1 ("As
    soon as a RiLAA has")'."""
    opening = names(protocol).openings.get(clause)
    return f'clause {clause} ("{opening}")' if opening else f"clause {clause}"


def clauses_ref(protocol: Protocol, clauses: Iterable[str]) -> str:
    """One clause as `clause_ref` says it, several by their numbers: 'clauses 4.2.4 and 5.7.1'."""
    items = list(dict.fromkeys(clauses))
    return clause_ref(protocol, items[0]) if len(items) == 1 else clause_words(items)


# --- a child in a situation -------------------------------------------------------------------------


def child_words(protocol: Protocol, situation: dict[str, str | int | bool]) -> str:
    """A child in a situation (a witness's data: lifecycle -> states, attribute -> value), as one
    child: 'a child (remanded to local authority accommodation; looked after; the CPS is opposing
    bail; not: the social worker is present at court)'."""
    found = names(protocol)
    lifecycles = {lc.id for lc in protocol.lifecycles}
    parts = [
        found.state(s.strip())
        for key, value in situation.items()
        if key in lifecycles
        for s in str(value).split(",")
        if s.strip()
    ]
    denied = []
    for key, value in situation.items():
        attribute = found.attributes.get(key)
        if attribute is None:
            continue
        if attribute.type == "bool":
            (parts if value else denied).append(attribute.name)
        elif attribute.type == "int":
            parts.append(f"{attribute.name} {value}")
        else:
            chosen = next((v for v in attribute.values if v.id == value), None)
            parts.append(f"{attribute.name}: {(chosen.name if chosen else None) or _word(str(value))}")
    if denied:
        parts.append("not: " + ", ".join(denied))
    return f"a child ({'; '.join(parts)})" if parts else "a child"


def condition_words(protocol: Protocol, condition: Condition) -> str:
    """A condition in the protocol's words: states by name, yes/no attributes by what they say."""
    found = names(protocol)
    match condition:
        case Comparison(key, op, value):
            values = value if isinstance(value, tuple) else (value,)
            attribute = found.attributes.get(key)
            if attribute is None:  # a lifecycle
                said = " or ".join(found.state(str(v)) for v in values)
                return f"not {said}" if op in ("ne", "not_in") else said
            if attribute.type == "bool":
                holds = (values[0] is True) == (op not in ("ne", "not_in"))
                return attribute.name if holds else f"not where {attribute.name}"
            if attribute.type == "enum":
                labels = {v.id: v.name or _word(v.id) for v in attribute.values}
                said = " or ".join(labels.get(str(v), _word(str(v))) for v in values)
                return f"{attribute.name}: {'not ' if op in ('ne', 'not_in') else ''}{said}"
            return f"{attribute.name} {COMPARED[op]} {', '.join(map(str, values))}"
        case All(parts):
            return " and ".join(condition_words(protocol, p) for p in parts) or "always"
        case AnyOf(parts):
            return " or ".join(condition_words(protocol, p) for p in parts)
        case Not(part):
            return f"not ({condition_words(protocol, part)})"
    raise TypeError(condition)


COMPARED = {"eq": "is", "ne": "is not", "lt": "under", "lte": "at most", "gt": "over", "gte": "at least"}
COMPARED |= {"in": "is", "not_in": "is not"}


# --- who ---------------------------------------------------------------------------------------------


def who(protocol: Protocol, parties: Iterable[str] | None, lead: str | None = None, *, cell: bool = False) -> str:
    """Who, by the protocol's short names, as a sentence says it ('the YOS officer and CSC') or, for a
    table's `cell`, bare ('YOS officer and CSC'), with the lead if one is named; '' if none."""
    listed = list(dict.fromkeys(parties or ()))
    if not listed:
        return ""
    found = names(protocol)
    name = found.short if cell else found.called
    led = f" ({name(lead)} leading)" if lead else ""
    return listing(name(p) for p in listed) + led


def parties_words(
    protocol: Protocol,
    parties: Iterable[str] | None,
    *,
    nobody: NoOne = "short",
    how: Joined = "list",
    lead: str | None = None,
) -> str:
    """Who, by full names, for the comparison and the diff: the parties' names joined (`how`), with
    the one leading if named; `NO_ONE[nobody]` if there are none (the source names no one)."""
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
    """The firm limit a timescale gives beside its vague words ('' if none)."""
    if timescale.within is not None:
        return f"within {amount_words(timescale.within.amount, timescale.within.unit)}"
    before = timescale.before
    if before is not None:
        event = names(protocol).events.get(before.event, before.event)
        if before.amount is None or before.unit is None:
            return f"before {event}"
        return f"no later than {amount_words(before.amount, before.unit)} before {event}"
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
    if t.same_day:
        parts.append(limit_words(SAME_DAY, trigger_words(protocol, duty, "change")))
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


# --- a duty in a sentence -----------------------------------------------------------------------------


def doing(protocol: Protocol, duty: Duty, also: Iterable[Duty] = ()) -> str:
    """What a duty asks, as a sentence says it: 'CSC must identify a remand placement'; 'someone must
    ...' where the text names no one; with `also`, the other duties of the same sentence, each with
    its own actor where it has another ('YOS must tell CSC of the change, and CSC tell the YOS of it')."""
    acting = who(protocol, duty.actor, duty.lead) or "someone"
    parts = [duty.action]
    for other in also:
        other_acting = who(protocol, other.actor, other.lead) or "someone"
        part = other.action if other_acting == acting else f"{other_acting} {other.action}"
        if part not in parts:
            parts.append(part)
    return f"{acting} {duty.modality} {listing(parts) if len(parts) < 3 else '; '.join(parts)}"


def by_when(protocol: Protocol, duty: Duty) -> str | None:
    """A duty's time limit in a few words, or None where the text gives none."""
    t = duty.timescale
    if t is None:
        return None
    if t.within is None and t.before is None and t.every is None and t.at is None:
        return quoted(t.vague) if t.vague else None
    return timescale_words(protocol, duty)


SUGGESTED = {  # a time limit that fits the kind of duty, where the text gives none
    "invitation": "Give a notice period, e.g. invitations at least 5 working days before the meeting.",
    "notification": "Set a firm limit, e.g. the same working day as {start}.",
    "protocol_review": "Set a review period in years, e.g. every 2 years from agreement, and who leads it.",
    "safeguarding": "Make it a 'must', and set a firm limit, e.g. the same working day as {start}.",
}


def timing_suggestion(protocol: Protocol, duty: Duty, natures: Iterable[str], law: str | None = None) -> str:
    """A time limit to suggest for a duty that gives none, fitting what it is: statute's where statute
    sets one; a notice period for an invitation; the same working day for a notification; a period
    in years for a protocol review; else a limit counted from what starts it."""
    start = trigger_words(protocol, duty, "quoted") if duty.trigger is not None else None
    if law:
        return f"Set {law} or sooner, as statute does."
    for nature in ("invitation", "protocol_review", "safeguarding", "notification"):
        if nature in natures and (start or nature not in ("notification", "safeguarding")):
            return SUGGESTED[nature].format(start=start)
    if start:
        return f"Say by when, counted from {start}."
    return "Say by when, or at which stage of the case."
