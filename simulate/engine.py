"""The SimPy engine: simulated children moving through a protocol's lifecycles, raising its duties as
tasks that staff work in their working hours.

`prepare(scenario, protocol)` builds a `Model` once: everything a replication needs, frozen and
picklable (it is sent to worker processes and Dask workers). `run_replication(model, seed)` runs one
replication from a `numpy.random.SeedSequence` and returns flat metrics (`outcomes.measure`).

In a replication:
- children arrive at random (`demand`), get attribute values, and the `entry` events happen to them;
  an initial caseload is placed at the start, without raising duties;
- in each state with a flow, a child stays for a drawn time and/or waits for the next court sitting,
  then one of the flow's events happens (drawn when the state is entered, so the protocol's "before
  release" deadlines can be known); events the protocol schedules (a sentencing hearing 3 weeks
  after an adjournment) happen when it says;
- every event is offered to the protocol's lifecycles (`lifecycles`); the duties it raises
  (`duties.plan`) become tasks, each worked by one practitioner of the duty's pool, first come first
  served, within the pool's working hours; leave, sickness and other work take whole days;
- a court sitting with a child of the area needs a practitioner there (from the rota at weekends and
  on bank holidays); RiLAA placements are searched for while the child waits; YDA nights are counted.
Outcomes are recorded as timestamps only; deadlines, breaches, utilisation and spend are computed
afterwards (`outcomes`), so no simulation event waits on a deadline. Nothing reads the wall clock.

What a replication keeps is small, because a run may hold thousands of open cases at once:
- every timer is a call on the SimPy queue (`Environment.call`): one tuple, not an event object with
  a list of callbacks and a closure; callbacks are bound once per replication;
- a case's lifecycle states are a `Situation` shared by every case in the same states, which also
  keeps what each event does from there (`Move`: the states left and entered, the duties raised),
  and each duty's `when` decided as far as the states decide it;
- a case's attribute values are a string of codes (indexes into `Model.attribute_items`); its flows
  are a chain of small objects, a timer refers to its flow, and leaving the state unlinks the flow.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from heapq import heappop, heappush
from typing import Any

import simpy
from numpy.random import SeedSequence
from simpy.core import EmptySchedule
from simpy.events import NORMAL

from ..model.calendar import Unit
from ..model.conditions import Comparison, Condition, comparisons, decide, holds
from ..model.schema import Protocol
from . import duties as duty_plans
from . import outcomes
from .clock import INFINITY, Clock, Sittings, WorkTime
from .draws import Choice, Purpose, Sampler, Stream, sampler, streams
from .duties import DutyPlan
from .lifecycles import CompiledLifecycle, Configuration, compile_lifecycles
from .scenario import LEAVE, Dist, Scenario

MARGIN_DAYS = 2 * 366  # the working-time and sitting tables run this far past the end, for tasks begun near it
_UNKNOWN = object()

# --- the prepared model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowPlan:
    """A flow, ready to run: stay sampler, hearing (event, weekday sittings only), outcomes, repeats."""

    stay: Sampler | None
    hearing: tuple[str | None, bool] | None
    outcomes: Choice
    repeat: tuple[tuple[str, Sampler], ...]


@dataclass(frozen=True)
class PoolPlan:
    """A staff pool, ready to run."""

    name: str
    count: int
    work: WorkTime
    absence: float
    other_work: float
    on_call: int


@dataclass(frozen=True)
class CourtPlan:
    """Court sittings, ready to run."""

    pool: int
    on_call_pool: int
    sittings: Sittings
    session_hours: float
    hearings: frozenset[str]
    day_attribute: str | None
    day_values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Model:
    """Everything a replication needs, built once by `prepare`."""

    scenario: str
    protocol: str
    clock: Clock
    window: tuple[float, float]  # clock hours measured: after the warm-up, to the end
    lifecycles: tuple[CompiledLifecycle, ...]
    plans: tuple[DutyPlan, ...]
    specs: tuple[tuple[Condition | None, Any, tuple[tuple[str, Any], ...], Sampler | None], ...]
    """Per plan, what raising it needs: its `when`, its deadline, its parts (("staff", pool index) |
    ("external", delay Sampler) | ("nobody", None)) and its effort."""
    on_event: dict[
        str, tuple[int, ...]
    ]  # the plans an event raises (by trigger, or as the event a duty is due before being scheduled)
    on_enter: dict[str, tuple[int, ...]]  # ... entering a state raises (by trigger, or as making an event possible)
    on_exit: dict[str, tuple[int, ...]]
    by_duty: dict[str, tuple[int, ...]]  # ... a duty's completion raises
    situational: tuple[
        tuple[int, frozenset[int]], ...
    ]  # plans raised on coming into a situation, with the lifecycles it reads (by index)
    initial: tuple[Configuration, ...]  # each lifecycle's initial configuration, in the order of `lifecycles`
    lifecycle_index: dict[str, int]  # lifecycle -> its place in `lifecycles` (and in a case's configurations)
    scheduled: dict[str, tuple[tuple[str, int, Unit], ...]]  # event -> events the protocol schedules after it
    logged: frozenset[str]  # events whose times deadlines count from
    takers: dict[
        str, tuple[tuple[int, CompiledLifecycle], ...]
    ]  # an event on some transition -> the lifecycles with a transition on it, with their indexes
    tracked: frozenset[str]  # states whose entry or exit the engine acts on: with a flow, YDA, RiLAA
    flows: dict[str, FlowPlan]
    pools: tuple[PoolPlan, ...]
    arrivals_per_hour: float  # the highest hourly rate (thinned by day_factor)
    day_factor: tuple[float, ...]  # relative arrival rate of each day, at most 1
    flat: bool  # the same rate every day: no thinning
    entry: tuple[str, ...]
    looked_after_share: float
    looked_after: Choice | None
    attribute_index: dict[str, int]  # attribute -> where a case keeps its value's code
    attribute_items: tuple[
        tuple[Any, ...], ...
    ]  # in that order: the values each can take (a case keeps the index of its own)
    attribute_draws: tuple[
        Choice | None, ...
    ]  # in that order: the Choice a code is drawn from, or None for the value every case has (code 0)
    court_day: (
        tuple[int, dict[str, int]] | None
    )  # the court's day attribute: its index, and the code of its value for each kind of sitting
    cohorts: tuple[tuple[int, tuple[str, ...]], ...]
    court: CourtPlan | None
    at_event_hours: float
    rilaa: tuple[str, Sampler, int | None, str | None] | None  # state, availability, search plan, found event
    yda: tuple[str, Choice, dict[str, float]] | None  # state, establishment mix, nightly charges
    budget: float | None  # for the measured window (£)

    def holds(self, condition: Condition, states: tuple[tuple[str, ...], ...], values: bytes) -> bool:
        """Whether a condition holds for a case with these active states (a tuple per lifecycle, in
        the order of `lifecycles`) and attribute value codes (in the order of `attribute_index`)."""
        lifecycle_index, index, items = self.lifecycle_index, self.attribute_index, self.attribute_items

        def value_of(test: Comparison):
            i = lifecycle_index.get(test.key)
            if i is not None:
                return states[i]
            i = index[test.key]
            return items[i][values[i]]

        return holds(condition, value_of)

    def decide(self, condition: Condition, states: tuple[tuple[str, ...], ...]) -> bool | Condition:
        """The condition for a case in these active states: True or False if that decides it, else
        what is left of it to decide on the case's attribute values (its tests of lifecycles decided)."""
        lifecycle_index = self.lifecycle_index

        def states_of(test: Comparison) -> tuple[str, ...] | None:
            i = lifecycle_index.get(test.key)
            return None if i is None else states[i]

        return decide(condition, states_of)


