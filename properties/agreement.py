"""Do a protocol's time limits agree with each other?

3. Two readings of one limit (`deadline-divergence`): "3 weeks (15 working days)", on a duty or a
   scheduled event, ending on different dates.
4. One duty, two timescales (`deadline-divergence`): duties of one `type` in different clauses,
   where, while both are open, one act meets one clause and misses the other.
5. Best practice that allows a breach (`deadline-conflict`, warning): a `should` window within
   which a `must` duty of the same type (or with the same trigger, recipients and an overlapping
   actor) is missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import combinations

import z3

from ..model.calendar import Limit, last_day
from ..model.names import clause_ref, who
from ..model.schema import Duty, Protocol, clause_sort_key
from ..model.timescales import delays
from ..model.wording import (
    clause_words,
    day_words,
    deadline_words,
    holiday_words,
    limit_words,
    listing,
    moment_words,
    quoted,
    size,
)
from .clocks import Deadline, Setting, agencies, anchor, opening, soon, start_words, together, undecided
from .findings import SEVERITY_ORDER, Finding, Kind, Severity, first_fitting, make
from .timeline import Instant, Timeline
from .who import cap
from .witnesses import Answer, Entry, ask, happenings, witness


@dataclass(frozen=True)
class Reading:
    """A limit the source gives in two units, on a duty or on a scheduled event."""

    question: str
    clauses: tuple[str, ...]
    what: str  # what the limit ends: 'the deadline to write the report', 'the sentencing hearing'
    words: str  # the phrase as printed, or both readings
    anchor: str  # what it is counted from, in words
    limits: tuple[Limit, Limit]
    duties: tuple[Duty, ...]  # the duty limited, or the duties that count back from the event
    same: tuple[Duty, ...] = ()  # duties timed by the same two readings from the same event (one phrase)


def readings(setting: Setting) -> list[Reading]:
    """Every limit the protocol gives in two units; a duty timed by the same two readings, from the
    same event, as a scheduled event (the report due at the adjourned hearing) is one with it."""
    scheduled = {
        (e.scheduled.after, delays(e.scheduled)): e for e in setting.protocol.events if e.scheduled and e.scheduled.also
    }
    same: dict[str, list[Duty]] = {}
    found = []
    for due in setting.deadlines:
        trigger = due.duty.trigger.event if due.duty.trigger is not None else None
        twin = scheduled.get((trigger, tuple(due.limits))) if len(due.limits) == 2 and trigger else None
        if twin is not None:
            same.setdefault(twin.id, []).append(due.duty)
            continue
        if len(due.limits) == 2:
            duty, (first, second) = due.duty, due.limits
            words = (duty.timescale.words if duty.timescale else None) or f"{size(first)} ({size(second)})"
            anchor_words = start_words(setting, duty)
            found.append(
                Reading(
                    f"two readings of duty {duty.id}",
                    duty.clause,
                    f"the last day to {duty.action}",
                    words,
                    anchor_words,
                    (first, second),
                    (duty,),
                )
            )
    for event in setting.protocol.events:
        schedule = event.scheduled
        if schedule is not None and schedule.also is not None:
            first, second = delays(schedule)
            counting = tuple(d.duty for d in setting.deadlines if d.event == event.id)
            clauses = tuple(dict.fromkeys([*event.clause, *(c for d in counting for c in d.clause)]))
            words = schedule.words or f"{size(first)} ({size(second)})"
            after = setting.moments.event(schedule.after).words
            found.append(
                Reading(
                    f"two readings of event {event.id}",
                    clauses,
                    f"the {event.name}",
                    words,
                    after,
                    (first, second),
                    counting,
                    tuple(same.get(event.id, ())),
                )
            )
    return found


def dual_readings(setting: Setting) -> list[Finding]:
    """Limits given in two units whose readings end on different dates."""
    findings = []
    for reading in readings(setting):
        timeline = setting.timeline()
        begins, probe = timeline.instant("start"), timeline.instant("probe")
        first, second = reading.limits
        question = z3.Xor(timeline.on_time(probe, begins, first), timeline.on_time(probe, begins, second))
        answer = ask(setting, timeline, question, soon(setting, timeline, [begins]))
        if answer.unknown is not None:
            what = (
                f"the two readings of '{reading.words}' in clause {listing(reading.clauses)} can end on different dates"
            )
            findings.append(
                undecided(
                    setting,
                    "deadline-divergence",
                    reading.question,
                    reading.clauses,
                    what,
                    answer.unknown,
                    reading.duties,
                )
            )
        elif answer.model is not None:
            findings.append(dual_reading(setting, reading, timeline.when(answer.model, begins)))
    return findings


def dual_reading(setting: Setting, reading: Reading, started: dt.datetime) -> Finding:
    calendar, protocol = setting.context.calendar, setting.protocol
    ends = [(limit, last_day(limit.due(calendar, started))) for limit in reading.limits]
    entries: list[Entry] = [(started.date(), reading.anchor, reading.clauses[0])]
    entries += [(end, f"{reading.what}, reading the limit as {size(limit)}", reading.clauses[0]) for limit, end in ends]
    counting = [d for d in reading.duties if set(d.clause) - set(reading.clauses[:1])]
    knock_on = " ".join(
        f"Clause {listing(d.clause)} counts back from it ({d.action}), so its deadline moves too." for d in counting
    )
    ends_words = ", ".join(
        f"{size(limit)} ends {day_words(end)}{holiday_words(setting.context.calendar, end)}" for limit, end in ends
    )
    what = reading.what + "".join(f" and the last day to {d.action}" for d in reading.same)
    message = (
        f"{cap(clause_ref(protocol, reading.clauses[0]))} gives {what} as '{reading.words}', and the "
        f"two readings end on different days: from {quoted(reading.anchor)} on "
        f"{moment_words(started, reading.limits[0])}, {ends_words}."
    )
    suggestion = f"State the period in one unit (e.g. '{size(reading.limits[1])}'), or say which reading governs."
    # the court or meeting fixes the date, also for a duty due at it by the same phrase (the report due
    # at the adjourned hearing): who works to it works to the date the court sets
    scheduled = reading.question.startswith("two readings of event")
    return make(
        "deadline-divergence",
        reading.question,
        "info" if scheduled else "warning",
        reading.clauses,
        message,
        agencies=agencies(protocol, (*reading.duties, *reading.same)),
        witness=witness(setting, entries),
        suggestion=suggestion,
        detail=(knock_on + " " if knock_on else "")
        + "The readings differ whenever a bank holiday falls in the period, or it begins at a weekend.",
    )


def restated_duties(setting: Setting) -> list[Finding]:
    """Duties of one type in different clauses whose timescales disagree while both are open."""
    findings = []
    typed = [d for d in setting.deadlines if d.duty.type is not None]
    of_type: dict[str, list[int]] = {}
    for i, d in enumerate(typed):
        of_type.setdefault(d.duty.type, []).append(i)  # type: ignore[arg-type]
    for i, j in sorted(
        pair for group in of_type.values() for pair in combinations(group, 2)
    ):  # as combinations(typed, 2) would
        a, b = typed[i], typed[j]
        if set(a.duty.clause) & set(b.duty.clause):
            continue
        if {a.duty.modality, b.duty.modality} == {"should", "must"}:
            continue  # best practice against a requirement: question 5
        if (a.duty.trigger, a.limits, a.event) == (b.duty.trigger, b.limits, b.event) or not together(
            setting, a.duty, b.duty
        ):
            continue
        asked = f"one duty, two timescales {a.duty.id} {b.duty.id}"
        act = one_act(setting, a, b, either=True)
        if act.answer.unknown is not None:
            what = (
                f"clauses {listing(a.duty.clause)} and {listing(b.duty.clause)} can disagree on when to {a.duty.action}"
            )
            findings.append(
                undecided(
                    setting,
                    "deadline-divergence",
                    asked,
                    [*a.duty.clause, *b.duty.clause],
                    what,
                    act.answer.unknown,
                    [a.duty, b.duty],
                )
            )
        elif act.answer.model is not None:
            findings.append(two_timescales(setting, "deadline-divergence", asked, act))
    return findings


def best_practice_breaches(setting: Setting) -> list[Finding]:
    """Best-practice (`should`) windows within which a mandatory (`must`) duty is missed."""
    findings = []
    musts = [d for d in setting.deadlines if d.duty.modality == "must"]
    by_type: dict[str, list[int]] = {}  # the musts that can be one duty with a should: of its type, or with its trigger
    by_trigger: dict[tuple, list[int]] = {}
    for i, d in enumerate(musts):
        if d.duty.type is not None:
            by_type.setdefault(d.duty.type, []).append(i)
        if d.duty.trigger is not None:
            by_trigger.setdefault(trigger_key(d.duty), []).append(i)
    for best in [d for d in setting.deadlines if d.duty.modality == "should"]:
        candidates = set(by_type.get(best.duty.type, ()) if best.duty.type is not None else ())
        candidates.update(by_trigger.get(trigger_key(best.duty), ()) if best.duty.trigger is not None else ())
        for required in [musts[i] for i in sorted(candidates)]:
            if not same_duty(setting.protocol, best.duty, required.duty) or not together(
                setting, best.duty, required.duty
            ):
                continue
            asked = f"best practice allows a breach {best.duty.id} {required.duty.id}"
            act = one_act(setting, best, required)
            if act.answer.unknown is not None:
                what = f"following clause {listing(best.duty.clause)} can breach clause {listing(required.duty.clause)}"
                findings.append(
                    undecided(
                        setting,
                        "deadline-conflict",
                        asked,
                        [*best.duty.clause, *required.duty.clause],
                        what,
                        act.answer.unknown,
                        [best.duty, required.duty],
                    )
                )
            elif act.answer.model is not None:
                findings.append(two_timescales(setting, "deadline-conflict", asked, act))
    return findings


def trigger_key(duty: Duty) -> tuple:
    """What a duty's trigger names (equal triggers name the same)."""
    t = duty.trigger
    return (t.event, t.enter, t.exit, t.duty) if t is not None else ()


