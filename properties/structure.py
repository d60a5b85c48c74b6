"""Structure: the shape of a protocol, as a statechart, a web of responsibilities and references.

- `unreachable-state`: a state that no sequence of events brings a case into;
- `dead-end-state`: a state, not final, that a case once in can never leave;
- `silent-handover`: a responsibility that passes from one agency to another on an event, with no
  duty on that event that has one of the two agencies tell the other;
- `dangling-reference`: a clause cited that the protocol does not have, or an artefact a duty needs
  that no duty produces;
- `escalation-gap`: a dispute route that does not end at a named role (a person in post) of one of
  the agencies in dispute.

The reachable situations come from the explorer (`Context.situations`); whether a handover happens
for some attribute values is asked of Z3, and an undecided question is reported as undecided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import z3

from ..model import conditions
from ..model.conditions import Condition
from ..model.schema import Duty, OwnershipRule, Protocol, Transition
from .context import Context
from .findings import Finding, Witness, make, ordered
from .situations import Config, Situations, Step, keys_of


def check(protocol: Protocol, context: Context) -> list[Finding]:
    """Every structural finding on the protocol."""
    situations = context.situations
    return ordered(
        [
            *unreachable_states(protocol, situations),
            *dead_end_states(protocol, situations, context.timeout_ms),
            *silent_handovers(protocol, situations, context.timeout_ms),
            *dangling_references(protocol),
            *escalation_gaps(protocol),
        ]
    )


# --- words ---------------------------------------------------------------------------------------


def listing(words: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def clause_words(clauses: Iterable[str]) -> str:
    """'clause 5.6.5' or 'clauses 5.6.5 and 5.7.3'."""
    items = list(dict.fromkeys(clauses))
    return ("clause " if len(items) == 1 else "clauses ") + listing(items)


def party_names(protocol: Protocol) -> dict[str, str]:
    """The name of every agency, role and person."""
    names = {a.id: a.name for a in protocol.agencies} | {r.id: r.name for r in protocol.roles()}
    return names | {p.id: p.name for p in protocol.people}


def agency_of(protocol: Protocol) -> dict[str, str]:
    """The agency each agency or role is, or sits under. People are not agencies."""
    return {a.id: a.id for a in protocol.agencies} | {r.id: a.id for a in protocol.agencies for r in a.roles}


# --- unreachable states --------------------------------------------------------------------------


def unreachable_states(protocol: Protocol, situations: Situations) -> Iterator[Finding]:
    """States in no reachable configuration; undecided ones where the exploration stopped early."""
    reached = set().union(*situations.configurations)
    for state in protocol.states():
        if state.id in reached:
            continue
        name = situations.names[state.id]
        lifecycle = situations.lifecycle_names[situations.lifecycle_of[state.id]]
        if not situations.complete:
            yield make(
                "unreachable-state",
                f"state {state.id}",
                "warning",
                state.clause,
                f"Could not decide whether a case can ever be '{name}' ({lifecycle}): the search of situations stopped "
                f"after {len(situations.configurations)} of them before reaching it.",
                suggestion="Split the protocol's lifecycles or narrow the attributes' ranges so that the search can finish.",
                decided=False,
            )
            continue
        ways_in = entering_transitions(situations, state.id)
        if ways_in:
            why = "; ".join(why_not_taken(situations, reached, transition) for transition in ways_in)
            detail = f"The transitions into it never fire: {why}."
        else:
            detail = "No transition of the protocol leads into it."
        yield make(
            "unreachable-state",
            f"state {state.id}",
            "warning",
            state.clause,
            f"No sequence of events described in the protocol brings a case into '{name}' ({lifecycle}, "
            f"{clause_words(state.clause)}). {detail} Whatever the protocol says about children in this situation "
            "(who owns what, which duties apply) is never connected to how a case gets there, so a child in it "
            "may not be recognised as being in it.",
            suggestion=f"Say which event brings a case into '{name}' (a transition with its clause), or remove the state if the text does not describe it.",
        )


def default_entry(situations: Situations, state: str) -> set[str]:
    """A state and the descendants entered with it by default."""
    return set(situations.default_entry(state))


def entering_transitions(situations: Situations, state: str) -> list[Transition]:
    """The transitions that would put a case in `state`."""
    return [
        transition
        for _, transition in situations.transitions
        if state in default_entry(situations, transition.target) or state in situations.ancestors(transition.target)
    ]


def why_not_taken(situations: Situations, reached: set[str], transition: Transition) -> str:
    """Why a transition never fires, in words."""
    sources = listing(f"'{situations.names[s]}'" for s in transition.source)
    event = next(
        (e.name for e in situations.protocol.events if e.id == transition.event), transition.event.replace("_", " ")
    )
    where = f"on '{event}' from {sources} ({clause_words(transition.clause)})"
    if not reached & set(transition.source):
        return f"{where}, which a case never reaches"
    if transition.guard is not None:
        return f"{where}, whose condition ({conditions.describe(transition.guard)}) never holds there"
    return f"{where}, because another transition on the same event always fires first"


# --- dead ends -----------------------------------------------------------------------------------


def dead_end_states(protocol: Protocol, situations: Situations, timeout_ms: int) -> Iterator[Finding]:
    """Reachable, non-final states that no step leads out of."""
    # A case can leave a state when some step goes from a configuration with it to one without it
    # (one pass over the steps, where a search per state would look at every configuration each
    # time). The witness is the first configuration, in sorted order, that a stuck state is in.
    left: set[str] = set()
    for step in situations.steps:
        if step.source is not step.target:
            left.update(step.source - step.target)
    stuck = {s.id for s in protocol.states() if not s.final} - left
    reached = dict.fromkeys(situations.configurations)
    reached.update((end, None) for step in situations.steps for end in (step.source, step.target))
    first: dict[str, tuple[list[str], Config]] = {}  # stuck state -> the first configuration it is in
    for config in reached:
        if stuck.isdisjoint(config):
            continue
        key = sorted(config)
        for state in stuck.intersection(config):
            if state not in first or key < first[state][0]:
                first[state] = (key, config)
    for state in protocol.states():
        if state.final or state.id in left or state.id not in first:
            continue
        name = situations.names[state.id]
        lifecycle = situations.lifecycle_names[situations.lifecycle_of[state.id]]
        example = configuration_situation(
            situations, first[state.id][1], [situations.lifecycle_of[state.id]], timeout_ms
        )
        undecided = (
            ""
            if situations.complete
            else " (The search of situations stopped early, so a way out may have been missed.)"
        )
        yield make(
            "dead-end-state",
            f"state {state.id}",
            "info",
            state.clause,
            f"Once a case is '{name}' ({lifecycle}, {clause_words(state.clause)}), no event in the protocol moves it "
            f"on: the {lifecycle} stays '{name}' for good. Whatever the protocol attaches to it (duties, "
            f"responsibilities) applies to the child indefinitely, and anything meant to follow it never starts.{undecided}",
            witness=Witness(situation=example[0], words=example[1]) if example else None,
            suggestion=f"Say what ends '{name}' (an event, an age, a decision) and what follows it, or mark the state final if a case really stays in it.",
            decided=situations.complete,
        )


def configuration_situation(
    situations: Situations, config: Config, lifecycles: list[str], timeout_ms: int
) -> tuple[dict[str, str | int | bool], str] | None:
    """A situation in a configuration (its states, the lifecycles in `lifecycles` among them), or
    None when no attribute values reach it. A configuration the exploration reached is reached under
    some feasible path condition, so where the witness turns on the states alone it is the
    configuration's own; otherwise the solver finds the attribute values."""
    if not set(lifecycles) & set(situations.attributes):
        reached = any(situations.feasible(path, config) for path in situations.configurations.get(config, ()))
        return situations.describe(config, lifecycles) if reached else None
    with situations.query(situations.in_configuration(config), timeout_ms=timeout_ms) as solver:
        return situations.situation(solver.model(), lifecycles) if solver.check() == z3.sat else None


