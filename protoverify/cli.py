"""The `protoverify` command line.

Exit codes: 0 success; 2 the input could not be loaded (each problem printed as
`file:line:col: what is wrong; what was expected`) or the command was used wrongly.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .model.loader import load_protocol
from .model.schema import Protocol, json_schema
from .model.source import LoadError, read_text
from .reports.files import write_atomic

app = typer.Typer(
    help="Verify and simulate working protocols between youth justice services and children's social care.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

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


def _load(path: Path) -> Protocol:
    try:
        return load_protocol(path)
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
        out.print(json.dumps({"protocol": protocol.metadata.id, "file": str(file), "counts": counts}, indent=2), markup=False)
        return
    meta, n = protocol.metadata, _counted(counts)
    out.print(f"[bold]{meta.title}[/bold]  ({meta.id})")
    out.print(f"  agreed {meta.agreed or 'not stated'}, review {meta.review or 'not stated'}", markup=False)
    out.print(f"  {n('agencies', 'agency', 'agencies')}, {n('roles', 'role')}, {n('people', 'person', 'people')}; "
              f"{n('lifecycles', 'lifecycle')}, {n('states', 'state')}, {n('transitions', 'transition')}, {n('events', 'event')}", markup=False)
    out.print(f"  {n('duties', 'duty', 'duties')} ({counts['duties_without_actor']} with no named actor, "
              f"{counts['duties_without_timescale']} with no timescale, {counts['vague_timescales']} vague); "
              f"{n('dimensions', 'responsibility dimension')}, {n('ownership_rules', 'ownership rule')}; "
              f"{n('escalation_routes', 'escalation route')}", markup=False)
    out.print(f"  {n('clauses', 'clause')} ({counts['narrative_clauses']} narrative)", markup=False)
    out.print(f"[green]valid[/green]: {file}", markup=True)


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of printing.")] = None,
) -> None:
    """Print the JSON Schema of protocol files (for editors and other tools)."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)
        err.print(f"wrote {output}", markup=False)


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="A protocol YAML file.", show_default=False)],
    to: Annotated[Diagram, typer.Option("--to", help="What to write.")] = Diagram.mermaid,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of printing.")] = None,
) -> None:
    """Write the protocol's case lifecycles as a statechart: SCXML, a Mermaid diagram or Graphviz DOT."""
    from .reports import diagrams, scxml

    protocol = _load(file)
    writers = {Diagram.scxml: scxml.to_scxml, Diagram.mermaid: diagrams.to_mermaid, Diagram.dot: diagrams.to_dot}
    text = writers[to](protocol)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        write_atomic(output, text)
        err.print(f"wrote {output}", markup=False)


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
    today: Annotated[str | None, typer.Option("--today", help="Check as of this date (review dates); default today.", show_default=False)] = None,
    accept: Annotated[Path | None, typer.Option("--accept", help="Judgements file (accepted findings, assumptions); default PROTOCOL.judgements.yaml beside the protocol, if present.", show_default=False)] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.001, help="Seconds per solver question; an undecided question is reported, never passed.")] = 10.0,
) -> None:
    """Check a protocol: ownership gaps and conflicts, deadline conflicts with dated witnesses, structure,
    text and metadata. Exit 0: no open error; 1: some; 2: the input could not be loaded."""
    from .properties.check import check as run_checks
    from .properties.judgements import beside, load_judgements
    from .reports.findings import to_markdown, to_text

    as_of = _date(today)
    protocol = _load(file)
    judgements_path = accept if accept is not None else beside(file)
    judgements = None
    if accept is not None or judgements_path.exists():
        try:
            judgements = load_judgements(judgements_path, protocol)
        except LoadError as problem:
            _print_problems(problem)
            raise typer.Exit(EXIT_INPUT) from None
    report = run_checks(protocol, today=as_of, timeout=timeout, judgements=judgements)
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
    source: Annotated[Path, typer.Option("--source", help="The protocol's source document, as plain text.", show_default=False)],
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
) -> None:
    """Hold an encoding against its source text: every clause encoded, narrative or missing; every time
    phrase matched by an encoded timescale or not. Exit 1 if anything is missing or unmatched."""
    from .reports.coverage import coverage as measure

    protocol = _load(file)
    try:
        text = read_text(source, "protocol document as plain text")
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
        f"{summary['narrative']} narrative, {len(summary['missing'])} missing",
        markup=False,
    )
    out.print(f"  time phrases: {summary['timescales_total']} in the source; {summary['timescales_matched']} matched", markup=False)
    for clause in result.clauses:
        if clause.status == "missing":
            out.print(f"  [red]missing[/red]   {clause.id}  (line {clause.line}, {clause.kind})")
    for phrase in result.unmatched:
        out.print(f"  [red]unmatched[/red] {phrase.clause}: \"{phrase.words}\"", markup=True)
    for clause_id in result.not_in_source:
        out.print(f"  [yellow]not in the source[/yellow] {clause_id}: cited by the encoding, but the source has no such clause")
    verdict = "[green]complete[/green]" if result.complete else "[red]incomplete[/red]"
    out.print(f"  {verdict}")


@app.command()
def extract(
    document: Annotated[Path, typer.Argument(help="A protocol document as plain text (UTF-8).", show_default=False)],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the draft to this new file instead of printing it.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
) -> None:
    """Draft a protocol YAML skeleton from a plain-text protocol: agencies named, a candidate duty for each
    sentence with a modal verb, narrative for the rest. A draft for an author to finish, not an encoding."""
    from .model.extract import extract as draft
    from .model.source import Located

    try:
        if output is not None and output.is_dir():
            raise LoadError([Located(str(output), 0, 0, "is a folder; expected the path of a new YAML file")])
        if output is not None and output.exists() and not force:
            raise LoadError([Located(str(output), 0, 0, "file exists; expected a new path, or --force to overwrite it")])
        text = draft(document)
        if output is None:
            typer.echo(text, nl=False)
            return
        try:
            write_atomic(output, text)
        except OSError as problem:
            raise LoadError([Located(str(output), 0, 0, f"cannot write ({problem.strerror}); expected a writable path")]) from None
    except LoadError as problem:
        _print_problems(problem)
        raise typer.Exit(EXIT_INPUT) from None
    err.print(f"wrote {output}", markup=False)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The old version of the protocol (YAML).", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The new version of the protocol (YAML).", show_default=False)],
    format: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    today: Annotated[str | None, typer.Option("--today", help="Check both as of this date (review dates); default today.", show_default=False)] = None,
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


def main() -> None:
    """Entry point of the `protoverify` console script."""
    app()
