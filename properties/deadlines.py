"""Deadlines: can every time limit of a protocol be met, and do its limits agree with each other?

Each question is asked of the admissible timelines of a case on the window of real dates (see
`timeline`): events in the order the lifecycles allow, at any gap the protocol does not fix.

1. An empty window (`deadline-conflict`): a duty due "no later than N before" an event that can
   come sooner than N after the duty's window opens (its trigger; else the situation it applies in
   beginning; else the event becoming possible), with any duty before it done at once.
2. A result that comes too late (`deadline-conflict`): the duties a duty depends on are met on
   time, yet the duty, which needs their result (an artefact they produce, or their completion as
   its trigger), cannot be. Its clauses are the unsat core of "every duty on time" on the witness
   timeline, with each duty's limit labelled by the duty.
3. Two readings of one limit (`deadline-divergence`): "3 weeks (15 working days)", on a duty or a
   scheduled event, ending on different dates.
4. One duty, two timescales (`deadline-divergence`): duties of one `type` in different clauses,
   where, while both are open, one act meets one clause and misses the other.
5. Best practice that allows a breach (`deadline-conflict`, warning): a `should` window within
   which a `must` duty of the same type (or with the same trigger, recipients and an overlapping
   actor) is missed.

Duties with only vague or unspecified timescales are left to the text checks. A question the solver
does not decide within the time limit is reported with `decided: false`, never as a pass.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

import z3

from ..model.calendar import Unit
from ..model.conditions import Condition
from ..model.schema import Duty, Protocol, clause_sort_key
from .context import Context
from .findings import Finding, Kind, Severity, TimelineEntry, Witness, make, ordered
from .timeline import Instant, Limit, Moment, Moments, Timeline

Entry = tuple[dt.date, str, str | None]  # a date of a witness, what happens on it, and its clause
PREFERENCE_EFFORT = (
    2_000_000  # solver resource units per preference of a witness: deterministic, a fraction of a second
)


def check(protocol: Protocol, context: Context) -> list[Finding]:
    """The deadline findings of a protocol: empty windows, results that come too late, readings
    that disagree, duties given two timescales, best practice that allows a breach."""
    setting = Setting(protocol, context, Moments(protocol, context.situations), z3.Context(), margin(protocol))
    return ordered(
        [
            *empty_windows(setting),
            *late_results(setting),
            *dual_readings(setting),
            *restated_duties(setting),
            *best_practice_breaches(setting),
        ]
    )


# --- deadlines and what the questions share -------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A duty's quantified time limit: the limit, the source's second reading of it if it gives
    one, and the event a limit 'before' counts back from."""

    duty: Duty
    limits: tuple[Limit, ...]
    event: str | None = None

    @property
    def limit(self) -> Limit:
        return self.limits[0]


def deadline(duty: Duty) -> Deadline | None:
    """The duty's quantified limit, or None if its timescale is only vague, recurring or unspecified."""
    timescale = duty.timescale
    if timescale is None:
        return None
    also = timescale.also
    if timescale.within is not None and duty.trigger is not None:
        second = (Limit(also.amount, also.unit),) if also else ()
        return Deadline(duty, (Limit(timescale.within.amount, timescale.within.unit), *second))
    if timescale.before is not None:
        before = timescale.before
        second = (Limit(also.amount, also.unit, before=True),) if also else ()
        return Deadline(duty, (Limit(before.amount, before.unit, before=True), *second), before.event)
    return None


def margin(protocol: Protocol) -> int:
    """How many days beyond the window a deadline or a scheduled event can reach."""
    limits = [limit for duty in protocol.duties if (d := deadline(duty)) for limit in d.limits]
    limits += [
        Limit(s.amount, s.unit)
        for e in protocol.events
        if e.scheduled
        for s in (e.scheduled.delay, e.scheduled.also)
        if s
    ]
    return max((limit.span() for limit in limits), default=0) + 7


