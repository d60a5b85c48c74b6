"""`protoverify simulate`: JSON identical across processes (whatever the hash seed), the other formats,
and usage errors that exit 2 without a traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from openpyxl import load_workbook
from typer.testing import CliRunner

from protoverify.cli import app
from protoverify.reports.files import MANIFEST

SCENARIO = ROOT / "scenarios" / "warwickshire-baseline.yaml"
QUICK = ["--replications", "3", "--workers", "1"]


def simulate_in_a_process(hash_seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run(
        [sys.executable, "-m", "protoverify", "simulate", str(SCENARIO), *QUICK, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_json_is_the_same_in_every_process():
    first, second = simulate_in_a_process("1"), simulate_in_a_process("2")
    assert "wall_seconds" not in first
    assert first == second
    assert first["replications"] == 3 and first["seed"] == 20250401
    assert isinstance(first["events_processed"], int) and first["events_processed"] > 1000
    on_time = first["metrics"]["on_time/all"]
    assert on_time["n"] == 3 and on_time["ci95"][0] <= on_time["mean"] <= on_time["ci95"][1]
    assert {d["status"] for d in first["duties"]} >= {"simulated"} and len(first["duties"]) > 50
    assert first["window"] == {
        "start": "2025-04-01",
        "measured_from": "2025-09-28",
        "measured_to": "2026-09-28",
        "warm_up_days": 180,
        "horizon_days": 365,
    }


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.slow
def test_text_csv_and_xlsx(runner: CliRunner, tmp_path: Path):
    text = runner.invoke(app, ["simulate", str(SCENARIO), *QUICK])
    assert text.exit_code == 0, text.output
    for words in (
        "Answers",
        "Assumptions",
        "On time",
        "Staff",
        "Court:",
        "RiLAA:",
        "YDA:",
        "P(spend > budget",
        "Duties:",
    ):
        assert words in text.output
    table = tmp_path / "out" / "result.csv"
    assert runner.invoke(app, ["simulate", str(SCENARIO), *QUICK, "--format", "csv", "-o", str(table)]).exit_code == 0
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert rows[0] == [
        "metric",
        *("n", "undefined", "mean", "sd", "ci95_low", "ci95_high", "min", "max"),
        *("interval", "events", "trials"),
    ]
    assert "yda/over_budget" in {r[0] for r in rows[1:]}
    book_path = tmp_path / "result.xlsx"
    assert (
        runner.invoke(app, ["simulate", str(SCENARIO), *QUICK, "--format", "xlsx", "-o", str(book_path)]).exit_code == 0
    )
    book = load_workbook(book_path)
    assert book.sheetnames == ["metrics", "duties", "about"]
    assert [c.value for c in book["duties"][1]] == [
        "duty",
        "clauses",
        "type",
        "status",
        "raised by",
        "worked by",
        "deadline",
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != MANIFEST) == [
        "out",
        "result.xlsx",
    ]  # no temporary file left


def test_timing_adds_the_wall_time_to_json_and_text_always_shows_it(runner: CliRunner):
    timed = runner.invoke(app, ["simulate", str(SCENARIO), *QUICK, "--format", "json", "--timing"])
    assert timed.exit_code == 0, timed.output
    data = json.loads(timed.stdout)
    assert data["wall_seconds"] > 0 and data["events_processed"] > 1000
    text = runner.invoke(app, ["simulate", str(SCENARIO), *QUICK])
    assert re.search(r"events processed [0-9,]+; [0-9.]+ s", text.stdout)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--format", "xlsx"], "xlsx output needs -o PATH"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], "give --workers or --scheduler, not both"),
        (["--replications", "0"], "Invalid value for '--replications'"),
    ],
    ids=["xlsx-to-terminal", "workers-and-scheduler", "no-replications"],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str], words: str):
    result = runner.invoke(app, ["simulate", str(SCENARIO), *args])
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output


def test_a_missing_scenario_is_a_located_error(runner: CliRunner, tmp_path: Path):
    result = runner.invoke(app, ["simulate", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and f"{tmp_path / 'none.yaml'}: file not found" in result.output
