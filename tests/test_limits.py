"""Resource limits: alias bombs, oversized and deeply nested files are refused with a clear located
message by every command that reads them; a solver question that is not answered is reported as
undecided, with its clauses, never as a pass; a simulation whose estimated cost is absurd asks
for confirmation or is refused with the estimate."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import z3
from conftest import EXAMPLE, ROOT
from fuzzing import time_cap
from typer.testing import CliRunner

from protoverify import commandline
from protoverify.cli import app
from protoverify.model.source import MAX_BYTES, read
from protoverify.simulate import cost
from protoverify.simulate.loader import load_scenario

STOCKPORT_SCENARIO = ROOT / "scenarios" / "stockport-baseline.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "simulate"
BOMB = "b0: &b0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9)}]\n" for i in range(1, 10)
)
runner = CliRunner()


def invoke(args: list[str], **kwargs):
    with time_cap(60):  # a limit that did not hold would run for hours
        return runner.invoke(app, args, **kwargs)


@pytest.fixture
def remand(tmp_path: Path) -> Path:
    """A copy of the remand fixture scenario and its protocol, to change."""
    shutil.copy(FIXTURES / "remand.yaml", tmp_path / "remand.yaml")
    path = tmp_path / "scenario.yaml"
    shutil.copy(FIXTURES / "remand-scenario.yaml", path)
    return path


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# --- files too large -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "command", [["validate"], ["check"], ["export", "--to", "dot"], ["report", "--today", "2026-01-01"]]
)
def test_an_alias_bomb_protocol_is_refused(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "protocol.yaml"
    path.write_text("protoverify: 1\n" + BOMB, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(
        [command[0], str(path), *command[1:], *(["-o", str(out)] if command[0] in ("export", "report") else [])]
    )
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"{path}: the file expands to more than 500,000 values through YAML aliases; expected a protocol of ordinary size\n"
    )
    assert not out.exists()


@pytest.mark.slow
def test_an_alias_bomb_scenario_and_judgements_file_are_refused(tmp_path: Path, remand: Path) -> None:
    remand.write_text(remand.read_text(encoding="utf-8") + BOMB, encoding="utf-8")
    result = invoke(["simulate", str(remand), "--workers", "1"])
    assert result.exit_code == 2 and result.stderr.startswith(f"{remand}: the file expands to more than 500,000 values")
    judgements = tmp_path / "judgements.yaml"
    judgements.write_text("protoverify-judgements: 1\n" + BOMB, encoding="utf-8")
    result = invoke(["check", str(EXAMPLE), "--accept", str(judgements)])
    assert result.exit_code == 2 and result.stderr.startswith(
        f"{judgements}: the file expands to more than 500,000 values"
    )


def test_an_oversized_protocol_and_scenario_are_refused_before_reading(tmp_path: Path, remand: Path) -> None:
    padding = "#" + "x" * 99 + "\n"
    big = tmp_path / "big.yaml"
    big.write_text(EXAMPLE.read_text(encoding="utf-8") + padding * (MAX_BYTES // 100), encoding="utf-8")
    size = big.stat().st_size
    result = invoke(["validate", str(big)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"{big}: file is {size:,} bytes; expected a protocol YAML file of at most {MAX_BYTES:,} bytes\n"
    )
    remand.write_text(remand.read_text(encoding="utf-8") + padding * (MAX_BYTES // 100), encoding="utf-8")
    result = invoke(["simulate", str(remand), "--workers", "1"])
    assert (
        result.exit_code == 2
        and result.stderr.startswith(f"{remand}: file is ")
        and f"at most {MAX_BYTES:,} bytes" in result.stderr
    )


@pytest.mark.slow
def test_deep_nesting_in_a_scenario_is_refused(remand: Path) -> None:
    edit(remand, "seed: 1\n", "seed: 1\nextra: " + "[" * 5000 + "]" * 5000 + "\n")
    result = invoke(["simulate", str(remand), "--workers", "1"])
    assert result.exit_code == 2 and result.stderr.startswith(f"{remand}: ") and "nest" in result.stderr


# --- the solver ----------------------------------------------------------------------------------


def test_questions_the_solver_leaves_unanswered_are_reported_undecided_with_their_clauses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every finding a check makes with the solver comes back, with the same clauses, as undecided
    when the solver answers every question 'unknown' (as on a time-out, on any machine)."""
    args = ["check", str(EXAMPLE), "--format", "json", "--today", "2026-01-01"]
    answered = json.loads(invoke(args).stdout)["findings"]
    monkeypatch.setattr(z3.Solver, "check", lambda self, *assumptions: z3.unknown)
    result = invoke(args)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    undecided = [f for f in report["findings"] if not f["decided"]]
    assert undecided and report["summary"]["undecided"] == len(undecided)
    for finding in undecided:
        assert (
            finding["severity"] == "error" and finding["clauses"] and re.search(r"not (as )?a pass", finding["message"])
        )
    by_id = {f["id"]: f for f in report["findings"]}
    solver_kinds = {
        "ownership-gap",
        "ownership-conflict",
        "deadline-conflict",
        "deadline-divergence",
        "silent-handover",
    }
    witnessed = [f for f in answered if f["kind"] in solver_kinds and f.get("witness")]
    assert {f["kind"] for f in witnessed} >= {"ownership-gap", "deadline-conflict", "deadline-divergence"}
    for finding in witnessed:
        again = by_id.get(finding["id"])
        assert again is not None, f"{finding['id']} went silent when the solver gave no answer"
        assert again["clauses"] == finding["clauses"] and not again["decided"]
    text = invoke(["check", str(EXAMPLE), "--today", "2026-01-01"]).stdout
    assert "[UNDECIDED]" in text and "undecided (solver unknown or time-out)" in text


