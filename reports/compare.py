"""Protocols side by side: for each duty kind of the shared vocabulary, who does it, by when, and
under which clause, in each protocol (and, as a column, the statutory baseline if asked for).

`compare(protocols)` builds the matrix: one row per duty kind that at least one protocol addresses
(a duty or an ownership rule of that kind, see `properties.statute.kinds`), in the vocabulary's
order and grouped by topic; one column per protocol, headed by its review status. A cell lists the
protocol's duties and ownership rules of that kind. A researcher reads off where protocols differ:
who provides the appropriate adult, who pays for transport to a remand placement, how soon a child
in custody is visited, and which topics one protocol covers and another does not.

Renderers: `to_text` (a terminal), `to_markdown` (a document), `to_html` (one self-contained page:
inline CSS, no scripts, nothing fetched), and `Comparison.to_json` (the data the others derive from).
Only what the encodings say is shown: an actor the text does not name reads "(not named)".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment

from ..model import vocabulary
from ..model.conditions import describe
from ..model.schema import Duty, OwnershipRule, Protocol, clause_sort_key
from ..properties.statute import kinds, provisions_words, timescale_words
from ..properties.structure import party_names


@dataclass(frozen=True)
class Entry:
    """One duty or ownership rule of a kind in one protocol, in words."""

    element: str  # its id in the protocol
    what: str  # "duty" or "responsibility"
    who: str
    modality: str  # must / should / may; "is responsible for" for a responsibility
    action: str
    timescale: str  # "" for a responsibility
    when: str  # the situations it applies in, "" if always
    clauses: tuple[str, ...]
    statute: str  # the provisions it cites, "" if none

    def line(self) -> str:
        """The entry on one line: 'csc must visit the child, within 7 days of ... [6.5]'."""
        timing = f", {self.timescale}" if self.timescale else ""
        when = f" (when {self.when})" if self.when else ""
        cited = f"; {self.statute}" if self.statute else ""
        return f"{self.who} {self.modality} {self.action}{timing}{when} [{', '.join(self.clauses)}{cited}]"


@dataclass(frozen=True)
class Column:
    """A protocol compared: its id, title, dates and review status."""

    id: str
    title: str
    agreed: dt.date | None
    review: dt.date | None
    status: str  # "overdue", "due", "none"

    def review_words(self, today: dt.date) -> str:
        if self.review is None:
            return "no review date"
        if self.status == "overdue":
            return f"review overdue since {self.review.isoformat()} (as of {today.isoformat()})"
        return f"review due {self.review.isoformat()}"


@dataclass(frozen=True)
class Row:
    """One duty kind: its entries in each column (empty where a protocol does not address it)."""

    kind: str
    name: str
    topic: str
    cells: tuple[tuple[Entry, ...], ...]

    def covered_by(self) -> list[int]:
        return [i for i, cell in enumerate(self.cells) if cell]


@dataclass(frozen=True)
class Comparison:
    """The matrix of duty kinds by protocols, as of a date, with each protocol's untagged duties counted.
    `dated` is whether that date was given (--today) rather than taken from the clock."""

    today: dt.date
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    untagged: tuple[int, ...]  # duties with no kind, per column: not compared
    dated: bool = True

    @property
    def as_of(self) -> str:
        """The date compared as of, saying so when it is the day it was made rather than a date given."""
        return self.today.isoformat() + ("" if self.dated else " (the day it was made: no --today given)")

    def differences(self) -> list[tuple[Row, list[str], list[str]]]:
        """The kinds some protocols address and others do not: (row, ids addressing, ids not)."""
        found = []
        for row in self.rows:
            covered = row.covered_by()
            if 0 < len(covered) < len(self.columns):
                found.append(
                    (
                        row,
                        [self.columns[i].id for i in covered],
                        [c.id for i, c in enumerate(self.columns) if i not in covered],
                    )
                )
        return found

    def to_json(self) -> dict[str, Any]:
        """The comparison as data: protocols, rows (kind, topic, entries by protocol id), differences."""
        return {
            "as_of": self.today.isoformat(),
            "protocols": [
                {
                    "id": c.id,
                    "title": c.title,
                    "agreed": c.agreed.isoformat() if c.agreed else None,
                    "review": c.review.isoformat() if c.review else None,
                    "review_status": c.status,
                    "duties_without_kind": n,
                }
                for c, n in zip(self.columns, self.untagged)
            ],
            "rows": [
                {
                    "kind": row.kind,
                    "name": row.name,
                    "topic": row.topic,
                    "entries": {c.id: [entry_json(e) for e in cell] for c, cell in zip(self.columns, row.cells)},
                }
                for row in self.rows
            ],
            "differences": [
                {"kind": row.kind, "addressed_by": yes, "not_addressed_by": no} for row, yes, no in self.differences()
            ],
        }


def entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "element": entry.element,
        "what": entry.what,
        "who": entry.who,
        "modality": entry.modality,
        "action": entry.action,
        "timescale": entry.timescale,
        "when": entry.when,
        "clauses": list(entry.clauses),
        "statute": entry.statute,
    }


# --- building the matrix --------------------------------------------------------------------------


def compare(protocols: Sequence[Protocol], today: dt.date, *, dated: bool = True) -> Comparison:
    """The comparison of `protocols` (in the order given) as of `today` (given, or the clock's if not `dated`)."""
    columns = tuple(column(p, today) for p in protocols)
    by_kind = [{k: entries(p, k) for k in vocabulary.DUTY_KIND} for p in protocols]
    rows = tuple(
        Row(k.id, k.name, k.topic, tuple(tuple(found[k.id]) for found in by_kind))
        for k in sorted(vocabulary.DUTY_KINDS, key=lambda k: vocabulary.TOPICS.index(k.topic))
        if any(found[k.id] for found in by_kind)
    )
    untagged = tuple(sum(not d.kind for d in p.duties) for p in protocols)
    return Comparison(today, columns, rows, untagged, dated)


def column(protocol: Protocol, today: dt.date) -> Column:
    meta = protocol.metadata
    status = "none" if meta.review is None else "overdue" if meta.review < today else "due"
    return Column(meta.id, meta.title, meta.agreed, meta.review, status)


def entries(protocol: Protocol, kind: str) -> list[Entry]:
    """The protocol's duties and ownership rules of a kind, in words, in clause order."""
    names = party_names(protocol)
    dimensions = {d.id: d for d in protocol.dimensions}

    def who(parties: tuple[str, ...] | None) -> str:
        return ", ".join(names.get(p, p) for p in parties) if parties else "(not named)"

    found: list[Entry] = []
    for element in [*protocol.duties, *protocol.ownership]:
        if kind not in kinds(protocol, element):
            continue
        statute = provisions_words(protocol, element.statute) if element.statute else ""
        when = describe(element.when) if element.when is not None else ""
        if isinstance(element, Duty):
            found.append(
                Entry(
                    element.id,
                    "duty",
                    who(element.actor),
                    element.modality,
                    element.action,
                    timescale_words(protocol, element),
                    when,
                    element.clause,
                    statute,
                )
            )
        else:
            assert isinstance(element, OwnershipRule)
            found.append(
                Entry(
                    element.id,
                    "responsibility",
                    who(element.owner),
                    "is responsible for",
                    dimensions[element.dimension].name,
                    "",
                    when,
                    element.clause,
                    statute,
                )
            )
    return sorted(found, key=lambda e: (clause_sort_key(e.clauses[0]), e.what, e.element))


# --- renderers ------------------------------------------------------------------------------------


def to_text(comparison: Comparison) -> str:
    """The comparison for a terminal: each kind, then each protocol's entries under it."""
    lines = [f"Comparison as of {comparison.as_of}", ""]
    for c, untagged in zip(comparison.columns, comparison.untagged):
        lines.append(
            f"  {c.id}: {c.title}; agreed {c.agreed or 'not stated'}; {c.review_words(comparison.today)}; {untagged} duties without a kind (not compared)"
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


HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Protocols compared</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border: 1px solid #b7b7b7; padding: .4rem .5rem; vertical-align: top; text-align: left; font-size: .9rem; }
th { background: #eef1f5; }
td.none { color: #8a1c1c; background: #fbf0f0; }
.kind { font-family: ui-monospace, monospace; font-size: .8rem; color: #444; }
.clause { color: #444; font-size: .8rem; }
.overdue { color: #8a1c1c; font-weight: bold; }
ul { margin: 0; padding-left: 1.1rem; }
</style>
</head>
<body>
<h1>Protocols compared</h1>
<p>As of {{ c.as_of }}. Each row is a duty kind of the shared vocabulary; each cell lists who does it, by when and under which clause. A shaded cell means the protocol does not address it.</p>
<table>
<tr><th>protocol</th><th>agreed</th><th>review</th><th>duties without a kind (not compared)</th></tr>
{% for col, n in columns %}<tr><td><b>{{ col.id }}</b>: {{ col.title }}</td><td>{{ col.agreed or "not stated" }}</td><td class="{{ col.status }}">{{ col.review_words(c.today) }}</td><td>{{ n }}</td></tr>
{% endfor %}</table>
{% for topic, rows in topics %}<h2>{{ topic | capitalize }}</h2>
<table>
<tr><th>duty kind</th>{% for col, n in columns %}<th>{{ col.id }}</th>{% endfor %}</tr>
{% for row in rows %}<tr><td>{{ row.name }}<br><span class="kind">{{ row.kind }}</span></td>{% for cell in row.cells %}{% if cell %}<td><ul>{% for e in cell %}<li>{{ e.who }} {{ e.modality }} {{ e.action }}{% if e.timescale %}, {{ e.timescale }}{% endif %}{% if e.when %} (when {{ e.when }}){% endif %} <span class="clause">[{{ e.clauses | join(", ") }}{% if e.statute %}; {{ e.statute }}{% endif %}]</span></li>{% endfor %}</ul></td>{% else %}<td class="none">not addressed</td>{% endif %}{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}<h2>Addressed by some and not others</h2>
{% if differences %}<ul>
{% for row, yes, no in differences %}<li><span class="kind">{{ row.kind }}</span> ({{ row.name }}): addressed by {{ yes | join(", ") }}; not by {{ no | join(", ") }}</li>
{% endfor %}</ul>{% else %}<p>(none)</p>{% endif %}
</body>
</html>
"""


def to_html(comparison: Comparison) -> str:
    """The comparison as one self-contained HTML page (inline CSS, no scripts, nothing fetched)."""
    topics: list[tuple[str, list[Row]]] = []
    for row in comparison.rows:
        if not topics or topics[-1][0] != row.topic:
            topics.append((row.topic, []))
        topics[-1][1].append(row)
    template = Environment(autoescape=True, trim_blocks=False).from_string(HTML)
    return template.render(
        c=comparison,
        columns=list(zip(comparison.columns, comparison.untagged)),
        topics=topics,
        differences=comparison.differences(),
    )
