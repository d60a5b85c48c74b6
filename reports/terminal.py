"""Summaries for a terminal, in rich console markup: what a protocol contains (`protoverify validate`)
and how its encoding covers its source text (`protoverify coverage`).

Names and words taken from the files are escaped, so nothing in a protocol is read as markup; on a
terminal the markup is colour, elsewhere it is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.markup import escape

from ..model.schema import Protocol
from .jsontext import json_text


def _counted(counts: dict[str, int]) -> Callable[..., str]:
    """`n(key, singular, plural)` -> "1 role" / "5 roles"."""

    def n(key: str, singular: str, plural: str | None = None) -> str:
        return f"{counts[key]} {singular if counts[key] == 1 else plural or singular + 's'}"

    return n


def contents(protocol: Protocol, file: str) -> str:
    """What the protocol in `file` contains: its dates, parties, lifecycles, duties, rules and clauses."""
    counts = protocol.counts()
    meta, n = protocol.metadata, _counted(counts)
    lines = [
        f"[bold]{escape(meta.title)}[/bold]  ({escape(meta.id)})",
        escape(f"  agreed {meta.agreed or 'not stated'}, review {meta.review or 'not stated'}"),
        f"  {n('agencies', 'agency', 'agencies')}, {n('roles', 'role')}, {n('people', 'person', 'people')}; "
        f"{n('lifecycles', 'lifecycle')}, {n('states', 'state')}, {n('transitions', 'transition')}, "
        f"{n('events', 'event')}",
        f"  {n('duties', 'duty', 'duties')} ({counts['duties_without_actor']} with no named actor, "
        f"{counts['duties_without_timescale']} with no timescale, {counts['vague_timescales']} vague); "
        f"{n('dimensions', 'responsibility dimension')}, {n('ownership_rules', 'ownership rule')}; "
        f"{n('escalation_routes', 'escalation route')}",
        f"  {n('clauses', 'clause')} ({counts['narrative_clauses']} narrative)",
        f"[green]valid[/green]: {escape(file)}",
    ]
    return "\n".join(lines) + "\n"


def contents_json(protocol: Protocol, file: str) -> str:
    """The protocol's id, its file and what it contains, counted, as JSON."""
    return json_text({"protocol": protocol.metadata.id, "file": file, "counts": protocol.counts()})


def coverage(result: Any, source: str) -> str:
    """The coverage of an encoding (`reports.coverage.Coverage`) against its source text `source`:
    the counts, then each clause missing, each time phrase unmatched, each clause cited but not in
    the source, and the verdict."""
    summary = result.to_json()
    lines = [
        f"[bold]{escape(result.protocol)}[/bold] against {escape(source)}",
        f"  clauses: {summary['clauses_total']} in the source; {summary['encoded']} encoded, "
        f"{summary['narrative']} narrative, {len(summary['missing'])} missing",
        f"  time phrases: {summary['timescales_total']} in the source; {summary['timescales_matched']} matched",
    ]
    for clause in result.clauses:
        if clause.status == "missing":
            lines.append(f"  [red]missing[/red]   {escape(clause.id)}  (line {clause.line}, {escape(clause.kind)})")
    for phrase in result.unmatched:
        lines.append(f'  [red]unmatched[/red] {escape(phrase.clause)}: "{escape(phrase.words)}"')
    for clause_id in result.not_in_source:
        lines.append(
            f"  [yellow]not in the source[/yellow] {escape(clause_id)}: "
            "cited by the encoding, but the source has no such clause"
        )
    lines.append(f"  {'[green]complete[/green]' if result.complete else '[red]incomplete[/red]'}")
    return "\n".join(lines) + "\n"