# --- simulation cost -----------------------------------------------------------------------------


def test_the_estimate_counts_days_and_children_of_every_replication() -> None:
    scenario = load_scenario(STOCKPORT_SCENARIO)
    data = read(STOCKPORT_SCENARIO).data
    days = data["warm_up_days"] + data["horizon_days"]
    children = sum(c["count"] for c in data["initial_caseload"]) + data["demand"]["remands_per_year"] * days / 365
    children *= 1 + cost.repeats_per_child(scenario, days)
    estimate = cost.of_scenario(scenario)
    assert estimate.replications == data["replications"] and estimate.steps == pytest.approx(
        data["replications"] * (days + children)
    )
    assert cost.of_scenario(scenario, replications=7, runs=3).steps == pytest.approx(21 * (days + children))
    assert estimate.steps < cost.LIMIT, "the bundled scenario runs without asking"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--replications", "1000000000000"], "1,000,000,000,000 replications in all"),
        (["--replications", "50000"], "50,000 replications in all"),
    ],
)
def test_an_absurd_replication_count_is_refused_with_the_estimate(
    tmp_path: Path, remand: Path, args: list[str], words: str
) -> None:
    target = tmp_path / "result.json"
    result = invoke(["simulate", str(remand), *args, "--workers", "1", "-o", str(target)])
    assert result.exit_code == 2 and not target.exists()
    assert result.stderr.startswith(f"{remand}: the run is estimated at {words}")
    assert f"expected at most {cost.LIMIT:,} steps" in result.stderr and "--yes to run it anyway" in result.stderr


