"""The workbooks: the commissioners' workbook's sheets, headers and number formats, from a real (small)
simulation; the status column, filters, frozen headers, wrapped text and print setup of every
workbook; every workbook byte-identical from run to run; and, where LibreOffice is installed, each
printed on A4 landscape pages in a sane number, with no text cut off or running into other text."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, accepting_one
from office import overlapping, pages, squeezed, to_pdf
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from protoverify import folder
from protoverify.reports.xlsx import LINE_HEIGHT, PERCENT, POUNDS, _wrapped, number_format, workbook

QUEUE = ROOT / "tests" / "fixtures" / "simulate" / "queue.yaml"
QUEUE_SCENARIO = ROOT / "tests" / "fixtures" / "simulate" / "queue-scenario.yaml"


@pytest.fixture(scope="module")
def report():
    request = folder.Request(
        (QUEUE,),
        scenarios=(QUEUE_SCENARIO,),
        varies=("staff.worker.count=3:4:1",),
        today=dt.date(2026, 11, 23),
        replications=3,
        workers=1,
    )
    reports, _ = folder.build(request)
    return reports[0]


@pytest.fixture(scope="module")
def book(report):
    return load_workbook(io.BytesIO(workbook(report)))


@pytest.mark.slow
def test_the_workbook_has_the_findings_scenario_results_and_sweep(book, report) -> None:
    assert book.sheetnames == ["About", "Findings", "Scenario", "Results", "Sweep"]
    findings = book["Findings"]
    assert [c.value for c in findings[1]][:5] == ["id", "severity", "status", "kind", "clauses"]
    assert findings.max_row - 1 == len(report.check.findings)
    assert [c.value for c in book["Results"][1]][:5] == ["measure", "what it is", "mean", "95% CI low", "95% CI high"]
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["replications"] == 3 and about["seed"] == 1 and about["checked as of"] == "2026-11-23"


def test_scenario_settings_are_listed_by_their_dotted_path(book) -> None:
    settings = {row[0].value: row[1].value for row in book["Scenario"].iter_rows(min_row=2)}
    assert settings["staff.worker.count"] == 3 and settings["seed"] == 1 and settings["demand.entry"] == "referred"


def test_results_carry_the_summary_with_readable_formats(book, report) -> None:
    summary = report.simulation.summary
    rows = {row[0].value: row for row in book["Results"].iter_rows(min_row=2)}
    assert set(rows) == set(summary.names())
    on_time = rows["on_time/clause/1"]
    metric = summary["on_time/clause/1"]
    assert on_time[2].value == pytest.approx(metric.mean) and on_time[3].value == pytest.approx(metric.ci_low)
    assert on_time[2].number_format == PERCENT and on_time[1].value.startswith("on-time rate")
    assert rows["tasks/raised"][2].number_format not in (PERCENT, POUNDS)


def test_sweep_sheet_has_one_row_per_point_and_measure(book, report) -> None:
    sweep = book["Sweep"]
    header = [c.value for c in sweep[1]]
    assert header[:3] == ["staff.worker.count", "measure", "replications with a value"]
    points = report.simulation.sweep.points
    assert sweep.max_row - 1 == sum(len(p.summary["metrics"]) for p in points)
    counts = {row[0].value for row in sweep.iter_rows(min_row=2)}
    assert counts == {3, 4}


def test_number_formats_by_measure() -> None:
    assert number_format("on_time/clause/6.5") == PERCENT and number_format("yda/over_budget") == PERCENT
    assert number_format("utilisation/role/yos") == PERCENT and number_format("yda/spend") == POUNDS
    assert number_format("yda/bed_nights") not in (PERCENT, POUNDS)


def test_the_same_report_gives_the_same_bytes(report) -> None:
    assert workbook(report) == workbook(report)


# --- every workbook: status, filters, frozen headers, wrapped text, print setup --------------------

STOCKPORT = ROOT / "protocols" / "stockport-2019.yaml"


@pytest.fixture(scope="module")
def stockport(tmp_path_factory):
    """The Stockport report's workbook (its findings, one accepted; no simulation), as the report and the bytes."""
    judged = accepting_one(STOCKPORT, tmp_path_factory.mktemp("judged"))
    reports, files = folder.build(folder.Request((judged,), today=TODAY, xlsx=True))
    return reports[0], files["stockport_2019.xlsx"]


@pytest.mark.slow
def test_the_findings_sheet_says_which_are_open_and_which_accepted(stockport) -> None:
    report, data = stockport
    findings = load_workbook(io.BytesIO(data))["Findings"]
    rows = [
        dict(zip([c.value for c in findings[1]], values)) for values in findings.iter_rows(min_row=2, values_only=True)
    ]
    summary = report.check.summary()
    assert {r["status"] for r in rows} == {"open", "accepted"}
    assert sum(r["severity"] == "error" and r["status"] == "open" for r in rows) == summary["error"]
    assert sum(r["status"] == "accepted" for r in rows) == summary["accepted"] > 0
    assert all(bool(r["accepted because"]) == (r["status"] == "accepted") for r in rows)


