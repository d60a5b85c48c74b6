"""Inputs nobody must give: a duty that needs something from another agency (its views, an assessment,
information) that no duty asks that agency to give, or by when.

"The YOS will inform the Court of the views of Children's Social Care": nothing makes CSC give its
views. An artefact with `from:` is another agency's input; a duty `needs:` it. For each duty (a
`must` or a `should`) that needs one from an agency other than its own, `unrequired-input` reports

- a **warning** where no duty (a `must` or a `should`, of that agency or naming no one) produces it,
  in its `produces` or as an entry of its list (`items: - artefact:`): nothing asks the agency to
  give it, so the work that needs it may be done without it;
- **information** where such duties exist but none gives a time (within a time of its trigger,
  before or at an event): it may come too late to be used.

An artefact with no `from:` that no duty produces is a dangling reference (the structure checks).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.names import names
from ..model.schema import Artefact, Duty, Protocol
from ..model.wording import clause_words
from .findings import Finding, make
from .who import agencies, cap, firm, shorts, the


def unrequired_inputs(protocol: Protocol) -> Iterator[Finding]:
    """Every input from another agency that no duty asks it to give, or gives no time for."""
    artefacts = {a.id: a for a in protocol.artefacts}
    for duty in protocol.duties:
        if duty.modality == "may":
            continue
        own = set(agencies(protocol, duty.actor or ()))
        for need in duty.needs:
            artefact = artefacts.get(need)
            if artefact is None or not artefact.provider:
                continue
            giving = set(agencies(protocol, artefact.provider))
            if own and own <= giving:
                continue  # the agency's own input: nothing crosses between agencies
            givers = [
                d for d in _producers(protocol, need) if d.actor is None or giving & set(agencies(protocol, d.actor))
            ]
            if not givers:
                yield _nobody(protocol, duty, artefact)
            elif not any(firm(d) for d in givers):
                yield _no_time(protocol, duty, artefact, givers)


def _producers(protocol: Protocol, artefact: str) -> list[Duty]:
    """The duties (a `must` or a `should`) that produce the artefact, or give it as an entry of a list."""
    return [
        d
        for d in protocol.duties
        if d.modality != "may" and (artefact in d.produces or any(i.artefact == artefact for i in d.items))
    ]


def _finding_words(protocol: Protocol, duty: Duty, artefact: Artefact) -> tuple[str, str, str]:
    who = shorts(protocol, duty.actor) if duty.actor else "someone"
    giver = shorts(protocol, artefact.provider)
    return who, giver, names(protocol).artefact(artefact.id)


def _nobody(protocol: Protocol, duty: Duty, artefact: Artefact) -> Finding:
    who, giver, what = _finding_words(protocol, duty, artefact)
    return make(
        "unrequired-input",
        f"duty {duty.id} needs {artefact.id}",
        "warning",
        duty.clause,
        f"{cap(clause_words(duty.clause))} has {who} {duty.action}, which needs {the(what)} (from {giver}). No "
        f"clause asks {giver} to give {who} that, or by when, so {who} may have to do without it.",
        agencies=agencies(protocol, (*(duty.actor or ()), *artefact.provider)),
        suggestion=f"Add a duty for {giver} to give {who} {the(what)}, with a time limit that leaves time to use it.",
    )


def _no_time(protocol: Protocol, duty: Duty, artefact: Artefact, givers: list[Duty]) -> Finding:
    who, giver, what = _finding_words(protocol, duty, artefact)
    given_in = clause_words(c for d in givers for c in d.clause)
    return make(
        "unrequired-input",
        f"duty {duty.id} needs {artefact.id}",
        "info",
        (*duty.clause, *(c for d in givers for c in d.clause)),
        f"{cap(clause_words(duty.clause))} has {who} {duty.action}, which needs {the(what)} (from {giver}). "
        f"{cap(given_in)} asks {giver} to give it but sets no time, so it may come too late to be used.",
        agencies=agencies(protocol, (*(duty.actor or ()), *artefact.provider)),
        suggestion=f"Say by when {giver} gives it: for example a number of working days before {who} needs it.",
    )
