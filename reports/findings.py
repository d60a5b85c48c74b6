"""Findings for people: a terminal listing grouped by severity, and Markdown for documents.

Both are derived from a `Report` (whose JSON is the contract); neither adds anything the JSON lacks.
Within a severity, findings are in clause order. A grouped finding shows its members as a compact
table; a finding's detail and dated example are shown after its message and suggestion (folded away
in Markdown, for the reader to unfold).
"""

from __future__ import annotations

import textwrap

from ..model.schema import clause_sort_key
from ..properties.check import Report
from ..properties.findings import Finding, Member

NOT_NAMED, NOT_SAID = "not named", "not said"  # a grouped finding's row with no one named, or no time given
COLUMNS = ("clause", "who", "what", "by when")  # a grouped finding's table
WIDTH = 114  # the most characters of a grouped finding's table in a terminal: 120 with its indent
HEADINGS = {"error": "Errors", "warning": "Warnings", "info": "For information"}
WHY = {
    "error": "a child can be left without a service, or statute breached, between agencies",
    "warning": "an ambiguity a practitioner may trip over",
    "info": "drafting, for the next review",
}


def in_clause_order(findings: list[Finding]) -> list[Finding]:
    """Findings by their first clause (in document order), then kind and id."""
    return sorted(findings, key=lambda f: (clause_sort_key(f.clauses[0]) if f.clauses else (9,), f.kind, f.id))


def _witness_lines(finding: Finding) -> list[str]:
    witness = finding.witness
    if witness is None:
        return []
    lines = []
    if witness.words and witness.words not in finding.message:
        lines.append(f"Example: {witness.words}")
    for entry in witness.timeline or ():
        day = entry.date.strftime("%a %d %b %Y")
        flag = "" if entry.working_day is None else ("" if entry.working_day else " (not a working day)")
        clause = f" [{entry.clause}]" if entry.clause else ""
        lines.append(f"{day}{flag}: {entry.event}{clause}")
    return lines


def _member_cells(member: Member) -> list[str]:
    clause = f'{member.clause} ("{member.opening}")' if member.opening else member.clause
    return [clause, member.who or NOT_NAMED, member.what, member.when or NOT_SAID]