@dataclass(frozen=True)
class Setting:
    """What the questions of one run share: the protocol, the run's context, the moments of its cases."""

    protocol: Protocol
    context: Context
    moments: Moments
    ctx: z3.Context
    margin: int

    def timeline(self) -> Timeline:
        return Timeline(self.context.calendar, self.context.window, self.margin, self.moments, self.ctx, self.counting)

    @cached_property
    def counting(self) -> dict:
        """The calendar's facts, made once for the run's timelines (see `timeline.Counting`)."""
        return {}

    def focus(self, timeline: Timeline) -> tuple[int, int] | None:
        """The days a witness is first looked for in: the year from the run's date, with the margin
        a limit or a schedule can reach either side (within the window); None if that is empty."""
        today = timeline.index(self.context.today)
        first, last = max(timeline.low, today - self.margin), min(timeline.high, today + 365 + self.margin)
        return (first, last) if first <= last else None

    @cached_property
    def _deadlines(self) -> tuple[Deadline, ...]:
        return tuple(d for duty in self.protocol.duties if (d := deadline(duty)))

    @property
    def deadlines(self) -> list[Deadline]:
        return list(self._deadlines)

    @cached_property
    def starts(self) -> dict[str, Moment | None]:
        """What starts each duty's clock, by duty (see `start`)."""
        return {}

    @cached_property
    def openings(self) -> dict[str, Moment | None]:
        """When each duty's window opens, by duty (see `opening`)."""
        return {}

    @cached_property
    def together(self) -> dict[tuple[str, str], bool]:
        """Whether two duties can apply in one case, by the reprs of their conditions (see `together`)."""
        return {}

    @cached_property
    def options(self) -> dict[str, list[frozenset]]:
        """The attribute literals under which each condition (by its repr) can hold (see `together`)."""
        return {}


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


def start(setting: Setting, duty: Duty) -> Moment | None:
    """What starts the duty's clock (its trigger), or else the situation it applies in beginning."""
    if duty.id not in setting.starts:
        setting.starts[duty.id] = _start(setting, duty)
    return setting.starts[duty.id]


def _start(setting: Setting, duty: Duty) -> Moment | None:
    moments, trigger = setting.moments, duty.trigger
    if trigger is None:
        return moments.applies(duty.when)
    if trigger.event is not None:
        return moments.event(trigger.event, duty.when)
    if trigger.enter is not None:
        return moments.enter(trigger.enter, duty.when)
    if trigger.exit is not None:
        return moments.exit(trigger.exit, duty.when)
    return done(setting, duty_by_id(setting.protocol, trigger.duty))  # type: ignore[arg-type]


def done(setting: Setting, duty: Duty) -> Moment:
    return setting.moments.done(duty.id, f"{duty.action} done", duty.clause[0])


def opening(setting: Setting, duty: Duty, seen: frozenset[str] = frozenset()) -> Moment | None:
    """When the duty's window opens, with every duty before it done at once: its start; for a duty
    due before an event and started by nothing, the case coming into a situation in which that event
    can happen (a release can only follow a sentence), or the event it is scheduled after."""
    if not seen:
        if duty.id not in setting.openings:
            setting.openings[duty.id] = _opening(setting, duty, seen)
        return setting.openings[duty.id]
    return _opening(setting, duty, seen)


def _opening(setting: Setting, duty: Duty, seen: frozenset[str]) -> Moment | None:
    if duty.trigger is not None and duty.trigger.duty is not None:
        upstream = duty_by_id(setting.protocol, duty.trigger.duty)
        return None if upstream.id in seen else opening(setting, upstream, seen | {duty.id})
    begins = start(setting, duty)
    if begins is not None or duty.timescale is None or duty.timescale.before is None:
        return begins
    event = duty.timescale.before.event
    return setting.moments.enabling(event) or setting.moments.event(event).after


def anchor(setting: Setting, timeline: Timeline, due: Deadline, begins: Instant | None) -> Instant | None:
    """The instant a limit is counted from on a timeline: the duty's start, or the event it is due
    before, which comes after the duty's window opens."""
    if due.event is None:
        return begins
    event = timeline.at(setting.moments.event(due.event))
    if begins is not None:
        timeline.require(begins.hours < event.hours)
    return event


def soon(setting: Setting, timeline: Timeline, instants: list[Instant]) -> list[z3.BoolRef]:
    """Preferences for a witness: dates in the year from the run's date, on working days, in the daytime."""
    today = timeline.index(setting.context.today)
    return [
        *(i.day >= today for i in instants),
        *(i.day <= today + 365 for i in instants),
        *(timeline.is_working(i.day) for i in instants),
        *(z3.And(i.hour >= 10, i.hour <= 16) for i in instants),
    ]


