"""One realistic child for a duty: a situation the case can reach in which the duty applies and
what starts it has happened.

A finding about a duty shows the child it is about. That child must fit the duty: a duty started by
a charge is shown for a charged child, never for one with "no current justice involvement". So the
situation is looked for where the duty's `when` holds and the case is where its trigger leaves it:
after the event (in a state a transition on it leads to), in the state it enters, out of the state
it leaves, or where the duty that starts it applies and has been started.
"""

from __future__ import annotations

from ..model.conditions import All, AnyOf, Comparison, Condition
from ..model.names import child_words
from ..model.schema import Duty, Protocol
from .findings import Witness
from .situations import Situations, Undecided, keys_of


def after_trigger(protocol: Protocol, situations: Situations, duty: Duty, seen: frozenset[str] = frozenset()) -> list:
    """The conditions that hold once what starts the duty has happened (none if nothing does, or an
    event no lifecycle moves on)."""
    trigger = duty.trigger
    if trigger is None or duty.id in seen:
        return []
    if trigger.event is not None:
        targets = [(lc, t.target) for lc, t in situations.transitions if t.event == trigger.event]
        return [AnyOf(tuple(Comparison(lc, "eq", target) for lc, target in dict.fromkeys(targets)))] if targets else []
    if trigger.enter is not None and trigger.enter in situations.lifecycle_of:
        return [Comparison(situations.lifecycle_of[trigger.enter], "eq", trigger.enter)]
    if trigger.exit is not None and trigger.exit in situations.lifecycle_of:
        lifecycle = situations.lifecycle_of[trigger.exit]
        return [Comparison(lifecycle, "ne", trigger.exit)]
    upstream = next((d for d in protocol.duties if d.id == trigger.duty), None)
    if upstream is None:
        return []
    own = [upstream.when] if upstream.when is not None else []
    return own + after_trigger(protocol, situations, upstream, seen | {duty.id})


def child_for(protocol: Protocol, situations: Situations, duty: Duty, timeout_ms: int) -> Witness | None:
    """The first situation (nearest the start) in which the duty applies once started, as a witness
    with the child in words; None where the duty applies to every case from the start, or no such
    situation is found (or the solver cannot say)."""
    parts: list[Condition] = [duty.when] if duty.when is not None else []
    parts += after_trigger(protocol, situations, duty)
    if not parts:
        return None
    for condition in (All(tuple(parts)), *((duty.when,) if duty.when is not None and len(parts) > 1 else ())):
        try:
            found = situations.nearest(condition, timeout_ms)
        except Undecided:
            return None
        if found is not None:
            data, _ = situations.describe(found[0], keys_of(condition), found[1])
            return Witness(situation=data, words=child_words(protocol, data))
    return None
