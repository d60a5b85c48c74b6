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
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import Any

import simpy
from simpy.core import StopSimulation
from numpy.random import SeedSequence

from ..model.calendar import Unit
from ..model.conditions import Comparison, Condition, comparisons, holds
from ..model.schema import Protocol
from . import duties as duty_plans
from . import outcomes
from .clock import INFINITY, Clock, Sittings, WorkTime
from .draws import Choice, Purpose, Sampler, Stream, sampler, streams
from .duties import DutyPlan
from .lifecycles import CompiledLifecycle, Configuration, compile_lifecycles
from .scenario import LEAVE, Dist, Scenario

MARGIN_DAYS = 2 * 366  # the working-time and sitting tables run this far past the end, for tasks begun near it

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
    on_event: dict[str, tuple[int, ...]]  # the plans an event raises (by trigger, or as the event a duty is due before being scheduled)
    on_enter: dict[str, tuple[int, ...]]  # ... entering a state raises (by trigger, or as making an event possible)
    on_exit: dict[str, tuple[int, ...]]
    by_duty: dict[str, tuple[int, ...]]  # ... a duty's completion raises
    situational: tuple[tuple[int, frozenset[str]], ...]  # plans raised on coming into a situation, with the lifecycles it reads
    initial: dict[str, Configuration]  # each lifecycle's initial configuration
    scheduled: dict[str, tuple[tuple[str, int, Unit], ...]]  # event -> events the protocol schedules after it
    logged: frozenset[str]  # events whose times deadlines count from
    takers: dict[str, tuple[CompiledLifecycle, ...]]  # an event on some transition -> the lifecycles with a transition on it
    tracked: frozenset[str]  # states whose entry or exit the engine acts on: with a flow, YDA, RiLAA
    flows: dict[str, FlowPlan]
    pools: tuple[PoolPlan, ...]
    arrivals_per_hour: float  # the highest hourly rate (thinned by day_factor)
    day_factor: tuple[float, ...]  # relative arrival rate of each day, at most 1
    flat: bool  # the same rate every day: no thinning
    entry: tuple[str, ...]
    looked_after_share: float
    looked_after: Choice | None
    attribute_index: dict[str, int]  # attribute -> where a case keeps its value
    attribute_values: tuple[Any, ...]  # in that order: a Choice to draw from, or the value every case has
    cohorts: tuple[tuple[int, tuple[str, ...]], ...]
    court: CourtPlan | None
    at_event_hours: float
    rilaa: tuple[str, Sampler, int | None, str | None] | None  # state, availability, search plan, found event
    yda: tuple[str, Choice, dict[str, float]] | None  # state, establishment mix, nightly charges
    budget: float | None  # for the measured window (£)

    def holds(self, condition: Condition, configs: dict[str, Configuration], values: list) -> bool:
        """Whether a condition holds for a case with these configurations and attribute values."""
        index = self.attribute_index

        def value_of(test: Comparison):
            config = configs.get(test.key)
            return tuple(config) if config is not None else values[index[test.key]]

        return holds(condition, value_of)


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
        PoolPlan(name, p.count, WorkTime.build(clock, table_days, p.hours, p.days == "every_day"), p.absence, p.other_work, p.on_call)
        for name, p in scenario.staff.items()
    )
    pool_index = {p.name: i for i, p in enumerate(pools)}
    plans = duty_plans.plan(protocol, scenario)
    external = {actor: _sampler(dist) for actor, dist in scenario.external.items()}
    parts = tuple(
        tuple(("staff", pool_index[name]) if kind == "staff" else ("external", external[name]) if kind == "external" else ("nobody", None)
              for kind, name in plan.workers)
        for plan in plans
    )
    index = _indexes(protocol, plans)
    attribute_index, attribute_values = _attributes(scenario)
    lifecycles = compile_lifecycles(protocol)
    demand = scenario.demand
    court = None
    if scenario.court is not None:
        c = scenario.court
        court = CourtPlan(
            pool_index[c.pool], pool_index[c.on_call_pool or c.pool],
            Sittings.build(clock, table_days, c.weekdays, c.saturday, c.bank_holidays, c.start_hour),
            c.session_hours, frozenset(c.hearings), c.day_attribute, tuple(sorted(c.day_values.items())),
        )
    rilaa = None
    if scenario.rilaa is not None:
        r = scenario.rilaa
        search = next((i for i, p in enumerate(plans) if p.duty == r.search_duty), None) if r.search_duty else None
        rilaa = (r.state, _sampler(r.availability), search, r.found_event)
    yda = None
    if scenario.yda is not None:
        y = scenario.yda
        yda = (y.state, Choice.of({k: e.share for k, e in y.establishments.items()}), {k: e.nightly for k, e in y.establishments.items()})
    budget = None if scenario.budget is None else scenario.budget.yda_per_year * scenario.horizon_days / 365.0
    factors = _day_factors(scenario, days)
    peak = max(factors) if factors else 1.0
    logged = {p.deadline.event for p in plans if p.simulated and p.deadline is not None and p.deadline.event is not None}
    return Model(
        scenario=scenario.id,
        protocol=protocol.metadata.id,
        clock=clock,
        window=window,
        lifecycles=lifecycles,
        initial={lc.id: lc.initial for lc in lifecycles},
        plans=plans,
        specs=tuple(
            (p.when, p.deadline, parts[i], _sampler(p.effort) if p.effort is not None else None) for i, p in enumerate(plans)
        ),
        takers={e: tuple(lc for lc in lifecycles if lc.takes(e)) for lc0 in lifecycles for e in lc0.transitions},
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
        attribute_values=tuple(attribute_values),
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
        None if flow.stay is None else _sampler(flow.stay), hearing, Choice.of(dict(flow.next)),
        tuple((r.event, _sampler(r.every)) for r in flow.repeat),
    )


