"""Ownership: gaps and conflicts found where they are, with reachable witnesses, and not elsewhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from protoverify import load_protocol
from protoverify.properties import ownership, statute, text
from protoverify.properties.context import Context
from protoverify.properties.findings import finding_id

BASE = """\
protoverify: 1
metadata: {{id: tiny, title: t, authority: a, agreed: unspecified, review: unspecified, version: unspecified, source: s, clause: "1"}}
agencies:
  - {{id: yjs, name: YJS, clause: "1", roles: [{{id: yjs_officer, name: officer, clause: "1"}}]}}
  - {{id: csc, name: CSC, clause: "1", roles: [{{id: social_worker, name: social worker, clause: "1"}}]}}
people:
  - {{id: child, name: the child, clause: "1"}}
  - {{id: parents, name: parents, clause: "1"}}
attributes:
  - {{id: age, name: age, type: int, range: [10, 17], clause: "1"}}
  - {{id: known, name: known to CSC, type: bool, clause: "1"}}
events:
  - {{id: arrested, name: arrested, clause: "1"}}
  - {{id: remanded, name: remanded, clause: "1"}}
  - {{id: released, name: released, clause: "1"}}
lifecycles:
  - id: justice
    name: justice
    clause: "1"
    states:
      - {{id: community, clause: "1"}}
      - {{id: custody, clause: "1"}}
      - {{id: remand, clause: "1"}}
    transitions:
      - {{event: arrested, from: community, to: custody, clause: "1"}}
      - {{event: remanded, from: custody, to: remand, guard: {{age: {{gte: 12}}}}, clause: "1"}}
      - {{event: released, from: [custody, remand], to: community, clause: "1"}}
dimensions:
  - {{id: aa, name: an appropriate adult, clause: "2", applies: {{justice: custody}}}}
  - {{id: placement, name: the remand placement, clause: "3", applies: {{justice: remand}}}}
ownership:
{rules}
duties:
{duties}
"""

COVERED_RULES = """\
  - {id: aa_known, dimension: aa, when: {justice: custody, known: true}, owner: social_worker, clause: "2.1"}
  - {id: aa_unknown, dimension: aa, when: {justice: custody, known: false}, owner: yjs, clause: "2.2"}
  - {id: placement_csc, dimension: placement, when: {justice: remand}, owner: csc, clause: "3.1"}
