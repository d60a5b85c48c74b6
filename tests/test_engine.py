"""The simulation engine: lifecycles stepped as the statechart steps them, every duty planned (none
dropped), working time and court sittings on the calendar, determinism, and what a replication records."""

from __future__ import annotations

import datetime as dt
import math
import pickle
import random
from pathlib import Path

import pytest
from conftest import ROOT
from numpy.random import SeedSequence
from statemachine.exceptions import TransitionNotAllowed

from protoverify.model import statechart
from protoverify.model.calendar import Calendar, Unit
from protoverify.model.loader import load_protocol
from protoverify.model.source import read
from protoverify.simulate import engine, outcomes
from protoverify.simulate.clock import Clock, Sittings, WorkTime
from protoverify.simulate.draws import Purpose, sampler, streams
from protoverify.simulate.duties import NOBODY, SIMULATED
from protoverify.simulate.lifecycles import compile_lifecycles, condition_holds
from protoverify.simulate.loader import load_protocol_of, load_scenario, scenario_from_mapping

PROTOCOLS = [
    ROOT / "protocols" / "stockport-2019.yaml",
    ROOT / "protocols" / "warwickshire.yaml",
    ROOT / "protocols" / "examples" / "example.yaml",
]
STOCKPORT = ROOT / "scenarios" / "stockport-baseline.yaml"
WARWICKSHIRE = ROOT / "scenarios" / "warwickshire-baseline.yaml"


def short(path: Path, **changes) -> engine.Model:
    """The model of a bundled scenario made shorter for a test (90 days' warm-up, 120 measured)."""
    data = read(path, "scenario").data
    data.update(warm_up_days=90, horizon_days=120, **changes)
    scenario = scenario_from_mapping(data, str(path))
    return engine.prepare(scenario, load_protocol_of(scenario))


@pytest.fixture(scope="module")
def stockport() -> engine.Model:
    return short(STOCKPORT)


@pytest.fixture(scope="module")
def stockport_run(stockport: engine.Model) -> engine.Replication:
    run = engine.Replication(stockport, SeedSequence(7))
    run.run()
    return run


# --- lifecycles against the statechart --------------------------------------------------------------


def attributes_for(protocol, rng: random.Random) -> dict:
    values = {}
    for a in protocol.attributes:
        if a.type == "bool":
            values[a.id] = rng.random() < 0.5
        elif a.type == "int":
            values[a.id] = rng.randint(*a.range)
        else:
            values[a.id] = rng.choice(a.values).id
    return values


@pytest.mark.slow
@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.stem)
def test_lifecycles_step_as_the_statechart_does(path: Path):
    """Random event sequences, mostly events some transition of the active states takes, move the fast
    lifecycles and the python-statemachine chart to the same states, and are refused by both alike."""
    protocol = load_protocol(path)
    chart = statechart.compile_protocol(protocol)
    lifecycles = compile_lifecycles(protocol)
    events = [e.id for e in protocol.events]
    rng = random.Random(2024)
    moves = refusals = 0
    for _ in range(60):
        attributes = attributes_for(protocol, rng)
        machine = statechart.start(chart, attributes)
        configs = {lc.id: lc.initial for lc in lifecycles}
        for _ in range(25):
            possible = [
                e
                for e in events
                if any(
                    t.event == e and any(lc.is_inside(s, src) for s in configs[lc.id] for src in t.sources)
                    for lc in lifecycles
                    for ts in lc.transitions.values()
                    for t in ts
                )
            ]
            event = rng.choice(possible if possible and rng.random() < 0.85 else events)
            steps = {
                lc.id: lc.step(
                    configs[lc.id],
                    event,
                    lambda g, configs=configs, attributes=attributes: condition_holds(g, configs, attributes),
                )
                for lc in lifecycles
            }
            try:
                machine.send(event)
                taken = True
            except TransitionNotAllowed:
                taken = False
            assert taken == any(s is not None for s in steps.values()), (path.stem, event)
            for lc in lifecycles:
                if steps[lc.id] is not None:
                    configs[lc.id] = steps[lc.id].after
            assert {k: set(v) for k, v in statechart.active_states(machine).items()} == {
                k: set(v) for k, v in configs.items()
            }
            moves += taken
            refusals += not taken
    assert moves > 500 and refusals > 20  # the walks went deep and also met refusals


# --- every duty has a plan --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [STOCKPORT, WARWICKSHIRE], ids=["stockport", "warwickshire"])
def test_every_duty_is_planned_with_its_status(path: Path):
    scenario = load_scenario(path)
    protocol = load_protocol_of(scenario)
    model = engine.prepare(scenario, protocol)
    assert [p.duty for p in model.plans] == [d.id for d in protocol.duties]
    statuses = {p.status.split(":")[0] for p in model.plans}
    assert statuses <= {SIMULATED, "not simulated", "not raised in this scenario"}
    for plan in model.plans:
        if plan.simulated:
            assert plan.workers and plan.effort is not None and plan.deadline_words
        else:
            assert plan.workers == () and ":" in plan.status  # a reason is given


