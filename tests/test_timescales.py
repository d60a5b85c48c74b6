"""Timescales in the model: a duty's limits (both readings of a dual-unit timescale), what starts its
clock, and the one reading every part of protoverify takes of them (checks, diff, simulation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

from protoverify import load_protocol
from protoverify.model.calendar import Calendar, Limit, Unit
from protoverify.model.conditions import comparisons
from protoverify.model.errors import LoadError
from protoverify.model.timescales import Start, delays, duty_limits, limits, start
from protoverify.properties import clocks, statute
from protoverify.properties.timescales import timescale_change
from protoverify.simulate import duties
from protoverify.simulate.loader import load_scenario

PROTOCOLS = [ROOT / "protocols" / "stockport-2019.yaml", ROOT / "protocols" / "warwickshire.yaml", EXAMPLE]


def duty(protocol, duty_id: str):
    return next(d for d in protocol.duties if d.id == duty_id)


def test_a_dual_unit_timescale_gives_both_readings() -> None:
    example = load_protocol(EXAMPLE)
    psr = limits(duty(example, "write_pre_sentence_report").timescale)
    assert psr.how == "within" and psr.event is None and psr.every is None
    assert psr.readings == (Limit(3, Unit.WEEKS), Limit(15, Unit.WORKING_DAYS))
    before = limits(duty(example, "share_assessment_before_sentence").timescale)
    assert before.how == "before" and before.event and all(r.before for r in before.readings)
    weekly = limits(duty(example, "case_review_meeting").timescale)
    assert weekly.readings == () and weekly.how is None and weekly.every == Limit(1, Unit.WEEKS)
    assert limits(None) == limits(duty(example, "notify_csc_of_remand").timescale)  # vague words: nothing counted
    hearing = next(e for e in example.events if e.scheduled is not None)
    assert delays(hearing.scheduled) == (Limit(3, Unit.WEEKS), Limit(15, Unit.WORKING_DAYS))


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.stem)
def test_checks_statute_and_simulation_read_a_timescale_alike(path: Path) -> None:
    """The deadline checks, the statute checks and the simulation each take the duty's limits from
    `duty_limits`: the same first reading, counted from the same moment."""
    protocol = load_protocol(path)
    interpretations = load_scenario(ROOT / "scenarios" / "stockport-baseline.yaml").interpretations
    for d in protocol.duties:
        found = duty_limits(d)
        deadline = clocks.deadline(d)
        assert (deadline.limits, deadline.event) == (found.readings, found.event) if deadline else not found.readings
        assert [r.limit for r in statute.readings(d) if r.how != "every"] == list(found.readings)
        if found.readings and found.readings[0].amount is not None:
            simulated = duties.deadline_of(d, interpretations)
            assert (simulated.kind, simulated.amount, simulated.unit, simulated.event) == (  # type: ignore[union-attr]
                found.how,
                found.readings[0].amount,
                found.readings[0].unit,
                found.event,
            )


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.stem)
def test_what_starts_a_clock(path: Path) -> None:
    protocol = load_protocol(path)
    lifecycles = {lc.id for lc in protocol.lifecycles}
    for d in protocol.duties:
        begins = start(protocol, d)
        if d.trigger is not None:
            kind = next(k for k in ("event", "enter", "exit", "duty") if getattr(d.trigger, k))
            assert begins == Start(kind, getattr(d.trigger, kind)) and begins.is_trigger
        elif begins is not None:
            assert not begins.is_trigger
            if begins.kind == "situation":
                assert d.when is not None and any(test.key in lifecycles for test in comparisons(d.when))
            else:
                assert begins.kind == "possible" and d.timescale is not None
                assert begins.name in (d.timescale.at, d.timescale.before and d.timescale.before.event)


def test_a_limit_reaches_as_far_as_its_deadline_can() -> None:
    calendar = Calendar()
    for limit in (Limit(10, Unit.WORKING_DAYS), Limit(3, Unit.MONTHS), Limit(2, Unit.WEEKS), Limit(30, Unit.HOURS)):
        for day in (dt.date(2024, 12, 20), dt.date(2025, 1, 31), dt.date(2027, 8, 30)):
            anchor = dt.datetime.combine(day, dt.time(23))
            reach = (limit.due(calendar, anchor).date() - day).days
            assert reach <= limit.span() + 1, (limit, day)
    assert Limit(None, None, before=True).span() == 0


# --- calendar months through the same readings ---------------------------------------------------


def months_protocol(tmp_path: Path, within: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    old = "      within: {amount: 3, unit: weeks}\n      also: {amount: 15, unit: working_days}\n"
    assert text.count(old) == 1
    path = tmp_path / "example.yaml"
    path.write_text(text.replace(old, within), encoding="utf-8")
    return path


def test_months_are_read_by_the_simulation_and_compared_by_the_diff(tmp_path: Path) -> None:
    example = load_protocol(EXAMPLE)
    monthly = load_protocol(
        months_protocol(tmp_path, "      within: {amount: 1, unit: months}\n      also: {amount: 4, unit: weeks}\n")
    )
    d = duty(monthly, "write_pre_sentence_report")
    assert duty_limits(d).readings == (Limit(1, Unit.MONTHS), Limit(4, Unit.WEEKS))
    interpretations = load_scenario(ROOT / "scenarios" / "stockport-baseline.yaml").interpretations
    first = duties.deadline_of(d, interpretations)
    assert (first.amount, first.unit, first.reading) == (1, Unit.MONTHS, "within 1 month")
    second = duties.deadline_of(d, interpretations.model_copy(update={"dual_reading": "second"}))
    assert (second.amount, second.unit, second.reading) == (4, Unit.WEEKS, "within 4 weeks")
    # 3 weeks (15 working days) became 1 month (4 weeks): both readings looser, never earlier
    direction, reason = timescale_change(example, duty(example, d.id), monthly, d)
    assert direction == "loosened" and reason.count("it is never earlier") == 2
    # 1 month and 4 weeks: 4 weeks is never later, and earlier on every date outside a short February
    four_weeks = load_protocol(months_protocol(tmp_path, "      within: {amount: 4, unit: weeks}\n"))
    assert timescale_change(monthly, d, four_weeks, duty(four_weeks, d.id))[0] == "changed"  # the second reading drops
    only_month = load_protocol(months_protocol(tmp_path, "      within: {amount: 1, unit: months}\n"))
    direction, reason = timescale_change(only_month, duty(only_month, d.id), four_weeks, duty(four_weeks, d.id))
    assert direction == "tightened" and "never later" in reason


# --- the same day ----------------------------------------------------------------------------------


def same_day_protocol(tmp_path: Path, timescale: str, trigger: bool = True) -> Path:
    """The example with the remand notice due 'that same day' instead of 'as soon as'."""
    text = EXAMPLE.read_text(encoding="utf-8")
    old = "    trigger: {event: remanded_to_la}\n    timescale: {vague: as soon as}\n"
    assert text.count(old) == 1
    new = ("    trigger: {event: remanded_to_la}\n" if trigger else "") + f"    timescale: {timescale}\n"
    path = tmp_path / "example.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_same_day_limit_is_due_by_the_close_of_the_trigger_day(tmp_path: Path) -> None:
    protocol = load_protocol(same_day_protocol(tmp_path, "{same_day: true}"))
    d = duty(protocol, "notify_csc_of_remand")
    found = duty_limits(d)
    assert found.how == "within" and found.readings == (Limit(0, Unit.DAYS),)
    calendar = Calendar()
    friday_evening = dt.datetime(2026, 12, 4, 21)  # a remand late on a Friday: still due that Friday
    assert found.readings[0].due(calendar, friday_evening) == dt.datetime(2026, 12, 5)
    # the simulation reads the same limit: due at midnight after the remand, not the next working day
    interpretations = load_scenario(ROOT / "scenarios" / "stockport-baseline.yaml").interpretations
    deadline = duties.deadline_of(d, interpretations)
    assert (deadline.amount, deadline.unit) == (0, Unit.DAYS)
    assert calendar.due_after(friday_evening, deadline.amount, deadline.unit) == dt.datetime(2026, 12, 5)
    # a notice a day late is looser than 'the same day': the diff sees it
    next_day = load_protocol(same_day_protocol(tmp_path, "{within: {amount: 1, unit: days}}"))
    assert timescale_change(protocol, d, next_day, duty(next_day, d.id))[0] == "loosened"


def test_a_same_day_limit_needs_a_trigger_and_stands_alone(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="'same_day' timescale counts from the duty's trigger"):
        load_protocol(same_day_protocol(tmp_path, "{same_day: true}", trigger=False))
    with pytest.raises(LoadError, match="not within and same_day"):
        load_protocol(same_day_protocol(tmp_path, "{same_day: true, within: {amount: 1, unit: days}}"))
