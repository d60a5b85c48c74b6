"""The `protoverify` command line.

Exit codes: 0 success; 2 the input could not be loaded (each problem printed as
`file:line:col: what is wrong; what was expected`) or the command was used wrongly.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .model.loader import load_protocol
from .model.schema import Protocol, json_schema
from .model.source import LoadError
from .reports.files import check_outputs, claim, write_atomic

app = typer.Typer(
    help="Verify and simulate working protocols between youth justice services and children's social care.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

EXIT_INPUT = 2


class Format(StrEnum):
    text = "text"
    json = "json"


class Diagram(StrEnum):
    scxml = "scxml"
    mermaid = "mermaid"
    dot = "dot"


def _print_problems(problem: LoadError) -> None:
    for line in problem.problems:
        err.print(str(line), markup=False)


Force = Annotated[
    bool,
    typer.Option(
        "--force", help="Replace output files protoverify did not write, or that were changed since it wrote them."
    ),
]


def _outputs_free(paths: list[Path | None], force: bool) -> None:
    """Before any work: exit 2 if an output would replace a file protoverify did not write (without --force)."""
    try:
        check_outputs([p for p in paths if p is not None], force=force)
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None


def _write(outputs: list[tuple[Path, str | bytes]], force: bool) -> None:
    """Write each output file atomically (claimed together first, so a refusal writes none), or exit 2."""
    try:
        claim([path for path, _ in outputs], force=force)
        for path, content in outputs:
            write_atomic(path, content)
            err.print(f"wrote {path}", markup=False)
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None


Yes = Annotated[
    bool, typer.Option("--yes", help="Run even if the estimated cost is over the limit (about ten minutes' computing).")
]


def _interactive() -> bool:
    """Whether a question can be asked: the input is a terminal."""
    return sys.stdin.isatty()


def _affordable(estimate, where: Path | str, yes: bool) -> None:
    """Before a simulation: exit 2 with the estimated cost if `estimate()` (a `simulate.cost.Cost`) is
    over the limit and not confirmed by --yes or, at a terminal, at a prompt."""
    from .simulate import cost

    ask = (lambda question: typer.confirm(question, default=False, err=True)) if _interactive() else None
    try:
        cost.allow(estimate(), where, yes=yes, ask=ask)
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None


def _load(path: Path) -> Protocol:
    try:
        return load_protocol(path)
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None


def _bundled_baseline() -> Protocol:
    """The England baseline installed with protoverify; exit 2 with a clear message if it is missing."""
    from .properties.statute import bundled_baseline

    try:
        return bundled_baseline()
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None


def _counted(counts: dict[str, int]):
    """`n(key, singular, plural)` -> "1 role" / "5 roles"."""

    def n(key: str, singular: str, plural: str | None = None) -> str:
        return f"{counts[key]} {singular if counts[key] == 1 else plural or singular + 's'}"

    return n


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="A protocol YAML file.", show_default=False)],
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
) -> None:
    """Load a protocol and print a summary of what it contains, or say exactly what is wrong."""
    protocol = _load(file)
    counts = protocol.counts()
    if format is Format.json:
        out.print(
            json.dumps({"protocol": protocol.metadata.id, "file": str(file), "counts": counts}, indent=2), markup=False
        )
        return
    meta, n = protocol.metadata, _counted(counts)
    out.print(f"[bold]{meta.title}[/bold]  ({meta.id})")
    out.print(f"  agreed {meta.agreed or 'not stated'}, review {meta.review or 'not stated'}", markup=False)
    out.print(
        f"  {n('agencies', 'agency', 'agencies')}, {n('roles', 'role')}, {n('people', 'person', 'people')}; "
        f"{n('lifecycles', 'lifecycle')}, {n('states', 'state')}, {n('transitions', 'transition')}, {n('events', 'event')}",
        markup=False,
    )
    out.print(
        f"  {n('duties', 'duty', 'duties')} ({counts['duties_without_actor']} with no named actor, "
        f"{counts['duties_without_timescale']} with no timescale, {counts['vague_timescales']} vague); "
        f"{n('dimensions', 'responsibility dimension')}, {n('ownership_rules', 'ownership rule')}; "
        f"{n('escalation_routes', 'escalation route')}",
        markup=False,
    )
    out.print(f"  {n('clauses', 'clause')} ({counts['narrative_clauses']} narrative)", markup=False)
    out.print(f"[green]valid[/green]: {file}", markup=True)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of printing.")
    ] = None,
    scenario: Annotated[
        bool, typer.Option("--scenario", help="The schema of scenario files instead of protocol files.")
    ] = False,
    force: Force = False,
) -> None:
    """Print the JSON Schema of protocol files, or with --scenario of scenario files (for editors and other tools)."""
    if scenario:
        from .simulate.scenario import json_schema as scenario_schema

        text = json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write([(output, text)], force)


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="A protocol YAML file.", show_default=False)],
    to: Annotated[Diagram, typer.Option("--to", help="What to write.")] = Diagram.mermaid,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of printing.")
    ] = None,
    force: Force = False,
) -> None:
    """Write the protocol's case lifecycles as a statechart: SCXML, a Mermaid diagram or Graphviz DOT."""
    from .reports import diagrams, scxml

    _outputs_free([output], force)
    protocol = _load(file)
    writers = {Diagram.scxml: scxml.to_scxml, Diagram.mermaid: diagrams.to_mermaid, Diagram.dot: diagrams.to_dot}
    text = writers[to](protocol)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        _write([(output, text)], force)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; expected e.g. 2026-11-23") from None


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="A protocol YAML file.", show_default=False)],
    format: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Check as of this date (review dates); default today.", show_default=False),
    ] = None,
    accept: Annotated[
        Path | None,
        typer.Option(
            "--accept",
            help="Judgements file (accepted findings, assumptions); default PROTOCOL.judgements.yaml beside the protocol, if present.",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", min=0.001, help="Seconds per solver question; an undecided question is reported, never passed."
        ),
    ] = 10.0,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="Statutory baseline to hold the protocol against; default the bundled England baseline (protocols/baseline/england.yaml).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a protocol: ownership gaps and conflicts, deadline conflicts with dated witnesses, structure,
    text, metadata, and what it leaves to statute or states more loosely. Exit 0: no open error; 1: some;
    2: the input could not be loaded."""
    from .properties.check import check as run_checks
    from .properties.judgements import beside, load_judgements
    from .reports.findings import to_markdown, to_text

    as_of = _date(today)
    protocol = _load(file)
    statutory = _load(baseline) if baseline is not None else _bundled_baseline()
    judgements_path = accept if accept is not None else beside(file)
    judgements = None
    if accept is not None or judgements_path.exists():
        try:
            judgements = load_judgements(judgements_path, protocol)
        except LoadError as problem:
            _print_problems(problem)
            raise typer.Exit(EXIT_INPUT) from None
    report = run_checks(protocol, today=as_of, timeout=timeout, judgements=judgements, baseline=statutory)
    if format is CheckFormat.json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif format is CheckFormat.markdown:
        typer.echo(to_markdown(report), nl=False)
    else:
        typer.echo(to_text(report), nl=False)
    raise typer.Exit(report.exit_code)


@app.command()
def coverage(
    file: Annotated[Path, typer.Argument(help="A protocol YAML file.", show_default=False)],
    source: Annotated[
        Path,
        typer.Option("--source", help="The protocol's source document: plain text, .docx or .pdf.", show_default=False),
    ],
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
) -> None:
    """Hold an encoding against its source text: every clause encoded, narrative or missing; every time
    phrase matched by an encoded timescale or not. Exit 1 if anything is missing or unmatched."""
    from .model.document import read_document
    from .reports.coverage import coverage as measure

    protocol = _load(file)
    try:
        text = read_document(source)
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None
    result = measure(protocol, text)
    if format is Format.json:
        out.print(json.dumps(result.to_json(), indent=2, ensure_ascii=False), markup=False)
    else:
        _print_coverage(result, source)
    raise typer.Exit(0 if result.complete else 1)


def _print_coverage(result, source: Path) -> None:
    summary = result.to_json()
    out.print(f"[bold]{result.protocol}[/bold] against {source}")
    out.print(
        f"  clauses: {summary['clauses_total']} in the source; {summary['encoded']} encoded, "
        f"{summary['narrative']} narrative, {len(summary['unreviewed'])} unreviewed, {len(summary['missing'])} missing",
        markup=False,
    )
    out.print(
        f"  time phrases: {summary['timescales_total']} in the source; {summary['timescales_matched']} matched",
        markup=False,
    )
    for warning in result.warnings:
        out.print(f"  [yellow]warning[/yellow] {warning}")
    for clause in result.clauses:
        if clause.status in ("missing", "unreviewed"):
            out.print(f"  [red]{clause.status}[/red]   {clause.id}  ({clause.where}, {clause.kind})")
    for phrase in result.unmatched:
        out.print(f'  [red]unmatched[/red] {phrase.clause}: "{phrase.words}"', markup=True)
    for clause_id in result.not_in_source:
        out.print(
            f"  [yellow]not in the source[/yellow] {clause_id}: cited by the encoding, but the source has no such clause"
        )
    verdict = "[green]complete[/green]" if result.complete else "[red]incomplete[/red]"
    out.print(f"  {verdict}")


@app.command()
def extract(
    document: Annotated[
        Path, typer.Argument(help="A protocol document: plain text (UTF-8), .docx or .pdf.", show_default=False)
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the draft to this file instead of printing it.")
    ] = None,
    force: Force = False,
) -> None:
    """Draft a protocol YAML skeleton from a protocol document: agencies named, a candidate duty for each
    sentence with a modal verb, narrative for the rest. A draft for an author to finish, not an encoding."""
    from .model.extract import extract as draft

    _outputs_free([output], force)
    try:
        text = draft(document)
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write([(output, text)], force)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The old version of the protocol (YAML).", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The new version of the protocol (YAML).", show_default=False)],
    format: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Check both as of this date (review dates); default today.", show_default=False),
    ] = None,
) -> None:
    """Say what a redraft changes: duties added and removed, owners, timescales tightened or loosened,
    force, metadata, and findings introduced and resolved (each version with the judgements file beside
    it). Exit 0: no new open error; 1: the new version brings in an open error; 2: input not loaded."""
    from .reports.diff import diff_files, to_markdown, to_text

    as_of = _date(today)
    try:
        result = diff_files(old, new, today=as_of)
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None
    if format is CheckFormat.json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False, sort_keys=True))
    elif format is CheckFormat.markdown:
        typer.echo(to_markdown(result), nl=False)
    else:
        typer.echo(to_text(result), nl=False)
    raise typer.Exit(result.exit_code)


class SweepFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)],
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="A setting and its values: PATH=start:stop:step or PATH=x,y,z (repeat to vary several); default the scenario's own 'sweep:'.",
            show_default=False,
        ),
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications", min=1, help="Replications per point; default the scenario's.", show_default=False
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, help="Seed of every point; default the scenario's.", show_default=False),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Local worker processes; 1 runs serially; default one per CPU.", show_default=False
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Run on the Dask cluster at this address (tcp://host:port).", show_default=False
        ),
    ] = None,
    format: Annotated[SweepFormat, typer.Option("--format", help="Table format.")] = SweepFormat.csv,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write the table here instead of printing it (needed for xlsx).", show_default=False
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Write the plot here (.svg, .png or .pdf); default the table's path with .svg, when -o is given.",
            show_default=False,
        ),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            help="A metric to plot (repeat for several); default the overall on-time rate and P(YDA spend > budget).",
            show_default=False,
        ),
    ] = None,
    force: Force = False,
    yes: Yes = False,
) -> None:
    """Run a scenario at every combination of varied settings; write a table of each point's metrics
    (mean, 95% CI) and a plot against the first varied setting. Exit 2 if an input is wrong."""
    from .reports import sweeps
    from .simulate import cost
    from .simulate.replications import SchedulerError
    from .simulate.scenario import load_scenario
    from .simulate.sweep import VaryError, parse_vary
    from .simulate.sweep import sweep as run_sweep

    figure = plot if plot is not None else output.with_suffix(".svg") if output is not None else None
    usage = None
    if workers is not None and scheduler is not None:
        usage = "--workers and --scheduler are both given; expected one (a Dask cluster has its own workers)"
    elif format is SweepFormat.xlsx and output is None:
        usage = "--format xlsx: an xlsx table needs -o PATH; expected e.g. -o out/sweep.xlsx"
    elif figure is not None and figure.suffix.lstrip(".") not in sweeps.PLOT_FORMATS:
        usage = f"--plot {figure}: not a figure file; expected a path ending in .svg, .png or .pdf"
    if usage is not None:
        err.print(usage, markup=False)
        raise typer.Exit(EXIT_INPUT)
    _outputs_free([output, figure], force)
    try:
        varies = [parse_vary(text) for text in vary or ()]
        if not varies:
            varies, per_point = load_scenario(scenario).planned_sweep()
            replications = replications or per_point
        if not varies:
            raise VaryError(
                f"{scenario}: no --vary given and the scenario has no 'sweep:' section; expected --vary PATH=x,y,z, e.g. --vary staff.case_manager.count=6:12:2"
            )
        _affordable(lambda: cost.of_sweep(scenario, varies, replications), scenario, yes)
        result = run_sweep(
            scenario, varies, replications=replications, seed=seed, workers=workers, scheduler=scheduler, progress=True
        )
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None
    except (VaryError, SchedulerError) as problem:
        err.print(str(problem), markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    table = {SweepFormat.csv: sweeps.to_csv, SweepFormat.json: sweeps.to_json, SweepFormat.xlsx: sweeps.to_xlsx}[
        format
    ](result)
    if output is None:
        typer.echo(table, nl=False)
    else:
        _write([(output, table)], force)
    if figure is not None:
        try:
            picture = sweeps.plot(result, metric or sweeps.default_metrics(result), figure.suffix.lstrip("."))
        except ValueError as problem:
            err.print(f"--metric: {problem}", markup=False)
            raise typer.Exit(EXIT_INPUT) from None
        _write([(figure, picture)], force)
    points = len(result.points)
    err.print(f"{points} point{'s' if points != 1 else ''} in {result.wall_seconds:.1f} s", markup=False)


@app.command()
def report(
    protocols: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Protocol YAML files; none: the bundled seed protocols with their baseline scenarios.",
            show_default=False,
        ),
    ] = None,
    scenario: Annotated[
        list[Path] | None,
        typer.Option(
            "--scenario",
            help="A scenario to simulate (repeat: one per protocol; each names its protocol).",
            show_default=False,
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="A statutory baseline to check the protocols against.", show_default=False),
    ] = None,
    source: Annotated[
        list[Path] | None,
        typer.Option(
            "--source",
            help="A protocol's source document (text, .docx or .pdf), for clause coverage (repeat; matched by the file name the protocol's metadata gives).",
            show_default=False,
        ),
    ] = None,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="Sweep each scenario over a setting: PATH=start:stop:step or PATH=x,y,z (repeat for several).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="The folder to write the reports into.")] = Path(
        "out/report"
    ),
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Also write a workbook per protocol (findings, scenario, results, sweep).")
    ] = False,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="Check as of this date, and show it; default today, not shown.", show_default=False
        ),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.001, help="Seconds per solver question.")] = 10.0,
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications", min=1, help="Replications per scenario; default the scenario's.", show_default=False
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Local worker processes for the simulation; default one per CPU.",
            show_default=False,
        ),
    ] = None,
    force: Force = False,
    yes: Yes = False,
) -> None:
    """Write a gap report per protocol: one self-contained HTML page (with Markdown and JSON beside it),
    an index linking them, and with --xlsx a workbook. Exit 2 if an input cannot be used; nothing is
    written then."""
    from .reports import folder

    as_of = _date(today)
    try:
        request = folder.request(
            tuple(protocols or ()),
            scenarios=tuple(scenario or ()),
            sources=tuple(source or ()),
            baseline=baseline,
            varies=tuple(vary or ()),
            xlsx=xlsx,
            today=as_of,
            timeout=timeout,
            replications=replications,
            workers=workers,
        )
        if request.scenarios:
            _affordable(
                lambda: _report_cost(request),
                request.scenarios[0] if len(request.scenarios) == 1 else "--scenario",
                yes,
            )
        _, files = folder.build(request, say=lambda words: err.print(words, markup=False))
        claim([output / name for name in files], force=force)
        written = folder.write(output, files)
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None
    err.print(f"wrote {len(written)} files to {output}/", markup=False)
    out.print(f"report: {output / 'index.html'}", markup=False)


def _report_cost(request):
    """The estimated cost of the simulations a report request runs: each scenario, and its sweep."""
    from .simulate import cost
    from .simulate.scenario import load_scenario
    from .simulate.sweep import VaryError, parse_vary

    try:
        varies = [parse_vary(text) for text in request.varies]
    except VaryError:
        varies = []  # the report itself says what is wrong with it
    runs = []
    for path in request.scenarios:
        scenario = load_scenario(path)
        runs.append(cost.of_scenario(scenario, request.replications))
        planned, per_point = ([], None) if varies else scenario.planned_sweep()
        if varies or planned:
            runs.append(cost.of_sweep(path, varies or planned, request.replications or per_point))
    return cost.total(runs)


class SimulateFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@app.command()
def simulate(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file (it names its protocol).", show_default=False)],
    replications: Annotated[
        int | None,
        typer.Option("--replications", min=1, help="Replications; default the scenario's.", show_default=False),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed; default the scenario's.", show_default=False)
    ] = None,
    format: Annotated[SimulateFormat, typer.Option("--format", help="Output format.")] = SimulateFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write here instead of printing (needed for xlsx).", show_default=False),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Local worker processes; 1 runs serially; default one per CPU.", show_default=False
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Run on the Dask cluster at this address (tcp://host:port).", show_default=False
        ),
    ] = None,
    force: Force = False,
    yes: Yes = False,
    timing: Annotated[
        bool,
        typer.Option(
            "--timing",
            help="Add wall_seconds (how long the replications took) to JSON output; it then differs from run to run.",
        ),
    ] = False,
) -> None:
    """Simulate a caseload against a protocol: on-time rates per clause and duty type, staff utilisation
    and backlog, court cover, RiLAA waits, YDA bed nights and spend, P(spend > budget), each with a 95%
    confidence interval across replications. Exit 2 if an input cannot be used; nothing is written then."""
    from .reports import simulation as render
    from .simulate import cost
    from .simulate.replications import SchedulerError
    from .simulate.scenario import load_scenario
    from .simulate.simulation import simulate as run_scenario

    if workers is not None and scheduler is not None:
        raise typer.BadParameter("give --workers or --scheduler, not both (a Dask cluster has its own workers)")
    if format is SimulateFormat.xlsx and output is None:
        raise typer.BadParameter("xlsx output needs -o PATH; expected e.g. -o out/stockport.xlsx")
    _outputs_free([output], force)
    _affordable(lambda: cost.of_scenario(load_scenario(scenario), replications), scenario, yes)
    try:
        result = run_scenario(
            scenario,
            replications=replications,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            progress=True,
            timing=timing or format is SimulateFormat.text,
        )
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None
    except SchedulerError as problem:
        err.print(str(problem), markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    writers = {
        SimulateFormat.text: render.to_text,
        SimulateFormat.json: render.to_json,
        SimulateFormat.csv: render.to_csv,
        SimulateFormat.xlsx: render.to_xlsx,
    }
    content = writers[format](result)
    if output is None:
        typer.echo(content, nl=False)
    else:
        _write([(output, content)], force)


class CompareFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


@app.command()
def compare(
    files: Annotated[list[Path], typer.Argument(help="Two or more protocol YAML files.", show_default=False)],
    format: Annotated[CompareFormat, typer.Option("--format", help="Output format.")] = CompareFormat.text,
    today: Annotated[
        str | None, typer.Option("--today", help="Review status as of this date; default today.", show_default=False)
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="Add a statutory baseline as the last column (e.g. protocols/baseline/england.yaml).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of printing.")
    ] = None,
    force: Force = False,
) -> None:
    """Put protocols side by side: for each duty kind of the shared vocabulary, who does it, by when and
    under which clause in each, the kinds some address and others do not, and each one's review status."""
    from .model.source import Located
    from .properties.compare import compare as build
    from .reports.compare import to_html, to_markdown, to_text

    as_of = _date(today) or dt.date.today()
    _outputs_free([output], force)
    paths = [*files, *([baseline] if baseline is not None else [])]
    protocols = [_load(path) for path in paths]
    seen: dict[str, Path] = {}
    for path, protocol in zip(paths, protocols):
        if protocol.metadata.id in seen:
            _print_problems(
                LoadError(
                    [
                        Located(
                            str(path),
                            0,
                            0,
                            f"protocol id '{protocol.metadata.id}' is also the id of {seen[protocol.metadata.id]}; expected different protocols",
                        )
                    ]
                )
            )
            raise typer.Exit(EXIT_INPUT)
        seen[protocol.metadata.id] = path
    if len(protocols) < 2:
        raise typer.BadParameter("give at least two protocols (or one and --baseline) to compare")
    result = build(protocols, as_of, dated=today is not None)
    writers = {
        CompareFormat.text: to_text,
        CompareFormat.markdown: to_markdown,
        CompareFormat.html: to_html,
        CompareFormat.json: lambda c: json.dumps(c.to_json(), indent=2, ensure_ascii=False) + "\n",
    }
    text = writers[format](result)
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write([(output, text)], force)


def main() -> None:
    """Entry point of the `protoverify` console script."""
    app()
