"""The statistics of a simulation: intervals that fit the measure, the precision rule, Welch's moving
average and MSER-5, and the options of `protoverify simulate` and `protoverify warmup` that use them
(on the M/M/3 fixture, shortened so that each run takes a moment)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, protoverify

from protoverify.simulate import intervals, precision, warmup
from protoverify.simulate.summary import Tally

FIXTURES = ROOT / "tests" / "fixtures" / "simulate"

# --- intervals -----------------------------------------------------------------------------------------


def test_wilson_stays_within_0_and_1_and_is_not_empty_when_all_agree():
    low, high = intervals.wilson(0.0, 50)
    assert low == 0.0 and 0.06 < high < 0.08  # 0 of 50: 0% to about 7.1%
    low, high = intervals.wilson(1.0, 50)
    assert 0.92 < low < 0.94 and high == 1.0
    low, high = intervals.wilson(0.5, 100)
    assert low == pytest.approx(0.404, abs=1e-3) and high == pytest.approx(0.596, abs=1e-3)
    assert intervals.wilson(0.3, 0) == (0.0, 1.0)


def test_the_t_quantile_is_students():
    assert intervals.t_quantile(1) == pytest.approx(12.706, abs=1e-3)
    assert intervals.t_quantile(29) == pytest.approx(2.045, abs=1e-3)
    low, high = intervals.t_interval(10.0, 2.0, 4)
    assert (high - low) / 2 == pytest.approx(3.182 * 2.0 / 2, abs=1e-3)


# --- the precision rule --------------------------------------------------------------------------------


def _draws(values):
    def batch(first: int, count: int):
        return iter({"x": float(v)} for v in values[first : first + count])

    return batch


def test_the_precision_rule_stops_once_the_target_holds_through_the_look_ahead():
    rng = np.random.default_rng(3)
    values = list(100 + rng.normal(0, 10, 500))
    found = precision.sequential(_draws(values), Tally(), "x", 0.05, cap=500)
    assert found.met and found.solution is not None
    assert found.replications == found.solution + precision.LOOK_AHEAD  # held for the look-ahead after it
    assert found.achieved is not None and found.achieved <= 0.05
    assert 15 <= found.replications < 50  # ±5% of a mean with a 10% spread: (2 t 10 / 100 / 0.05)^2, about 17


def test_the_precision_rule_says_when_it_stopped_at_the_cap():
    rng = np.random.default_rng(3)
    values = list(1 + rng.normal(0, 10, 50))  # a mean near 1 with a spread of 10: ±1% is out of reach
    found = precision.sequential(_draws(values), Tally(), "x", 0.01, cap=30)
    assert not found.met and found.solution is None and found.replications == 30
    assert found.achieved is not None and found.achieved > 0.01
    with pytest.raises(ValueError, match="expected a relative half-width above 0"):
        precision.sequential(_draws(values), Tally(), "x", 0.0)


# --- Welch and MSER-5 ------------------------------------------------------------------------------------


def test_mser_finds_the_end_of_an_initial_transient():
    rng = np.random.default_rng(7)
    days = np.arange(400)
    values = 10 + 20 * np.exp(-days / 15) + rng.normal(0, 0.5, len(days))  # settles after about 60 days
    truncation, at_limit = warmup.mser(values)
    assert truncation is not None and 30 <= truncation <= 120 and truncation % warmup.BATCH == 0 and not at_limit
    flat = 10 + rng.normal(0, 0.5, len(days))
    assert warmup.mser(flat)[0] < 30  # no transient: little or nothing cut
    assert warmup.mser(np.array([1.0, 2.0, 3.0])) == (None, False)


def test_welch_averages_a_centred_window_that_grows_from_the_start():
    values = np.arange(20, dtype=float)
    smoothed = warmup.welch(values, 3)
    assert len(smoothed) == 17  # the last w days have no centred window
    assert smoothed[0] == 0.0 and smoothed[1] == 1.0 and smoothed[5] == 5.0  # linear: the mean is the middle


# --- the commands --------------------------------------------------------------------------------------


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    """The M/M/3 fixture measured for 10 days after 2 days' warm-up, 4 replications."""
    (tmp_path / "queue.yaml").write_bytes((FIXTURES / "queue.yaml").read_bytes())
    scenario = tmp_path / "queue-scenario.yaml"
    text = (FIXTURES / "queue-scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("horizon_days: 80", "horizon_days: 10").replace("warm_up_days: 10", "warm_up_days: 2")
    scenario.write_text(text.replace("replications: 30", "replications: 4"), encoding="utf-8")
    return scenario


@pytest.fixture
def busier(queue: Path) -> Path:
    """The same queue with a fourth worker."""
    other = queue.with_name("four-workers.yaml")
    other.write_text(queue.read_text(encoding="utf-8").replace("count: 3", "count: 4"), encoding="utf-8")
    return other


def test_simulate_compare_pairs_replications_and_exports_each(tmp_path: Path, queue: Path, busier: Path):
    table = tmp_path / "each.csv"
    result = protoverify(
        "simulate", str(queue), "--workers", "1", "--format", "json", "--compare", str(busier), "--per-replication",
        str(table),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    comparison = doc["comparison"]
    assert comparison["scenario"]["file"] == str(busier)
    wait = comparison["differences"]["wait_hours/role/worker"]
    assert wait["n"] == 4 and wait["difference"] < 0 and wait["interval"] == "paired t"  # a fourth worker: less wait
    low, high = wait["ci95"]
    assert low <= wait["difference"] <= high
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert [(r["scenario"], r["replication"]) for r in rows] == [
        *(("mmc_queue", str(i)) for i in range(4)),
        *(("mmc_queue", str(i)) for i in range(4)),
    ]
    mine = [float(r["wait_hours/role/worker"]) for r in rows[:4]]
    theirs = [float(r["wait_hours/role/worker"]) for r in rows[4:]]
    assert np.mean(np.subtract(theirs, mine)) == pytest.approx(wait["difference"], rel=1e-9)
    assert np.mean(mine) == pytest.approx(doc["metrics"]["wait_hours/role/worker"]["mean"], rel=1e-9)


def test_simulate_precision_says_whether_it_was_met(queue: Path):
    result = protoverify(
        "simulate", str(queue), "--workers", "1", "--format", "json", "--precision", "0.2", "--metric",
        "utilisation/role/worker", "--max-replications", "12",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rule = json.loads(result.stdout)["precision"]
    assert rule["metric"] == "utilisation/role/worker" and rule["target"] == 0.2 and rule["cap"] == 12
    assert rule["met"] and rule["replications"] <= 12 and rule["achieved"] <= 0.2
    assert "precision met: utilisation/role/worker within" in result.stderr
    capped = protoverify(
        "simulate", str(queue), "--workers", "1", "--format", "json", "--precision", "0.0001", "--metric",
        "wait_hours/role/worker", "--max-replications", "5",
    )  # fmt: skip
    assert capped.returncode == 0, capped.stderr
    rule = json.loads(capped.stdout)["precision"]
    assert not rule["met"] and rule["replications"] == 5
    assert "precision not met" in capped.stderr and "stopped at the cap of 5" in capped.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--precision", "0.05"], "--precision and --metric go together"),
        (["--per-replication", "each.txt"], "expected a path ending in .csv or .json"),
        (["--precision", "0.05", "--metric", "on_time/everything"], "on_time/everything"),
    ],
)
def test_simulate_refuses_options_that_do_not_fit(queue: Path, args: list[str], words: str):
    result = protoverify("simulate", str(queue), "--workers", "1", *args)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


def test_warmup_writes_its_analysis_and_a_welch_plot(tmp_path: Path, queue: Path):
    out = tmp_path / "warmup.json"
    args = ("warmup", str(queue), "--workers", "1", "--replications", "3", "--days", "40", "--window", "5")
    result = protoverify(*args, "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    svg = out.with_suffix(".svg").read_bytes()
    assert svg.startswith(b"<?xml") and b"Welch" in svg
    again = tmp_path / "again.json"
    assert protoverify(*args, "--format", "json", "-o", str(again)).returncode == 0
    assert again.read_bytes() == out.read_bytes() and again.with_suffix(".svg").read_bytes() == svg
    text = json.dumps(doc)
    assert "wait_hours/role/worker" in text or "utilisation/role/worker" in text


@pytest.mark.parametrize("trials", [1, 3.7, 50, 1234.5, 10**6])
@pytest.mark.parametrize("share", [0.0, 1e-9, 0.5, 1 - 1e-9, 1.0])
def test_wilson_always_holds_the_share(share: float, trials: float):
    """A plot draws the interval as distances from the share: rounding must not put it past an end."""
    low, high = intervals.wilson(share, trials)
    assert 0.0 <= low <= share <= high <= 1.0
