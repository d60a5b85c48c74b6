"""Simulating a scenario file from start to end: load it and its protocol, prepare the model, run the
replications, and return the result document (`reports.simulation.document`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import engine
from .replications import run
from .scenario import load_protocol_of, load_scenario


def simulate(
    scenario_file: str | Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    timing: bool = False,
) -> dict[str, Any]:
    """The result of running the scenario (its replications and seed unless given); with `timing`, it
    includes how long the replications took (`wall_seconds`). Raises `LoadError`
    for a scenario or protocol that cannot be loaded, `replications.SchedulerError` for a Dask
    scheduler that cannot be used."""
    from ..reports.simulation import document

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
        progress=scenario.id if progress else False,
    )
    return document(scenario, protocol, model, summary, str(scenario_file), timing=timing)
