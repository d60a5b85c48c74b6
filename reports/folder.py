"""The report folder: every protocol's gap report built in memory first, then written inside one folder.

`build` loads and checks each protocol, holds it against its source text where given, runs its
scenario where given, and renders every file in memory: `<id>.html`, `<id>.md`, `<id>.json`,
optionally `<id>.xlsx`, with several protocols `compare.html` (`reports.compare`), and `index.html`.
Any input that cannot be used raises a `LoadError` saying where and why before anything is written. `write` then puts the files in
the output folder, each one atomically, and refuses any path that would land outside that folder.
`bundled` is the request `protoverify report` makes with no arguments: the two seed protocols with
their baseline scenarios and source texts where present. Statute is checked against `--baseline`, or
else the bundled England baseline.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model.document import Document, read_document
from ..model.loader import load_protocol
from ..model.schema import Protocol
from ..model.source import LoadError, Located
from ..properties.check import check
from ..properties.context import TIMEOUT_SECONDS
from ..properties.judgements import beside, load_judgements
from .coverage import coverage
from .files import write_atomic
from .html import index_html, to_html, to_markdown
from .report import BUNDLED_BASELINE, GapReport, Simulation, assemble

SEEDS = ("stockport-2019", "warwickshire")
Say = Callable[[str], None]


@dataclass(frozen=True)
class Request:
    """What to report on, and with what."""

    protocols: tuple[Path, ...]
    scenarios: tuple[Path, ...] = ()
    sources: tuple[Path, ...] = ()
    baseline: Path | None = None
    varies: tuple[str, ...] = ()
    xlsx: bool = False
    today: dt.date | None = None
    timeout: float = TIMEOUT_SECONDS
    workers: int | None = None
    replications: int | None = None


def bundled(root: Path) -> Request:
    """The demo: the seed protocols under `root`/protocols, each with its baseline scenario (the
    `scenarios/*-baseline.yaml` that names it) and its source text from `root`/../shared/seeds, where present."""
    protocols = tuple(root / "protocols" / f"{name}.yaml" for name in SEEDS)
    missing = [p for p in protocols if not p.is_file()]
    if missing:
        raise LoadError(
            [
                Located(
                    str(p),
                    0,
                    0,
                    "bundled protocol not found; expected to run from a protoverify checkout, "
                    "or name the protocols to report on",
                )
                for p in missing
            ]
        )
    scenarios = tuple(s for s in sorted((root / "scenarios").glob("*-baseline.yaml")) if _runs_against(s, protocols))
    seeds = root / ".." / "shared" / "seeds"
    named = " ".join(load_protocol(p).metadata.source for p in protocols)
    sources = tuple(s for s in sorted(seeds.glob("*.txt")) if s.name in named) if seeds.is_dir() else ()
    return Request(protocols, scenarios, sources)


def request(
    protocols: tuple[Path, ...],
    *,
    scenarios: tuple[Path, ...] = (),
    sources: tuple[Path, ...] = (),
    baseline: Path | None = None,
    **settings,
) -> Request:
    """The request for these protocols, or with none the bundled one (from the current folder if it
    holds the bundled protocols, else from the checkout protoverify runs from), plus what is given."""
    if protocols:
        return Request(protocols, scenarios, sources, baseline, **settings)
    here = all((Path("protocols") / f"{n}.yaml").is_file() for n in SEEDS)
    root = Path() if here else Path(__file__).resolve().parents[1]
    demo = bundled(root)
    return Request(
        demo.protocols, demo.scenarios + scenarios, demo.sources + sources, baseline or demo.baseline, **settings
    )


def _runs_against(scenario: Path, protocols: tuple[Path, ...]) -> bool:
    """Whether the scenario file names one of `protocols` (a scenario that does not load is left to
    `build`, which reports it)."""
    from ..simulate.scenario import load_scenario

    try:
        return load_scenario(scenario).protocol_path.resolve() in {p.resolve() for p in protocols}
    except LoadError:
        return True


# --- building ------------------------------------------------------------------------------------


def build(request: Request, say: Say = lambda _: None) -> tuple[list[GapReport], dict[str, str | bytes]]:
    """Every report, and every file of the folder by name, built in memory. Raises `LoadError` for
    any input that cannot be used, before anything is written."""
    loaded = [(path, load_protocol(path)) for path in request.protocols]
    baseline = load_protocol(request.baseline) if request.baseline is not None else None
    baseline_words = str(request.baseline) if request.baseline is not None else BUNDLED_BASELINE
    _distinct([protocol for _, protocol in loaded])
    sources = _pair_sources(request.sources, loaded)
    scenarios = _pair_scenarios(request.scenarios, loaded)
    varies = _varies(request.varies)
    if varies and not scenarios:
        raise LoadError([Located("--vary", 0, 0, "there is no scenario to sweep; expected --scenario with --vary")])
    reports = []
    for path, protocol in loaded:
        name = protocol.metadata.id
        say(f"checking {name} ({path})")
        judgements = load_judgements(beside(path), protocol) if beside(path).exists() else None
        report = check(protocol, today=request.today, timeout=request.timeout, judgements=judgements, baseline=baseline)
        source, text = sources.get(name, (None, None))
        measured = coverage(protocol, text) if text is not None else None
        simulation = None
        if name in scenarios:
            say(f"simulating {name} with {scenarios[name]}")
            simulation = simulate(scenarios[name], request, varies, say)
        reports.append(
            assemble(
                protocol,
                str(path),
                report,
                dated=request.today is not None,
                coverage=measured,
                source_file=source.name if source else None,
                baseline=baseline_words,
                simulation=simulation,
            )
        )
    say("rendering")
    files: dict[str, str | bytes] = {}
    for report in reports:
        files[f"{report.name}.html"] = to_html(report)
        files[f"{report.name}.md"] = to_markdown(report)
        files[f"{report.name}.json"] = (
            json.dumps(report.to_json(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        )
        if request.xlsx:
            from .xlsx import workbook

            files[f"{report.name}.xlsx"] = workbook(report)
    comparison = None
    if len(loaded) > 1:
        from ..properties.compare import compare
        from .compare import to_html as comparison_html

        comparison = "compare.html"
        as_of, dated = request.today or dt.date.today(), request.today is not None
        files[comparison] = comparison_html(compare([p for _, p in loaded], as_of, dated=dated))
    files["index.html"] = index_html(
        reports, comparison=comparison, workbooks=[n for n in files if n.endswith(".xlsx")]
    )
    return reports, files


def _distinct(protocols: list[Protocol]) -> None:
    seen: dict[str, int] = {}
    for protocol in protocols:
        seen[protocol.metadata.id] = seen.get(protocol.metadata.id, 0) + 1
    repeated = [name for name, count in seen.items() if count > 1]
    if repeated:
        raise LoadError(
            [
                Located(
                    "protocols",
                    0,
                    0,
                    f"protocol id '{name}' is given more than once; "
                    "expected each protocol once (its id names its report files)",
                )
                for name in repeated
            ]
        )


def _pair_sources(sources: tuple[Path, ...], loaded: list[tuple[Path, Protocol]]) -> dict[str, tuple[Path, Document]]:
    """Each source text, read, with its protocol: the one whose metadata `source` names the file, or the only one."""
    paired: dict[str, tuple[Path, Document]] = {}
    for source in sources:
        named = [p for _, p in loaded if source.name in p.metadata.source]
        if not named and len(loaded) == 1:
            named = [loaded[0][1]]
        if len(named) != 1:
            raise LoadError(
                [
                    Located(
                        str(source),
                        0,
                        0,
                        "cannot tell which protocol this is the source text of; expected "
                        "a file whose name a protocol's metadata 'source' gives",
                    )
                ]
            )
        paired[named[0].metadata.id] = (source, read_document(source))
    return paired


def _varies(texts: tuple[str, ...]) -> list:
    """The `--vary`s parsed (`simulate.sweep.Vary`), or a `LoadError` saying which is wrong."""
    if not texts:
        return []
    from ..simulate.sweep import VaryError, grid, parse_vary

    try:
        varies = [parse_vary(text) for text in texts]
        grid(varies)
    except VaryError as problem:
        raise LoadError([Located("--vary", 0, 0, str(problem))]) from None
    return varies


def _pair_scenarios(scenarios: tuple[Path, ...], loaded: list[tuple[Path, Protocol]]) -> dict[str, Path]:
    """Each scenario with the protocol it names (its `protocol:` path), which must be one reported on."""
    if not scenarios:
        return {}
    from ..simulate.scenario import load_scenario

    by_path = {path.resolve(): protocol.metadata.id for path, protocol in loaded}
    paired: dict[str, Path] = {}
    for path in scenarios:
        scenario = load_scenario(path)
        name = by_path.get(scenario.protocol_path.resolve())
        if name is None:
            raise LoadError(
                [
                    Located(
                        str(path),
                        0,
                        0,
                        f"runs against {scenario.protocol_path}, which is not reported on; "
                        "expected a scenario of one of the protocols given",
                    )
                ]
            )
        if name in paired:
            raise LoadError(
                [
                    Located(
                        str(path),
                        0,
                        0,
                        f"a second scenario for '{name}' (the first is {paired[name]}); "
                        "expected one scenario per protocol",
                    )
                ]
            )
        paired[name] = path
    return paired


def simulate(path: Path, request: Request, varies: list, say: Say) -> Simulation:
    """The scenario at `path` run (its replications and seed, unless the request overrides the
    number of replications), and swept over `varies` (`simulate.sweep.Vary`) if any, or else over the
    sweep the scenario file plans (its `sweep:` section) if it has one."""
    from ..simulate import engine, replications, sweep
    from ..simulate.scenario import load_protocol_of, load_scenario
    from .simulation import document

    scenario = load_scenario(path)
    protocol = load_protocol_of(scenario)
    model = engine.prepare(scenario, protocol)
    count = request.replications or scenario.replications
    summary = replications.run(
        engine.run_replication,
        model,
        replications=count,
        seed=scenario.seed,
        workers=request.workers,
        progress=f"{scenario.id}",
    )
    say(f"  {count} replications in {summary.wall_seconds:.1f} s")
    swept = None
    planned, per_point = ([], None) if varies else scenario.planned_sweep()
    if varies or planned:
        try:
            swept = sweep.sweep(
                path, varies or planned, replications=request.replications or per_point, workers=request.workers
            )
        except sweep.VaryError as problem:
            raise LoadError([Located(str(path), 0, 0, str(problem))]) from None
        say(f"  sweep of {len(swept.points)} points in {swept.wall_seconds:.1f} s")
    settings = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    result = document(scenario, protocol, model, summary, str(path))
    return Simulation(str(path), scenario.title, settings, summary, model.budget, result, swept)


# --- writing --------------------------------------------------------------------------------------


def write(out: Path, files: dict[str, str | bytes]) -> list[Path]:
    """Write every file into the folder `out` (created if need be), each atomically. Raises
    `LoadError` before writing anything if a name would put a file outside the folder."""
    if out.exists() and not out.is_dir():
        raise LoadError([Located(str(out), 0, 0, "is a file; expected a folder to write the reports into")])
    folder = out.resolve()
    targets = []
    for name in files:
        target = folder / name
        if Path(name).name != name or name.startswith(".") or target.resolve().parent != folder:
            raise LoadError(
                [
                    Located(
                        str(out / name),
                        0,
                        0,
                        "would be written outside the output folder; expected a plain file name inside it",
                    )
                ]
            )
        targets.append(target)
    written = []
    mask = os.umask(0)
    os.umask(mask)
    for target, content in zip(targets, files.values()):
        try:
            written.append(write_atomic(target, content))
            target.chmod(0o666 & ~mask)  # readable as an ordinary file, not only by its owner
        except OSError as problem:
            raise LoadError(
                [Located(str(target), 0, 0, f"cannot write ({problem.strerror}); expected a writable folder")]
            ) from None
    return written
