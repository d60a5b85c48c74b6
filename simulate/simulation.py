"""Simulating a scenario file from start to end: load it and its protocol, prepare the model, run the
replications, and return what was run with the summary of its replications (`Simulation`).

Renderers make documents of it (`reports.simulation`: JSON, text, CSV; `reports.xlsx`: a workbook).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model.schema import Protocol
from . import engine
from .duties import DutyPlan
from .loader import load_protocol_of, load_scenario
from .replications import run
from .scenario import Scenario
from .summary import Summary


@dataclass(frozen=True)
class Simulation:
    """A scenario run against its protocol: the scenario (as given on the command line), the protocol,
    how each duty was simulated or why not (`plans`), the YDA budget for the measured window (if the
    scenario sets one) and the summary of the replications (with how long they took)."""

    scenario_file: str
    scenario: Scenario
    protocol: Protocol
    plans: tuple[DutyPlan, ...]
    budget: float | None
    summary: Summary


def simulate(
    scenario_file: str | Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | str = False,
) -> Simulation:
    """The scenario run (its replications and seed unless given). Raises `LoadError` for a scenario or
    protocol that cannot be loaded, `SchedulerError` for a Dask scheduler that cannot be used.
    `progress` shows a bar on a terminal (a string is its label; True: the scenario's id)."""
    scenario = load_scenario(scenario_file)
    protocol = load_protocol_of(scenario)
    model = engine.prepare(scenario, protocol)
    summary = run(
        engine.run_replication,
        model,
        replications=replications or scenario.replications,
        seed=scenario.seed if seed is None else seed,
        workers=workers,
        scheduler=scheduler,
        progress=scenario.id if progress is True else progress,
    )
    return Simulation(str(scenario_file), scenario, protocol, model.plans, model.budget, summary)