def _attributes(scenario: Scenario) -> tuple[dict[str, int], list[Any]]:
    """Where a case keeps each attribute's value, and what it is drawn from (a Choice) or fixed at.
    The court's day attribute, set at each hearing, starts unset (None)."""
    found: dict[str, Any] = {}
    if scenario.demand.ages:
        found["age"] = Choice.of({age: w for age, w in scenario.demand.ages.items() if w > 0})
    for name, values in scenario.demand.attributes.items():
        found[name] = Choice.of(values) if isinstance(values, dict) else values
    if scenario.court is not None and scenario.court.day_attribute is not None:
        found.setdefault(scenario.court.day_attribute, None)
    return {name: i for i, name in enumerate(found)}, list(found.values())


def _day_factors(scenario: Scenario, days: int) -> tuple[float, ...]:
    """The relative arrival rate of each day: month factor times weekday factor, each scaled to average 1."""
    demand = scenario.demand
    months = [1.0] * 12 if demand.seasonality is None else [m / (sum(demand.seasonality) / 12) for m in demand.seasonality]
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
            found.setdefault(event.scheduled.after, []).append((event.id, event.scheduled.delay.amount, event.scheduled.delay.unit))
    return {k: tuple(v) for k, v in found.items()}


def _indexes(protocol: Protocol, plans: tuple[DutyPlan, ...]) -> dict[str, Any]:
    """Which plans each event, state entry and exit, and duty completion raises."""
    by: dict[str, dict[str, list[int]]] = {"event": {}, "enter": {}, "exit": {}, "duty": {}}
    situational: list[tuple[int, frozenset[str]]] = []
    on_enter: dict[str, list[int]] = {}
    on_event: dict[str, list[int]] = {}
    lifecycles = {lc.id for lc in protocol.lifecycles}
    scheduled_after = {e.id: e.scheduled.after for e in protocol.events if e.scheduled is not None}
    for i, plan in enumerate(plans):
        if not plan.simulated or plan.start is None:
            continue
        kind, name = plan.start.kind, plan.start.name
        if kind in by:
            by[kind].setdefault(name, []).append(i)  # type: ignore[arg-type]
        elif kind == "situation":
            reads = frozenset(t.key for t in comparisons(plan.when) if t.key in lifecycles)  # type: ignore[arg-type]
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
        "on_event": joined(by["event"], on_event), "on_enter": joined(by["enter"], on_enter), "on_exit": joined(by["exit"]),
        "by_duty": joined(by["duty"]), "situational": tuple(situational),
    }


# --- a replication ----------------------------------------------------------------------------------


