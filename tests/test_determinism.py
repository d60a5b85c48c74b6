"""Determinism: the same inputs and seed give byte-identical output from check, simulate, sweep,
report, compare, diff and export, in two separate processes with different hash seeds (so nothing
may depend on the order of a set or a dict built from one). Where a command can run its replications
in several ways, the two processes use different ones (serially, and on a pool of two workers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from conftest import TODAY_ISO as TODAY

from protoverify.reports.files import MANIFEST

STOCKPORT = ROOT / "protocols" / "stockport-2019.yaml"
WARWICKSHIRE = ROOT / "protocols" / "warwickshire.yaml"
SCENARIO = ROOT / "scenarios" / "stockport-baseline.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "simulate"


def twice(tmp_path: Path, *args: str, workers: bool = False) -> tuple[bytes, bytes]:
    """The command's output (stdout, or the file at {out}) from two processes with different hash
    seeds, and with `workers`, serial in one and on two worker processes in the other."""
    outputs = []
    for run, hash_seed in enumerate(("1", "2")):
        target = tmp_path / f"run{run}"
        argv = [a.replace("{out}", str(target)) for a in args] + (["--workers", str(run + 1)] if workers else [])
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-m", "protoverify", *argv], capture_output=True, env=env, timeout=600)
        assert result.returncode in (0, 1), result.stderr.decode()[-2000:]
        outputs.append(target.read_bytes() if "{out}" in args else result.stdout)
    assert outputs[0], "no output to compare"
    return outputs[0], outputs[1]


@pytest.mark.slow
def test_check_json(tmp_path: Path) -> None:
    first, second = twice(tmp_path, "check", str(STOCKPORT), "--format", "json", "--today", TODAY)
    assert first == second and b'"findings"' in first


@pytest.mark.slow
def test_simulate_json(tmp_path: Path) -> None:
    first, second = twice(tmp_path, "simulate", str(SCENARIO), "--replications", "4", "--format", "json", workers=True)
    assert b'"metrics"' in first
    assert first == second


@pytest.mark.slow
def test_sweep_json(tmp_path: Path) -> None:
    first, second = twice(
        tmp_path,
        "sweep",
        str(FIXTURES / "remand-scenario.yaml"),
        "--vary",
        "demand.remands_per_year=20,40",
        "--replications",
        "3",
        "--format",
        "json",
        workers=True,
    )
    assert first == second and b'"points"' in first


@pytest.mark.slow
def test_report_folder(tmp_path: Path) -> None:
    """Every file of a report with a simulation: HTML, Markdown, JSON, the workbook and the index."""
    folders = []
    for run, hash_seed in enumerate(("1", "2")):
        out = tmp_path / f"run{run}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "protoverify",
                "report",
                str(FIXTURES / "remand.yaml"),
                "--scenario",
                str(FIXTURES / "remand-scenario.yaml"),
                "--replications",
                "3",
                "--workers",
                str(run + 1),
                "--today",
                TODAY,
                "--xlsx",
                "-o",
                str(out),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        folders.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert (
        folders[0].keys()
        == folders[1].keys()
        >= {"remand_only.json", "remand_only.html", "remand_only.xlsx", "index.html", MANIFEST}
    )
    for name in folders[0]:
        assert folders[0][name] == folders[1][name], name


@pytest.mark.slow
@pytest.mark.parametrize("format", ["json", "html"])
def test_compare(tmp_path: Path, format: str) -> None:
    first, second = twice(tmp_path, "compare", str(STOCKPORT), str(WARWICKSHIRE), "--format", format, "--today", TODAY)
    assert first == second


@pytest.mark.slow
def test_diff_json(tmp_path: Path) -> None:
    redraft = tmp_path / "redraft.yaml"
    redraft.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("amount: 5, unit: working_days", "amount: 7, unit: days"),
        encoding="utf-8",
    )
    first, second = twice(tmp_path, "diff", str(EXAMPLE), str(redraft), "--format", "json", "--today", TODAY)
    assert first == second and b"timescale" in first


@pytest.mark.slow
@pytest.mark.parametrize("to", ["scxml", "mermaid", "dot"])
def test_export(tmp_path: Path, to: str) -> None:
    first, second = twice(tmp_path, "export", str(WARWICKSHIRE), "--to", to, "-o", "{out}")
    assert first == second