def together(setting: Setting, a: Duty, b: Duty) -> bool:
    """Whether two duties can apply in one case: situations where each applies are reachable with
    the same attribute values."""
    situations = setting.context.situations

    def options(when: Condition | None) -> list[frozenset]:
        if when is None:
            return [frozenset()]
        key = repr(when)
        if key not in setting.options:
            support = situations.support(when)  # where `when` can hold: only configurations with one of these states
            candidates = situations.containing(support) if support is not None else situations.configurations
            found: set[frozenset] = set()
            for config in candidates:
                rest = situations.residual(when, config)  # what it leaves to the attributes
                if rest is not False:
                    found.update(
                        path if rest is True else path | {(rest, True)} for path in situations.configurations[config]
                    )
            setting.options[key] = sorted(found, key=lambda literals: (len(literals), sorted(map(repr, literals))))
        return setting.options[key]

    # asked again about the same two conditions, the answer is the same (and every feasibility test
    # it took is already known)
    key = (repr(a.when), repr(b.when))
    if key not in setting.together:
        setting.together[key] = any(situations.feasible(x | y) for x in options(a.when) for y in options(b.when))
    return setting.together[key]


# --- 1. empty windows -----------------------------------------------------------------------------


def empty_windows(setting: Setting) -> list[Finding]:
    """Duties due before an event that can come so soon after their window opens that the window
    holds no time at all."""
    findings = []
    for due in setting.deadlines:
        opens = opening(setting, due.duty) if due.event is not None else None
        if opens is None:
            continue
        timeline = setting.timeline()
        begins = timeline.at(opens)
        event = anchor(setting, timeline, due, begins)
        assert event is not None
        question = z3.Not(timeline.on_time(begins, event, due.limit))
        preferences = [
            *timeline.natural_order(),
            *timeline.spread(),
            *soon(setting, timeline, [begins, event]),
            timeline.on_time(begins, event.day_later(), due.limit),  # the event as late as still leaves no time
        ]
        answer = ask(setting, timeline, question, preferences)
        asked = f"empty window {due.duty.id}"
        if answer.unknown is not None:
            what = f"clause {clauses_words(due.duty.clause)} ({due.duty.action}) can be left no time"
            findings.append(
                undecided(setting, "deadline-conflict", asked, due.duty.clause, what, answer.unknown, [due.duty])
            )
        elif answer.model is not None:
            opened, happened = timeline.when(answer.model, begins), timeline.when(answer.model, event)
            findings.append(empty_window(setting, due, opens, opened, happened))
    return findings


def empty_window(setting: Setting, due: Deadline, opens: Moment, opened: dt.datetime, happened: dt.datetime) -> Finding:
    duty, limit, protocol = due.duty, due.limit, setting.protocol
    name = quoted(event_name(setting, due.event))
    clause = clauses_words(duty.clause)
    deadline_at = limit.due(setting.context.calendar, happened)
    entries: list[Entry] = [
        (opened.date(), opens.words, opens.clause),
        (happened.date(), event_name(setting, due.event), setting.moments.event(due.event).clause),  # type: ignore[arg-type]
        (last_day_of(deadline_at), f"last day to {duty.action} under clause {clause}", duty.clause[0]),
    ]
    message = (
        f"Clause {clause} says {actor_words(protocol, duty)} {duty.modality} {duty.action} {limit.words(name)}. "
        f"Its window opens with {quoted(opens.words)}, and nothing in the protocol stops {name} coming less than "
        f"{limit.size()} later, when the deadline has passed before the duty can begin. "
        f"For example: {quoted(opens.words)} on {moment_words(opened, limit)}; {name} on {moment_words(happened, limit)} "
        f"({gap_words(opened, happened)} later); the deadline was {deadline_words(deadline_at, limit)}. "
        f"For such a child the protocol sets a deadline no one can meet, so in practice the duty has no time limit at all, "
        f"and the child can reach {name} before it is done."
    )
    suggestion = (
        f"Say what applies when {name} comes less than {limit.size()} after {quoted(opens.words)}: for example, "
        f"'{duty.action} as soon as possible, and {limit.words(name)} wherever there is time'."
    )
    return make(
        "deadline-conflict",
        f"empty window {duty.id}",
        severity(duty),
        duty.clause,
        message,
        agencies=agencies(protocol, [duty]),
        witness=witness(setting, entries),
        suggestion=suggestion,
    )


# --- 2. results that come too late ----------------------------------------------------------------


