"""Fuzzing: generated and damaged protocol and scenario files through validate, check, export,
simulate and report. Every case ends in success or a located error with exit 2, never a traceback,
a run past its time cap, or a partial output file (the rule is `fuzzing.assert_clean`).

In CI each test runs its number of cases with a fixed seed (`derandomize=True`), a few hundred in
all; `make fuzz` sets PROTOVERIFY_FUZZ=thousands, which runs twenty times as many on fresh random
cases and prints the count. Commands run in-process (typer's CliRunner) for speed, under a per-case
time cap; `test_real_processes` runs a handful as real subprocesses with a timeout. The last part
pins each failure the fuzzing found, now fixed, as a plain regression test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, STANDALONE
from fuzzing import CASES, SCALE, Hang, assert_clean, damaged, mutated, protocols, time_cap, to_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from protoverify import check, load_protocol
from protoverify.cli import app
from protoverify.model.source import LoadError, read
from protoverify.model.statechart import compile_protocol, start
from protoverify.properties.situations import Situations

FIXTURES = ROOT / "tests" / "fixtures" / "simulate"
CAP = 120.0  # seconds a single case may take before it counts as a hang
TODAY = "2026-01-01"
EXAMPLE_DATA = read(EXAMPLE).data

runner = CliRunner()


def fuzz(cases: int):
    """Hypothesis settings for a fuzz test of `cases` cases (times SCALE under `make fuzz`)."""
    return settings(
        max_examples=cases * SCALE,
        deadline=None,
        derandomize=SCALE == 1,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


def invoke(args: list[str]):
    """The command run in this process, under the time cap."""
    try:
        with time_cap(CAP):
            return runner.invoke(app, args)
    except Hang as hang:  # raised outside the command itself: still a hang
        pytest.fail(f"{' '.join(args)}: {hang}")


@pytest.fixture(scope="module", autouse=True)
def count_cases():
    """Print how many cases ran, by command (shown by `make fuzz`, which runs pytest with -s). SIGTERM
    stops the run as SIGINT does (pytest then reports the failures so far), not silently."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    before = dict(CASES)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
    ran = {k: v - before.get(k, 0) for k, v in sorted(CASES.items()) if v - before.get(k, 0)}
    print(f"\nfuzzed {sum(ran.values())} cases: " + ", ".join(f"{k} {v}" for k, v in ran.items()))


# --- protocols ---------------------------------------------------------------------------------


@pytest.mark.slow
@fuzz(100)
@given(st.data())
def test_validate_example_with_faults_in_its_data(data) -> None:
    changed, done = data.draw(mutated(EXAMPLE_DATA))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "protocol.yaml"
        path.write_text(to_yaml(changed), encoding="utf-8")
        assert_clean(invoke(["validate", str(path)]), command="validate", ok={0}, inputs=[path], case="; ".join(done))


