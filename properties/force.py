"""Looser than statute in force or in scope: the law says must, the protocol says should, may, or only
"consider"; the law covers every child of a kind, the protocol only some of them.

Stockport 4.1.2: a transfer under PACE "must be considered", and only for a child charged and due
at court the next day; PACE s38(6) requires the transfer of every charged child kept in police
custody (with narrow exceptions). A protocol duty restates a statutory duty of the baseline when it
is of the same kind (docs/vocabulary.md) and starts the same way: the same event, or entering or
leaving a state of the same situation kind. For each `must` of the baseline within the protocol's
scope (docs/statute.md) that the protocol restates, `looser-than-statute` is reported once per kind

- **in force** where every duty restating it is a `should` or a `may`, or only asks for the act to
  be considered (its action begins "consider");
- **in scope** where their `when:` leaves out children statute covers: a situation a case can reach,
  in which the trigger can happen and the statutory condition holds (its states read by situation
  kind, its attributes where the protocol has them under the same id and type), where none of them
  applies. Where the statutory condition cannot be read in the protocol's terms, scope is not judged.

It is an **error** (a practitioner who follows the protocol can breach a statutory duty between the
agencies), a **warning** where the statutory text is unconfirmed. Timescales later than statute's are
the statutory-conflict check's.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.conditions import ALWAYS, All, AnyOf, Comparison, Condition, Not
from ..model.names import names
from ..model.schema import Duty, Protocol, State
from ..model.wording import NO_ONE, clause_words
from .findings import Finding, Witness, make
from .situations import Situations, Undecided, keys_of
from .statute import provisions_words, requirements, scope, state_kinds
from .who import agencies, cap, shorts, situation_words

CONSIDER = "consider "


def looser_than_statute(
    protocol: Protocol, baseline: Protocol, situations: Situations, timeout_ms: int
) -> Iterator[Finding]:
    """Every statutory `must` the protocol restates with less force, or for fewer children."""
    reported: set[str] = set()
    for law in baseline.duties:
        if law.modality != "must" or scope(protocol, requirements(baseline, law)) is None:
            continue
        for kind in law.kind:
            restating = [d for d in protocol.duties if kind in d.kind and _same_start(protocol, baseline, d, law)]
            if not restating or kind in reported:
                continue
            weaker = all(_weaker(d) for d in restating)
            left_out = _left_out(protocol, baseline, law, restating, situations, timeout_ms)
            if weaker or left_out is not None:
                reported.add(kind)
                yield _finding(protocol, baseline, law, restating, weaker, left_out)


def _weaker(duty: Duty) -> bool:
    """Whether the duty is a `should`, a `may`, or only asks for the act to be considered."""
    return duty.modality != "must" or duty.action.lower().startswith(CONSIDER)


def _same_start(protocol: Protocol, baseline: Protocol, duty: Duty, law: Duty) -> bool:
    """Whether the two start the same way: the same event, or entering (leaving) a state of one kind."""
    ours, theirs = duty.trigger, law.trigger
    if ours is None or theirs is None:
        return False
    if ours.event is not None or theirs.event is not None:
        return ours.event == theirs.event
    ours_kinds, their_kinds = state_kinds(protocol), state_kinds(baseline)
    for key in ("enter", "exit"):
        mine, statutory = getattr(ours, key), getattr(theirs, key)
        if mine is not None and statutory is not None:
            return mine in ours_kinds and ours_kinds.get(mine) == their_kinds.get(statutory)
    return False


def _left_out(
    protocol: Protocol, baseline: Protocol, law: Duty, restating: list[Duty], situations: Situations, timeout_ms: int
) -> tuple[dict, str] | None:
    """A situation statute covers and no restating duty applies in, as data and words; None if there is
    none, or the statutory condition cannot be read in the protocol's terms."""
    if all(d.when is None for d in restating):
        return None
    covered = _translate(protocol, baseline, law.when) if law.when is not None else ALWAYS
    start = _can_start(protocol, restating[0])
    if covered is None or start is None:
        return None
    applies = AnyOf(tuple(d.when if d.when is not None else ALWAYS for d in restating))
    question = All((covered, start, Not(applies)))
    try:
        found = situations.nearest(question, timeout_ms)
    except Undecided:
        return None
    if found is None:
        return None
    return situations.describe(found[0], keys_of(covered, applies), found[1])


def _then(protocol: Protocol, duty: Duty, words: str) -> str:
    """A left-out child's situation, and the event that then starts the duty: the child is described
    where the trigger can happen (at the station), before it (charged)."""
    event = duty.trigger.event if duty.trigger is not None else None
    return f"{words}; then '{names(protocol).event(event)}'" if event else words


