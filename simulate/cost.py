"""What a simulation run will cost, estimated before it starts, and the limit over which protoverify
asks before running it.

A replication's work grows with the days it simulates and with the children it follows, so a run is
measured in *steps*: for every replication, its days (warm-up and horizon) plus the children it is
expected to follow (the initial caseload, and `remands_per_year` over those days), each child
counted once more for every repeated event it is expected to see (`repeats_per_child`). The bundled
Stockport and Warwickshire scenarios run at about `STEPS_PER_SECOND` on one core of a laptop
(`bench/simulation_cost.py` measures it again, with the ratio to this figure). A run over `LIMIT`
steps (ten minutes or more) is refused unless the user confirms it (`--yes`, or yes at the prompt
when one can be shown), with the estimate in the message. A run whose days reach past the last date
the calendar has cannot be made at all.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..model.source import LoadError, Located, read
from .loader import load_scenario, scenario_from_mapping
from .prepared import MARGIN_DAYS
from .scenario import Scenario
from .vary import Vary, VaryError, apply, baseline_values, fixed, grid

STEPS_PER_SECOND = 15_000
LIMIT = 10_000_000
LAST_DAY = dt.date.max
EXACT_POINTS = 1000


@dataclass(frozen=True)
class Cost:
    """The estimated size of a run: scenario runs (one, or a sweep's points), replications in all,
    steps in all, and the last day any replication simulates (None: past the calendar's end)."""

    runs: int
    replications: int
    steps: float
    last_day: dt.date | None

    @property
    def seconds(self) -> float:
        return self.steps / STEPS_PER_SECOND

    def words(self) -> str:
        """'2 runs, 100 replications in all, 71,300 steps (about 5 seconds)'."""
        runs = "" if self.runs == 1 else f"{self.runs:,} runs, "
        plural = "" if self.replications == 1 else "s"
        return (
            f"{runs}{self.replications:,} replication{plural} in all, {self.steps:,.0f} steps (about "
            f"{_duration(self.seconds)})"
        )


def of_scenario(scenario: Scenario, replications: int | None = None, runs: int = 1) -> Cost:
    """The cost of running `scenario` `runs` times (a sweep's points alike), with its own number of
    replications unless `replications` is given."""
    count = replications or scenario.replications
    days = scenario.warm_up_days + scenario.horizon_days
    children = sum(c.expected for c in scenario.initial_caseload) + scenario.demand.remands_per_year * days / 365
    children *= 1 + repeats_per_child(scenario, days)
    try:
        last = scenario.start + dt.timedelta(days=days + MARGIN_DAYS)
    except OverflowError:
        last = None
    return Cost(runs, runs * count, float(runs) * count * (days + children), last)


def repeats_per_child(scenario: Scenario, days: float) -> float:
    """How many repeated events a child is expected to see: in each state with `repeat`s, its mean
    stay (the whole run, without one) over each repeat's mean interval."""
    hours = days * 24
    return sum(
        min(hours, flow.stay.mean_hours if flow.stay is not None else hours) / repeat.every.mean_hours
        for flow in scenario.demand.flows.values()
        for repeat in flow.repeat
    )


def of_sweep(scenario_file: str | Path, varies: Sequence[Vary], replications: int | None = None) -> Cost:
    """The cost of a sweep: each point's scenario, as varied. A grid of more than `EXACT_POINTS` points
    is costed as that many runs of the scenario file itself (its points are not built one by one)."""
    base = load_scenario(scenario_file)
    count = math.prod(len(v.values) for v in varies)
    if count > EXACT_POINTS:
        return of_scenario(base, replications, runs=count + 1)
    raw = read(scenario_file, "scenario").data
    points = grid(varies)
    costs = []
    if baseline_values(base, varies) not in points:  # the baseline is a point of its own
        held = fixed(varies)
        try:
            costs.append(
                of_scenario(scenario_from_mapping(apply(raw, held), str(scenario_file)) if held else base, replications)
            )
        except (LoadError, VaryError):
            costs.append(of_scenario(base, replications))
    for values in points:
        try:
            costs.append(of_scenario(scenario_from_mapping(apply(raw, values), str(scenario_file)), replications))
        except (LoadError, VaryError):
            costs.append(of_scenario(base, replications))  # the sweep itself reports the point
    return total(costs)


def total(costs: Iterable[Cost]) -> Cost:
    """The cost of several runs one after the other."""
    costs = list(costs)
    lasts = [c.last_day for c in costs]
    return Cost(
        sum(c.runs for c in costs),
        sum(c.replications for c in costs),
        math.fsum(c.steps for c in costs),
        None if None in lasts else max(lasts, default=dt.date.min),
    )


def allow(cost: Cost, where: str | Path, *, yes: bool, ask: Callable[[str], bool] | None = None) -> None:
    """Return if the run may go ahead: within the limit, or over it and confirmed (by `yes`, or by
    `ask`, a prompt returning the answer, where one can be shown). Otherwise raise `LoadError` at
    `where` with the estimate. A run past the calendar's last date is always refused."""
    if cost.last_day is None:
        raise LoadError(
            [
                Located(
                    str(where),
                    0,
                    0,
                    f"the run would simulate days past {LAST_DAY:%d %B %Y}, the last date the "
                    "calendar has; expected a start, warm-up and horizon that end before then",
                )
            ]
        )
    if cost.steps <= LIMIT or yes:
        return
    estimate = f"the run is estimated at {cost.words()}"
    if ask is not None and ask(f"{where}: {estimate}. Run it?"):
        return
    raise LoadError(
        [
            Located(
                str(where),
                0,
                0,
                f"{estimate}; expected at most {LIMIT:,} steps (about {_duration(LIMIT / STEPS_PER_SECOND)}): "
                "fewer replications, fewer points or a shorter horizon, or --yes to run it anyway",
            )
        ]
    )


def _duration(seconds: float) -> str:
    for unit, size in (("year", 365.25 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            amount = seconds / size
            return f"{amount:,.0f} {unit}{'s' if round(amount) != 1 else ''}"
    return f"{max(1, round(seconds))} second{'s' if round(seconds) > 1 else ''}"
