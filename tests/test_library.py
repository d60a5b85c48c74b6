"""A protocol written against a library (`uses:`): the merge, what the merged protocol keeps, and the
located errors a protocol's use of the library can have. The bundled England library itself is
tested in tests/test_england_library.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY

from protoverify import check, load_protocol
from protoverify.model.source import LoadError

LIBRARY = """\
protoverify: 1
metadata: {id: small, title: a small library, authority: unspecified, agreed: unspecified, review: unspecified,
  version: unspecified, source: tests, clause: front}
clauses: {"1": the first line, front: the library}
agencies:
  - id: local_authority
    name: the local authority
    kind: local_authority
    clause: "1"
    roles: [{id: social_worker, name: a social worker, clause: "1"}, {id: edt, name: the duty team, clause: "1"}]
  - {id: police, name: the police, kind: police, clause: "1"}
documents:
  - {id: act, title: The Act, clause: "1"}
artefacts:
  - {id: care_plan, name: the care plan, clause: "1", external: {document: act, provision: s1}}
attributes:
  - {id: age, name: age in years, type: int, range: [10, 25], clause: "1"}
  - {id: where, name: where, type: enum, values: [home, away], clause: "1"}
events:
  - {id: arrested, name: arrested, clause: "1", lifecycle: justice}
  - {id: remanded, name: remanded, clause: "1", lifecycle: justice}
  - {id: bailed, name: bailed, clause: "1", lifecycle: justice}
  - {id: referral_received, name: a referral arrives, clause: "1"}
lifecycles:
  - id: justice
    name: justice status
    clause: "1"
    initial: community
    states:
      - {id: community, name: in the community, clause: "1"}
      - id: police_custody
        name: in police custody
        kind: police_custody
        clause: "1"
        initial: at_station
        states:
          - {id: at_station, name: at the station, clause: "1"}
          - {id: charged, name: charged, clause: "1"}
      - {id: rilaa, name: remanded, kind: remanded_local_authority, clause: "1"}
    transitions:
      - {event: arrested, from: community, to: police_custody, clause: "1"}
      - {event: remanded, from: police_custody, to: rilaa, guard: {age: {gte: 10}}, clause: "1"}
      - {event: bailed, from: [police_custody, rilaa], to: community, clause: "1"}
  - id: care
    name: care status
    clause: "1"
    initial: not_looked_after
    states:
      - {id: not_looked_after, name: not looked after, clause: "1"}
      - {id: looked_after, name: looked after, kind: looked_after, clause: "1"}
    transitions:
      - {event: remanded, from: not_looked_after, to: looked_after, clause: "1"}
      - {event: bailed, from: looked_after, to: not_looked_after, clause: "1"}
"""

HEAD = """\
protoverify: 1
uses: small.yaml
metadata: {id: mine, title: mine, authority: Anytown, agreed: unspecified, review: unspecified,
  version: unspecified, source: tests, clause: front}
"""


def write(tmp_path: Path, body: str, library: str = LIBRARY) -> Path:
    (tmp_path / "small.yaml").write_text(library, encoding="utf-8")
    path = tmp_path / "protocol.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def problems(tmp_path: Path, body: str, library: str = LIBRARY) -> list[str]:
    with pytest.raises(LoadError) as caught:
        load_protocol(write(tmp_path, body, library))
    return [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems]


def at(body: str, fragment: str) -> str:
    """'line:col' of `fragment` in the protocol file made of HEAD and `body`."""
    text = HEAD + body
    before = text[: text.index(fragment)]
    return f"{before.count(chr(10)) + 1}:{len(before) - (before.rfind(chr(10)) + 1) + 1}"


AGENCIES = """\
agencies:
  - id: local_authority
    name: Anytown Children's Social Care
    clause: "1.1"
    roles: [{id: social_worker, clause: "2.1"}]
  - {id: yjs, name: Anytown YJS, clause: "1.1"}
