"""Ownership: gaps and conflicts found where they are, with reachable witnesses, and not elsewhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from protoverify import load_protocol
from protoverify.properties import ownership
from protoverify.properties.context import Context

BASE = """\
protoverify: 1
metadata: {{id: tiny, title: t, authority: a, agreed: unspecified, review: unspecified, version: unspecified, source: s, clause: "1"}}
agencies:
  - {{id: yjs, name: YJS, clause: "1", roles: [{{id: yjs_officer, name: officer, clause: "1"}}]}}
  - {{id: csc, name: CSC, clause: "1", roles: [{{id: social_worker, name: social worker, clause: "1"}}]}}
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
    assert "known to CSC: no" in finding.witness.words


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
    assert (finding.kind, finding.severity, finding.clauses) == ("ownership-conflict", "error", ("3.1", "3.2"))
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


@pytest.mark.parametrize(("modality", "severity"), [("must", "error"), ("should", "warning"), ("may", "info")])
def test_duty_with_no_actor_is_a_gap(tmp_path: Path, modality: str, severity: str) -> None:
    duties = (
        ACTED
        + f'  - {{id: tell, clause: "5", actor: unspecified, action: tell the child, when: {{justice: remand}}, timescale: unspecified, modality: {modality}, quote: must be told}}\n'
    )
    (finding,) = run(tmp_path, duties=duties)
    assert (finding.kind, finding.severity, finding.clauses) == ("ownership-gap", severity, ("5",))
    assert "must be told" in finding.message and finding.witness.situation["justice"] == "remand"


def test_ids_and_witnesses_are_stable(tmp_path: Path) -> None:
    rules = COVERED_RULES.replace(
        '  - {id: aa_unknown, dimension: aa, when: {justice: custody, known: false}, owner: yjs, clause: "2.2"}\n', ""
    )
    assert run(tmp_path, rules) == run(tmp_path, rules)