def same_duty(protocol: Protocol, best: Duty, required: Duty) -> bool:
    """Whether two duties are one: of the same type, or with the same trigger and recipients and an
    actor in common (an agency and one of its roles count as one)."""
    if best.type is not None and best.type == required.type:
        return True
    if (
        best.trigger is None
        or best.trigger != required.trigger
        or not best.recipient
        or set(best.recipient) != set(required.recipient)
    ):
        return False
    if best.actor is None or required.actor is None:
        return False
    agency_of = {role.id: agency.id for agency in protocol.agencies for role in agency.roles}

    def widen(ids: tuple[str, ...]) -> set[str]:
        return set(ids) | {agency_of[i] for i in ids if i in agency_of}

    return bool(set(best.actor) & widen(required.actor) or widen(best.actor) & set(required.actor))


@dataclass(frozen=True)
class Act:
    """One act answering two duties on one timeline: the solver's answer, where things are, and
    which duty the act meets and which it misses."""

    answer: Answer
    timeline: Timeline
    at: Instant
    anchors: dict[str, Instant]
    met: Deadline
    missed: Deadline


def one_act(setting: Setting, first: Deadline, second: Deadline, either: bool = False) -> Act:
    """Whether one act, done while both duties are open, can meet `first` and miss `second` (or,
    `either`, meet one of them and miss the other)."""
    timeline = setting.timeline()
    act = timeline.instant("act")
    starts, anchors = [], {}
    for d in (first, second):
        opens = opening(setting, d.duty)
        begun = timeline.at(opens) if opens is not None else None
        found = anchor(setting, timeline, d, begun)
        if found is None:
            return Act(Answer(), timeline, act, anchors, first, second)
        anchors[d.duty.id] = found
        if begun is not None:
            starts.append(begun)
            timeline.require(act.hours >= begun.hours)

    def meets(d: Deadline, instant: Instant) -> z3.BoolRef:
        return timeline.on_time(instant, anchors[d.duty.id], d.limit)

    def only(met: Deadline, missed: Deadline) -> z3.BoolRef:
        return z3.And(meets(met, act), z3.Not(meets(missed, act)))

    both_open = [meets(d, i) for d in (first, second) for i in starts]
    split = z3.Or(only(first, second), only(second, first)) if either else only(first, second)
    last_day = [
        z3.And(meets(d, act), z3.Not(meets(d, act.day_later()))) for d in ((first, second) if either else (first,))
    ]
    preferences = [
        *timeline.natural_order(),
        *timeline.spread(),
        *soon(setting, timeline, starts or [act]),
        z3.Or(last_day),  # the act on the last day it is on time
    ]
    answer = ask(setting, timeline, z3.And(split, *both_open), preferences)
    if answer.model is not None and not z3.is_true(answer.model.eval(only(first, second), True)):
        first, second = second, first
    return Act(answer, timeline, act, anchors, first, second)


