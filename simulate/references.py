"""A scenario read against its protocol: every name it uses exists there, every value fits, and the
scenario says everything the simulation needs (an attribute a guard reads, who works each duty, how
to read each vague timescale).

Returns `Problem`s addressed by the path of keys in the scenario file, so the loader can locate them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model.schema import Attribute, Protocol
from ..model.source import Path_, Problem
from ..model.wording import unknown
from . import duties, measures
from .lifecycles import Configuration, compile_lifecycles
from .scenario import LEAVE, Flow, Scenario


def check(scenario: Scenario, protocol: Protocol) -> list[Problem]:
    """Every problem with the scenario read against the protocol, in no particular order."""
    return list(_Checker(scenario, protocol).run())


def _unknown(kind: str, name: object, known: Iterable[str]) -> str:
    """ "unknown state 'x' in the protocol; did you mean 'y'? expected one of: ..." """
    return unknown(kind, str(name), known, " in the protocol")


class _Checker:
    def __init__(self, scenario: Scenario, protocol: Protocol):
        self.s = scenario
        self.p = protocol
        self.events = {e.id for e in protocol.events}
        self.states = {s.id for s in protocol.states()}
        self.attributes: dict[str, Attribute] = {a.id: a for a in protocol.attributes}
        self.parties = duties.parties(protocol)
        self.duties = {d.id: d for d in protocol.duties}
        self.lifecycles = compile_lifecycles(protocol)

    def run(self) -> Iterator[Problem]:
        yield from self._demand()
        yield from self._staff()
        yield from self._places()
        yield from self._interpretations()
        yield from self._coverage()
        yield from self._questions()

    # --- names ----------------------------------------------------------------------------------

    def _event(self, name: str, path: Path_, at_key: bool = False) -> Iterator[Problem]:
        if name not in self.events:
            yield Problem(path, _unknown("event", name, self.events), at_key)

    def _state(self, name: str, path: Path_, at_key: bool = False) -> Iterator[Problem]:
        if name not in self.states:
            yield Problem(path, _unknown("state", name, self.states), at_key)

    def _party(self, name: str, path: Path_, at_key: bool = False) -> Iterator[Problem]:
        if name not in self.parties:
            yield Problem(path, _unknown("agency, role or person", name, self.parties), at_key)

    # --- demand ---------------------------------------------------------------------------------

    def _demand(self) -> Iterator[Problem]:
        yield from self._arrivals()
        yield from self._ages()
        yield from self._attributes()
        for state, flow in self.s.demand.flows.items():
            yield from self._flow(state, flow, ("demand", "flows", state))

    def _arrivals(self) -> Iterator[Problem]:
        """The events that place a new case, a looked-after one and the initial caseload."""
        demand = self.s.demand
        at: Path_ = ("demand",)
        for event in demand.looked_after_events:
            yield from self._event(event, (*at, "looked_after_events", event), at_key=True)
            if event in self.events:
                yield from self._sequence([event], (*at, "looked_after_events", event), "a new case")
        for i, event in enumerate(demand.entry):
            yield from self._event(event, (*at, "entry", i))
        if all(e in self.events for e in demand.entry):
            yield from self._sequence(list(demand.entry), (*at, "entry"), "a new case")
        for i, cohort in enumerate(self.s.initial_caseload):
            for j, event in enumerate(cohort.events):
                yield from self._event(event, ("initial_caseload", i, "events", j))
            if all(e in self.events for e in cohort.events):
                yield from self._sequence(list(cohort.events), ("initial_caseload", i, "events"), "a new case")

    def _attributes(self) -> Iterator[Problem]:
        for name, values in self.s.demand.attributes.items():
            here = ("demand", "attributes", name)
            attribute = self.attributes.get(name)
            if attribute is None:
                yield Problem(here, _unknown("attribute", name, self.attributes), at_key=True)
                continue
            for value in values if isinstance(values, dict) else (values,):
                problem = _fits(attribute, value)
                if problem:
                    yield Problem(here, problem)

    def _flow(self, state: str, flow: Flow, here: Path_) -> Iterator[Problem]:
        if state not in self.states:
            yield Problem(here, _unknown("state", state, self.states), at_key=True)
            return
        for event in flow.next:
            if event == LEAVE:
                continue
            if event not in self.events:
                yield Problem((*here, "next", event), _unknown("event", event, self.events | {LEAVE}), at_key=True)
            elif not self._can_end(state, event):
                yield Problem(
                    (*here, "next", event),
                    f"no transition of the protocol on '{event}' leaves or moves inside state '{state}'; "
                    f"expected an event that can happen there, or '{LEAVE}'",
                    at_key=True,
                )
        if flow.hearing is not None and flow.hearing.event is not None:
            yield from self._event(flow.hearing.event, (*here, "hearing", "event"))
            if flow.hearing.sittings and self.s.court is None:
                yield Problem((*here, "hearing"), "a hearing needs court sittings; expected a 'court' section")
        for i, repeat in enumerate(flow.repeat):
            yield from self._event(repeat.event, (*here, "repeat", i, "event"))
        if flow.hearing is not None and flow.hearing.event is None and self.s.court is None:
            yield Problem((*here, "hearing"), "a hearing needs court sittings; expected a 'court' section")

    def _ages(self) -> Iterator[Problem]:
        ages = self.s.demand.ages
        if not ages:
            return
        attribute = self.attributes.get("age")
        if attribute is None:
            yield Problem(("demand", "ages"), "the protocol has no 'age' attribute; expected no 'ages'", at_key=True)
            return
        for age in ages:
            problem = _fits(attribute, age)
            if problem:
                yield Problem(("demand", "ages", age), problem, at_key=True)

    def _sequence(self, events: list[str], path: Path_, who: str) -> Iterator[Problem]:
        """Events that must each move a case on from the lifecycles' initial states (guards aside)."""
        configs: dict[str, Configuration] = {lc.id: lc.initial for lc in self.lifecycles}
        for event in events:
            moved = False
            for lifecycle in self.lifecycles:
                step = lifecycle.step(configs[lifecycle.id], event, lambda guard: True)
                if step is not None:
                    configs[lifecycle.id] = step.after
                    moved = True
            if not moved and any(lc.takes(event) for lc in self.lifecycles):
                where = "; ".join(f"{lc.id}: {', '.join(sorted(configs[lc.id]))}" for lc in self.lifecycles)
                yield Problem(
                    path,
                    f"'{event}' cannot happen to {who} after {events[: events.index(event)] or 'nothing'} (it is then "
                    f"in {where}); expected events the protocol's transitions take in turn",
                )
                return

    def _can_end(self, state: str, event: str) -> bool:
        """Whether a transition on `event` can fire while the case is in `state` (from it, from a
        state around it, or from a state inside it)."""
        for lifecycle in self.lifecycles:
            if state not in lifecycle.order:
                continue
            for t in lifecycle.transitions.get(event, ()):
                if any(lifecycle.is_inside(state, s) or lifecycle.is_inside(s, state) for s in t.sources):
                    return True
        return False

    # --- staff and external parties -------------------------------------------------------------

    def _staff(self) -> Iterator[Problem]:
        covered: dict[str, str] = {}
        for pool, staff in self.s.staff.items():
            if pool == duties.NOBODY:
                yield Problem(
                    ("staff", pool),
                    f"'{duties.NOBODY}' is reserved (interpretations.no_actor: {duties.NOBODY}); expected another name",
                    at_key=True,
                )
            for i, actor in enumerate(staff.actors):
                yield from self._party(actor, ("staff", pool, "actors", i))
                if actor in covered:
                    yield Problem(
                        ("staff", pool, "actors", i),
                        f"'{actor}' is already covered by staff pool '{covered[actor]}'; expected each actor in one "
                        "pool",
                    )
                covered.setdefault(actor, pool)
        for actor in self.s.external:
            yield from self._party(actor, ("external", actor), at_key=True)
            if actor in covered:
                yield Problem(
                    ("external", actor),
                    f"'{actor}' is covered by staff pool '{covered[actor]}'; expected a party the simulation does not "
                    "staff",
                    at_key=True,
                )
        types = {duties.duty_type(d) for d in self.p.duties} | set(self.duties)
        for name in self.s.effort.types:
            if name not in types:
                yield Problem(("effort", "types", name), _unknown("duty type or duty", name, types), at_key=True)

    # --- court, placements ----------------------------------------------------------------------

    def _places(self) -> Iterator[Problem]:
        court = self.s.court
        if court is not None:
            for key in ("pool", "on_call_pool"):
                pool = getattr(court, key)
                if pool is not None and pool not in self.s.staff:
                    yield Problem(
                        ("court", key), f"unknown staff pool '{pool}'; expected one of: {', '.join(self.s.staff)}"
                    )
            rota = court.on_call_pool or court.pool
            if (court.saturday or court.bank_holidays) and rota in self.s.staff and self.s.staff[rota].on_call == 0:
                yield Problem(
                    ("court",),
                    f"Saturday or bank-holiday courts need an on-call rota, but staff pool '{rota}' has on_call 0; "
                    "expected on_call of at least 1",
                )
            for i, event in enumerate(court.hearings):
                yield from self._event(event, ("court", "hearings", i))
            if court.day_attribute is not None:
                attribute = self.attributes.get(court.day_attribute)
                if attribute is None:
                    yield Problem(
                        ("court", "day_attribute"), _unknown("attribute", court.day_attribute, self.attributes)
                    )
                else:
                    for kind, value in court.day_values.items():
                        problem = _fits(attribute, value)
                        if problem:
                            yield Problem(("court", "day_values", kind), problem)
        rilaa = self.s.rilaa
        if rilaa is not None:
            yield from self._state(rilaa.state, ("rilaa", "state"))
            if rilaa.search_duty is not None and rilaa.search_duty not in self.duties:
                yield Problem(("rilaa", "search_duty"), _unknown("duty", rilaa.search_duty, self.duties))
            if rilaa.found_event is not None:
                yield from self._event(rilaa.found_event, ("rilaa", "found_event"))
        if self.s.yda is not None:
            yield from self._yda()

    def _yda(self) -> Iterator[Problem]:
        yda = self.s.yda
        yield from self._state(yda.state, ("yda", "state"))  # type: ignore[union-attr]
        for name, establishment in yda.establishments.items():  # type: ignore[union-attr]
            if establishment.charges and establishment.charges[0].from_ > self.s.start:
                yield Problem(
                    ("yda", "establishments", name, "charges", 0, "from"),
                    f"the first charge is from {establishment.charges[0].from_}, after the start "
                    f"({self.s.start}); expected a charge for every night from the start",
                )
        direct = yda.direct  # type: ignore[union-attr]
        if direct is None:
            return
        here: Path_ = ("yda", "direct", "entry")
        for i, event in enumerate(direct.entry):
            yield from self._event(event, (*here, i))
        if all(e in self.events for e in direct.entry):
            yield from self._sequence(list(direct.entry), here, "a new case")
        into = duties.into_state(self.p, yda.state)  # type: ignore[union-attr]
        for state, flow in self.s.demand.flows.items():
            if flow.next and all(event in into for event in flow.next):
                yield Problem(
                    ("demand", "flows", state, "next"),
                    f"every outcome takes a child into '{yda.state}', and yda.direct states those remands "  # type: ignore[union-attr]
                    "directly (the flows' remands to it are left out); expected another outcome",
                )

    # --- interpretations and what the simulation needs ------------------------------------------

    def _interpretations(self) -> Iterator[Problem]:
        pool = self.s.interpretations.no_actor
        if pool != duties.NOBODY and pool not in self.s.staff:
            yield Problem(
                ("interpretations", "no_actor"),
                f"unknown staff pool '{pool}'; expected '{duties.NOBODY}' or one of: {', '.join(self.s.staff)}",
            )
        used = {duties.vague_words(d.timescale) for d in self.p.duties} - {None}
        for words in self.s.interpretations.vague:
            if words not in used:
                yield Problem(
                    ("interpretations", "vague", words),
                    f"no duty of the protocol has the vague timescale '{words}' alone; expected one of: "
                    f"{', '.join(sorted(used)) or '(none)'}",  # type: ignore[arg-type]
                    at_key=True,
                )

    def _questions(self) -> Iterator[Problem]:
        """Each question's measure is one the simulation gives."""
        if not self.s.questions:
            return
        known = measures.names_for(self.s, duties.plan(self.p, self.s))
        for i, question in enumerate(self.s.questions):
            if question.measure not in known:
                yield Problem(
                    ("questions", i, "measure"),
                    unknown("measure", question.measure, sorted(known), " in this scenario"),
                )

    def _coverage(self) -> Iterator[Problem]:
        """What the simulation needs from the scenario for the duties it simulates and the guards it evaluates."""
        s = self.s
        status = duties.statuses(self.p, s)
        simulated = [d for d in self.p.duties if status[d.id] == duties.SIMULATED]
        for duty in simulated:
            words = duties.vague_words(duty.timescale)
            if words is not None and words not in s.interpretations.vague:
                yield Problem(
                    ("interpretations", "vague"),
                    f"duty {duty.id} (clause {duty.clause[0]}) has the vague timescale '{words}'; expected "
                    f"interpretations.vague to say how it is read, e.g. '{words}': {{amount: 1, unit: working_days}}",
                    at_key=True,
                )
            for actor in duty.actor or ():
                if duties.worker_of(actor, s) is None and actor in self.parties:
                    yield Problem(
                        ("staff",),
                        f"duty {duty.id} (clause {duty.clause[0]}) is for '{actor}', whom no staff pool covers and "
                        "'external' does not list; "
                        f"expected '{actor}' in a pool's actors or under external",
                        at_key=True,
                    )
        given = set(s.demand.attributes) | ({"age"} if s.demand.ages else set())
        if s.court is not None and s.court.day_attribute is not None:
            given.add(s.court.day_attribute)
        for name, where in sorted(duties.needed_attributes(self.p, simulated).items()):
            if name not in given:
                yield Problem(
                    ("demand", "attributes"),
                    f"no values for attribute '{name}', which {where} reads; expected demand.attributes.{name} (a "
                    "value, or values with probabilities)",
                    at_key=True,
                )


def _fits(attribute: Attribute, value: object) -> str | None:
    """Why a value does not fit an attribute, or None."""
    if attribute.type == "bool":
        if not isinstance(value, bool):
            return f"attribute '{attribute.id}' is true or false, not {value!r}; expected true or false"
    elif attribute.type == "int":
        low, high = attribute.range  # type: ignore[misc]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return (
                f"attribute '{attribute.id}' is a whole number from {low} to {high}, not {value!r}; expected a "
                "value in that range"
            )
    else:
        values = [v.id for v in attribute.values]
        if value not in values:
            return f"{value!r} is not a value of attribute '{attribute.id}'; expected one of: {', '.join(values)}"
    return None
