"""Protocols side by side, for a reader: the comparison matrix (`properties.compare`) as text for a
terminal (`to_text`), a Markdown document (`to_markdown`) and one self-contained HTML page
(`to_html`: the reports' style sheet inline, no scripts, nothing fetched).

Every form names a protocol by its short name (its metadata `short`, else its title), never by its
id, and says when a duty applies in the protocol's words. The statutory baseline, when compared, is
the last column and is shown as a reference: statute setting no duty of a kind is not a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..model.wording import long_date
from ..properties.compare import Column, Comparison, Difference, Entry, Row

TEMPLATES = Path(__file__).parent / "templates"  # compare.html.j2, with the reports' style.css
NOT_ADDRESSED = "not addressed"
NO_STATUTE = "no duty in the baseline"

# --- words every form shares ---------------------------------------------------------------------------


def as_of_words(comparison: Comparison) -> str:
    """The date compared as of, or that none was given."""
    if comparison.dated:
        return long_date(comparison.today)
    return "no date given (review dates were compared with the day this was made; give --today to state it)"


def review_words(column: Column, comparison: Comparison) -> str:
    """A protocol's review status in words, with long dates."""
    if column.review is None:
        return "no review date"
    if column.status == "overdue":
        return f"overdue since {long_date(column.review)}"
    return f"due {long_date(column.review)}"


def share_words(column: Column, untagged: int) -> str:
    """How many of a protocol's duties are compared: '32 of 97 (33%)'."""
    if not column.duties:
        return "no duties"
    compared = column.duties - untagged
    return f"{compared} of {column.duties} ({round(100 * compared / column.duties)}%)"


def empty_words(column: Column) -> str:
    """What an empty cell says: a gap for a protocol, no duty for statute."""
    return NO_STATUTE if column.reference else NOT_ADDRESSED


def tick_words(addressed: bool, column: Column) -> str:
    """A cell of the matrix of kinds addressed by some and not others, with its symbol."""
    if addressed:
        return "✔ yes"
    return "– none" if column.reference else "✘ no"


def difference_words(difference: Difference, comparison: Comparison) -> str:
    """One kind the protocols do not all address, in a sentence."""
    short = {c.id: c.short for c in comparison.columns}
    yes = ", ".join(short[i] for i in difference.addressed_by) or "no protocol"
    no = ", ".join(short[i] for i in difference.not_addressed_by)
    statute = (
        "" if difference.statute is None else "; statute sets a duty" if difference.statute else "; statute sets none"
    )
    return f"addressed by {yes}; not by {no}{statute}"


def _topics(rows: Sequence[Row]) -> list[tuple[str, list[Row]]]:
    topics: list[tuple[str, list[Row]]] = []
    for row in rows:
        if not topics or topics[-1][0] != row.topic:
            topics.append((row.topic, []))
        topics[-1][1].append(row)
    return topics


# --- renderers ------------------------------------------------------------------------------------


def to_text(comparison: Comparison) -> str:
    """The comparison for a terminal: each kind, then each protocol's entries under it."""
    lines = [f"Protocols compared, as of {as_of_words(comparison)}", ""]
    for c, untagged in zip(comparison.columns, comparison.untagged):
        role = " (statutory baseline, for reference)" if c.reference else ""
        lines.append(
            f"  {c.short}{role}: {c.title}; agreed {long_date(c.agreed) if c.agreed else 'not stated'}; "
            f"review: {review_words(c, comparison)}; duties compared: {share_words(c, untagged)}"
        )
    for topic, rows in _topics(comparison.rows):
        lines += ["", f"== {topic.capitalize()}"]
        for row in rows:
            lines += ["", f"  {row.name}"]
            for c, cell in zip(comparison.columns, row.cells):
                if not cell:
                    lines.append(f"    {c.short}: ({empty_words(c)})")
                for entry in cell:
                    lines.append(f"    {c.short}: {entry.line()}")
    lines += ["", "== Addressed by some and not others", ""]
    lines += [f"  {d.row.name}: {difference_words(d, comparison)}" for d in comparison.differences()] or ["  (none)"]
    return "\n".join(lines) + "\n"


def _cell_markdown(cell: tuple[Entry, ...], column: Column) -> str:
    if not cell:
        return f"— ({empty_words(column)})" if column.reference else "—"
    return "<br>".join(e.line().replace("|", "\\|") for e in cell)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(comparison: Comparison) -> str:
    """The comparison as a Markdown document: a table per topic, kinds by protocols."""
    columns = comparison.columns
    lines = [
        "# Protocols compared",
        "",
        f"As of {as_of_words(comparison)}. Each row is a duty kind of the shared vocabulary; each cell lists "
        "who does it, by when and under which clause; — means the protocol does not address it.",
        "",
        "| protocol | title | agreed | review | duties compared |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {_md(c.short)}{' (statute, for reference)' if c.reference else ''} | {_md(c.title)} | "
        f"{long_date(c.agreed) if c.agreed else 'not stated'} | {review_words(c, comparison)} | {share_words(c, n)} |"
        for c, n in zip(columns, comparison.untagged)
    ]
    header = "| duty kind | " + " | ".join(_md(c.short) for c in columns) + " |"
    rule = "|---" * (len(columns) + 1) + "|"
    for topic, rows in _topics(comparison.rows):
        lines += ["", f"## {topic.capitalize()}", "", header, rule]
        lines += [
            f"| {_md(row.name)} | " + " | ".join(_cell_markdown(cell, c) for c, cell in zip(columns, row.cells)) + " |"
            for row in rows
        ]
    lines += ["", "## Addressed by some and not others", ""]
    differences = comparison.differences()
    if differences:
        lines += [header, rule]
        lines += [
            f"| {_md(d.row.name)} | "
            + " | ".join(tick_words(bool(cell), c) for c, cell in zip(columns, d.row.cells))
            + " |"
            for d in differences
        ]
    else:
        lines.append("(none)")
    return "\n".join(lines) + "\n"


def to_html(comparison: Comparison) -> str:
    """The comparison as one self-contained HTML page, in the reports' style (inline CSS, no scripts,
    nothing fetched)."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(long_date=long_date)
    return environment.get_template("compare.html.j2").render(
        c=comparison,
        as_of=as_of_words(comparison),
        columns=list(zip(comparison.columns, comparison.untagged)),
        topics=_topics(comparison.rows),
        differences=comparison.differences(),
        review_words=review_words,
        share_words=share_words,
        empty_words=empty_words,
        tick_words=tick_words,
        statute=any(column.reference for column in comparison.columns),
    )
