"""Statute: what a protocol leaves to the law, and where it states the law more loosely.

A protocol is held against a statutory baseline (by default the bundled England baseline,
protocols/baseline/england.yaml), one duty kind of the shared vocabulary (model/vocabulary.py) at a
time. A protocol element *addresses* a kind when it is a duty, or an ownership rule, of that kind.

- `statutory-gap` (info). A baseline duty within the protocol's scope whose kind the protocol does
  not address; or a kind it addresses without giving any of statute's timescales a limit that can be
  compared with it (the timescale is left implicit). Protocols need not restate the law, so this is
  information: what an author leaves to the law is easily missed in practice.
- `statutory-conflict`. A duty whose time limit falls later than statute's on some real date (error;
  a warning where the facts the baseline is built from mark the English text unconfirmed), or a duty
  or ownership rule that gives the work only to bodies statute does not give it to (warning: handing
  work to another body can be lawful, but the body statute names stays answerable, and the protocol
  should say so).

Scope. A baseline duty applies in situations of certain kinds (its trigger and `when` name states,
and the states carry `kind:`s: remanded to youth detention, looked after, a relevant young person).
It is within a protocol's scope when the protocol has states of those kinds, of narrower or broader
ones, or of kinds that together imply them (looked-after children and custodial sentences: a
looked-after child can be sentenced). A baseline duty that names no state applies to every protocol.

Timescales are compared on the calendar (`properties.timescales.compare`): within with within, every
with every, before an event with before an event, each counted on its own file's calendar (calendar
months by the end-of-month rule), on every date of the checks' window. Anything else (a limit in
words, a limit after a trigger against one before an event) is not comparable, and is said to be.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from ..model import vocabulary
from ..model.calendar import Calendar, Limit, last_day
from ..model.conditions import All, AnyOf, Comparison, Condition
from ..model.loader import load_protocol
from ..model.names import (
    clauses_ref,
    condition_words,
    doing,
    names,
    reading_words,
    timescale_words,
    trigger_words,
    who,
)
from ..model.schema import Duty, OwnershipRule, Protocol, Provision, State, clause_sort_key
from ..model.source import LoadError, Located
from ..model.timescales import duty_limits
from ..model.wording import clause_words, day_words, listing, quoted, size
from .context import Context
from .findings import Finding, Member, Pattern, TimelineEntry, Witness, first_fitting, make, ordered
from .silences import timed_types, untimed
from .timescales import Comparison as Compared
from .timescales import compare
from .who import cap

BUNDLED = ("protoverify.baseline", "england.yaml")

Element = Duty | OwnershipRule


def check(protocol: Protocol, context: Context) -> list[Finding]:
    """Every statutory finding on the protocol against `context.baseline` (none if it has none)."""
    if context.baseline is None:
        return []
    return ordered(list(BaselineComparison(protocol, context.baseline).findings()))


@cache
def bundled_baseline() -> Protocol:
    """The England baseline installed with protoverify, or a LoadError saying it is missing."""
    package, name = BUNDLED
    try:
        resource = importlib.resources.files(package) / name
        found = resource.is_file()
    except ModuleNotFoundError:
        found = False
    if not found:
        message = (
            "the bundled England baseline is not installed with this copy of protoverify; "
            "expected --baseline FILE (e.g. protocols/baseline/england.yaml)"
        )
        raise LoadError([Located(f"{package}/{name}", 0, 0, message)])
    with importlib.resources.as_file(resource) as path:
        return load_protocol(path)


# --- what each element is about, and who does it ----------------------------------------------------


def kinds(protocol: Protocol, element: Element) -> tuple[str, ...]:
    """The duty kinds of a duty, or of an ownership rule (its own, else its dimension's)."""
    if isinstance(element, Duty) or element.kind:
        return element.kind
    return next((d.kind for d in protocol.dimensions if d.id == element.dimension), ())


def parties(element: Element) -> tuple[str, ...] | None:
    """Who does it: a duty's actors, a rule's owners; None where the text names no one."""
    return element.actor if isinstance(element, Duty) else element.owner


def bodies(protocol: Protocol, parties: Iterable[str]) -> frozenset[str] | None:
    """The kinds of body the parties are (through their agency), a service of a council being a local
    authority's as well as its own kind; None if any party's is not known."""
    agency = names(protocol).agency
    by_id = {a.id: a for a in protocol.agencies}
    found = set()
    for name in parties:
        of = by_id.get(agency.get(name, ""))
        if of is None or (of.kind is None and of.council is None):
            return None
        found |= {of.kind} - {None} | ({"local_authority"} if of.council is not None else set())
    return frozenset(found)


def provisions_words(baseline: Protocol, provisions: Iterable[Provision]) -> str:
    """'Care Planning ... Regulations 2010 (SI 2010/959), reg 42 and reg 40', marked where unconfirmed."""
    titles = {d.id: d.title for d in baseline.documents}
    by_document: dict[str, list[str]] = {}
    for p in dict.fromkeys(provisions):
        marked = p.provision + (" (English text unconfirmed)" if p.confidence == "unconfirmed" else "")
        by_document.setdefault(p.document, []).append(marked)
    return "; ".join(f"{titles[document]}, {listing(cited)}" for document, cited in by_document.items())


def unconfirmed(element: Element) -> bool:
    return any(p.confidence == "unconfirmed" for p in element.statute)


# --- scope ----------------------------------------------------------------------------------------


def state_kinds(protocol: Protocol) -> dict[str, str]:
    """Each state's situation kind: its own, else that of the nearest state around it with one."""
    found: dict[str, str] = {}

    def walk(states: tuple[State, ...], around: str | None) -> None:
        for state in states:
            kind = state.kind or around
            if kind is not None:
                found[state.id] = kind
            walk(state.states, kind)

    for lifecycle in protocol.lifecycles:
        walk(lifecycle.states, None)
    return found


def requirements(baseline: Protocol, duty: Element) -> list[frozenset[str]]:
    """The situation kinds a baseline element applies in, as alternatives each needing all its kinds;
    `[frozenset()]` if it names no state with a kind (it applies to every protocol)."""
    of_state = state_kinds(baseline)
    trigger = duty.trigger if isinstance(duty, Duty) else None
    start = [frozenset()]
    if trigger is not None and (trigger.enter or trigger.exit):
        state = trigger.enter or trigger.exit
        start = [frozenset({of_state[state]} if state in of_state else ())]
    elif trigger is not None and trigger.event is not None:  # an event happens in the states it moves a case from
        moved_from = {
            s for lc in baseline.lifecycles for t in lc.transitions if t.event == trigger.event for s in t.source
        }
        if moved_from and all(s in of_state for s in moved_from):
            start = [frozenset({of_state[s]}) for s in sorted(moved_from)]
    return _product(start, _alternatives(duty.when, of_state, baseline)) if duty.when is not None else start


def _alternatives(condition: Condition, of_state: dict[str, str], baseline: Protocol) -> list[frozenset[str]]:
    lifecycles = {lc.id for lc in baseline.lifecycles}
    match condition:
        case Comparison(key, op, value) if key in lifecycles and op in ("eq", "in"):
            states = value if isinstance(value, tuple) else (value,)
            if any(s not in of_state for s in states):
                return [frozenset()]  # a state of no kind: nothing to require of a protocol
            return [frozenset({of_state[s]}) for s in states]
        case All(parts):
            result = [frozenset()]
            for part in parts:
                result = _product(result, _alternatives(part, of_state, baseline))
            return result
        case AnyOf(parts):
            return [alt for part in parts for alt in _alternatives(part, of_state, baseline)]
    return [frozenset()]  # attributes and negations narrow who a duty is for, not a protocol's scope


def _product(left: list[frozenset[str]], right: list[frozenset[str]]) -> list[frozenset[str]]:
    return list(dict.fromkeys(a | b for a in left for b in right))


@dataclass(frozen=True)
class Scope:
    """Why a baseline element is within a protocol's scope: the protocol's states of the kinds it
    needs (none if it needs none), and the kinds it needs that only a combination of them implies."""

    states: tuple[State, ...]
    implied: tuple[str, ...]


def scope(protocol: Protocol, alternatives: list[frozenset[str]]) -> Scope | None:
    """Why a baseline element with these requirements is within the protocol's scope, or None if it
    is not."""
    present = set(state_kinds(protocol).values())
    for alternative in alternatives:
        needed = sorted(alternative)
        dealing = [vocabulary.dealt_with_by(present, kind) for kind in needed]
        if all(dealing):
            wanted = frozenset().union(*dealing)
            implied = tuple(k for k in needed if not present & vocabulary.related(k))
            return Scope(tuple(s for s in protocol.states() if s.kind in wanted), implied)
    return None


# --- timescales -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One comparable reading of a timescale: how it counts (within, every, before) and the limit."""

    how: str
    limit: Limit
    event: str | None = None  # what a limit before counts back from

    def words(self, protocol: Protocol, duty: Duty) -> str:
        return reading_words(protocol, duty, self.limit, self.event, every=self.how == "every")


def readings(duty: Duty) -> list[Reading]:
    """The readings of a duty's timescale that can be compared on the calendar."""
    found = duty_limits(duty)
    compared = [Reading(found.how, limit, found.event) for limit in found.readings]  # type: ignore[arg-type]
    return compared + ([Reading("every", found.every)] if found.every is not None else [])


# --- what statute says, for a finding on a protocol's duty ---------------------------------------------

JUSTICE = frozenset(
    {
        "police_custody",
        "remanded_local_authority",
        "remanded_yda",
        "sentenced_custody",
        "looked_after_remand",
        "ceased_looked_after_detained",
    }
)
"""The situations in which the justice system holds the child: a statutory duty for such a child is on
the boundary between the services, where one must act for a child the other has."""


def citation(baseline: Protocol, provisions: Iterable[Provision]) -> str:
    """A short citation: the instrument's title up to any bracket, and the provisions it gives
    ('Children Act 1989, s21(2)(b)'); provisions the facts do not give are left out."""
    titles = {d.id: d.title.split(" (")[0] for d in baseline.documents}
    by_document: dict[str, list[str]] = {}
    for p in dict.fromkeys(provisions):
        cited = by_document.setdefault(p.document, [])
        if "not given" not in p.provision:
            cited.append(p.provision)
    return "; ".join(f"{titles[d]}, {listing(c)}" if c else titles[d] for d, c in by_document.items())


def laws_for(baseline: Protocol | None, duty: Duty) -> list[Duty]:
    """The baseline's duties of the duty's kinds that set a time limit the calendar can count."""
    if baseline is None or not duty.kind:
        return []
    return [law for law in baseline.duties if set(law.kind) & set(duty.kind) and readings(law)]


def law_sentence(baseline: Protocol | None, protocol: Protocol, duty: Duty) -> tuple[str, str] | None:
    """What statute sets for a duty the protocol gives no time limit: the sentence that says so, and
    the limit to suggest ('within 1 working day'); None if statute sets none."""
    laws = laws_for(baseline, duty)
    if not laws or baseline is None:
        return None
    law = laws[0]
    first = readings(law)[0]
    limit = first.limit
    suggested = f"no later than {size(limit)} before it" if limit.before else f"within {size(limit)}"
    said = first.words(baseline, law)
    return f"Statute sets {said} ({citation(baseline, law.statute)}).", suggested


# --- the comparison -------------------------------------------------------------------------------

YOUTH_JUSTICE_SERVICE = "youth_offending_team"  # the baseline's id for the youth justice service

LEFT = Pattern(
    id="left-to-statute",
    several="{n} statutory duties inside one service are left to the law",
    suggestion="Say that these duties apply as statute sets them, or who does them and by when.",
)
UNCOMPARABLE = Pattern(
    id="statute-not-comparable",
    several="{n} time limits cannot be checked against statute's",
    suggestion="Give each limit in days, working days or weeks from the moment statute counts from.",
)


class BaselineComparison:
    """A protocol held against a baseline, kind by kind."""

    def __init__(self, protocol: Protocol, baseline: Protocol):
        self.protocol = protocol
        self.baseline = baseline
        self.agency = names(protocol).agency
        self.protocol_calendar: Calendar = protocol.calendar.to_calendar()
        self.baseline_calendar: Calendar = baseline.calendar.to_calendar()
        self._compared: dict[tuple[Limit, Limit], Compared] = {}  # many duties share a limit: each pair compared once

    def compare(self, law: Limit, limit: Limit) -> Compared:
        """A protocol's limit against statute's, on every date of the window (see `timescales.compare`)."""
        if (law, limit) not in self._compared:
            self._compared[law, limit] = compare(law, limit, self.baseline_calendar, self.protocol_calendar)
        return self._compared[law, limit]

    def of_kind(self, protocol: Protocol, kind: str) -> list[Element]:
        elements: list[Element] = [*protocol.duties, *protocol.ownership]
        return [e for e in elements if kind in kinds(protocol, e)]

    def findings(self) -> Iterator[Finding]:
        seen: list[str] = []
        for element in [*self.baseline.duties, *self.baseline.ownership]:
            seen += [k for k in kinds(self.baseline, element) if k not in seen]
        missing: dict[str, list[tuple[str, Element, Scope]]] = {}  # by the baseline's clause: one provision group
        for kind in seen:
            statutory = self.of_kind(self.baseline, kind)
            addressing = self.of_kind(self.protocol, kind)
            if not addressing:
                for element in statutory:
                    why = scope(self.protocol, requirements(self.baseline, element))
                    if why is not None:
                        missing.setdefault(element.clause[0], []).append((kind, element, why))
                continue
            yield from self.other_bodies(kind, statutory, addressing)
            yield from self.timescales(kind, statutory, [e for e in addressing if isinstance(e, Duty)])
        for group, found in missing.items():
            yield self.gap(group, found)

    # --- kinds the protocol does not address -----------------------------------------------------

    def boundary(self, element: Element) -> bool:
        """Whether a statutory duty or responsibility lies between the services: it is for a child the
        justice system holds (a remand's funding too: which service's budget pays is a question between
        them), or statute gives it to the youth justice service itself."""
        agency = names(self.baseline).agency
        return YOUTH_JUSTICE_SERVICE in {agency.get(p, p) for p in parties(element) or ()} or any(
            alternative & JUSTICE for alternative in requirements(self.baseline, element)
        )

    def gap(self, group: str, found: list[tuple[str, Element, Scope]]) -> Finding:
        """One finding for the statutory duties of one provision group the protocol does not address."""
        kinds_ = list(dict.fromkeys(kind for kind, _, _ in found))
        elements = list(dict.fromkeys(e for _, e, _ in found))
        clauses, deals = self.where_dealt_with(found)
        what = listing([vocabulary.DUTY_KIND[k].name for k in kinds_])
        cited = citation(self.baseline, [p for e in elements for p in e.statute])
        boundary = any(self.boundary(e) for e in elements)
        law = self.statutory_words(elements)
        said = f"The protocol does not say who must {what} ({cited}), {deals}."
        message = first_fitting(
            f"{said} Statute: {law}.",
            said,
            f"The protocol does not say who must {what}, {deals}.",
            f"The protocol does not say who must {what} ({cited}).",
            f"The protocol does not say who must {what}.",
        )
        return make(
            "statutory-gap",
            f"{self.baseline.metadata.id} group {group}"
            if len(kinds_) > 1
            else f"{self.baseline.metadata.id} kind {kinds_[0]}",
            "warning" if boundary else "info",
            clauses,
            message,
            suggestion=first_fitting(
                f"Say who must {what}, and by when, or that the statutory duty applies as it stands.",
                "Say who does this and by when, or that the statutory duty applies as it stands.",
                limit=200,
            )
            if any(isinstance(e, Duty) for e in elements)
            else f"Say which service must {what}, or that statute's rule applies as it stands.",
            detail=f"Statute: {law}.{self.caveat(elements)}",
            pattern=None if boundary else LEFT,
            member=Member(
                clause=clauses[0],
                opening=names(self.protocol).openings.get(clauses[0]),
                who=self.who_statute_names(elements),
                what=what,
                when=self.law_time(elements),
            ),
        )

    def where_dealt_with(self, found: list[tuple[str, Element, Scope]]) -> tuple[list[str], str]:
        """The clauses where the protocol deals with the children statute's duties are for, and that in
        words ('although it deals with children remanded ... (clause 5.7.1)')."""
        wanted = {s.id for _, _, why in found for s in why.states}
        states = [s for s in self.protocol.states() if s.id in wanted]
        if not states:
            return list(self.protocol.metadata.clause[:1]), "although the duty applies to every child it covers"
        clauses = sorted({c for s in states for c in s.clause}, key=clause_sort_key)
        cases = listing([self.state_name(s) for s in states[:3]]) + (" and others" if len(states) > 3 else "")
        deals = f"although it deals with children {cases} ({clause_words(clauses[:4])})"
        implied = list(dict.fromkeys(k for _, _, why in found for k in why.implied))
        if implied:
            deals += f", so also with children {listing([vocabulary.SITUATION[k].name for k in implied])}"
        return clauses, deals

    def who_statute_names(self, elements: list[Element]) -> str | None:
        named = [p for e in elements for p in parties(e) or ()]
        return who(self.baseline, named, cell=True) or None

    def law_time(self, elements: list[Element]) -> str | None:
        times = [timescale_words(self.baseline, e) for e in elements if isinstance(e, Duty) and readings(e)]
        return "; ".join(dict.fromkeys(times)) or None

    # --- bodies ----------------------------------------------------------------------------------

    def other_bodies(self, kind: str, statutory: list[Element], addressing: list[Element]) -> Iterator[Finding]:
        named = [e for e in statutory if parties(e) is not None]
        lawful = [bodies(self.baseline, parties(e)) for e in named]  # type: ignore[arg-type]
        if not named or any(b is None for b in lawful):
            return
        allowed = frozenset().union(*lawful)  # type: ignore[arg-type]
        for element in addressing:
            given_to = parties(element)
            given = bodies(self.protocol, given_to) if given_to else None
            if not given or given & allowed:
                continue  # names no one, a party of no known body, or one statute names
            lawful_names = listing(sorted(vocabulary.BODY[b].name for b in allowed))
            given_names = listing(sorted(vocabulary.BODY[b].name for b in given))
            yield make(
                "statutory-conflict",
                f"{self.baseline.metadata.id} body {element.id} kind {kind}",
                "warning",
                element.clause,
                f"{cap(clauses_ref(self.protocol, element.clause))} gives the duty to "
                f"{vocabulary.DUTY_KIND[kind].name} to {who(self.protocol, given_to)} ({given_names}); statute "
                f"({citation(self.baseline, [p for e in named for p in e.statute])}) gives it to {lawful_names}, "
                "which stays answerable for it. The protocol does not say so.",
                agencies=sorted({self.agency[p] for p in given_to if p in self.agency}),  # type: ignore[union-attr]
                suggestion=f"Say that {lawful_names} keeps the duty, and how the work is delegated.",
            )

    # --- timescales ------------------------------------------------------------------------------

    def timescales(self, kind: str, statutory: list[Element], duties: list[Duty]) -> Iterator[Finding]:
        implicit: list[Duty] = []
        for law in [e for e in statutory if isinstance(e, Duty)]:
            if law.timescale is None:
                continue
            compared = False
            for law_reading in readings(law):
                for duty in duties:
                    if duty.modality == "may":
                        continue  # a permission sets no time for a duty
                    for reading in readings(duty):
                        if reading.how != law_reading.how:
                            continue
                        compared = True
                        result = self.compare(law_reading.limit, reading.limit)
                        if result.later is not None:
                            yield self.looser(kind, law, law_reading, duty, reading, result.later)
            if not compared:
                implicit.append(law)
        timed = timed_types(self.protocol)
        unreported = [  # those untimed are reported with statute's limit; a firm limit counted another way is a
            d  # choice; a duty whose text adopts statute's timescale (`as_statute`) keeps statute's limits
            for d in duties
            if not untimed(d, timed)
            and (d.modality == "may" or not duty_limits(d).readings)
            and not (d.timescale is not None and d.timescale.as_statute)
        ]
        if implicit and unreported:
            yield self.left_implicit(kind, implicit, unreported)

    def looser(self, kind: str, law: Duty, law_reading: Reading, duty: Duty, reading: Reading, example) -> Finding:  # noqa: ANN001
        doubtful = unconfirmed(law)
        protocol_words = reading.words(self.protocol, duty)
        law_words = law_reading.words(self.baseline, law)
        law_last, own_last = last_day(example.old_due), last_day(example.new_due)
        anchor = example.anchor.date()
        timeline = [
            (
                anchor,
                f"{'the event' if reading.how == 'before' else 'the clock starts'}: "
                f"{start_or_event(self.protocol, duty, reading)}",
                duty.clause[0],
            ),
            (law_last, f"last day under statute ({law_words})", None),
            (own_last, f"last day under {clause_words(duty.clause)} ({protocol_words})", duty.clause[0]),
        ]
        caveat = " The English text of the provision is unconfirmed." if doubtful else ""
        closures = (  # the same start, but the council's closure days are working days in law
            " (statute counts the council's closure days as working days)"
            if not self.protocol_calendar.is_working_day(law_last) and law_last.weekday() < 5
            else ""
        )
        return make(
            "statutory-conflict",
            f"{self.baseline.metadata.id} timescale {duty.id} {law.id} {reading.how}",
            "warning" if doubtful else "error",
            duty.clause,
            first_fitting(
                f"{cap(clauses_ref(self.protocol, duty.clause))} says {doing(self.protocol, duty)} "
                f"{protocol_words}; statute ({citation(self.baseline, law.statute)}) sets {law_words}. From "
                f"{day_words(anchor)}, statute's last day is {day_words(law_last)}, the protocol's "
                f"{day_words(own_last)}{closures}.{caveat}",
                f"{cap(clauses_ref(self.protocol, duty.clause))} gives {protocol_words} to {duty.action}; "
                f"statute ({citation(self.baseline, law.statute)}) sets {law_words}, sooner on some dates{closures}.{caveat}",
            ),
            agencies=sorted({self.agency[p] for p in duty.actor or () if p in self.agency}),
            witness=Witness(
                timeline=tuple(
                    TimelineEntry(date=d, event=words, clause=c, working_day=self.protocol_calendar.is_working_day(d))
                    for d, words, c in sorted(timeline, key=lambda entry: entry[0])
                )
            ),
            suggestion=f"Tighten the limit to {law_words} or sooner, or say that the statutory limit applies.",
        )

    def left_implicit(self, kind: str, laws: list[Duty], duties: list[Duty]) -> Finding:
        first = duties[0]
        own = timescale_words(self.protocol, first)
        law = self.statutory_words(laws[:1])
        return make(
            "statutory-gap",
            f"{self.baseline.metadata.id} kind {kind} timescales",
            "info",
            [c for d in duties for c in d.clause],
            first_fitting(
                f"{cap(clauses_ref(self.protocol, first.clause))} gives {doing(self.protocol, first)} {own}; "
                f"statute sets a limit that can be counted: {law}.",
                f"{cap(clauses_ref(self.protocol, first.clause))} gives {doing(self.protocol, first)} {own}, "
                "where statute sets a limit that can be counted.",
            ),
            suggestion=UNCOMPARABLE.suggestion,
            detail=f"Statute: {self.statutory_words(laws)}.{self.caveat(laws)}",
            pattern=UNCOMPARABLE,
            member=Member(
                clause=first.clause[0],
                opening=names(self.protocol).openings.get(first.clause[0]),
                who=who(self.protocol, first.actor, cell=True) or None,
                what=first.action,
                when=own,
            ),
        )

    # --- words -----------------------------------------------------------------------------------

    def state_name(self, state: State) -> str:
        return names(self.protocol).state(state.id)

    def statutory_words(self, elements: list[Element]) -> str:
        """What statute says, element by element: who must do what by when (the citation once for each
        run of elements citing the same provisions)."""
        groups: list[tuple[tuple[Provision, ...], list[str]]] = []
        for e in elements:
            acting = who(self.baseline, parties(e)) or "the local authority"
            if isinstance(e, Duty):
                said = f"{acting} {e.modality} {e.action}" + (
                    f", {timescale_words(self.baseline, e)}" if readings(e) else ""
                )
            else:
                dimension = next(d for d in self.baseline.dimensions if d.id == e.dimension)
                when = f" for a child {self.situation_words(self.baseline, e.when)}" if e.when is not None else ""
                said = f"{acting} is responsible for {dimension.name}{when}"
            if groups and groups[-1][0] == e.statute:
                groups[-1][1].append(said)
            else:
                groups.append((e.statute, [said]))
        return "; ".join(f"{'; '.join(said)} ({citation(self.baseline, cited)})" for cited, said in groups)

    def situation_words(self, protocol: Protocol, condition: Condition) -> str:
        """The states a condition names, in words: "remanded to local authority accommodation"."""
        return condition_words(protocol, condition)

    def caveat(self, elements: list[Element]) -> str:
        return (
            " The facts mark the English text of a provision cited here as unconfirmed."
            if any(map(unconfirmed, elements))
            else ""
        )


def start_or_event(protocol: Protocol, duty: Duty, reading: Reading) -> str:
    """What a reading counts from: the event it is before, else what starts the duty's clock."""
    if reading.how == "before":
        return quoted(names(protocol).event(reading.event))  # type: ignore[arg-type]
    return trigger_words(protocol, duty, "quoted")
