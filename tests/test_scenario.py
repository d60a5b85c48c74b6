"""The scenario format: the bundled scenarios load, bad scenarios are refused with located messages,
variants lay their settings over a base, the JSON Schema is current, and every number in a bundled
scenario says where it comes from."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT
from ruamel.yaml import YAML

from protoverify.model.source import LoadError, read
from protoverify.simulate.loader import load_scenario, scenario_from_mapping
from protoverify.simulate.scenario import json_schema

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
BASELINE = ROOT / "scenarios" / "stockport-baseline.yaml"
COMMITTED = ROOT / "docs" / "scenario.schema.json"


def test_the_bundled_scenarios_are_there():
    names = {p.name for p in SCENARIOS}
    for place in ("stockport", "warwickshire"):
        assert {
            f"{place}-baseline.yaml",
            f"{place}-remand-surge.yaml",
            f"{place}-staff-shortage.yaml",
            f"{place}-budget-cut.yaml",
        } <= names


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_each_bundled_scenario_loads_against_its_protocol(path: Path):
    scenario = load_scenario(path)
    assert scenario.protocol_path.is_file()
    assert scenario.id.replace("_", "-") == path.stem


def test_a_variant_is_its_base_with_what_it_changes():
    base = load_scenario(BASELINE)
    surge = load_scenario(ROOT / "scenarios" / "stockport-remand-surge.yaml")
    shortage = load_scenario(ROOT / "scenarios" / "stockport-staff-shortage.yaml")
    assert surge.demand.remands_per_year == pytest.approx(base.demand.remands_per_year * 1.5, abs=0.5)
    assert surge.demand.flows == base.demand.flows and surge.staff == base.staff
    # a staff pool is merged key by key: the count changes, the actors stay the base's
    assert shortage.staff["case_manager"].count < base.staff["case_manager"].count
    assert shortage.staff["case_manager"].actors == base.staff["case_manager"].actors
    assert shortage.protocol_path == base.protocol_path


def test_a_variant_replaces_a_probability_table_whole(tmp_path: Path):
    variant = tmp_path / "variant.yaml"
    variant.write_text(
        f"base: {BASELINE}\nid: v\ntitle: v\ndemand:\n  flows:\n    bail:\n      next: {{community_sentence_imposed: 0.9, leave: 0.1}}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(variant)
    assert scenario.demand.flows["bail"].next == {"community_sentence_imposed": 0.9, "leave": 0.1}
    assert scenario.demand.flows["bail"].stay == load_scenario(BASELINE).demand.flows["bail"].stay


# --- located errors ---------------------------------------------------------------------------------


def copy_with(tmp_path: Path, old: str, new: str) -> Path:
    """The Stockport baseline in tmp_path (protocol path made absolute), with `old` replaced by `new`."""
    text = BASELINE.read_text(encoding="utf-8").replace("../protocols/", f"{ROOT / 'protocols'}/")
    if old:
        assert old in text, old
        text = text.replace(old, new, 1)
    target = tmp_path / "scenario.yaml"
    target.write_text(text, encoding="utf-8")
    return target


def line_of(path: Path, words: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if words in line)


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        (
            "  remands_per_year: 76",
            "  remands_per_yeer: 76",
            "remands_per_yeer",
            "unknown key 'remands_per_yeer'; did you mean 'remands_per_year'?",
        ),
        ("    count: 9 ", "    count: 0 ", "count: 0", "'count' is 0; expected a whole number of at least 1"),
        (
            "    absence: 0.12            # assumption: leave",
            "    absence: 1.5            # assumption: leave",
            "absence: 1.5",
            "'absence' is 1.5; expected a number from 0 to 1 (less than it)",
        ),
        (
            "{bailed: 0.82, remanded_to_yda: 0.11, remanded_to_la: 0.07}",
            "{bailed: 0.82, remanded_to_yda: 0.11, remanded_to_la: 0.17}",
            "remanded_to_la: 0.17",
            "the probabilities of the next events add up to 1.1; expected 1",
        ),
        (
            "next: {released_from_custody: 1.0}",
            "next: {released_from_custodi: 1.0}",
            "released_from_custodi",
            "unknown event 'released_from_custodi' in the protocol; did you mean 'released_from_custody'?",
        ),
        (
            "next: {released_from_custody: 1.0}",
            "next: {bailed: 1.0}",
            "next: {bailed: 1.0}",
            "no transition of the protocol on 'bailed' leaves or moves inside state 'custody'",
        ),
        (
            "    licence:\n",
            "    license:\n",
            "license:",
            "unknown state 'license' in the protocol; did you mean 'licence'?",
        ),
        (
            "{dist: lognormal, mean: 90, sd: 60, unit: days}",
            "{dist: lognormal, mean: 90, unit: days}",
            "mean: 90, unit",
            "a lognormal distribution takes mean and sd, not mean; expected e.g.",
        ),
        (
            "    cps_opposes_bail: {true: 0.5, false: 0.5}             # assumption\n",
            "",
            "attributes:",
            "no values for attribute 'cps_opposes_bail', which duty attend_when_bail_opposed (clause 5.2) reads",
        ),
        (
            "    court_location: {stockport_youth_court: 0.8",
            "    court_location: {stockport_court: 0.8",
            "stockport_court",
            "'stockport_court' is not a value of attribute 'court_location'; expected one of",
        ),
        (
            "  cps: {dist: lognormal, mean: 24, sd: 12}\n",
            "",
            "staff:",
            "duty apply_ten_point_plan (clause 4.2.5) is for 'cps', whom no staff pool covers and 'external' does not list",
        ),
        (
            "    as soon as: {amount: 1, unit: working_days}\n",
            "",
            "  vague:",
            "duty notify_csc_of_rilaa (clause 5.6.1) has the vague timescale 'as soon as'; expected interpretations.vague to say how it is read",
        ),
        (
            "  pool: case_manager         # clause 5.1",
            "  pool: court_officer         # clause 5.1",
            "pool: court_officer",
            "unknown staff pool 'court_officer'; expected one of: case_manager, yos_manager, social_worker, leaving_care",
        ),
        (
            "stockport-2019.yaml\n",
            "nowhere.yaml\n",
            "protocol:",
            "protocols/nowhere.yaml; expected the path of a protocol YAML file",
        ),
    ],
    ids=[
        "misspelt-key",
        "zero-staff",
        "absence-range",
        "probabilities",
        "unknown-event",
        "event-not-here",
        "unknown-state",
        "dist-parameters",
        "missing-attribute",
        "attribute-value",
        "uncovered-actor",
        "vague-unread",
        "unknown-pool",
        "no-protocol",
    ],
)
@pytest.mark.slow
def test_a_bad_scenario_is_refused_with_a_located_message(tmp_path: Path, old: str, new: str, at: str, message: str):
    path = copy_with(tmp_path, old, new)
    with pytest.raises(LoadError) as raised:
        load_scenario(path)
    problems = [p for p in raised.value.problems if message in p.message]
    assert problems, f"{message!r} not in {[p.message for p in raised.value.problems]}"
    assert problems[0].file == str(path) and problems[0].line == line_of(path, at)
    assert re.search(r"expected", problems[0].message)


@pytest.mark.slow
def test_the_command_line_says_where_and_exits_2_without_a_traceback(tmp_path: Path):
    path = copy_with(tmp_path, "  remands_per_year: 76", "  remands_per_year: -3")
    target = tmp_path / "out.json"
    result = subprocess.run(
        [sys.executable, "-m", "protoverify", "simulate", str(path), "--format", "json", "-o", str(target)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"{path}:{line_of(path, 'remands_per_year')}:")
    assert "'remands_per_year' is -3; expected a number of at least 0" in result.stderr
    assert "Traceback" not in result.stderr and not target.exists()


def test_a_variant_error_is_located_in_the_variant(tmp_path: Path):
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"base: {BASELINE}\nid: v\ntitle: v\nstaff:\n  case_manager:\n    count: 0\n", encoding="utf-8")
    with pytest.raises(LoadError) as raised:
        load_scenario(variant)
    (problem,) = raised.value.problems
    assert (problem.file, problem.line) == (str(variant), 6) and "'count' is 0" in problem.message
    missing = tmp_path / "missing-base.yaml"
    missing.write_text("base: nowhere.yaml\nid: v\ntitle: v\n", encoding="utf-8")
    with pytest.raises(
        LoadError, match="no scenario file at .*nowhere.yaml; expected the path of another scenario file"
    ):
        load_scenario(missing)


def test_a_mapping_is_checked_like_a_file_and_named_by_its_paths():
    data = read(BASELINE, "scenario").data
    data["staff"]["case_manager"]["count"] = 6
    scenario = scenario_from_mapping(data, f"{BASELINE} with staff.case_manager.count=6")
    assert scenario.staff["case_manager"].count == 6 and scenario.protocol_path.is_file()
    data["staff"]["case_manager"]["count"] = 0
    with pytest.raises(LoadError) as raised:
        scenario_from_mapping(data, f"{BASELINE} with staff.case_manager.count=0")
    (problem,) = raised.value.problems
    assert (
        str(problem)
        == f"{BASELINE} with staff.case_manager.count=0: staff.case_manager.count: 'count' is 0; expected a whole number of at least 1"
    )


# --- the schema and the sources of numbers ----------------------------------------------------------


def as_json(value: object) -> object:
    if isinstance(value, dict):
        return {str(k).lower() if isinstance(k, bool) else str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_committed_schema_is_current():
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == json_schema(), (
        "run `make schema` and commit docs/scenario.schema.json"
    )


@pytest.mark.slow
def test_cli_prints_the_scenario_schema():
    result = subprocess.run(
        [sys.executable, "-m", "protoverify", "schema", "--scenario"], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == json_schema()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_schema_accepts_each_bundled_scenario(path: Path):
    validator = jsonschema.Draft202012Validator(json_schema())
    data = as_json(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(data)] == []


def test_the_schema_refuses_what_the_loader_refuses():
    validator = jsonschema.Draft202012Validator(json_schema())
    data = as_json(YAML(typ="safe").load(BASELINE.read_text(encoding="utf-8")))
    data["staff"]["case_manager"]["absence"] = 1.5
    assert list(validator.iter_errors(data))
    data["staff"]["case_manager"]["absence"] = 0.1
    data["demand"]["remands_per_yeer"] = 3
    assert list(validator.iter_errors(data))


SOURCE_WORDS = ("figures.md", "assumption", "derived", "clause", "scenario", "baseline")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_number_in_a_bundled_scenario_says_where_it_comes_from(path: Path):
    """A line that sets a number says where the number comes from (figures.md, a clause, derived, an
    assumption, or the scenario it changes) in a comment on that line, on the comment line just
    above it, or on the line of the key it sits under."""
    lines = path.read_text(encoding="utf-8").splitlines()

    def cites(text: str) -> bool:
        return any(word in text for word in SOURCE_WORDS)

    unexplained = []
    for i, line in enumerate(lines):
        code, _, comment = line.partition("#")
        if not re.search(r"\d", code) or re.match(r"\s*(protoverify_scenario|id|title|base|protocol):", code):
            continue
        indent = len(line) - len(line.lstrip())
        above = lines[i - 1].strip() if i else ""
        parent = next(
            (
                lines[j]
                for j in range(i - 1, -1, -1)
                if lines[j].strip()
                and not lines[j].strip().startswith("#")
                and len(lines[j]) - len(lines[j].lstrip()) < indent
            ),
            "",
        )
        if not (cites(comment) or (above.startswith("#") and cites(above)) or cites(parent.partition("#")[2])):
            unexplained.append(f"{path.name}:{i + 1}: {line.strip()}")
    assert unexplained == []


def test_a_sweep_section_plans_the_sweep_a_report_runs():
    scenario = load_scenario(BASELINE)
    varies, replications = scenario.planned_sweep()
    assert [(v.path, v.values) for v in varies] == [("staff.case_manager.count", (6, 8, 10, 12))] and replications == 20
    assert (
        load_scenario(ROOT / "scenarios" / "stockport-remand-surge.yaml").planned_sweep()[1] == 20
    )  # a variant keeps its base's


@pytest.mark.parametrize(
    ("sweep", "at", "message"),
    [
        (
            "sweep:\n  vary: {staff.case_manager.count: [6, 6]}\n",
            "vary:",
            "'staff.case_manager.count' has a value repeated; expected distinct values",
        ),
        ("sweep:\n  vary: {staff.case_manager.count: []}\n", "vary:", "has no values; expected distinct values"),
        ("sweep:\n  vary: {}\n", "vary:", "expected"),
        (
            "sweep:\n  vary: {'staff..count': [1]}\n",
            "staff..count",
            "'staff..count' is not a dotted path of names; expected a setting such as",
        ),
        (
            "sweep:\n  vary: {staff.case_manger.count: [1]}\n",
            "vary:",
            "'staff.case_manger.count' is not a setting of this scenario (no 'case_manger' in staff); expected",
        ),
        (
            "sweep:\n  vary: {seed: [1]}\n  replications: 0\n",
            "replications: 0",
            "'replications' is 0; expected a whole number of at least 1",
        ),
    ],
    ids=["repeated", "empty", "nothing", "bad-path", "unknown-setting", "no-replications"],
)
def test_a_bad_sweep_section_is_located(tmp_path: Path, sweep: str, at: str, message: str):
    text = BASELINE.read_text(encoding="utf-8")
    path = copy_with(tmp_path, text[text.index("\nsweep:") :], "\n" + sweep)
    with pytest.raises(LoadError) as raised:
        load_scenario(path)
    problems = [p for p in raised.value.problems if message in p.message]
    assert problems, [p.message for p in raised.value.problems]
    assert problems[0].line == line_of(path, at)