def test_silences_are_planned_as_the_scenario_says(stockport: engine.Model):
    plans = {p.duty: p for p in stockport.plans}
    # 8.1(a) is due by the review date on the front page, an event no case reaches
    assert plans["review_protocol"].status.startswith("not raised in this scenario")
    assert plans["provide_psr_and_risk_assessments"].status.startswith("not simulated: a standing duty")
    # 5.8.1 starts as a looked-after child leaves care status on a custodial sentence (an enclosing state left)
    assert plans["inform_social_worker_of_custody"].status == SIMULATED
    assert plans["second_social_worker_to_aspire"].status.startswith("not simulated: a recurring duty")
    assert plans["view_social_care_records"].status.startswith("not simulated: a 'may' duty")
    assert plans["adjourn_for_ten_point_plan"].workers == (("nobody", NOBODY),)  # 4.2.5 names no actor
    assert plans["allocate_rilaa_workers"].workers == (("staff", "case_manager"), ("staff", "social_worker"))  # each
    assert plans["notify_csc_of_rilaa"].deadline_words == '"as soon as" read as within 1 working day (scenario)'
    assert plans["consult_on_supervision_impact"].workers == (("staff", "case_manager"), ("staff", "social_worker"))
    assert plans["invite_yos_to_care_planning"].status.startswith("not raised in this scenario")


# --- the clock --------------------------------------------------------------------------------------


def test_deadlines_agree_with_the_calendar():
    calendar = Calendar("england-and-wales", [dt.date(2025, 12, 29)])
    clock = Clock(dt.date(2025, 3, 1), calendar)
    rng = random.Random(5)
    for _ in range(400):
        hours = rng.uniform(0, 24 * 400)
        amount, unit = rng.randint(1, 30), rng.choice(list(Unit))
        assert clock.at(clock.due_after(hours, amount, unit)) == calendar.due_after(clock.at(hours), amount, unit)
        assert clock.at(clock.due_before(hours, amount, unit)) == calendar.due_before(clock.at(hours), amount, unit)


def test_task_deadlines_in_a_run_are_the_calendars(stockport: engine.Model, stockport_run: engine.Replication):
    calendar = load_protocol(PROTOCOLS[0]).calendar.to_calendar()
    checked = 0
    for task in stockport_run.tasks:
        deadline = stockport.plans[task.plan].deadline
        if deadline is not None and deadline.kind == "within":
            expected = calendar.due_after(stockport.clock.at(task.raised), deadline.amount, deadline.unit)
            assert stockport.clock.at(task.due) == expected
            checked += 1
    assert checked > 50


def test_work_stops_at_night_at_weekends_and_on_bank_holidays():
    clock = Clock(dt.date(2025, 4, 14), Calendar())  # a Monday; Good Friday 18 April, Easter Monday 21 April
    work = WorkTime.build(clock, 30, (9, 17), every_day=False)
    thursday_4pm = 3 * 24 + 16
    assert work.finish(thursday_4pm, 3) == 8 * 24 + 11  # 1 hour Thursday, 2 hours on Tuesday 22 April
    assert work.resume(4 * 24 + 12) == 8 * 24 + 9  # Good Friday noon: work resumes Tuesday 9:00
    assert work.worked(5 * 24) - work.worked(0) == 4 * 8  # Monday to Thursday
    always = WorkTime.build(clock, 30, (0, 24), every_day=True)
    assert always.finish(thursday_4pm, 3) == thursday_4pm + 3


def test_court_sits_on_weekdays_saturdays_and_bank_holidays_but_never_on_sunday():
    clock = Clock(dt.date(2025, 4, 14), Calendar())
    sittings = Sittings.build(clock, 14, ("tue", "thu"), saturday=True, bank_holidays=True, start_hour=10)
    days = {(clock.start + dt.timedelta(hours=t)).strftime("%a %d"): sittings.kind(t) for t in sittings.times}
    assert days == {
        "Tue 15": "weekday",
        "Thu 17": "weekday",
        "Fri 18": "bank_holiday",
        "Sat 19": "saturday",
        "Mon 21": "bank_holiday",
        "Tue 22": "weekday",
        "Thu 24": "weekday",
        "Sat 26": "saturday",
    }
    assert sittings.next(4 * 24 + 11, weekday_only=True) == 8 * 24 + 10  # after Good Friday's sitting: Tuesday's
    assert sittings.next(4 * 24 + 11, weekday_only=False) == 5 * 24 + 10  # ... or Saturday's


