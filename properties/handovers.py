"""Silent handovers: a responsibility that passes from one agency to another on an event, with no
duty on that event that has one of the two agencies tell the other (`silent-handover`). Agencies
of one council (`council:`) are one body, and what passes between them is not asked about.

Whether a handover happens for some attribute values is asked of Z3 on the reachable situations
(`Context.situations`); an undecided question is reported as undecided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import z3

from ..model import conditions
from ..model.conditions import Condition
from ..model.names import child_words, names
from ..model.schema import Duty, OwnershipRule, Protocol
from ..model.wording import clause_words
from .findings import Finding, Witness, make
from .situations import Config, Situations, Step, keys_of


@dataclass(frozen=True)
class Move:
    """All the steps that take a case from one configuration to another on one event."""

    source: Config
    event: str
    target: Config
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Handover:
    """A responsibility (dimension) passing from one agency to another on an event."""

    dimension: str
    event: str
    old: str
    new: str


Holders = list[tuple[OwnershipRule, Condition | bool]]  # rules, with what is left of their `when` on a configuration


@dataclass(frozen=True)
class HandoverQuestion:
    """Is there a situation where, on `move`, a rule gives the dimension to the old agency before and
    none after, a rule gives it to the new agency after and none before, and no carrying duty applies?"""

    handover: Handover
    move: Move
    old_rules: Holders
    new_rules: Holders
    stays: list[Condition | bool]  # where a rule still gives it to the old agency after the move
    had: list[Condition | bool]  # where a rule already gave it to the new agency before the move
    carried: list[Condition | bool]  # where a duty on the move carries the handover


def moves(situations: Situations, relevant: Callable[[Config, Config], bool] | None = None) -> list[Move]:
    """The steps that change the configuration, grouped by source, event and target, in the order of
    their first step (`in_order` sorts them); with `relevant`, only those from a source to a target
    it accepts."""
    grouped: dict[tuple[Config, str, Config], list[Step]] = defaultdict(list)
    for step in situations.steps:
        source, target = step.source, step.target
        if source is not target and source != target and (relevant is None or relevant(source, target)):
            grouped[source, step.event, target].append(step)
    return [Move(source, event, target, tuple(steps)) for (source, event, target), steps in grouped.items()]


def in_order(found: Iterable[tuple[Move, list[HandoverQuestion]]]) -> list[tuple[Move, list[HandoverQuestion]]]:
    """Moves, each with its handover questions, in a stable order: by source, event and target, a
    configuration by its sorted states."""
    states: dict[Config, list[str]] = {}

    def key(config: Config) -> list[str]:
        if config not in states:
            states[config] = sorted(config)
        return states[config]

    return sorted(found, key=lambda pair: (key(pair[0].source), pair[0].event, key(pair[0].target)))


def encoded(situations: Situations, condition: Condition | bool) -> z3.BoolRef:
    """A residual condition (True, False or what is left on the attributes) as a Z3 formula."""
    return z3.BoolVal(condition, situations.ctx) if isinstance(condition, bool) else situations.encode(condition)


def any_of(situations: Situations, parts: Iterable[Condition | bool]) -> z3.BoolRef:
    """Holds where one of the residual conditions holds (never, if there are none)."""
    encodings = [encoded(situations, part) for part in parts]
    return situations.any(encodings)


def applying(situations: Situations, when: Condition | None, config: Config) -> Condition | bool:
    """Whether a `when` holds in a configuration: True, False, or what is left on the attributes."""
    return True if when is None else situations.residual(when, config)


def tested_states(situations: Situations, when: Condition | None) -> set[str]:
    """The states whose presence in a configuration can change what is left of `when` there: the
    residual of a lifecycle test turns only on which of its named states are active (on any state of
    the lifecycle, for an operator other than eq, ne, in and not_in)."""
    found: set[str] = set()
    for test in conditions.comparisons(when) if when is not None else ():
        if test.key not in situations.lifecycles:
            continue
        if test.op in ("eq", "ne") or (test.op in ("in", "not_in") and isinstance(test.value, tuple)):
            found.update(
                v for v in (test.value if isinstance(test.value, tuple) else (test.value,)) if isinstance(v, str)
            )
        else:
            found.update(s for s, lifecycle in situations.lifecycle_of.items() if lifecycle == test.key)
    return found


Pair = tuple[str, str, Holders, Holders, Holders, Holders]  # old and new agency, old_rules, new_rules, stays, had


class Responsibilities:
    """The ownership rules and duties of a protocol, indexed once for the handover questions: the
    rules of each dimension, the dimensions whose rules test each state, the duties each trigger
    starts, and what is left of each rule's and duty's `when` on each configuration. A rule's residual
    turns only on which of the states it tests are active, so it is worked out once for each set of
    those; and which agencies may hand a dimension over turns only on the residuals of its rules, so
    it is worked out once for each set of its rules' states active before and after a move."""

    def __init__(self, protocol: Protocol, situations: Situations, agencies: dict[str, str]):
        self.protocol, self.situations, self.agencies = protocol, situations, agencies
        self.body = names(protocol).body
        self.rules: list[list[OwnershipRule]] = [
            [r for r in protocol.ownership if r.dimension == d.id] for d in protocol.dimensions
        ]
        self.owners = {id(r): {agencies.get(o) for o in r.owner or ()} for r in protocol.ownership}
        self.tested: dict[int, frozenset[str]] = {
            id(item): frozenset(tested_states(situations, item.when))
            for item in (*protocol.ownership, *protocol.duties)
        }
        self.dimension_tested = [frozenset().union(*(self.tested[id(r)] for r in rules)) for rules in self.rules]
        on: dict[str, set[int]] = defaultdict(set)
        for position, tested in enumerate(self.dimension_tested):
            for state in tested:
                on[state].add(position)
        self.dimensions_on = dict(on)
        self.duties_on_event: dict[str, list[int]] = defaultdict(list)
        self.duties_on_enter: dict[str, list[int]] = defaultdict(list)
        self.duties_on_exit: dict[str, list[int]] = defaultdict(list)
        for position, duty in enumerate(protocol.duties):
            if duty.trigger is not None:
                self.duties_on_event[duty.trigger.event].append(position)  # type: ignore[index]
                self.duties_on_enter[duty.trigger.enter].append(position)  # type: ignore[index]
                self.duties_on_exit[duty.trigger.exit].append(position)  # type: ignore[index]
        self._rests: dict[tuple[int, frozenset[str]], Condition | bool] = {}
        self._pairs: dict[tuple[int, frozenset[str], frozenset[str]], list[Pair]] = {}

    def rest(self, item: OwnershipRule | Duty, config: Config) -> Condition | bool:
        """What is left of a rule's or duty's `when` on a configuration (as `applying`)."""
        key = (id(item), self.tested[id(item)] & config)
        if (found := self._rests.get(key)) is None:
            found = self._rests[key] = applying(self.situations, item.when, config)
        return found

    def changing(self, source: Config, target: Config) -> list[int]:
        """The dimensions (by position) with a rule whose `when` may differ from `source` to `target`.
        On the others every rule applies alike before and after, so no responsibility passes."""
        dimensions_on = self.dimensions_on
        return sorted({d for state in source ^ target if state in dimensions_on for d in dimensions_on[state]})

    def pairs(self, position: int, source: Config, target: Config) -> list[Pair]:
        """For a dimension and a move from `source` to `target`: each old agency holding it before and
        not surely after, with each new agency holding it after and not surely before, in sorted order;
        with the rules that give it to each, before and after. Two services of one council are one
        body: a responsibility passing between them does not pass between bodies."""
        tested = self.dimension_tested[position]
        key = (position, tested & source, tested & target)
        if (found := self._pairs.get(key)) is not None:
            return found
        found = self._pairs[key] = []
        agencies, rules = self.agencies, self.rules[position]
        before = [(r, rest) for r in rules if (rest := self.rest(r, source)) is not False]
        after = [(r, rest) for r in rules if (rest := self.rest(r, target)) is not False]
        owners_before = {agencies[o] for r, _ in before for o in r.owner or () if o in agencies}
        owners_after = {agencies[o] for r, _ in after for o in r.owner or () if o in agencies}
        for old in sorted(owners_before):
            old_rules, stays = self.holding(before, old), self.holding(after, old)
            if covered(old_rules, stays):
                continue
            for new in sorted(a for a in owners_after - {old} if self.body[a] != self.body[old]):
                new_rules, had = self.holding(after, new), self.holding(before, new)
                if not covered(new_rules, had):
                    found.append((old, new, old_rules, new_rules, stays, had))
        return found

    def triggered(self, move: Move) -> list[Duty]:
        """The duties whose trigger a move may meet (its event, or entering or leaving a state it
        enters or leaves), in the protocol's order; `carries` decides."""
        positions = set(self.duties_on_event.get(move.event, ()))
        for state in move.target - move.source:
            positions.update(self.duties_on_enter.get(state, ()))
        for state in move.source - move.target:
            positions.update(self.duties_on_exit.get(state, ()))
        return [self.protocol.duties[p] for p in sorted(positions)]

    def holding(self, holders: Holders, agency: str) -> Holders:
        """The rules among `holders` that give the responsibility to `agency` (directly or through a role)."""
        return [(rule, rest) for rule, rest in holders if agency in self.owners[id(rule)]]


