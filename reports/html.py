"""The gap report as pages: one self-contained HTML file per protocol, its Markdown twin, and the index.

Rendered with jinja2 from `templates/`. An HTML page carries everything inline — CSS, and the
diagrams and charts as SVG — and loads nothing: no script, font, image or style sheet from anywhere,
so it can be emailed, archived or opened offline and looks the same. Nothing in a page depends on
when it was made (no timestamp unless the report was asked for as of a date), so the same inputs give
byte-identical pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..model.names import names
from ..model.schema import clause_sort_key
from ..properties.kinds import KIND
from .findings import HEADINGS, NOT_NAMED, NOT_SAID, WHY
from .report import GapReport, long_date
from .sweeps import axis_label
from .triage import AREAS, FIX_ORDER, LIGHT_WORDS, words_for

TEMPLATES = Path(__file__).parent / "templates"
SEVERITIES = tuple((severity, HEADINGS[severity], WHY[severity]) for severity in ("error", "warning", "info"))
SYMBOLS = {"red": "\u2716", "amber": "\u25b2", "green": "\u2714", "grey": "\u2013"}


def _environment(markup: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=markup,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        anchor=lambda finding_id: "f-" + finding_id.replace(":", "-"),
        kind=lambda kind: kind.replace("-", " "),
        clauses=_clauses,
        percent=lambda share: "" if share is None else f"{share * 100:.1f}%",
        money=lambda amount: "" if amount is None else f"£{amount:,.0f}",
        number=_number,
        long_date=long_date,
        md=_markdown_cell,
        setting=_setting,
    )
    environment.globals.update(
        SEVERITIES=SEVERITIES,
        SYMBOLS=SYMBOLS,
        LIGHT_WORDS=LIGHT_WORDS,
        AREAS=AREAS,
        words_for=words_for,
        by_kind=_by_kind,
        measure=_measure,
        metric_rows=_metric_rows,
        statutory_findings=_statutory,
        parties=_parties,
        NOT_NAMED=NOT_NAMED,
        NOT_SAID=NOT_SAID,
    )
    return environment


def to_html(report: GapReport) -> str:
    """The report as one self-contained HTML page."""
    return _environment(True).get_template("report.html.j2").render(r=report)


def to_markdown(report: GapReport) -> str:
    """The report as Markdown: the same sections as the page, in words and tables, without drawings."""
    return _environment(False).get_template("report.md.j2").render(r=report)


def index_html(reports: Sequence[GapReport], *, comparison: str | None = None, workbooks: Sequence[str] = ()) -> str:
    """The page linking every protocol's report (and workbook, where written), with each one's lights,
    and the comparison page if there is one."""
    return (
        _environment(True)
        .get_template("index.html.j2")
        .render(reports=reports, comparison=comparison, workbooks=workbooks)
    )


# --- helpers the templates use ------------------------------------------------------------------------


def _clauses(clauses: Sequence[str], limit: int = 12) -> str:
    """Clause ids as a reader lists them: "2.1, 3.1.4 and 4.2" (the first `limit`, then how many more)."""
    ordered = sorted(dict.fromkeys(clauses), key=clause_sort_key)
    if not ordered:
        return "no clause"
    shown, more = ordered[:limit], len(ordered) - limit
    word = "clause" if len(ordered) == 1 else "clauses"
    if more > 0:
        return f"{word} {', '.join(shown)} and {more} more"
    return f"{word} {', '.join(shown[:-1])} and {shown[-1]}" if len(shown) > 1 else f"{word} {shown[0]}"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _setting(value: Any) -> str:
    """A scenario setting in words: a mapping as "key: value; ...", a list joined by commas."""
    if isinstance(value, dict):
        if set(value) == {"amount", "unit"}:
            return f"{value['amount']} {str(value['unit']).replace('_', ' ')}"
        return "; ".join(f"{key}: {_setting(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_setting(item) for item in value)
    return str(value)


def _markdown_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipe or line break."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _by_kind(findings) -> list[tuple[str, list]]:
    """Findings grouped by kind, kinds in the order of what to fix first."""
    groups: dict[str, list] = {}
    for finding in findings:
        groups.setdefault(finding.kind, []).append(finding)
    return sorted(groups.items(), key=lambda item: FIX_ORDER.index(item[0]) if item[0] in FIX_ORDER else len(FIX_ORDER))


def _statutory(findings) -> list:
    """The findings about statutory duties (the kinds of the area 'Statutory duties'), as given."""
    return [f for f in findings if KIND[f.kind].area == "statute"]


def _parties(protocol, ids: Sequence[str]) -> str:
    """Agencies (or roles) by what the protocol calls them for short: 'YOS, CSC'."""
    found = names(protocol)
    return ", ".join(found.short(i) for i in ids)


def _measure(metric: str) -> str:
    """What a simulation metric measures, with its unit (the sweep table's words)."""
    return axis_label(metric)


def _metric_rows(summary: Any, prefix: str) -> list[tuple[str, Any]]:
    """(the part of the name after `prefix`, statistics) for each metric under `prefix`."""
    rows = [(name.removeprefix(prefix), summary[name]) for name in summary.names(prefix)]
    if prefix == "on_time/clause/":
        rows.sort(key=lambda row: clause_sort_key(row[0]))
    return rows