def _books(book, stockport) -> list:
    return [book, load_workbook(io.BytesIO(stockport[1]))]


@pytest.mark.slow
def test_every_sheet_filters_freezes_and_prints_on_a4_landscape_fitted_to_the_width(book, stockport) -> None:
    for sheet in (s for b in _books(book, stockport) for s in b):
        setup = sheet.page_setup
        assert (int(setup.paperSize), setup.orientation) == (9, "landscape")  # 9: A4, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
        assert "&P" in sheet.oddFooter.center.text and sheet.print_options.gridLines
        columns = sheet.max_column
        assert all(sheet.column_dimensions[get_column_letter(c)].width for c in range(1, columns + 1)), sheet.title
        if sheet.title.lower() == "about":
            continue
        assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes in ("A2", "B2"), sheet.title
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(columns)}{sheet.max_row}", sheet.title


@pytest.mark.slow
def test_long_text_wraps_in_rows_high_enough_for_it(book, stockport) -> None:
    wrapped = 0
    for sheet in (s for b in _books(book, stockport) for s in b):
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                width = sheet.column_dimensions[cell.column_letter].width
                if isinstance(cell.value, str) and len(cell.value) > width - 1:
                    assert cell.alignment.wrap_text, (sheet.title, cell.coordinate, cell.value)
                    lines = len(_wrapped(cell.value, width))
                    height = sheet.row_dimensions[cell.row].height or LINE_HEIGHT
                    assert height >= LINE_HEIGHT * lines, (sheet.title, cell.coordinate)
                    wrapped += 1
    assert wrapped > 100  # the findings' messages, situations and suggestions


def _twice(tmp_path: Path, *args: str) -> list[bytes]:
    """The file a command writes, from two processes with different hash seeds, more than two
    seconds apart (a zip entry's time has two seconds' resolution)."""
    outputs = []
    for run, hash_seed in enumerate(("1", "2")):
        target = tmp_path / f"run{run}.xlsx"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        command = [sys.executable, "-m", "protoverify", *args, "--format", "xlsx", "-o", str(target)]
        result = subprocess.run(command, capture_output=True, env=env, timeout=600)
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        outputs.append(target.read_bytes())
        time.sleep(2.1 * (run == 0))
    return outputs


@pytest.mark.slow
@pytest.mark.parametrize("command", ["simulate", "sweep"])
def test_simulation_and_sweep_workbooks_are_the_same_bytes_every_run(tmp_path: Path, command: str) -> None:
    varies = ["--vary", "staff.worker.count=3:4:1"] if command == "sweep" else []
    first, second = _twice(tmp_path, command, str(QUEUE_SCENARIO), *varies, "--replications", "2", "--workers", "1")
    assert first == second
    core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and "<dc:creator>protoverify</dc:creator>" in core.replace(
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"', ""
    )
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- printed by LibreOffice ------------------------------------------------------------------------

A4_LANDSCAPE = (841.89, 595.28)  # points


@pytest.mark.slow
def test_libreoffice_prints_the_workbooks_on_a4_landscape_with_no_text_cut_or_overlapping(
    report, stockport, tmp_path: Path
) -> None:
    findings_report, findings_book = stockport
    (tmp_path / "stockport.xlsx").write_bytes(findings_book)
    (tmp_path / "queue.xlsx").write_bytes(workbook(report))
    printed = dict(
        zip(("stockport", "queue"), to_pdf([tmp_path / "stockport.xlsx", tmp_path / "queue.xlsx"], tmp_path))
    )
    for name, pdf in printed.items():
        found = pages(pdf)
        assert all(abs(p.width - A4_LANDSCAPE[0]) < 1 and abs(p.height - A4_LANDSCAPE[1]) < 1 for p in found)
        per_sheet: dict[str, int] = {}
        for page in found:
            footer = re.search(r"(\w+), page \d+ of \d+", page.text)
            assert footer, page.text[:200]
            per_sheet[footer.group(1)] = per_sheet.get(footer.group(1), 0) + 1
            assert overlapping(page) == [], (name, overlapping(page)[:3])
            body = [r for r in page.runs if ", page " not in r.text and r.size > 0]
            assert min(r.size for r in body) >= 6.5, name  # fitted to the width, the text stays legible
        book = load_workbook(tmp_path / f"{name}.xlsx")
        for sheet in book:
            rows = sheet.max_row
            limit = 1 if sheet.title == "About" else math.ceil(rows / (3 if sheet.title == "Findings" else 20)) + 1
            assert 1 <= per_sheet[sheet.title] <= limit, (name, sheet.title, per_sheet[sheet.title], rows)
    text = squeezed("".join(p.text for p in pages(printed["stockport"])))
    for finding in findings_report.check.findings:  # nothing cut off: every id, message and suggestion is printed
        assert squeezed(finding.id) in text and squeezed(finding.message) in text, finding.id
        assert squeezed(finding.suggestion) in text, finding.id