"""
ACTED = '  - {id: notify, clause: "4", actor: yjs_officer, action: notify CSC, trigger: {event: remanded}, timescale: unspecified, modality: must}\n'


def run(tmp_path: Path, rules: str = COVERED_RULES, duties: str = ACTED):
    path = tmp_path / "tiny.yaml"
    path.write_text(BASE.format(rules=rules, duties=duties), encoding="utf-8")
    protocol = load_protocol(path)
    return ownership.check(protocol, Context(protocol, today=dt.date(2026, 11, 23)))


def test_clean_protocol_has_no_findings(tmp_path: Path) -> None:
    assert run(tmp_path) == []


def test_gap_where_no_rule_covers_a_reachable_situation(tmp_path: Path) -> None:
    rules = COVERED_RULES.replace(
        '  - {id: aa_unknown, dimension: aa, when: {justice: custody, known: false}, owner: yjs, clause: "2.2"}\n', ""
    )
    (finding,) = run(tmp_path, rules)
    assert (finding.kind, finding.severity) == ("ownership-gap", "error")
    assert finding.clauses == ("2", "2.1")
    assert finding.witness.situation["justice"] == "custody" and finding.witness.situation["known"] is False
    assert "not: known to CSC" in finding.witness.words and "known to CSC: no" not in finding.message


def test_gap_only_in_reachable_situations(tmp_path: Path) -> None:
    # the placement rule covers only 14+; a 12 or 13 year old can be remanded (gap), a 10-11 year old cannot
    rules = COVERED_RULES.replace(
        "when: {justice: remand}, owner: csc", "when: {justice: remand, age: {gte: 14}}, owner: csc"
    )
    (finding,) = run(tmp_path, rules)
    assert finding.kind == "ownership-gap" and finding.witness.situation["age"] in (12, 13)
    rules = COVERED_RULES.replace(
        "when: {justice: remand}, owner: csc", "when: {justice: remand, age: {gte: 12}}, owner: csc"
    )
    assert run(tmp_path, rules) == []  # no child under 12 is ever remanded, so no gap


def test_rule_naming_no_owner_is_a_gap_citing_its_clause(tmp_path: Path) -> None:
    rules = COVERED_RULES.replace(
        'owner: social_worker, clause: "2.1"', 'owner: unspecified, clause: "2.1", quote: a decision will be made'
    )
    (finding,) = run(tmp_path, rules)
    assert (finding.kind, finding.clauses) == ("ownership-gap", ("2.1",))
    assert "a decision will be made" in finding.message and finding.witness.situation["known"] is True


def test_conflict_between_rules_with_disjoint_owners(tmp_path: Path) -> None:
    rules = (
        COVERED_RULES
        + '  - {id: placement_yjs, dimension: placement, when: {justice: remand, known: true}, owner: yjs_officer, clause: "3.2"}\n'
    )
    (finding,) = run(tmp_path, rules)
    assert (finding.kind, finding.severity, finding.clauses) == ("ownership-conflict", "warning", ("3.1", "3.2"))
    assert set(finding.agencies) == {"csc", "yjs"} and finding.witness.situation["known"] is True


def test_no_conflict_when_the_rules_never_apply_together_or_name_a_lead(tmp_path: Path) -> None:
    disjoint = COVERED_RULES.replace(
        "when: {justice: remand}, owner: csc", "when: {justice: remand, known: false}, owner: csc"
    )
    disjoint += '  - {id: placement_yjs, dimension: placement, when: {justice: remand, known: true}, owner: yjs, clause: "3.2"}\n'
    assert run(tmp_path, disjoint) == []
    led = (
        COVERED_RULES
        + '  - {id: placement_both, dimension: placement, when: {justice: remand}, owner: [yjs, csc], lead: csc, clause: "3.2"}\n'
    )
    assert run(tmp_path, led) == []  # the lead is csc, as in the other rule


def test_role_and_its_agency_do_not_conflict(tmp_path: Path) -> None:
    rules = (
        COVERED_RULES
        + '  - {id: placement_sw, dimension: placement, when: {justice: remand}, owner: social_worker, clause: "3.2"}\n'
    )
    assert run(tmp_path, rules) == []


def test_joint_holding_with_no_lead_is_information(tmp_path: Path) -> None:
    rules = COVERED_RULES.replace("when: {justice: remand}, owner: csc", "when: {justice: remand}, owner: [csc, yjs]")
    (finding,) = run(tmp_path, rules)
    assert (finding.kind, finding.severity, finding.clauses) == ("ownership-conflict", "info", ("3.1",))


def unnamed(**fields: str) -> str:
    """A duty of clause 5 that names no one to act, with the fields given."""
    duty = {
        "id": "tell",
        "clause": '"5"',
        "actor": "unspecified",
        "action": "tell the child",
        "timescale": "unspecified",
    }
    duty |= {"modality": "must", "quote": "must be told"} | fields
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in duty.items()) + "}\n"


@pytest.mark.parametrize(
    ("fields", "severity"),
    [
        ({"recipient": "csc"}, "warning"),  # owed to an agency, but nothing waits on it
        ({"recipient": "child"}, "warning"),
        ({"recipient": "csc", "modality": "should"}, "warning"),
        ({"recipient": "csc", "modality": "may"}, "info"),
        ({"recipient": "csc", "action": "invite CSC to the planning meeting"}, "info"),  # an invitation
        ({"recipient": "csc", "tags": "principle"}, "info"),
        ({"recipient": "csc", "tags": "internal"}, "info"),
        ({"recipient": "csc", "tags": "invitation"}, "info"),  # tagged, though its words do not say invite
    ],
)
def test_a_duty_nobody_is_named_for_is_ranked_by_harm(tmp_path: Path, fields: dict, severity: str) -> None:
    (finding,) = run(tmp_path, duties=ACTED + unnamed(when="{justice: remand}", **fields))
    assert (finding.kind, finding.severity, finding.clauses) == ("ownership-gap", severity, ("5",))
    assert "must be told" in finding.message and finding.witness.situation["justice"] == "remand"
    assert "but not who." in finding.message  # a standing duty owes no time


def test_a_duty_another_agency_waits_on_is_an_error_when_nobody_is_named(tmp_path: Path) -> None:
    duties = ACTED + unnamed(id="refer", action="refer the child to CSC", recipient="csc", trigger="{event: remanded}")
    duties += '  - {id: assess, clause: "6", actor: social_worker, action: assess, trigger: {duty: refer}, timescale: {within: {amount: 1, unit: days}}, modality: must}\n'
    (finding,) = run(tmp_path, duties=duties)
    assert (finding.kind, finding.severity) == ("ownership-gap", "error")


def test_a_step_inside_one_agency_is_drafting(tmp_path: Path) -> None:
    # nobody is named to allocate, but the only duty waiting on it is the YJS officer's own
    duties = ACTED + unnamed(id="allocate", action="allocate an officer", trigger="{event: remanded}")
    duties += '  - {id: plan, clause: "6", actor: yjs_officer, action: plan, trigger: {duty: allocate}, timescale: {within: {amount: 1, unit: days}}, modality: must}\n'
    (finding,) = run(tmp_path, duties=duties)
    assert (finding.kind, finding.severity) == ("ownership-gap", "info")


def test_a_duty_statute_gives_the_child_is_an_error_when_nobody_is_named(tmp_path: Path) -> None:
    duties = ACTED + unnamed(kind="pace_transfer", action="consider a transfer", trigger="{event: arrested}")
    path = tmp_path / "tiny.yaml"
    path.write_text(BASE.format(rules=COVERED_RULES, duties=duties), encoding="utf-8")
    protocol = load_protocol(path)
    baseline = statute.bundled_baseline()
    [finding] = ownership.check(protocol, Context(protocol, today=dt.date(2026, 11, 23), baseline=baseline))
    assert (finding.kind, finding.severity) == ("ownership-gap", "error")
    assert finding.suggestion == "Name who must consider a transfer, and say by when, counted from 'arrested'."


def test_who_and_by_when_is_one_finding_for_a_child_the_trigger_fits(tmp_path: Path) -> None:
    duties = ACTED + unnamed(recipient="csc", trigger="{event: remanded}", when="{age: {gte: 12}}")
    (finding,) = run(tmp_path, duties=duties)
    assert "but not who, or by when." in finding.message
    assert finding.witness.situation["justice"] == "remand", "a duty started by a remand is shown for a remanded child"
    protocol = load_protocol(tmp_path / "tiny.yaml")
    assert [f for f in text.check(protocol, Context(protocol)) if "5" in f.clauses] == [], "not reported twice"


def test_one_sentence_split_into_duties_is_one_finding(tmp_path: Path) -> None:
    duties = ACTED + unnamed(recipient="csc") + unnamed(id="tell_too", action="tell the parents", recipient="parents")
    (finding,) = run(tmp_path, duties=duties)
    assert "tell the child and tell the parents" in finding.message and finding.id.endswith(
        finding_id("ownership-gap", "duty tell actor").split(":")[1]
    )


def test_ids_and_witnesses_are_stable(tmp_path: Path) -> None:
    rules = COVERED_RULES.replace(
        '  - {id: aa_unknown, dimension: aa, when: {justice: custody, known: false}, owner: yjs, clause: "2.2"}\n', ""
    )
    assert run(tmp_path, rules) == run(tmp_path, rules)
