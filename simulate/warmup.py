"""Choosing a warm-up: the day-by-day course of a scenario's main measures from its start date,
averaged over replications, smoothed by Welch's moving average, with the MSER-5 truncation point.

A scenario starts with its open caseload placed part-way through (`Sampler.residual`) and its staff
idle, so the first weeks may not look like the years that follow. `series(model, seed)` runs one
replication from the start over `days` and returns, for each day, the main measures: for each staff
pool the mean hours a task raised that day waited for a practitioner and the tasks waiting at noon,
the share of the tasks raised that day (and judged) that were done on time, and the YDA beds
occupied at noon. `warm_up` averages them over replications (in replication order, so the result is
the same whatever executor ran them) and, for each measure:
- Welch's moving average of window w: day i is the mean of days i - w to i + w (of days 1 to 2i - 1
  near the start), for a plot where the eye can find where the curve levels off;
- MSER-5 (White, 1997): the averaged series in batches of 5 days; the truncation point is the
  number of batches d (at most half of them) that minimises the squared deviations of the batches
  after d from their mean, over (batches after d) squared, times 5 days. At half the run it found no
  stable point and says so (run longer).
The warm-up it suggests is the longest truncation point among the measures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.random import SeedSequence

from .loader import load_protocol_of, load_scenario
from .outcomes import verdict
from .prepared import Model, prepare
from .replication import Replication
from .replications import results

BATCH = 5  # days in an MSER batch
NOON = 12.0


@dataclass(frozen=True)
class Measure:
    """One measure's course: the replication-averaged value of each day (NaN on a day none of the
    replications had one), Welch's moving average, and the MSER-5 truncation point in days (None if
    too few days have a value; `at_limit` if it is half the run, where no stable point was found)."""

    name: str
    daily: tuple[float, ...]
    welch: tuple[float, ...]
    truncation_days: int | None
    at_limit: bool


@dataclass(frozen=True)
class WarmUp:
    """The warm-up analysis of a scenario: the days run, the replications, seed and Welch window,
    each measure's course, the warm-up suggested (the longest truncation point) and the scenario's own."""

    scenario: str
    days: int
    replications: int
    seed: int
    window: int
    measures: tuple[Measure, ...]
    current_days: int

    @property
    def suggested_days(self) -> int | None:
        found = [m.truncation_days for m in self.measures if m.truncation_days is not None]
        return max(found) if found else None


def series(model: Model, seed: SeedSequence) -> dict[str, list[float]]:
    """One replication run from the start date: each main measure, day by day (NaN where undefined)."""
    run = Replication(model, seed)
    run.run()
    days = int(model.window[1] // 24)
    found: dict[str, list[float]] = {}
    for i, pool in enumerate(model.pools):
        waited = np.zeros(days)
        started = np.zeros(days)
        waiting = np.zeros(days + 1)
        resume = (lambda t: t) if pool.work.always else pool.work.resume
        for part in run.parts[i]:
            day = int(part.requested // 24)
            taken = math.inf if part.taken is None else part.taken
            if part.taken is not None and day < days:
                waited[day] += resume(part.taken) - part.requested
                started[day] += 1
            first = math.ceil((part.requested - NOON) / 24)  # the first noon at or after the request
            last = math.ceil((min(taken, days * 24.0) - NOON) / 24)  # noons before it was taken up
            if last > first:
                waiting[max(first, 0) : last] += 1
        found[f"wait_hours/role/{pool.name}"] = _ratio(waited, started)
        found[f"backlog/role/{pool.name}"] = waiting[:days].tolist()
    on_time, judged = np.zeros(days), np.zeros(days)
    for task in run.tasks:
        day = int(task.raised // 24)
        if day >= days:
            continue
        result = verdict(model, run, task)
        if result is not None:
            judged[day] += 1
            on_time[day] += result
    found["on_time/all"] = _ratio(on_time, judged)
    if model.yda is not None:
        beds = np.zeros(days + 1)
        for entered, left, *_ in run.yda_stays:
            first, last = math.ceil((entered - NOON) / 24), math.ceil((left - NOON) / 24)
            if last > first:
                beds[max(first, 0) : last] += 1
        found["yda/occupied"] = beds[:days].tolist()
    return found


def _ratio(top: np.ndarray, bottom: np.ndarray) -> list[float]:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan).tolist()


def welch(values: np.ndarray, window: int) -> np.ndarray:
    """Welch's moving average of a series (NaNs left out of each mean): day i (from 0) is the mean
    of days i - w to i + w, or of days 0 to 2i near the start; the last w days have none."""
    n = len(values)
    found = np.full(max(n - window, 0), np.nan)
    for i in range(len(found)):
        half = min(i, window)
        piece = values[i - half : i + half + 1]
        piece = piece[~np.isnan(piece)]
        if len(piece):
            found[i] = piece.mean()
    return found


def mser(values: np.ndarray, batch: int = BATCH) -> tuple[int | None, bool]:
    """The MSER truncation point of a series in days (a multiple of `batch`), and whether it is at
    the limit (half the batches); None if fewer than 4 batches have a value."""
    means = []
    for j in range(len(values) // batch):
        piece = values[j * batch : (j + 1) * batch]
        piece = piece[~np.isnan(piece)]
        means.append(piece.mean() if len(piece) else np.nan)
    batches = np.array(means)
    if np.count_nonzero(~np.isnan(batches)) < 4:
        return None, False
    limit = len(batches) // 2
    best, best_value = 0, math.inf
    for d in range(limit + 1):
        rest = batches[d:]
        rest = rest[~np.isnan(rest)]
        if len(rest) < 2:
            break
        value = float(((rest - rest.mean()) ** 2).sum()) / len(rest) ** 2
        if value < best_value:
            best, best_value = d, value
    return best * batch, best == limit


def warm_up(
    model: Model,
    *,
    scenario: str,
    current_days: int,
    replications: int,
    seed: int,
    window: int,
    workers: int | None = None,
    scheduler: str | None = None,
) -> WarmUp:
    """The warm-up analysis of `model` (prepared with no warm-up, over the days to look at)."""
    days = int(model.window[1] // 24)
    sums: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    for result in results(series, model, replications=replications, seed=seed, workers=workers, scheduler=scheduler):
        _fold(sums, counts, result)
    measures = []
    for name in sums:
        with np.errstate(invalid="ignore", divide="ignore"):
            daily = np.where(counts[name] > 0, sums[name] / np.where(counts[name] > 0, counts[name], 1), np.nan)
        truncation, at_limit = mser(daily)
        measures.append(
            Measure(name, tuple(daily.tolist()), tuple(welch(daily, window).tolist()), truncation, at_limit)
        )
    return WarmUp(scenario, days, replications, seed, window, tuple(measures), current_days)


def _fold(sums: dict[str, np.ndarray], counts: dict[str, np.ndarray], result: Mapping[str, list[float]]) -> None:
    for name, values in result.items():
        array = np.asarray(values, dtype=float)
        if name not in sums:
            sums[name] = np.zeros(len(array))
            counts[name] = np.zeros(len(array))
        known = ~np.isnan(array)
        sums[name][known] += array[known]
        counts[name][known] += 1


REPLICATIONS = 20
WINDOW = 30
DAYS = 730


def analyse(
    scenario_file: str | Path,
    *,
    replications: int = REPLICATIONS,
    days: int | None = None,
    window: int = WINDOW,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> WarmUp:
    """The warm-up analysis of a scenario file: its replications run from the start date with no
    warm-up over `days` (default the longer of two years and the scenario's warm-up and horizon)."""
    scenario = load_scenario(scenario_file)
    span = days or max(DAYS, scenario.warm_up_days + scenario.horizon_days)
    run = scenario.model_copy(update={"warm_up_days": 0, "horizon_days": span})
    run._folder = scenario._folder
    model = prepare(run, load_protocol_of(scenario))
    return warm_up(
        model,
        scenario=scenario.id,
        current_days=scenario.warm_up_days,
        replications=replications,
        seed=scenario.seed if seed is None else seed,
        window=window,
        workers=workers,
        scheduler=scheduler,
    )
