"""Workbooks: every .xlsx protoverify writes, through one writer (`write`), and the three layouts it
writes: the gap report's (`workbook`), a simulation's (`simulation_workbook`) and a sweep's
(`sweep_workbook`).

Every workbook has readable headers (bold, shaded, wrapped, frozen), column widths where given and
long text wrapped, and is byte-identical for identical inputs: the workbook's dates (the --today
date, or 1 January 2000) and the zip entries' times are fixed rather than taken from the clock.

The gap report's workbook, for commissioners: findings, the scenario's settings, the results with
confidence intervals, and the sweep table, with number formats. Sheets: "About" (what was checked
and run, and how to read the intervals), "Findings" (one row per finding, open and accepted), and
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
from .sweeps import axis_label
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
    """One sheet: its title, its header row (none if empty), its rows, column widths (characters) and
    number formats as (row, column, format), counting from 1 as the sheet does."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[int] = ()
    formats: Sequence[tuple[int, int, str]] = ()


def write(sheets: Sequence[Sheet], when: dt.datetime = FIXED) -> bytes:
    """The workbook of these sheets, in order, as the bytes of an .xlsx file dated `when`."""
    book = Workbook()
    for number, sheet in enumerate(sheets):
        table = book.active if number == 0 else book.create_sheet()
        table.title = sheet.title
        _table(table, list(sheet.header), [list(row) for row in sheet.rows], widths=list(sheet.widths))
        for row, column, fmt in sheet.formats:
            table.cell(row, column).number_format = fmt
    book.properties.created = book.properties.modified = when
    book.properties.creator = "protoverify"
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_times(buffer.getvalue(), when)


FINDINGS_HEADER = (
    "id",
    "severity",
    "kind",
    "clauses",
    "agencies",
    "what",
    "situation",
    "suggestion",
    "accepted because",
    "decided",
)
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
            widths=(28, 10, 20, 14, 18, 80, 50, 50, 40, 9),
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
    return write(sheets, dt.datetime.combine(report.check.today, dt.time()) if report.dated else FIXED)


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
    formats = [
        (row, column, number_format(values[varied]))
        for row, values in enumerate(table[1:], start=2)
        for column in range(varied + 4, varied + 10)
    ]
    widths = (16,) * varied + (34, 14, 10, 12, 12, 12, 12, 12, 12)
    return Sheet("Sweep", (*table[0][:varied], *SWEEP_STATISTICS), table[1:], widths=widths, formats=formats)


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
        ]
    )


def sweep_workbook(sweep: Sweep) -> bytes:
    """A sweep's workbook: the long table (sheet "sweep") and what was run (sheet "about")."""
    table = sweep_rows(sweep)
    first = sweep.points[0].summary if sweep.points else {}
    about = [
        ["scenario", sweep.scenario],
        ["replications per point", first.get("replications")],
        ["seed", first.get("seed")],
        *(["varied " + vary.path, ", ".join(str(v) for v in vary.values)] for vary in sweep.varies),
        ["confidence intervals", "95%, Student t over the replications"],
    ]
    return write([Sheet("sweep", table[0], table[1:]), Sheet("about", (), about)])


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


def _table(sheet, header: list[str], rows: list[list[Any]], *, widths: list[int]) -> None:
    if any(header):
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(row)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in sheet.iter_rows(min_row=2 if any(header) else 1):
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > 40:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _fixed_times(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every entry dated 1 January 1980, and the workbook's modified date (which
    openpyxl takes from the clock when saving) set to `when`, so equal workbooks are equal bytes."""
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
