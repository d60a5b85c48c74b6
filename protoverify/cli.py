"""The `protoverify` command line.

Exit codes: 0 success; 2 the input could not be loaded (each problem printed as
`file:line:col: what is wrong; what was expected`), an output could not be written, or the command
was used wrongly; 3 the solver failed. `check` and `diff` exit 1 for an open error; `coverage` for
a clause missing. Every command's formats come from `reports.formats.FORMATS`; its output is
printed or written by `output.emit`; every `ProtoverifyError` becomes its exit code in one place
(`EXIT_CODES`, applied to every command by `App`).
"""

import datetime as dt
import gc
from pathlib import Path
from typing import Annotated

import typer

from . import (
    api,
    simulation_commands,  # noqa: F401  (registers simulate, sweep and warmup)
)
from .commandline import (  # noqa: F401  (EXIT_CODES and app are the CLI's public names)
    EXIT_CODES,
    LONGEST_TIMEOUT,
    QUICK_EXIT,
    CheckFormat,
    CompareFormat,
    CoverageFormat,
    DiffFormat,
    ExportFormat,
    Force,
    Output,
    ProtocolFile,
    ValidateFormat,
    Yes,
    affordable,
    app,
    leave,
    parse_date,
)
from .output import emit, outputs_free, say, show, write
from .reports.formats import DEFAULTS
from .reports.jsontext import json_text


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
            "--timeout",
            min=0.001,
            max=LONGEST_TIMEOUT,
            help="Seconds per solver question; an undecided question is reported, never passed.",
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
    as_of = parse_date(today)
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
    result = api.diff(old, new, today=parse_date(today))
    emit("diff", format, result)
    raise typer.Exit(result.exit_code)


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
    docx: Annotated[
        bool,
        typer.Option(
            "--docx",
            help="Also write a review copy for Word per protocol: its --source document (a .docx as given, "
            "or built from text or PDF) with each open finding as a comment on its clause.",
        ),
    ] = False,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="Check as of this date, and show it; default today, not shown.", show_default=False
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.001, max=LONGEST_TIMEOUT, help="Seconds per solver question.")
    ] = 10.0,
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
    an index linking them, with --xlsx a workbook and with --docx a review copy for Word. Exit 2 if an input cannot be used; nothing is
    written then."""
    from . import folder
    from .reports.files import claim, write_folder

    as_of = parse_date(today)
    request = folder.request(
        tuple(protocols or ()),
        scenarios=tuple(scenario or ()),
        sources=tuple(source or ()),
        baseline=baseline,
        varies=tuple(vary or ()),
        xlsx=xlsx,
        docx=docx,
        today=as_of,
        timeout=timeout,
        replications=replications,
        workers=workers,
    )
    if request.scenarios:
        where = request.scenarios[0] if len(request.scenarios) == 1 else "--scenario"
        affordable(lambda: folder.cost(request), where, yes)
    _, files = folder.build(request, say=say)
    claim([output / name for name in files], force=force)
    written = write_folder(output, files)
    say(f"wrote {len(written)} files to {output}/")
    show(f"report: {output / 'index.html'}")


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
    as_of = parse_date(today) or dt.date.today()
    outputs_free([output], force)
    if len(files) + (baseline is not None) < 2:
        for path in files:
            api.load_protocol(path)  # (a file that cannot be loaded is said first, as it always was)
        raise typer.BadParameter("give at least two protocols (or one and --baseline) to compare")
    emit("compare", format, api.compare(files, today=as_of, baseline=baseline), output, force)


def main() -> None:
    """Entry point of the `protoverify` console script (and `python -m protoverify`). After a command
    of `QUICK_EXIT`, which run with the garbage collector off, it ends the process itself
    (`commandline.leave`); to run a command inside another program, call `app()`, which raises
    `SystemExit` at the end, or use the API."""
    gc.disable()  # (on again when a command other than QUICK_EXIT starts: App.command)
    try:
        app()
    except SystemExit as end:
        if app.ran in QUICK_EXIT:
            leave(end.code)
        raise
