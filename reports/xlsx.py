"""Workbooks: every .xlsx protoverify writes, through one writer (`write`), and the three layouts it
writes: the gap report's (`workbook`), a simulation's (`simulation_workbook`) and a sweep's
(`sweep_workbook`).

Every workbook is written the same way: readable headers (bold, shaded, wrapped) frozen at the top,
an autofilter on every table, column widths (given, or worked out from the text, within limits),
text wrapped wherever it is longer than its column is wide (so no text runs into the next cell or is
cut off), and a print setup: A4 landscape, fitted to the width of the page, the header row repeated
on every page, gridlines, and the sheet's name and page number in the footer. It is byte-identical
for identical inputs: the document properties (dates: the --today date, or 1 January 2000; author)
and the zip entries' times are fixed rather than taken from the clock.

The gap report's workbook, for commissioners: findings, the scenario's settings, the results with
confidence intervals, and the sweep table, with number formats. Sheets: "About" (what was checked
and run, and how to read the intervals), "Findings" (one row per finding, open and accepted, with its status), and
with a simulation "Scenario" (every setting of the scenario file, by its dotted path), "Results"
(every measure: mean, 95% CI, sd, n, min, max) and, with a sweep, "Sweep" (one row per point and
measure). Shares are formatted as percentages and money in pounds.
A simulation's workbook has the sheets "metrics", "duties" (how each duty was simulated) and "about";
a sweep's, "sweep" (the long table) and "about".
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import simulation as simulation_document
from .sweeps import COUNTED, STATISTICS, axis_label
from .sweeps import rows as sweep_rows

if TYPE_CHECKING:
    from ..simulate.simulation import Simulation
    from ..simulate.sweep import Sweep
    from .report import GapReport

FIXED = dt.datetime(2000, 1, 1)  # the workbook's created/modified dates, when no --today was given
PERCENT, POUNDS, NUMBER, COUNT = "0.0%", '"£"#,##0', "#,##0.00", "#,##0"
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
SHARES = ("on_time/", "utilisation/", "court/sittings_covered", "yda/over_budget")


def number_format(metric: str) -> str:
    """How a measure's values are shown: shares as percentages, spend in pounds, the rest as numbers."""
    if metric.startswith(SHARES):
        return PERCENT
    if metric == "yda/spend":
        return POUNDS
    return NUMBER


@dataclass(frozen=True)
class Sheet:
    """One sheet: its title, its header row (none if empty), its rows, column widths (characters; a
    column not given one is sized to its text), number formats as (row, column, format), counting
    from 1 as the sheet does, and the cell the panes are frozen at (below the header, by default)."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[int] = ()
    formats: Sequence[tuple[int, int, str]] = ()
    freeze: str = "A2"


def write(sheets: Sequence[Sheet], title: str, when: dt.datetime = FIXED) -> bytes:
    """The workbook of these sheets, in order, as the bytes of an .xlsx file titled `title`, dated `when`."""
    book = Workbook()
    for number, sheet in enumerate(sheets):
        table = book.active if number == 0 else book.create_sheet()
        table.title = sheet.title
        _table(table, sheet)
        for row, column, fmt in sheet.formats:
            table.cell(row, column).number_format = fmt
        _print_setup(table, headed=any(sheet.header))
    properties = book.properties
    properties.created = properties.modified = when
    properties.creator = properties.lastModifiedBy = "protoverify"
    properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_times(buffer.getvalue(), when)


FINDINGS_HEADER = (
    "id",
    "severity",
    "status",
    "kind",
    "clauses",
    "agencies",
    "what",
    "situation",
    "suggestion",
    "accepted because",
    "decided",
)
# Sized so that the sheet, fitted to the width of an A4 landscape page, prints its text at about 7 pt:
# the message, situation and suggestion wrap within their columns.
FINDINGS_WIDTHS = (20, 8, 8, 12, 10, 9, 40, 24, 24, 12, 8)
RESULTS_HEADER = (
    "measure",
    "what it is",
    "mean",
    "95% CI low",
    "95% CI high",
    "sd",
    "replications with a value",
    "undefined",
    "min",
    "max",
)
SWEEP_STATISTICS = (
    "measure",
    "replications with a value",
    "undefined",
    "mean",
    "sd",
    "95% CI low",
    "95% CI high",
    "min",
    "max",
)


def workbook(report: GapReport) -> bytes:
    """The workbook of one protocol's report, as the bytes of an .xlsx file."""
    sheets = [
        Sheet("About", (), list(_about(report)), widths=(34, 90)),
        Sheet(
            "Findings",
            FINDINGS_HEADER,
            [_finding_row(f) for f in report.check.findings],
            widths=FINDINGS_WIDTHS,
            freeze="B2",
        ),
    ]
    simulation = report.simulation
    if simulation is not None:
        sheets.append(
            Sheet("Scenario", ("setting", "value"), [list(s) for s in _flatten(simulation.settings)], widths=(48, 40))
        )
        sheets.append(_results(simulation.summary))
        if simulation.sweep is not None:
            sheets.append(_sweep(simulation.sweep))
    title = f"Gap report: {report.protocol.metadata.title}"
    return write(sheets, title, dt.datetime.combine(report.check.today, dt.time()) if report.dated else FIXED)