@pytest.mark.slow
@fuzz(100)
@given(st.data())
def test_validate_example_with_faults_in_its_text(data) -> None:
    raw, fault = data.draw(damaged(EXAMPLE.read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "protocol.yaml"
        path.write_bytes(raw)
        assert_clean(invoke(["validate", str(path)]), command="validate", ok={0}, inputs=[path], case=fault)


@pytest.mark.slow
@fuzz(60)
@given(protocols(), st.data())
def test_check_generated_protocols(protocol, data) -> None:
    """Small generated protocols, half with a fault: check exits 0 or 1 with JSON, or 2 located."""
    done = data.draw(st.sampled_from([[], ["one fault"]]))
    if done:
        protocol, done = data.draw(mutated(protocol, faults=1))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "protocol.yaml"
        path.write_text(to_yaml(protocol), encoding="utf-8")
        result = invoke(["check", str(path), "--format", "json", "--today", TODAY, "--timeout", "2"])
        assert_clean(result, command="check", ok={0, 1}, inputs=[path], case="; ".join(done) or "generated")
        if result.exit_code != 2:
            assert '"findings"' in result.stdout


@pytest.mark.slow
@fuzz(20)
@given(st.data())
def test_check_example_with_a_fault(data) -> None:
    changed, done = data.draw(mutated(EXAMPLE_DATA, faults=1))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "protocol.yaml"
        path.write_text(to_yaml(changed), encoding="utf-8")
        result = invoke(["check", str(path), "--format", "json", "--today", TODAY, "--timeout", "2"])
        assert_clean(result, command="check", ok={0, 1}, inputs=[path], case="; ".join(done))


@pytest.mark.slow
@fuzz(40)
@given(protocols(), st.data(), st.sampled_from(["scxml", "mermaid", "dot"]))
def test_export_generated_protocols(protocol, data, to) -> None:
    """Exports are written whole or not at all; SCXML is well-formed XML."""
    done = data.draw(st.sampled_from([[], ["one fault"]]))
    if done:
        protocol, done = data.draw(mutated(protocol, faults=1))
    with tempfile.TemporaryDirectory() as folder:
        path, target = Path(folder) / "protocol.yaml", Path(folder) / "out" / f"chart.{to}"
        path.write_text(to_yaml(protocol), encoding="utf-8")
        result = invoke(["export", str(path), "--to", to, "-o", str(target)])
        assert_clean(
            result, command="export", ok={0}, inputs=[path], outputs=[target], case="; ".join(done) or "generated"
        )
        if result.exit_code == 0 and to == "scxml":
            ET.parse(target)


@pytest.mark.slow
@fuzz(15)
@given(protocols(), st.data())
def test_report_generated_protocols(protocol, data) -> None:
    """A report folder is written whole (every file) or not at all."""
    done = data.draw(st.sampled_from([[], ["one fault"]]))
    if done:
        protocol, done = data.draw(mutated(protocol, faults=1))
    xlsx = data.draw(st.booleans())
    with tempfile.TemporaryDirectory() as folder:
        path, out = Path(folder) / "protocol.yaml", Path(folder) / "report"
        path.write_text(to_yaml(protocol), encoding="utf-8")
        files = [
            out / name
            for name in ("fuzzed.html", "fuzzed.md", "fuzzed.json", "index.html", *(["fuzzed.xlsx"] if xlsx else []))
        ]
        result = invoke(
            ["report", str(path), "-o", str(out), "--today", TODAY, "--timeout", "2", *(["--xlsx"] if xlsx else [])]
        )
        assert_clean(
            result, command="report", ok={0}, inputs=[path], outputs=files, case="; ".join(done) or "generated"
        )


# --- scenarios ---------------------------------------------------------------------------------


def small_scenario(name: str) -> dict:
    """A fixture scenario cut down to run in a fraction of a second."""
    scenario = read(FIXTURES / f"{name}-scenario.yaml").data
    scenario.update(warm_up_days=5, horizon_days=30, replications=2)
    if name == "queue":
        scenario["demand"]["remands_per_year"] = 2000
    return scenario


@pytest.mark.slow
@fuzz(60)
@given(st.sampled_from(["remand", "queue"]), st.data(), st.sampled_from(["json", "text", "csv"]))
def test_simulate_scenarios_with_faults(name, data, format) -> None:
    scenario = small_scenario(name)
    done = data.draw(st.sampled_from([[], ["faults"]]))
    if done:
        scenario, done = data.draw(mutated(scenario, faults=data.draw(st.integers(1, 3))))
    with tempfile.TemporaryDirectory() as folder:
        protocol = Path(folder) / f"{name}.yaml"
        shutil.copy(FIXTURES / f"{name}.yaml", protocol)
        path, target = Path(folder) / "scenario.yaml", Path(folder) / "out" / f"result.{format}"
        path.write_text(to_yaml(scenario), encoding="utf-8")
        result = invoke(["simulate", str(path), "--workers", "1", "--format", format, "-o", str(target)])
        assert_clean(
            result,
            command="simulate",
            ok={0},
            inputs=[path, protocol, Path(folder) / "." / protocol.name],
            outputs=[target],
            case="; ".join(done) or name,
        )


@pytest.mark.slow
@fuzz(30)
@given(st.data())
def test_simulate_scenario_text_with_faults(data) -> None:
    raw, fault = data.draw(damaged(to_yaml(small_scenario("remand"))))
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(FIXTURES / "remand.yaml", Path(folder) / "remand.yaml")
        path, target = Path(folder) / "scenario.yaml", Path(folder) / "result.json"
        path.write_bytes(raw)
        result = invoke(["simulate", str(path), "--workers", "1", "--format", "json", "-o", str(target)])
        assert_clean(
            result,
            command="simulate",
            ok={0},
            inputs=[path, Path(folder) / "remand.yaml"],
            outputs=[target],
            case=fault,
        )


# --- real processes ----------------------------------------------------------------------------

NASTY = {
    "alias bomb": "protoverify: 1\nb0: &b0 [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9)}]\n" for i in range(1, 9)),
    "deep nesting": "protoverify: 1\nmetadata: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "impossible date": "protoverify: 1\nmetadata: {agreed: 2019-02-30}\n",
    "python tag": "protoverify: 1\nmetadata: !!python/object/apply:os.system ['echo pwned']\n",
    "truncated": STANDALONE.read_text(encoding="utf-8")[:5000],  # cut inside a flow mapping
    "huge timescale": EXAMPLE.read_text(encoding="utf-8").replace(
        "amount: 5, unit: working_days", "amount: 100000000000000000000, unit: working_days"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("command", ["validate", "check", "report"])
@pytest.mark.parametrize("kind", sorted(NASTY))
def test_real_processes(tmp_path: Path, kind: str, command: str) -> None:
    """A handful of inputs through the installed command in a real process: exit 2 within the time
    limit, each problem located, no traceback, nothing written."""
    path = tmp_path / "protocol.yaml"
    path.write_text(NASTY[kind], encoding="utf-8")
    out = tmp_path / "report"
    args = {"validate": [], "check": ["--today", TODAY], "report": ["-o", str(out), "--today", TODAY]}[command]
    result = subprocess.run(
        [sys.executable, "-m", "protoverify", command, str(path), *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert all(line.startswith(f"{path}:") and "expected" in line for line in result.stderr.splitlines()), result.stderr
    assert not out.exists()


# --- failures the fuzzing found, now fixed -----------------------------------------------------


def at(text: str, fragment: str) -> str:
    """':line:col: ' of the first character of `fragment` in `text`."""
    before = text[: text.index(fragment)]
    return f":{before.count(chr(10)) + 1}:{len(before) - (before.rfind(chr(10)) + 1) + 1}: "


def problems_in(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "protocol.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_protocol(path)
    return [str(p) for p in caught.value.problems]


def test_an_impossible_date_is_located(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("agreed: 2024-04-01", "agreed: 2024-02-30")
    (problem,) = problems_in(tmp_path, text)
    assert problem.endswith(
        at(text, "2024-02-30")
        + "'2024-02-30' is not a real date (day is out of range for month); expected a real date such as 2019-03-20"
    )


@pytest.mark.slow
def test_a_time_limit_over_a_century_is_refused(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    (problem,) = problems_in(tmp_path, text.replace("amount: 5, unit: working_days", "amount: 3000000, unit: days"))
    assert "3,000,000 days is more than 100 years; expected a time limit of at most 100 years" in problem
    (problem,) = problems_in(
        tmp_path, text.replace("amount: 5, unit: working_days", "amount: 1" + "0" * 400 + ", unit: working_days")
    )
    assert "an amount of 401 digits in working days is more than 100 years" in problem  # once an OverflowError
    path = tmp_path / "long.yaml"
    path.write_text(
        text.replace("amount: 5, unit: working_days", "amount: 20000, unit: working_days"), encoding="utf-8"
    )
    assert check(load_protocol(path), timeout=5).findings  # 80 years still loads and checks


def test_line_100_is_not_an_emoji(tmp_path: Path) -> None:
    """rich printed ':100:' in 'file:100:20: ...' as an emoji."""
    text = EXAMPLE.read_text(encoding="utf-8").replace("{id: bail, name: on bail,", "{id: bail, label: on bail,")
    text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))  # room above
    line = int(at(text, "label").split(":")[1])
    assert line < 100
    path = tmp_path / "protocol.yaml"
    path.write_text("#\n" * (100 - line) + text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert (
        result.exit_code == 2
        and result.stderr.startswith(f"{path}:100:")
        and "\N{HUNDRED POINTS SYMBOL}" not in result.stderr
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("!!set {a, b}", "a set (!!set)"),
        ("!!omap [a: 1]", "a value tagged !!omap"),
        ("!!binary aGVsbG8=", "binary data (!!binary)"),
        ("!!python/object/apply:os.system ['false']", "a value tagged !!python/object/apply:os.system"),
        ("!custom {a: 1}", "a value tagged !custom"),
        ("!!float nan", "a value tagged !!float"),  # make fuzz: a traceback where a line followed it
        ('"a\\x07b"', "text with the control character U+0007"),
    ],
)
def test_tags_and_control_characters_are_refused_where_they_stand(tmp_path: Path, value: str, words: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("  version: unspecified", f"  version: {value}")
    (problem,) = problems_in(tmp_path, text)
    assert at(text, value) + words in problem and "; expected" in problem


def test_a_bare_control_character_is_located(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("version: unspecified", "version: un\x07specified")
    (problem,) = problems_in(tmp_path, text)
    assert at(text, "\x07") + "control character U+0007 in the text; expected printable text" in problem


def test_an_anchored_true_stays_true(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace(
        "when: {justice: police_custody, known_to_csc: false}",
        "when: {justice: police_custody, known_to_csc: &no false}",
    )
    text = text.replace(
        "when: {justice: police_custody, known_to_csc: true}",
        "when: {justice: police_custody, known_to_csc: &yes true}",
    )
    path = tmp_path / "protocol.yaml"
    path.write_text(text, encoding="utf-8")
    rules = {r.id: r.when for r in load_protocol(path).ownership}
    assert "True" in repr(rules["aa_known_child"]) and "False" in repr(rules["aa_unknown_child"])


def test_merge_keys_are_located(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '  - {id: parents, name: parents or carers, clause: "2.2"}',
        '  - &parents {id: parents, name: parents or carers, clause: "2.2"}\n  - {<<: *parents, id: carers, nme: x}',
    )
    (problem,) = problems_in(tmp_path, text)
    assert problem.endswith(
        at(text, "nme") + "unknown key 'nme'; did you mean 'name'? expected one of: id, name, clause"
    )


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("1", "key 1 is not a name; expected a key written as text"),
        ("regoin", "unknown key 'regoin'; did you mean 'region'?"),
        ('"x\\ny"', "unknown key 'x\\ny'"),
    ],
)
def test_odd_keys_are_one_located_line_each(tmp_path: Path, key: str, words: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("calendar:\n", f"calendar:\n  {key}: 1\n")
    (problem,) = problems_in(tmp_path, text)
    assert at(text, f"{key}: 1") + words in problem and "\n" not in problem


def test_too_many_digits_and_too_many_items_say_what_was_expected(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("protoverify: 1", "protoverify: 1" + "0" * 5000)
    assert problems_in(tmp_path, text)[0].endswith(
        at(text, "1000") + "a number of 5,001 characters; expected a number of ordinary size"
    )
    text = EXAMPLE.read_text(encoding="utf-8").replace("protoverify: 1", "protoverify: 1" + "0" * 400)
    assert "the number given for 'protoverify' has too many digits to read; expected" in problems_in(tmp_path, text)[0]
    text = EXAMPLE.read_text(encoding="utf-8").replace("range: [10, 17]", "range: [10, 17, 18]")
    assert any("'range' has 3 items; expected at most 2" in p for p in problems_in(tmp_path, text))


def test_a_missing_field_of_a_later_defined_model_says_what_was_expected(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("delay: {amount: 3, unit: weeks}", "delay: {amount: 3}")
    (problem,) = problems_in(tmp_path, text)
    assert "missing required field 'unit'; expected 'hours' or 'days' or 'working_days' or 'weeks'" in problem
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "also: {amount: 15, unit: working_days}\n      words", "also: {unit: working_days}\n      words", 1
    )
    (problem,) = problems_in(tmp_path, text)
    assert "missing required field 'amount'; expected a whole number" in problem


def test_an_empty_actor_or_escalation_step_is_refused(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("actor: [yjs, csc]", "actor: []")
    assert "'actor' is empty; expected a party, a list of them, or 'unspecified'" in problems_in(tmp_path, text)[0]
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "{parties: [yjs_team_leader, csc_team_manager]}", "{parties: []}"
    )
    assert "'parties' is empty; expected" in problems_in(tmp_path, text)[0]


def test_a_transition_from_a_child_to_its_parent_state(tmp_path: Path) -> None:
    """The explorer once put the lifecycle itself into the configuration (a KeyError in check)."""
    text = STANDALONE.read_text(encoding="utf-8").replace(
        '      - {event: released_on_licence, from: custody, to: licence, clause: "4.3"}',
        '      - {event: released_on_licence, from: custody, to: licence, clause: "4.3"}\n'
        '      - {event: accommodated, from: yda, to: remanded, clause: "3.3"}',
    )
    path = tmp_path / "protocol.yaml"
    path.write_text(text, encoding="utf-8")
    protocol = load_protocol(path)
    situations = Situations(protocol)
    machine = start(compile_protocol(protocol), {"age": 15, "known_to_csc": False, "legal_status": "none"})

    def engine() -> frozenset[str]:
        return frozenset(s.id for s in machine.configuration) - situations.lifecycles - {protocol.metadata.id}

    for event in ("arrested", "remanded_to_yda"):
        machine.send(event)
    before = engine()
    machine.send("accommodated")
    (step,) = [s for s in situations.steps if s.event == "accommodated" and s.source == before]
    assert "yda" in before and step.target == engine() and {"remanded", "rilaa"} <= step.target
    assert check(protocol, timeout=5).findings


def test_a_line_break_in_a_state_name_keeps_mermaid_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "protocol.yaml"
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("name: on bail,", 'name: "on\\nbail",'), encoding="utf-8"
    )
    result = runner.invoke(app, ["export", str(path), "--to", "mermaid"])
    assert result.exit_code == 0 and 'state "on bail" as bail' in result.stdout


# --- found in simulate/scenario.py ------------------------------------------------------------


def test_a_huge_whole_number_in_a_scenario_is_located(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "remand.yaml", tmp_path / "remand.yaml")
    path = tmp_path / "scenario.yaml"
    path.write_text(
        (FIXTURES / "remand-scenario.yaml")
        .read_text(encoding="utf-8")
        .replace("replications: 30", "replications: 1" + "0" * 400),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["simulate", str(path), "--workers", "1"])
    assert result.exit_code == 2 and result.stderr.startswith(f"{path}:10:") and "expected" in result.stderr


def test_a_huge_spread_in_a_scenario_is_located(tmp_path: Path) -> None:
    """A finite but huge standard deviation overflowed while fitting the lognormal (a traceback)."""
    shutil.copy(FIXTURES / "remand.yaml", tmp_path / "remand.yaml")
    path = tmp_path / "scenario.yaml"
    path.write_text(
        (FIXTURES / "remand-scenario.yaml").read_text(encoding="utf-8").replace("sd: 20", "sd: 1.0e+300"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["simulate", str(path), "--workers", "1"])
    assert (
        result.exit_code == 2 and result.stderr.startswith(f"{path}:") and "'sd' is 1e+300; expected" in result.stderr
    )


@pytest.mark.parametrize("value", ["null", "3", "a word", "{a: 1}"])
def test_lifecycles_that_are_not_a_list_on_the_library_are_located(tmp_path: Path, value: str) -> None:
    """`make fuzz` (swap_type at lifecycles): a protocol on the library whose `lifecycles` was not a
    list ended in a TypeError while the library's lifecycles were added to it."""
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("\nlifecycles:\n"), text.index("\ndimensions:\n")
    path = tmp_path / "protocol.yaml"
    path.write_text(text[:start] + f"\nlifecycles: {value}\n" + text[end:], encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (
        result.stderr.startswith(f"{path}:") and "'lifecycles'" in result.stderr and "expected a list" in result.stderr
    )


def test_a_scenario_naming_a_protocol_whose_name_is_too_long_is_refused_where_it_is_read(tmp_path: Path) -> None:
    """`make fuzz` (long_string at protocol): the protocol's file name over the system's limit ended in
    an OSError traceback when its size was looked up."""
    fixture = ROOT / "tests" / "fixtures" / "simulate" / "queue-scenario.yaml"
    text = "".join(
        f"protocol: {'x' * 300}.yaml\n" if line.startswith("protocol:") else line
        for line in fixture.read_text(encoding="utf-8").splitlines(keepends=True)
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(path), "--replications", "1", "--workers", "1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "cannot be read (File name too long)" in result.stderr


def test_a_tagged_value_with_a_line_after_it_is_refused_where_it_stands(tmp_path: Path) -> None:
    """`make fuzz` (tag): `calendar: !!float nan` above the calendar's own lines ended in a ValueError."""
    path = tmp_path / "protocol.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("calendar:\n", "calendar: !!float nan\n", 1), "utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output and result.stderr.startswith(f"{path}:")
