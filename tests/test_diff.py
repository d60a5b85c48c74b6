"""`protoverify diff`: what a redraft changes, the gate on new errors, and timescales compared on the calendar."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from conftest import TODAY_ISO as TODAY

from protoverify import load_protocol
from protoverify.api import diff as diff_files
from protoverify.model.calendar import Calendar, Limit, Unit
from protoverify.properties.check import Report
from protoverify.properties.diff import CHANGE_KINDS, diff
from protoverify.properties.judgements import beside
from protoverify.properties.timescales import compare as compare_limits
from protoverify.reports.diff import to_markdown, to_text


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "protoverify", *args], capture_output=True, text=True, env=env)


def redraft(text: str, *edits: tuple[str, str]) -> str:
    """Apply each (old, new) edit to the text; each old string must occur exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, f"redraft edit does not apply exactly once: {old!r}"
        text = text.replace(old, new)
    return text


def unchecked(path: Path, text: str | None = None) -> Report:
    """A report with no findings, to compare encodings without running the checks."""
    if text is not None:
        path.write_text(text, encoding="utf-8")
    return Report(load_protocol(path), dt.date.fromisoformat(TODAY))


# --- timescales on the calendar ------------------------------------------------------------------


def test_limits_are_compared_on_the_working_day_calendar() -> None:
    calendar = Calendar()
    assert compare_limits(Limit(10, Unit.WORKING_DAYS), Limit(15, Unit.WORKING_DAYS), calendar).verdict == "looser"
    assert compare_limits(Limit(24, Unit.HOURS), Limit(12, Unit.HOURS), calendar).verdict == "tighter"
    assert compare_limits(Limit(1, Unit.WEEKS), Limit(7, Unit.DAYS), calendar).verdict == "same"
    # a day is counted to the close of the next day, so it always allows at least 24 hours
    assert compare_limits(Limit(24, Unit.HOURS), Limit(1, Unit.DAYS), calendar).verdict == "looser"
    # counting back from an event: more notice is tighter
    assert (
        compare_limits(Limit(2, Unit.DAYS, before=True), Limit(5, Unit.WORKING_DAYS, before=True), calendar).verdict
        == "tighter"
    )
    # 5 working days end sooner than 7 days from a weekend, later across Christmas
    mixed = compare_limits(Limit(7, Unit.DAYS), Limit(5, Unit.WORKING_DAYS), calendar)
    assert mixed.verdict == "neither"
    assert (
        mixed.earlier is not None
        and mixed.earlier.anchor.weekday() >= 5
        and mixed.earlier.new_due < mixed.earlier.old_due
    )
    assert mixed.later is not None and mixed.later.anchor.month == 12 and mixed.later.new_due > mixed.later.old_due
    # a calendar with an extra closure day makes the same working-day limit looser
    closed = Calendar(closures=[dt.date(2026, 6, 1)])
    assert (
        compare_limits(Limit(5, Unit.WORKING_DAYS), Limit(5, Unit.WORKING_DAYS), calendar, closed).verdict == "looser"
    )
    with pytest.raises(ValueError):
        compare_limits(Limit(5, Unit.DAYS), Limit(5, Unit.DAYS, before=True), calendar)


