"""The practice checks (properties/practice.py): each kind fires on a protocol built to have the defect
and stays quiet on its clean twin (tests/fixtures/checks/<kind>/), says what it finds in a manager's
words, and the format fields it reads load with located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, TODAY
from ruamel.yaml import YAML

from protoverify.model.loader import load_protocol
from protoverify.model.source import LoadError
from protoverify.properties import kinds, practice, who
from protoverify.properties.check import check as check_all
from protoverify.properties.context import Context
from protoverify.properties.findings import Finding
from protoverify.properties.statute import bundled_baseline

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
PRACTICE = [k.id for k in kinds.TABLE if k.family == "practice"]
MODEL_WORDS = re.compile(
    r"\b(state|states|dimension|final|holds|facts|configuration|witness|vocabulary|unspecified)\b|_[a-z]+_"
)

# (severity, clauses) of the findings each protocol built to have the defect must give, in order
EXPECTED = {
    ("joint-duty-no-lead", "fires"): [("warning", ("2.1",)), ("warning", ("2.2",))],
    ("waiting-no-limit", "fires"): [("error", ("3.2",)), ("warning", ("2.1",))],
    ("no-out-of-hours-route", "fires"): [("error", ("3.1", "3.2"))],
    ("unrequired-input", "fires"): [("warning", ("4.1",)), ("info", ("4.2", "4.3"))],
    ("trigger-never-fires", "fires"): [("error", ("5.3", "5.2", "5.5"))],
    ("item-due-twice", "fires"): [("warning", ("6.1", "6.1(b)", "6.2", "6.2(b)"))],
    ("dispute-route-incomplete", "fires"): [("warning", ("7.1",))],
    ("dispute-route-incomplete", "fires-no-route"): [("warning", ("front",))],
    ("looser-than-statute", "fires"): [("error", ("4.2",))],
    ("topics-not-covered", "fires"): [("info", ("front",))],
}


def check(path: Path | str, kind: str | None = None) -> list[Finding]:
    """The practice findings on a protocol file (of one kind, if given), against the England baseline."""
    protocol = load_protocol(path)
    found = practice.check(protocol, Context(protocol, today=TODAY, baseline=bundled_baseline()))
    return [f for f in found if kind is None or f.kind == kind]


def changed(tmp_path: Path, fixture: Path, change) -> Path:
    """A fixture with `change` applied to its data, written to a file."""
    yaml = YAML(typ="safe")
    data = yaml.load(fixture)
    change(data)
    path = tmp_path / fixture.name
    with path.open("w") as file:
        yaml.dump(data, file)
    return path


def duty(data: dict, duty_id: str) -> dict:
    return next(d for d in data["duties"] if d["id"] == duty_id)


# --- each kind on its fixtures ---------------------------------------------------------------------


def test_every_practice_kind_has_a_protocol_where_it_fires_and_a_clean_one() -> None:
    assert sorted(PRACTICE) == sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
    for kind in PRACTICE:
        assert (FIXTURES / kind / "clean.yaml").exists() and (kind, "fires") in EXPECTED, kind


@pytest.mark.parametrize(("kind", "name"), sorted(EXPECTED))
def test_the_kind_fires_where_the_protocol_was_built_to_have_it(kind: str, name: str) -> None:
    found = check(FIXTURES / kind / f"{name}.yaml", kind)
    assert [(f.severity, f.clauses) for f in found] == EXPECTED[kind, name], [f.message for f in found]


@pytest.mark.parametrize("kind", PRACTICE)
def test_the_kind_is_quiet_on_the_clean_protocol(kind: str) -> None:
    assert check(FIXTURES / kind / "clean.yaml", kind) == []


# --- what the findings say ---------------------------------------------------------------------------


def practice_findings() -> list[Finding]:
    """Every practice finding on the fixtures and the bundled protocols."""
    paths = [*sorted(FIXTURES.glob("*/*.yaml")), *sorted((ROOT / "protocols").glob("*.yaml")), EXAMPLE]
    return [f for path in paths if not path.name.endswith(".judgements.yaml") for f in check(path)]


def test_messages_are_short_plain_and_name_the_kind_registered() -> None:
    found = practice_findings()
    assert {f.kind for f in found} == set(PRACTICE)
    for finding in found:
        assert len(finding.message) <= 400, finding.message
        assert 0 < len(finding.suggestion) <= 200, finding.suggestion
        assert not MODEL_WORDS.search(finding.message + " " + finding.suggestion), finding.message
        assert finding.severity in ("error", "warning", "info") and finding.kind in PRACTICE


def test_the_findings_name_the_protocols_short_names_and_the_child() -> None:
    (joint, _) = check(FIXTURES / "joint-duty-no-lead" / "fires.yaml", "joint-duty-no-lead")
    assert joint.message.startswith("Clause 2.1 gives YOS and CSC together the duty to tell the Virtual School")
    (hours,) = check(FIXTURES / "no-out-of-hours-route" / "fires.yaml", "no-out-of-hours-route")
    assert "CSC must then find a remand placement (clause 3.2)" in hours.message and hours.agencies == ("csc",)
    (never,) = check(FIXTURES / "trigger-never-fires" / "fires.yaml", "trigger-never-fires")
    assert "For a child who is an open case to CSC, nothing starts it" in never.message
    (topics,) = check(FIXTURES / "topics-not-covered" / "fires.yaml", "topics-not-covered")
    assert "2 topics this one does not: a child turning 18 on remand; case closure and transfer." in topics.message


def test_agencies_and_roles_are_called_by_the_short_name_the_protocol_gives() -> None:
    (joint,) = check(EXAMPLE, "joint-duty-no-lead")  # the example's agencies: `short: YJS`, `short: CSC`
    assert joint.message.startswith("Clause 4.4 gives YJS and CSC together the duty to hold a joint release")
    warwickshire = load_protocol(ROOT / "protocols" / "warwickshire.yaml")
    assert who.short(warwickshire, "early_help") == "Early Help"  # a role's `short`, as it stands
    assert who.short(warwickshire, "iro") == "the child's Independent Reviewing Officer"  # else "the" and its name


def test_the_findings_are_the_same_on_every_run() -> None:
    path = FIXTURES / "looser-than-statute" / "fires.yaml"
    first, second = check(path), check(path)
    assert [f.model_dump() for f in first] == [f.model_dump() for f in second]


# --- the rules behind each kind, one change at a time ---------------------------------------------


def test_a_joint_duty_is_quiet_where_the_actors_act_together_or_each_for_itself(tmp_path: Path) -> None:
    fixture = FIXTURES / "joint-duty-no-lead" / "fires.yaml"

    def together(data: dict) -> None:
        duty(data, "inform_virtual_school")["shared"] = "together"
        duty(data, "joint_meeting")["shared"] = "each"

    assert check(changed(tmp_path, fixture, together), "joint-duty-no-lead") == []


def test_a_joint_duty_with_no_limit_either_is_one_finding_that_says_so(tmp_path: Path) -> None:
    fixture = FIXTURES / "joint-duty-no-lead" / "fires.yaml"

    def untimed(data: dict) -> None:
        duty(data, "joint_meeting")["timescale"] = "unspecified"

    path = changed(tmp_path, fixture, untimed)
    timed, meeting = check(path, "joint-duty-no-lead")
    assert "names no lead, nor by when." in meeting.message and "nor by when" not in timed.message
    protocol = load_protocol(path)
    everything = check_all(protocol, today=TODAY, baseline=bundled_baseline()).findings
    assert [f.clauses for f in everything if f.kind == "joint-duty-no-lead"] == [("2.1",), ("2.2",)]
    assert not [f for f in everything if f.kind == "vague-deadline" and "2.2" in f.clauses]


def test_a_wait_with_a_fallback_is_quiet_and_one_with_no_ending_duty_is_an_error(tmp_path: Path) -> None:
    fixture = FIXTURES / "waiting-no-limit" / "fires.yaml"

    def nothing_ends_it(data: dict) -> None:
        remand = data["lifecycles"][0]["states"][2]
        remand["states"][0]["waiting"] = {"for": "unspecified", "fallback": "unspecified"}
        police = data["lifecycles"][0]["states"][1]
        police["states"][0]["waiting"]["fallback"] = "attend_as_aa"

    (found,) = check(changed(tmp_path, fixture, nothing_ends_it), "waiting-no-limit")
    assert found.severity == "error" and found.message.count("Nothing in the protocol ends the wait") == 1


def test_an_out_of_hours_route_for_some_duties_leaves_the_others_reported(tmp_path: Path) -> None:
    fixture = FIXTURES / "no-out-of-hours-route" / "clean.yaml"

    def only_reviews(data: dict) -> None:
        data["agencies"][1]["out_of_hours"]["duties"] = ["review_remand"]

    (found,) = check(changed(tmp_path, fixture, only_reviews), "no-out-of-hours-route")
    assert found.severity == "error" and "find a remand placement" in found.message

    def not_out_of_hours(data: dict) -> None:
        data["events"][0]["out_of_hours"] = False
        data["agencies"][1].pop("out_of_hours")

    assert check(changed(tmp_path, fixture, not_out_of_hours), "no-out-of-hours-route") == []


def test_a_notice_due_within_hours_and_not_waited_on_is_a_warning(tmp_path: Path) -> None:
    fixture = FIXTURES / "no-out-of-hours-route" / "fires.yaml"

    def notice_only(data: dict) -> None:
        placement = duty(data, "find_placement")
        placement.pop("kind")
        placement["action"] = "tell the team manager of the remand"

    (found,) = check(changed(tmp_path, fixture, notice_only), "no-out-of-hours-route")
    assert found.severity == "warning"


def test_the_agencys_own_input_is_not_reported(tmp_path: Path) -> None:
    fixture = FIXTURES / "unrequired-input" / "fires.yaml"

    def from_yos(data: dict) -> None:
        data["artefacts"][0]["from"] = "yos"

    found = check(changed(tmp_path, fixture, from_yos), "unrequired-input")
    assert [f.clauses for f in found] == [("4.2", "4.3")]


def test_a_trigger_chain_all_cases_reach_is_quiet(tmp_path: Path) -> None:
    fixture = FIXTURES / "trigger-never-fires" / "fires.yaml"

    def every_case(data: dict) -> None:
        duty(data, "refer_to_csc").pop("when")

    assert check(changed(tmp_path, fixture, every_case), "trigger-never-fires") == []


def test_one_agency_giving_two_limits_for_one_item_is_reported(tmp_path: Path) -> None:
    fixture = FIXTURES / "item-due-twice" / "clean.yaml"

    def twice_from_yos(data: dict) -> None:
        second = duty(data, "assessment_reminder")
        second["trigger"] = {"event": "sentenced"}
        second["timescale"] = {"within": {"amount": 5, "unit": "working_days"}}

    (found,) = check(changed(tmp_path, fixture, twice_from_yos), "item-due-twice")
    assert "within 24 hours" in found.message and "within 5 working days" in found.message


def test_a_dispute_route_lists_only_what_it_lacks(tmp_path: Path) -> None:
    fixture = FIXTURES / "dispute-route-incomplete" / "clean.yaml"

    def no_meanwhile(data: dict) -> None:
        data["escalation"][0].pop("meanwhile")

    (found,) = check(changed(tmp_path, fixture, no_meanwhile), "dispute-route-incomplete")
    assert "has nothing on who acts for the child while a dispute is open" in found.message
    assert "time limit" not in found.message


def everything(path: Path) -> list[Finding]:
    """Every finding of the whole check on a protocol file, against the England baseline."""
    return check_all(load_protocol(path), today=TODAY, baseline=bundled_baseline()).findings


def test_an_untimed_meeting_at_a_dispute_routes_first_level_is_told_by_the_route(tmp_path: Path) -> None:
    fixture = FIXTURES / "dispute-route-incomplete" / "fires.yaml"

    def with_meeting(data: dict) -> None:
        data["events"] = [{"id": "disagreement", "name": "the services disagree about a plan", "clause": "7.1"}]
        data["duties"] = [
            {
                "id": "managers_meet",
                "clause": "7.1",
                "actor": ["yos_manager", "csc_manager"],
                "action": "meet to settle the disagreement",
                "trigger": {"event": "disagreement"},
                "timescale": "unspecified",
                "modality": "should",
            }
        ]

    found = everything(changed(tmp_path, fixture, with_meeting))
    assert [f.clauses for f in found if f.kind == "dispute-route-incomplete"] == [("7.1",)]
    assert not [f for f in found if f.kind == "vague-deadline"]  # "no time limit at any level" says it

    def timed_route(data: dict) -> None:
        with_meeting(data)
        data["escalation"][0]["steps"][1]["within"] = {"amount": 5, "unit": "working_days"}

    found = everything(changed(tmp_path, fixture, timed_route))
    assert [f.clauses for f in found if f.kind == "vague-deadline"] == [("7.1",)]  # the route no longer says it


def test_an_untimed_side_of_an_item_due_twice_is_told_by_that_finding(tmp_path: Path) -> None:
    fixture = FIXTURES / "item-due-twice" / "fires.yaml"

    def untimed(data: dict) -> None:
        duty(data, "send_on_sentence").update(timescale="unspecified", modality="must")

    path = changed(tmp_path, fixture, untimed)
    [twice] = [f for f in everything(path) if f.kind == "item-due-twice"]
    assert "with no time limit (clauses 6.2 and 6.2(b))" in twice.message
    assert not [f for f in everything(path) if f.kind == "vague-deadline" and "6.2" in f.clauses]


def test_a_looser_restatement_that_names_no_one_is_one_finding(tmp_path: Path) -> None:
    fixture = FIXTURES / "looser-than-statute" / "fires.yaml"

    def nobody(data: dict) -> None:
        duty(data, "consider_transfer")["actor"] = "unspecified"

    found = everything(changed(tmp_path, fixture, nobody))
    [looser] = [f for f in found if f.kind == "looser-than-statute"]
    assert "by no one named" in looser.message
    assert not [f for f in found if f.kind == "ownership-gap" and "4.2" in f.clauses]


def test_a_topic_whose_situation_the_protocol_names_without_a_rule_is_a_warning_of_its_own(tmp_path: Path) -> None:
    fixture = FIXTURES / "topics-not-covered" / "fires.yaml"

    def names_rilaa(data: dict) -> None:
        data["events"] = [{"id": "remanded", "name": "remanded", "clause": "4.2"}]
        data["lifecycles"] = [
            {
                "id": "justice",
                "name": "justice status",
                "clause": "4",
                "states": [
                    {"id": "community", "clause": "4"},
                    {
                        "id": "on_rilaa",
                        "name": "remanded to local authority accommodation",
                        "kind": "remanded_local_authority",
                        "clause": "4.2",
                    },
                ],
                "transitions": [{"event": "remanded", "from": "community", "to": "on_rilaa", "clause": "4.2"}],
            }
        ]

    def names_rilaa_without_rule(data: dict) -> None:
        names_rilaa(data)
        data["duties"] = [d for d in data["duties"] if d["id"] != "rilaa"]

    found = check(changed(tmp_path, fixture, names_rilaa_without_rule), "topics-not-covered")
    named = [f for f in found if f.severity == "warning"]
    assert [f.clauses for f in named] == [("4.2",)]
    assert "deals with children 'remanded to local authority accommodation'" in named[0].message
    assert "who finds the placement" in named[0].message
    assert all("remands to local authority" not in f.message for f in found if f.severity == "info")
    covered = check(changed(tmp_path, fixture, names_rilaa), "topics-not-covered")  # 4.2's duty covers it
    assert not [f for f in covered if f.severity == "warning"]


def test_a_protocol_on_child_protection_with_no_safeguarding_referral_route_is_a_warning(tmp_path: Path) -> None:
    fixture = FIXTURES / "topics-not-covered" / "fires.yaml"

    def strategy_meetings(data: dict) -> None:
        data["events"] = [{"id": "strategy", "name": "child protection strategy meeting held", "clause": "2.5"}]

    def homeless_referral_only(data: dict) -> None:  # the only referral to CSC is not about the child's safety
        strategy_meetings(data)
        duty(data, "refer_to_csc")["action"] = "refer a homeless child to CSC"

    (found,) = [
        f
        for f in check(changed(tmp_path, fixture, homeless_referral_only), "topics-not-covered")
        if f.clauses == ("2.5",)
    ]
    assert found.severity == "warning" and "deals with 'child protection strategy meeting held'" in found.message
    assert "how the youth justice service refers a child it fears for" in found.message
    welfare = check(changed(tmp_path, fixture, strategy_meetings), "topics-not-covered")  # "with welfare needs"
    assert not [f for f in welfare if f.clauses == ("2.5",)]

    def no_referrals(data: dict) -> None:  # referrals each way missing: the safeguarding one is implied, not listed
        data["duties"] = [d for d in data["duties"] if d["id"] not in ("refer_to_csc", "refer_to_yos")]

    (listed,) = check(changed(tmp_path, fixture, no_referrals), "topics-not-covered")
    assert "referrals each way" in listed.message and "fears for" not in listed.message


def test_looser_than_statute_in_force_alone_and_in_scope_alone(tmp_path: Path) -> None:
    fixture = FIXTURES / "looser-than-statute" / "fires.yaml"

    def force_only(data: dict) -> None:
        transfer = duty(data, "consider_transfer")
        transfer.pop("when")
        transfer["modality"] = "should"
        transfer["action"] = "arrange the transfer"

    (force,) = check(changed(tmp_path, fixture, force_only), "looser-than-statute")
    assert force.message.startswith("Clause 4.2 says the custody officer should arrange the transfer.")
    assert force.witness is None

    def scope_only(data: dict) -> None:
        duty(data, "consider_transfer")["action"] = "arrange the transfer"

    (scope,) = check(changed(tmp_path, fixture, scope_only), "looser-than-statute")
    assert "only where the child is due at court the next day" in scope.message
    assert scope.witness is not None and scope.witness.situation["court_next_day"] is False


def test_a_topic_the_statute_checks_report_is_left_to_them(tmp_path: Path) -> None:
    fixture = FIXTURES / "topics-not-covered" / "clean.yaml"

    def no_pace_but_police_custody(data: dict) -> None:
        data["duties"] = [d for d in data["duties"] if d["id"] != "pace"]
        data["lifecycles"] = [
            {
                "id": "justice",
                "name": "justice status",
                "clause": "3",
                "states": [
                    {"id": "community", "clause": "3"},
                    {"id": "police_station", "kind": "police_custody", "clause": "3.1"},
                ],
                "transitions": [{"event": "arrested", "from": "community", "to": "police_station", "clause": "3.1"}],
            }
        ]
        data["events"] = [{"id": "arrested", "name": "arrested", "clause": "3.1"}]

    assert check(changed(tmp_path, fixture, no_pace_but_police_custody), "topics-not-covered") == []


# --- the format fields the checks read ---------------------------------------------------------------

BAD_FIELDS = [
    ("agencies", lambda d: d["agencies"][0].update(out_of_hours={"by": "nobody_here", "clause": "1.2"}), "nobody_here"),
    ("events", lambda d: d["events"][0].update(out_of_hours="sometimes"), "expected true or false"),
    (
        "waiting",
        lambda d: d["lifecycles"][0]["states"][1].update(waiting={"for": "no_such_duty", "fallback": "unspecified"}),
        "unknown duty 'no_such_duty'",
    ),
    ("waiting", lambda d: d["lifecycles"][0]["states"][1].update(waiting={"for": "unspecified"}), "fallback"),
    ("artefacts", lambda d: d["artefacts"][0].update({"from": "no_such_agency"}), "no_such_agency"),
    ("items", lambda d: d["duties"][3]["items"][0].update(artefact="no_such_artefact"), "unknown artefact"),
    ("shared", lambda d: d["duties"][0].update(shared="either"), "'shared' says how several actors share"),
    ("decides", lambda d: d["escalation"][0]["steps"][1].update(decides="social_worker"), "not one of this level's"),
    ("meanwhile", lambda d: d["escalation"][0].update(meanwhile="no_one_here"), "no_one_here"),
    (
        "within",
        lambda d: d["escalation"][0]["steps"][0].update(within={"amount": 0, "unit": "days"}),
        "zero or negative",
    ),
]


@pytest.mark.parametrize(("field", "change", "said"), BAD_FIELDS, ids=[f for f, _, _ in BAD_FIELDS])
def test_a_bad_value_of_a_new_field_is_a_located_error(tmp_path: Path, field: str, change, said: str) -> None:
    path = changed(tmp_path, EXAMPLE, change)
    with pytest.raises(LoadError) as caught:
        load_protocol(path)
    problems = list(caught.value.problems)
    assert problems and all(p.line > 0 for p in problems), problems
    assert any(said in p.message for p in problems), [p.message for p in problems]


def test_the_new_fields_load_where_they_fit(tmp_path: Path) -> None:
    def fields(data: dict) -> None:
        data["agencies"][1]["out_of_hours"] = {
            "by": "csc_team_manager",
            "clause": "6.1",
            "duties": ["find_remand_placement"],
        }
        data["events"][3]["out_of_hours"] = True
        rilaa = next(s for s in data["lifecycles"][0]["states"] if s["id"] == "rilaa")
        rilaa["waiting"] = {
            "for": "find_remand_placement",
            "fallback": "unspecified",
        }
        data["artefacts"][1]["from"] = "csc"
        duty(data, "send_care_history")["items"][0]["artefact"] = "care_history"
        duty(data, "joint_planning_meeting")["shared"] = "either"
        route = data["escalation"][0]
        route["meanwhile"] = "csc"
        route["steps"][1].update(decides="csc_team_manager", within={"amount": 5, "unit": "working_days"})

    protocol = load_protocol(changed(tmp_path, EXAMPLE, fields))
    assert protocol.agencies[1].out_of_hours.duties == ("find_remand_placement",)
    assert [s.waiting.until for s in protocol.states() if s.waiting] == ["find_remand_placement"]
    assert protocol.artefacts[1].provider == ("csc",) and protocol.escalation[0].steps[1].decides == "csc_team_manager"


def test_a_wait_with_no_limit_is_not_reported_again_as_a_vague_deadline(tmp_path: Path) -> None:
    def waiting(data: dict) -> None:
        rilaa = next(s for s in data["lifecycles"][0]["states"] if s["id"] == "rilaa")
        rilaa["waiting"] = {"for": "notify_csc_of_remand", "fallback": "unspecified"}

    protocol = load_protocol(changed(tmp_path, EXAMPLE, waiting))
    found = check_all(protocol, today=TODAY).findings
    wait = [f for f in found if f.kind == "waiting-no-limit"]
    assert len(wait) == 1 and "3.1" in wait[0].clauses  # the remand notice ends the wait, 'as soon as'
    assert not [f for f in found if f.kind == "vague-deadline" and f.clauses == ("3.1",)]