def _results(summary: Any) -> Sheet:
    """Every measure of a simulation's summary: mean, 95% CI, sd, n, min, max, formatted by what it measures."""
    rows, formats = [], []
    for row, name in enumerate(summary.names(), start=2):
        m = summary[name]
        rows.append([name, axis_label(name), m.mean, m.ci_low, m.ci_high, m.sd, m.n, m.undefined, m.min, m.max])
        formats += [(row, column, number_format(name)) for column in (3, 4, 5, 6, 9, 10)]
    return Sheet("Results", RESULTS_HEADER, rows, widths=(34, 52, 12, 12, 12, 12, 14, 10, 12, 12), formats=formats)


def _sweep(sweep: Sweep) -> Sheet:
    """A sweep's long table: one row per point and measure, formatted by what each measures."""
    table = sweep_rows(sweep)
    varied = len(sweep.varies)
    counted = slice(varied + 1 + len(STATISTICS), varied + 1 + len(STATISTICS) + len(COUNTED))
    rows = [values[: counted.start] + values[counted.stop :] for values in table[1:]]  # the counts are in the JSON
    formats = [
        (row, column, number_format(values[varied]))
        for row, values in enumerate(rows, start=2)
        for column in (*range(varied + 4, varied + 10), *range(varied + 11, varied + 14))
    ]
    widths = (14,) * varied + (30, 12, 10, 11, 11, 11, 11, 11, 11, 9, 11, 11, 11)
    header = (
        *table[0][:varied],
        *SWEEP_STATISTICS,
        "baseline",
        "difference",
        "difference CI low",
        "difference CI high",
    )
    return Sheet("Sweep", header, rows, widths=widths, formats=formats)


def simulation_workbook(result: Simulation, timing: bool = False) -> bytes:
    """A simulation's workbook: sheets "metrics" (the table), "duties" (how each duty was simulated)
    and "about"; `timing` changes nothing."""
    doc = simulation_document.document(result)
    table = simulation_document.rows(doc)
    duties = [
        [
            d["duty"],
            ", ".join(d["clauses"]),
            d["type"],
            d["status"],
            d["raised_by"],
            ", ".join(d["worked_by"]),
            d["deadline"],
        ]
        for d in doc["duties"]
    ]
    header = ("duty", "clauses", "type", "status", "raised by", "worked by", "deadline")
    return write(
        [
            Sheet("metrics", table[0], table[1:]),
            Sheet("duties", header, duties),
            Sheet("about", (), [list(pair) for pair in simulation_document.about(doc)]),
        ],
        f"Simulation: {result.scenario.title}",
    )


def sweep_workbook(sweep: Sweep) -> bytes:
    """A sweep's workbook: the long table (sheet "sweep") and what was run (sheet "about")."""
    table = sweep_rows(sweep)
    first = sweep.points[0].summary if sweep.points else {}
    about = [
        ["scenario", sweep.scenario],
        ["replications per point", sweep.replications if sweep.replications is not None else "differ by point"],
        ["seed", first.get("seed")],
        *(["varied " + vary.path, ", ".join(str(v) for v in vary.values)] for vary in sweep.varies),
        ["confidence intervals", "95%: how each was made is in the 'interval' column (docs/simulation.md)"],
    ]
    return write([Sheet("sweep", table[0], table[1:]), Sheet("about", (), about)], f"Sweep: {sweep.scenario}")


def _about(report: GapReport) -> Iterator[list[Any]]:
    meta, summary, review = report.protocol.metadata, report.check.summary(), report.review()
    yield ["protocol", meta.title]
    yield ["protocol id", meta.id]
    yield ["encoding", report.protocol_file]
    if report.dated:
        yield ["checked as of", report.check.today.isoformat()]
    yield ["review date", f"{review['review'] or 'not stated'} ({review['status']})"]
    yield ["open errors", summary["error"]]
    yield ["open warnings", summary["warning"]]
    yield ["for information", summary["info"]]
    yield ["accepted", summary["accepted"]]
    for light in report.lights:
        yield [f"light: {light.name}", f"{light.colour}: {light.why}"]
    simulation = report.simulation
    if simulation is not None:
        yield ["scenario", f"{simulation.title} ({simulation.scenario_file})"]
        yield ["replications", simulation.summary.replications]
        yield ["seed", simulation.summary.seed]
        if simulation.budget is not None:
            yield ["YDA budget for the horizon (£)", round(simulation.budget, 2)]
        yield [
            "confidence intervals",
            "95% intervals of the mean across replications (Student's t); "
            "'undefined' counts replications where a measure had no value (no duty of that clause arose)",
        ]


