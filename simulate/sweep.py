"""Sweeps: a scenario run at every point of a grid of varied settings (`vary`), and at its own settings.

Each point is the scenario file's mapping with those values set, validated like the file itself
(`scenario_from_mapping`) before anything runs, then run with `replications.run`. Every point uses
the scenario's seed, so points differ only by what was varied (common random numbers: differences
between points are not blurred by different random draws).

The *baseline* is the scenario as its file has it (but for settings varied over a single value,
which are fixed at it for every point, the baseline too: `--vary horizon_days=45` shortens them all). It is a point of the sweep: the grid's point with
the file's own values if there is one, else a point added for it. It runs first; every other point's
replications are paired with the baseline's (replication i with replication i, the same seed) and
each metric's difference from the baseline is given with a paired 95% interval (`summary.Pairing`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.source import MAX_ERRORS, LoadError, read
from . import engine, outcomes
from .loader import load_protocol_of, load_scenario, scenario_from_mapping
from .replications import run
from .scenario import Scenario
from .summary import Pairing, Summary
from .vary import Value, Vary, apply, baseline_values, fixed, grid

Values = tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class Point:
    """One point of the sweep: the value of each varied path, the summary of its replications
    (`Summary.to_dict()`), whether it is the baseline, and (at other points) each metric's
    difference from the baseline (`summary.Difference.to_dict()`)."""

    values: Values
    summary: Mapping[str, Any]
    wall_seconds: float
    baseline: bool = False
    differences: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Sweep:
    """A finished sweep: the scenario file, what was varied, and one `Point` per grid point (with
    the baseline among them), in grid order; a baseline not on the grid is placed where its value
    of the first varied setting falls, else last."""

    scenario: str
    varies: tuple[Vary, ...]
    points: tuple[Point, ...]

    @property
    def wall_seconds(self) -> float:
        return sum(point.wall_seconds for point in self.points)

    @property
    def baseline(self) -> Point | None:
        return next((point for point in self.points if point.baseline), None)

    @property
    def replications(self) -> int | None:
        """The replications of every point, or None when they differ (`replications` was varied)."""
        counts = {point.summary["replications"] for point in self.points}
        return counts.pop() if len(counts) == 1 else None

    def to_dict(self) -> dict[str, Any]:
        """Deterministic: the same scenario, varies and seed give the same dict (no wall times)."""
        baseline = self.baseline
        return {
            "scenario": self.scenario,
            "vary": {vary.path: list(vary.values) for vary in self.varies},
            "baseline": None if baseline is None else dict(baseline.values),
            "replications": self.replications,
            "points": [
                {
                    "values": dict(point.values),
                    "baseline": point.baseline,
                    "summary": point.summary,
                    "differences": point.differences,
                }
                for point in self.points
            ],
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
    reference: tuple[Summary, Sequence[Mapping[str, float]]] | None = None,
) -> Sweep:
    """Run the scenario at every grid point and at its own settings. The file and every point are
    validated before any runs: a bad one raises `LoadError` (a point's problems are named with its
    values) or `VaryError`. `replications` and `seed` override the scenario's own. `reference` is a
    run of the scenario itself already made with the same replications and seed (its summary and
    each replication's metrics), used as the baseline instead of running it again."""
    origin = str(scenario_file)
    own = load_scenario(scenario_file)
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
    home = baseline_values(own, varies)
    at = points.index(home) if home in points else None
    if at is None:
        at = _place(home, points, varies)
        points.insert(at, home)
        held = fixed(varies)
        scenarios.insert(at, scenario_from_mapping(apply(raw, held), origin) if held else own)

    def count(scenario: Scenario) -> int:
        return replications or scenario.replications

    def seed_of(scenario: Scenario) -> int:
        return scenario.seed if seed is None else seed

    def run_point(scenario: Scenario, label: str, each=None) -> tuple[Summary, float]:
        model = engine.prepare(scenario, load_protocol_of(scenario))
        started = time.perf_counter()
        summary = run(
            engine.run_replication,
            model,
            replications=count(scenario),
            seed=seed_of(scenario),
            workers=workers,
            scheduler=scheduler,
            progress=label if progress else False,
            kinds=outcomes.kind,
            each=each,
        )
        return summary, time.perf_counter() - started

    total, base = len(points), scenarios[at]
    usable = reference is not None and not fixed(varies)
    if usable and reference[0].replications == count(base) and reference[0].seed == seed_of(base):  # type: ignore[index]
        base_summary, base_results, base_seconds = reference[0], list(reference[1]), reference[0].wall_seconds  # type: ignore[index]
    else:
        base_results = []
        base_summary, base_seconds = run_point(base, f"point {at + 1}/{total} (baseline)", base_results.append)
    done = []
    for number, (values, scenario) in enumerate(zip(points, scenarios)):
        if number == at:
            done.append(Point(values, base_summary.to_dict(), base_seconds, baseline=True))
            continue
        label = f"point {number + 1}/{total}"
        if seed_of(scenario) != seed_of(base):  # different draws: no pairs to compare
            summary, seconds = run_point(scenario, label)
            done.append(Point(values, summary.to_dict(), seconds))
            continue
        pairing = Pairing(outcomes.kind)
        summary, seconds = run_point(scenario, label, _paired(pairing, base_results))
        differences = {name: d.to_dict() for name, d in pairing.differences().items()}
        done.append(Point(values, summary.to_dict(), seconds, differences=differences))
    return Sweep(origin, tuple(varies), tuple(done))


def _paired(pairing: Pairing, reference: Sequence[Mapping[str, float]]):
    """A function that pairs each result it is given with the next of `reference` (replication i
    with replication i; results past the end of `reference` are left unpaired)."""
    following = iter(reference)

    def pair(result: Mapping[str, float]) -> None:
        before = next(following, None)
        if before is not None:
            pairing.add(before, result)

    return pair


def _place(home: Values, points: list[Values], varies: Sequence[Vary]) -> int:
    """Where the baseline goes among the points: before the first point of the same other settings
    whose first setting is larger (numbers only), else after the last point."""
    value = home[0][1]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return len(points)
    for i, point in enumerate(points):
        first = point[0][1]
        if point[1:] == home[1:] and isinstance(first, (int, float)) and not isinstance(first, bool) and first > value:
            return i
    return len(points)