def upstream(protocol: Protocol, duty: Duty) -> list[Duty]:
    """The duties whose result `duty` needs: the one whose completion starts it, and those that
    produce an artefact it needs."""
    trigger = duty.trigger.duty if duty.trigger is not None else None
    index = _index(protocol)
    found = {index.position[p.id] for a in duty.needs for p in index.producers.get(a, ())}
    if trigger is not None and trigger in index.position:
        found.add(index.position[trigger])
    found.discard(index.position.get(duty.id, -1))
    return [protocol.duties[i] for i in sorted(found)]


def late_results(setting: Setting) -> list[Finding]:
    """Duties that cannot be met on time although every duty they depend on was."""
    findings = []
    for due in setting.deadlines:
        chain: list[Duty] = []
        chained: set[str] = set()  # the ids in the chain (ids are unique)
        waiting = deque(upstream(setting.protocol, due.duty))
        while waiting:
            duty = waiting.popleft()
            if duty.id != due.duty.id and duty.id not in chained and one_case(setting, [due.duty, *chain], duty):
                chain.append(duty)
                chained.add(duty.id)
                waiting += upstream(setting.protocol, duty)
        if any(deadline(duty) for duty in chain):
            findings += late_result(setting, due, chain)
    return findings


def one_case(setting: Setting, duties: list[Duty], duty: Duty) -> bool:
    """Whether `duty` can start in a case in which each of `duties` starts: where it starts at a
    statechart step, some sequence of events leads from it to theirs or from theirs to it. (Of the
    duties producing what a duty needs, those that no case can meet together with it are not what it
    waits for: a timeline with both cannot be.)"""
    moment = start(setting, duty)
    if moment is None or moment.steps is None:
        return True
    for other in duties:
        begins = start(setting, other)
        if begins is not None and begins.steps is not None and not setting.moments.relations(moment, begins):
            return False
    return True


@dataclass(frozen=True)
class Chain:
    """A duty and the duties it depends on, placed on one timeline: when each starts and is done,
    what each limit is counted from, and each duty's own timing (done once started; at once, if it
    has no limit)."""

    due: Deadline
    limited: list[Deadline]  # the duties upstream that have a limit
    timeline: Timeline
    begins: dict[str, Instant | None]
    done: dict[str, Instant]
    anchors: dict[str, Instant]
    timing: dict[str, z3.BoolRef]

    def meets(self, due: Deadline, instant: Instant) -> z3.BoolRef:
        return self.timeline.on_time(instant, self.anchors[due.duty.id], due.limit)

    def on_time(self, due: Deadline) -> z3.BoolRef:
        return self.meets(due, self.done[due.duty.id])


def place(setting: Setting, due: Deadline, upstream_: list[Duty]) -> Chain | None:
    """The duty and its upstream on a timeline, each done after what it needs (from any of its
    producers)."""
    timeline = setting.timeline()
    involved = [*upstream_, due.duty]
    finished = {d.id: timeline.at(done(setting, d)) for d in involved}
    begins: dict[str, Instant | None] = {}
    timing = {}
    for d in involved:
        moment = start(setting, d)
        begins[d.id] = begun = timeline.at(moment) if moment is not None else None
        own = [finished[d.id].hours >= begun.hours] if begun is not None else []
        if d is not due.duty and deadline(d) is None:  # no limit: done at once, or before anything if nothing starts it
            at_once = begun.hours if begun is not None else timeline.low * 24
            own.append(finished[d.id].hours == at_once)
        timing[d.id] = z3.And(own, setting.ctx)
        for artefact in d.needs:
            producers = [p for p in involved if artefact in p.produces]
            if producers:
                timeline.require(z3.Or([finished[d.id].hours >= finished[p.id].hours for p in producers]))
    limited = [d for u in upstream_ if (d := deadline(u))]
    anchors = {}
    for d in [*limited, due]:
        found = anchor(setting, timeline, d, begins[d.duty.id])
        if found is None:
            return None
        anchors[d.duty.id] = found
    return Chain(due, limited, timeline, begins, finished, anchors, timing)


