"""Simulating a scenario file from start to end: load it and its protocol, prepare the model, run the
replications (a number of them, or as many as a precision asks for), and return what was run with
the summary of its replications (`Simulation`); with another scenario to compare, run that one with
the same seeds and pair their replications (`Comparison`).

Renderers make documents of it (`reports.simulation`: JSON, text, CSV; `reports.xlsx`: a workbook).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..model.errors import LoadError, Located
from ..model.schema import Protocol
from ..model.wording import unknown
from . import engine, outcomes
from .duties import DutyPlan
from .loader import load_bases, load_protocol_of, load_scenario
from .precision import CAP, Precision, sequential
from .replications import progress_bar, results, run
from .scenario import Scenario
from .summary import Difference, Pairing, Summary, Tally

Results = tuple[Mapping[str, float], ...]


@dataclass(frozen=True)
class Comparison:
    """Another scenario run with the same seeds and replications (`other`), and the difference of
    each metric, other minus this one, with paired 95% intervals."""

    other: Simulation
    differences: Mapping[str, Difference]


@dataclass(frozen=True)
class Simulation:
    """A scenario run against its protocol: the scenario (as given on the command line), the protocol,
    how each duty was simulated or why not (`plans`), the YDA budget for the measured window (if the
    scenario sets one), the summary of the replications (with how long they took), the scenarios it
    is built on (`bases`: file and settings, nearest first), and, when asked for, what the precision
    rule did, each replication's metrics in order, and a comparison with another scenario."""

    scenario_file: str
    scenario: Scenario
    protocol: Protocol
    plans: tuple[DutyPlan, ...]
    budget: float | None
    summary: Summary
    bases: tuple[tuple[str, Scenario], ...] = ()
    precision: Precision | None = None
    per_replication: Results | None = None
    comparison: Comparison | None = None


def simulate(
    scenario_file: str | Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | str = False,
    precision: float | None = None,
    metric: str | None = None,
    cap: int = CAP,
    keep: bool = False,
    compare: str | Path | None = None,
) -> Simulation:
    """The scenario run (its replications and seed unless given). With `precision` and `metric`,
    replications are added until the metric's relative half-width is within the precision, or `cap`
    have run (`replications`, if given, is where the rule starts). `keep` keeps each replication's
    metrics. With `compare`, that scenario is run with the same seed and replications and paired.
    Raises `LoadError` for a scenario or protocol that cannot be loaded (or a metric it has not),
    `SchedulerError` for a Dask scheduler that cannot be used."""
    scenario = load_scenario(scenario_file)
    protocol = load_protocol_of(scenario)
    model = engine.prepare(scenario, protocol)
    other = None
    if compare is not None:
        other = load_scenario(compare)
        other_model = engine.prepare(other, load_protocol_of(other))
    seed = scenario.seed if seed is None else seed
    if precision is not None:
        if metric is None:
            raise LoadError([Located(str(scenario_file), 0, 0, "--precision needs --metric NAME; expected both")])
        _known(model, metric, scenario_file)
    kept: list[Mapping[str, float]] = []
    label = scenario.id if progress is True else progress
    started = time.perf_counter()
    found = None
    if precision is None:
        summary = run(
            engine.run_replication,
            model,
            replications=replications or scenario.replications,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            progress=label,
            kinds=outcomes.kind,
            each=kept.append if keep or other is not None else None,
        )
    else:
        tally = Tally(seed, outcomes.kind)

        def batch(first: int, count: int):
            return results(
                engine.run_replication,
                model,
                replications=count,
                first=first,
                seed=seed,
                workers=workers,
                scheduler=scheduler,
            )

        with progress_bar(label, cap) as advance:
            found = sequential(
                batch,
                tally,
                metric,  # type: ignore[arg-type]
                precision,
                initial=replications or 3,
                cap=cap,
                batch_size=max(8, 4 * (workers or 2)),
                each=kept.append if keep or other is not None else None,
                advance=advance,
            )
        summary = tally.summary(wall_seconds=time.perf_counter() - started)
    comparison = None
    if other is not None:
        comparison = _compare(other, other_model, compare, kept, seed, workers, scheduler, progress, keep)  # type: ignore[arg-type]
    return Simulation(
        str(scenario_file),
        scenario,
        protocol,
        model.plans,
        model.budget,
        summary,
        load_bases(scenario_file),
        found,
        tuple(kept) if keep else None,
        comparison,
    )


def _compare(
    scenario: Scenario,
    model: engine.Model,
    path: str | Path,
    reference: list[Mapping[str, float]],
    seed: int,
    workers: int | None,
    scheduler: str | None,
    progress: bool | str,
    keep: bool,
) -> Comparison:
    """The other scenario run with the same seeds, replication i paired with replication i of the reference."""
    pairing = Pairing(outcomes.kind)
    kept: list[Mapping[str, float]] = []

    def pair(result: Mapping[str, float]) -> None:
        pairing.add(reference[len(kept)], result)
        kept.append(result)

    summary = run(
        engine.run_replication,
        model,
        replications=len(reference),
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        progress=scenario.id if progress is True else progress,
        kinds=outcomes.kind,
        each=pair,
    )
    other = Simulation(
        str(path),
        scenario,
        load_protocol_of(scenario),
        model.plans,
        model.budget,
        summary,
        load_bases(path),
        per_replication=tuple(kept) if keep else None,
    )
    return Comparison(other, pairing.differences())


def _known(model: engine.Model, metric: str, where: str | Path) -> None:
    """A `LoadError` unless the scenario's replications have the metric."""
    names = outcomes.names(model)
    if metric not in names:
        raise LoadError(
            [Located(str(where), 0, 0, "--metric: " + unknown("measure", metric, sorted(names), " in this scenario"))]
        )