def prepare(scenario: Scenario, protocol: Protocol) -> Model:
    """The model of a scenario run against its protocol (the one `scenario.protocol` names).
    Raises `LoadError` if the scenario does not fit the protocol (located by its dotted paths)."""
    from ..model.source import LoadError
    from .references import check
    from .scenario import _unlocated

    problems = check(scenario, protocol)
    if problems:
        raise LoadError(_unlocated(scenario.id, problems))
    clock = Clock(scenario.start, protocol.calendar.to_calendar())
    days = scenario.warm_up_days + scenario.horizon_days
    window = (scenario.warm_up_days * 24.0, days * 24.0)
    table_days = days + MARGIN_DAYS
    pools = tuple(
        PoolPlan(
            name,
            p.count,
            WorkTime.build(clock, table_days, p.hours, p.days == "every_day"),
            p.absence,
            p.other_work,
            p.on_call,
        )
        for name, p in scenario.staff.items()
    )
    pool_index = {p.name: i for i, p in enumerate(pools)}
    plans = duty_plans.plan(protocol, scenario)
    external = {actor: _sampler(dist) for actor, dist in scenario.external.items()}
    parts = tuple(
        tuple(
            ("staff", pool_index[name])
            if kind == "staff"
            else ("external", external[name])
            if kind == "external"
            else ("nobody", None)
            for kind, name in plan.workers
        )
        for plan in plans
    )
    index = _indexes(protocol, plans)
    attribute_index, attribute_items, attribute_draws, court_day = _attributes(scenario)
    lifecycles = compile_lifecycles(protocol)
    demand = scenario.demand
    court = None
    if scenario.court is not None:
        c = scenario.court
        court = CourtPlan(
            pool_index[c.pool],
            pool_index[c.on_call_pool or c.pool],
            Sittings.build(clock, table_days, c.weekdays, c.saturday, c.bank_holidays, c.start_hour),
            c.session_hours,
            frozenset(c.hearings),
            c.day_attribute,
            tuple(sorted(c.day_values.items())),
        )
    rilaa = None
    if scenario.rilaa is not None:
        r = scenario.rilaa
        search = next((i for i, p in enumerate(plans) if p.duty == r.search_duty), None) if r.search_duty else None
        rilaa = (r.state, _sampler(r.availability), search, r.found_event)
    yda = None
    if scenario.yda is not None:
        y = scenario.yda
        yda = (
            y.state,
            Choice.of({k: e.share for k, e in y.establishments.items()}),
            {k: e.nightly for k, e in y.establishments.items()},
        )
    budget = None if scenario.budget is None else scenario.budget.yda_per_year * scenario.horizon_days / 365.0
    factors = _day_factors(scenario, days)
    peak = max(factors) if factors else 1.0
    logged = {
        p.deadline.event for p in plans if p.simulated and p.deadline is not None and p.deadline.event is not None
    }
    return Model(
        scenario=scenario.id,
        protocol=protocol.metadata.id,
        clock=clock,
        window=window,
        lifecycles=lifecycles,
        initial=tuple(lc.initial for lc in lifecycles),
        lifecycle_index={lc.id: i for i, lc in enumerate(lifecycles)},
        plans=plans,
        specs=tuple(
            (p.when, p.deadline, parts[i], _sampler(p.effort) if p.effort is not None else None)
            for i, p in enumerate(plans)
        ),
        takers={
            e: tuple((i, lc) for i, lc in enumerate(lifecycles) if lc.takes(e))
            for lc0 in lifecycles
            for e in lc0.transitions
        },
        tracked=frozenset(demand.flows) | {x.state for x in (scenario.yda, scenario.rilaa) if x is not None},
        flows={state: _flow(flow) for state, flow in demand.flows.items()},
        pools=pools,
        arrivals_per_hour=demand.remands_per_year / (365.0 * 24.0) * peak,
        day_factor=tuple(f / peak for f in factors),
        flat=all(f == peak for f in factors),
        entry=demand.entry,
        looked_after_share=demand.looked_after_share,
        looked_after=Choice.of(demand.looked_after_events) if demand.looked_after_events else None,
        attribute_index=attribute_index,
        attribute_items=attribute_items,
        attribute_draws=attribute_draws,
        court_day=court_day,
        cohorts=tuple((c.count, c.events) for c in scenario.initial_caseload),
        court=court,
        at_event_hours=scenario.interpretations.at_event_hours,
        rilaa=rilaa,
        yda=yda,
        budget=budget,
        scheduled=_schedules(protocol),
        logged=frozenset(logged),
        **index,
    )


