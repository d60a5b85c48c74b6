"""Joint duties with no lead: one act given to several agencies, none of them named to lead.

"YOS and Social Care have a responsibility to inform the Virtual School": each service can count on
the other to do it, and then nobody does. A duty is reported (`joint-duty-no-lead`, a warning) when

- its actors belong to two agencies or more (a role counts as its agency; people are left out),
- it names no `lead`, and it is a `must` or a `should`, and
- it is one act that any of them could do: `shared: either`; or, where `shared` is not given, an act
  done for someone outside the actors' agencies (the Virtual School, the court: a recipient that is
  an agency or a role of another agency). A child or a parent as the recipient is not enough: a
  joint visit to the child is made together.

`shared: each` (every service trains its own staff) and `shared: together` (a joint visit, a
discussion between managers) are never reported: the text asks each of them, or both at once.
Responsibilities held jointly under an ownership rule are the ownership checks' (ownership-conflict).
A joint duty that gives no time limit either is one defect: the finding says "nor by when", and the
duty is not reported again as a vague deadline (`check.unrepeated`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.names import names
from ..model.schema import Duty, Protocol
from ..model.wording import clause_words
from .findings import Finding, make
from .who import agencies, cap, firm, short, shorts


def joint_duties(protocol: Protocol) -> Iterator[Finding]:
    """Every duty given to several agencies, as one act, with no lead."""
    for duty in protocol.duties:
        if duty.actor is None or duty.lead is not None or duty.modality == "may":
            continue
        held_by = agencies(protocol, duty.actor)
        if len(held_by) < 2 or not _one_act(protocol, duty, held_by):
            continue
        yield _finding(protocol, duty, held_by)


def _one_act(protocol: Protocol, duty: Duty, held_by: tuple[str, ...]) -> bool:
    """Whether the duty is one act any of its actors could do (see the module's docstring)."""
    if duty.shared is not None:
        return duty.shared == "either"
    agency_of = names(protocol).agency
    return any(r in agency_of and agency_of[r] not in held_by for r in duty.recipient)


def _finding(protocol: Protocol, duty: Duty, held_by: tuple[str, ...]) -> Finding:
    who = shorts(protocol, duty.actor or ())
    first = short(protocol, (duty.actor or held_by)[0])
    return make(
        "joint-duty-no-lead",
        f"duty {duty.id} joint",
        "warning",
        duty.clause,
        f"{cap(clause_words(duty.clause))} {'give' if len(duty.clause) > 1 else 'gives'} {who} together the duty to "
        f"{duty.action}, and names no lead{'' if firm(duty) else ', nor by when'}. Each may count on "
        f"{'the other' if len(held_by) == 2 else 'another'} to do it, so it may not be done at all.",
        agencies=held_by,
        duties=[duty.id],
        suggestion=f"Say which of {who} does it (for example {first}), and that it tells the other once it is done.",
    )
