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
from ..model.names import names, parties_words
from ..model.schema import Duty, EscalationStep, Protocol, Transition
from ..model.wording import clause_words, listing, quoted
from .context import Context
from .findings import Finding, Witness, make, ordered
from .handovers import silent_handovers
from .situations import Config, Situations


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
                "warning",
                state.clause,
                f"Could not decide whether a case can ever be '{name}' ({lifecycle}): the search of situations stopped "
                f"after {len(situations.configurations)} of them before reaching it.",
                suggestion=(
                    "Split the protocol's lifecycles or narrow the attributes' ranges so that the search can finish."
                ),
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
            suggestion=(
                f"Say which event brings a case into '{name}' (a transition with its clause), or remove the state if "
                "the text does not describe it."
            ),
        )


def default_entry(situations: Situations, state: str) -> set[str]:
    """A state and the descendants entered with it by default."""
    node = situations.nodes[state]
    children = node.children if node.kind == "parallel" else [node.initial] if node.initial else []
    return {state}.union(*(default_entry(situations, child) for child in children))


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
        lifecycle = names(protocol).lifecycles[situations.lifecycle_of[state.id]]
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
            "responsibilities) applies to the child indefinitely, and anything meant to follow it never "
            f"starts.{undecided}",
            witness=Witness(situation=example[0], words=example[1]) if example else None,
            suggestion=(
                f"Say what ends '{name}' (an event, an age, a decision) and what follows it, or mark the state final "
                "if a case really stays in it."
            ),
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


def unmade_artefacts(protocol: Protocol) -> Iterator[Finding]:
    """Artefacts some duty needs that no duty produces."""
    produced = {a for duty in protocol.duties for a in duty.produces}
    agencies = names(protocol).agency
    needing: dict[str, list[Duty]] = defaultdict(list)  # the duties that need each artefact, in the protocol's order
    for duty in protocol.duties:
        for needed in dict.fromkeys(duty.needs):
            needing[needed].append(duty)
    for artefact in protocol.artefacts:
        waiting = needing.get(artefact.id, [])
        if not waiting or artefact.id in produced or artefact.provider:
            continue  # another agency's input (`from:`) is reported by the practice checks (unrequired-input)
        duties = listing(
            f"'{d.action}' ({clause_words(d.clause)}, {parties_words(protocol, d.actor, nobody='short')})"
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
            suggestion=(
                f"Add a duty saying who produces {artefact.name} and by when, in time for the duties that need it."
            ),
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
            f"The dispute route for {route.about} ({clause_words(route.clause)}) does not end with a named person in "
            f"post: {'; and '.join(problems)}. A dispute that reaches the top of the route has no one to decide it, "
            "and while it is unresolved the child's plan can stall.",
            agencies=sorted(disputing | {agencies[p] for p in last.parties or () if p in agencies}),
            suggestion=(
                "End the route with the roles (posts) who make the final decision for each service, e.g. the two "
                "heads of service."
            ),
        )


def last_step_problems(protocol: Protocol, last: EscalationStep, disputing: set[str]) -> list[str]:
    """What is wrong with the last step of a dispute route, in words: it names no one, names parties
    that are not roles, or roles of agencies not in the dispute (`disputing`)."""
    if last.parties is None:
        return [f"its last step ({last.words or 'not described'}) names no one"]
    roles = {r.id: a.id for a in protocol.agencies for r in a.roles}
    party = names(protocol).party
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