def _can_start(protocol: Protocol, duty: Duty) -> Condition | None:
    """Where the duty's trigger can happen: in a state an event moves a case from, or the state entered
    or left; None where the trigger is another duty."""
    trigger = duty.trigger
    if trigger is None or trigger.duty is not None:
        return None
    if trigger.event is not None:
        moves = [
            Comparison(lc.id, "in", t.source)
            for lc in protocol.lifecycles
            for t in lc.transitions
            if t.event == trigger.event
        ]
        return AnyOf(tuple(moves)) if moves else ALWAYS
    state = trigger.enter or trigger.exit
    lifecycle = next(lc.id for lc in protocol.lifecycles if state in _states_of(lc.states))
    return Comparison(lifecycle, "eq", state)


def _states_of(states: tuple[State, ...]) -> set[str]:
    """The ids of the states and of every state inside them."""
    return {name for state in states for name in (state.id, *_states_of(state.states))}


def _translate(protocol: Protocol, baseline: Protocol, condition: Condition) -> Condition | None:
    """A baseline condition in the protocol's terms: states by situation kind, attributes the protocol
    has under the same id and type; None if some part cannot be read so."""
    match condition:
        case Comparison(key, op, value):
            lifecycles = {lc.id for lc in baseline.lifecycles}
            return (
                _states(protocol, baseline, op, value)
                if key in lifecycles
                else _attribute(protocol, baseline, condition)
            )
        case All(parts) | AnyOf(parts):
            translated = [_translate(protocol, baseline, p) for p in parts]
            if any(t is None for t in translated):
                return None
            return type(condition)(tuple(translated))  # type: ignore[arg-type]
        case Not(part):
            inner = _translate(protocol, baseline, part)
            return None if inner is None else Not(inner)
    return None


def _states(protocol: Protocol, baseline: Protocol, op: str, value) -> Condition | None:
    """A test of the baseline's states as the protocol's states of the same situation kinds."""
    if op not in ("eq", "in"):
        return None
    wanted = value if isinstance(value, tuple) else (value,)
    their_kinds, ours = state_kinds(baseline), state_kinds(protocol)
    if any(s not in their_kinds for s in wanted):
        return None
    kinds = {their_kinds[s] for s in wanted}
    tests = []
    for lifecycle in protocol.lifecycles:
        states = tuple(s for s in sorted(_states_of(lifecycle.states)) if ours.get(s) in kinds)
        if states:
            tests.append(Comparison(lifecycle.id, "in", states))
    return AnyOf(tuple(tests)) if tests else None


def _attribute(protocol: Protocol, baseline: Protocol, test: Comparison) -> Condition | None:
    """A test of a baseline attribute, if the protocol has one of the same id and type that fits it."""
    theirs = next((a for a in baseline.attributes if a.id == test.key), None)
    ours = next((a for a in protocol.attributes if a.id == test.key), None)
    if theirs is None or ours is None or theirs.type != ours.type:
        return None
    values = test.value if isinstance(test.value, tuple) else (test.value,)
    if ours.type == "enum" and any(v not in {x.id for x in ours.values} for v in values):
        return None
    return test


def _said(protocol: Protocol, restating: list[Duty], weaker: bool, narrower: bool) -> str:
    """What the protocol says, in words: 'Clause 4.1.2 only asks for ... to be considered, and only
    where the child is ...'."""
    duty = restating[0]
    where = cap(clause_words(c for d in restating for c in d.clause))
    who = shorts(protocol, duty.actor) if duty.actor else None
    if weaker and duty.action.lower().startswith(CONSIDER):
        what = duty.action[len(CONSIDER) :]
        said = (
            f"{where} only asks {who} to consider {what}"
            if who
            else f"{where} only asks for {what} to be considered, by {NO_ONE['short']}"
        )
    else:
        said = f"{where} says {who or 'someone'} {duty.modality if weaker else 'must'} {duty.action}"
    if narrower:
        conditions = tuple(d.when for d in restating if d.when is not None)
        said += f", and only where the child is {situation_words(protocol, AnyOf(conditions))}"
    return said


def _finding(
    protocol: Protocol,
    baseline: Protocol,
    law: Duty,
    restating: list[Duty],
    weaker: bool,
    left_out: tuple[dict, str] | None,
) -> Finding:
    statute = provisions_words(baseline, law.statute)
    by = shorts(baseline, law.actor) if law.actor else "the body it names"
    unconfirmed = any(p.confidence == "unconfirmed" for p in law.statute)
    every = ", for every child it covers" if left_out else ""
    nobody = all(d.actor is None for d in restating)
    return make(
        "looser-than-statute",
        f"{baseline.metadata.id} kind {'/'.join(law.kind)} force",
        "warning" if unconfirmed else "error",
        tuple(c for d in restating for c in d.clause),
        f"{_said(protocol, restating, weaker, left_out is not None)}. {statute} says {by} must {law.action}{every}."
        + (" (The English text of that provision is unconfirmed.)" if unconfirmed else ""),
        agencies=agencies(protocol, (p for d in restating for p in d.actor or ())),
        witness=Witness(situation=left_out[0], words=_then(protocol, restating[0], left_out[1])) if left_out else None,
        suggestion="Say it must be done, for every child the law covers, and who in each service does what.",
        duties=[d.id for d in restating] if nobody else [],
    )
