"""The review copy for Word: the author's own protocol document with the gap report's open findings
as Word comments, for them to work through in the program they wrote it in.

From a Word source (.docx) the copy is their document itself, unchanged but for the comments; from
a text or PDF source it is a plain Word document built from the text, a paragraph to each line,
headings and bulleted entries as the source marks them. Each clause's open findings of one kind
make one comment, anchored at the paragraph the clause starts in (`model.sourcetext` finds it, as
the coverage check does). A summary comment on the first paragraph counts the open findings, says
that accepted ones are left out, and lists the findings whose clauses the document does not have.
The copy is byte-identical for identical inputs: comments carry no date, the document's modified
date is the --today date (or 1 January 2000), and the zip entries' times are fixed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from ..model.document import Document
from ..model.docxsource import paragraphs
from ..model.sourcetext import segments
from ..properties.findings import Finding
from ..properties.kinds import KIND
from .report import GapReport
from .xlsx import FIXED, fixed_times

AUTHOR, INITIALS = "protoverify", "PV"


def review_copy(report: GapReport, document: Document, original: bytes | None = None) -> bytes:
    """The review copy of `report`'s source `document`: `original` (the .docx it was read from) with the
    comments added, or, with no original, a Word document built from the document's lines."""
    import docx

    if original is None:
        word, at = _built(document, docx.Document())
    else:
        word = docx.Document(io.BytesIO(original))
        at = {n: p for n, p in enumerate(paragraphs(word), start=1) if p.runs}
    starts = {segment.id: segment.line for segment in segments(document)}
    groups: dict[tuple[int, str], list[Finding]] = {}
    unplaced: list[Finding] = []
    for finding in report.findings():
        line = next((starts[c] for c in finding.clauses if c in starts and at.get(starts[c]) is not None), None)
        if line is None:
            unplaced.append(finding)
        else:
            groups.setdefault((line, finding.kind), []).append(finding)
    first = next((p for _, p in sorted(at.items()) if p.runs), None)
    comments = [(first, _summary(report, unplaced))] if first is not None else []
    comments += [(at[line], _comment(findings)) for (line, _kind), findings in sorted(groups.items())]
    for paragraph, text in comments:
        comment = word.add_comment(paragraph.runs, text, AUTHOR, INITIALS)
        comment._comment_elm.date = None  # python-docx dates it by the clock; undated, equal inputs give equal bytes
    when = dt.datetime.combine(report.check.today, dt.time()) if report.dated else FIXED
    properties = word.core_properties
    properties.modified = when
    properties.last_modified_by = AUTHOR
    if original is None:
        properties.created = when
        properties.author = AUTHOR
        properties.title = report.protocol.metadata.title
        properties.revision = 1
    buffer = io.BytesIO()
    word.save(buffer)
    return fixed_times(buffer.getvalue(), when)


def _built(document: Document, word: Any) -> tuple[Any, dict[int, Any]]:
    """The document's lines as paragraphs of the (empty) Word document `word`, blank lines left out,
    and each line (its `Line.at`) to its paragraph."""
    at = {}
    for line in document.lines:
        text = line.text.strip()
        if not text:
            continue
        if line.heading is not None:
            at[line.at] = word.add_heading(text, level=min(line.heading, 9))
        else:
            at[line.at] = word.add_paragraph(text, style="List Bullet" if line.listed else None)
    return word, at


def _summary(report: GapReport, unplaced: Sequence[Finding]) -> str:
    counts = report.check.summary()
    open_count = counts["error"] + counts["warning"] + counts["info"]
    title = report.protocol.metadata.title
    today = report.check.today
    dated = f" as of {today.day} {today:%B %Y}" if report.dated else ""
    lines = [
        f"protoverify's review of {title}{dated}: {open_count} open findings ({counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} notes), as comments on the clauses they concern, "
        "one comment for each clause and kind of finding.",
        f"{counts['accepted']} findings the authors have accepted are left out; the gap report lists them.",
    ]
    if unplaced:
        lines.append("Findings on clauses this document does not have:")
        lines += [_entry(f) for f in unplaced]
    return "\n".join(lines)


def _comment(findings: Sequence[Finding]) -> str:
    kind = KIND[findings[0].kind]
    head = kind.words(len(findings))
    return "\n".join([head[0].upper() + head[1:] + ":", *map(_entry, findings)])


def _entry(finding: Finding) -> str:
    clauses = f" (clauses {', '.join(finding.clauses)})" if finding.clauses else ""
    suggestion = f" Suggestion: {finding.suggestion}" if finding.suggestion else ""
    return f"[{finding.severity}] {finding.message}{clauses}{suggestion} [{finding.id}]"
