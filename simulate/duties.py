"""Which of a protocol's duties the simulation turns into tasks, and how: when each is raised for a
case, who works it, and how its deadline is set.

A duty is raised for a case when what starts it happens and its `when` holds for the case just
after (the reading the deadline checks use):
- `trigger: {event: e}` when e happens; `{enter: s}` / `{exit: s}` when the case enters / leaves s;
  `{duty: d}` when the task(s) of d for the same case are done;
- no trigger, and a `when` that names a lifecycle: when the case comes into a situation where
  `when` holds (it did not just before);
- no trigger, due before (or at) an event e: when e becomes possible, that is when the case enters a
  state e can end (a release becomes possible with a custodial sentence), or when the event e is
  scheduled after happens.
Anything else is a standing duty (share information, review the protocol): not a task of one case.
Recurring duties (`every`) and duties of a modality the scenario leaves out (`may`) are not simulated
either. Every duty is reported with its status, so nothing is left out silently.

Who works it: each actor is covered by a staff pool or listed as an external party; a duty with
several actors (a joint visit) becomes one task per pool or party, and is done when all are. A duty
with no named actor goes to the pool the scenario names for that (`interpretations.no_actor`), or to
nobody: then it is never done, and counted.

Its deadline: `within` a limit of the trigger; `before` an event (found afterwards from the case's
timeline); `at` an event (on time if begun within `at_event_hours`); a vague timescale as the
scenario reads its words; no timescale as the scenario says (`no_timescale`). A limit stated two
ways uses the reading the scenario chooses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..model import timescales
from ..model.calendar import Unit
from ..model.conditions import Condition, comparisons
from ..model.names import parties_words, start_words
from ..model.schema import Duty, Protocol, Timescale
from ..model.timescales import Start, limits
from ..model.wording import amount_words
from .lifecycles import compile_lifecycles
from .scenario import LEAVE, Dist

if TYPE_CHECKING:
    from .scenario import Interpretations, Scenario

SIMULATED = "simulated"
NOBODY = "nobody"

Worker = tuple[Literal["staff", "external", "nobody"], str]


@dataclass(frozen=True)
class Deadline:
    """How a task's deadline is set: `within` amount/unit of its raising, `before` an event (amount/unit
    before it, or the event itself), or `at` an event; `reading` says so in words, and whether the
    scenario supplied it."""

    kind: Literal["within", "before", "at"]
    amount: int | None
    unit: Unit | None
    event: str | None
    reading: str


@dataclass(frozen=True)
class DutyPlan:
    """How one protocol duty is simulated, or why it is not."""

    duty: str
    clauses: tuple[str, ...]
    type: str
    modality: str
    status: str
    start: Start | None
    when: Condition | None
    deadline: Deadline | None
    workers: tuple[Worker, ...]
    effort: Dist | None
    deadline_words: str | None = None  # how the deadline is read, or why there is none
    action: str = ""  # what is done, in the protocol's words
    who: str = ""  # who does it, in words (or that the protocol names no one)

    @property
    def simulated(self) -> bool:
        return self.status == SIMULATED

    def to_dict(self) -> dict:
        """What the plan says, for the output."""
        return {
            "duty": self.duty,
            "clauses": list(self.clauses),
            "type": self.type,
            "status": self.status,
            "raised_by": None
            if self.start is None
            else f"{self.start.kind}:{self.start.name}"
            if self.start.name
            else self.start.kind,
            "worked_by": [f"{kind}:{name}" if kind != "nobody" else NOBODY for kind, name in self.workers],
            "deadline": self.deadline_words,
            "action": self.action,
            "who": self.who,
        }


def duty_type(duty: Duty) -> str:
    """The kind of duty: its `type`, or its id when it has none."""
    return duty.type or duty.id


def vague_words(timescale: Timescale | None) -> str | None:
    """The words of a timescale that is only vague (no limit beside them), else None."""
    if timescale is None or timescale.vague is None:
        return None
    if timescale.within is None and timescale.before is None and timescale.at is None and timescale.every is None:
        return timescale.vague
    return None


def deadline_of(duty: Duty, interpretations: Interpretations) -> Deadline | None:
    """The duty's deadline as the simulation reads it (None: no deadline). The scenario must read
    every vague timescale (`references` checks that it does)."""
    ts = duty.timescale
    second = interpretations.dual_reading == "second"
    if ts is None:
        rule = interpretations.no_timescale
        if rule == "none":
            return None
        return Deadline(
            "within",
            rule.amount,
            rule.unit,
            None,
            f"no timescale in the protocol; read as within {_size(rule.amount, rule.unit)} (scenario)",
        )
    words = vague_words(ts)
    if words is not None:
        limit = interpretations.vague[words]
        return Deadline(
            "within",
            limit.amount,
            limit.unit,
            None,
            f'"{words}" read as within {_size(limit.amount, limit.unit)} (scenario)',
        )
    found = limits(ts)
    if found.how is not None:
        limit = found.readings[1] if second and len(found.readings) > 1 else found.readings[0]
        if found.how == "within":
            return Deadline("within", limit.amount, limit.unit, None, f"within {_size(limit.amount, limit.unit)}")  # type: ignore[arg-type]
        if limit.amount is None or limit.unit is None:
            return Deadline("before", None, None, found.event, f"before {found.event}")
        words = f"{_size(limit.amount, limit.unit)} before {found.event}"
        return Deadline("before", limit.amount, limit.unit, found.event, words)
    if ts.at is not None:
        hours = interpretations.at_event_hours
        return Deadline("at", None, None, ts.at, f"at {ts.at} (begun within {hours:g} hours of it, scenario)")
    return None


def _size(amount: int, unit: Unit) -> str:
    return amount_words(amount, unit)


def workers_of(duty: Duty, scenario: Scenario) -> tuple[Worker, ...]:
    """Who works the duty's tasks: one worker per distinct staff pool or external party of its actors."""
    if duty.actor is None:
        pool = scenario.interpretations.no_actor
        return (("nobody", NOBODY),) if pool == NOBODY else (("staff", pool),)
    found: list[Worker] = []
    for actor in duty.actor:
        worker = worker_of(actor, scenario)
        if worker is not None and worker not in found:
            found.append(worker)
    return tuple(found)


