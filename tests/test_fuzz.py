"""Fuzzing: generated and damaged protocol and scenario files through validate, check, export,
simulate and report. Every case ends in success or a located error with exit 2, never a traceback,
a run past its time cap, or a partial output file (the rule is `fuzzing.assert_clean`).

In CI each test runs its number of cases with a fixed seed (`derandomize=True`), a few hundred in
all; `make fuzz` sets PROTOVERIFY_FUZZ=thousands, which runs twenty times as many on fresh random
cases and prints the count. Commands run in-process (typer's CliRunner) for speed, under a per-case
time cap; `test_real_processes` runs a handful as real subprocesses with a timeout.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fuzzing import CASES, SCALE, Hang, assert_clean, damaged, mutated, protocols, time_cap, to_yaml
from protoverify.cli import app
from protoverify.model.source import read

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "protocols" / "examples" / "example.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "simulate"
CAP = 120.0  # seconds a single case may take before it counts as a hang
TODAY = "2026-01-01"

runner = CliRunner()


def fuzz(cases: int):
    """Hypothesis settings for a fuzz test of `cases` cases (times SCALE under `make fuzz`)."""
    return settings(
        max_examples=cases * SCALE,
        deadline=None,
        derandomize=SCALE == 1,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example, HealthCheck.filter_too_much],
    )


def invoke(args: list[str]):
    try:
        with time_cap(CAP):
            return runner.invoke(app, args)
    except Hang as hang:  # raised outside the command (between its steps): still a hang
        pytest.fail(f"{' '.join(args)}: {hang}")


@pytest.fixture(scope="module", autouse=True)
def count_cases():
    """Print how many cases ran (shown by `make fuzz`, which runs pytest with -s)."""
    before = sum(CASES.values())
    yield
    done = {k: v for k, v in sorted(CASES.items())}
    print(f"\nfuzzed {sum(CASES.values()) - before} cases: " + ", ".join(f"{k} {v}" for k, v in done.items()))


EXAMPLE_DATA = read(EXAMPLE).data


# --- protocols ---------------------------------------------------------------------------------


@fuzz(120)
@given(st.data())
def test_validate_damaged_example(data) -> None:
    """The example protocol with faults in its data: validate ends cleanly."""
    changed, done = data.draw(mutated(EXAMPLE_DATA))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "protocol.yaml"
        path.write_text(to_yaml(changed), encoding="utf-8")
        result = invoke(["validate", str(path)])
        assert_clean(result, command="validate", ok={0}, inputs=[path], case="; ".join(done))


@fuzz(120)
@given(st.data())
def test_validate_damaged_text(data) -> None:
    """The example protocol's YAML with faults only text can carry: validate ends cleanly."""
    raw, fault = data.draw(damaged(EXAMPLE.read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "protocol.yaml"
        path.write_bytes(raw)
        result = invoke(["validate", str(path)])
        assert_clean(result, command="validate", ok={0}, inputs=[path], case=fault)


@fuzz(50)
@given(protocols(), st.data())
def test_check_generated_protocol(protocol, data) -> None:
    """Small generated protocols, some with a fault: check ends with 0 or 1, or a located error."""
    done = []
    if data.draw(st.booleans()):
        protocol, done = data.draw(mutated(protocol, faults=1))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "protocol.yaml"
        path.write_text(to_yaml(protocol), encoding="utf-8")
        result = invoke(["check", str(path), "--format", "json", "--today", TODAY, "--timeout", "2"])
        assert_clean(result, command="check", ok={0, 1}, inputs=[path], case="; ".join(done) or "generated")


@fuzz(25)
@given(st.data())
def test_check_damaged_example(data) -> None:
    changed, done = data.draw(mutated(EXAMPLE_DATA, faults=1))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "protocol.yaml"
        path.write_text(to_yaml(changed), encoding="utf-8")
        result = invoke(["check", str(path), "--format", "json", "--today", TODAY, "--timeout", "2"])
        assert_clean(result, command="check", ok={0, 1}, inputs=[path], case="; ".join(done))


@fuzz(30)
@given(protocols(), st.data(), st.sampled_from(["scxml", "mermaid", "dot"]))
def test_export_generated_protocol(protocol, data, to) -> None:
    """Exports are written whole or not at all."""
    done = []
    if data.draw(st.booleans()):
        protocol, done = data.draw(mutated(protocol, faults=1))
    with tempfile.TemporaryDirectory() as folder:
        path, target = Path(folder) / "protocol.yaml", Path(folder) / "out" / f"chart.{to}"
        path.write_text(to_yaml(protocol), encoding="utf-8")
        result = invoke(["export", str(path), "--to", to, "-o", str(target)])
        assert_clean(result, command="export", ok={0}, inputs=[path], outputs=[target], case="; ".join(done) or "generated")