def _sampler(dist: Dist) -> Sampler:
    return sampler(dist.dist, dist.hours_per_unit, dist.mean, dist.sd, dist.low, dist.high)


def _flow(flow) -> FlowPlan:
    hearing = None if flow.hearing is None else (flow.hearing.event, flow.hearing.sittings == "weekday")
    return FlowPlan(
        None if flow.stay is None else _sampler(flow.stay),
        hearing,
        Choice.of(dict(flow.next)),
        tuple((r.event, _sampler(r.every)) for r in flow.repeat),
    )


def _attributes(
    scenario: Scenario,
) -> tuple[dict[str, int], tuple[tuple[Any, ...], ...], tuple[Choice | None, ...], tuple[int, dict[str, int]] | None]:
    """Where a case keeps each attribute's value, the values it can take, what it is drawn from (a
    Choice) or None if fixed (its one value), and the court's day attribute. A case keeps a value as
    its index among the values (a code). The day attribute, set at each hearing, starts unset (None)
    unless the scenario draws it, and can also take the day values."""
    found: dict[str, Any] = {}
    if scenario.demand.ages:
        found["age"] = Choice.of({age: w for age, w in scenario.demand.ages.items() if w > 0})
    for name, values in scenario.demand.attributes.items():
        found[name] = Choice.of(values) if isinstance(values, dict) else values
    court_day = None
    if scenario.court is not None and scenario.court.day_attribute is not None:
        found.setdefault(scenario.court.day_attribute, None)
    items = {name: list(v.items) if isinstance(v, Choice) else [v] for name, v in found.items()}
    index = {name: i for i, name in enumerate(found)}
    if scenario.court is not None and scenario.court.day_attribute is not None:
        name = scenario.court.day_attribute
        codes = {}
        for kind, value in sorted(scenario.court.day_values.items()):
            if not any(type(v) is type(value) and v == value for v in items[name]):
                items[name].append(value)
            codes[kind] = next(i for i, v in enumerate(items[name]) if type(v) is type(value) and v == value)
        court_day = (index[name], codes)
    draws = tuple(v if isinstance(v, Choice) else None for v in found.values())
    return index, tuple(tuple(v) for v in items.values()), draws, court_day


def _day_factors(scenario: Scenario, days: int) -> tuple[float, ...]:
    """The relative arrival rate of each day: month factor times weekday factor, each scaled to average 1."""
    demand = scenario.demand
    months = (
        [1.0] * 12 if demand.seasonality is None else [m / (sum(demand.seasonality) / 12) for m in demand.seasonality]
    )
    weekdays = [1.0] * 7 if demand.weekday is None else [w / (sum(demand.weekday) / 7) for w in demand.weekday]
    found = []
    for d in range(days):
        day = scenario.start + dt.timedelta(days=d)
        found.append(months[day.month - 1] * weekdays[day.weekday()])
    return tuple(found)


def _schedules(protocol: Protocol) -> dict[str, tuple[tuple[str, int, Unit], ...]]:
    found: dict[str, list[tuple[str, int, Unit]]] = {}
    for event in protocol.events:
        if event.scheduled is not None:
            found.setdefault(event.scheduled.after, []).append(
                (event.id, event.scheduled.delay.amount, event.scheduled.delay.unit)
            )
    return {k: tuple(v) for k, v in found.items()}


