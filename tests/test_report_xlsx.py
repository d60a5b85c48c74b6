"""The commissioners' workbook: its sheets, headers and number formats, from a real (small) simulation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from conftest import ROOT
from openpyxl import load_workbook

from protoverify import folder
from protoverify.reports.xlsx import PERCENT, POUNDS, number_format, workbook

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
    assert [c.value for c in findings[1]][:4] == ["id", "severity", "kind", "clauses"]
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
