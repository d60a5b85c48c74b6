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