# --- draws -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "parameters"),
    [
        ("exponential", {"mean": 3}),
        ("lognormal", {"mean": 3, "sd": 2}),
        ("gamma", {"mean": 3, "sd": 2}),
        ("uniform", {"low": 1, "high": 5}),
    ],
)
def test_a_sampler_draws_the_mean_and_spread_it_was_given(kind: str, parameters: dict):
    stream = streams(SeedSequence(4))[Purpose.FLOWS]
    values = [sampler(kind, 24.0, **parameters).draw(stream) / 24 for _ in range(40_000)]  # in days
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
    assert mean == pytest.approx(3, rel=0.03)
    assert sd == pytest.approx(parameters.get("sd", 3 if kind == "exponential" else 4 / 12**0.5), rel=0.05)
    assert min(values) > 0


def test_streams_are_the_same_for_the_same_seed_and_differ_by_purpose():
    a, b = streams(SeedSequence(9)), streams(SeedSequence(9))
    assert [a[Purpose.EFFORT].uniform() for _ in range(5)] == [b[Purpose.EFFORT].uniform() for _ in range(5)]
    assert a[Purpose.ARRIVALS].uniform() != a[Purpose.FLOWS].uniform()


# --- replications -----------------------------------------------------------------------------------


def same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a.values(), b.values())
    )


def test_a_replication_is_determined_by_its_seed_alone(stockport: engine.Model):
    seed = SeedSequence(11)
    first = engine.run_replication(stockport, seed)
    assert same(first, engine.run_replication(stockport, seed))  # the seed is not used up
    assert same(first, engine.run_replication(pickle.loads(pickle.dumps(stockport)), SeedSequence(11)))
    assert not same(first, engine.run_replication(stockport, SeedSequence(12)))


def test_the_metrics_of_a_replication(stockport: engine.Model, stockport_run: engine.Replication):
    metrics = outcomes.measure(stockport, stockport_run)
    for name in (
        "on_time/all",
        "tasks/raised",
        "utilisation/role/case_manager",
        "backlog/role/social_worker",
        "court/sittings",
        "court/sittings_covered",
        "court/on_call_callouts",
        "rilaa/wait_hours",
        "yda/bed_nights",
        "yda/spend",
        "yda/over_budget",
        "events_processed",
        "on_time/clause/5.6.1",
        "on_time/duty_type/notify_csc_of_rilaa",
    ):
        assert name in metrics, name
    assert 0 <= metrics["on_time/all"] <= 1 and 0 < metrics["utilisation/role/case_manager"] < 1
    assert metrics["yda/over_budget"] in (0.0, 1.0) and metrics["events_processed"] > 1000
    assert metrics["tasks/no_owner"] > 0  # 4.1.2, 5.6.5 and others name nobody
    # a clause of simulated duties none of which arose in this short run has an undefined on-time rate
    idle = [k.rsplit("/", 1)[1] for k, v in metrics.items() if k.startswith("tasks/clause/") and v == 0]
    assert idle and all(math.isnan(metrics[f"on_time/clause/{clause}"]) for clause in idle)


def test_tasks_for_nobody_are_never_done(stockport: engine.Model, stockport_run: engine.Replication):
    nobody = [t for t in stockport_run.tasks if t.no_owner]
    assert nobody and all(t.done is None for t in nobody)
    judged = [
        outcomes.verdict(stockport, stockport_run, t) for t in nobody if stockport.plans[t.plan].deadline is not None
    ]
    assert judged and not any(judged)  # each one with a deadline is late or undecided, never on time


def test_yda_nights_are_charged_at_the_establishments_rate(stockport: engine.Model, stockport_run: engine.Replication):
    low, high = stockport.window
    nightly = {329: 0, 921: 1, 887: 2}
    rates = [next(rate for rate, i in nightly.items() if i == place) for place in range(3)]
    assert [charged[1] for charged in stockport.yda.charged] == rates  # one charge for the whole run here
    nights = sum(outcomes._midnights(max(a, low), min(b, high)) for a, b, *_ in stockport_run.yda_stays)
    spend = sum(
        outcomes._midnights(max(a, low), min(b, high)) * rates[place] for a, b, place, *_ in stockport_run.yda_stays
    )
    metrics = outcomes.measure(stockport, stockport_run)
    assert metrics["yda/bed_nights"] == nights > 0 and metrics["yda/spend"] == spend
    assert outcomes._midnights(10, 50) == 2 and outcomes._midnights(24, 50) == 1 and outcomes._midnights(30, 40) == 0


def test_a_rilaa_placement_waits_for_the_search_and_for_a_placement(
    stockport: engine.Model, stockport_run: engine.Replication
):
    placed = [s for s in stockport_run.rilaa_stays if s[3] is not None]
    assert placed
    for entered, available, searched, found in placed:
        assert searched and found >= available >= entered


def test_court_cover_is_counted_at_weekends_as_call_outs():
    model = short(STOCKPORT)
    run = engine.Replication(model, SeedSequence(3))
    run.run()
    kinds = {kind for _, kind, _ in run.cover}
    assert "weekday" in kinds and kinds & {"saturday", "bank_holiday"}
    metrics = outcomes.measure(model, run)
    low, high = model.window
    assert metrics["court/on_call_callouts"] == sum(low <= at < high and kind != "weekday" for at, kind, _ in run.cover)
