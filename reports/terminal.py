"""Summaries for a terminal: what a protocol contains (`protoverify validate`) and how its encoding
covers its source text (`protoverify coverage`).

A few words are styled (bold, coloured) with ANSI codes, which the command line prints on a terminal
and leaves out elsewhere (`typer.echo`), so the text written to a pipe or a file is plain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from typer import style

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
        f"{style(meta.title, bold=True)}  ({meta.id})",
        f"  agreed {meta.agreed or 'not stated'}, review {meta.review or 'not stated'}",
        f"  {n('agencies', 'agency', 'agencies')}, {n('roles', 'role')}, {n('people', 'person', 'people')}; "
        f"{n('lifecycles', 'lifecycle')}, {n('states', 'state')}, {n('transitions', 'transition')}, "
        f"{n('events', 'event')}",
        f"  {n('duties', 'duty', 'duties')} ({counts['duties_without_actor']} with no named actor, "
        f"{counts['duties_without_timescale']} with no timescale, {counts['vague_timescales']} vague); "
        f"{n('dimensions', 'responsibility dimension')}, {n('ownership_rules', 'ownership rule')}; "
        f"{n('escalation_routes', 'escalation route')}",
        f"  {n('clauses', 'clause')} ({counts['narrative_clauses']} narrative)",
        f"{style('valid', fg='green')}: {file}",
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
        f"{style(result.protocol, bold=True)} against {source}",
        f"  clauses: {summary['clauses_total']} in the source; {summary['encoded']} encoded, "
        f"{summary['narrative']} narrative, {len(summary['unreviewed'])} unreviewed, {len(summary['missing'])} missing",
        f"  time phrases: {summary['timescales_total']} in the source; {summary['timescales_matched']} matched",
    ]
    for warning in result.warnings:
        lines.append(f"  {style('warning', fg='yellow')} {warning}")
    for clause in result.clauses:
        if clause.status in ("missing", "unreviewed"):
            lines.append(f"  {style(clause.status, fg='red')}   {clause.id}  ({clause.where}, {clause.kind})")
    for phrase in result.unmatched:
        lines.append(f'  {style("unmatched", fg="red")} {phrase.clause}: "{phrase.words}"')
    for clause_id in result.not_in_source:
        lines.append(
            f"  {style('not in the source', fg='yellow')} {clause_id}: "
            "cited by the encoding, but the source has no such clause"
        )
    lines.append(f"  {style('complete', fg='green') if result.complete else style('incomplete', fg='red')}")
    return "\n".join(lines) + "\n"
