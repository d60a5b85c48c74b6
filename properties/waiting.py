"""Waiting with no limit: a child left somewhere not meant for staying, with no time limit on the wait
and nobody named for what happens if it runs on.

A state marked `waiting:` (the child waits at court or a police station while a placement is sought)
says what ends the wait (`for:` the duty whose doing ends it) and what happens if it runs on
(`fallback:` a duty: at the end of the day, overnight). For each such state a case can reach,
`waiting-no-limit` reports

- an **error** where the wait has no time limit and no fallback: the duty that ends it gives no limit
  (no time within its trigger, no event it is due before or at) or there is no such duty, and no
  fallback is named. The child can wait without end, which is what the harm rule calls an error;
- a **warning** where the duty that ends the wait has a limit but no fallback is named: nobody is
  named to decide where the child goes if the limit passes.

A state with a fallback is never reported: the fallback bounds the wait.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.names import names
from ..model.schema import Duty, Protocol, State
from ..model.wording import NO_ONE, clause_words
from .findings import Finding, make
from .situations import Situations
from .who import cap, firm, limit_words, short, shorts


def waiting_states(protocol: Protocol, situations: Situations) -> Iterator[Finding]:
    """Every reachable waiting state with no time limit, or with no fallback."""
    reached = set().union(*situations.configurations) if situations.configurations else set()
    duties = {d.id: d for d in protocol.duties}
    for state in protocol.states():
        waiting = state.waiting
        if waiting is None or waiting.fallback is not None or state.id not in reached:
            continue
        ends = duties.get(waiting.until) if waiting.until is not None else None
        yield _finding(protocol, state, ends)


def _finding(protocol: Protocol, state: State, ends: Duty | None) -> Finding:
    where = names(protocol).state(state.id)
    limited = ends is not None and firm(ends)
    clauses = state.clause + (ends.clause if ends is not None else ())
    if ends is None:
        cause = "Nothing in the protocol ends the wait"
        helper = "the agency that ends the wait"
    else:
        who = shorts(protocol, ends.actor) if ends.actor else NO_ONE["short"]
        timing = limit_words(protocol, ends).removeprefix("within ") if limited else "no time limit"
        where_said = "The same clause" if ends.clause == state.clause else cap(clause_words(ends.clause))
        cause = f"{where_said} gives {who} {timing} to {ends.action}"
        helper = short(protocol, ends.actor[0]) if ends.actor else "someone"
    if limited:
        return make(
            "waiting-no-limit",
            f"state {state.id} waiting",
            "warning",
            clauses,
            f"A child can be {where} ({clause_words(state.clause)}). {cause}, but no clause says who decides where "
            "the child goes if that passes, at the end of the day or overnight.",
            suggestion=(
                f"Say what happens if the limit passes: who decides where the child goes, and who asks {helper}."
            ),
            duties=(ends.id,),
        )
    return make(
        "waiting-no-limit",
        f"state {state.id} waiting",
        "error",
        clauses,
        f"A child can be {where} ({clause_words(state.clause)}). {cause}, and no clause says what happens if the "
        "wait runs into the evening or overnight. The child could wait there without end.",
        suggestion=(
            "Set a time limit for the wait and say who decides, and where the child goes, if it is not met by the end "
            "of the day."
        ),
        duties=(ends.id,) if ends is not None else (),
    )