def two_timescales(setting: Setting, kind: Kind, asked: str, act: Act) -> Finding:
    protocol, calendar, timeline, model = setting.protocol, setting.context.calendar, act.timeline, act.answer.model
    assert model is not None
    met, missed = act.met, act.missed
    best_practice = kind == "deadline-conflict"
    m, n = listing(met.duty.clause), listing(missed.duty.clause)
    if best_practice:
        labels = {met.duty.id: f"the best practice in clause {m}", missed.duty.id: f"the requirement in clause {n}"}
    else:
        labels = {met.duty.id: f"clause {m}", missed.duty.id: f"clause {n}"}
    acted = timeline.when(model, act.at)
    events = happenings(timeline, model)
    dues = {d.duty.id: d.limit.due(calendar, timeline.when(model, act.anchors[d.duty.id])) for d in (met, missed)}
    entries: list[Entry] = [(when.date(), p.words, p.clause) for when, p in events]
    entries += [
        (last_day(dues[d.duty.id]), f"last day to {d.duty.action} under {labels[d.duty.id]}", d.duty.clause[0])
        for d in (met, missed)
    ]
    entries.append(
        (
            acted.date(),
            f"{met.duty.action}: on time under {labels[met.duty.id]}, late under {labels[missed.duty.id]}",
            met.duty.clause[0],
        )
    )
    limits = {d.duty.id: limit_words(d.limit, quoted(start_words(setting, d.duty))) for d in (met, missed)}
    began = "; ".join(f"{quoted(p.words)} on {moment_words(when, met.limit)}" for when, p in events)
    example = (
        f"Done on {moment_words(acted, met.limit)}, it is on time under {labels[met.duty.id]} but late under "
        f"{labels[missed.duty.id]} (due {deadline_words(dues[missed.duty.id], missed.limit)})."
    )
    level: Severity
    acting = who(protocol, missed.duty.actor) or "someone"
    best, required = (f"{labels[d.duty.id]} ({limits[d.duty.id]})" for d in (met, missed))
    if best_practice:
        message = first_fitting(
            f"Following {best} can breach {required}, for {acting} to {missed.duty.action}. {example}",
            f"Following {best} can breach {required}. {example}",
        )
        suggestion = f"Bring the best practice inside the requirement ({limits[missed.duty.id]})."
        level = "warning"
    else:
        message = first_fitting(
            f"Clauses {m} and {n} give different limits for {acting} to {missed.duty.action}: {best} and "
            f"{required}. {example}",
            f"Clauses {m} and {n} give one duty different limits: {best} and {required}. {example}",
        )
        suggestion = (
            "Give the duty one time limit in both clauses, or say which governs (the stricter protects the child)."
        )
        level = "warning"
    return make(
        kind,
        asked,
        level,
        sorted({*met.duty.clause, *missed.duty.clause}, key=clause_sort_key),
        message,
        agencies=agencies(protocol, [met.duty, missed.duty]),
        witness=witness(setting, entries),
        suggestion=suggestion,
        detail=f"For example: {began}." if began else None,
        duties=(met.duty.id, missed.duty.id),
    )


