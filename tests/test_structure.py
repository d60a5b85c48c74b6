"""Structure checks: each kind is found in a protocol built to have it, and not in the clean one.

Every test starts from `fixtures/structure/base.yaml` (clean for every structural kind), changes one
thing, and loads the result through the ordinary loader.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
import z3
from conftest import ROOT, TODAY
from ruamel.yaml import YAML

from protoverify import load_protocol
from protoverify.properties import situations as situations_module
from protoverify.properties import structure, text
from protoverify.properties.context import Context
from protoverify.properties.findings import Finding
from protoverify.properties.situations import Situations

BASE = Path(__file__).parent / "fixtures" / "structure" / "base.yaml"


def findings(
    tmp_path: Path, change: Callable[[dict], None] = lambda data: None, kind: str | None = None
) -> list[Finding]:
    """The structure findings on the base protocol after `change`, of one kind if given."""
    yaml = YAML(typ="safe")
    data = yaml.load(BASE)
    change(data)
    path = tmp_path / "protocol.yaml"
    with path.open("w") as file:
        yaml.dump(data, file)
    protocol = load_protocol(path)
    found = structure.check(protocol, Context(protocol, today=TODAY))
    return [f for f in found if kind is None or f.kind == kind]


def justice(data: dict) -> dict:
    return data["lifecycles"][0]


def duty(data: dict, duty_id: str) -> dict:
    return next(d for d in data["duties"] if d["id"] == duty_id)


def test_the_base_protocol_is_clean(tmp_path: Path) -> None:
    assert findings(tmp_path) == []


# --- unreachable-state ---------------------------------------------------------------------------


def test_a_state_no_transition_enters_is_unreachable(tmp_path: Path) -> None:
    def add_secure(data: dict) -> None:
        justice(data)["states"].append({"id": "secure", "name": "in a secure children's home", "clause": "2.6"})

    [finding] = findings(tmp_path, add_secure, "unreachable-state")
    assert finding.severity == "info" and finding.clauses == ("2.6",) and finding.decided
    assert "in a secure children's home" in finding.message and "No change" in finding.detail


def test_a_state_entered_only_under_an_impossible_guard_is_unreachable(tmp_path: Path) -> None:
    def add_guarded(data: dict) -> None:
        justice(data)["states"].append({"id": "secure", "clause": "2.6"})
        justice(data)["transitions"].append(
            {
                "event": "sentenced",
                "from": "community",
                "to": "secure",
                "guard": {"age": {"gte": 15, "lte": 12}},
                "clause": "2.6",
            }
        )
        justice(data)["transitions"].insert(0, justice(data)["transitions"].pop())  # tried before the unguarded one

    [finding] = findings(tmp_path, add_guarded, "unreachable-state")
    assert finding.clauses == ("2.6",) and "never holds" in finding.detail


def test_a_reachable_state_is_not_reported(tmp_path: Path) -> None:
    def add_reachable(data: dict) -> None:
        justice(data)["states"].append({"id": "secure", "clause": "2.6"})
        justice(data)["transitions"].append({"event": "sentenced", "from": "licence", "to": "secure", "clause": "2.6"})
        justice(data)["transitions"].append({"event": "released", "from": "secure", "to": "licence", "clause": "2.6"})

    assert findings(tmp_path, add_reachable, "unreachable-state") == []


def test_states_not_reached_by_an_unfinished_search_are_undecided(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(situations_module, "MAX_CONFIGURATIONS", 1)
    unreached = findings(tmp_path, kind="unreachable-state")
    assert unreached and all(not f.decided for f in unreached)
    assert {f.clauses for f in unreached} <= {("2.1",), ("2.2",)}


# --- dead-end-state ------------------------------------------------------------------------------


def without_licence_end(data: dict) -> None:
    justice(data)["transitions"] = [t for t in justice(data)["transitions"] if t["event"] != "licence_ended"]


def test_a_state_a_case_cannot_leave_is_a_dead_end(tmp_path: Path) -> None:
    [finding] = findings(tmp_path, without_licence_end, "dead-end-state")
    assert finding.severity == "info" and finding.clauses == ("2.2",)
    assert "'on licence'" in finding.message
    assert finding.witness is not None and finding.witness.situation == {"justice": "licence"}


def test_a_final_state_is_not_a_dead_end(tmp_path: Path) -> None:
    def final_licence(data: dict) -> None:
        without_licence_end(data)
        next(s for s in justice(data)["states"] if s["id"] == "licence")["final"] = True

    assert findings(tmp_path, final_licence, "dead-end-state") == []


# --- silent-handover -----------------------------------------------------------------------------


def test_a_handover_with_no_duty_between_the_agencies_is_silent(tmp_path: Path) -> None:
    def plan_to_the_court(data: dict) -> None:
        duty(data, "send_release_plan")["recipient"] = "child"

    [finding] = findings(tmp_path, plan_to_the_court, "silent-handover")
    assert finding.severity == "warning" and finding.decided
    assert set(finding.clauses) == {"2.4", "2.5", "2.2"} and finding.agencies == ("yjs", "csc")
    assert finding.witness is not None and finding.witness.situation["event"] == "released"
    assert finding.witness.situation["justice"] == "custody"
    assert finding.witness.words.endswith("then released on licence")


def test_a_handover_between_services_of_one_council_passes_inside_one_body(tmp_path: Path) -> None:
    def one_council(data: dict) -> None:
        duty(data, "send_release_plan")["recipient"] = "child"
        for agency in data["agencies"]:
            if agency["id"] in ("yjs", "csc"):
                agency["council"] = {"id": "borough", "clause": "1.1"}

    assert findings(tmp_path, one_council, "silent-handover") == []


def test_a_duty_on_another_event_does_not_carry_the_handover(tmp_path: Path) -> None:
    def plan_on_sentence(data: dict) -> None:
        duty(data, "send_release_plan")["trigger"] = {"event": "sentenced"}

    assert len(findings(tmp_path, plan_on_sentence, "silent-handover")) == 1


def test_a_duty_on_entering_the_new_state_carries_the_handover(tmp_path: Path) -> None:
    def plan_on_entering_licence(data: dict) -> None:
        duty(data, "send_release_plan")["trigger"] = {"enter": "licence"}

    assert findings(tmp_path, plan_on_entering_licence, "silent-handover") == []


def test_a_duty_that_applies_only_to_some_children_leaves_the_others_silent(tmp_path: Path) -> None:
    def plan_for_younger_children(data: dict) -> None:
        duty(data, "send_release_plan")["when"] = {"age": {"lte": 15}}

    [finding] = findings(tmp_path, plan_for_younger_children, "silent-handover")
    assert finding.witness is not None and finding.witness.situation["age"] >= 16


def test_duties_that_together_cover_every_child_carry_the_handover(tmp_path: Path) -> None:
    def split_by_age(data: dict) -> None:
        younger = duty(data, "send_release_plan")
        younger["when"] = {"age": {"lte": 15}}
        data["duties"].append(
            {
                **younger,
                "id": "send_release_plan_older",
                "when": {"age": {"gte": 16}},
                "actor": "social_worker",
                "recipient": "yjs",
            }
        )

    assert findings(tmp_path, split_by_age, "silent-handover") == []


def test_no_handover_where_the_new_holder_is_not_an_agency(tmp_path: Path) -> None:
    def unspecified_or_person(data: dict) -> None:
        duty(data, "send_release_plan")["recipient"] = "child"
        data["ownership"][1]["owner"] = "unspecified"
        data["ownership"].append(
            {
                "id": "child_supervises",
                "dimension": "supervision",
                "when": {"justice": "licence"},
                "owner": "child",
                "clause": "2.5",
            }
        )

    assert findings(tmp_path, unspecified_or_person, "silent-handover") == []


def test_no_handover_where_the_new_holder_already_held_it(tmp_path: Path) -> None:
    def joint_in_custody(data: dict) -> None:
        duty(data, "send_release_plan")["recipient"] = "child"
        data["ownership"][0]["owner"] = ["yjs_officer", "social_worker"]

    assert findings(tmp_path, joint_in_custody, "silent-handover") == []


@pytest.mark.parametrize(
    "rule",
    [
        {"id": "csc_already_for_younger", "when": {"justice": "custody", "age": {"lte": 15}}, "owner": "csc"},
        {"id": "yjs_still_for_younger", "when": {"justice": "licence", "age": {"lte": 15}}, "owner": "yjs"},
    ],
)
def test_a_handover_is_found_only_for_children_whose_holder_changes(tmp_path: Path, rule: dict) -> None:
    def joint_for_younger_children(data: dict) -> None:
        duty(data, "send_release_plan")["recipient"] = "child"
        data["ownership"].append({**rule, "dimension": "supervision", "clause": "2.6"})

    [finding] = findings(tmp_path, joint_for_younger_children, "silent-handover")
    assert finding.witness is not None and finding.witness.situation["age"] >= 16
    assert "2.6" not in finding.clauses


def test_an_undecided_handover_is_reported_as_undecided(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Unknown:
        def check(self) -> z3.CheckSatResult:
            return z3.unknown

    @contextmanager
    def undecided(self, *constraints, timeout_ms: int):
        yield Unknown()

    monkeypatch.setattr(Situations, "query", undecided)
    [finding] = findings(
        tmp_path, lambda data: duty(data, "send_release_plan").update(recipient="child"), "silent-handover"
    )
    assert not finding.decided and finding.severity == "error" and "not a pass" in finding.message


# --- dangling-reference --------------------------------------------------------------------------


def test_a_citation_of_a_missing_clause_dangles(tmp_path: Path) -> None:
    def cite_missing(data: dict) -> None:
        duty(data, "send_release_plan")["cites"] = ["3.9"]
        duty(data, "write_release_plan")["items"] = [
            {"clause": "3.1(a)", "what": "contacts, as in 7.2", "cites": ["7.2"]}
        ]

    found = findings(tmp_path, cite_missing, "dangling-reference")
    assert sorted(f.clauses for f in found) == [("3.1(a)", "3.1"), ("3.2",)]
    assert all(f.severity == "info" for f in found), "a broken cross-reference is drafting"
    assert any("3.9" in f.message for f in found) and any("7.2" in f.message for f in found)


def test_an_artefact_needed_but_never_produced_is_a_warning(tmp_path: Path) -> None:
    def nobody_writes_it(data: dict) -> None:
        duty(data, "write_release_plan")["produces"] = []

    [finding] = findings(tmp_path, nobody_writes_it, "dangling-reference")
    assert finding.severity == "warning" and finding.clauses == ("3.2",) and finding.agencies == ("yjs",)
    assert finding.message.startswith("No clause says who makes release plan, or by when, yet clause 3.2 needs it")


# --- escalation-gap ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_step", "words"),
    [
        ({"parties": "unspecified", "words": "senior managers"}, "names no one"),
        ({"parties": ["yjs", "csc"]}, "not a role"),
        ({"parties": ["yjs_manager", "custody_sergeant"]}, "not in the dispute"),
    ],
)
def test_a_route_that_does_not_end_at_a_role_in_the_dispute_has_a_gap(
    tmp_path: Path, last_step: dict, words: str
) -> None:
    def end_with(data: dict) -> None:
        data["escalation"][0]["steps"][-1] = last_step

    [finding] = findings(tmp_path, end_with, "escalation-gap")
    assert finding.severity == "warning" and finding.clauses == ("4.1",) and words in finding.message


# --- stability -----------------------------------------------------------------------------------


def everything_wrong(data: dict) -> None:
    """One finding of every structural kind."""
    without_licence_end(data)
    duty(data, "send_release_plan")["recipient"] = "child"
    duty(data, "send_release_plan")["cites"] = ["3.9"]
    duty(data, "write_release_plan")["produces"] = []
    justice(data)["states"].append({"id": "secure", "clause": "2.6"})
    data["escalation"][0]["steps"][-1] = {"parties": "unspecified"}


def test_findings_are_the_same_on_a_second_run(tmp_path: Path) -> None:
    first, second = findings(tmp_path, everything_wrong), findings(tmp_path, everything_wrong)
    assert {f.kind for f in first} == {
        "unreachable-state",
        "dead-end-state",
        "silent-handover",
        "dangling-reference",
        "escalation-gap",
    }
    assert first == second
    assert len({f.id for f in first}) == len(first)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("protocol", "some"),
    [
        ("tests/fixtures/structure/base.yaml", True),
        # Stockport's one structural finding was a handover between services of one council (1.1): none now
        ("protocols/stockport-2019.yaml", False),
        # Warwickshire's one was its citation of "8.7.2", now said by the numbering finding (text checks)
        ("protocols/warwickshire.yaml", False),
    ],
)
def test_findings_do_not_depend_on_the_hash_seed(tmp_path: Path, protocol: str, some: bool) -> None:
    """Witnesses, ids and order are the same whatever order Python happens to keep sets in."""
    path = ROOT / protocol
    if path == BASE:
        findings(tmp_path, everything_wrong)  # writes the protocol with every kind of finding
        path = tmp_path / "protocol.yaml"
    script = (
        "import datetime, json, sys\n"
        "from protoverify import load_protocol\n"
        "from protoverify.properties import structure\n"
        "from protoverify.properties.context import Context\n"
        "p = load_protocol(sys.argv[1])\n"
        "print(json.dumps([f.model_dump(mode='json') for f in structure.check(p, Context(p, today=datetime.date(2026, 11, 23)))]))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert json.loads(runs[0]) == json.loads(runs[1])
    assert bool(json.loads(runs[0])) is some


@pytest.mark.slow
def test_the_seeds_known_structural_faults_are_found() -> None:
    """Faults of the source documents themselves, whatever else the encodings come to say."""
    found = {}
    for name in ("stockport-2019", "warwickshire"):
        protocol = load_protocol(ROOT / "protocols" / f"{name}.yaml")
        found[name] = structure.check(protocol, Context(protocol, today=TODAY))
    # Warwickshire 8.4.9 (under 8.7) refers to "8.7.2 above", which the document does not have: the
    # second item of 8.7's own list, printed 8.4.6. It is said once, by the numbering finding (`text`).
    assert not any(f.kind == "dangling-reference" and "8.7.2" in f.message for f in found["warwickshire"])
    protocol = load_protocol(ROOT / "protocols" / "warwickshire.yaml")
    [numbering] = [f for f in text.check(protocol, Context(protocol, today=TODAY)) if f.kind == "numbering"]
    assert "item 8.4.9 already cites '8.7.2'" in numbering.message and "(item 8.4.6 is meant)" in numbering.message
    # Stockport's care leavers (4.4, 4.5) stop being care leavers by law (at 21 or 25): the library's status
    # ends, so no dead end is reported (the old encoding's own care-leaver state had no way out)
    assert not any(f.kind == "dead-end-state" for f in found["stockport-2019"])
