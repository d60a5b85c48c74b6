"""The protocol model: what the example encodes, read back through the model's own views."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from protoverify import load_protocol
from protoverify.model.schema import clause_sort_key

EXAMPLE = Path(__file__).parent.parent / "protocols" / "examples" / "example.yaml"


def test_silences_are_held_as_none_not_filled_in() -> None:
    protocol = load_protocol(EXAMPLE)
    duties = {d.id: d for d in protocol.duties}
    assert duties["advise_child_of_release_plan"].actor is None
    assert duties["complete_bail_remand_assessment"].timescale is None
    assert protocol.metadata.version is None
    shared = duties["joint_planning_meeting"]
    assert shared.actor == ("yjs", "csc") and shared.lead is None


def test_timescale_forms_are_kept() -> None:
    duties = {d.id: d for d in load_protocol(EXAMPLE).duties}
    dual = duties["write_pre_sentence_report"].timescale
    assert (dual.within.amount, dual.within.unit, dual.also.amount, dual.also.unit) == (3, "weeks", 15, "working_days")
    assert duties["case_review_meeting"].timescale.every.unit == "weeks"
    hearing = {e.id: e for e in load_protocol(EXAMPLE).events}["sentencing_hearing"].scheduled
    assert (hearing.after, hearing.delay.amount, hearing.also.unit) == ("adjourned_for_report", 3, "working_days")
    mixed = duties["advise_child_of_release_plan"].timescale
    assert (
        mixed.vague == "as soon as possible"
        and mixed.before.event == "released_from_custody"
        and mixed.before.amount == 14
    )
    assert duties["notify_csc_of_remand"].timescale.vague == "as soon as"


def test_counts_and_clauses() -> None:
    protocol = load_protocol(EXAMPLE)
    counts = protocol.counts()
    # the library's justice and care lifecycles, less the three states the example omits (with their
    # transitions), plus its own transition on a community sentence
    assert counts["states"] == 21 and counts["transitions"] == 28 and counts["roles"] == 7
    assert counts["duties_without_actor"] == 1 and counts["duties_without_timescale"] == 2
    clauses = protocol.clause_ids()
    assert clauses[0] == "front" and "3.4(b)" in clauses and "4.2(a)" in clauses
    assert clauses == sorted(clauses, key=clause_sort_key)
    assert not [c for c in clauses if ":" in c], "the library's clauses are not the protocol's"
    assert "england:4.1" in protocol.clause_ids(library=True)  # PACE accommodation, untouched by the example


def test_clause_order_is_the_reader_s_order() -> None:
    ids = ["10.1", "front", "8.15", "8.2", "5.9.1(b)", "5.9.1", "5.9.1(a)", "1"]
    assert sorted(ids, key=clause_sort_key) == ["front", "1", "5.9.1", "5.9.1(a)", "5.9.1(b)", "8.2", "8.15", "10.1"]


def test_protocol_calendar_includes_its_local_closures() -> None:
    calendar = load_protocol(EXAMPLE).calendar.to_calendar()
    assert not calendar.is_working_day(date(2024, 12, 27))  # Anytown's closure day
    # sentenced Monday 23 Dec 2024: Tue 24 is day 1; 25, 26 bank holidays; 27 closed; Mon 30 is 2,
    # Tue 31 is 3; 1 Jan bank holiday; Thu 2 is 4, Fri 3 is 5. Due by the close of Friday 3 January.
    due = calendar.due_after(datetime(2024, 12, 23, 15), 5, "working_days")
    assert due == datetime(2025, 1, 4)
    assert (
        load_protocol(EXAMPLE).calendar.closures
        and calendar.working_days_between(date(2024, 12, 23), date(2025, 1, 3)) == 5
    )
