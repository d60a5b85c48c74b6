"""The engine against queueing theory: an M/M/3 queue run as a protocol matches the Erlang C mean
wait, and YDA bed occupancy obeys Little's law. (Deadlines against the calendar: test_engine.py.)

The 95% confidence intervals come from 30 replications with fixed seeds. The horizons are chosen
so that the estimates are unbiased: over 200 replications of the same configuration the mean wait at
rho = 0.9 was 2.71 +- 0.08 hours against Erlang C's 2.72 (docs/simulation.md, "Validation")."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from protoverify.model.source import read
from protoverify.simulate import engine, replications
from protoverify.simulate.loader import load_protocol_of, scenario_from_mapping

FIXTURES = Path(__file__).parent / "fixtures" / "simulate"
SERVERS, MEAN_SERVICE = 3, 1.0  # workers, hours


def erlang_c_wait(arrivals: float, mean_service: float, servers: int) -> float:
    """The mean wait in queue of an M/M/c queue."""
    a = arrivals * mean_service
    top = a**servers / math.factorial(servers) / (1 - a / servers)
    return top / (sum(a**k / math.factorial(k) for k in range(servers)) + top) * mean_service / (servers - a)


def model_of(name: str, remands_per_year: float | None = None, **settings) -> engine.Model:
    """The model of a fixture scenario with top-level settings (and the arrival rate) changed."""
    path = FIXTURES / name
    data = read(path, "scenario").data
    data.update(settings)
    if remands_per_year is not None:
        data["demand"]["remands_per_year"] = remands_per_year
    scenario = scenario_from_mapping(data, str(path))
    return engine.prepare(scenario, load_protocol_of(scenario))


def test_erlang_c_by_formula():
    assert erlang_c_wait(2.7, 1.0, 3) == pytest.approx(2.7235, abs=1e-4)
    assert erlang_c_wait(1.5, 1.0, 3) == pytest.approx(0.15789, abs=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.5, 0.7, 0.9])
def test_mean_wait_of_an_m_m_3_queue_matches_erlang_c(rho: float):
    arrivals = rho * SERVERS / MEAN_SERVICE  # an hour
    model = model_of("queue-scenario.yaml", warm_up_days=30, horizon_days=50, remands_per_year=arrivals * 24 * 365)
    summary = replications.run(engine.run_replication, model, replications=30, seed=2025, workers=1)
    wait, busy = summary["wait_hours/role/worker"], summary["utilisation/role/worker"]
    expected = erlang_c_wait(arrivals, MEAN_SERVICE, SERVERS)
    assert wait.n == 30 and wait.ci_low <= expected <= wait.ci_high, (expected, wait)
    assert busy.ci_low <= rho <= busy.ci_high, (rho, busy)


def test_yda_beds_obey_littles_law():
    model = model_of("remand-scenario.yaml")
    summary = replications.run(engine.run_replication, model, replications=30, seed=7, workers=1)
    occupied, remands = summary["yda/mean_occupied"], summary["yda/remands"]
    expected = 36.5 / 365 * 30  # remands a day x mean days on remand
    assert occupied.ci_low <= expected <= occupied.ci_high, (expected, occupied)
    assert occupied.mean == pytest.approx(expected, rel=0.05)
    assert remands.mean == pytest.approx(36.5 * 1000 / 365, rel=0.05)
    spend, nights = summary["yda/spend"], summary["yda/bed_nights"]
    assert nights.mean == pytest.approx(occupied.mean * 1000)
    assert 329 * nights.mean < spend.mean < 887 * nights.mean  # nights are charged at the establishment's rate


# --- the bundled scenarios: national scale and an unbiased start ----------------------------------------

SCENARIOS = Path(__file__).parent.parent / "scenarios"


def _bundled(name: str, **settings) -> engine.Model:
    from protoverify.simulate.loader import load_scenario

    scenario = load_scenario(SCENARIOS / name)
    changed = scenario.model_copy(update=settings)
    changed._folder = scenario._folder
    return engine.prepare(changed, load_protocol_of(scenario))


def test_the_national_scenario_reproduces_littles_law_within_its_interval():
    """1,200 remands a year staying a mean of 68 days: 223.6 beds at a time (the published 200-250)."""
    from protoverify.simulate import outcomes

    model = _bundled("england-yda-national.yaml")
    summary = replications.run(engine.run_replication, model, replications=6, seed=11, workers=1, kinds=outcomes.kind)
    occupied, remands, stay = summary["yda/mean_occupied"], summary["yda/remands"], summary["yda/stay_days"]
    expected = remands.mean / 365 * stay.mean  # Little's law on the simulation's own arrivals and stays
    assert occupied.ci_low <= expected <= occupied.ci_high, (expected, occupied)
    assert occupied.mean == pytest.approx(1200 / 365 * 68, rel=0.05) and 200 <= occupied.mean <= 250
    assert remands.mean == pytest.approx(1200, rel=0.05) and stay.mean == pytest.approx(68, rel=0.05)
    assert summary["yda/peak_occupied"].mean > occupied.mean


def test_the_stockport_warm_up_leaves_the_case_manager_wait_unbiased():
    """After the bundled warm-up the case-manager wait is within 5% of its value after two years
    (measured at 30 replications: 20.6 h against 20.0 h; here fewer, with a wider tolerance)."""
    waits = {}
    for warm_up in (None, 730):
        model = _bundled("stockport-baseline.yaml", **({} if warm_up is None else {"warm_up_days": warm_up}))
        summary = replications.run(engine.run_replication, model, replications=12, seed=3, workers=1)
        waits[warm_up] = summary["wait_hours/role/case_manager"].mean
    assert waits[None] == pytest.approx(waits[730], rel=0.08), waits