def late_result(setting: Setting, due: Deadline, upstream_: list[Duty]) -> list[Finding]:
    duty = due.duty
    chain = place(setting, due, upstream_)
    opens = opening(setting, duty)
    if chain is None or opens is None:
        return []
    timeline = chain.timeline
    blocked = []  # what leaves the duty impossible: it starts too late, or what it needs comes too late
    if duty.trigger is not None and duty.trigger.duty is not None:
        blocked.append(z3.Not(chain.meets(due, chain.begins[duty.id])))  # type: ignore[arg-type]
    for artefact in duty.needs:
        producers = [p for p in upstream_ if artefact in p.produces]
        if producers:
            blocked.append(z3.And([z3.Not(chain.meets(due, chain.done[p.id])) for p in producers]))
    if not blocked:
        return []
    own_window = chain.meets(due, timeline.at(opens))  # with everything upstream done at once, there is time
    question = z3.And(*chain.timing.values(), *(chain.on_time(d) for d in chain.limited), z3.Or(blocked), own_window)
    starts = [i for i in chain.begins.values() if i is not None]
    preferences = [
        *timeline.natural_order(),
        *timeline.spread(),
        *soon(setting, timeline, starts),
        *(z3.Not(chain.meets(d, chain.done[d.duty.id].day_later())) for d in chain.limited),  # done on its last day
    ]
    answer = ask(setting, timeline, question, preferences)
    asked = f"result too late for {duty.id}"
    involved = [*upstream_, duty]
    if answer.unknown is not None:
        what = f"the duties clause {clauses_words(duty.clause)} depends on can be met on time and still leave it impossible"
        return [
            undecided(
                setting,
                "deadline-conflict",
                asked,
                [c for d in involved for c in d.clause],
                what,
                answer.unknown,
                involved,
            )
        ]
    if answer.model is None:
        return []
    core, whatever = explain(setting, chain, answer.model)
    named = [d for d in involved if d.id in core] if core else [d.duty for d in [*chain.limited, due]]
    return [late_result_finding(setting, chain, answer.model, named, whatever)]


def explain(setting: Setting, chain: Chain, model: z3.ModelRef) -> tuple[list[str] | None, bool]:
    """The duties to blame, as the unsat core of "every duty on time" on the witness's dates, each
    duty's timing and limit labelled by the duty; and whether the limits fail whatever is done (if
    not, the core is taken with the upstream duties done when the witness does them)."""
    timeline = chain.timeline
    dated = [
        z3.And(i.day == model.eval(i.day, True), i.hour == model.eval(i.hour, True))
        for k, i in timeline.instants.items()
        if not (k in timeline.placed and timeline.placed[k].is_done)
    ]
    facts = [*timeline.facts(), *dated]
    limits = {d.duty.id: d for d in [*chain.limited, chain.due]}
    own = {d: z3.And(timing, chain.on_time(limits[d])) if d in limits else timing for d, timing in chain.timing.items()}
    core = unsat_core(setting, facts, own)
    if core is not None:
        return core, True
    when_done = {
        d: z3.And(met, chain.done[d].hours == model.eval(chain.done[d].hours, True)) if d != chain.due.duty.id else met
        for d, met in own.items()
    }
    return unsat_core(setting, facts, when_done), False


