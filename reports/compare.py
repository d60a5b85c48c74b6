"""Protocols side by side, for a reader: the comparison matrix (`properties.compare`) as text for a
terminal (`to_text`), a Markdown document (`to_markdown`) and one self-contained HTML page
(`to_html`: inline CSS, no scripts, nothing fetched).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from ..properties.compare import Comparison, Entry, Row

TEMPLATES = Path(__file__).parent / "templates"  # compare.html.j2: the page, with its inline CSS

# --- renderers ------------------------------------------------------------------------------------


def to_text(comparison: Comparison) -> str:
    """The comparison for a terminal: each kind, then each protocol's entries under it."""
    lines = [f"Comparison as of {comparison.as_of}", ""]
    for c, untagged in zip(comparison.columns, comparison.untagged):
        lines.append(
            f"  {c.id}: {c.title}; agreed {c.agreed or 'not stated'}; {c.review_words(comparison.today)}; "
            f"{untagged} duties without a kind (not compared)"
        )
    topic = None
    for row in comparison.rows:
        if row.topic != topic:
            topic = row.topic
            lines += ["", f"== {topic}"]
        lines += ["", f"  {row.kind}: {row.name}"]
        for c, cell in zip(comparison.columns, row.cells):
            if not cell:
                lines.append(f"    {c.id}: (not addressed)")
            for entry in cell:
                lines.append(f"    {c.id}: {entry.line()}")
    lines += ["", "== Addressed by some and not others", ""]
    lines += [
        f"  {row.kind}: addressed by {', '.join(yes)}; not by {', '.join(no)}"
        for row, yes, no in comparison.differences()
    ] or ["  (none)"]
    return "\n".join(lines) + "\n"


def _cell_markdown(cell: tuple[Entry, ...]) -> str:
    if not cell:
        return "—"
    return "<br>".join(e.line().replace("|", "\\|") for e in cell)


def to_markdown(comparison: Comparison) -> str:
    """The comparison as a Markdown document: a table per topic, kinds by protocols."""
    columns = comparison.columns
    lines = [
        "# Protocols compared",
        "",
        f"As of {comparison.as_of}. Each row is a duty kind of the shared vocabulary; each cell lists "
        "who does it, by when and under which clause; — means the protocol does not address it.",
        "",
        "| protocol | agreed | review | duties without a kind |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {c.id}: {c.title} | {c.agreed or 'not stated'} | {c.review_words(comparison.today)} | {n} |"
        for c, n in zip(columns, comparison.untagged)
    ]
    topic = None
    for row in comparison.rows:
        if row.topic != topic:
            topic = row.topic
            lines += [
                "",
                f"## {topic.capitalize()}",
                "",
                "| duty kind | " + " | ".join(c.id for c in columns) + " |",
                "|---" * (len(columns) + 1) + "|",
            ]
        lines.append(f"| **{row.kind}**: {row.name} | " + " | ".join(_cell_markdown(cell) for cell in row.cells) + " |")
    lines += ["", "## Addressed by some and not others", ""]
    lines += [
        f"- `{row.kind}` ({row.name}): addressed by {', '.join(yes)}; not by {', '.join(no)}"
        for row, yes, no in comparison.differences()
    ] or ["(none)"]
    return "\n".join(lines) + "\n"


def to_html(comparison: Comparison) -> str:
    """The comparison as one self-contained HTML page (inline CSS, no scripts, nothing fetched)."""
    topics: list[tuple[str, list[Row]]] = []
    for row in comparison.rows:
        if not topics or topics[-1][0] != row.topic:
            topics.append((row.topic, []))
        topics[-1][1].append(row)
    template = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True).get_template("compare.html.j2")
    return template.render(
        c=comparison,
        columns=list(zip(comparison.columns, comparison.untagged)),
        topics=topics,
        differences=comparison.differences(),
    )
