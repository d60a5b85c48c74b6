"""Structure: the shape of a protocol, as a statechart, a web of responsibilities and references.

- `unreachable-state`: a state that no sequence of events brings a case into;
- `dead-end-state`: a state, not final, that a case once in can never leave;
- `silent-handover`: a responsibility that passes from one agency to another on an event, with no
  duty on that event that has one of the two agencies tell the other (see `handovers`);
- `dangling-reference`: a clause cited that the protocol does not have, or an artefact a duty needs
  that no duty produces;
- `escalation-gap`: a dispute route that does not end at a named role (a person in post) of one of
  the agencies in dispute.

The reachable situations come from the explorer (`Context.situations`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import z3

from ..model import conditions
from ..model.names import child_words, clauses_ref, doing, names
from ..model.schema import Duty, EscalationStep, Protocol, Transition
from ..model.wording import clause_words, listing, quoted
from .context import Context
from .findings import Finding, Witness, first_fitting, make, ordered
from .handovers import silent_handovers
from .situations import Config, Situations
from .text import misnumbered
from .who import cap


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


# --- unreachable states --------------------------------------------------------------------------


def unreachable_states(protocol: Protocol, situations: Situations) -> Iterator[Finding]:
    """States in no reachable configuration; undecided ones where the exploration stopped early."""
    reached = set().union(*situations.configurations)
    for state in protocol.states():
        if state.id in reached:
            continue
        name = names(protocol).state(state.id)
        lifecycle = names(protocol).lifecycles[situations.lifecycle_of[state.id]]
        if not situations.complete:
            yield make(
                "unreachable-state",
                f"state {state.id}",
                "error",
                state.clause,
                f"Not decided: whether a child can ever be '{name}' ({lifecycle}). The search stopped after "
                f"{len(situations.configurations)} situations: unknown, not a pass.",
                suggestion=(
                    "Split the protocol's lifecycles or narrow the attributes' ranges so that the search can finish."
                ),
                decided=False,
            )
            continue
        ways_in = entering_transitions(situations, state.id)
        if ways_in:
            why = "; ".join(why_not_taken(situations, reached, transition) for transition in ways_in)
            detail = f"The ways in never happen: {why}."
        else:
            detail = "No change the protocol describes leads there."
        yield make(
            "unreachable-state",
            f"state {state.id}",
            "info",
            state.clause,
            f"The protocol speaks of children '{name}' ({clause_words(state.clause)}), but nothing it describes "
            "brings a child there, so what it says for them is never connected to how a case gets there.",
            suggestion=f"Say what brings a child to '{name}', with its clause, or leave it out if the text does not.",
            detail=detail,
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
    named = names(situations.protocol)
    sources = listing(quoted(named.state(s)) for s in transition.source)
    event = named.event(transition.event)
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
        name = names(protocol).state(state.id)
        example = configuration_situation(
            situations, first[state.id][1], [situations.lifecycle_of[state.id]], timeout_ms
        )
        undecided = "" if situations.complete else " (The search stopped early, so a way out may have been missed.)"
        yield make(
            "dead-end-state",
            f"state {state.id}",
            "info" if situations.complete else "error",
            state.clause,
            f"Once a child is '{name}' ({clause_words(state.clause)}), nothing in the protocol ends it: what it "
            f"attaches to such children applies for good, and what should follow never starts.{undecided}",
            witness=Witness(situation=example[0], words=child_words(protocol, example[0])) if example else None,
            suggestion=f"Say what ends '{name}' (an event, an age, a decision) and what follows.",
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


# --- references ----------------------------------------------------------------------------------


def dangling_references(protocol: Protocol) -> Iterator[Finding]:
    """Clauses cited that the protocol does not have; artefacts needed that no duty produces."""
    yield from dangling_clauses(protocol)
    yield from unmade_artefacts(protocol)


def dangling_clauses(protocol: Protocol) -> Iterator[Finding]:
    """Clauses a duty or one of its items cites that the protocol does not have."""
    known = set(protocol.clause_ids())
    for duty in protocol.duties:
        citations = [(cited, tuple(duty.clause), cap(clauses_ref(protocol, duty.clause))) for cited in duty.cites]
        citations += [
            (cited, (item.clause, *duty.clause), f"Item {item.clause} of {clause_words(duty.clause)} ('{item.what}')")
            for item in duty.items
            for cited in item.cites
        ]
        for cited, clauses, where in citations:
            if cited in known or misnumbered(protocol, cited) is not None:
                continue  # one the protocol has, or one of a misnumbered list's items (the numbering finding's)
            yield make(
                "dangling-reference",
                f"clause {cited} cited in {clauses[0]} of duty {duty.id}",
                "info",
                clauses,
                f"{where} refers to clause {cited}, which the protocol does not have.",
                suggestion="Correct the reference to the clause meant, or remove it.",
            )


def unmade_artefacts(protocol: Protocol) -> Iterator[Finding]:
    """Artefacts some duty needs that no duty produces (none made under other rules: `external`)."""
    produced = {a for duty in protocol.duties for a in duty.produces}
    agencies = names(protocol).agency
    needing: dict[str, list[Duty]] = defaultdict(list)  # the duties that need each artefact, in the protocol's order
    for duty in protocol.duties:
        for needed in dict.fromkeys(duty.needs):
            needing[needed].append(duty)
    for artefact in protocol.artefacts:
        waiting = needing.get(artefact.id, [])
        if not waiting or artefact.id in produced or artefact.external is not None or artefact.provider:
            continue  # `external`: made under other rules; `from:` another agency's input (unrequired-input)
        first = waiting[0]
        others = f" (as do {len(waiting) - 1} more duties)" if len(waiting) > 1 else ""
        yield make(
            "dangling-reference",
            f"artefact {artefact.id}",
            "warning",
            [c for d in waiting for c in d.clause],
            first_fitting(
                f"No clause says who makes {artefact.name}, or by when, yet {clauses_ref(protocol, first.clause)} "
                f"needs it{others}: {doing(protocol, first)}.",
                f"No clause says who makes {artefact.name}, or by when, yet {clauses_ref(protocol, first.clause)} "
                f"needs it{others}.",
            ),
            agencies=[agencies[p] for d in waiting for p in d.actor or () if p in agencies],
            suggestion=f"Say who makes {artefact.name} and by when, or which rules it is made under.",
        )


# --- escalation ----------------------------------------------------------------------------------


def escalation_gaps(protocol: Protocol) -> Iterator[Finding]:
    """Dispute routes whose last step names no role, names agencies or people rather than roles, or
    names roles of agencies that are not in the dispute (those named at the route's earlier steps)."""
    agencies = names(protocol).agency
    for route in protocol.escalation:
        last = route.steps[-1]
        disputing = {agencies[p] for step in route.steps[:-1] for p in step.parties or () if p in agencies}
        problems = last_step_problems(protocol, last, disputing)
        if not problems:
            continue
        yield make(
            "escalation-gap",
            f"route {route.id}",
            "warning",
            route.clause,
            f"The dispute route in {clauses_ref(protocol, route.clause)} ends without a named post to decide: "
            f"{'; and '.join(problems)}. A dispute that reaches the top has no one to settle it.",
            agencies=sorted(disputing | {agencies[p] for p in last.parties or () if p in agencies}),
            suggestion="End the route with the posts that decide, e.g. the two heads of service, and a tie-break.",
        )


def last_step_problems(protocol: Protocol, last: EscalationStep, disputing: set[str]) -> list[str]:
    """What is wrong with the last step of a dispute route, in words: it names no one, names parties
    that are not roles, or roles of agencies not in the dispute (`disputing`)."""
    if last.parties is None:
        return [f"its last step ({last.words or 'not described'}) names no one"]
    roles = {r.id: a.id for a in protocol.agencies for r in a.roles}
    party = names(protocol).short
    problems = []
    if not_roles := [p for p in last.parties if p not in roles]:
        problems.append(
            f"its last step names {listing(party(p) for p in not_roles)}, not a role held by a person in post"
        )
    if outsiders := [p for p in last.parties if p in roles and disputing and roles[p] not in disputing]:
        problems.append(
            f"its last step names {listing(party(p) for p in outsiders)}, of an agency that is not in the dispute "
            f"(the earlier steps name {listing(sorted(party(a) for a in disputing))})"
        )
    return problems
