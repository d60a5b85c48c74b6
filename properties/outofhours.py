"""No out-of-hours route: something that can happen at night, at a weekend or on a bank holiday starts
urgent work for an agency whose out-of-hours contact the protocol never names.

An event marked `out_of_hours: true` (an arrest, a remand at a Saturday court) starts the duties it
triggers, those triggered by entering a state it moves a case into, and, in turn, the duties
triggered by their being done (the YOS tells CSC of a remand; CSC then finds a placement). Of
these, a duty is urgent when the child cannot wait for the next working day for it: it ends a wait
(a waiting state's `for:` or `fallback:`), it is of a kind that is urgent by nature (an appropriate
adult, a transfer under PACE or accepting one, finding a remand placement or transport to it), it is
done at an event (a hearing), or its limit is in hours or of one day. A notice or a plan with no
time limit can wait for the morning, and is not counted. An agency that must (or should) do urgent
work so started needs an out-of-hours route: `out_of_hours:` on the agency, naming who takes its
urgent work (an emergency duty team, an on-call manager), for every duty or for those listed.

`no-out-of-hours-route` is reported once per agency that has none for some of that work: an
**error** where a `must` duty the child waits on (one that ends a wait, or of an urgent kind) is left
without one (a child remanded on a Saturday can be left with no placement), a **warning** otherwise
(a notice due within hours reaches nobody until Monday). Bodies that work round the clock or
are where the event happens (the police, the courts, secure establishments) are not asked for a
route, nor is an agency that is itself another's out-of-hours route.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.calendar import Unit
from ..model.names import names
from ..model.schema import Agency, Duty, Event, Protocol, State
from ..model.wording import clause_words, listing
from .findings import Finding, make
from .who import agencies, cap, short

ROUND_THE_CLOCK = frozenset({"police", "court", "secure_establishment"})
URGENT_KINDS = frozenset(
    {
        "provide_appropriate_adult",
        "pace_transfer",
        "accept_pace_transfer",
        "find_remand_placement",
        "arrange_remand_transport",
    }
)
SHOWN = 2  # duties quoted in a finding's message


def out_of_hours(protocol: Protocol) -> Iterator[Finding]:
    """One finding for each agency with urgent work started out of hours and no route for it."""
    ending = {d for s in protocol.states() if s.waiting for d in (s.waiting.until, s.waiting.fallback) if d}
    agency_by_id = {a.id: a for a in protocol.agencies}
    for agency, work in _uncovered(protocol, ending).items():
        waited_on = any(d.modality == "must" and _waited_on(d, ending) for _, d in work)
        yield _finding(protocol, agency_by_id[agency], work, waited_on)


def _uncovered(protocol: Protocol, ending: set[str]) -> dict[str, list[tuple[Event, Duty]]]:
    """For each agency, the urgent work out-of-hours events start that no route of its covers."""
    routes = {a.out_of_hours.by for a in protocol.agencies if a.out_of_hours is not None}
    exempt = {a.id for a in protocol.agencies if a.kind in ROUND_THE_CLOCK or a.id in routes}
    uncovered: dict[str, list[tuple[Event, Duty]]] = {}
    for event in (e for e in protocol.events if e.out_of_hours):
        for duty in _started(protocol, event):
            if duty.modality == "may" or duty.actor is None or not _urgent(duty, ending):
                continue
            for agency in agencies(protocol, duty.actor):
                if agency not in exempt and not _covered(protocol, agency, duty):
                    uncovered.setdefault(agency, []).append((event, duty))
    return uncovered


def _covered(protocol: Protocol, agency: str, duty: Duty) -> bool:
    """Whether the agency's out-of-hours route covers the duty (or its actors include the route itself)."""
    route = next(a.out_of_hours for a in protocol.agencies if a.id == agency)
    if route is None:
        return False
    return route.by in (duty.actor or ()) or not route.duties or duty.id in route.duties


def _waited_on(duty: Duty, ending: set[str]) -> bool:
    """Whether the child waits on the duty: it ends a wait (`ending`), or is of a kind urgent by nature."""
    return duty.id in ending or bool(set(duty.kind) & URGENT_KINDS)


def _urgent(duty: Duty, ending: set[str]) -> bool:
    """Whether the child cannot wait for the next working day for the duty (see the module's docstring);
    `ending` holds the duties that end a wait."""
    if _waited_on(duty, ending):
        return True
    t = duty.timescale
    if t is None:
        return False
    if t.within is not None:
        return t.within.unit is Unit.HOURS or (t.within.unit is Unit.DAYS and t.within.amount <= 1)
    return t.same_day or t.at is not None


def _started(protocol: Protocol, event: Event) -> list[Duty]:
    """The duties an event starts: those it triggers, those entering a state it leads to triggers, and
    those these being done trigger, in turn (in the protocol's order)."""
    entered = _entered(protocol, event.id)
    started = {
        d.id
        for d in protocol.duties
        if d.trigger is not None and (d.trigger.event == event.id or d.trigger.enter in entered)
    }
    while True:
        more = {d.id for d in protocol.duties if d.trigger is not None and d.trigger.duty in started} - started
        if not more:
            break
        started |= more
    return [d for d in protocol.duties if d.id in started]


def _entered(protocol: Protocol, event: str) -> set[str]:
    """The states a case may enter on the event: each target, the states around it, and the states it
    enters by default inside it."""
    parent: dict[str, str] = {}
    by_id: dict[str, State] = {}

    def walk(states: tuple[State, ...], around: str | None) -> None:
        for state in states:
            by_id[state.id] = state
            if around is not None:
                parent[state.id] = around
            walk(state.states, state.id)

    for lifecycle in protocol.lifecycles:
        walk(lifecycle.states, None)
    entered: set[str] = set()
    for lifecycle in protocol.lifecycles:
        for transition in lifecycle.transitions:
            if transition.event != event:
                continue
            state: str | None = transition.target
            while state is not None:
                entered.add(state)
                state = parent.get(state)
            inner = by_id[transition.target]
            while inner.states:
                inner = by_id[inner.initial or inner.states[0].id]
                entered.add(inner.id)
    return entered


def _finding(protocol: Protocol, agency: Agency, work: list[tuple[Event, Duty]], waited_on: bool) -> Finding:
    who = short(protocol, agency.id)
    event = work[0][0]
    duties = list({d.id: d for _, d in work}.values())
    shown = [f"{d.action} ({clause_words(d.clause)})" for d in duties[:SHOWN]]
    more = len(duties) - SHOWN
    listed = listing(shown + ([f"{more} more"] if more > 0 else []))
    must = any(d.modality == "must" for d in duties)
    clauses = tuple(dict.fromkeys((*event.clause, *(c for d in duties for c in d.clause))))
    return make(
        "no-out-of-hours-route",
        f"agency {agency.id} out of hours",
        "error" if waited_on else "warning",
        clauses,
        f"'{cap(names(protocol).event(event.id))}' ({clause_words(event.clause)}) can come out of office hours: "
        f"at night, at a weekend or on a bank holiday. {who} {'must' if must else 'should'} then {listed}, "
        f"but the protocol names no out-of-hours contact for {who}.",
        agencies=(agency.id,),
        suggestion=(
            f"Name who takes {who}'s part out of office hours (such as an emergency duty team) and how to reach them."
        ),
    )