def carries(duty: Duty, move: Move, old: str, new: str, agencies: dict[str, str]) -> bool:
    """Whether a duty, by its trigger and its parties, tells one agency of the handover from the other:
    it is triggered by the move's event (or by entering or leaving a state the move enters or leaves),
    and it goes from the old agency to the new one or back, or both act in it together."""
    trigger = duty.trigger
    if trigger is None or not (
        trigger.event == move.event
        or trigger.enter in move.target - move.source
        or trigger.exit in move.source - move.target
    ):
        return False
    actors = {agencies[p] for p in duty.actor or () if p in agencies}
    recipients = {agencies[p] for p in duty.recipient if p in agencies}
    return (old in actors and new in recipients) or (new in actors and old in recipients) or {old, new} <= actors


def handover_questions(
    protocol: Protocol,
    situations: Situations,
    move: Move,
    agencies: dict[str, str],
    index: Responsibilities | None = None,
) -> Iterator[HandoverQuestion]:
    """The handovers that may happen on a move, for each dimension and pair of agencies: the old agency
    holds the responsibility before and not after, the new one after and not before. Those the
    configurations alone settle (a rule that holds on both sides of the move, a duty that always
    applies) are left out; the rest are left to the solver."""
    index = index or Responsibilities(protocol, situations, agencies)
    duties: list[Duty] | None = None
    for position in index.changing(move.source, move.target):
        for old, new, old_rules, new_rules, stays, had in index.pairs(position, move.source, move.target):
            duties = index.triggered(move) if duties is None else duties
            carried = [
                rest
                for duty in duties
                if carries(duty, move, old, new, agencies)
                for rest in (index.rest(duty, move.source), index.rest(duty, move.target))
                if rest is not False
            ]
            if True not in carried:
                handover = Handover(protocol.dimensions[position].id, move.event, old, new)
                yield HandoverQuestion(
                    handover,
                    move,
                    old_rules,
                    new_rules,
                    [rest for _, rest in stays],
                    [rest for _, rest in had],
                    carried,
                )


