"""The prepared model: everything a replication needs, built once from a scenario and its protocol.

`prepare(scenario, protocol)` reads the scenario against the protocol (`references`), plans each duty
(`duties.plan`), compiles the lifecycles, builds the working-time and court-sitting tables on the
calendar, and indexes which duties each event, state entry and exit, and duty completion raises. The
`Model` is frozen and picklable: it is sent to worker processes and Dask workers once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..model.calendar import Unit
from ..model.conditions import Comparison, Condition, comparisons, decide, holds
from ..model.schema import Protocol
from ..model.source import LoadError
from . import duties as duty_plans
from .clock import Clock, Sittings, WorkTime
from .draws import Choice, Sampler, sampler
from .duties import DutyPlan
from .lifecycles import CompiledLifecycle, Configuration, compile_lifecycles
from .loader import unlocated
from .references import check
from .scenario import Dist, Scenario

MARGIN_DAYS = 2 * 366  # the working-time and sitting tables run this far past the end, for tasks begun near it


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
class YdaPlan:
    """Remands to youth detention, ready to run: the state, the establishments (in order) and the
    mix a placement is drawn from, each one's charges summed night by night (`charged[e][k]` is the
    charge of the nights of days 0 to k - 1, the night of a day being the one that begins on it),
    beds and where a child goes when they are taken (an establishment's index, or None), funding,
    the budget's measure, and direct remands (an hourly rate and the events that place the child)."""

    state: str
    names: tuple[str, ...]
    mix: Choice
    charged: tuple[tuple[float, ...], ...]
    capacity: tuple[int | None, ...]
    when_full: tuple[int | None, ...]
    per_bed_night: float
    per_year: float
    against_net_cost: bool
    direct_per_hour: float
    direct_entry: tuple[str, ...]
    direct_outcomes: frozenset[str]  # flow outcomes left out because remands are stated directly


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
    cohorts: tuple[tuple[int | None, float | None, tuple[str, ...]], ...]  # count, or Poisson mean; events
    court: CourtPlan | None
    at_event_hours: float
    rilaa: tuple[str, Sampler, int | None, str | None] | None  # state, availability, search plan, found event
    yda: YdaPlan | None
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
    problems = check(scenario, protocol)
    if problems:
        raise LoadError(unlocated(scenario.id, problems))
    clock = Clock(scenario.start, protocol.calendar.to_calendar())
    days = scenario.warm_up_days + scenario.horizon_days
    table_days = days + MARGIN_DAYS
    pools = _pools(scenario, clock, table_days)
    pool_index = {p.name: i for i, p in enumerate(pools)}
    plans = duty_plans.plan(protocol, scenario)
    attribute_index, attribute_items, attribute_draws, court_day = _attributes(scenario)
    lifecycles = compile_lifecycles(protocol)
    demand = scenario.demand
    yda = _yda(scenario, protocol, clock, table_days)
    factors = _day_factors(scenario, days)
    peak = max(factors) if factors else 1.0
    return Model(
        scenario=scenario.id,
        protocol=protocol.metadata.id,
        clock=clock,
        window=(scenario.warm_up_days * 24.0, days * 24.0),
        lifecycles=lifecycles,
        initial=tuple(lc.initial for lc in lifecycles),
        lifecycle_index={lc.id: i for i, lc in enumerate(lifecycles)},
        plans=plans,
        specs=_specs(scenario, plans, pool_index),
        takers=_takers(lifecycles),
        tracked=frozenset(demand.flows) | {x.state for x in (scenario.yda, scenario.rilaa) if x is not None},
        flows={
            state: _flow(flow, yda.direct_outcomes if yda is not None else frozenset())
            for state, flow in demand.flows.items()
        },
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
        cohorts=tuple((c.count, c.mean_count, c.events) for c in scenario.initial_caseload),
        court=_court(scenario, clock, table_days, pool_index),
        at_event_hours=scenario.interpretations.at_event_hours,
        rilaa=_rilaa(scenario, plans),
        yda=yda,
        budget=None if scenario.budget is None else scenario.budget.yda_per_year * scenario.horizon_days / 365.0,
        scheduled=_schedules(protocol),
        logged=frozenset(
            p.deadline.event for p in plans if p.simulated and p.deadline is not None and p.deadline.event is not None
        ),
        **_indexes(protocol, plans),
    )


def _pools(scenario: Scenario, clock: Clock, table_days: int) -> tuple[PoolPlan, ...]:
    return tuple(
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


def _specs(scenario: Scenario, plans: tuple[DutyPlan, ...], pool_index: dict[str, int]) -> tuple:
    """Per plan: its `when`, its deadline, its parts (who works it) and its effort (`Model.specs`)."""
    external = {actor: _sampler(dist) for actor, dist in scenario.external.items()}

    def part(kind: str, name: str) -> tuple[str, Any]:
        if kind == "staff":
            return ("staff", pool_index[name])
        if kind == "external":
            return ("external", external[name])
        return ("nobody", None)

    return tuple(
        (
            p.when,
            p.deadline,
            tuple(part(kind, name) for kind, name in p.workers),
            _sampler(p.effort) if p.effort is not None else None,
        )
        for p in plans
    )


def _takers(lifecycles: tuple[CompiledLifecycle, ...]) -> dict[str, tuple[tuple[int, CompiledLifecycle], ...]]:
    """For each event on some transition, the lifecycles with a transition on it, with their indexes."""
    return {
        event: tuple((i, lc) for i, lc in enumerate(lifecycles) if lc.takes(event))
        for any_lifecycle in lifecycles
        for event in any_lifecycle.transitions
    }


def _court(scenario: Scenario, clock: Clock, table_days: int, pool_index: dict[str, int]) -> CourtPlan | None:
    c = scenario.court
    if c is None:
        return None
    return CourtPlan(
        pool_index[c.pool],
        pool_index[c.on_call_pool or c.pool],
        Sittings.build(clock, table_days, c.weekdays, c.saturday, c.bank_holidays, c.start_hour),
        c.session_hours,
        frozenset(c.hearings),
        c.day_attribute,
        tuple(sorted(c.day_values.items())),
    )


def _rilaa(scenario: Scenario, plans: tuple[DutyPlan, ...]) -> tuple[str, Sampler, int | None, str | None] | None:
    r = scenario.rilaa
    if r is None:
        return None
    search = next((i for i, p in enumerate(plans) if p.duty == r.search_duty), None) if r.search_duty else None
    return (r.state, _sampler(r.availability), search, r.found_event)


def _yda(scenario: Scenario, protocol: Protocol, clock: Clock, table_days: int) -> YdaPlan | None:
    y = scenario.yda
    if y is None:
        return None
    names = tuple(y.establishments)
    charged = []
    for establishment in y.establishments.values():
        rates = [(c.from_, c.nightly) for c in establishment.charges] or [(clock.start, establishment.nightly)]
        total, running, rate, following = 0.0, [0.0], rates[0][1], 1
        for d in range(table_days):
            day = clock.start + dt.timedelta(days=d)
            while following < len(rates) and rates[following][0] <= day:
                rate, following = rates[following][1], following + 1
            total += rate  # type: ignore[operator]
            running.append(total)
        charged.append(tuple(running))
    funding, direct = y.funding, y.direct
    return YdaPlan(
        state=y.state,
        names=names,
        mix=Choice.of({k: e.share for k, e in y.establishments.items()}),
        charged=tuple(charged),
        capacity=tuple(e.capacity for e in y.establishments.values()),
        when_full=tuple(None if e.when_full is None else names.index(e.when_full) for e in y.establishments.values()),
        per_bed_night=funding.per_bed_night if funding is not None else 0.0,
        per_year=funding.per_year if funding is not None else 0.0,
        against_net_cost=scenario.budget is not None and scenario.budget.against == "net_cost",
        direct_per_hour=direct.remands_per_year / (365.0 * 24.0) if direct is not None else 0.0,
        direct_entry=direct.entry if direct is not None else (),
        direct_outcomes=duty_plans.into_state(protocol, y.state) if direct is not None else frozenset(),
    )


def _sampler(dist: Dist) -> Sampler:
    return sampler(dist.dist, dist.hours_per_unit, dist.mean, dist.sd, dist.low, dist.high)


def _flow(flow, left_out: frozenset[str] = frozenset()) -> FlowPlan:
    """A flow ready to run; outcomes in `left_out` are dropped and the others scaled up."""
    hearing = None if flow.hearing is None else (flow.hearing.event, flow.hearing.sittings == "weekday")
    outcomes = {event: p for event, p in flow.next.items() if event not in left_out} or dict(flow.next)
    return FlowPlan(
        None if flow.stay is None else _sampler(flow.stay),
        hearing,
        Choice.of(outcomes),
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
    day_attribute = scenario.court.day_attribute if scenario.court is not None else None
    if day_attribute is not None:
        found.setdefault(day_attribute, None)
    items = {name: list(v.items) if isinstance(v, Choice) else [v] for name, v in found.items()}
    index = {name: i for i, name in enumerate(found)}
    court_day = None
    if day_attribute is not None:
        court_day = (index[day_attribute], _day_codes(scenario.court.day_values, items[day_attribute]))  # type: ignore[union-attr]
    draws = tuple(v if isinstance(v, Choice) else None for v in found.values())
    return index, tuple(tuple(v) for v in items.values()), draws, court_day


def _day_codes(day_values: dict[str, Any], values: list[Any]) -> dict[str, int]:
    """The code of each kind of sitting's value of the day attribute, among `values` (to which a
    value not there yet is added). A value is the same only if of the same type (1 is not True)."""
    codes = {}
    for kind, value in sorted(day_values.items()):
        if not any(type(v) is type(value) and v == value for v in values):
            values.append(value)
        codes[kind] = next(i for i, v in enumerate(values) if type(v) is type(value) and v == value)
    return codes


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
