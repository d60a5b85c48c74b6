"""Deadline windows: can a duty be left no time at all, and can what it needs come too late?

1. An empty window (`deadline-conflict`): a duty due "no later than N before" an event that can
   come sooner than N after the duty's window opens (its trigger; else the situation it applies in
   beginning; else the event becoming possible), with any duty before it done at once.
2. A result that comes too late (`deadline-conflict`): the duties a duty depends on are met on
   time, yet the duty, which needs their result (an artefact they produce, or their completion as
   its trigger), cannot be. Its clauses are the unsat core of "every duty on time" on the witness
   timeline, with each duty's limit labelled by the duty.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass

import z3

from ..model.calendar import last_day
from ..model.conditions import All
from ..model.names import clause_ref, doing, names, who
from ..model.schema import Duty, Protocol, clause_sort_key
from ..model.wording import clause_words, deadline_words, gap_words, limit_words, listing, moment_words, quoted, size
from .clocks import (
    Deadline,
    Setting,
    agencies,
    anchor,
    deadline,
    done,
    duty_index,
    event_name,
    opening,
    severity,
    soon,
    start_moment,
    start_words,
    undecided,
)
from .findings import Finding, first_fitting, make
from .situations import Undecided
from .timeline import Instant, Moment, Timeline
from .who import cap
from .witnesses import Entry, ask, happenings, unsat_core, witness


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
            what = f"clause {listing(due.duty.clause)} ({due.duty.action}) can be left no time"
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
    clause = listing(duty.clause)
    deadline_at = limit.due(setting.context.calendar, happened)
    entries: list[Entry] = [
        (opened.date(), opens.words, opens.clause),
        (happened.date(), event_name(setting, due.event), setting.moments.event(due.event).clause),  # type: ignore[arg-type]
        (last_day(deadline_at), f"last day to {duty.action} under clause {clause}", duty.clause[0]),
    ]
    message = (
        f"{cap(clause_ref(protocol, duty.clause[0]))} says {doing(protocol, duty)} "
        f"{limit_words(limit, name)}, but {name} can come sooner after {quoted(opens.words)}: for example "
        f"{moment_words(opened, limit)}, then {moment_words(happened, limit)} ({gap_words(opened, happened)} later), "
        f"when the deadline ({deadline_words(deadline_at, limit)}) had passed."
    )
    suggestion = f"Say what applies when {name} comes less than {size(limit)} after {quoted(opens.words)}."
    fallback = duty.timescale is not None and duty.timescale.vague is not None
    return make(
        "deadline-conflict",
        f"empty window {duty.id}",
        "info" if fallback else severity(duty),
        duty.clause,
        message,
        agencies=agencies(protocol, [duty]),
        witness=witness(setting, entries),
        suggestion=suggestion,
        detail=(
            f"The clause also asks for it '{duty.timescale.vague}', which covers a short window."  # type: ignore[union-attr]
            if fallback
            else "For such a child the deadline cannot be met, so in practice the duty has no time limit."
        ),
        duties=[duty.id] if fallback else [],  # its words are told here: not again as words beside the limit
    )


def upstream(protocol: Protocol, duty: Duty) -> list[Duty]:
    """The duties whose result `duty` needs: the one whose completion starts it, and those that
    produce an artefact it needs."""
    trigger = duty.trigger.duty if duty.trigger is not None else None
    index = duty_index(protocol)
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
            if (
                duty.id != due.duty.id
                and duty.id not in chained
                and one_case(setting, [due.duty, *chain], duty)
                and one_child(setting, [due.duty, *chain], duty)
            ):
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
    moment = start_moment(setting, duty)
    if moment is None or moment.steps is None:
        return True
    for other in duties:
        begins = start_moment(setting, other)
        if begins is not None and begins.steps is not None and not setting.moments.relations(moment, begins):
            return False
    return True


def one_child(setting: Setting, duties: list[Duty], duty: Duty) -> bool:
    """Whether `duty` can apply to a child each of `duties` applies to: of two producers for children
    who differ (WYJS planning a release alone, or with the children's team running the looked-after
    process), the chain keeps the first, so its timeline is one child's."""
    whens = tuple(d.when for d in (*duties, duty) if d.when is not None)
    if not whens:
        return True
    try:
        return setting.context.situations.nearest(All(whens), setting.context.timeout_ms) is not None
    except Undecided:
        return True  # not decided: the duties may apply to one child as far as is known


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
        moment = start_moment(setting, d)
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
    blocked = blocking(chain, upstream_)
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
        what = f"the duties clause {listing(duty.clause)} depends on can be met on time and still leave it impossible"
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