def text_table(header: tuple[str, ...], rows: list[list[str]], width: int) -> list[str]:
    """Rows as a plain-text table at most `width` characters wide (or its columns' headers, if wider):
    each column as wide as its widest cell, the widest column narrowed first while the table is too
    wide, longer cells wrapped within their column (the first column's following lines indented, so
    that each row's start shows), columns two spaces apart, a rule under the header."""
    fit = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
    least = [max(len(h), 8) for h in header]
    room = width - 2 * (len(header) - 1)
    while sum(fit) > room:
        widest = max((i for i in range(len(fit)) if fit[i] > least[i]), key=lambda i: fit[i], default=None)
        if widest is None:
            break
        fit[widest] -= 1
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, fit)).rstrip(), "  ".join("-" * w for w in fit)]
    for row in rows:
        cells = [
            textwrap.wrap(cell, w, break_on_hyphens=False, subsequent_indent="  " if i == 0 else "") or [""]
            for i, (cell, w) in enumerate(zip(row, fit))
        ]
        for i in range(max(len(c) for c in cells)):
            lines.append("  ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(cells, fit)).rstrip())
    return lines


def _header(report: Report) -> tuple[str, str]:
    meta = report.protocol.metadata
    summary = report.summary()
    counts = f"{summary['error']} errors, {summary['warning']} warnings, {summary['info']} for information"
    extra = [f"{summary['accepted']} accepted"] if summary["accepted"] else []
    if summary["undecided"]:
        extra.append(f"{summary['undecided']} undecided (solver unknown or time-out)")
    return meta.title, counts + (f"; {', '.join(extra)}" if extra else "")


def to_text(report: Report) -> str:
    """The findings for a terminal: open ones grouped by severity, then the accepted ones."""
    title, counts = _header(report)
    lines = [title, f"checked as of {report.today.isoformat()}: {counts}", ""]
    for severity in ("error", "warning", "info"):
        group = in_clause_order([f for f in report.open if f.severity == severity])
        if not group:
            continue
        lines += [f"== {HEADINGS[severity]} ({len(group)}): {WHY[severity]}", ""]
        for finding in group:
            lines += _text_finding(finding)
    accepted = [f for f in report.findings if f.accepted is not None]
    if accepted:
        lines += [f"== Accepted ({len(accepted)})", ""]
        for finding in accepted:
            lines += [f"  {finding.id}  clause {', '.join(finding.clauses)}: accepted: {finding.accepted}", ""]
    if report.stale:
        lines += ["== Stale acceptances (no such finding any more): " + ", ".join(report.stale), ""]
    return "\n".join(lines).rstrip() + "\n"


def _text_finding(finding: Finding) -> list[str]:
    undecided = " [UNDECIDED]" if not finding.decided else ""
    lines = [
        f"  {finding.kind}{undecided}  clause {', '.join(finding.clauses[:6])}  ({finding.id})",
        f"    {finding.message}",
    ]
    if finding.members:
        lines += ["      " + line for line in text_table(COLUMNS, [_member_cells(m) for m in finding.members], WIDTH)]
    if finding.suggestion:
        lines.append(f"    Suggestion: {finding.suggestion}")
    if finding.detail:
        lines.append(f"    More: {finding.detail}")
    lines += [f"    {line}" for line in _witness_lines(finding)]
    return lines + [""]


def to_markdown(report: Report) -> str:
    """The findings as a Markdown document, for `docs/` or a review pack."""
    title, counts = _header(report)
    meta = report.protocol.metadata
    lines = [
        f"# Findings: {title}",
        "",
        f"Generated by `protoverify check --format markdown --today {report.today.isoformat()}` from "
        f"`{meta.id}`. Do not edit by hand; regenerate with `make findings`.",
        "",
        f"**{counts}.**",
        "",
    ]
    by_kind: dict[str, int] = report.summary()["by_kind"]
    if by_kind:
        lines += ["| kind | open findings |", "|---|---|"] + [f"| {kind} | {n} |" for kind, n in by_kind.items()] + [""]
    for severity in ("error", "warning", "info"):
        group = in_clause_order([f for f in report.open if f.severity == severity])
        if not group:
            continue
        lines += [f"## {HEADINGS[severity]} ({len(group)})", "", f"_{WHY[severity].capitalize()}._", ""]
        for finding in group:
            lines += _markdown_finding(finding)
    accepted = [f for f in report.findings if f.accepted is not None]
    if accepted:
        lines += [f"## Accepted ({len(accepted)})", ""]
        for finding in accepted:
            lines += [f"- `{finding.id}` ({finding.kind}, clause {', '.join(finding.clauses)}): {finding.accepted}"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _markdown_finding(finding: Finding) -> list[str]:
    undecided = " (undecided)" if not finding.decided else ""
    shown = ", ".join(finding.clauses[:6]) + (", ..." if len(finding.clauses) > 6 else "")
    lines = [f"### {finding.kind}{undecided}: clause {shown}", "", finding.message, ""]
    if finding.members:
        lines += ["| clause | who | what | by when |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(c.replace("|", "/") for c in _member_cells(m)) + " |" for m in finding.members]
        lines.append("")
    if finding.suggestion:
        lines += [f"*Suggestion:* {finding.suggestion}", ""]
    more = ([finding.detail] if finding.detail else []) + [f"- {line}" for line in _witness_lines(finding)]
    if more:
        lines += ["<details><summary>More</summary>", "", *more, "", "</details>", ""]
    lines += [f"<sub>`{finding.id}`</sub>", ""]
    return lines