def worker_of(actor: str, scenario: Scenario) -> Worker | None:
    """The staff pool covering an actor, or the actor as an external party, or None if neither."""
    for pool, staff in scenario.staff.items():
        if actor in staff.actors:
            return ("staff", pool)
    if actor in scenario.external:
        return ("external", actor)
    return None


def effort_of(duty: Duty, scenario: Scenario) -> Dist:
    """The working hours a task of the duty takes: by its type, or id, or the default."""
    types = scenario.effort.types
    return types.get(duty_type(duty)) or types.get(duty.id) or scenario.effort.default


def base_status(protocol: Protocol, duty: Duty, scenario: Scenario) -> str:
    """`simulated`, or why the duty is never simulated whatever happens to cases."""
    if duty.modality not in scenario.interpretations.modalities:
        simulated = ", ".join(scenario.interpretations.modalities)
        return f"not simulated: a '{duty.modality}' duty (the scenario simulates {simulated})"
    if duty.timescale is not None and duty.timescale.every is not None:
        return "not simulated: a recurring duty ('every'), not one task per case"
    if timescales.start(protocol, duty) is None:
        return "not simulated: a standing duty, tied to no event or situation of a case"
    return SIMULATED


def happening(protocol: Protocol, scenario: Scenario) -> tuple[set[str], set[str], set[str]]:
    """The events that can happen in the scenario, the states a case can enter and leave."""
    events = _events(protocol, scenario)
    entered: set[str] = set()
    exited: set[str] = set()
    for lifecycle in compile_lifecycles(protocol):
        entered |= lifecycle.initial
        for event in events:
            for t in lifecycle.transitions.get(event, ()):
                inside = [s for s in lifecycle.states() if lifecycle.is_inside(s, t.target)]
                entered |= {t.target, *lifecycle.ancestors(t.target), *inside}
                exited |= {s for source in t.sources for s in lifecycle.states() if lifecycle.is_inside(s, source)}
                # the enclosing states a transition leaves too (accommodated -> ceased_detained leaves looked_after)
                exited |= {
                    a
                    for source in t.sources
                    for a in lifecycle.ancestors(source)
                    if not lifecycle.is_inside(t.target, a)
                }
    return events, entered, exited


def _events(protocol: Protocol, scenario: Scenario) -> set[str]:
    """The events the scenario makes happen (arrivals, flows, hearings, the initial caseload, a RiLAA
    placement found), and those the protocol schedules after them."""
    demand = scenario.demand
    events = set(demand.entry) | set(demand.looked_after_events)
    for flow in demand.flows.values():
        events |= {e for e in flow.next if e != LEAVE}
        events |= {r.event for r in flow.repeat}
        if flow.hearing is not None and flow.hearing.event is not None:
            events.add(flow.hearing.event)
    for cohort in scenario.initial_caseload:
        events |= set(cohort.events)
    if scenario.rilaa is not None and scenario.rilaa.found_event is not None:
        events.add(scenario.rilaa.found_event)
    if scenario.yda is not None and scenario.yda.direct is not None:
        events |= set(scenario.yda.direct.entry)
    scheduled = {e.id: e.scheduled.after for e in protocol.events if e.scheduled is not None}
    while True:
        more = {e for e, after in scheduled.items() if after in events} - events
        if not more:
            return events
        events |= more


