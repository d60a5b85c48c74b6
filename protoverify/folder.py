"""The report folder: every protocol's gap report built in memory first, then written inside one folder.

`build` loads and checks each protocol, holds it against its source text where given, runs its
scenario where given, assembles each `reports.report.GapReport` and renders every file in memory in
the report's formats (`reports.formats.FORMATS["report"]`): `<id>.html`, `<id>.md`, `<id>.json`,
optionally `<id>.xlsx` and the review copy for Word `<id>-review.docx` (`reports.review`), with
several protocols `compare.html` (`reports.compare`, with the statutory baseline beside them for
reference), and `index.html`.
Any input that cannot be used raises a `LoadError` saying where and why before anything is written;
`reports.files.write_folder` then puts the files in the output folder.
`bundled` is the request `protoverify report` makes with no arguments: the two seed protocols with
their baseline scenarios and source texts where present. Statute is checked against `--baseline`, or
else the bundled England baseline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .api import check, load_protocol
from .model.document import Document
from .model.errors import LoadError, Located, OutputError
from .model.reading import read_document
from .model.schema import Protocol
from .model.source import present, read
from .properties.context import TIMEOUT_SECONDS
from .properties.judgements import beside, load_judgements
from .reports.coverage import coverage
from .reports.formats import FORMATS
from .reports.html import index_html
from .reports.report import BUNDLED_BASELINE, GapReport, SimulationSection, assemble
from .simulate.cost import Cost
from .simulate.loader import load_scenario
from .simulate.simulation import simulate as run_scenario
from .simulate.sweep import sweep as run_sweep
from .simulate.vary import Vary, VaryError, grid, parse_vary

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
    docx: bool = False  # a review copy for Word of each protocol's source document
    today: dt.date | None = None
    timeout: float = TIMEOUT_SECONDS
    workers: int | None = None
    replications: int | None = None


def report(
    protocols: Sequence[str | Path] = (),
    *,
    scenarios: Sequence[str | Path] = (),
    sources: Sequence[str | Path] = (),
    baseline: str | Path | None = None,
    varies: Sequence[str] = (),
    xlsx: bool = False,
    docx: bool = False,
    today: dt.date | None = None,
    timeout: float | None = None,
    replications: int | None = None,
    workers: int | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> tuple[list[GapReport], dict[str, str | bytes]]:
    """A gap report on each protocol (none: the bundled seed protocols with their baseline scenarios),
    and every file of the report folder by name, built in memory; `reports.files.write_folder` writes
    them. `say` hears what is being done."""
    settings = {} if timeout is None else {"timeout": timeout}
    built = request(
        tuple(map(Path, protocols)),
        scenarios=tuple(map(Path, scenarios)),
        sources=tuple(map(Path, sources)),
        baseline=Path(baseline) if baseline is not None else None,
        varies=tuple(varies),
        xlsx=xlsx,
        docx=docx,
        today=today,
        replications=replications,
        workers=workers,
        **settings,
    )
    return build(built, say)


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
    _unreserved(loaded)
    sources = _pair_sources(request.sources, loaded)
    scenarios = _pair_scenarios(request.scenarios, loaded)
    varies = _varies(request.varies)
    if varies and not scenarios:
        raise LoadError([Located("--vary", 0, 0, "there is no scenario to sweep; expected --scenario with --vary")])
    if request.docx:
        _sourced([protocol for _, protocol in loaded], sources)
    reports = []
    for path, protocol in loaded:
        name = protocol.metadata.id
        say(f"checking {name} ({path})")
        judgements = load_judgements(beside(path), protocol) if present(beside(path)) else None
        report = check(protocol, today=request.today, timeout=request.timeout, judgements=judgements, baseline=baseline)
        source, text = sources.get(name, (None, None))
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
                coverage=coverage(protocol, text) if text is not None else None,
                source_file=source.name if source else None,
                baseline=baseline_words,
                simulation=simulation,
            )
        )
    say("rendering")
    return reports, render(reports, [protocol for _, protocol in loaded], request, sources)


def render(
    reports: list[GapReport],
    protocols: list[Protocol],
    request: Request,
    sources: dict[str, tuple[Path, Document]] | None = None,
) -> dict[str, str | bytes]:
    """Every file of the folder by name: each report in the report's formats (the workbook only if the
    request asks for it, the review copy for Word of its source document likewise), with several
    protocols their comparison, and the index."""
    formats = {name: f for name, f in FORMATS["report"].items() if request.xlsx or not f.binary}
    files: dict[str, str | bytes] = {}
    for report in reports:
        for name, form in formats.items():
            _add(files, f"{report.name}.{form.suffix or name}", form.render(report))
        if request.docx and sources and report.name in sources:
            from .reports.review import review_copy

            path, document = sources[report.name]
            original = path.read_bytes() if document.unit == "paragraph" else None  # read from a .docx
            _add(files, f"{report.name}-review.docx", review_copy(report, document, original))
    comparison = None
    if len(protocols) > 1:
        from .properties.compare import compare
        from .properties.statute import bundled_baseline
        from .reports.compare import to_html as comparison_html

        comparison = "compare.html"
        as_of, dated = request.today or dt.date.today(), request.today is not None
        statute = load_protocol(request.baseline) if request.baseline is not None else bundled_baseline()
        _add(files, comparison, comparison_html(compare(protocols, as_of, dated=dated, baseline=statute)))
    _add(
        files,
        "index.html",
        index_html(reports, comparison=comparison, workbooks=[n for n in files if n.endswith((".xlsx", ".docx"))]),
    )
    return files


PAGES = {"index": "index", "compare": "comparison"}
"""The report folder's own pages (`index.html`, `compare.html`) by file stem: no report may take their names."""


