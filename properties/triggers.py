"""Triggers that never fire on some branch: a duty starts only once another is done, the other is asked
for only in some cases, and in the rest nothing starts it, though work that every case needs waits
on what it makes.

"Upon receipt of the referral CSC will allocate the case for assessment": the referral is asked for
only where the case is not open to CSC, so for an open case nothing starts the assessment, which
the pre-sentence report needs. A duty applies where its own `when` holds and, if another duty's
being done triggers it, where that one applies (and so on up the chain). For each duty (a `must`
or a `should`) that `needs` an artefact, `trigger-never-fires` asks for a situation a case can reach
in which it applies and none of the duties producing the artefact does, because of a condition on
a duty up a producer's trigger chain. The duty that sets the condition is named, with the child it
leaves out. It is an **error** where both the duty that needs the artefact and the one that never
starts are `must`s (the child goes without the work), a **warning** otherwise.

A producer restricted by its own `when` is not reported here: the text chose those cases itself.
An artefact no duty produces is a dangling reference, or an input nobody must give.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.conditions import ALWAYS, All, AnyOf, Condition, Not
from ..model.names import names
from ..model.schema import Duty, Protocol
from ..model.wording import clause_words
from .findings import Finding, make
from .situations import Situations, Undecided
from .who import cap, situation_words, the


def never_started(protocol: Protocol, situations: Situations, timeout_ms: int) -> Iterator[Finding]:
    """Every duty some needed work waits on that nothing starts on some branch."""
    duties = {d.id: d for d in protocol.duties}
    chains = _Chains(duties)
    reported: set[str] = set()
    for duty in protocol.duties:
        if duty.modality == "may":
            continue
        for need in duty.needs:
            producers = [d for d in protocol.duties if d.modality != "may" and need in d.produces]
            narrowed = [(p, link) for p in producers if (link := chains.narrowing(p)) is not None and link != p]
            if not producers or not narrowed:
                continue
            missing = All((chains.applies(duty), Not(AnyOf(tuple(chains.applies(p) for p in producers)))))
            try:
                found = situations.nearest(missing, timeout_ms)
            except Undecided:
                continue  # an undecided question is not reported as a finding of this kind
            producer, link = narrowed[0]
            if found is None or link.id in reported:
                continue
            reported.add(link.id)
            yield _finding(protocol, duty, need, chains.started_by(producer, link), link)


class _Chains:
    """Where each duty applies, counting the duties up its trigger chain."""

    def __init__(self, duties: dict[str, Duty]):
        self.duties = duties
        self._applies: dict[str, Condition] = {}

    def up(self, duty: Duty) -> list[Duty]:
        """The duty and those up its trigger chain, nearest first (a cycle is followed once)."""
        chain, seen = [duty], {duty.id}
        while chain[-1].trigger is not None and (above := chain[-1].trigger.duty) in self.duties and above not in seen:
            chain.append(self.duties[above])
            seen.add(above)
        return chain

    def applies(self, duty: Duty) -> Condition:
        """Where the duty applies: its own `when`, and that of every duty up its trigger chain."""
        if duty.id not in self._applies:
            parts = tuple(d.when for d in self.up(duty) if d.when is not None)
            self._applies[duty.id] = All(parts) if parts else ALWAYS
        return self._applies[duty.id]

    def narrowing(self, duty: Duty) -> Duty | None:
        """The nearest duty up the chain (the duty itself included) with a `when`: what narrows it."""
        return next((d for d in self.up(duty) if d.when is not None), None)

    def started_by(self, duty: Duty, link: Duty) -> Duty:
        """The duty of the chain that `link` being done starts."""
        chain = self.up(duty)
        return chain[chain.index(link) - 1]


def _finding(protocol: Protocol, needs: Duty, artefact: str, starts: Duty, link: Duty) -> Finding:
    only = situation_words(protocol, link.when)
    others = situation_words(protocol, Not(link.when)) if link.when is not None else "any other child"
    what = names(protocol).artefact(artefact)
    severe = needs.modality == "must" and starts.modality == "must"
    return make(
        "trigger-never-fires",
        f"duty {starts.id} started by {link.id}",
        "error" if severe else "warning",
        (*starts.clause, *link.clause, *needs.clause),
        f"{cap(clause_words(starts.clause))} ({starts.action}) starts only once {clause_words(link.clause)} "
        f"({link.action}) is done, which applies only where the child is {only}. For a child who is {others}, "
        f"nothing starts it, yet {clause_words(needs.clause)} "
        f"{'need' if len(needs.clause) > 1 else 'needs'} {the(what)}.",
        suggestion=f"Say what starts it for the other children, or make {clause_words(link.clause)} apply to every "
        "child whose case needs it.",
    )