def test_duty_timescale_changes_are_tightened_loosened_or_not_comparable(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    old = unchecked(EXAMPLE)
    new = unchecked(
        tmp_path / "example.yaml",
        redraft(
            text,
            # vague words replaced by a limit: not comparable
            (
                '    timescale: {vague: as soon as}\n    modality: must\n    quote: "notify CSC as soon as"',
                '    timescale: {within: {amount: 2, unit: hours}}\n    modality: must\n    quote: "notify CSC as soon as"',
            ),
            # a limit where there was none: tightened
            (
                "    trigger: {enter: remanded}\n    timescale: unspecified",
                "    trigger: {enter: remanded}\n    timescale: {within: {amount: 1, unit: days}}",
            ),
            # within 5 working days becomes within 1 week: neither
            (
                "    timescale: {within: {amount: 5, unit: working_days}}",
                "    timescale: {within: {amount: 1, unit: weeks}}",
            ),
            # more notice before the hearing: tightened
            ("amount: 2, unit: days}}\n    modality: must", "amount: 3, unit: days}}\n    modality: must"),
            # four hours become six: loosened
            ("timescale: {within: {amount: 4, unit: hours}}", "timescale: {within: {amount: 6, unit: hours}}"),
            # the weekly meeting is at least every 7 days: restated, neither tighter nor looser
            (
                "timescale: {every: {amount: 1, unit: weeks}, words: every Tuesday}",
                "timescale: {every: {amount: 7, unit: days}}",
            ),
            # the second reading, 15 working days, becomes 21 days: neither
            (
                "      within: {amount: 3, unit: weeks}\n      also: {amount: 15, unit: working_days}\n      words: 3 weeks (15 working days)\n",
                "      within: {amount: 3, unit: weeks}\n      also: {amount: 21, unit: days}\n",
            ),
        ),
    )
    kinds = {c.subject: c.kind for c in diff(old, new).changes if c.kind.startswith("timescale")}
    assert kinds == {
        "notify_csc_of_remand": "timescale-changed",
        "complete_bail_remand_assessment": "timescale-tightened",
        "send_care_history": "timescale-changed",
        "share_assessment_before_sentence": "timescale-tightened",
        "find_remand_placement": "timescale-loosened",
        "case_review_meeting": "timescale-changed",
        "write_pre_sentence_report": "timescale-changed",
    }
    messages = {c.subject: c.message for c in diff(old, new).changes}
    assert "earlier on some dates and later on others" in messages["send_care_history"]
    assert "the same in effect; restated, the same deadline on every date" in messages["case_review_meeting"]
    assert "second reading" in messages["write_pre_sentence_report"]
    assert '"as soon as"' in messages["notify_csc_of_remand"] and "(was " in messages["notify_csc_of_remand"]


# --- matching ------------------------------------------------------------------------------------


def test_renamed_duties_and_rules_are_matched_one_to_one_and_the_text_is_grouped(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    new = unchecked(
        tmp_path / "example.yaml",
        redraft(
            text,
            # renamed with a new action: the only duty of clause 4.1, matched by clause
            ("  - id: visit_in_custody\n", "  - id: visit_child_in_custody\n"),
            ("    action: visit the child in custody", "    action: visit the child where they are held"),
            # renamed with the same action: matched by action
            ("  - id: write_pre_sentence_report\n", "  - id: write_psr\n"),
            # both duties of clause 3.2 renamed with new actions: which is which is not clear, so neither is matched
            ("  - id: find_remand_placement\n", "  - id: find_placement\n"),
            ("    action: find a placement for the remanded child", "    action: find a placement"),
            ("  - id: complete_bail_remand_assessment\n", "  - id: complete_assessment\n"),
            ("    action: complete the bail and remand assessment", "    action: complete the remand assessment"),
            (
                "    needs: [bail_remand_assessment]",
                "    needs: [bail_remand_assessment]\n    type: find_remand_placement",
            ),
            ("  - id: aa_unknown_child\n", "  - id: aa_child_not_known\n"),  # same dimension and situations
            ("    owner: [yjs, csc]                  # both", "    owner: csc                  # both"),
        ),
    )
    changes = diff(unchecked(EXAMPLE), new).changes
    renamed = {(c.old, c.new, c.message.split("matched by ")[-1]) for c in changes if c.kind == "duty-renamed"}
    assert renamed == {
        ("visit_in_custody", "visit_child_in_custody", "clause 4.1)."),
        ("write_pre_sentence_report", "write_psr", "the same action)."),
    }
    assert {(c.kind, c.subject) for c in changes if c.kind in ("duty-added", "duty-removed")} == {
        ("duty-added", "complete_assessment"),
        ("duty-removed", "complete_bail_remand_assessment"),
        ("duty-added", "find_placement"),
        ("duty-removed", "find_remand_placement"),
    }
    assert any(
        c.kind == "duty-changed"
        and c.subject == "visit_child_in_custody"
        and c.new == "visit the child where they are held"
        for c in changes
    )
    assert [(c.old, c.new) for c in changes if c.kind == "ownership-rule-renamed"] == [
        ("aa_unknown_child", "aa_child_not_known")
    ]
    owner = [c for c in changes if c.kind == "owner-changed"]
    assert len(owner) == 1 and owner[0].subject == "funding_remand_placements" and owner[0].clauses == ("3.3",)
    assert "(was Anytown Youth Justice Service and" in owner[0].message
    # text: grouped by kind, in the order of CHANGE_KINDS, each line naming its clause
    text_out = to_text(diff(unchecked(EXAMPLE), new))
    headings = [line for line in text_out.splitlines() if line.startswith("== ")]
    assert headings == [
        "== Duties added (2)",
        "== Duties removed (2)",
        "== Duties renamed (matched to their old version) (2)",
        "== Owners changed (who does a duty, who holds a responsibility) (1)",
        "== Other changes to duties (1)",
        "== Ownership rules renamed (matched to their old version) (1)",
    ]
    assert "  clause 3.3: finding and funding a placement" in text_out
    assert to_markdown(diff(unchecked(EXAMPLE), new)).count("\n## ") == 6


# --- judgements and the gate ---------------------------------------------------------------------


@pytest.mark.slow
def test_each_versions_judgements_apply_and_only_new_open_errors_fail_the_gate(tmp_path: Path) -> None:
    old_path, new_path = tmp_path / "old" / "example.yaml", tmp_path / "new" / "example.yaml"
    old_path.parent.mkdir()
    new_path.parent.mkdir()
    old_path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    new_path.write_text(
        redraft(
            EXAMPLE.read_text(encoding="utf-8"),
            (
                "    actor: social_worker\n    action: visit the child in custody",
                "    actor: unspecified\n    action: visit the child in custody",
            ),
            (
                "    timescale: {vague: as soon as}\n    modality: must",
                "    timescale: {vague: as soon as}\n    modality: should",
            ),
        ),
        encoding="utf-8",
    )
    baseline = diff_files(old_path, old_path, today=dt.date.fromisoformat(TODAY))
    aa_gap = next(f for f in baseline.old.open if f.kind == "ownership-gap" and f.clauses == ("2.1",))
    beside(old_path).write_text(
        f'protoverify-judgements: 1\nprotocol: anytown_example\naccepted:\n  - {{id: "{aa_gap.id}", reason: decided case by case}}\n',
        encoding="utf-8",
    )
    first = diff_files(old_path, new_path, today=dt.date.fromisoformat(TODAY))
    introduced = {c.subject: c for c in first.introduced_errors}
    assert first.exit_code == 1 and len(introduced) == 2
    visit_gap = next(c for c in introduced.values() if c.clauses == ("4.1",))
    assert visit_gap.kind == "finding-introduced" and "ownership-gap" in visit_gap.message
    assert "accepted in the old version's judgements" in introduced[aa_gap.id].message
    # the remand notice is now a `should`: its vague limit is drafting (info), no longer a warning
    weaker = [c for c in first.changes if c.kind == "finding-severity-changed"]
    assert {(c.message.split(":")[0], c.clauses, c.old) for c in weaker} == {
        ("info vague-deadline", ("3.1",), "warning")
    }
    beside(new_path).write_text(
        "protoverify-judgements: 1\nprotocol: anytown_example\naccepted:\n"
        + "".join(f'  - {{id: "{i}", reason: judged for the test}}\n' for i in introduced),
        encoding="utf-8",
    )
    second = diff_files(old_path, new_path, today=dt.date.fromisoformat(TODAY))
    assert second.exit_code == 0 and second.introduced_errors == []
    assert not any(c.kind == "finding-introduced" for c in second.changes)


# --- the seeds, through the command line ---------------------------------------------------------


@pytest.mark.slow
def test_a_redraft_of_a_seed_reports_each_change_and_fails_the_gate(tmp_path: Path) -> None:
    original = ROOT / "protocols" / "warwickshire.yaml"
    text = original.read_text(encoding="utf-8")
    start, end = (
        text.index("  - id: inform_family_of_transfer\n"),
        text.index("  - id: amend_mosaic_record\n"),
    )
    text = text[:start] + text[end:]  # remove a duty (10.3)
    text = redraft(
        text,
        # rename the 8.8 visit (same type and clause) and loosen it
        ("  - id: visit_within_10_working_days_of_custody\n", "  - id: visit_after_entering_custody\n"),
        (
            '    trigger: {event: sentenced_to_custody}    # "of them entering custody": the sentence\n'
            "    when: {care: ceased_detained}\n    timescale: {within: {amount: 10, unit: working_days}}",
            "    trigger: {event: sentenced_to_custody}\n"
            "    when: {care: ceased_detained}\n    timescale: {within: {amount: 15, unit: working_days}}",
        ),
        ("timescale: {within: {amount: 7, unit: days}}", "timescale: {within: {amount: 5, unit: working_days}}"),
        ("timescale: {within: {amount: 24, unit: hours}}", "timescale: {within: {amount: 12, unit: hours}}"),
        (
            '  - id: convene_initial_planning_meeting\n    clause: "6.5"\n    actor: yjs\n',
            '  - id: convene_initial_planning_meeting\n    clause: "6.5"\n    actor: childrens_team\n',
        ),
        (
            "    timescale: {within: {amount: 5, unit: working_days}}\n    modality: should",
            "    timescale: {within: {amount: 5, unit: working_days}}\n    modality: must",
        ),
        ("    owner: edt\n", "    owner: yjs_practitioner\n"),
        ("  review: unspecified\n", "  review: 2027-03-31\n"),
        # name no one for a `must` duty: a new error
        (
            '  - id: assess_family_unable_to_care\n    clause: "6.6"\n    actor: childrens_team\n',
            '  - id: assess_family_unable_to_care\n    clause: "6.6"\n    actor: unspecified\n',
        ),
    )
    redrafted = tmp_path / "warwickshire.yaml"
    redrafted.write_text(text, encoding="utf-8")
    result = run("diff", str(original), str(redrafted), "--today", TODAY, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    changes = {(c["kind"], c["subject"]): c for c in report["changes"]}
    expected = {
        ("duty-removed", "inform_family_of_transfer"): ("10.3",),
        ("duty-renamed", "visit_after_entering_custody"): ("8.8",),
        ("timescale-loosened", "visit_after_entering_custody"): ("8.8",),
        ("timescale-changed", "visit_within_7_days_of_sentence"): ("6.5",),
        ("timescale-tightened", "send_information_to_establishment_on_yda"): ("8.6",),
        ("owner-changed", "convene_initial_planning_meeting"): ("6.5",),
        ("owner-changed", "assess_family_unable_to_care"): ("6.6",),
        ("owner-changed", "aa_not_known_out_of_hours"): ("3.1", "3.2"),
        ("modality-changed", "send_information_to_establishment_on_sentence"): ("8.7",),
        ("metadata-changed", "review"): ("front(c)",),
    }
    for key, clauses in expected.items():
        assert key in changes, f"the diff does not report {key}"
        assert tuple(changes[key]["clauses"]) == clauses
    assert changes[("owner-changed", "convene_initial_planning_meeting")]["new"] == "the local children's team"
    assert changes[("timescale-loosened", "visit_after_entering_custody")]["old"].startswith("within 10 working days")
    assert changes[("modality-changed", "send_information_to_establishment_on_sentence")]["old"] == "should"
    # findings: the unnamed assessor is a new error; the removed duty's finding (who, by when?) is gone; the
    # renamed visit's findings are matched to their old ids rather than reported as new
    introduced = [c for c in report["changes"] if c["kind"] == "finding-introduced" and c["severity"] == "error"]
    assert [c["clauses"] for c in introduced] == [["6.6"]] and "ownership-gap" in introduced[0]["message"]
    # on 8.8 the rename is matched, so only the loosening shows: 15 working days is later than the
    # statutory 10 (a warning, as the facts file marks that provision's English text unconfirmed)
    on_8_8 = [c for c in report["changes"] if c["kind"] == "finding-introduced" and "8.8" in c["clauses"]]
    assert [c["message"].split(":")[0] for c in on_8_8] == ["warning statutory-conflict"], on_8_8
    resolved = {
        (c["message"].split(":")[0], tuple(c["clauses"])) for c in report["changes"] if c["kind"] == "finding-resolved"
    }
    assert {("warning ownership-gap", ("10.3",)), ("warning review-missing", ("front(c)",))} <= resolved
    assert report["summary"] == {
        "by_kind": dict(sorted(Counter(c["kind"] for c in report["changes"]).items())),
        "introduced_errors": 1,
        "exit_code": 1,
    }
    order = [CHANGE_KINDS.index(c["kind"]) for c in report["changes"]]
    assert order == sorted(order), "changes are listed in the order of their kinds"


@pytest.mark.slow
def test_a_seed_diffed_with_itself_has_no_changes_and_byte_identical_json(tmp_path: Path) -> None:
    original = ROOT / "protocols" / "stockport-2019.yaml"
    copy = tmp_path / original.name
    copy.write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    beside(copy).write_text(beside(original).read_text(encoding="utf-8"), encoding="utf-8")
    outputs = set()
    for seed in ("1", "2"):
        result = run(
            "diff",
            str(original),
            str(copy),
            "--today",
            TODAY,
            "--format",
            "json",
            env=dict(os.environ, PYTHONHASHSEED=seed),
        )
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1, "the same inputs must give byte-identical JSON"
    report = json.loads(outputs.pop())
    assert report["changes"] == [] and report["summary"]["exit_code"] == 0
    assert report["old"]["findings"] == report["new"]["findings"]
    # the re-encoded Stockport needs no acceptances (its judgements file is empty); the old encoding had 2
    assert report["new"]["findings"]["accepted"] == 0


@pytest.mark.slow
def test_inputs_that_cannot_be_loaded_are_located_for_both_versions(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("protoverify: 1\nmetadata: {id: x}\n", encoding="utf-8")
    good = tmp_path / "example.yaml"
    good.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    beside(good).write_text("protoverify-judgements: 1\nprotocol: someone_else\n", encoding="utf-8")
    result = run("diff", str(bad), str(good), "--format", "json")
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    assert f"{bad}:1:1: missing required field 'agencies'" in result.stderr
    assert (
        f"{beside(good)}:2:11: these judgements are about 'someone_else'; expected 'anytown_example'" in result.stderr
    )