def test_an_absurd_horizon_in_the_file_is_refused(remand: Path) -> None:
    edit(remand, "horizon_days: 1000", "horizon_days: 20000000")
    result = invoke(["simulate", str(remand), "--workers", "1", "--yes"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{remand}: the run would simulate days past 31 December 9999, the last date the calendar has; "
        "expected a start, warm-up and horizon that end before then\n"
    )


def test_a_sweep_and_a_report_are_costed_before_they_start(tmp_path: Path, remand: Path) -> None:
    result = invoke(
        [
            "sweep",
            str(remand),
            "--vary",
            "horizon_days=1:1000:1",
            "--vary",
            "demand.remands_per_year=1:1000:1",
            "--workers",
            "1",
        ]
    )
    assert result.exit_code == 2 and result.stderr.startswith(
        f"{remand}: the run is estimated at 1,000,001 runs"
    )  # and the baseline
    result = invoke(["sweep", str(remand), "--vary", "replications=10000,20000", "--workers", "1"])
    assert result.exit_code == 2 and "3 runs, 30,030 replications in all" in result.stderr  # with the baseline's own 30
    out = tmp_path / "report"
    result = invoke(
        [
            "report",
            str(remand.parent / "remand.yaml"),
            "--scenario",
            str(remand),
            "--replications",
            "100000",
            "--today",
            "2026-01-01",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 2 and result.stderr.startswith(f"{remand}: the run is estimated at 100,000 replications")
    assert not out.exists()


def test_over_the_limit_runs_with_yes_or_when_confirmed(
    tmp_path: Path, remand: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cost, "LIMIT", 10)
    quick = ["simulate", str(remand), "--replications", "2", "--workers", "1", "--format", "json"]
    assert invoke(quick).exit_code == 2
    assert invoke([*quick, "--yes"]).exit_code == 0
    monkeypatch.setattr(commandline, "interactive", lambda: True)
    declined = invoke(quick, input="n\n")
    assert declined.exit_code == 2 and "Run it?" in declined.stderr and "--yes to run it anyway" in declined.stderr
    confirmed = invoke(quick, input="y\n")
    assert confirmed.exit_code == 0 and "Run it?" in confirmed.stderr
    assert json.loads(confirmed.stdout[confirmed.stdout.index("{") :])["replications"] == 2  # after the answer, echoed


@pytest.mark.parametrize("timeout", ["inf", "1e308", "nan", "0"])
@pytest.mark.parametrize("command", ["check", "report"])
def test_an_unbounded_solver_timeout_is_a_usage_error(tmp_path: Path, command: str, timeout: str) -> None:
    """`--timeout inf` (or 1e308) overflowed Z3's millisecond count: a traceback, exit 1."""
    args = [command, str(EXAMPLE), "--timeout", timeout, "--today", "2026-01-01"]
    out = tmp_path / "rep"
    result = invoke([*args, "-o", str(out)] if command == "report" else args)
    assert result.exit_code == 2 and "Invalid value for '--timeout'" in result.output, result.output
    assert not out.exists()


def test_the_solver_time_limit_is_capped_for_callers_of_the_api() -> None:
    from protoverify.model.loader import load_protocol
    from protoverify.properties.context import LONGEST_TIMEOUT, Context

    context = Context(load_protocol(EXAMPLE), timeout=float("inf"))
    assert context.timeout_ms == int(LONGEST_TIMEOUT * 1000) < 2**32


@pytest.mark.slow
def test_a_sweep_with_an_unknown_metric_writes_nothing(tmp_path: Path, remand: Path) -> None:
    """`--metric no_such_metric` wrote the table, then exited 2 for the plot."""
    out = tmp_path / "out" / "sweep.json"
    args = ["sweep", str(remand), "--vary", "demand.remands_per_year=30,40", "--replications", "2", "--workers", "1"]
    result = invoke([*args, "--metric", "no_such_metric", "-o", str(out), "--format", "json"])
    assert result.exit_code == 2 and result.stderr.startswith("--metric: no metric 'no_such_metric' in the sweep")
    assert not out.exists() and not out.with_suffix(".svg").exists()


def test_a_scheduler_that_accepts_and_never_answers_is_an_error_not_a_hang(
    remand: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--scheduler` at a port that accepts connections and never answers waited for ever."""
    import socket
    import threading

    pytest.importorskip("distributed")
    from protoverify.simulate import replications

    monkeypatch.setattr(replications, "CONNECT_SECONDS", 1)
    silent = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(silent.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
    try:
        result = invoke(["simulate", str(remand), "--replications", "2", "--scheduler", address])
    finally:
        silent.close()
        for connection in held:
            connection.close()
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"cannot reach the Dask scheduler at '{address}' (no answer within 2 s)")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "      next: {released: 1.0}",
            "      next: {released: 1.0}\n"
            "      repeat: [{event: remanded_to_yda, every: {dist: fixed, mean: 0.000001, unit: days}}]",
        ),
        ("      stay: {dist: lognormal, mean: 30, sd: 20, unit: days}", "      stay: {dist: fixed, mean: 1.0e-300}"),
    ],
)
def test_a_time_too_short_to_move_the_clock_is_refused(remand: Path, old: str, new: str) -> None:
    """A repeat every 0.000001 days, or a stay of 1e-300, was estimated at 11 steps and ran without end."""
    edit(remand, old, new)
    result = invoke(["simulate", str(remand), "--replications", "1"])
    assert result.exit_code == 2 and "expected at least 1 second (shorter times stop the simulated clock)" in (
        result.stderr
    ), result.output
    assert re.match(rf"{re.escape(str(remand))}:\d+:\d+: a mean time of ", result.stderr)


def test_the_estimate_counts_repeated_events(remand: Path) -> None:
    """A repeat every 0.01 days in a state of 30 days' mean stay is about 3,000 events for each child."""
    plain = cost.of_scenario(load_scenario(remand))
    edit(
        remand,
        "      next: {released: 1.0}",
        "      next: {released: 1.0}\n      repeat: [{event: remanded_to_yda, every: {dist: fixed, mean: 0.01, unit: days}}]",
    )
    repeated = cost.of_scenario(load_scenario(remand))
    assert repeated.steps > 100 * plain.steps and repeated.steps > cost.LIMIT
    result = invoke(["simulate", str(remand)])
    assert result.exit_code == 2 and "the run is estimated at 30 replications in all" in result.stderr