class Case:
    """One simulated child: attribute values, the active states of each lifecycle, the flow timers
    running (a token per state: leaving the state invalidates it) and the times of logged events."""

    __slots__ = ("id", "values", "configs", "tokens", "log", "left", "yda", "rilaa")

    def __init__(self, number: int, values: list, configs: dict[str, Configuration]):
        self.id = number
        self.values = values  # attribute values, in the order of Model.attribute_index
        self.configs = configs
        self.tokens: dict[str, int] = {}
        self.log: dict[str, list[float]] | None = None
        self.left = False
        self.yda: list | None = None  # [entered, establishment]
        self.rilaa: list | None = None  # [entered, available, searched, placed]


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
    """One practitioner's share of a task: requested, taken up (a practitioner free) and finished."""

    __slots__ = ("task", "requested", "taken", "finished", "effort")

    def __init__(self, task: Task, requested: float, effort: float):
        self.task = task
        self.requested = requested
        self.taken: float | None = None
        self.finished: float | None = None
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
        self.env = simpy.Environment()
        draws = streams(seed)
        self.arrival_draws: Stream = draws[Purpose.ARRIVALS]
        self.flow_draws: Stream = draws[Purpose.FLOWS]
        self.effort_draws: Stream = draws[Purpose.EFFORT]
        self.attribute_draws: Stream = draws[Purpose.ATTRIBUTES]
        self.staff_draws: Stream = draws[Purpose.STAFFING]
        self.placement_draws: Stream = draws[Purpose.PLACEMENTS]
        self.external_draws: Stream = draws[Purpose.EXTERNAL]
        self.staff = [Practitioners(pool.count, pool.work, model.window) for pool in model.pools]
        self.works = [pool.work for pool in model.pools]
        self.on_call = [Practitioners(pool.on_call) if pool.on_call else None for pool in model.pools]
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
        self._token = 0
        self._sitting_now: int | None = None  # the sitting whose hearings are happening now
        self._sitting_pool: int | None = None  # the pool covering it
        self._settling = False  # events are placing a case at one instant: its flows start after (`settle`)

    # --- running ------------------------------------------------------------------------------

    def run(self) -> None:
        m, env = self.m, self.env
        end = m.window[1]
        env.timeout(end).callbacks.append(StopSimulation.callback)  # first of the events at `end`: none of them runs
        for count, events in m.cohorts:
            for _ in range(count):
                case = self.new_case()
                self._settling = True
                for event in events:
                    self.happen(case, event, duties=False)
                self.settle(case)
        if m.arrivals_per_hour > 0:
            self.next_arrival(None)
        for i, pool in enumerate(m.pools):
            if pool.absence > 0 or pool.other_work > 0:
                self.next_day(i, 0)
        step = env.step
        n = 0
        try:
            while True:
                step()
                n += 1
        except StopSimulation:
            pass
        self.events_processed = n
        for practitioners in self.staff:
            practitioners.account(end)
        for case in self.cases:
            if case.yda is not None:
                self.yda_stays.append((case.yda[0], end, case.yda[1]))
                case.yda = None

    def at(self, delay: float, callback) -> None:
        """Call `callback(event)` after `delay` hours."""
        self.env.timeout(delay).callbacks.append(callback)

    # --- arrivals -----------------------------------------------------------------------------

    def next_arrival(self, _event) -> None:
        """Arrivals by thinning: candidates at the peak rate, each kept with its day's relative rate
        (all kept when the rate is the same every day)."""
        env, m, draws = self.env, self.m, self.arrival_draws
        if _event is not None:
            if m.flat:
                self.arrive()
            else:
                day = int(env.now // 24)
                if day < len(m.day_factor) and draws.uniform() < m.day_factor[day]:
                    self.arrive()
        env.timeout(draws.exponential() / m.arrivals_per_hour).callbacks.append(self.next_arrival)

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
        draws = self.attribute_draws
        values = [v.draw(draws) if isinstance(v, Choice) else v for v in self.m.attribute_values]
        case = Case(len(self.cases), values, dict(self.m.initial))
        self.cases.append(case)
        return case

    def settle(self, case: Case) -> None:
        """After events that happen to a case at one instant (placing it, its arrival), start the flows
        of the states it is left in; a state entered and left at that instant has no flow to run."""
        self._settling = False
        flows = self.m.flows
        if not flows:
            return
        for lifecycle in self.m.lifecycles:
            for state in sorted(case.configs[lifecycle.id], key=lifecycle.order.__getitem__):
                if state in flows and state not in case.tokens:
                    self.start_flow(case, state)

    # --- events -------------------------------------------------------------------------------

    def happen(self, case: Case, event: str, duties: bool = True) -> bool:
        """The event happens to the case: its lifecycles move, duties are raised, flows start. False
        if the protocol's lifecycles take the event but none can from where the case is."""
        if case.left:
            return False
        m = self.m
        configs = case.configs
        exited: list[str] = []
        entered: list[str] = []
        before = None
        takers = m.takers.get(event)
        if takers is not None:
            steps = self.steps(case, event, takers)
            if steps is None:
                self.not_taken += 1
                return False
            if m.situational and duties:
                before = dict(configs)
            for lifecycle, step in steps:
                configs[lifecycle.id] = step.after
                exited += step.exited
                entered += step.entered
            tracked = m.tracked
            for state in exited:
                if state in tracked:
                    self.leave_state(case, state)
        if duties and event in m.logged:  # (events placing a case come before any duty it could be due by)
            if case.log is None:
                case.log = {}
            case.log.setdefault(event, []).append(self.env.now)
        if duties:
            raise_duty = self.raise_duty
            for state in exited:
                for plan in m.on_exit.get(state, ()):
                    raise_duty(plan, case, event)
            for plan in m.on_event.get(event, ()):
                raise_duty(plan, case, event)
            for state in entered:
                for plan in m.on_enter.get(state, ()):
                    raise_duty(plan, case, event)
            if before is not None:
                self.situations(case, event, before, {lc.id for lc, _ in steps})
        for state in entered:
            if state in m.tracked:
                self.enter_state(case, state)
        for scheduled, amount, unit in m.scheduled.get(event, ()):
            self.schedule(case, scheduled, amount, unit)
        return True

    def situations(self, case: Case, event: str, before: dict[str, Configuration], moved: set[str]) -> None:
        """Raise the duties whose situation (`when`) the case has just come into."""
        m, configs, values = self.m, case.configs, case.values
        for plan, reads in m.situational:
            if reads & moved:
                when = m.plans[plan].when
                if m.holds(when, configs, values) and not m.holds(when, before, values):  # type: ignore[arg-type]
                    self.raise_duty(plan, case, event)

    def steps(self, case: Case, event: str, takers: tuple[CompiledLifecycle, ...] | None = None) -> list[tuple[CompiledLifecycle, Any]] | None:
        """What the event would do to each lifecycle of the case (nothing applied yet); None if the
        protocol's lifecycles take the event but none can from where the case is."""
        m = self.m
        if takers is None:
            takers = m.takers.get(event)
            if takers is None:
                return []
        configs, values, holds = case.configs, case.values, m.holds

        def enabled(guard: Condition) -> bool:  # (called only where a guard must be tried)
            return holds(guard, configs, values)

        found = []
        for lifecycle in takers:
            step = lifecycle.step(configs[lifecycle.id], event, enabled)
            if step is not None:
                found.append((lifecycle, step))
        return found or None

    def schedule(self, case: Case, event: str, amount: int, unit: Unit) -> None:
        """An event the protocol schedules: at the same time of day, `amount` `unit` later (a court
        hearing at the next weekday sitting from then)."""
        now, clock = self.env.now, self.m.clock
        if unit is Unit.HOURS:
            at = now + amount
        elif unit is Unit.WORKING_DAYS:
            day = clock.calendar.add_working_days(clock.day(now), amount)
            at = (day - clock.start).days * 24 + now % 24
        else:
            at = now + amount * 24 * (7 if unit is Unit.WEEKS else 1)
        court = self.m.court
        if court is not None and event in court.hearings:
            self.list_for_sitting(court.sittings.next(at, True), (case, None, 0, event))
        else:
            self.at(at - now, lambda _e: self.happen(case, event))

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
            record = case.rilaa
            self.at(available - now, partial(self.placement_check, case, record))

    def leave_state(self, case: Case, state: str) -> None:
        case.tokens.pop(state, None)
        m = self.m
        if m.yda is not None and state == m.yda[0] and case.yda is not None:
            self.yda_stays.append((case.yda[0], self.env.now, case.yda[1]))
            case.yda = None
        if m.rilaa is not None and state == m.rilaa[0]:
            case.rilaa = None

    def leave_simulation(self, case: Case) -> None:
        """The case leaves (an outcome the protocol has no event for): flows stop, stays end."""
        for lifecycle in self.m.lifecycles:
            for state in sorted(case.configs[lifecycle.id], key=lifecycle.order.__getitem__):
                self.leave_state(case, state)
        case.left = True

    def placement_check(self, case: Case, record: list, _event: object = None) -> None:
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
        flow = self.m.flows[state]
        now, draws = self.env.now, self.flow_draws
        self._token += 1
        token = case.tokens[state] = self._token
        at = now if flow.stay is None else now + flow.stay.draw(draws)
        outcome = flow.outcomes.draw(draws)
        if flow.hearing is not None:
            event, weekday_only = flow.hearing
            sitting = self.m.court.sittings.next(at, weekday_only)  # type: ignore[union-attr]
            if sitting < INFINITY:
                self.list_for_sitting(sitting, (case, state, token, event, outcome))
        else:
            self.at(at - now, partial(self.flow_ends, case, state, token, outcome))
        for event, every in flow.repeat:
            self.at(every.draw(draws), partial(self.repeat, case, state, token, event, every))

    def flow_ends(self, case: Case, state: str, token: int, outcome: str, _event: object = None) -> None:
        """The flow's outcome happens, if the case is still in the state. If the outcome's transition
        is not enabled for this case (a guard on its attributes), another is drawn from those that
        are, in proportion to their probabilities."""
        if case.tokens.get(state) != token:
            return
        if outcome == LEAVE:
            self.leave_simulation(case)
            return
        if self.happen(case, outcome):
            return
        flow = self.m.flows[state]
        options = [
            (event, p) for event, p in zip(flow.outcomes.items, _probabilities(flow.outcomes))
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

    def repeat(self, case: Case, state: str, token: int, event: str, every: Sampler, _event: object = None) -> None:
        if case.tokens.get(state) != token:
            return
        self.happen(case, event)
        self.at(every.draw(self.flow_draws), partial(self.repeat, case, state, token, event, every))

    # --- court ----------------------------------------------------------------------------------

    def list_for_sitting(self, at: float, listing: tuple) -> None:
        listed = self.sittings.get(at)
        if listed is None:
            listed = self.sittings[at] = []
            self.at(at - self.env.now, lambda _e: self.sit(at))
        listed.append(listing)

    def sit(self, at: float) -> None:
        """A sitting: if a child of the area is still listed, a practitioner is called to court, then
        each child's hearing event and outcome happen."""
        listings = [x for x in self.sittings.pop(at) if not x[0].left and (x[1] is None or x[0].tokens.get(x[1]) == x[2])]
        if not listings:
            return
        court = self.m.court
        kind = court.sittings.kind(at)  # type: ignore[union-attr]
        number = len(self.cover)
        self.cover.append((at, kind, INFINITY))
        practitioners = self.staff[court.pool] if kind == "weekday" else self.on_call[court.on_call_pool]  # type: ignore[union-attr]
        if practitioners is not None:
            practitioners.request(self.env.now, lambda: self.covered(number, practitioners), urgent=True)
        values = dict(court.day_values)  # type: ignore[union-attr]
        self._sitting_now = number
        self._sitting_pool = court.pool if kind == "weekday" else court.on_call_pool  # type: ignore[union-attr]
        for listing in listings:
            case = listing[0]
            if court.day_attribute is not None:  # type: ignore[union-attr]
                case.values[self.m.attribute_index[court.day_attribute]] = values[kind]  # type: ignore[union-attr]
            if listing[1] is None:  # an event the protocol scheduled
                self.happen(case, listing[3])
                continue
            _, state, token, event, outcome = listing
            if event is not None:
                self.happen(case, event)
            self.flow_ends(case, state, token, outcome)
        self._sitting_now = None

    def covered(self, number: int, practitioners: Practitioners) -> None:
        at, kind, _ = self.cover[number]
        self.cover[number] = (at, kind, self.env.now)
        self.at(self.m.court.session_hours, lambda _e: practitioners.release(self.env.now))  # type: ignore[union-attr]

    # --- duties and tasks -----------------------------------------------------------------------

    def raise_duty(self, plan: int, case: Case, cause: str) -> None:
        """The duty arises for the case, if its `when` holds now: a task, one part per worker."""
        when, deadline, parts, effort = self.m.specs[plan]
        if when is not None and not self.m.holds(when, case.configs, case.values):
            return
        now = self.env.now
        task = Task(plan, case, now)
        self.tasks.append(task)
        at_sitting = False
        if deadline is not None:
            if deadline.kind == "within":
                task.due = self.m.clock.due_after(now, deadline.amount, deadline.unit)  # type: ignore[arg-type]
            elif deadline.kind == "at":
                at_sitting = self._sitting_now is not None and deadline.event == cause
        for kind, worker in parts:
            if kind == "staff":
                if at_sitting and worker == self._sitting_pool:
                    task.sitting = self._sitting_now
                    continue
                task.waiting += 1
                task.unbegun += 1
                self.request(worker, Part(task, now, effort.draw(self.effort_draws)))
            elif kind == "external":
                task.waiting += 1
                task.unbegun += 1
                self.at(worker.draw(self.external_draws), lambda _e: self.external_done(task))
            else:
                task.no_owner = True
        if task.waiting == 0 and not task.no_owner:  # done by the sitting's practitioner alone
            task.done = now

    def request(self, pool: int, part: Part) -> None:
        self.parts[pool].append(part)
        self.staff[pool].request(self.env.now, partial(self.take_up, pool, part))

    def take_up(self, pool: int, part: Part) -> None:
        now = self.env.now
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
            self.env.timeout(finish - now).callbacks.append(partial(self.finish, pool, part))

    def finish(self, pool: int, part: Part, _event: object = None) -> None:
        self.staff[pool].release(self.env.now)
        part.finished = self.env.now
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
        m, case = self.m, task.case
        plan = m.plans[task.plan]
        for dependent in m.by_duty.get(plan.duty, ()):
            self.raise_duty(dependent, case, plan.duty)
        if m.rilaa is not None and m.rilaa[2] == task.plan and case.rilaa is not None and not case.rilaa[2]:
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
        self.at(work.opens[day] - self.env.now, lambda _e: self.days_away(pool, day))

    def days_away(self, pool: int, day: int) -> None:
        p = self.m.pools[pool]
        draws = self.staff_draws
        present = p.count - draws.binomial(p.count, p.absence)
        other = present * p.other_work
        present -= int(other) + (draws.uniform() < other - int(other))
        self.staff[pool].staff(self.env.now, present)
        self.next_day(pool, day + 1)


class Practitioners:
    """The practitioners of a staff pool (or its on-call rota): a request takes a free one at once, or
    waits its turn: court cover first, then tasks first come first served. How many are at work on
    the protocol's duties can change from day to day; those busy beyond the new number finish first.

    For a staff pool it also adds up, in working hours inside the measured window, the hours its
    practitioners were busy and the hours they were at work but free: utilisation is the first over
    the two together."""

    __slots__ = ("capacity", "busy", "urgent", "waiting", "work", "window", "since", "busy_hours", "free_hours")

    def __init__(self, capacity: int, work: WorkTime | None = None, window: tuple[float, float] = (0.0, 0.0)):
        self.capacity = capacity
        self.busy = 0
        self.urgent: deque = deque()
        self.waiting: deque = deque()
        self.work = work
        self.window = window
        self.since = 0.0
        self.busy_hours = 0.0
        self.free_hours = 0.0

    def request(self, now: float, start, urgent: bool = False) -> None:
        """`start()` when a practitioner is free (now, if one is)."""
        if self.busy < self.capacity and not self.urgent and not self.waiting:
            self.account(now)
            self.busy += 1
            start()
        else:
            (self.urgent if urgent else self.waiting).append(start)

    def release(self, now: float) -> None:
        """A practitioner is free again."""
        self.account(now)
        self.busy -= 1
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
        begin, end = max(self.since, low), min(now, high)
        self.since = now
        if end <= begin:
            return
        hours = end - begin if work.always else work.worked(end) - work.worked(begin)
        if hours > 0:
            self.busy_hours += self.busy * hours
            self.free_hours += max(self.capacity - self.busy, 0) * hours

    def _start_waiting(self) -> None:
        while self.busy < self.capacity and (self.urgent or self.waiting):
            self.busy += 1
            (self.urgent or self.waiting).popleft()()


def _probabilities(choice: Choice) -> list[float]:
    """The probability of each item of a choice."""
    previous, found = 0.0, []
    for edge in choice.cumulative:
        found.append(edge - previous)
        previous = edge
    return found
