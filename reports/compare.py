"""Protocols side by side, for a reader: the comparison matrix (`properties.compare`) as text for a
terminal (`to_text`), a Markdown document (`to_markdown`) and one self-contained HTML page
(`to_html`: inline CSS, no scripts, nothing fetched).
"""

from __future__ import annotations

from jinja2 import Environment

from ..properties.compare import Comparison, Entry, Row

# --- renderers ------------------------------------------------------------------------------------


def to_text(comparison: Comparison) -> str:
    """The comparison for a terminal: each kind, then each protocol's entries under it."""
    lines = [f"Comparison as of {comparison.today.isoformat()}", ""]
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
        f"As of {comparison.today.isoformat()}. Each row is a duty kind of the shared vocabulary; each cell lists "
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
<p>As of {{ c.today }}. Each row is a duty kind of the shared vocabulary; each cell lists who does it, by when and under which clause. A shaded cell means the protocol does not address it.</p>
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