def _indexes(protocol: Protocol, plans: tuple[DutyPlan, ...]) -> dict[str, Any]:
    """Which plans each event, state entry and exit, and duty completion raises."""
    by: dict[str, dict[str, list[int]]] = {"event": {}, "enter": {}, "exit": {}, "duty": {}}
    situational: list[tuple[int, frozenset[str]]] = []
    on_enter: dict[str, list[int]] = {}
    on_event: dict[str, list[int]] = {}
    lifecycles = {lc.id: i for i, lc in enumerate(protocol.lifecycles)}
    scheduled_after = {e.id: e.scheduled.after for e in protocol.events if e.scheduled is not None}
    for i, plan in enumerate(plans):
        if not plan.simulated or plan.start is None:
            continue
        kind, name = plan.start.kind, plan.start.name
        if kind in by:
            by[kind].setdefault(name, []).append(i)  # type: ignore[arg-type]
        elif kind == "situation":
            reads = frozenset(lifecycles[t.key] for t in comparisons(plan.when) if t.key in lifecycles)  # type: ignore[arg-type]
            situational.append((i, reads))
        else:  # possible: the event it is due before becomes possible
            for state in sorted(duty_plans.ends_of(protocol, name)):  # type: ignore[arg-type]
                on_enter.setdefault(state, []).append(i)
            if name in scheduled_after:
                on_event.setdefault(scheduled_after[name], []).append(i)

    def joined(*parts: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
        found: dict[str, list[int]] = {}
        for part in parts:
            for key, plans in part.items():
                found.setdefault(key, []).extend(plans)
        return {k: tuple(v) for k, v in found.items()}

    return {
        "on_event": joined(by["event"], on_event),
        "on_enter": joined(by["enter"], on_enter),
        "on_exit": joined(by["exit"]),
        "by_duty": joined(by["duty"]),
        "situational": tuple(situational),
    }


# --- a replication ----------------------------------------------------------------------------------


class Environment(simpy.Environment):
    """A SimPy environment whose event queue also holds bare calls.

    `call(delay, fn, arg)` puts `(time, NORMAL, id, fn, arg)` on SimPy's queue: `fn(arg)` is called at
    that time, in the order a `Timeout` scheduled at the same moment with that callback would run
    (by time, then by when it was scheduled), but it is one tuple instead of an event, its list of
    callbacks and a closure. The engine's timers are all calls: a pending timer takes a third of the
    memory and processing one about half the time. SimPy's own events and processes still work in it.
    """

    def call(self, delay: float, fn: Callable[[Any], object], arg: Any) -> None:
        """Call `fn(arg)` `delay` hours from now."""
        heappush(self._queue, (self._now + delay, NORMAL, next(self._eid), fn, arg))

    def step(self) -> None:
        """Process the next call or event."""
        try:
            entry = self._queue[0]
        except IndexError:
            raise EmptySchedule from None
        if len(entry) == 4:  # a SimPy event
            super().step()
            return
        heappop(self._queue)
        self._now = entry[0]
        entry[3](entry[4])

    def run_before(self, end: float) -> int:
        """Process every call and event scheduled before clock time `end` (none at `end` or after),
        then stand at `end`; the number processed."""
        queue, pop = self._queue, heappop
        n = 0
        while queue:
            entry = pop(queue)
            if entry[0] >= end:
                heappush(queue, entry)
                break
            n += 1
            if len(entry) == 4:  # a SimPy event
                heappush(queue, entry)
                super().step()
                continue
            self._now = entry[0]
            entry[3](entry[4])
        self._now = end
        return n


class Situation:
    """The active states of every lifecycle (a configuration per lifecycle, in the order of
    `Model.lifecycles`), one object for every case in them, with what events do from here (`Move`s,
    kept as they are found)."""

    __slots__ = ("configs", "states", "moves", "whens")

    def __init__(self, configs: tuple[Configuration, ...]):
        self.configs = configs
        self.states = tuple(tuple(config) for config in configs)  # what conditions read (`Model.holds`)
        self.moves: dict[str, Move | None] = {}  # event -> its move, or None if the lifecycles refuse it
        self.whens: dict[int, bool | Condition] = {}  # plan -> its `when` decided here (`Model.decide`)


class Move:
    """What an event does to a case in a situation, where no guard decides it (so it is the same for
    every case there): the situation after; the states it leaves and enters that the engine acts on
    (`Model.tracked`); the duties it raises, in order (by leaving states, by the event, by entering
    states); the duties raised on coming into a situation that it may bring about (those reading a
    lifecycle that moved); whether the event is logged; the events the protocol schedules after it."""

    __slots__ = ("after", "leave", "enter", "raises", "situational", "logged", "scheduled")

    def __init__(
        self,
        after: Situation,
        leave: tuple[str, ...],
        enter: tuple[str, ...],
        raises: tuple[int, ...],
        situational: tuple[int, ...],
        logged: bool,
        scheduled: tuple[tuple[str, int, Unit], ...],
    ):
        self.after = after
        self.leave = leave
        self.enter = enter
        self.raises = raises
        self.situational = situational
        self.logged = logged
        self.scheduled = scheduled


class Case:
    """One simulated child: its attribute values (as codes, `Model.attribute_items`), its situation
    (the active states of each lifecycle), its running flows and the times of its logged events."""

    __slots__ = ("values", "situation", "flows", "log", "left", "yda", "rilaa")

    def __init__(self, values: bytes, situation: Situation):
        self.values = values
        self.situation = situation
        self.flows: Flow | None = None  # the first of the case's running flows
        self.log: dict[str, list[float]] | None = None
        self.left = False
        self.yda: list | None = None  # [entered, establishment]
        self.rilaa: list | None = None  # [entered, available, searched, placed]


class Flow:
    """A flow running for a case in one of its states, with the outcome drawn for it. A case's
    running flows are a chain (`Case.flows`, then `next`); leaving the state takes the flow out of
    the chain, and its pending timers then do nothing when they come."""

    __slots__ = ("case", "state", "outcome", "next")

    def __init__(self, case: Case, state: str, outcome: str, next: Flow | None):
        self.case = case
        self.state = state
        self.outcome = outcome
        self.next = next

    def running(self) -> bool:
        """Whether the flow is still running (its case has not left its state since it began)."""
        flow = self.case.flows
        while flow is not None:
            if flow is self:
                return True
            flow = flow.next
        return False


class Task:
    """A duty raised for a case: when, its deadline if known now, when all its parts were begun and
    done, and whether a part falls to nobody or to the practitioner covering a court sitting."""

    __slots__ = ("plan", "case", "raised", "due", "waiting", "unbegun", "begun", "done", "sitting", "no_owner")

    def __init__(self, plan: int, case: Case, raised: float):
        self.plan = plan
        self.case = case
        self.raised = raised
        self.due: float | None = None
        self.waiting = 0  # parts not yet done
        self.unbegun = 0  # parts not yet begun
        self.begun = raised  # when the last part to be begun was begun (meaningful once unbegun is 0)
        self.done: float | None = None
        self.sitting: int | None = None  # a court sitting whose cover does a part
        self.no_owner = False


class Part:
    """One practitioner's share of a task: requested, taken up (a practitioner free), and how many
    working hours it takes."""

    __slots__ = ("task", "requested", "taken", "effort")

    def __init__(self, task: Task, requested: float, effort: float):
        self.task = task
        self.requested = requested
        self.taken: float | None = None
        self.effort = effort


def run_replication(model: Model, seed: SeedSequence) -> dict[str, float]:
    """One replication: flat metric name -> number (NaN where undefined). Deterministic in `seed`.

    Python's cyclic garbage collector is paused while it runs: a replication makes many small objects
    that live until it ends and makes no garbage cycles, so collecting would only cost time (a third
    of it, measured on the M/M/3 benchmark)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        replication = Replication(model, seed)
        replication.run()
        return outcomes.measure(model, replication)
    finally:
        if collecting:
            gc.enable()


class Replication:
    """The state of one replication while it runs, and the timestamps it leaves for `outcomes`."""

    def __init__(self, model: Model, seed: SeedSequence):
        self.m = model
        self.env = Environment()
        draws = streams(seed)
        self.arrival_draws: Stream = draws[Purpose.ARRIVALS]
        self.flow_draws: Stream = draws[Purpose.FLOWS]
        self.effort_draws: Stream = draws[Purpose.EFFORT]
        self.attribute_draws: Stream = draws[Purpose.ATTRIBUTES]
        self.staff_draws: Stream = draws[Purpose.STAFFING]
        self.placement_draws: Stream = draws[Purpose.PLACEMENTS]
        self.external_draws: Stream = draws[Purpose.EXTERNAL]
        self.staff = [
            Practitioners(pool.count, partial(self.take_up, i), pool.work, model.window)
            for i, pool in enumerate(model.pools)
        ]
        self.works = [pool.work for pool in model.pools]
        self.on_call = [Practitioners(pool.on_call) if pool.on_call else None for pool in model.pools]
        for name in (
            "next_arrival",
            "happen_scheduled",
            "placement_due",
            "flow_ends",
            "sit",
            "court_over",
            "external_done",
            "days_away",
        ):
            setattr(self, name, getattr(self, name))  # bound once: every timer on the queue shares the one bound method
        self.finishers = [partial(self.finish, i) for i in range(len(model.pools))]
        self.repeaters = [
            partial(self.repeat, i) for i in range(max((len(f.repeat) for f in model.flows.values()), default=0))
        ]
        self.cases: list[Case] = []
        self.arrivals: list[float] = []
        self.tasks: list[Task] = []
        self.parts: list[list[Part]] = [[] for _ in model.pools]
        self.sittings: dict[float, list] = {}
        self.cover: list[tuple[float, str, float]] = []  # sitting start, kind, cover began (inf: none came)
        self.yda_stays: list[tuple[float, float, str]] = []
        self.rilaa_stays: list[list] = []
        self.not_taken = 0  # events a case's lifecycles could not take
        self.no_outcome = 0  # flows with no outcome whose transition was enabled
        self.events_processed = 0
        self.situations_seen: dict[tuple[Configuration, ...], Situation] = {}
        self.initial = self.situation_of(model.initial)
        # a case's attribute values as codes: bytes, unless an attribute can take more than 256 values
        self.codes: Callable[[list[int]], bytes | tuple[int, ...]] = (
            bytes if all(len(v) <= 256 for v in model.attribute_items) else tuple
        )
        self.no_values = self.codes([0] * len(model.attribute_items))
        self._sitting_now: int | None = None  # the sitting whose hearings are happening now
        self._sitting_pool: int | None = None  # the pool covering it
        self._settling = False  # events are placing a case at one instant: its flows start after (`settle`)

    # --- running ------------------------------------------------------------------------------

    def run(self) -> None:
        m, env = self.m, self.env
        end = m.window[1]
        for count, events in m.cohorts:
            for _ in range(count):
                case = self.new_case()
                self._settling = True
                for event in events:
                    self.happen(case, event, duties=False)
                self.settle(case)
        if m.arrivals_per_hour > 0:
            self.next_arrival(False)
        for i, pool in enumerate(m.pools):
            if pool.absence > 0 or pool.other_work > 0:
                self.next_day(i, 0)
        self.events_processed = env.run_before(end)
        for practitioners in self.staff:
            practitioners.account(end)
        for case in self.cases:
            if case.yda is not None:
                self.yda_stays.append((case.yda[0], end, case.yda[1]))
                case.yda = None

    # --- arrivals -----------------------------------------------------------------------------

    def next_arrival(self, candidate: bool) -> None:
        """Arrivals by thinning: candidates at the peak rate, each kept with its day's relative rate
        (all kept when the rate is the same every day)."""
        env, m, draws = self.env, self.m, self.arrival_draws
        if candidate:
            if m.flat:
                self.arrive()
            else:
                day = int(env.now // 24)
                if day < len(m.day_factor) and draws.uniform() < m.day_factor[day]:
                    self.arrive()
        env.call(draws.exponential() / m.arrivals_per_hour, self.next_arrival, True)

    def arrive(self) -> None:
        m = self.m
        case = self.new_case()
        self.arrivals.append(self.env.now)
        self._settling = True
        if m.looked_after is not None and self.attribute_draws.uniform() < m.looked_after_share:
            self.happen(case, m.looked_after.draw(self.attribute_draws), duties=False)
        for event in m.entry:
            self.happen(case, event)
        self.settle(case)

    def new_case(self) -> Case:
        """A new case with drawn attributes, in the initial state of every lifecycle (its flows start
        when it has settled: `settle`)."""
        m = self.m
        if m.attribute_draws:
            draws = self.attribute_draws
            values = self.codes([0 if choice is None else choice.index(draws) for choice in m.attribute_draws])
        else:
            values = self.no_values
        case = Case(values, self.initial)
        self.cases.append(case)
        return case

    def settle(self, case: Case) -> None:
        """After events that happen to a case at one instant (placing it, its arrival), start the flows
        of the states it is left in; a state entered and left at that instant has no flow to run."""
        self._settling = False
        flows = self.m.flows
        if not flows:
            return
        for lifecycle, config in zip(self.m.lifecycles, case.situation.configs):
            for state in sorted(config, key=lifecycle.order.__getitem__):
                if state in flows and _flow_in(case, state) is None:
                    self.start_flow(case, state)

    # --- events -------------------------------------------------------------------------------

    def happen(self, case: Case, event: str, duties: bool = True) -> bool:
        """The event happens to the case: its lifecycles move, duties are raised, flows start. False
        if the protocol's lifecycles take the event but none can from where the case is."""
        if case.left:
            return False
        before = case.situation
        move = before.moves.get(event, _UNKNOWN)
        if move is _UNKNOWN:
            move = self.move(case, event)
        if move is None:
            self.not_taken += 1
            return False
        case.situation = move.after
        for state in move.leave:
            self.leave_state(case, state)
        if duties:
            if move.logged:  # (events placing a case come before any duty it could be due by)
                if case.log is None:
                    case.log = {}
                case.log.setdefault(event, []).append(self.env.now)
            for plan in move.raises:
                self.raise_duty(plan, case, event)
            if move.situational:
                self.situations(case, event, before, move.situational)
        for state in move.enter:
            self.enter_state(case, state)
        for later, amount, unit in move.scheduled:
            self.schedule(case, later, amount, unit)
        return True

    def move(self, case: Case, event: str) -> Move | None:
        """What the event does to the case (None if its lifecycles refuse it), kept in the case's
        situation for every case there unless a guard decided it."""
        m, situation = self.m, case.situation
        takers = m.takers.get(event)
        exited: list[str] = []
        entered: list[str] = []
        situational: tuple[int, ...] = ()
        after = situation
        if takers is not None:
            steps = self.steps(case, event, takers)
            if steps is not None:
                configs = list(situation.configs)
                for i, step in steps:
                    configs[i] = step.after
                    exited += step.exited
                    entered += step.entered
                after = self.situation_of(tuple(configs))
                moved = {i for i, _ in steps}
                situational = tuple(plan for plan, reads in m.situational if reads & moved)
            guarded = any(lifecycle.guarded(situation.configs[i], event) for i, lifecycle in takers)
        else:
            steps, guarded = [], False
        move = None
        if steps is not None:
            tracked = m.tracked
            raises = [plan for state in exited for plan in m.on_exit.get(state, ())]
            raises += m.on_event.get(event, ())
            raises += [plan for state in entered for plan in m.on_enter.get(state, ())]
            move = Move(
                after,
                tuple(s for s in exited if s in tracked),
                tuple(s for s in entered if s in tracked),
                tuple(raises),
                situational,
                event in m.logged,
                m.scheduled.get(event, ()),
            )
        if not guarded:
            situation.moves[event] = move
        return move

    def situation_of(self, configs: tuple[Configuration, ...]) -> Situation:
        """The one situation object of these configurations."""
        situation = self.situations_seen.get(configs)
        if situation is None:
            situation = self.situations_seen[configs] = Situation(configs)
        return situation

    def situations(self, case: Case, event: str, before: Situation, plans: tuple[int, ...]) -> None:
        """Raise the duties among `plans` whose situation (`when`) the case has just come into from `before`."""
        after, values, holds = case.situation, case.values, self.when_holds
        for plan in plans:
            if holds(plan, after, values) and not holds(plan, before, values):
                self.raise_duty(plan, case, event)

    def when_holds(self, plan: int, situation: Situation, values: bytes) -> bool:
        """Whether the plan's `when` holds for a case in the situation with these attribute values."""
        decided = situation.whens.get(plan)
        if decided is None:
            decided = situation.whens[plan] = self.m.decide(self.m.plans[plan].when, situation.states)  # type: ignore[arg-type]
        if decided is True or decided is False:
            return decided
        return self.m.holds(decided, situation.states, values)

    def steps(
        self, case: Case, event: str, takers: tuple[tuple[int, CompiledLifecycle], ...] | None = None
    ) -> list[tuple[int, Any]] | None:
        """What the event would do to each lifecycle of the case (by the lifecycle's index; nothing
        applied yet); None if the protocol's lifecycles take the event but none can from where the
        case is."""
        m = self.m
        if takers is None:
            takers = m.takers.get(event)
            if takers is None:
                return []
        configs, states, values, holds = case.situation.configs, case.situation.states, case.values, m.holds

        def enabled(guard: Condition) -> bool:  # (called only where a guard must be tried)
            return holds(guard, states, values)

        found = []
        for i, lifecycle in takers:
            step = lifecycle.step(configs[i], event, enabled)
            if step is not None:
                found.append((i, step))
        return found or None

    def schedule(self, case: Case, event: str, amount: int, unit: Unit) -> None:
        """An event the protocol schedules: at the same time of day, `amount` `unit` later (a court
        hearing at the next weekday sitting from then)."""
        now, clock = self.env.now, self.m.clock
        if unit is Unit.HOURS:
            at = now + amount
        else:
            day = clock.calendar.later(clock.day(now), amount, unit)
            at = (day - clock.start).days * 24 + now % 24
        court = self.m.court
        if court is not None and event in court.hearings:
            self.list_for_sitting(court.sittings.next(at, True), (case, event))
        else:
            self.env.call(at - now, self.happen_scheduled, (case, event))

    def happen_scheduled(self, scheduled: tuple[Case, str]) -> None:
        self.happen(*scheduled)

    # --- states: flows, YDA, RiLAA ------------------------------------------------------------

    def enter_state(self, case: Case, state: str) -> None:
        m, now = self.m, self.env.now
        if state in m.flows and not self._settling:
            self.start_flow(case, state)
        if m.yda is not None and state == m.yda[0]:
            case.yda = [now, m.yda[1].draw(self.placement_draws)]
        if m.rilaa is not None and state == m.rilaa[0]:
            available = now + m.rilaa[1].draw(self.placement_draws)
            case.rilaa = [now, available, m.rilaa[2] is None, None]
            self.rilaa_stays.append(case.rilaa)
            self.env.call(available - now, self.placement_due, (case, case.rilaa))

    def leave_state(self, case: Case, state: str) -> None:
        flow = _flow_in(case, state)
        if flow is not None:  # take it out of the case's chain
            if case.flows is flow:
                case.flows = flow.next
            else:
                before = case.flows
                while before.next is not flow:  # type: ignore[union-attr]
                    before = before.next  # type: ignore[union-attr]
                before.next = flow.next  # type: ignore[union-attr]
        m = self.m
        if m.yda is not None and state == m.yda[0] and case.yda is not None:
            self.yda_stays.append((case.yda[0], self.env.now, case.yda[1]))
            case.yda = None
        if m.rilaa is not None and state == m.rilaa[0]:
            case.rilaa = None

    def leave_simulation(self, case: Case) -> None:
        """The case leaves (an outcome the protocol has no event for): flows stop, stays end."""
        for lifecycle, config in zip(self.m.lifecycles, case.situation.configs):
            for state in sorted(config, key=lifecycle.order.__getitem__):
                self.leave_state(case, state)
        case.left = True

    def placement_due(self, placement: tuple[Case, list]) -> None:
        self.placement_check(*placement)

    def placement_check(self, case: Case, record: list) -> None:
        """A RiLAA placement is found once the search is done and a placement is available."""
        if case.rilaa is not record or record[3] is not None:
            return
        now = self.env.now
        if record[2] and now >= record[1]:
            record[3] = now
            found = self.m.rilaa[3]  # type: ignore[index]
            if found is not None:
                self.happen(case, found)

    def start_flow(self, case: Case, state: str) -> None:
        """Draw the stay (and hearing) and the outcome now; the outcome happens then, if the case is
        still in the state."""
        plan = self.m.flows[state]
        env, draws = self.env, self.flow_draws
        now = env.now
        at = now if plan.stay is None else now + plan.stay.draw(draws)
        flow = case.flows = Flow(case, state, plan.outcomes.draw(draws), case.flows)
        if plan.hearing is not None:
            sitting = self.m.court.sittings.next(at, plan.hearing[1])  # type: ignore[union-attr]
            if sitting < INFINITY:
                self.list_for_sitting(sitting, flow)
        else:
            env.call(at - now, self.flow_ends, flow)
        for i, (_, every) in enumerate(plan.repeat):
            env.call(every.draw(draws), self.repeaters[i], flow)

    def flow_ends(self, flow: Flow) -> None:
        """The flow's outcome happens, if the case is still in the state. If the outcome's transition
        is not enabled for this case (a guard on its attributes), another is drawn from those that
        are, in proportion to their probabilities."""
        if not flow.running():
            return
        case, outcome = flow.case, flow.outcome
        if outcome == LEAVE:
            self.leave_simulation(case)
            return
        if self.happen(case, outcome):
            return
        plan = self.m.flows[flow.state]
        options = [
            (event, p)
            for event, p in zip(plan.outcomes.items, _probabilities(plan.outcomes))
            if event != outcome and p > 0 and (event == LEAVE or self.steps(case, event) is not None)
        ]
        if not options:
            self.no_outcome += 1
            return
        event = Choice.of(dict(options)).draw(self.flow_draws)
        if event == LEAVE:
            self.leave_simulation(case)
        else:
            self.happen(case, event)

    def repeat(self, i: int, flow: Flow) -> None:
        """The flow's `i`th repeated event happens, if the case is still in the state, and is due again."""
        if not flow.running():
            return
        event, every = self.m.flows[flow.state].repeat[i]
        self.happen(flow.case, event)
        self.env.call(every.draw(self.flow_draws), self.repeaters[i], flow)

    # --- court ----------------------------------------------------------------------------------

    def list_for_sitting(self, at: float, listing: Flow | tuple[Case, str]) -> None:
        """List a flow's hearing, or an event the protocol schedules (case, event), at the sitting at `at`."""
        listed = self.sittings.get(at)
        if listed is None:
            listed = self.sittings[at] = []
            self.env.call(at - self.env.now, self.sit, at)
        listed.append(listing)

    def sit(self, at: float) -> None:
        """A sitting: if a child of the area is still listed, a practitioner is called to court, then
        each child's hearing event and outcome happen."""
        listings = [x for x in self.sittings.pop(at) if (x.running() if type(x) is Flow else not x[0].left)]
        if not listings:
            return
        m = self.m
        court = m.court
        kind = court.sittings.kind(at)  # type: ignore[union-attr]
        number = len(self.cover)
        self.cover.append((at, kind, INFINITY))
        practitioners = self.staff[court.pool] if kind == "weekday" else self.on_call[court.on_call_pool]  # type: ignore[union-attr]
        if practitioners is not None:
            practitioners.request_urgent(self.env.now, partial(self.covered, number, practitioners))
        self._sitting_now = number
        self._sitting_pool = court.pool if kind == "weekday" else court.on_call_pool  # type: ignore[union-attr]
        day = m.court_day
        for listing in listings:
            case = listing.case if type(listing) is Flow else listing[0]
            if day is not None:  # the day attribute takes the kind of sitting
                i, values = day[0], case.values
                case.values = self.codes([*values[:i], day[1][kind], *values[i + 1 :]])
            if type(listing) is not Flow:  # an event the protocol scheduled
                self.happen(case, listing[1])
                continue
            event = m.flows[listing.state].hearing[0]  # type: ignore[index]
            if event is not None:
                self.happen(case, event)
            self.flow_ends(listing)
        self._sitting_now = None

    def covered(self, number: int, practitioners: Practitioners) -> None:
        at, kind, _ = self.cover[number]
        self.cover[number] = (at, kind, self.env.now)
        self.env.call(self.m.court.session_hours, self.court_over, practitioners)  # type: ignore[union-attr]

    def court_over(self, practitioners: Practitioners) -> None:
        practitioners.release(self.env.now)

    # --- duties and tasks -----------------------------------------------------------------------

    def raise_duty(self, plan: int, case: Case, cause: str) -> None:
        """The duty arises for the case, if its `when` holds now: a task, one part per worker."""
        m = self.m
        when, deadline, parts, effort = m.specs[plan]
        if when is not None and not self.when_holds(plan, case.situation, case.values):
            return
        now = self.env.now
        task = Task(plan, case, now)
        self.tasks.append(task)
        at_sitting = False
        if deadline is not None:
            kind = deadline.kind
            if kind == "within":
                task.due = m.clock.due_after(now, deadline.amount, deadline.unit)  # type: ignore[arg-type]
            elif kind == "at":
                at_sitting = self._sitting_now is not None and deadline.event == cause
        for kind, worker in parts:
            if kind == "staff":
                if at_sitting and worker == self._sitting_pool:
                    task.sitting = self._sitting_now
                    continue
                task.waiting += 1
                task.unbegun += 1  # (taking it up, just below, can begin it at once)
                part = Part(task, now, effort.draw(self.effort_draws))  # type: ignore[union-attr]
                self.parts[worker].append(part)
                self.staff[worker].request(now, part)
            elif kind == "external":
                task.waiting += 1
                task.unbegun += 1
                self.env.call(worker.draw(self.external_draws), self.external_done, task)
            else:
                task.no_owner = True
        if task.waiting == 0 and not task.no_owner:  # done by the sitting's practitioner alone
            task.done = now

    def take_up(self, pool: int, part: Part) -> None:
        """A practitioner of the pool takes up the part now, and works it in the pool's working hours."""
        env = self.env
        now = env.now
        part.taken = now
        work = self.works[pool]
        task = part.task
        task.unbegun -= 1
        if work.always:  # at work around the clock: worked time is clock time
            begun, finish = now, now + part.effort
        else:
            begun, finish = work.resume(now), work.finish(now, part.effort)
        if begun > task.begun:
            task.begun = begun
        if finish < INFINITY:
            env.call(finish - now, self.finishers[pool], part)

    def finish(self, pool: int, part: Part) -> None:
        self.staff[pool].release(self.env.now)
        self.part_done(part.task)

    def begin(self, task: Task, at: float) -> None:
        task.unbegun -= 1
        if at > task.begun:
            task.begun = at

    def external_done(self, task: Task) -> None:
        self.begin(task, self.env.now)
        self.part_done(task)

    def part_done(self, task: Task) -> None:
        task.waiting -= 1
        if task.waiting == 0 and not task.no_owner:
            task.done = self.env.now
            self.duty_done(task)

    def duty_done(self, task: Task) -> None:
        m = self.m
        if m.by_duty:
            plan = m.plans[task.plan]
            for dependent in m.by_duty.get(plan.duty, ()):
                self.raise_duty(dependent, task.case, plan.duty)
        if m.rilaa is not None and m.rilaa[2] == task.plan:
            case = task.case
            if case.rilaa is not None and not case.rilaa[2]:
                case.rilaa[2] = True
                self.placement_check(case, case.rilaa)

    # --- staff days away ------------------------------------------------------------------------

    def next_day(self, pool: int, day: int) -> None:
        """On each working day, staff on leave or sick, and the share of the rest on other work, are
        off the pool for the day: it has that many fewer practitioners (those busy finish first)."""
        work = self.m.pools[pool].work
        while day < len(work.opens) and work.lengths[day] == 0:
            day += 1
        if day >= len(work.opens):
            return
        self.env.call(work.opens[day] - self.env.now, self.days_away, (pool, day))

    def days_away(self, when: tuple[int, int]) -> None:
        pool, day = when
        p = self.m.pools[pool]
        draws = self.staff_draws
        present = p.count - draws.binomial(p.count, p.absence)
        other = present * p.other_work
        present -= int(other) + (draws.uniform() < other - int(other))
        self.staff[pool].staff(self.env.now, present)
        self.next_day(pool, day + 1)


def _flow_in(case: Case, state: str) -> Flow | None:
    """The case's flow running in `state`, if any."""
    flow = case.flows
    while flow is not None:
        if flow.state == state:
            return flow
        flow = flow.next
    return None


class Practitioners:
    """The practitioners of a staff pool (or its on-call rota): a request takes a free one at once, or
    waits its turn: court cover first, then tasks' parts first come first served. How many are at
    work on the protocol's duties can change from day to day; those busy beyond the new number finish
    first.

    For a staff pool it also adds up, in working hours inside the measured window, the hours its
    practitioners were busy and the hours they were at work but free: utilisation is the first over
    the two together."""

    __slots__ = (
        "capacity",
        "busy",
        "urgent",
        "waiting",
        "take_up",
        "work",
        "window",
        "since",
        "busy_hours",
        "free_hours",
    )

    def __init__(
        self,
        capacity: int,
        take_up: Callable[[Part], None] | None = None,
        work: WorkTime | None = None,
        window: tuple[float, float] = (0.0, 0.0),
    ):
        self.capacity = capacity
        self.busy = 0
        self.urgent: deque = deque()  # callables: court cover
        self.waiting: deque = deque()  # parts of tasks
        self.take_up = take_up  # take_up(part) when a practitioner is free for it
        self.work = work
        self.window = window
        self.since = 0.0
        self.busy_hours = 0.0
        self.free_hours = 0.0

    def request(self, now: float, part: Part) -> None:
        """`take_up(part)` when a practitioner is free (now, if one is)."""
        if self.busy < self.capacity and not self.urgent and not self.waiting:
            self.account(now)
            self.busy += 1
            self.take_up(part)  # type: ignore[misc]
        else:
            self.waiting.append(part)

    def request_urgent(self, now: float, start: Callable[[], None]) -> None:
        """`start()` when a practitioner is free (now, if one is), before any part waiting."""
        if self.busy < self.capacity and not self.urgent and not self.waiting:
            self.account(now)
            self.busy += 1
            start()
        else:
            self.urgent.append(start)

    def release(self, now: float) -> None:
        """A practitioner is free again."""
        self.account(now)
        self.busy -= 1
        if self.urgent or self.waiting:
            self._start_waiting()

    def staff(self, now: float, count: int) -> None:
        """From now, `count` practitioners."""
        self.account(now)
        self.capacity = count
        self._start_waiting()

    def account(self, now: float) -> None:
        """Add the busy and free working hours since the last change (for a staff pool)."""
        work = self.work
        if work is None:
            return
        low, high = self.window
        since = self.since
        begin = since if since > low else low
        end = now if now < high else high
        self.since = now
        if end <= begin:
            return
        hours = end - begin if work.always else work.worked(end) - work.worked(begin)
        if hours > 0:
            busy = self.busy
            self.busy_hours += busy * hours
            if self.capacity > busy:
                self.free_hours += (self.capacity - busy) * hours

    def _start_waiting(self) -> None:
        while self.busy < self.capacity and (self.urgent or self.waiting):
            self.busy += 1
            if self.urgent:
                self.urgent.popleft()()
            else:
                self.take_up(self.waiting.popleft())  # type: ignore[misc]


def _probabilities(choice: Choice) -> list[float]:
    """The probability of each item of a choice."""
    previous, found = 0.0, []
    for edge in choice.cumulative:
        found.append(edge - previous)
        previous = edge
    return found