# --- silent handovers ----------------------------------------------------------------------------


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
        with the rules that give it to each, before and after."""
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
            for new in sorted(owners_after - {old}):
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
    agencies = agency_of(protocol)
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
    agencies = {a.id: a.name for a in protocol.agencies}
    dimension = next(d.name for d in protocol.dimensions if d.id == handover.dimension)
    event = next((e.name for e in protocol.events if e.id == handover.event), handover.event.replace("_", " "))
    return agencies[handover.old], agencies[handover.new], dimension, event


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
    data, words = situations.describe(
        question.move.source, keys, model
    )  # the question fixes the move's source configuration
    old, new, dimension, event = handover_names(protocol, question.handover)
    handover = question.handover
    return make(
        "silent-handover",
        f"dimension {handover.dimension} on {handover.event} from {handover.old} to {handover.new}",
        "warning",
        [c for rule in old_rules + new_rules for c in rule.clause] + transition_clauses(situations, question.move),
        f"On '{event}', {dimension} passes from {old} ({clause_words(c for r in old_rules for c in r.clause)}) to {new} "
        f"({clause_words(c for r in new_rules for c in r.clause)}); for example for a child who is: {words}. No duty triggered "
        f"by this event has either agency tell the other, so the new holder may not know it now holds {dimension} and the "
        f"old one may stop: for the child, {dimension} can lapse in the handover.",
        agencies=(handover.old, handover.new),
        witness=Witness(situation={**data, "event": handover.event}, words=f"{words}; then {event}"),
        suggestion=(
            f"Add a duty, triggered by '{event}', for one agency to tell the other ({old} to notify {new}, or {new} to "
            f"confirm with {old}), with a timescale, so that {dimension} is handed over rather than assumed."
        ),
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
        "warning",
        [c for rule, _ in question.old_rules + question.new_rules for c in rule.clause]
        + transition_clauses(situations, question.move),
        f"Could not decide whether {dimension} passes from {old} to {new} without notice on '{event}': the solver gave "
        f"no answer within {timeout_ms / 1000:g} seconds.",
        agencies=(handover.old, handover.new),
        suggestion="Re-run the checks with a longer time limit.",
        decided=False,
    )


# --- references ----------------------------------------------------------------------------------


def dangling_references(protocol: Protocol) -> Iterator[Finding]:
    """Clauses cited that the protocol does not have; artefacts needed that no duty produces."""
    known = set(protocol.clause_ids())
    for duty in protocol.duties:
        citations = [
            (cited, tuple(duty.clause), f"Clause {listing(duty.clause)} ({duty.action})") for cited in duty.cites
        ]
        citations += [
            (cited, (item.clause, *duty.clause), f"Item {item.clause} of clause {listing(duty.clause)} ('{item.what}')")
            for item in duty.items
            for cited in item.cites
        ]
        for cited, clauses, where in citations:
            if cited in known:
                continue
            yield make(
                "dangling-reference",
                f"clause {cited} cited in {clauses[0]} of duty {duty.id}",
                "warning",
                clauses,
                f"{where} refers to clause {cited}, but the protocol has no clause {cited}. A practitioner following "
                "it cannot tell what it points to, so what it asks for the child may not be done as meant.",
                suggestion="Correct the reference to the clause meant, or remove it.",
            )
    produced = {a for duty in protocol.duties for a in duty.produces}
    names = party_names(protocol)
    agencies = agency_of(protocol)
    needing: dict[str, list[Duty]] = defaultdict(list)  # the duties that need each artefact, in the protocol's order
    for duty in protocol.duties:
        for needed in dict.fromkeys(duty.needs):
            needing[needed].append(duty)
    for artefact in protocol.artefacts:
        waiting = needing.get(artefact.id, [])
        if not waiting or artefact.id in produced:
            continue
        duties = listing(
            f"'{d.action}' ({clause_words(d.clause)}, {listing(names[p] for p in d.actor) if d.actor else 'no one named'})"
            for d in waiting
        )
        yield make(
            "dangling-reference",
            f"artefact {artefact.id}",
            "error",
            [c for d in waiting for c in d.clause],
            f"The protocol needs {artefact.name} to {duties}, but no duty in it says who makes {artefact.name}: "
            "nobody is given the job, so the work that waits on it may never be done for the child.",
            agencies=[agencies[p] for d in waiting for p in d.actor or () if p in agencies],
            suggestion=f"Add a duty saying who produces {artefact.name} and by when, in time for the duties that need it.",
        )


# --- escalation ----------------------------------------------------------------------------------


def escalation_gaps(protocol: Protocol) -> Iterator[Finding]:
    """Dispute routes whose last step names no role, names agencies or people rather than roles, or
    names roles of agencies that are not in the dispute (those named at the route's earlier steps)."""
    roles = {r.id: a.id for a in protocol.agencies for r in a.roles}
    agencies = agency_of(protocol)
    names = party_names(protocol)
    for route in protocol.escalation:
        last = route.steps[-1]
        disputing = {agencies[p] for step in route.steps[:-1] for p in step.parties or () if p in agencies}
        problems = []
        if last.parties is None:
            problems.append(f"its last step ({last.words or 'not described'}) names no one")
        else:
            if not_roles := [p for p in last.parties if p not in roles]:
                problems.append(
                    f"its last step names {listing(names[p] for p in not_roles)}, not a role held by a person in post"
                )
            if outsiders := [p for p in last.parties if p in roles and disputing and roles[p] not in disputing]:
                problems.append(
                    f"its last step names {listing(names[p] for p in outsiders)}, of an agency that is not in the dispute "
                    f"(the earlier steps name {listing(sorted(names[a] for a in disputing))})"
                )
        if not problems:
            continue
        yield make(
            "escalation-gap",
            f"route {route.id}",
            "warning",
            route.clause,
            f"The dispute route for {route.about} ({clause_words(route.clause)}) does not end with a named person in "
            f"post: {'; and '.join(problems)}. A dispute that reaches the top of the route has no one to decide it, "
            "and while it is unresolved the child's plan can stall.",
            agencies=sorted(disputing | {agencies[p] for p in last.parties or () if p in agencies}),
            suggestion="End the route with the roles (posts) who make the final decision for each service, e.g. the two heads of service.",
        )