def blocking(chain: Chain, upstream_: list[Duty]) -> list[z3.BoolRef]:
    """What leaves the chain's duty impossible: it starts too late (its trigger, an upstream duty, is
    done after its deadline), or what it needs comes too late (from every producer)."""
    due, duty = chain.due, chain.due.duty
    blocked = []
    if duty.trigger is not None and duty.trigger.duty is not None:
        blocked.append(z3.Not(chain.meets(due, chain.begins[duty.id])))  # type: ignore[arg-type]
    for artefact in duty.needs:
        producers = [p for p in upstream_ if artefact in p.produces]
        if producers:
            blocked.append(z3.And([z3.Not(chain.meets(due, chain.done[p.id])) for p in producers]))
    return blocked


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
    duty, clause = due.duty, listing(due.duty.clause)
    events = happenings(timeline, model)
    entries: list[Entry] = [(when.date(), m.words, m.clause) for when, m in events]
    causes = [d for d in chain.limited if d.duty in named]
    done_words = done_on_time(setting, chain, model, causes, entries)
    own_due = due.limit.due(calendar, timeline.when(model, chain.anchors[duty.id]))
    entries.append((last_day(own_due), f"last day to {duty.action} under clause {clause}", duty.clause[0]))
    needed = [quoted(names(protocol).artefact(a)) for a in duty.needs if any(a in d.duty.produces for d in causes)]
    because = f"needs {' and '.join(needed)}" if needed else "starts only when the earlier duty is done"
    finished_words = "; ".join(f"{' and '.join(actions)} {when}" for when, actions in done_words.items())
    began = "; ".join(f"{quoted(m.words)} on {moment_words(when, due.limit)}" for when, m in events)
    outcome = (
        "On these dates the limits cannot all be met, whatever is done."
        if whatever
        else "Both can be met only if the earlier duty is finished well inside its own limit, "
        "which the protocol does not ask."
    )
    earlier_clauses = sorted({c for d in causes for c in d.duty.clause}, key=clause_sort_key)
    earlier = clause_words(earlier_clauses)
    said = (
        f"{cap(clause_ref(protocol, duty.clause[0]))} says {doing(protocol, duty)} "
        f"{limit_words(due.limit, quoted(start_words(setting, duty)))}, and it {because}"
    )
    message = first_fitting(
        f"{said}; but {allowed_words(setting, causes)}. With both on time, clause {clause} can still be missed.",
        f"{said}; but the earlier {earlier} {'allow' if len(set(earlier_clauses)) > 1 else 'allows'} longer, so "
        f"clause {clause} can be missed with both on time.",
    )
    suggestion = (
        f"Give the earlier duty a limit inside clause {clause}'s, or let clause {clause} go ahead with what is ready."
    )
    due_words = deadline_words(own_due, due.limit)
    detail = (
        f"{cap(allowed_words(setting, causes))}. For example: {began}; {finished_words}; clause {clause} "
        f"was due {due_words}. {outcome}"
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
        detail=detail,
    )


def done_on_time(
    setting: Setting, chain: Chain, model: z3.ModelRef, causes: list[Deadline], entries: list[Entry]
) -> dict[str, list[str]]:
    """When each duty to blame was done on the witness (on time) and was due, as dated entries added
    to `entries`; and the actions in words, grouped by when they were done and under which clause."""
    calendar, timeline = setting.context.calendar, chain.timeline
    done_words: dict[str, list[str]] = {}
    for d in causes:
        finished = timeline.when(model, chain.done[d.duty.id])
        deadline_at = d.limit.due(calendar, timeline.when(model, chain.anchors[d.duty.id]))
        at = listing(d.duty.clause)
        entries.append((finished.date(), f"done: {d.duty.action} (on time under clause {at})", d.duty.clause[0]))
        entries.append((last_day(deadline_at), f"last day to {d.duty.action} under clause {at}", d.duty.clause[0]))
        due = deadline_words(deadline_at, d.limit)
        when_words = f"done on {moment_words(finished, d.limit)}, on time under clause {at} (due {due})"
        done_words.setdefault(when_words, []).append(quoted(d.duty.action))
    return done_words


def allowed_words(setting: Setting, causes: list[Deadline]) -> str:
    """What the clauses of the duties to blame allow, in words, the actions each allows the same time for together."""
    allowances: dict[str, list[str]] = {}
    for d in causes:
        acting = who(setting.protocol, d.duty.actor) or "someone"
        allows = "allow" if len(d.duty.clause) > 1 else "allows"
        allowances.setdefault(f"{clause_words(d.duty.clause)} {allows} {acting} {allowance(setting, d)}", []).append(
            d.duty.action
        )
    return "; ".join(f"{allows} to {' and to '.join(actions)}" for allows, actions in allowances.items())


def allowance(setting: Setting, due: Deadline) -> str:
    """How long a limit allows, in words: "20 working days from 'remanded to ...'"."""
    if due.event is None:
        return f"{size(due.limit)} from {quoted(start_words(setting, due.duty))}"
    name = quoted(event_name(setting, due.event))
    return f"until {size(due.limit)} before {name}" if size(due.limit) else f"until {name}"
