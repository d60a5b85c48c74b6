"""How findings are formed, ranked and worded: one finding per defect, severity by harm, messages a
social-care manager can act on (issue 16). On the bundled protocols and on `fixtures/shape/base.yaml`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, TODAY
from ruamel.yaml import YAML

from protoverify import load_protocol
from protoverify.properties.check import Report, check
from protoverify.properties.findings import (
    MESSAGE_LIMIT,
    SUGGESTION_LIMIT,
    Finding,
    Member,
    Pattern,
    finding_id,
    fitted,
    grouped,
    make,
)
from protoverify.reports.findings import to_markdown, to_text

BASE = ROOT / "tests" / "fixtures" / "shape" / "base.yaml"
BUNDLED = {
    "example": EXAMPLE,
    "stockport-2019": ROOT / "protocols" / "stockport-2019.yaml",
    "warwickshire": ROOT / "protocols" / "warwickshire.yaml",
}
MODEL_WORDS = re.compile(
    r"\b(state|states|dimension|dimensions|final|holds|facts|configuration|witness)\b|\b[a-z]+_[a-z0-9_]+\b"
)
GONE = ("the facts name no one", "It is open-ended", "cannot be late", "someone (the", "English text unconfirmed")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z'\"(])")


def shaped(tmp_path: Path, change: Callable[[dict], None] = lambda data: None) -> list[Finding]:
    """The open findings on the shape fixture after `change`, statutory ones aside."""
    yaml = YAML(typ="safe")
    data = yaml.load(BASE)
    change(data)
    path = tmp_path / "protocol.yaml"
    with path.open("w") as file:
        yaml.dump(data, file)
    return [f for f in check(load_protocol(path), today=TODAY).open if not f.kind.startswith("statutory")]


def duty(data: dict, duty_id: str) -> dict:
    return next(d for d in data["duties"] if d["id"] == duty_id)


def at(findings: list[Finding], clause: str) -> Finding:
    [found] = [f for f in findings if clause in f.clauses]
    return found


# --- the limits, on the bundled protocols ---------------------------------------------------------


@pytest.fixture(scope="module", params=list(BUNDLED))
def report(request: pytest.FixtureRequest) -> tuple[str, Report]:
    return request.param, check(load_protocol(BUNDLED[request.param]), today=TODAY)


def test_messages_are_short_plain_and_in_the_protocols_words(report: tuple[str, Report]) -> None:
    name, found = report
    own = BUNDLED[name].read_text(encoding="utf-8").lower()  # words the protocol itself uses are its own
    for f in found.findings:
        assert len(f.message) <= MESSAGE_LIMIT and len(f.suggestion) <= SUGGESTION_LIMIT, f.id
        for words in (f.message, f.suggestion):
            model = [m.group(0) for m in MODEL_WORDS.finditer(words) if m.group(0).lower() not in own]
            assert not model, f"{f.id}: model words {model} in {words!r}"
            assert not any(g in words for g in GONE), f"{f.id}: {words!r}"


def test_no_sentence_is_repeated_more_than_three_times(report: tuple[str, Report]) -> None:
    _, found = report
    said = Counter(
        sentence.strip()
        for f in found.findings
        for words in (f.message, f.suggestion, f.detail or "")
        for sentence in SENTENCE_END.split(words)
        if sentence.strip()
    )
    assert not [(s, n) for s, n in said.items() if n > 3]


def test_agencies_go_by_the_protocols_short_names(tmp_path: Path) -> None:
    found = shaped(tmp_path)
    assert "YOS must tell CSC of the change" in at(found, "3.1").message
    assert "Testshire" not in " ".join(f.message for f in found)


# --- one finding per defect -----------------------------------------------------------------------


def test_invitations_with_no_notice_period_are_one_grouped_finding(tmp_path: Path) -> None:
    found = shaped(tmp_path)
    invitations = at(found, "2.2")
    assert invitations.severity == "info" and invitations.clauses == ("2.1", "2.2", "2.3")
    assert invitations.message == "3 invitations to meetings give no notice period: 2.1, 2.2, 2.3."
    assert invitations.members[0] == Member(
        clause="2.1", who="allocated social worker", what="invite the YOS officer to the planning meeting"
    )
    assert invitations.id == finding_id("vague-deadline", "pattern invitation-no-notice")
    assert "notice period" in invitations.suggestion


def test_a_group_keeps_its_id_as_members_come_and_go_and_two_are_no_group(tmp_path: Path) -> None:
    def one_more(data: dict) -> None:
        data["duties"].append({**duty(data, "invite_to_panel"), "id": "invite_again", "clause": "2.4"})

    def one_fewer(data: dict) -> None:
        data["duties"].remove(duty(data, "invite_to_panel"))

    grown = at(shaped(tmp_path, one_more), "2.4")
    assert grown.id == finding_id("vague-deadline", "pattern invitation-no-notice") and len(grown.members) == 4
    fewer = [f for f in shaped(tmp_path, one_fewer) if set(f.clauses) & {"2.1", "2.2"}]
    assert len(fewer) == 2 and all(f.members is None and f.severity == "info" for f in fewer)


def test_a_mirrored_pair_is_one_finding(tmp_path: Path) -> None:
    [pair] = [f for f in shaped(tmp_path) if "3.1" in f.clauses]
    assert pair.id == finding_id("vague-deadline", "vague timescale of duty yos_tells_csc")
    assert "and CSC tell the YOS of the change" in pair.message and pair.severity == "warning"


def test_one_quote_is_one_sentence(tmp_path: Path) -> None:
    def split(data: dict) -> None:
        data["duties"].append({**duty(data, "allocate_worker"), "id": "allocate_too", "action": "allocate a manager"})

    [finding] = [f for f in shaped(tmp_path, split) if "4.2" in f.clauses]
    assert "allocate a worker to the remanded child and allocate a manager" in finding.message


def test_a_duty_with_neither_actor_nor_limit_is_one_finding(tmp_path: Path) -> None:
    [finding] = [f for f in shaped(tmp_path) if "4.2" in f.clauses]
    assert finding.kind == "ownership-gap" and "but not who, or by when." in finding.message
    assert finding.suggestion.startswith("Name who must allocate a worker") and "say by when" in finding.suggestion


# --- severity by harm -----------------------------------------------------------------------------


def test_a_notification_between_agencies_is_a_warning_and_a_step_inside_one_is_drafting(tmp_path: Path) -> None:
    found = shaped(tmp_path)
    remand = at(found, "4.1")
    assert remand.severity == "warning" and "same working day" in remand.suggestion
    inside = at(found, "3.2")  # the YOS officer telling their own manager
    assert inside.severity == "info" and inside.kind == "vague-deadline"


@pytest.mark.parametrize(("tags", "severity"), [(["internal"], "info"), (["principle"], "info"), ([], "warning")])
def test_a_tag_says_what_the_encoding_cannot(tmp_path: Path, tags: list[str], severity: str) -> None:
    def tagged(data: dict) -> None:
        duty(data, "notify_csc_of_remand")["tags"] = tags

    assert at(shaped(tmp_path, tagged), "4.1").severity == severity


def test_a_should_is_a_courtesy(tmp_path: Path) -> None:
    def should(data: dict) -> None:
        duty(data, "notify_csc_of_remand")["modality"] = "should"

    assert at(shaped(tmp_path, should), "4.1").severity == "info"


# --- the finding model ----------------------------------------------------------------------------


def test_a_long_message_keeps_whole_sentences_and_the_rest_is_detail() -> None:
    long = "First sentence is short. " + "Second sentence goes on " * 30 + "to the end."
    message, rest = fitted(long, MESSAGE_LIMIT)
    assert message == "First sentence is short." and rest.startswith("Second sentence")
    finding = make("numbering", "q", "info", ["1"], long, suggestion="S" * 250)
    assert finding.message == "First sentence is short." and len(finding.suggestion) <= SUGGESTION_LIMIT
    assert finding.detail.startswith("Second sentence") and finding.detail.endswith("S" * 10)


def test_grouping_needs_three_of_one_kind_severity_and_pattern() -> None:
    pattern = Pattern(id="p", several="{n} things", suggestion="Do it.")

    def one(clause: str, severity: str = "info") -> Finding:
        return make(
            "numbering", clause, severity, [clause], "m", pattern=pattern, member=Member(clause=clause, what="w")
        )

    assert len(grouped([one("1"), one("2"), one("3", "warning")])) == 3
    [group] = grouped([one("3"), one("1"), one("2")])
    assert group.message == "3 things: 1, 2, 3." and [m.clause for m in group.members] == ["1", "2", "3"]


def test_the_reports_show_members_and_detail(tmp_path: Path) -> None:
    protocol = load_protocol(BASE)
    report = check(protocol, today=TODAY)
    text, markdown = to_text(report), to_markdown(report)
    rows = [line.split("  ") for line in text.splitlines() if line.startswith("      2.")]  # a table, a row each
    assert [[cell.strip() for cell in row if cell.strip()] for row in rows] == [
        ["2.1", "allocated social worker", "invite the YOS officer to the planning meeting", "not said"],
        ["2.2", "allocated social worker", "invite the YOS officer to the review meeting", "not said"],
        ["2.3", "YOS officer", "invite the social worker to the panel meeting", "not said"],
    ]
    assert "| clause | who | what | by when |" in markdown and "| 2.3 | YOS officer |" in markdown


def test_a_limit_given_for_the_same_duty_in_another_clause_is_not_missing(tmp_path: Path) -> None:
    def restated(data: dict) -> None:
        duty(data, "notify_csc_of_remand")["type"] = "remand_notice"
        data["duties"].append(
            {
                **duty(data, "notify_csc_of_remand"),
                "id": "notify_again",
                "clause": "5.1",
                "timescale": {"within": {"amount": 4, "unit": "hours"}},
            }
        )

    assert not [f for f in shaped(tmp_path, restated) if "4.1" in f.clauses], "4.1's time is given in 5.1"


def test_each_service_s_own_step_on_one_event_is_one_sentence(tmp_path: Path) -> None:
    """Two services each updating their own record on the same event, with no time given, are one
    silence (one finding), not one per service."""
    steps = "".join(
        f'  - id: update_{who}_record\n    clause: "4.4"\n    actor: {who}\n    action: update its case record\n'
        "    trigger: {event: sentenced_to_custody}\n    timescale: unspecified\n    modality: must\n"
        for who in ("yjs", "csc")
    )
    path = tmp_path / "p.yaml"
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("\nescalation:", "\n" + steps + "\nescalation:"), "utf-8"
    )
    found = check(load_protocol(path), today=TODAY).findings
    on_records = [f for f in found if f.kind == "vague-deadline" and "update its case record" in f.message]
    assert len(on_records) == 1 and on_records[0].clauses == ("4.4",)