def covered(holders: Holders, by: Holders) -> bool:
    """Whether, wherever one of `holders` applies, one of `by` surely applies too: one of `by` applies
    whatever the attributes, or each of `holders` is among `by`, unchanged."""
    return any(rest is True for _, rest in by) or all(holder in by for holder in holders)


def silent_handovers(protocol: Protocol, situations: Situations, timeout_ms: int) -> Iterator[Finding]:
    """Responsibilities passing between agencies on a step, for some attribute values, with no duty
    on that step carrying the handover: one finding per dimension, event and pair of agencies."""
    agencies = names(protocol).agency
    index = Responsibilities(protocol, situations, agencies)
    found: dict[Handover, Finding] = {}
    undecided: dict[Handover, Finding] = {}
    handing: dict[tuple[Config, Config], bool] = {}

    def hands_over(source: Config, target: Config) -> bool:
        """Whether some dimension may pass between two agencies from `source` to `target` (a move
        that changes no rule's states, or leaves every holder where it was, hands nothing over)."""
        found = handing.get((source, target))
        if found is None:
            found = handing[source, target] = any(
                index.pairs(d, source, target) for d in index.changing(source, target)
            )
        return found

    asked = [
        (move, questions)
        for move in moves(situations, hands_over)
        if (questions := list(handover_questions(protocol, situations, move, agencies, index)))
    ]
    for move, questions in in_order(asked):  # few moves hand anything over: only those are put in order
        for question in questions:
            if question.handover in found:
                continue
            with situations.query(
                situations.in_configuration(move.source),
                situations.any([situations.path(step.condition) for step in move.steps]),
                any_of(situations, [rest for _, rest in question.old_rules]),
                any_of(situations, [rest for _, rest in question.new_rules]),
                z3.Not(any_of(situations, question.stays)),
                z3.Not(any_of(situations, question.had)),
                z3.Not(any_of(situations, question.carried)),
                timeout_ms=timeout_ms,
            ) as solver:
                answer = solver.check()
                if answer == z3.sat:
                    found[question.handover] = handover_finding(protocol, situations, question, solver.model())
                    undecided.pop(question.handover, None)
                elif answer == z3.unknown and question.handover not in undecided:
                    undecided[question.handover] = undecided_handover(protocol, situations, question, timeout_ms)
    yield from found.values()
    yield from undecided.values()


