"""The `protoverify` command line.

Exit codes: 0 success; 2 the input could not be loaded (each problem printed as
`file:line:col: what is wrong; what was expected`), an output could not be written, or the command
was used wrongly; 3 the solver failed. `check` and `diff` exit 1 for an open error; `coverage` for
a clause missing. Every command's formats come from `reports.formats.FORMATS`; its output is
printed or written by `output.emit`; every `ProtoverifyError` becomes its exit code in one place
(`EXIT_CODES`, applied to every command by `App`).
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import api
from .model.errors import ProtoverifyError, SolverError
from .output import emit, outputs_free, say, show, write
from .reports.formats import DEFAULTS, FORMATS
from .reports.jsontext import json_text

EXIT_INPUT = 2
EXIT_CODES: dict[type[ProtoverifyError], int] = {SolverError: 3, ProtoverifyError: EXIT_INPUT}
"""What each kind of failure exits with: the first kind the error is (LoadError, OutputError,
SchedulerError and VaryError are all input or usage problems: 2)."""


class App(typer.Typer):
    """A typer app whose commands turn a `ProtoverifyError` into its problems on standard error and
    its exit code (`EXIT_CODES`)."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable], Callable]:
        register = super().command(*args, **kwargs)

        def decorator(function: Callable) -> Callable:
            @functools.wraps(function)
            def run(*arguments: Any, **options: Any) -> Any:
                try:
                    return function(*arguments, **options)
                except ProtoverifyError as problem:
                    for line in problem.problems:
                        say(str(line))
                    code = next(code for kind, code in EXIT_CODES.items() if isinstance(problem, kind))
                    raise typer.Exit(code) from None

            register(run)
            return function

        return decorator