def late_result_finding(
    setting: Setting, chain: Chain, model: z3.ModelRef, named: list[Duty], whatever: bool
) -> Finding:
    protocol, calendar, timeline, due = setting.protocol, setting.context.calendar, chain.timeline, chain.due
    duty, clause = due.duty, clauses_words(due.duty.clause)
    events = happenings(timeline, model)
    entries: list[Entry] = [(when.date(), m.words, m.clause) for when, m in events]
    causes = [d for d in chain.limited if d.duty in named]
    done_words: dict[str, list[str]] = {}  # what was done, grouped by when and under which clause
    for d in causes:
        finished = timeline.when(model, chain.done[d.duty.id])
        deadline_at = d.limit.due(calendar, timeline.when(model, chain.anchors[d.duty.id]))
        at = clauses_words(d.duty.clause)
        entries.append((finished.date(), f"done: {d.duty.action} (on time under clause {at})", d.duty.clause[0]))
        entries.append((last_day_of(deadline_at), f"last day to {d.duty.action} under clause {at}", d.duty.clause[0]))
        when_words = f"done on {moment_words(finished, d.limit)}, on time under clause {at} (due {deadline_words(deadline_at, d.limit)})"
        done_words.setdefault(when_words, []).append(quoted(d.duty.action))
    own_due = due.limit.due(calendar, timeline.when(model, chain.anchors[duty.id]))
    entries.append((last_day_of(own_due), f"last day to {duty.action} under clause {clause}", duty.clause[0]))
    needed = [quoted(artefact_name(protocol, a)) for a in duty.needs if any(a in d.duty.produces for d in causes)]
    because = f"needs {' and '.join(needed)}" if needed else "starts only when the earlier duty is done"
    allowances: dict[str, list[str]] = {}  # the actions each clause allows the same time for
    for d in causes:
        allowances.setdefault(
            f"clause {clauses_words(d.duty.clause)} allows {actor_words(protocol, d.duty)} {allowance(setting, d)}", []
        ).append(d.duty.action)
    allowed = "; ".join(f"{allows} to {' and to '.join(actions)}" for allows, actions in allowances.items())
    finished_words = "; ".join(f"{' and '.join(actions)} {when}" for when, actions in done_words.items())
    began = "; ".join(f"{quoted(m.words)} on {moment_words(when, due.limit)}" for when, m in events)
    outcome = (
        "On these dates the limits cannot all be met, whatever is done."
        if whatever
        else "Both can be met only if the earlier duty is finished well inside its own limit, which the protocol does not ask."
    )
    receivers = " and ".join(party_name(protocol, r) for r in duty.recipient) or "those who need it"
    message = (
        f"Clause {clause} requires {actor_words(protocol, duty)} to {duty.action} {due.limit.words(quoted(start_words(setting, duty)))}, "
        f"and it {because}; but {allowed}. Met on time, the earlier duty can leave clause {clause} impossible. "
        f"For example: {began}; {finished_words}; but clause {clause} was due {deadline_words(own_due, due.limit)}. {outcome} "
        f"Then {receivers} {'gets' if len(duty.recipient) == 1 else 'get'} {' and '.join(needed) or 'it'} late, "
        f"or {'acts' if len(duty.recipient) == 1 else 'act'} without it, "
        f"and decisions about the child are made without what the protocol meant them to have."
    )
    suggestion = (
        f"Make the limits fit together: give the earlier duty a limit inside clause {clause}'s, "
        f"or let clause {clause} send what is ready on time and the rest as soon as it is done."
    )
    return make(
        "deadline-conflict",
        f"result too late for {duty.id}",
        severity(duty),
        sorted({c for d in named for c in d.clause}, key=clause_sort_key),
        message,
        agencies=agencies(protocol, named),
        witness=witness(setting, entries),
        suggestion=suggestion,
    )


# --- 3. two readings of one limit ---------------------------------------------------------------


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


def readings(setting: Setting) -> list[Reading]:
    """Every limit the protocol gives in two units."""
    found = []
    for due in setting.deadlines:
        if len(due.limits) == 2:
            duty, (first, second) = due.duty, due.limits
            words = (duty.timescale.words if duty.timescale else None) or f"{first.size()} ({second.size()})"
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
            first, second = (
                Limit(schedule.delay.amount, schedule.delay.unit),
                Limit(schedule.also.amount, schedule.also.unit),
            )
            counting = tuple(d.duty for d in setting.deadlines if d.event == event.id)
            clauses = tuple(dict.fromkeys([*event.clause, *(c for d in counting for c in d.clause)]))
            words = schedule.words or f"{first.size()} ({second.size()})"
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
            what = f"the two readings of '{reading.words}' in clause {clauses_words(reading.clauses)} can end on different dates"
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
    ends = [(limit, last_day_of(limit.due(calendar, started))) for limit in reading.limits]
    clause = clauses_words(reading.clauses[:1])
    entries: list[Entry] = [(started.date(), reading.anchor, reading.clauses[0])]
    entries += [
        (end, f"{reading.what}, reading the limit as {limit.size()}", reading.clauses[0]) for limit, end in ends
    ]
    counting = [d for d in reading.duties if set(d.clause) - set(reading.clauses[:1])]
    knock_on = "".join(
        f" Clause {clauses_words(d.clause)} counts back from this date ({d.action}, {deadline(d).limit.words('it')}), so its deadline moves with it."  # type: ignore[union-attr]
        for d in counting
    )
    message = (
        f"Clause {clause} gives {reading.what} as '{reading.words}', but the two readings end on different dates. "
        f"For example: {quoted(reading.anchor)} on {moment_words(started, reading.limits[0])}; "
        + "; ".join(f"{limit.size()} later is {day_words(end)}{holiday(setting, end)}" for limit, end in ends)
        + f". The readings differ whenever a bank holiday or closure falls in the period, or it begins on a weekend.{knock_on} "
        f"Practitioners, the court and the family can work to different dates, and what is prepared for the later one "
        f"is late for the earlier."
    )
    suggestion = (
        f"State the period in one unit (for example '{reading.limits[1].size()}'), or say which reading governs."
    )
    return make(
        "deadline-divergence",
        reading.question,
        "warning",
        reading.clauses,
        message,
        agencies=agencies(protocol, reading.duties),
        witness=witness(setting, entries),
        suggestion=suggestion,
    )


