"""The public API: each thing protoverify does, as one function that wires the stages together.

Loading (`model`), checking (`properties`), simulating (`simulate`) and rendering (`reports`) know
nothing of each other; these functions load the files, run the stages in order and hand back typed
results, which `reports.formats` renders. The report folder, which runs them all for each protocol,
is `folder.report`. Each imports what it needs when it is called, so that importing protoverify
(and starting the command line) stays quick.

Every failure is a `model.errors.ProtoverifyError`: a located `LoadError` for an input that cannot
be used, an `OutputError`, a `SolverError` or a `SchedulerError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .model.errors import LoadError, Located, SolverError

if TYPE_CHECKING:
    from .model.schema import Protocol
    from .properties.check import Report
    from .properties.compare import Comparison
    from .properties.diff import Diff
    from .properties.judgements import Judgements
    from .simulate.simulation import Simulation
    from .simulate.sweep import Sweep
    from .simulate.vary import Vary
    from .simulate.warmup import WarmUp


def load_protocol(path: str | Path) -> Protocol:
    """The protocol in the YAML file at `path`, or a `LoadError` saying where it is wrong."""
    from .model.loader import load_protocol as load

    return load(path)


def check(
    protocol: Protocol,
    *,
    today: dt.date | None = None,
    timeout: float | None = None,
    judgements: Judgements | None = None,
    baseline: Protocol | None = None,
) -> Report:
    """Run every check on a loaded protocol: a `Report` of findings, with the author's judgements
    applied and statutory duties held against `baseline` (by default the bundled England baseline);
    `report.exit_code` is the verdict. `timeout`: seconds per solver question (default
    `properties.context.TIMEOUT_SECONDS`). Raises `SolverError` if the solver fails."""
    import z3

    from .properties.check import check as run

    limit = {} if timeout is None else {"timeout": timeout}
    try:
        return run(protocol, today=today, judgements=judgements, baseline=baseline, **limit)
    except z3.Z3Exception as problem:
        raise SolverError(f"{protocol.metadata.id}: the solver failed ({problem}); expected it to answer") from None


def check_file(
    path: str | Path,
    *,
    today: dt.date | None = None,
    timeout: float | None = None,
    accept: str | Path | None = None,
    baseline: str | Path | None = None,
) -> Report:
    """Load the protocol at `path` and check it, with the judgements file `accept` (by default the
    one beside the protocol, if there is one) and the statutory baseline file `baseline` (by default
    the bundled one)."""
    from .model.source import present
    from .properties.judgements import beside, load_judgements

    protocol = load_protocol(path)
    statutory = load_protocol(baseline) if baseline is not None else _bundled_baseline()
    judgements_path = Path(accept) if accept is not None else beside(Path(path))
    judgements = None
    if accept is not None or present(judgements_path):
        judgements = load_judgements(judgements_path, protocol)
    return check(protocol, today=today, timeout=timeout, judgements=judgements, baseline=statutory)


def _bundled_baseline() -> Protocol:
    from .properties.statute import bundled_baseline

    return bundled_baseline()


def simulate(
    scenario: str | Path,
    replications: int | None = None,
    *,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    precision: float | None = None,
    metric: str | None = None,
    cap: int | None = None,
    keep: bool = False,
    compare: str | Path | None = None,
) -> Simulation:
    """Run a scenario file against the protocol it names (its replications and seed unless given): a
    `Simulation`, whose JSON document is `reports.simulation.document(result)`. With `precision` and
    `metric`, replications are added until the metric's 95% interval is within that share of its
    mean, or `cap` have run; `keep` keeps each replication's metrics; `compare` runs another scenario
    with the same seeds and gives paired differences."""
    from .simulate.precision import CAP
    from .simulate.simulation import simulate as run

    return run(
        scenario,
        replications=replications,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        precision=precision,
        metric=metric,
        cap=cap or CAP,
        keep=keep,
        compare=compare,
    )


def warmup(
    scenario: str | Path,
    *,
    replications: int | None = None,
    days: int | None = None,
    window: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> WarmUp:
    """The warm-up analysis of a scenario file: its main measures day by day from the start date,
    averaged over replications, with Welch's moving average and the MSER-5 truncation point."""
    from .simulate.warmup import REPLICATIONS, WINDOW, analyse

    return analyse(
        scenario,
        replications=replications or REPLICATIONS,
        days=days,
        window=window or WINDOW,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
    )


