"""What a redraft changes, for a reader: the diff of two versions of a protocol (`properties.diff`)
as text for a terminal and as Markdown, changes grouped by kind, each naming its clauses.
"""

from __future__ import annotations

from collections import Counter

from ..properties.diff import CHANGE_KINDS, Change, Diff

HEADINGS = {
    "duty-added": "Duties added",
    "duty-removed": "Duties removed",
    "duty-renamed": "Duties renamed (matched to their old version)",
    "owner-changed": "Owners changed (who does a duty, who holds a responsibility)",
    "timescale-tightened": "Timescales tightened",
    "timescale-loosened": "Timescales loosened",
    "timescale-changed": "Timescales changed, neither simply tighter nor looser",
    "modality-changed": "Force changed (must, should, may)",
    "duty-changed": "Other changes to duties",
    "responsibility-added": "Responsibilities added",
    "responsibility-removed": "Responsibilities removed",
    "responsibility-changed": "Responsibilities changed",
    "ownership-rule-added": "Ownership rules added",
    "ownership-rule-removed": "Ownership rules removed",
    "ownership-rule-renamed": "Ownership rules renamed (matched to their old version)",
    "ownership-rule-changed": "Ownership rules changed",
    "metadata-changed": "Metadata changed",
    "finding-introduced": "Findings introduced",
    "finding-severity-changed": "Findings whose severity changed",
    "finding-resolved": "Findings resolved",
}


def _title(d: Diff) -> list[str]:
    old, new = d.old.protocol.metadata, d.new.protocol.metadata
    counts = Counter(c.kind for c in d.changes)
    findings = counts["finding-introduced"] + counts["finding-severity-changed"] + counts["finding-resolved"]
    verdict = (
        f"the new version brings in {len(d.introduced_errors)} open "
        f"error{'s' if len(d.introduced_errors) != 1 else ''} (exit 1)"
        if d.introduced_errors
        else "the new version brings in no open error (exit 0)"
    )
    return [
        f"{old.id} (version {old.version or 'not stated'}, review {old.review or 'not stated'}) -> "
        f"{new.id} (version {new.version or 'not stated'}, review {new.review or 'not stated'})",
        f"checked as of {d.new.today.isoformat()}: {len(d.changes) - findings} changes to the text, "
        f"{findings} changes in findings; {verdict}",
    ]


def _groups(d: Diff) -> list[tuple[str, list[Change]]]:
    return [
        (kind, [c for c in d.changes if c.kind == kind])
        for kind in CHANGE_KINDS
        if any(c.kind == kind for c in d.changes)
    ]


def _clause_words(change: Change) -> str:
    return f"clause {', '.join(change.clauses)}" if change.clauses else "no clause"


def to_text(d: Diff) -> str:
    """The diff for a terminal: changes grouped by kind, each naming its clauses."""
    lines = [d.new.protocol.metadata.title, *_title(d), ""]
    if not d.changes:
        lines.append("No changes: the two versions say the same, and the checks find the same.")
    for kind, changes in _groups(d):
        lines += [f"== {HEADINGS[kind]} ({len(changes)})", ""]
        for change in changes:
            lines += [f"  {_clause_words(change)}: {change.message}", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_markdown(d: Diff) -> str:
    """The diff as a Markdown document, for a review pack or a pull request."""
    head = _title(d)
    lines = [
        f"# What the redraft changes: {d.new.protocol.metadata.title}",
        "",
        head[0],
        "",
        f"**{head[1][0].upper()}{head[1][1:]}.**",
        "",
    ]
    if not d.changes:
        lines += ["No changes: the two versions say the same, and the checks find the same.", ""]
    for kind, changes in _groups(d):
        lines += [f"## {HEADINGS[kind]} ({len(changes)})", ""]
        lines += [f"- **{_clause_words(change)}**: {change.message}" for change in changes]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
