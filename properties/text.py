"""Text: what the protocol's wording leaves open, read from the encoding without any solving.

- `vague-deadline`: a duty whose timescale is only words ("as soon as", "in a timely manner"), and a
  duty that something triggers but that gives no timescale at all (open-ended: by when?);
- `numbering`: list items printed with numbers that belong under another clause than the one they
  sit in (Warwickshire's 8.4.1–8.4.35 under clauses 8.6–8.16), one finding per clause;
- `review-overdue` / `review-missing`: the protocol's own review date has passed, or it sets none.

Clauses cited that do not exist are `dangling-reference`s (see `structure`), not numbering faults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..model.names import firm_limit_words, names, parties_words, trigger_words
from ..model.schema import Duty, Item, Protocol, clause_sort_key
from ..model.wording import clause_words, listing, long_date
from .context import Context
from .findings import Finding, make, ordered


def check(protocol: Protocol, context: Context) -> list[Finding]:
    """Every text finding on the protocol, as of `context.today`."""
    return ordered([*vague_deadlines(protocol), *numbering(protocol), *review(protocol, context.today)])


# --- deadlines -----------------------------------------------------------------------------------


def vague_deadlines(protocol: Protocol) -> Iterator[Finding]:
    """Duties timed only by words, and triggered duties (not permissions) with no timescale."""
    for duty in protocol.duties:
        timescale = duty.timescale
        who = parties_words(protocol, duty.actor, nobody="text")
        where = clause_words(duty.clause)
        if timescale is not None and timescale.vague is not None:
            limit = firm_limit_words(protocol, timescale)
            if limit:
                detail = (
                    f"The clause also sets a limit ({limit}), so the deadline itself is clear; the words only ask for "
                    "it sooner, and nobody can tell when 'sooner' has been missed."
                )
            else:
                detail = (
                    "The words give no number of hours or days, so nobody can tell when the duty is late, and the "
                    "child can be left waiting without anyone having broken the protocol."
                )
            yield make(
                "vague-deadline",
                f"vague timescale of duty {duty.id}",
                "warning" if duty.modality == "must" and not limit else "info",
                duty.clause,
                f"In {where}, {who} {duty.modality} {duty.action} '{timescale.vague}'. {detail}",
                agencies=duty_agencies(protocol, duty),
                suggestion=(
                    f"Replace or back '{timescale.vague}' with a limit, e.g. 'within 1 working day of ...' or 'no "
                    "later than ... before ...'."
                ),
            )
        elif timescale is None and duty.trigger is not None and duty.modality != "may":
            yield make(
                "vague-deadline",
                f"no timescale for triggered duty {duty.id}",
                "warning",
                duty.clause,
                f"In {where}, {who} {duty.modality} {duty.action}. The duty is triggered by "
                f"{trigger_words(protocol, duty, 'case')}, but the clause says nothing about by when. It is "
                "open-ended: it cannot be late, so a delay for the child is never visible as a breach.",
                agencies=duty_agencies(protocol, duty),
                suggestion=(
                    "Say by when, counted from the trigger (e.g. 'within 5 working days of ...') or before a dated "
                    "event."
                ),
            )


def duty_agencies(protocol: Protocol, duty: Duty) -> list[str]:
    """The agencies a duty's actors are or sit under."""
    agencies = names(protocol).agency
    return [agencies[p] for p in duty.actor or () if p in agencies]


# --- numbering -----------------------------------------------------------------------------------


def numbered_under(item: str, clause: str) -> bool:
    """Whether a printed item number belongs under a clause: 8.6.1 or 8.6(a) under 8.6."""
    head = clause.partition("(")[0]
    return item == clause or item.startswith((f"{head}.", f"{head}("))


def printed_parent(item: str) -> str:
    """The clause a printed number says an item belongs to: 8.4 for 8.4.1, 7.2 for 7.2(a)."""
    head, bracket, _ = item.partition("(")
    return head if bracket else head.rpartition(".")[0]


def numbering(protocol: Protocol) -> Iterator[Finding]:
    """List items numbered as if under another clause; one finding per clause the list sits in
    (two duties encoding the same printed list give one finding)."""
    misnumbered: dict[tuple[str, ...], list[Item]] = {}
    for duty in protocol.duties:
        for item in duty.items:
            if item.clause[0].isdigit() and not any(numbered_under(item.clause, c) for c in duty.clause):
                listed = misnumbered.setdefault(duty.clause, [])
                if item.clause not in (i.clause for i in listed):
                    listed.append(item)
    known = set(protocol.clause_ids())
    for clauses, items in misnumbered.items():
        items = sorted(items, key=lambda i: clause_sort_key(i.clause))
        numbers = [i.clause for i in items]
        span = numbers[0] if len(numbers) == 1 else f"{numbers[0]} to {numbers[-1]}"
        parents = sorted({printed_parent(n) for n in numbers}, key=clause_sort_key)
        clash = [p for p in parents if p in known and p not in clauses]
        also = (
            f" The protocol has its own clause {listing(clash)}, so a reference to these items is easily read as one "
            "to that clause."
            if clash
            else ""
        )
        yield make(
            "numbering",
            f"list in {', '.join(clauses)}",
            "info",
            [*clauses, *numbers],
            f"The list in {clause_words(clauses)} is numbered {span}, as if it belonged to "
            f"{clause_words(parents)}.{also} "
            "The numbers are kept as printed; cross-references to these items are ambiguous, which matters when "
            "practitioners cite them in a dispute or a review.",
            suggestion=(
                f"Renumber the items under {clauses[0]} (e.g. {clauses[0].partition('(')[0]}.1, "
                f"{clauses[0].partition('(')[0]}.2, ...)."
            ),
        )


# --- review --------------------------------------------------------------------------------------


def review(protocol: Protocol, today: dt.date) -> Iterator[Finding]:
    """The protocol's review date has passed, or it sets none."""
    metadata = protocol.metadata
    agreed = (
        f" It was agreed on {long_date(metadata.agreed)}." if metadata.agreed else " It gives no date of agreement."
    )
    if metadata.review is None:
        yield make(
            "review-missing",
            "review date",
            "warning",
            metadata.clause,
            f"The protocol sets no review date.{agreed} Without one, nobody is due to check that it still matches the "
            "law, the services' structures and practice, so children may be handled under arrangements that no longer "
            "hold.",
            suggestion="State a review date (e.g. two years from agreement) and who is responsible for the review.",
        )
    elif metadata.review < today:
        days = (today - metadata.review).days
        years = days // 365
        ago = f"{days:,} day{'s' if days != 1 else ''}" + (
            f" (over {years} year{'s' if years != 1 else ''})" if years else ""
        )
        yield make(
            "review-overdue",
            "review date",
            "warning",
            metadata.clause,
            f"The protocol was due for review on {long_date(metadata.review)}; as of {long_date(today)} that is {ago} "
            f"ago.{agreed} "
            "Law, guidance and the services' structures may have changed since, so practitioners may be following "
            "arrangements that no longer hold for the children concerned.",
            suggestion="Review the protocol, record the date it was reviewed and set the next review date.",
        )
