"""Text checks: each kind is found in a protocol built to have it, and not in the clean one.

Every test starts from `fixtures/text/base.yaml` (clean for every text kind as of `TODAY`), changes
one thing, and loads the result through the ordinary loader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from ruamel.yaml import YAML

from protoverify import load_protocol
from protoverify.properties import text
from protoverify.properties.context import Context
from protoverify.properties.findings import Finding

BASE = Path(__file__).parent / "fixtures" / "text" / "base.yaml"


def written(tmp_path: Path, change: Callable[[dict], None]) -> Path:
    """The base protocol after `change`, written to a file."""
    yaml = YAML(typ="safe")
    data = yaml.load(BASE)
    change(data)
    path = tmp_path / "protocol.yaml"
    with path.open("w") as file:
        yaml.dump(data, file)
    return path


def findings(
    tmp_path: Path, change: Callable[[dict], None] = lambda data: None, kind: str | None = None, today: dt.date = TODAY
) -> list[Finding]:
    """The text findings on the base protocol after `change`, of one kind if given."""
    protocol = load_protocol(written(tmp_path, change))
    return [f for f in text.check(protocol, Context(protocol, today=today)) if kind is None or f.kind == kind]


def duty(data: dict, duty_id: str) -> dict:
    return next(d for d in data["duties"] if d["id"] == duty_id)


def test_the_base_protocol_is_clean(tmp_path: Path) -> None:
    assert findings(tmp_path) == []


# --- vague-deadline ------------------------------------------------------------------------------


@pytest.mark.parametrize(("modality", "severity"), [("must", "warning"), ("should", "info"), ("may", None)])
def test_a_timescale_in_words_only_is_vague(tmp_path: Path, modality: str, severity: str | None) -> None:
    def as_soon_as(data: dict) -> None:
        duty(data, "notify_csc_of_remand").update(timescale={"vague": "as soon as"}, modality=modality)

    found = findings(tmp_path, as_soon_as, "vague-deadline")
    if severity is None:  # a permission owes no time
        assert found == []
        return
    [finding] = found
    assert finding.severity == severity and finding.clauses == ("2.1",) and finding.agencies == ("csc", "yjs")
    assert "'as soon as'" in finding.message and "YJS officer" in finding.message
    assert "same working day" in finding.suggestion, "a notification is asked for the same working day"


@pytest.mark.parametrize(("tags", "severity"), [([], "info"), (["safeguarding"], "warning")])
def test_a_should_that_protects_a_child_weighs_as_a_must(tmp_path: Path, tags: list, severity: str) -> None:
    def should(data: dict) -> None:
        duty(data, "notify_csc_of_remand").update(timescale="unspecified", modality="should", tags=tags)

    [finding] = findings(tmp_path, should, "vague-deadline")
    assert finding.severity == severity
    assert ("Make it a 'must'" in finding.suggestion) == bool(tags)


def test_vague_words_beside_a_firm_limit_are_worth_knowing_only(tmp_path: Path) -> None:
    def sooner_if_possible(data: dict) -> None:
        duty(data, "advise_child")["timescale"]["vague"] = "as soon as possible"

    [finding] = findings(tmp_path, sooner_if_possible, "vague-deadline")
    assert finding.severity == "info" and "'as soon as possible'" in finding.message
    assert "14 days before released from custody" in finding.message


def test_an_interval_the_text_leaves_to_a_meeting_is_not_vague(tmp_path: Path) -> None:
    def agreed_at_the_meeting(data: dict) -> None:
        data["events"].append({"id": "planning_meeting", "name": "joint planning meeting", "clause": "2.1"})
        duty(data, "notify_csc_of_remand")["timescale"] = {"vague": "as often as the planning meeting decides"}

    [finding] = findings(tmp_path, agreed_at_the_meeting, "vague-deadline")  # words alone: vague
    assert "'as often as the planning meeting decides'" in finding.message

    def set_by_the_meeting(data: dict) -> None:
        agreed_at_the_meeting(data)
        duty(data, "notify_csc_of_remand")["timescale"]["set_by"] = "planning_meeting"

    assert findings(tmp_path, set_by_the_meeting, "vague-deadline") == []


def test_a_same_day_limit_is_firm(tmp_path: Path) -> None:
    def that_day(data: dict) -> None:
        duty(data, "notify_csc_of_remand")["timescale"] = {"same_day": True, "vague": "without delay"}

    assert findings(tmp_path, that_day, "vague-deadline")[0].severity == "info"  # words beside a firm limit


def test_a_triggered_duty_with_no_timescale_is_open_ended(tmp_path: Path) -> None:
    def no_timescale(data: dict) -> None:
        duty(data, "notify_csc_of_remand")["timescale"] = "unspecified"

    [finding] = findings(tmp_path, no_timescale, "vague-deadline")
    assert finding.severity == "warning" and finding.clauses == ("2.1",)
    assert "remanded to local authority accommodation" in finding.message and "by when" in finding.message


def follow_on(data: dict) -> None:
    """A placement search that starts once the untimed notice of 2.1 is done, and gives no time either."""
    duty(data, "notify_csc_of_remand")["timescale"] = "unspecified"
    data["duties"].append(
        {
            "id": "find_placement",
            "clause": "2.2",
            "actor": "csc",
            "action": "find the child a placement",
            "recipient": "child",
            "trigger": {"duty": "notify_csc_of_remand"},
            "timescale": "unspecified",
            "modality": "must",
        }
    )


def test_an_untimed_step_that_starts_on_an_untimed_step_is_one_finding_with_it(tmp_path: Path) -> None:
    [finding] = findings(tmp_path, follow_on, "vague-deadline")
    assert finding.clauses == ("2.1", "2.2") and finding.duties == ("notify_csc_of_remand", "find_placement")
    assert (
        "but not by when. Nor does clause 2.2 say by when children's social care must find the child a placement after"
        in (finding.message)
    )


def test_an_untimed_step_after_a_timed_one_is_reported_on_its_own(tmp_path: Path) -> None:
    def timed_notice(data: dict) -> None:
        follow_on(data)
        duty(data, "notify_csc_of_remand")["timescale"] = {"within": {"amount": 4, "unit": "hours"}}

    [finding] = findings(tmp_path, timed_notice, "vague-deadline")
    assert finding.clauses == ("2.2",) and "Nor does" not in finding.message


def test_standing_duties_and_permissions_need_no_timescale(tmp_path: Path) -> None:
    def more_of_them(data: dict) -> None:
        duty(data, "share_information")["modality"] = "must"  # standing: no trigger
        duty(data, "may_visit")["trigger"] = {"event": "released"}  # a permission

    assert findings(tmp_path, more_of_them, "vague-deadline") == []


# --- numbering -----------------------------------------------------------------------------------


def misnumbered(data: dict) -> None:
    """Items printed 2.1.1 and 2.1.2 in a list under clause 3.1."""
    duty(data, "advise_child")["items"][:2] = [
        {"clause": "2.1.1", "what": "who is collecting them"},
        {"clause": "2.1.2", "what": "where they will live"},
    ]


def test_items_numbered_under_another_clause_are_one_finding(tmp_path: Path) -> None:
    [finding] = findings(tmp_path, misnumbered, "numbering")
    assert finding.severity == "info" and finding.clauses == ("3.1", "2.1.1", "2.1.2")
    assert "2.1.1 to 2.1.2" in finding.message and "clause 2.1" in finding.message


def test_one_printed_list_encoded_in_two_duties_is_one_finding(tmp_path: Path) -> None:
    def twice(data: dict) -> None:
        misnumbered(data)
        copy = {**duty(data, "advise_child"), "id": "advise_child_again", "actor": "csc"}
        data["duties"].append(copy)

    assert len(findings(tmp_path, twice, "numbering")) == 1


def test_a_citation_by_a_misnumbered_lists_own_numbering_is_told_in_the_numbering_finding(tmp_path: Path) -> None:
    def cite_by_own_number(data: dict) -> None:
        misnumbered(data)  # 3.1's list printed 2.1.1, 2.1.2: its second item is "3.1.2" by its own numbering
        duty(data, "advise_child")["items"][2]["cites"] = ["3.1.2"]

    [finding] = findings(tmp_path, cite_by_own_number, "numbering")
    assert (
        "item 3.1(a) already cites '3.1.2', which the protocol does not have (item 2.1.2 is meant)" in finding.message
    )
    assert text.misnumbered(load_protocol(written(tmp_path, cite_by_own_number)), "3.1.2") == "2.1.2"


def test_a_cited_clause_that_does_not_exist_is_not_a_numbering_fault(tmp_path: Path) -> None:
    def cite_missing(data: dict) -> None:
        duty(data, "advise_child")["items"][0]["cites"] = ["3.7.2"]

    assert findings(tmp_path, cite_missing, "numbering") == []


# --- review --------------------------------------------------------------------------------------


def test_a_review_date_in_the_past_is_overdue(tmp_path: Path) -> None:
    def old_review(data: dict) -> None:
        data["metadata"]["review"] = "2021-03-20"

    [finding] = findings(tmp_path, old_review, "review-overdue")
    assert finding.severity == "warning" and finding.clauses == ("front",)
    assert (
        "20 March 2021" in finding.message
        and "23 November 2026" in finding.message
        and "1 January 2024" in finding.message
    )


def test_a_review_date_still_to_come_is_not_overdue(tmp_path: Path) -> None:
    assert findings(tmp_path, kind="review-overdue", today=dt.date(2026, 12, 31)) == []
    assert len(findings(tmp_path, kind="review-overdue", today=dt.date(2027, 1, 2))) == 1


def test_no_review_date_is_missing(tmp_path: Path) -> None:
    def no_review(data: dict) -> None:
        data["metadata"]["review"] = "unspecified"

    [finding] = findings(tmp_path, no_review, "review-missing")
    assert finding.severity == "warning" and "no review date" in finding.message


# --- stability -----------------------------------------------------------------------------------


def test_findings_are_the_same_on_a_second_run(tmp_path: Path) -> None:
    def everything_wrong(data: dict) -> None:
        misnumbered(data)
        duty(data, "notify_csc_of_remand")["timescale"] = {"vague": "promptly"}
        data["metadata"]["review"] = "unspecified"

    first, second = findings(tmp_path, everything_wrong), findings(tmp_path, everything_wrong)
    assert {f.kind for f in first} == {"vague-deadline", "numbering", "review-missing"}
    assert first == second and len({f.id for f in first}) == len(first)


def test_the_warwickshire_misnumbering_is_one_finding_for_the_whole_series() -> None:
    protocol = load_protocol(ROOT / "protocols" / "warwickshire.yaml")
    [found] = [f for f in text.check(protocol, Context(protocol, today=TODAY)) if f.kind == "numbering"]
    assert [c for c in found.clauses if not c.startswith("8.4.")] == [
        "8.6",
        "8.7",
        "8.9",
        "8.11",
        "8.12",
        "8.12(a)",
        "8.15",
        "8.16",
    ]
    assert [c for c in found.clauses if c.startswith("8.4.")] == [f"8.4.{n}" for n in range(1, 36)]
    assert "8.6 to 8.16" in found.message and "8.4.1 to 8.4.35" in found.message


def test_a_clauses_opening_words_are_quoted_as_the_text_has_them() -> None:
    protocol = load_protocol(ROOT / "protocols" / "warwickshire.yaml")
    found = text.check(protocol, Context(protocol, today=TODAY))
    homeless = next(f for f in found if f.kind == "vague-deadline" and f.clauses[0] == "12.2")
    assert homeless.message.startswith('Clause 12.2 ("WYJS will refer to local children\'s team when") says WYJS')
    assert homeless.clauses == ("12.2", "12.3") and "Nor does clause 12.3" in homeless.message  # one untimed chain