def _unreserved(loaded: list[tuple[Path, Protocol]]) -> None:
    """A `LoadError` at the id of each protocol whose report files would take the name of one of the
    folder's own pages (and be overwritten by it, or overwrite it)."""
    problems = []
    for path, protocol in loaded:
        name = protocol.metadata.id
        if name in PAGES:
            line, col, _ = read(path, "protocol").position(("metadata", "id"))
            problems.append(
                Located(
                    str(path),
                    line,
                    col,
                    f"protocol id '{name}' would name its report {name}.html, the report folder's own "
                    f"{PAGES[name]} page; expected another id (its report's files are named by it)",
                )
            )
    if problems:
        raise LoadError(problems)


def _add(files: dict[str, str | bytes], name: str, content: str | bytes) -> None:
    """Put a file into the folder being built; two files of one name are a fault of protoverify's."""
    if name in files:
        raise OutputError([Located(name, 0, 0, "two files of the report have this name; expected each once")])
    files[name] = content


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


def _sourced(protocols: list[Protocol], sources: dict[str, tuple[Path, Document]]) -> None:
    """That every protocol has its source document, for its review copy for Word."""
    lacking = [p for p in protocols if p.metadata.id not in sources]
    if lacking:
        raise LoadError(
            [
                Located(
                    "--docx",
                    0,
                    0,
                    f"no source document for '{p.metadata.id}' to write its review copy from; expected "
                    f"--source with its document (.docx, .pdf or text: {p.metadata.source or 'no name given'})",
                )
                for p in lacking
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


def _varies(texts: tuple[str, ...]) -> list[Vary]:
    """The `--vary`s parsed, or a `LoadError` saying which is wrong."""
    if not texts:
        return []
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


def simulate(path: Path, request: Request, varies: list[Vary], say: Say) -> SimulationSection:
    """The scenario at `path` run (its replications and seed, unless the request overrides the
    number of replications), and swept over `varies` if any, or else over the sweep the scenario
    file plans (its `sweep:` section) if it has one."""
    run = run_scenario(path, replications=request.replications, workers=request.workers, progress=True, keep=True)
    say(f"  {run.summary.replications} replications in {run.summary.wall_seconds:.1f} s")
    swept = None
    planned, per_point = ([], None) if varies else run.scenario.planned_sweep()
    if varies or planned:
        try:
            swept = run_sweep(
                path,
                varies or planned,
                replications=request.replications or per_point,
                workers=request.workers,
                reference=(run.summary, run.per_replication or ()),
            )
        except VaryError as problem:
            raise LoadError([Located(str(path), 0, 0, str(problem))]) from None
        say(f"  sweep of {len(swept.points)} points in {swept.wall_seconds:.1f} s")
    return SimulationSection(run, swept)


def cost(request: Request) -> Cost:
    """The estimated cost of the simulations a report request runs: each scenario, and its sweep."""
    from .simulate import cost

    try:
        varies = _varies(request.varies)
    except LoadError:
        varies = []  # the report itself says what is wrong with it
    runs = []
    for path in request.scenarios:
        scenario = load_scenario(path)
        runs.append(cost.of_scenario(scenario, request.replications))
        planned, per_point = ([], None) if varies else scenario.planned_sweep()
        if varies or planned:
            runs.append(cost.of_sweep(path, varies or planned, request.replications or per_point))
    return cost.total(runs)