# --- 4 and 5. one duty, two timescales ------------------------------------------------------------


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
            what = f"clauses {clauses_words(a.duty.clause)} and {clauses_words(b.duty.clause)} can disagree on when to {a.duty.action}"
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
                what = f"following clause {clauses_words(best.duty.clause)} can breach clause {clauses_words(required.duty.clause)}"
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
    m, n = clauses_words(met.duty.clause), clauses_words(missed.duty.clause)
    if best_practice:
        labels = {met.duty.id: f"the best practice in clause {m}", missed.duty.id: f"the requirement in clause {n}"}
    else:
        labels = {met.duty.id: f"clause {m}", missed.duty.id: f"clause {n}"}
    acted = timeline.when(model, act.at)
    events = happenings(timeline, model)
    dues = {d.duty.id: d.limit.due(calendar, timeline.when(model, act.anchors[d.duty.id])) for d in (met, missed)}
    entries: list[Entry] = [(when.date(), p.words, p.clause) for when, p in events]
    entries += [
        (last_day_of(dues[d.duty.id]), f"last day to {d.duty.action} under {labels[d.duty.id]}", d.duty.clause[0])
        for d in (met, missed)
    ]
    entries.append(
        (
            acted.date(),
            f"{met.duty.action}: on time under {labels[met.duty.id]}, late under {labels[missed.duty.id]}",
            met.duty.clause[0],
        )
    )
    statement = "; ".join(
        f"{labels[d.duty.id]}: {actor_words(protocol, d.duty)} {d.duty.modality} {d.duty.action} {d.limit.words(quoted(start_words(setting, d.duty)))}"
        for d in (met, missed)
    )
    began = "; ".join(f"{quoted(p.words)} on {moment_words(when, met.limit)}" for when, p in events)
    example = (
        f"For example: {began}; {quoted(met.duty.action)} done on {moment_words(acted, met.limit)} is on time under {labels[met.duty.id]} "
        f"(due {deadline_words(dues[met.duty.id], met.limit)}) but late under {labels[missed.duty.id]} "
        f"(due {deadline_words(dues[missed.duty.id], missed.limit)})."
    )
    level: Severity
    if best_practice:
        message = (
            f"Following best practice can breach a requirement: {statement}. {example} "
            f"A practitioner working to the best-practice timescale believes they are on time after the requirement has passed, "
            f"and the child waits longer than the protocol requires."
        )
        suggestion = f"Bring the best-practice window inside the required one ({labels[missed.duty.id]}: {missed.limit.words(quoted(start_words(setting, missed.duty)))})."
        level = "warning"
    else:
        kind_words = (met.duty.type or "").replace("_", " ")
        message = (
            f"Clauses {m} and {n} state one duty ({kind_words}) with different time limits: {statement}. {example} "
            f"Staff following one clause are in breach of the other, and the child can wait longer than the stricter clause promises."
        )
        suggestion = "Give this duty one time limit in both clauses, or say which clause governs (the stricter protects the child)."
        level = "error" if met.duty.modality == missed.duty.modality == "must" else "warning"
    return make(
        kind,
        asked,
        level,
        sorted({*met.duty.clause, *missed.duty.clause}, key=clause_sort_key),
        message,
        agencies=agencies(protocol, [met.duty, missed.duty]),
        witness=witness(setting, entries),
        suggestion=suggestion,
    )


# --- undecided questions ------------------------------------------------------------------------


def undecided(
    setting: Setting, kind: Kind, asked: str, clauses: Iterable[str], what: str, reason: str, duties: Iterable[Duty]
) -> Finding:
    """A question the solver did not answer within the time limit: an open error, never a pass."""
    return make(
        kind,
        asked,
        "error",
        sorted(set(clauses), key=clause_sort_key),
        f"Not decided: whether {what}. The solver gave no answer within {setting.context.timeout:g} s ({reason}), "
        f"so this is not a pass.",
        agencies=agencies(setting.protocol, duties),
        suggestion="Re-run with a longer --timeout.",
        decided=False,
    )


# --- words ----------------------------------------------------------------------------------------


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