def _finding_row(finding) -> list[Any]:
    witness = finding.witness
    situation = ""
    if witness is not None:
        situation = witness.words or ""
        if witness.timeline:
            dated = "; ".join(f"{e.date.isoformat()}: {e.event}" for e in witness.timeline)
            situation = f"{situation}; {dated}" if situation else dated
    return [
        finding.id,
        finding.severity,
        "accepted" if finding.accepted is not None else "open",
        finding.kind,
        ", ".join(finding.clauses),
        ", ".join(finding.agencies),
        finding.message,
        situation,
        finding.suggestion,
        finding.accepted or "",
        "yes" if finding.decided else "no (undecided)",
    ]


def _flatten(settings: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every setting as (dotted path, value); a list of plain values is one cell, others are indexed."""
    for key, value in settings.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{path}.")
        elif isinstance(value, (list, tuple)) and any(isinstance(v, (Mapping, list, tuple)) for v in value):
            yield from _flatten({str(i): v for i, v in enumerate(value)}, f"{path}.")
        elif isinstance(value, (list, tuple)):
            yield path, ", ".join(str(v) for v in value)
        else:
            yield path, value


MIN_WIDTH, MAX_WIDTH = 8, 60  # characters: the narrowest and widest column sized to its text
LINE_HEIGHT = 15  # points: a line of 11 pt text, as a row of one line is high


def _table(table, sheet: Sheet) -> None:
    """The sheet's header and rows, its column widths, and long text wrapped; with a header, frozen
    below it and filtered."""
    header, rows = list(sheet.header), [list(row) for row in sheet.rows]
    headed = any(header)
    if headed:
        table.append(header)
        for cell in table[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        table.freeze_panes = sheet.freeze
    for row in rows:
        table.append(row)
    count = max([len(header), *map(len, rows)], default=0)
    widths = [sheet.widths[i] if i < len(sheet.widths) else _fitted([header, *rows], i) for i in range(count)]
    for column, width in enumerate(widths, start=1):
        table.column_dimensions[get_column_letter(column)].width = width
    for row in table.iter_rows():
        lines = 1
        for cell in row:
            long = isinstance(cell.value, str) and len(cell.value) > widths[cell.column - 1] - 1
            if not (headed and cell.row == 1):  # the header row always wraps
                cell.alignment = Alignment(wrap_text=long, vertical="top")
            if long:
                lines = max(lines, len(_wrapped(cell.value, widths[cell.column - 1])))
        if lines > 1:  # no spreadsheet program sizes a row to its wrapped text when it opens the file
            table.row_dimensions[row[0].row].height = LINE_HEIGHT * lines
    if headed and count:
        table.auto_filter.ref = f"A1:{get_column_letter(count)}{len(rows) + 1}"


def _fitted(rows: list[list[Any]], column: int) -> int:
    """A column's width from its text: its longest value (or header word), within MIN_WIDTH and MAX_WIDTH."""
    longest = 0
    for number, row in enumerate(rows):
        value = row[column] if column < len(row) else None
        if value is None:
            continue
        text = str(value)
        if number == 0:  # a header wraps: its longest word
            longest = max(longest, *map(len, text.split() or [""]))
        else:  # a number is shown formatted, in at most 12 characters
            longest = max(longest, min(len(text), 12) if isinstance(value, (int, float)) else len(text))
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def _wrapped(text: str, width: float) -> list[str]:
    """The lines a text wraps into in a column `width` wide, at a character to each unit of width (a
    unit is the width of a digit, and most text is narrower, so a row is rather too high than too
    low), breaking at spaces and, within a word too long for a line, anywhere."""
    room = max(1, int(width))
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            while len(word) > room:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:room])
                word = word[room:]
            if line and len(line) + 1 + len(word) > room:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _print_setup(table, *, headed: bool) -> None:
    """A4 landscape, fitted to the page's width (as many pages down as it takes), the header row on
    every page, gridlines, and the sheet and page number in the footer."""
    table.page_setup.paperSize = table.PAPERSIZE_A4
    table.page_setup.orientation = table.ORIENTATION_LANDSCAPE
    table.page_setup.fitToWidth = 1
    table.page_setup.fitToHeight = 0
    table.sheet_properties.pageSetUpPr.fitToPage = True
    table.print_options.gridLines = True
    table.page_margins.left = table.page_margins.right = 0.4
    table.page_margins.top = table.page_margins.bottom = 0.6
    if headed:
        table.print_title_rows = "1:1"
    table.oddFooter.center.text = "&A, page &P of &N"


def fixed_times(data: bytes, when: dt.datetime) -> bytes:
    """The same zip (a workbook or a Word document) with every entry dated 1 January 1980, and its
    modified date (which openpyxl takes from the clock when saving) set to `when`, so equal files are
    equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", lambda m: m.group(1) + stamp, content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return buffer.getvalue()
