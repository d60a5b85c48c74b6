"""Sweeps: a scenario run at every point of a grid of varied settings (`vary`).

Each point is the scenario file's mapping with those values set,
validated like the file itself (`scenario_from_mapping`) before anything runs, then run with
`replications.run`. Every point uses the scenario's seed, so points differ only by what was varied
(common random numbers: differences between points are not blurred by different random draws).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.source import MAX_ERRORS, LoadError, read
from . import engine
from .loader import load_protocol_of, load_scenario, scenario_from_mapping
from .replications import run
from .vary import Value, Vary, apply, grid


@dataclass(frozen=True)
class Point:
    """One point of the grid: the value of each varied path, and the summary of its replications."""

    values: tuple[tuple[str, Value], ...]
    summary: Mapping[str, Any]  # `Summary.to_dict()`
    wall_seconds: float


@dataclass(frozen=True)
class Sweep:
    """A finished sweep: the scenario file, what was varied, and one `Point` per grid point."""

    scenario: str
    varies: tuple[Vary, ...]
    points: tuple[Point, ...]

    @property
    def wall_seconds(self) -> float:
        return sum(point.wall_seconds for point in self.points)

    def to_dict(self) -> dict[str, Any]:
        """Deterministic: the same scenario, varies and seed give the same dict (no wall times)."""
        return {
            "scenario": self.scenario,
            "vary": {vary.path: list(vary.values) for vary in self.varies},
            "points": [{"values": dict(point.values), "summary": point.summary} for point in self.points],
        }


# --- running ------------------------------------------------------------------------------------------


def sweep(
    scenario_file: str | Path,
    varies: Sequence[Vary],
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> Sweep:
    """Run the scenario at every grid point. The file and every point are validated before any runs:
    a bad one raises `LoadError` (a point's problems are named with its values) or `VaryError`.
    `replications` and `seed` override the scenario's own."""
    origin = str(scenario_file)
    load_scenario(scenario_file)
    raw = read(scenario_file, "scenario").data
    points = grid(varies)
    scenarios, problems = [], []
    for values in points:
        label = origin + " with " + ", ".join(f"{path}={value}" for path, value in values)
        try:
            scenarios.append(scenario_from_mapping(apply(raw, values), label))
        except LoadError as error:
            problems.extend(error.problems)
    if problems:
        raise LoadError(problems[:MAX_ERRORS])
    done = []
    for number, (values, scenario) in enumerate(zip(points, scenarios), start=1):
        model = engine.prepare(scenario, load_protocol_of(scenario))
        started = time.perf_counter()
        summary = run(
            engine.run_replication,
            model,
            replications=replications or scenario.replications,
            seed=scenario.seed if seed is None else seed,
            workers=workers,
            scheduler=scheduler,
            progress=f"point {number}/{len(points)}" if progress else False,
        )
        done.append(Point(values, summary.to_dict(), time.perf_counter() - started))
    return Sweep(origin, tuple(varies), tuple(done))