def sweep_plan(
    scenario: str | Path, varies: Sequence[str | Vary] = (), replications: int | None = None
) -> tuple[list[Vary], int | None]:
    """What a sweep of the scenario varies, and its replications per point: the varied settings given
    (`--vary` texts such as "staff.case_manager.count=6:12:2", or `Vary`s), or with none the sweep the
    scenario file plans (its `sweep:` section, with that section's replications per point unless
    `replications` is given). Raises `VaryError` for a setting that cannot be read, or when there is
    nothing to vary."""
    from .simulate.loader import load_scenario
    from .simulate.vary import VaryError, parse_vary

    planned = [parse_vary(v) if isinstance(v, str) else v for v in varies]
    if not planned:
        planned, per_point = load_scenario(scenario).planned_sweep()
        replications = replications or per_point
    if not planned:
        raise VaryError(
            f"{scenario}: no --vary given and the scenario has no 'sweep:' section; "
            "expected --vary PATH=x,y,z, e.g. --vary staff.case_manager.count=6:12:2"
        )
    return planned, replications


def sweep(
    scenario: str | Path,
    varies: Sequence[str | Vary] = (),
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> Sweep:
    """Run a scenario at every combination of the varied settings (see `sweep_plan`): a `Sweep`.
    Raises `VaryError` for a setting that cannot be varied, or when there is nothing to vary."""
    from .simulate.sweep import sweep as run

    planned, replications = sweep_plan(scenario, varies, replications)
    return run(
        scenario, planned, replications=replications, seed=seed, workers=workers, scheduler=scheduler, progress=progress
    )


def compare(
    files: Sequence[str | Path], *, today: dt.date | None = None, baseline: str | Path | None = None
) -> Comparison:
    """Protocol files side by side (with a statutory baseline as the last column, if given), as of
    `today`. Raises `LoadError` if one cannot be loaded or two are the same protocol."""
    from .properties.compare import compare as build

    paths = [*files, *([baseline] if baseline is not None else [])]
    protocols = [load_protocol(path) for path in paths]
    seen: dict[str, str | Path] = {}
    for path, protocol in zip(paths, protocols):
        name = protocol.metadata.id
        if name in seen:
            message = f"protocol id '{name}' is also the id of {seen[name]}; expected different protocols"
            raise LoadError([Located(str(path), 0, 0, message)])
        seen[name] = path
    statute = protocols.pop() if baseline is not None else None
    return build(protocols, today or dt.date.today(), dated=today is not None, baseline=statute)


def diff(old: str | Path, new: str | Path, *, today: dt.date | None = None) -> Diff:
    """What changes from the old version of a protocol to the new: both loaded, each with the
    judgements file beside it if there is one, checked as of `today` and compared; a `LoadError`
    with every problem in either if they cannot be loaded."""
    from .model.source import present
    from .properties.diff import diff as compare_versions
    from .properties.judgements import beside, load_judgements

    loaded, problems = [], []
    for path in (Path(old), Path(new)):
        try:
            protocol = load_protocol(path)
            judgements = load_judgements(beside(path), protocol) if present(beside(path)) else None
            loaded.append((protocol, judgements))
        except LoadError as error:
            problems += error.problems
    if problems:
        raise LoadError(problems)
    as_of = today or dt.date.today()
    before, after = (check(protocol, today=as_of, judgements=judgements) for protocol, judgements in loaded)
    return compare_versions(before, after)
