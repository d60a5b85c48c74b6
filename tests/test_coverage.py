"""Coverage: every clause of the source encoded or narrative, every time phrase matched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import protoverify as run

from protoverify import load_protocol
from protoverify.reports.coverage import coverage

SOURCE = """\
1 DUTIES

- 1.1 The YJS will notify CSC as soon as a remand is ordered, and as soon as it looks likely.
- 1.2 CSC will find a placement within 4 hours.
- 1.3 The assessment must reach the YJS at least 2 days prior to the hearing.
- 1.4 The court is asked for a 3 week adjournment (15 working days).
- 1.5 The YJS seconds a worker two days per week; cases are allocated every Tuesday.
- 1.6 The YJS notifies housing of anyone threatened with homelessness in 56 days.
- 1.7 The services share a commitment to children.
- 1.8 An uncovered clause.
"""

PROTOCOL = """\
protoverify: 1
metadata: {id: tiny, title: t, authority: a, agreed: unspecified, review: unspecified, version: unspecified, source: s, clause: "1.1"}
agencies: [{id: yjs, name: YJS, clause: "1.1"}, {id: csc, name: CSC, clause: "1.1"}]
attributes: [{id: days_until_homeless, name: d, type: int, range: [0, 365], unit: days, clause: "1.6"}]
events:
  - {id: remanded, name: remanded, clause: "1.1"}
  - {id: adjourned, name: adjourned, clause: "1.4"}
  - {id: hearing, name: hearing, clause: ["1.3", "1.4"], scheduled: {after: adjourned, delay: {amount: 3, unit: weeks}, also: {amount: 15, unit: working_days}}}
duties:
  - {id: notify, clause: "1.1", actor: yjs, action: notify, trigger: {event: remanded}, timescale: {vague: as soon as a remand is ordered}, modality: must}
  - {id: place, clause: "1.2", actor: csc, action: place, trigger: {duty: notify}, timescale: {within: {amount: 4, unit: hours}}, modality: must}
  - {id: assess, clause: "1.3", actor: csc, action: assess, timescale: {before: {event: hearing, amount: 2, unit: days}}, modality: must}
  - {id: second, clause: "1.5", actor: yjs, action: second, timescale: {every: {amount: 1, unit: weeks}, lasting: {amount: 2, unit: days}}, modality: must}
  - {id: allocate, clause: "1.5", actor: unspecified, action: allocate, timescale: {every: {amount: 1, unit: weeks}}, modality: may}
  - {id: housing, clause: "1.6", actor: yjs, action: notify housing, timescale: unspecified, modality: must, when: {days_until_homeless: {lte: 56}}}
narrative: [{clause: "1.7", reason: a commitment}, {clause: "9.9", reason: a typo}]
"""


@pytest.fixture()
def result(tmp_path: Path):
    path = tmp_path / "tiny.yaml"
    path.write_text(PROTOCOL, encoding="utf-8")
    return coverage(load_protocol(path), SOURCE)


def test_clause_statuses(result) -> None:
    status = {c.id: c.status for c in result.clauses}
    assert status == {
        "1.1": "encoded",
        "1.2": "encoded",
        "1.3": "encoded",
        "1.4": "encoded",
        "1.5": "encoded",
        "1.6": "encoded",
        "1.7": "narrative",
        "1.8": "missing",
    }
    assert result.missing == ["1.8"] and result.not_in_source == ["9.9"]


def test_every_kind_of_time_phrase_finds_its_encoding(result) -> None:
    matched = {(m.phrase.clause, m.phrase.words): m.encoded for m in result.phrases}
    assert matched[("1.2", "within 4 hours")] == "duty place: within 4 hours"
    assert matched[("1.3", "at least 2 days prior to")] == "duty assess: 2 days before hearing"
    assert matched[("1.4", "3 week")] == "event hearing: 3 weeks after adjourned"
    assert matched[("1.4", "15 working days")] == "event hearing: also 15 working days"
    assert matched[("1.5", "two days per week")] == "duty second: 2 days every 1 weeks"
    assert matched[("1.5", "every Tuesday")].startswith("duty ")
    assert matched[("1.6", "in 56 days")] == "duty housing: condition days_until_homeless lte 56 days"


def test_each_encoded_time_answers_one_phrase(result) -> None:
    vague = [m for m in result.phrases if m.phrase.clause == "1.1"]
    assert [m.phrase.words for m in vague] == ["as soon as", "as soon as"]
    assert [m.encoded is not None for m in vague] == [True, False]  # one vague timescale, two phrases
    assert [(p.clause, p.words) for p in result.unmatched] == [("1.1", "as soon as")]
    assert not result.complete


def test_json_fields(result) -> None:
    data = result.to_json()
    assert (data["clauses_total"], data["encoded"], data["narrative"], data["missing"]) == (8, 6, 1, ["1.8"])
    assert data["timescales_total"] == data["timescales_matched"] + 1
    assert data["timescales_unmatched"] == [{"clause": "1.1", "phrase": "as soon as"}]


@pytest.mark.slow
def test_cli_exit_codes(tmp_path: Path) -> None:
    protocol, source = tmp_path / "tiny.yaml", tmp_path / "source.txt"
    protocol.write_text(PROTOCOL, encoding="utf-8")
    source.write_text(SOURCE, encoding="utf-8")
    incomplete = run("coverage", str(protocol), "--source", str(source), "--format", "json")
    assert incomplete.returncode == 1 and json.loads(incomplete.stdout)["missing"] == ["1.8"]
    fixed_text = SOURCE.replace("- 1.8 An uncovered clause.\n", "").replace(", and as soon as it looks likely", "")
    source.write_text(fixed_text, encoding="utf-8")
    protocol.write_text(PROTOCOL.replace(', {clause: "9.9", reason: a typo}', ""), encoding="utf-8")
    complete = run("coverage", str(protocol), "--source", str(source))
    assert complete.returncode == 0, complete.stdout
    assert "complete" in complete.stdout
    missing = run("coverage", str(protocol), "--source", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "file not found" in missing.stderr and "Traceback" not in missing.stderr


def test_extracts_placeholders_are_unreviewed_not_encoded(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(PROTOCOL.replace("reason: a commitment", "reason: no modal verb found — review"), encoding="utf-8")
    result = coverage(load_protocol(path), SOURCE)
    assert {c.id: c.status for c in result.clauses}["1.7"] == "unreviewed"
    assert result.unreviewed == ["1.7"] and result.to_json()["unreviewed"] == ["1.7"] and not result.complete


def test_no_time_phrase_at_all_is_a_warning_not_all_matched(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(PROTOCOL, encoding="utf-8")
    result = coverage(load_protocol(path), "1 DUTIES\n- 1.1 The YJS will notify CSC.\n")
    assert result.phrases == [] and result.warnings and "no time phrase found" in result.warnings[0]
    assert result.to_json()["warnings"] == result.warnings


def test_a_phrase_kept_as_words_is_matched(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(
        PROTOCOL.replace("timescale: {vague: as soon as a remand is ordered}", "timescale: {vague: on the same day}"),
        encoding="utf-8",
    )
    result = coverage(load_protocol(path), "1 DUTIES\n- 1.1 The YJS will notify CSC on the same day.\n")
    assert [(m.phrase.words, m.encoded) for m in result.phrases] == [
        ("on the same day", "duty notify: vague: on the same day")
    ]
    assert result.clauses[0].where == "line 2"
