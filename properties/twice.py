"""The same item due twice: one thing asked of two agencies, or of one by two different dates, for the
same recipient.

Warwickshire asks for "any immediate information necessary to ensure the child's safety" from WYJS
within 24 hours (8.6) and from the social worker within five working days of sentence (8.7): each
may count on the other, and the establishment may get it a week late. A duty (a `must` or a
`should`, with a recipient) delivers what it produces and each entry of its list. Two deliveries
are of the same item when they name the same artefact (`produces`, or an entry's `artefact:`) or
their entries are worded alike (the same words, in any case, without "the", "a" or "any" in front).
`item-due-twice` (a warning) is reported once per item delivered to a recipient (by agency) by two
duties that some case can need together, when they are of different agencies, or of one agency
with two different time limits (one agency restating it without a limit is not a second demand).
Two duties of one `type` are one duty stated twice: the deadline checks compare them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model.conditions import ALWAYS, All
from ..model.schema import Duty, Protocol
from ..model.wording import clause_words
from .findings import Finding, make
from .situations import Situations, Undecided
from .who import agencies, cap, firm, limit_words, short, shorts

_LEADING = re.compile(r"^(?:the|a|an|any)\s+")


@dataclass(frozen=True)
class Delivery:
    """One duty giving one item to its recipients: the item's words and the clause it is listed at."""

    duty: Duty
    words: str
    clause: str


def items_due_twice(protocol: Protocol, situations: Situations, timeout_ms: int) -> Iterator[Finding]:
    """Every item two duties deliver to one recipient, from different agencies or with different limits."""
    by_item: dict[tuple[str, str], list[Delivery]] = {}
    for duty in protocol.duties:
        if duty.modality == "may" or not duty.recipient:
            continue
        for key, delivery in _deliveries(protocol, duty):
            for recipient in agencies(protocol, duty.recipient):
                by_item.setdefault((key, recipient), []).append(delivery)
    reported: set[str] = set()
    for (key, recipient), deliveries in by_item.items():
        pair = _clash(deliveries, protocol, situations, timeout_ms)
        if pair is not None and key not in reported:
            reported.add(key)
            yield _finding(protocol, key, recipient, pair)


def _deliveries(protocol: Protocol, duty: Duty) -> Iterator[tuple[str, Delivery]]:
    names = {a.id: a.name for a in protocol.artefacts}
    for artefact in duty.produces:
        yield f"artefact {artefact}", Delivery(duty, names.get(artefact, artefact), duty.clause[0])
    for item in duty.items:
        key = f"artefact {item.artefact}" if item.artefact else f"words {_plain(item.what)}"
        yield key, Delivery(duty, item.what, item.clause)


def _plain(words: str) -> str:
    """Words as compared: lower case, no punctuation, single spaces, no article in front."""
    return _LEADING.sub("", " ".join(re.sub(r"[^\w\s]", " ", words.lower()).split()))


def _clash(
    deliveries: list[Delivery], protocol: Protocol, situations: Situations, timeout_ms: int
) -> tuple[Delivery, Delivery] | None:
    """The first two deliveries, of different duties that some case can need together, that come from
    different agencies or give different limits."""
    for i, first in enumerate(deliveries):
        for second in deliveries[i + 1 :]:
            a, b = first.duty, second.duty
            if a.id == b.id or (a.type is not None and a.type == b.type):
                continue
            apart = set(agencies(protocol, a.actor or ())) != set(agencies(protocol, b.actor or ()))
            if not apart and not (firm(a) and firm(b) and a.timescale != b.timescale):
                continue  # one agency restating it, with at most one limit: not two demands
            both = All(tuple(d.when for d in (a, b) if d.when is not None)) if a.when or b.when else ALWAYS
            try:
                together = situations.nearest(both, timeout_ms) is not None
            except Undecided:
                together = True  # not decided: the two can be needed together as far as is known
            if together:
                return first, second
    return None


def _finding(protocol: Protocol, key: str, recipient: str, pair: tuple[Delivery, Delivery]) -> Finding:
    first, second = pair
    parts = []
    for delivery in pair:
        duty = delivery.duty
        who = shorts(protocol, duty.actor) if duty.actor else "someone not named"
        where = clause_words(dict.fromkeys((*duty.clause, delivery.clause)))
        parts.append(f"from {who} {limit_words(protocol, duty)} ({where})")
    to = short(protocol, recipient)
    return make(
        "item-due-twice",
        f"item {key} to {recipient}",
        "warning",
        (*first.duty.clause, first.clause, *second.duty.clause, second.clause),
        f"'{cap(first.words.rstrip('.;:, '))}' is asked for twice for {to}: {parts[0]}, and {parts[1]}. Each may "
        "count on the other, and it may arrive late or not at all.",
        agencies=agencies(protocol, (*(first.duty.actor or ()), *(second.duty.actor or ()))),
        suggestion="Say once who gives it and by when; if both do, say what each adds.",
        duties=[first.duty.id, second.duty.id],
    )