def handover_names(protocol: Protocol, handover: Handover) -> tuple[str, str, str, str]:
    """The old and new agencies, the dimension and the event, in words."""
    named = names(protocol)
    return (
        named.short(handover.old),
        named.short(handover.new),
        named.dimension(handover.dimension),
        named.event(handover.event),
    )


def transition_clauses(situations: Situations, move: Move) -> list[str]:
    """The clauses of the transitions that fire on a move."""
    fired = {(lc, source, target) for step in move.steps for lc, source, target in step.transitions}
    return [
        clause
        for lc, transition in situations.transitions
        if transition.event == move.event and any((lc, s, transition.target) in fired for s in transition.source)
        for clause in transition.clause
    ]


def handover_finding(
    protocol: Protocol, situations: Situations, question: HandoverQuestion, model: z3.ModelRef
) -> Finding:
    """The finding for a handover that happens, with the situation the solver found."""

    def applied(holders: Holders) -> list[OwnershipRule]:
        return [
            rule for rule, rest in holders if z3.is_true(model.eval(encoded(situations, rest), model_completion=True))
        ]

    old_rules, new_rules = applied(question.old_rules), applied(question.new_rules)
    keys = keys_of(
        *(c for step in question.move.steps for c, _ in step.condition),
        *(rule.when for rule, _ in question.old_rules + question.new_rules),
        *(rest for rest in question.stays + question.had + question.carried if not isinstance(rest, bool)),
    )
    data, _ = situations.describe(question.move.source, keys, model)  # the question fixes the move's source
    old, new, dimension, event = handover_names(protocol, question.handover)
    handover = question.handover
    child = child_words(protocol, data)
    return make(
        "silent-handover",
        f"dimension {handover.dimension} on {handover.event} from {handover.old} to {handover.new}",
        "warning",
        [c for rule in old_rules + new_rules for c in rule.clause] + transition_clauses(situations, question.move),
        f"When '{event}' happens to {child}, {dimension} passes from {old} "
        f"({clause_words(c for r in old_rules for c in r.clause)}) to {new} "
        f"({clause_words(c for r in new_rules for c in r.clause)}), but no clause has either tell the other.",
        agencies=(handover.old, handover.new),
        witness=Witness(situation={**data, "event": handover.event}, words=f"{child}; then {event}"),
        suggestion=f"Add a duty, on '{event}', for one of them to tell the other, with a time limit.",
    )


def undecided_handover(
    protocol: Protocol, situations: Situations, question: HandoverQuestion, timeout_ms: int
) -> Finding:
    """The finding for a handover the solver could not decide."""
    old, new, dimension, event = handover_names(protocol, question.handover)
    handover = question.handover
    return make(
        "silent-handover",
        f"dimension {handover.dimension} on {handover.event} from {handover.old} to {handover.new}",
        "error",
        [c for rule, _ in question.old_rules + question.new_rules for c in rule.clause]
        + transition_clauses(situations, question.move),
        f"Not decided: whether {dimension} passes from {old} to {new} without notice on '{event}'. No answer came "
        f"within {timeout_ms / 1000:g} s: unknown, not a pass.",
        agencies=(handover.old, handover.new),
        suggestion="Re-run the checks with a longer time limit.",
        decided=False,
    )