"""
JUSTICE = """\
lifecycles:
  - id: justice
    clause: "1.2"
    states:
      - {id: rilaa, name: remanded to Anytown's care, clause: "3.1"}
"""
VISIT = """\
duties:
  - id: visit
    clause: "3.2"
    actor: social_worker
    action: visit the remanded child
    trigger: {enter: rilaa}
    timescale: {within: {amount: 5, unit: days}}
    modality: must
    needs: [care_plan]
"""


# --- what the merged protocol is ----------------------------------------------------------------


def test_a_refinement_keeps_the_library_element_with_the_protocol_s_name_and_clauses(tmp_path: Path) -> None:
    protocol = load_protocol(write(tmp_path, AGENCIES + JUSTICE + VISIT))
    agency = next(a for a in protocol.agencies if a.id == "local_authority")
    assert (agency.name, agency.clause, agency.kind) == ("Anytown Children's Social Care", ("1.1",), "local_authority")
    assert [(r.id, r.name, r.clause) for r in agency.roles] == [("social_worker", "a social worker", ("2.1",))]
    rilaa = next(s for s in protocol.states() if s.id == "rilaa")
    assert (rilaa.name, rilaa.clause, rilaa.kind) == (
        "remanded to Anytown's care",
        ("3.1",),
        "remanded_local_authority",
    )


def test_the_library_s_whole_lifecycle_comes_in_and_untouched_states_keep_its_clauses(tmp_path: Path) -> None:
    protocol = load_protocol(write(tmp_path, AGENCIES + JUSTICE + VISIT))
    states = {s.id: s for s in protocol.states()}
    assert set(states) >= {"community", "police_custody", "at_station", "charged", "rilaa"}
    assert states["community"].clause == ("small:1",)
    assert states["police_custody"].kind is None, "a status the text never touches is not within its scope"
    events = {t.event for lc in protocol.lifecycles for t in lc.transitions}
    assert events >= {"arrested", "remanded", "bailed"}
    assert protocol.clause_ids() == ["front", "1.1", "1.2", "2.1", "3.1", "3.2"]
    assert "small:1" in protocol.clause_ids(library=True)
    assert protocol.clauses == {"small:1": "the first line"}


def test_unused_library_elements_leave_and_used_ones_are_cited_by_the_clauses_that_use_them(tmp_path: Path) -> None:
    protocol = load_protocol(write(tmp_path, AGENCIES + JUSTICE + VISIT))
    assert {a.id for a in protocol.agencies} == {"local_authority", "yjs"}, "nobody names the police"
    assert [r.id for a in protocol.agencies for r in a.roles] == ["social_worker"]
    assert "referral_received" not in {e.id for e in protocol.events}
    plan = next(a for a in protocol.artefacts if a.id == "care_plan")
    assert plan.clause == ("3.2",), "the care plan is cited by the duty that needs it"
    act = next(d for d in protocol.documents if d.id == "act")
    assert act.clause == ("small:1",), "the act comes in because the care plan is made under it"


def test_a_state_used_by_a_condition_is_touched_with_the_states_around_it(tmp_path: Path) -> None:
    body = (
        AGENCIES
        + 'lifecycles:\n  - {id: justice, clause: "1.2"}\n'
        + VISIT.replace("{enter: rilaa}", "{enter: charged}")
    )
    protocol = load_protocol(write(tmp_path, body))
    states = {s.id: s for s in protocol.states()}
    assert states["charged"].clause == ("3.2",) and states["police_custody"].clause == ("3.2",)
    assert states["police_custody"].kind == "police_custody", "the protocol deals with police custody"
    assert states["rilaa"].kind is None


def test_a_lifecycle_reacting_to_another_s_events_brings_that_one_in(tmp_path: Path) -> None:
    body = AGENCIES + 'lifecycles:\n  - {id: care, clause: "1.2"}\n'
    protocol = load_protocol(write(tmp_path, body))
    assert [lc.id for lc in protocol.lifecycles] == ["care", "justice"]


def test_a_protocol_adds_states_transitions_sources_and_guards(tmp_path: Path) -> None:
    body = (
        AGENCIES
        + """\
lifecycles:
  - id: justice
    clause: "1.2"
    states:
      - id: rilaa
        clause: "3.1"
        states:
          - {id: waiting, name: waiting for a placement, clause: "3.3"}
          - {id: placed, name: placed, clause: "3.3"}
      - {id: diverted, name: diverted from court, clause: "3.4"}
    transitions:
      - {event: remanded, to: rilaa, guard: {age: {lte: 17}}, clause: "3.1"}
      - {event: bailed, to: community, from: diverted, clause: "3.4"}
      - {event: diversion, from: at_station, to: diverted, clause: "3.4"}
events:
  - {id: diversion, name: diverted, clause: "3.4"}
"""
    )
    protocol = load_protocol(write(tmp_path, body))
    justice = protocol.lifecycles[0]
    rilaa = next(s for s in justice.states if s.id == "rilaa")
    assert [c.id for c in rilaa.states] == ["waiting", "placed"] and rilaa.initial is None
    assert justice.states[-1].id == "diverted"
    by_event = {t.event: t for t in justice.transitions}
    assert by_event["bailed"].source == ("police_custody", "rilaa", "diverted")
    assert by_event["remanded"].clause == ("3.1",)
    guard = str(by_event["remanded"].guard)
    assert "lte" in guard and "gte" in guard, "the library's guard and the protocol's both hold"
    assert by_event["diversion"].source == ("at_station",)


def test_omit_takes_states_and_their_transitions_out(tmp_path: Path) -> None:
    body = AGENCIES + 'lifecycles:\n  - {id: justice, clause: "1.2", omit: [rilaa]}\n'
    protocol = load_protocol(write(tmp_path, body))
    assert "rilaa" not in {s.id for s in protocol.states()}
    assert [(t.event, t.source) for t in protocol.lifecycles[0].transitions] == [
        ("arrested", ("community",)),
        ("bailed", ("police_custody",)),
    ]
    assert [lc.id for lc in protocol.lifecycles] == ["justice"], "no lifecycle reacts to what is left"


def test_a_narrower_range_and_new_values(tmp_path: Path) -> None:
    body = (
        AGENCIES
        + """\
attributes:
  - {id: age, range: [10, 17], clause: "1.2"}
  - {id: where, values: [{id: home, name: at home, clause: "1.3"}, {id: abroad, clause: "1.3"}], clause: "1.3"}
"""
    )
    protocol = load_protocol(write(tmp_path, body))
    attributes = {a.id: a for a in protocol.attributes}
    assert attributes["age"].range == (10, 17) and attributes["age"].type == "int"
    assert [(v.id, v.name) for v in attributes["where"].values] == [
        ("home", "at home"),
        ("abroad", None),
        ("away", None),
    ]


def test_a_role_of_the_protocol_s_own_agency_may_take_a_library_role_s_id(tmp_path: Path) -> None:
    role = '{id: social_worker, name: a social worker, clause: "1.1"}'
    body = f'agencies:\n  - {{id: csc, name: Anytown CSC, clause: "1.1", roles: [{role}]}}\n'
    protocol = load_protocol(write(tmp_path, body))
    assert [(a.id, [r.id for r in a.roles]) for a in protocol.agencies] == [("csc", ["social_worker"])]


def test_an_external_artefact_is_never_reported_missing(tmp_path: Path) -> None:
    body = (
        AGENCIES
        + JUSTICE
        + VISIT
        + 'artefacts:\n  - {id: history, name: care history, clause: "3.2", external: {document: unspecified}}\n'
    )
    path = write(tmp_path, body.replace("needs: [care_plan]", "needs: [care_plan, history]"))
    findings = check(load_protocol(path), today=TODAY, baseline=None).findings
    assert not [f for f in findings if f.kind == "dangling-reference"]
    path = write(
        tmp_path,
        body.replace("needs: [care_plan]", "needs: [care_plan, history]").replace(
            ", external: {document: unspecified}", ""
        ),
    )
    findings = check(load_protocol(path), today=TODAY, baseline=None).findings
    assert [f.clauses for f in findings if f.kind == "dangling-reference"] == [("3.2",)]


# --- errors in a protocol's use of the library -------------------------------------------------


def test_refining_an_id_the_library_does_not_have_says_did_you_mean(tmp_path: Path) -> None:
    body = AGENCIES + 'events:\n  - {id: remandd, clause: "3.1"}\n'
    assert problems(tmp_path, body) == [
        f"{at(body, 'remandd')}: the library small has no event 'remandd' (did you mean 'remanded'?) to refine; "
        "expected a library event's id, or a new event with its 'name'"
    ]


def test_a_misspelt_library_state_or_transition_is_located(tmp_path: Path) -> None:
    body = (
        AGENCIES
        + """\
lifecycles:
  - id: justice
    clause: "1.2"
    states:
      - {id: rilla, clause: "3.1"}
    transitions:
      - {event: remanded, to: rila, clause: "3.1"}
"""
    )
    found = problems(tmp_path, body)
    assert found[0].startswith(f"{at(body, 'rilla')}: the library lifecycle 'justice' has no state 'rilla' (did you")
    assert found[1].startswith(f"{at(body, '{event: remanded')}: the library lifecycle 'justice' has no transition on")
    assert "did you mean the one on 'remanded' to 'rilaa'?" in found[1]


def test_a_refinement_needs_its_clause_and_cannot_change_what_the_library_says(tmp_path: Path) -> None:
    body = "agencies:\n  - {id: police, kind: court}\n"
    assert problems(tmp_path, body) == [
        f"{at(body, '{id: police')}: this refines the library's agency 'police' but gives no clause; expected the "
        "clause(s) of this protocol that touch it",
        f"{at(body, 'court')}: 'kind' of the library's agency 'police' is 'police'; a refinement cannot change it; "
        "expected it left out, or a new element with another id",
    ]


def test_a_refinement_cannot_widen_a_range_or_move_a_state(tmp_path: Path) -> None:
    body = (
        AGENCIES
        + """\
attributes:
  - {id: age, range: [8, 17], clause: "1.2"}
lifecycles:
  - id: justice
    clause: "1.2"
    states:
      - {id: rilaa, clause: "3.1", states: [{id: charged, clause: "3.1"}]}
"""
    )
    found = problems(tmp_path, body)
    assert "range [8, 17] is not within the library's range of 'age' (10..25)" in found[0]
    assert "state 'charged' is under 'police_custody' in the library" in found[1]


def test_an_id_the_library_uses_for_another_kind_of_element_is_refused(tmp_path: Path) -> None:
    body = 'agencies:\n  - {id: rilaa, name: a team, clause: "1.1"}\n'
    assert problems(tmp_path, body) == [
        f"{at(body, 'rilaa')}: id 'rilaa' is a state of the library lifecycle 'justice' in the library small; "
        "expected another id for this agency (ids are shared with the library)"
    ]


def test_omit_is_checked(tmp_path: Path) -> None:
    found = problems(tmp_path, AGENCIES + 'lifecycles:\n  - {id: justice, clause: "1.2", omit: [community, rila]}\n')
    assert "cannot leave out 'community': the lifecycle 'justice' starts in it" in found[0]
    assert "unknown state 'rila' of the library lifecycle 'justice'; did you mean 'rilaa'?" in found[1]


def test_a_state_of_a_lifecycle_the_protocol_does_not_list_is_explained(tmp_path: Path) -> None:
    found = problems(tmp_path, AGENCIES + VISIT)
    assert len(found) == 1 and found[0].startswith(f"{at(AGENCIES + VISIT, 'rilaa}')}: unknown state 'rilaa'")
    assert "'rilaa' is a state of the library lifecycle 'justice', which this protocol does not list" in found[0]


def test_a_file_never_writes_a_library_clause_id(tmp_path: Path) -> None:
    body = 'agencies:\n  - {id: yjs, name: YJS, clause: "small:1"}\n'
    where = at(body, '"small:1')
    assert problems(tmp_path, body)[0].startswith(
        f"{where}: 'small:1' is a clause id of a library; expected this protocol's own clause"
    )


@pytest.mark.parametrize(
    ("uses", "message"),
    [
        ("englnd", "unknown library 'englnd'; did you mean 'england'?"),
        ("missing.yaml", "library file 'missing.yaml' not found beside the protocol"),
        ("[england]", "'uses' is ['england']; expected the name of a library"),
    ],
)
def test_an_unknown_library_is_located_at_uses(tmp_path: Path, uses: str, message: str) -> None:
    path = write(tmp_path, AGENCIES)
    path.write_text(path.read_text(encoding="utf-8").replace("uses: small.yaml", f"uses: {uses}"), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_protocol(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.col) == (2, 7) and message in problem.message


def test_a_library_is_held_to_the_rules_of_a_library(tmp_path: Path) -> None:
    library = (
        LIBRARY
        + """\
duties:
  - {id: d, clause: "1", actor: police, action: act, timescale: unspecified, modality: must}
"""
    )
    library = library.replace(
        '      - {event: bailed, from: [police_custody, rilaa], to: community, clause: "1"}',
        '      - {event: bailed, from: police_custody, to: community, clause: "1"}\n'
        '      - {event: bailed, from: rilaa, to: community, clause: "1"}',
    )
    with pytest.raises(LoadError) as caught:
        load_protocol(write(tmp_path, AGENCIES, library))
    messages = [f"{Path(p.file).name}: {p.message}" for p in caught.value.problems]
    assert any(m.startswith("small.yaml: a second transition on 'bailed' to 'community'") for m in messages)
    assert any(m.startswith("small.yaml: a library has duties") for m in messages)


# --- trials: sections of the two seeds written against the England library ----------------------

TRIALS = Path(__file__).parent / "fixtures" / "library"


def test_sections_of_the_seeds_can_be_written_on_the_england_library() -> None:
    stockport = load_protocol(TRIALS / "stockport-sections.yaml")
    rilaa = next(s for s in stockport.states() if s.id == "rilaa")
    assert [c.id for c in rilaa.states] == ["awaiting_placement", "placed"], (
        "5.6.4's waiting, inside the library's remand"
    )
    assert [(o.first, o.then) for o in stockport.order] == [("final_release_meeting", "licence_conditions_set")]
    warwickshire = load_protocol(TRIALS / "warwickshire-sections.yaml")
    contents = {d.id: d for d in warwickshire.duties}["asset_plus_regulation_6_content"].part_of
    assert (contents.duty, contents.part) == ("complete_asset_plus", "content")
    findings = check(warwickshire, today=TODAY, baseline=None).findings
    assert not [f for f in findings if f.kind == "dangling-reference"], "the EHCP and the care history are external"
    assert not [f for f in findings if f.kind in ("unreachable-state", "dead-end-state")]


@pytest.mark.parametrize(
    "transition",
    [
        '{event: [remanded], to: rilaa, clause: "3.1"}',
        '{event: remanded, to: rilaa, from: [{a: 1}, [x]], clause: "3.1"}',
        '{event: remanded, to: [rilaa], clause: "3.1"}',
        '{event: remanded, to: rilaa, guard: {all: x}, clause: "3.1"}',
    ],
    ids=["event-list", "sources-mappings", "target-list", "guard-all-text"],
)
def test_malformed_refinements_are_located_not_tracebacks(tmp_path: Path, transition: str) -> None:
    found = problems(tmp_path, AGENCIES + JUSTICE + f"    transitions:\n      - {transition}\n")
    assert found and all(":" in p for p in found)


def test_a_refinement_cannot_make_a_library_state_final(tmp_path: Path) -> None:
    found = problems(tmp_path, AGENCIES + JUSTICE.replace('clause: "3.1"}', 'final: true, clause: "3.1"}'))
    assert (
        len(found) == 1
        and "'final' of the library's state 'rilaa' is not set; a refinement cannot change it" in found[0]
    )


def test_a_remand_to_youth_detention_can_come_out_of_office_hours_in_every_protocol_on_the_library() -> None:
    """Courts remand children on Saturdays (figures(10)): the library marks the event, so a protocol
    that gives urgent work on it to an agency with no out-of-hours contact hears of it (Warwickshire 8.6)."""
    root = Path(__file__).resolve().parents[1]
    warwickshire = load_protocol(root / "protocols" / "warwickshire.yaml")
    assert {e.id: e for e in warwickshire.events}["remanded_to_yda"].out_of_hours is True
    found = [f for f in check(warwickshire, today=TODAY).findings if f.kind == "no-out-of-hours-route"]
    assert [(f.agencies, f.severity) for f in found] == [(("yjs",), "warning")] and "8.6" in found[0].clauses