app = App(
    help="Verify and simulate working protocols between youth justice services and children's social care.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _formats(command: str) -> type[StrEnum]:
    """The `--format` choices of a command: the names of its formats."""
    return StrEnum(f"{command.title()}Format", {name: name for name in FORMATS[command]})  # type: ignore[return-value]


ValidateFormat, ExportFormat, CheckFormat, CoverageFormat, DiffFormat, CompareFormat, SimulateFormat, SweepFormat = (
    _formats(command) for command in ("validate", "export", "check", "coverage", "diff", "compare", "simulate", "sweep")
)

Force = Annotated[
    bool,
    typer.Option(
        "--force", help="Replace output files protoverify did not write, or that were changed since it wrote them."
    ),
]
Yes = Annotated[
    bool, typer.Option("--yes", help="Run even if the estimated cost is over the limit (about ten minutes' computing).")
]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of printing.")]
ProtocolFile = Annotated[Path, typer.Argument(help="A protocol YAML file.", show_default=False)]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", min=1, help="Local worker processes; 1 runs serially; default one per CPU.", show_default=False
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on the Dask cluster at this address (tcp://host:port).", show_default=False),
]


def _interactive() -> bool:
    """Whether a question can be asked: the input is a terminal."""
    return sys.stdin.isatty()


def _affordable(estimate: Callable[[], Any], where: Path | str, yes: bool) -> None:
    """Before a simulation: a `LoadError` with the estimated cost if `estimate()` (a `simulate.cost.Cost`)
    is over the limit and not confirmed by --yes or, at a terminal, at a prompt."""
    from .simulate import cost

    ask = (lambda question: typer.confirm(question, default=False, err=True)) if _interactive() else None
    cost.allow(estimate(), where, yes=yes, ask=ask)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; expected e.g. 2026-11-23") from None


@app.command()
def validate(
    file: ProtocolFile,
    format: Annotated[ValidateFormat, typer.Option("--format", help="Output format.")] = DEFAULTS["validate"],
) -> None:
    """Load a protocol and print a summary of what it contains, or say exactly what is wrong."""
    emit("validate", format, api.load_protocol(file), file=str(file))


@app.command()
def schema(
    output: Output = None,
    scenario: Annotated[
        bool, typer.Option("--scenario", help="The schema of scenario files instead of protocol files.")
    ] = False,
    force: Force = False,
) -> None:
    """Print the JSON Schema of protocol files, or with --scenario of scenario files (for editors and other tools)."""
    if scenario:
        from .simulate.scenario import json_schema
    else:
        from .model.schema import json_schema
    text = json_text(json_schema())
    if output is None:
        show(text)
    else:
        write([(output, text)], force)


@app.command()
def export(
    file: ProtocolFile,
    to: Annotated[ExportFormat, typer.Option("--to", help="What to write.")] = DEFAULTS["export"],
    output: Output = None,
    force: Force = False,
) -> None:
    """Write the protocol's case lifecycles as a statechart: SCXML, a Mermaid diagram or Graphviz DOT."""
    outputs_free([output], force)
    emit("export", to, api.load_protocol(file), output, force)


@app.command()
def check(
    file: ProtocolFile,
    format: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = DEFAULTS["check"],
    today: Annotated[
        str | None,
        typer.Option("--today", help="Check as of this date (review dates); default today.", show_default=False),
    ] = None,
    accept: Annotated[
        Path | None,
        typer.Option(
            "--accept",
            help="Judgements file (accepted findings, assumptions); "
            "default PROTOCOL.judgements.yaml beside the protocol, if present.",
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
            help="Statutory baseline to hold the protocol against; "
            "default the bundled England baseline (protocols/baseline/england.yaml).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a protocol: ownership gaps and conflicts, deadline conflicts with dated witnesses, structure,
    text, metadata, and what it leaves to statute or states more loosely. Exit 0: no open error; 1: some;
    2: the input could not be loaded."""
    as_of = _date(today)
    report = api.check_file(file, today=as_of, timeout=timeout, accept=accept, baseline=baseline)
    emit("check", format, report)
    raise typer.Exit(report.exit_code)


@app.command()
def coverage(
    file: Annotated[Path, typer.Argument(help="A protocol YAML file.", show_default=False)],
    source: Annotated[
        Path,
        typer.Option("--source", help="The protocol's source document: plain text, .docx or .pdf.", show_default=False),
    ],
    format: Annotated[CoverageFormat, typer.Option("--format", help="Output format.")] = DEFAULTS["coverage"],
) -> None:
    """Hold an encoding against its source text: every clause encoded, narrative or missing; every time
    phrase matched by an encoded timescale or not. Exit 1 if anything is missing or unmatched."""
    from .model.reading import read_document
    from .reports.coverage import coverage as measure

    protocol = api.load_protocol(file)
    text = read_document(source)
    result = measure(protocol, text)
    emit("coverage", format, result, source=str(source))
    raise typer.Exit(0 if result.complete else 1)


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

    outputs_free([output], force)
    text = draft(document)
    if output is None:
        show(text)
    else:
        write([(output, text)], force)


@app.command()
def init(
    document: Annotated[
        Path, typer.Argument(help="A protocol document: plain text (UTF-8), .docx or .pdf.", show_default=False)
    ],
    folder: Annotated[
        Path | None,
        typer.Argument(help="The folder to make; default one named after the document.", show_default=False),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty, replacing the four files there.")
    ] = False,
) -> None:
    """Make a working folder for encoding a protocol document: the draft encoding on the England library,
    an empty judgements file, a scenario skeleton and a README of next steps. Exit 2 if the document
    cannot be read or the folder is not free; nothing is written then."""
    from shlex import quote

    from .init import init as make

    made = make(document, folder, force=force)
    for path in made.files:
        say(f"wrote {path}")
    for note in made.notes:
        say(f"note: {note}")
    show(f"next: cd {quote(str(made.path))} && protoverify validate {quote(made.protocol.name)}")


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The old version of the protocol (YAML).", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The new version of the protocol (YAML).", show_default=False)],
    format: Annotated[DiffFormat, typer.Option("--format", help="Output format.")] = DEFAULTS["diff"],
    today: Annotated[
        str | None,
        typer.Option("--today", help="Check both as of this date (review dates); default today.", show_default=False),
    ] = None,
) -> None:
    """Say what a redraft changes: duties added and removed, owners, timescales tightened or loosened,
    force, metadata, and findings introduced and resolved (each version with the judgements file beside
    it). Exit 0: no new open error; 1: the new version brings in an open error; 2: input not loaded."""
    result = api.diff(old, new, today=_date(today))
    emit("diff", format, result)
    raise typer.Exit(result.exit_code)


def _usage(*problems: tuple[bool, str]) -> None:
    """Exit 2 with the words of the first problem that is there (a wrong use of the command's options)."""
    for present, words in problems:
        if present:
            say(words)
            raise typer.Exit(EXIT_INPUT)


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)],
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="A setting and its values: PATH=start:stop:step or PATH=x,y,z (repeat to vary several); "
            "default the scenario's own 'sweep:'.",
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
    workers: Workers = None,
    scheduler: Scheduler = None,
    format: Annotated[SweepFormat, typer.Option("--format", help="Table format.")] = DEFAULTS["sweep"],
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

    figure = plot if plot is not None else output.with_suffix(".svg") if output is not None else None
    _usage(
        (
            workers is not None and scheduler is not None,
            "--workers and --scheduler are both given; expected one (a Dask cluster has its own workers)",
        ),
        (
            FORMATS["sweep"][format].binary and output is None,
            f"--format {format}: an {format} table needs -o PATH; expected e.g. -o out/sweep.{format}",
        ),
        (
            figure is not None and figure.suffix.lstrip(".") not in sweeps.PLOT_FORMATS,
            f"--plot {figure}: not a figure file; expected a path ending in .svg, .png or .pdf",
        ),
    )
    outputs_free([output, figure], force)
    varies, replications = api.sweep_plan(scenario, vary or (), replications)
    _affordable(lambda: cost.of_sweep(scenario, varies, replications), scenario, yes)
    result = api.sweep(
        scenario, varies, replications=replications, seed=seed, workers=workers, scheduler=scheduler, progress=True
    )
    emit("sweep", format, result, output, force)
    if figure is not None:
        try:
            picture = sweeps.plot(result, metric or sweeps.default_metrics(result), figure.suffix.lstrip("."))
        except ValueError as problem:
            say(f"--metric: {problem}")
            raise typer.Exit(EXIT_INPUT) from None
        write([(figure, picture)], force)
    points = len(result.points)
    say(f"{points} point{'s' if points != 1 else ''} in {result.wall_seconds:.1f} s")


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
            help="A protocol's source document (text, .docx or .pdf), for clause coverage "
            "(repeat; matched by the file name the protocol's metadata gives).",
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
    from . import folder
    from .reports.files import claim, write_folder

    as_of = _date(today)
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
        where = request.scenarios[0] if len(request.scenarios) == 1 else "--scenario"
        _affordable(lambda: folder.cost(request), where, yes)
    _, files = folder.build(request, say=say)
    claim([output / name for name in files], force=force)
    written = write_folder(output, files)
    say(f"wrote {len(written)} files to {output}/")
    show(f"report: {output / 'index.html'}")


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
    format: Annotated[SimulateFormat, typer.Option("--format", help="Output format.")] = DEFAULTS["simulate"],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write here instead of printing (needed for xlsx).", show_default=False),
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
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
    from .simulate import cost
    from .simulate.loader import load_scenario

    if workers is not None and scheduler is not None:
        raise typer.BadParameter("give --workers or --scheduler, not both (a Dask cluster has its own workers)")
    if FORMATS["simulate"][format].binary and output is None:
        raise typer.BadParameter(f"{format} output needs -o PATH; expected e.g. -o out/stockport.{format}")
    outputs_free([output], force)
    _affordable(lambda: cost.of_scenario(load_scenario(scenario), replications), scenario, yes)
    result = api.simulate(
        scenario, replications=replications, seed=seed, workers=workers, scheduler=scheduler, progress=True
    )
    emit("simulate", format, result, output, force, timing=timing)


@app.command()
def compare(
    files: Annotated[list[Path], typer.Argument(help="Two or more protocol YAML files.", show_default=False)],
    format: Annotated[CompareFormat, typer.Option("--format", help="Output format.")] = DEFAULTS["compare"],
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
    output: Output = None,
    force: Force = False,
) -> None:
    """Put protocols side by side: for each duty kind of the shared vocabulary, who does it, by when and
    under which clause in each, the kinds some address and others do not, and each one's review status."""
    as_of = _date(today) or dt.date.today()
    outputs_free([output], force)
    if len(files) + (baseline is not None) < 2:
        for path in files:
            api.load_protocol(path)  # (a file that cannot be loaded is said first, as it always was)
        raise typer.BadParameter("give at least two protocols (or one and --baseline) to compare")
    emit("compare", format, api.compare(files, today=as_of, baseline=baseline), output, force)


def main() -> None:
    """Entry point of the `protoverify` console script."""
    app()
