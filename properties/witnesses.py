"""Witnesses of the deadline checks: asking the solver for a timeline that reads naturally, and
reading it back as dated entries.

A question is asked of the admissible timelines of a case (`ask`), first in the year from the run's
date and then over the whole window, with preferences that make the witness read naturally (dates
in the year from the run's date, on working days, in the daytime; events in their usual order). The
answer is deterministic: a preference gets a fixed effort, not a time. `unsat_core` says which
duties' limits cannot all be met. `witness` turns dated entries into a finding's timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import z3

from .clocks import Setting
from .findings import TimelineEntry, Witness
from .timeline import Moment, Timeline

Entry = tuple[dt.date, str, str | None]  # a date of a witness, what happens on it, and its clause


PREFERENCE_EFFORT = (
    2_000_000  # solver resource units per preference of a witness: deterministic, a fraction of a second
)


@dataclass(frozen=True)
class Answer:
    """What the solver said to one question: a timeline on which it happens (a model), none, or
    nothing within the time limit (`unknown` gives the solver's reason)."""

    model: z3.ModelRef | None = None
    unknown: str | None = None


def ask(setting: Setting, timeline: Timeline, question: z3.BoolRef, preferences: Iterable[z3.BoolRef] = ()) -> Answer:
    """Whether some admissible timeline answers `question`; if so, one that meets as many of the
    `preferences` (in order) as it can, so that the witness reads naturally: each preference is kept
    if a timeline meeting it and those kept before answers the question. A preference gets a fixed
    effort, not a time, so that the same input gives the same witness.

    The timeline is looked for first in the focus (`Setting.focus`: the year from the run's date,
    with the protocol's margin either side), where the calendar is a year's and questions are quick:
    all the preferences at once, then one by one. A preference the focus cannot meet is asked of the
    whole window; if the window can meet it, the focus was too narrow and the preferences are asked
    over the whole window. A question the focus cannot answer is asked over the whole window."""
    preferences = list(preferences)
    focus = setting.focus(timeline)
    if focus is not None:
        facts = timeline.facts(focus)
        if preferences:  # one question, not an incremental solver's: the solver simplifies it first
            solver = z3.Solver(ctx=setting.ctx)
            solver.set("timeout", setting.context.timeout_ms)
            solver.set("rlimit", PREFERENCE_EFFORT)
            solver.add(*facts, question, *preferences)
            if solver.check() == z3.sat:
                return Answer(solver.model())  # every preference met: as natural as a witness can be
        solver = z3.Solver(ctx=setting.ctx)
        solver.set("timeout", setting.context.timeout_ms)
        solver.set("rlimit", PREFERENCE_EFFORT)
        solver.add(*facts, question)
        if solver.check() == z3.sat:
            model = polish(
                solver,
                solver.model(),
                preferences,
                lambda kept, preference: whole_window(setting, timeline, question, [*kept, preference]),
            )
            if model is not None:
                return Answer(model)
    solver = z3.Solver(ctx=setting.ctx)
    solver.set("timeout", setting.context.timeout_ms)
    solver.add(*timeline.facts(), question)
    result = solver.check()
    if result == z3.unknown:
        return Answer(unknown=solver.reason_unknown())
    if result == z3.unsat:
        return Answer()
    solver.set("rlimit", PREFERENCE_EFFORT)
    return Answer(polish(solver, solver.model(), preferences))


def polish(solver: z3.Solver, model: z3.ModelRef, preferences: list[z3.BoolRef], wider=None) -> z3.ModelRef | None:
    """The model, made to meet the preferences in order, each kept if the solver can meet it with
    those kept before (at once, if the model found so far already meets it). With `wider`, a
    preference the solver cannot meet is asked of `wider` (with those kept): if it can, None (the
    solver's problem is too narrow for a witness as natural as the question allows)."""
    kept: list[z3.BoolRef] = []
    rejected = False
    for position, preference in enumerate(preferences):
        if rejected and position + 1 < len(
            preferences
        ):  # after a preference is given up, the rest at once: all met, all kept
            rejected = False
            solver.push()
            solver.add(*preferences[position:])
            if solver.check() == z3.sat:
                return solver.model()
            solver.pop()
        if z3.is_true(model.eval(preference, model_completion=True)):
            solver.add(preference)  # met already: kept, with no question to ask
            kept.append(preference)
            continue
        solver.push()
        solver.add(preference)
        if solver.check() == z3.sat:
            model = solver.model()
            kept.append(preference)
            continue
        solver.pop()
        if wider is not None and wider(kept, preference):
            return None
        rejected = True
    return model


def whole_window(setting: Setting, timeline: Timeline, question: z3.BoolRef, preferences: list[z3.BoolRef]) -> bool:
    """Whether some timeline of the whole window answers the question and meets the preferences."""
    solver = z3.Solver(ctx=setting.ctx)
    solver.set("timeout", setting.context.timeout_ms)
    solver.set("rlimit", PREFERENCE_EFFORT)
    solver.add(*timeline.facts(), question, *preferences)
    return solver.check() == z3.sat


def unsat_core(setting: Setting, facts: list[z3.BoolRef], on_time: dict[str, z3.BoolRef]) -> list[str] | None:
    """The duties (ids) whose limits cannot all be met given `facts`, or None if they can be (or
    the solver cannot tell)."""
    solver = z3.Solver(ctx=setting.ctx)
    solver.set("timeout", setting.context.timeout_ms)
    solver.add(*facts)
    for duty, met in on_time.items():
        solver.assert_and_track(met, z3.Bool(f"on time: {duty}", setting.ctx))
    if solver.check() != z3.unsat:
        return None
    core = {str(label).removeprefix("on time: ") for label in solver.unsat_core()}
    return [duty for duty in on_time if duty in core]


def happenings(timeline: Timeline, model: z3.ModelRef) -> list[tuple[dt.datetime, Moment]]:
    """The moments of a witness other than duties done, in time order, each told once (entering
    custody and the sentence that causes it are one happening)."""
    found = {}
    for key, moment in sorted(timeline.placed.items()):
        if not moment.is_done:
            found.setdefault((timeline.when(model, timeline.instants[key]), moment.words), moment)
    return [(when, moment) for (when, _), moment in sorted(found.items(), key=lambda item: item[0])]


def witness(setting: Setting, entries: list[Entry]) -> Witness:
    """A dated timeline, in date order, each date marked as a working day or not."""
    calendar = setting.context.calendar
    rows = sorted(entries, key=lambda entry: entry[0])
    return Witness(
        timeline=tuple(
            TimelineEntry(date=d, event=words, clause=c, working_day=calendar.is_working_day(d)) for d, words, c in rows
        )
    )