def one_per_duty(setting: Setting, findings: list[Finding]) -> list[Finding]:
    """Findings on the limits of one duty stated in several clauses (one `type`), made one: the
    clauses and their limits, the first finding's example, the most severe of their severities."""
    by_id = {d.duty.id: d for d in setting.deadlines}
    of_type: dict[str, list[Finding]] = {}
    for f in findings:
        types = {by_id[d].duty.type for d in f.duties if d in by_id and by_id[d].duty.type}
        if len(types) == 1:
            of_type.setdefault(types.pop(), []).append(f)
    merged = {t: group for t, group in of_type.items() if len(group) > 1}
    out = [f for f in findings if not any(f in group for group in merged.values())]
    for kind, group in merged.items():
        dues = [by_id[d] for d in dict.fromkeys(d for f in group for d in f.duties)]
        out.append(_one_duty(setting, kind, dues, group))
    return out


def _one_duty(setting: Setting, kind: str, dues: list[Deadline], group: list[Finding]) -> Finding:
    """The one finding on a duty of type `kind` whose clauses (`dues`) the findings of `group` are about."""
    stated = "; ".join(
        f"clause {listing(d.duty.clause)}{' (should)' if d.duty.modality == 'should' else ''}: "
        f"{limit_words(d.limit, quoted(start_words(setting, d.duty)))}"
        for d in dues
    )
    first = min(group, key=lambda f: SEVERITY_ORDER[f.severity])
    example = first.message[first.message.find("Done on ") :] if "Done on " in first.message else ""
    clauses = sorted({c for f in group for c in f.clauses}, key=clause_sort_key)
    decided = all(f.decided for f in group)
    if decided:
        message = first_fitting(
            f"{cap(clause_words(clauses))} give one duty {len(dues)} limits that disagree: {stated}. {example}",
            f"{cap(clause_words(clauses))} give one duty {len(dues)} limits that disagree: {stated}.",
        )
    else:  # a question of the group the solver did not answer: the group is undecided
        message = first_fitting(
            f"Not decided: whether {clause_words(clauses)} give one duty limits that disagree ({stated}). No "
            "answer came in time: unknown, not a pass.",
            f"Not decided: whether {clause_words(clauses)} give one duty limits that disagree. No answer came in "
            "time: unknown, not a pass.",
        )
    return make(
        "deadline-divergence",
        f"one duty, several timescales {kind}",
        first.severity,
        clauses,
        message,
        agencies=sorted({a for f in group for a in f.agencies}),
        witness=first.witness,
        suggestion="Give the duty one time limit in every clause, or say which governs (the stricter protects "
        "the child).",
        detail=" ".join(f.detail for f in group if f.detail) or None,
        decided=decided,
        duties=tuple(d.duty.id for d in dues),
    )