def last_day_of(deadline_at: dt.datetime) -> dt.date:
    """The last day on which something is on time, for an exclusive deadline instant."""
    return (deadline_at - dt.timedelta(microseconds=1)).date()


def day_words(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def holiday(setting: Setting, day: dt.date) -> str:
    """' (Christmas Day)' where the day is a holiday or closure, ' (a Saturday)' at a weekend, or ''."""
    name = setting.context.calendar.holiday_name(day)
    return f" ({name})" if name else f" (a {day:%A})" if day.weekday() >= 5 else ""


def moment_words(when: dt.datetime, limit: Limit) -> str:
    """A date, with the time of day where the limit is in hours."""
    return f"{day_words(when.date())} at {when:%H:%M}" if limit.unit is Unit.HOURS else day_words(when.date())


def deadline_words(deadline_at: dt.datetime, limit: Limit) -> str:
    if limit.unit is Unit.HOURS or limit.amount is None:
        return f"before {deadline_at:%H:%M} on {day_words(deadline_at.date())}"
    return f"by the close of {day_words(last_day_of(deadline_at))}"


def gap_words(first: dt.datetime, second: dt.datetime) -> str:
    days = (second.date() - first.date()).days
    if days == 0:
        hours = int((second - first).total_seconds() // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def quoted(words: str) -> str:
    """The name of an event or a moment, quoted inside a sentence."""
    return f"'{words}'"


def allowance(setting: Setting, due: Deadline) -> str:
    """How long a limit allows, in words: "20 working days from 'remanded to ...'"."""
    if due.event is None:
        return f"{due.limit.size()} from {quoted(start_words(setting, due.duty))}"
    name = quoted(event_name(setting, due.event))
    return f"until {due.limit.size()} before {name}" if due.limit.size() else f"until {name}"


def clauses_words(clauses: Iterable[str]) -> str:
    clauses = list(clauses)
    return clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]


def severity(duty: Duty) -> Severity:
    return "error" if duty.modality == "must" else "warning"


def duty_by_id(protocol: Protocol, duty: str) -> Duty:
    index = _index(protocol)
    return (
        protocol.duties[index.position[duty]]
        if duty in index.position
        else next(d for d in protocol.duties if d.id == duty)
    )


@dataclass(frozen=True)
class _Index:
    """Where each duty stands in the protocol (its first occurrence), and the duties that produce
    each artefact, in protocol order."""

    protocol: Protocol
    position: dict[str, int]
    producers: dict[str, list[Duty]]


_INDEX: list[_Index] = []


def _index(protocol: Protocol) -> _Index:
    """The index of the protocol's duties (kept for the last protocol asked about)."""
    if not _INDEX or _INDEX[0].protocol is not protocol:
        position: dict[str, int] = {}
        producers: dict[str, list[Duty]] = {}
        for i, d in enumerate(protocol.duties):
            position.setdefault(d.id, i)
            for artefact in dict.fromkeys(d.produces):
                producers.setdefault(artefact, []).append(d)
        _INDEX[:] = [_Index(protocol, position, producers)]
    return _INDEX[0]


def event_name(setting: Setting, event: str | None) -> str:
    return setting.moments.event(event).words if event else ""


def start_words(setting: Setting, duty: Duty) -> str:
    """What the duty's limit is counted from, in words."""
    due = deadline(duty)
    if due is not None and due.event is not None:
        return event_name(setting, due.event)
    begins = start(setting, duty)
    return begins.words if begins is not None else "the start"


def party_name(protocol: Protocol, party: str) -> str:
    names = (
        {a.id: a.name for a in protocol.agencies}
        | {r.id: r.name for r in protocol.roles()}
        | {p.id: p.name for p in protocol.people}
    )
    return names.get(party, party.replace("_", " "))


def actor_words(protocol: Protocol, duty: Duty) -> str:
    if duty.actor is None:
        return "someone (the clause names no one)"
    return " and ".join(party_name(protocol, a) for a in duty.actor)


def artefact_name(protocol: Protocol, artefact: str) -> str:
    return next((a.name for a in protocol.artefacts if a.id == artefact), artefact.replace("_", " "))


def agencies(protocol: Protocol, duties: Iterable[Duty]) -> list[str]:
    """The agencies that hold the duties (a role counts as its agency), in order of first mention."""
    agency_of = {a.id: a.id for a in protocol.agencies} | {r.id: a.id for a in protocol.agencies for r in a.roles}
    return [agency_of[p] for d in duties for p in d.actor or () if p in agency_of]