def into_state(protocol: Protocol, state: str) -> frozenset[str]:
    """The events with a transition that takes a case into `state` (or a state inside it)."""
    found = set()
    for lifecycle in compile_lifecycles(protocol):
        if state not in lifecycle.order:
            continue
        for event, transitions in lifecycle.transitions.items():
            if any(lifecycle.is_inside(t.target, state) for t in transitions):
                found.add(event)
    return frozenset(found)


def statuses(protocol: Protocol, scenario: Scenario) -> dict[str, str]:
    """Each duty's status in this scenario: `simulated`, or why it is not (it can never be, or what
    starts it never happens here). A duty raised when the case comes into a situation counts as
    simulated: whether a case ever does is known only by running."""
    events, entered, exited = happening(protocol, scenario)
    found = {d.id: base_status(protocol, d, scenario) for d in protocol.duties}
    starts = {d.id: timescales.start(protocol, d) for d in protocol.duties}
    ends = _ends(protocol)
    scheduled_after = {e.id: e.scheduled.after for e in protocol.events if e.scheduled is not None}

    def can_start(duty_id: str, seen: frozenset[str] = frozenset()) -> bool:
        start = starts[duty_id]
        if start is None:
            return False
        if start.kind == "event":
            return start.name in events
        if start.kind == "enter":
            return start.name in entered
        if start.kind == "exit":
            return start.name in exited
        if start.kind == "duty":
            upstream = start.name
            return (
                upstream in found
                and upstream not in seen
                and found[upstream] == SIMULATED
                and can_start(upstream, seen | {duty_id})
            )  # type: ignore[arg-type]
        if start.kind == "possible":
            return bool(ends.get(start.name, set()) & entered) or scheduled_after.get(start.name) in events  # type: ignore[arg-type]
        return True

    for duty in protocol.duties:
        if found[duty.id] == SIMULATED and not can_start(duty.id):
            found[duty.id] = (
                f"not raised in this scenario: what starts it ({start_words(protocol, starts[duty.id], 'id')}) never "
                "happens"
            )
    return found


def plan(protocol: Protocol, scenario: Scenario) -> tuple[DutyPlan, ...]:
    """How each of the protocol's duties is simulated in this scenario, in file order. A deadline
    counted from an event that never happens in the scenario cannot be judged: it is dropped, and
    the plan says so."""
    status = statuses(protocol, scenario)
    events = happening(protocol, scenario)[0]
    plans = []
    for duty in protocol.duties:
        simulated = status[duty.id] == SIMULATED
        deadline = deadline_of(duty, scenario.interpretations) if simulated else None
        words = None if deadline is None else deadline.reading
        if simulated and deadline is None:
            words = "no timescale in the protocol: never late"
        if deadline is not None and deadline.event is not None and deadline.event not in events:
            words = f"{deadline.reading}, which never happens in this scenario: not judged"
            deadline = None
        plans.append(
            DutyPlan(
                duty.id,
                duty.clause,
                duty_type(duty),
                duty.modality,
                status[duty.id],
                timescales.start(protocol, duty),
                duty.when,
                deadline,
                workers_of(duty, scenario) if simulated else (),
                effort_of(duty, scenario) if simulated else None,
                words,
                duty.action,
                parties_words(protocol, duty.actor, nobody="short", lead=duty.lead),
            )
        )
    return tuple(plans)


def _ends(protocol: Protocol) -> dict[str, set[str]]:
    """For each event, the states (other than a lifecycle's initial state) its transitions can end."""
    found: dict[str, set[str]] = {}
    for lifecycle in compile_lifecycles(protocol):
        for event, transitions in lifecycle.transitions.items():
            for t in transitions:
                for source in t.sources:
                    if source not in lifecycle.initial:
                        found.setdefault(event, set()).add(source)
    return found


def ends_of(protocol: Protocol, event: str) -> set[str]:
    """The states entering which makes `event` possible (for duties due before it)."""
    return _ends(protocol).get(event, set())


def parties(protocol: Protocol) -> set[str]:
    """Every agency, role and person id of the protocol."""
    return {a.id for a in protocol.agencies} | {r.id for r in protocol.roles()} | {p.id for p in protocol.people}


def needed_attributes(protocol: Protocol, simulated: Iterable[Duty]) -> dict[str, str]:
    """Attribute ids read by a transition guard or by the `when` of a simulated duty, each with where it is read."""
    attributes = {a.id for a in protocol.attributes}
    found: dict[str, str] = {}
    for lifecycle in protocol.lifecycles:
        for t in lifecycle.transitions:
            guard = protocol.guard_of(lifecycle.id, t)
            for test in comparisons(guard) if guard is not None else ():
                if test.key in attributes:
                    found.setdefault(test.key, f"the guard of the transition on {t.event} (clause {t.clause[0]})")
    for duty in simulated:
        for test in comparisons(duty.when) if duty.when is not None else ():
            if test.key in attributes:
                found.setdefault(test.key, f"duty {duty.id} (clause {duty.clause[0]})")
    return found
