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

from ..model.names import clause_ref, doing, firm_limit_words, names, timing_suggestion
from ..model.schema import Duty, Item, Protocol, clause_sort_key
from ..model.wording import clause_words, long_date
from .context import Context
from .findings import MESSAGE_LIMIT, SEVERITY_ORDER, Finding, Pattern, first_fitting, make, ordered
from .harm import Harm
from .silences import Sentence, duty_member, sentences, vague_only
from .statute import law_sentence
from .who import cap

PATTERNS = {  # the minor patterns of duties with no time limit, each grouped when there are several
    "invitation": Pattern(
        id="invitation-no-notice",
        several="{n} invitations to meetings give no notice period",
        suggestion="Give one notice period for invitations, e.g. at least 5 working days before the meeting.",
    ),
    "internal": Pattern(
        id="internal-no-limit",
        several="{n} steps inside one agency give no time limit",
        suggestion="Set limits where the next step waits on them; otherwise these can wait for the next review.",
    ),
    "courtesy": Pattern(
        id="should-no-limit",
        several="{n} duties that are only 'should' or a principle give no time limit",
        suggestion="Where the child depends on one of these, make it a 'must' with a limit.",
    ),
    "beside": Pattern(
        id="words-beside-limit",
        several="{n} firm limits come with words asking for it sooner ('as soon as possible')",
        suggestion="Keep the firm limits; drop the words, or say what 'sooner' means.",
    ),
}


def check(protocol: Protocol, context: Context) -> list[Finding]:
    """Every text finding on the protocol, as of `context.today`."""
    found = [*vague_deadlines(protocol, context), *numbering(protocol), *review(protocol, context.today)]
    return ordered(found)


# --- deadlines -----------------------------------------------------------------------------------


def vague_deadlines(protocol: Protocol, context: Context) -> Iterator[Finding]:
    """Sentences that name who acts but give no time limit (triggered duties with no timescale, or
    words only); and firm limits with words beside them asking for it sooner. A sentence that names
    no one is the ownership check's ("who, and by when?")."""
    harm = Harm(protocol, context.baseline)
    found = sentences(protocol)
    follows = following(protocol, found, harm)
    folded = {s for after in follows.values() for s in after}
    for sentence in found:
        if sentence.unnamed:
            continue
        if sentence.untimed and sentence not in folded:
            yield untimed_sentence(protocol, sentence, harm, context, follows.get(sentence, ()))
        for duty in sentence.duties:
            t = duty.timescale
            if (
                t is not None
                and t.vague is not None
                and not vague_only(duty)
                and duty.modality != "may"
                and not t.set_by
            ):
                yield words_beside_limit(protocol, duty)


def following(protocol: Protocol, found: list[Sentence], harm: Harm) -> dict[Sentence, tuple[Sentence, ...]]:
    """Untimed sentences that start when an untimed step of an earlier sentence is done, by that
    sentence: the referral no one must make by a time, and the meeting its receipt starts, are one
    untimed chain for the child (Warwickshire 12.2 and 12.3), reported once. A later step is folded
    only into a step whose finding is at least as severe, and only one step deep."""
    waited = {s.waiting.until for s in protocol.states() if s.waiting is not None and s.waiting.until}
    untimed = [s for s in found if s.untimed and not s.unnamed]
    by_duty = {d.id: s for s in untimed for d in s.untimed}
    chains: dict[Sentence, list[Sentence]] = {}
    folded: set[Sentence] = set()
    for sentence in untimed:
        if {d.id for d in sentence.untimed} & waited:
            continue  # a step that ends a child's wait is reported as the wait (waiting-no-limit)
        starts = [d.trigger.duty for d in sentence.untimed if d.trigger is not None and d.trigger.duty]
        earlier = next((by_duty[d] for d in starts if d in by_duty and by_duty[d] is not sentence), None)
        if earlier is None or earlier in folded or sentence in chains:
            continue  # one step deep
        if SEVERITY_ORDER[harm.untimed(sentence.untimed)] >= SEVERITY_ORDER[harm.untimed(earlier.untimed)]:
            chains.setdefault(earlier, []).append(sentence)
            folded.add(sentence)
    return {s: tuple(after) for s, after in chains.items()}


def untimed_sentence(
    protocol: Protocol, sentence: Sentence, harm: Harm, context: Context, after: tuple[Sentence, ...] = ()
) -> Finding:
    duties = sentence.untimed
    first = duties[0]
    severity = harm.untimed(duties)
    words = first.timescale.vague if first.timescale is not None else None
    where = cap(clause_ref(protocol, first.clause[0]))
    options = [doing(protocol, first, also=duties[1:]), doing(protocol, first)]
    if words:
        message = first_fitting(*(f"{where} says {said} '{words}', which sets no time limit." for said in options))
    else:
        start = trigger_phrase(protocol, first)
        message = first_fitting(*(f"{where} says {said}{start}, but not by when." for said in options))
    for later in after:
        message += (
            f" Nor does {clause_ref(protocol, later.untimed[0].clause[0])} say by when "
            f"{doing(protocol, later.untimed[0])} after it."
        )
    law = next((found for d in duties if (found := law_sentence(context.baseline, protocol, d))), None)
    if law and len(message) + len(law[0]) < MESSAGE_LIMIT:
        message += " " + law[0]
    natures = harm.natures(first)
    pattern = None
    if severity == "info":
        kind = "invitation" if "invitation" in natures else "courtesy" if first.modality != "must" else "internal"
        if "principle" in natures:
            kind = "courtesy"
        pattern = PATTERNS[kind]
    return make(
        "vague-deadline",
        f"vague timescale of duty {first.id}" if words else f"no timescale for triggered duty {first.id}",
        severity,
        tuple(c for s in (sentence, *after) for c in s.clauses),
        message,
        agencies=sorted(harm.agencies(first.actor) | harm.others(first)),
        suggestion=timing_suggestion(protocol, first, natures, law[1] if law else None),
        pattern=pattern,
        member=duty_member(protocol, first),
        duties=[d.id for d in (*duties, *(d for s in after for d in s.untimed))],
    )


def trigger_phrase(protocol: Protocol, duty: Duty) -> str:
    """' once the YOS has notified CSC', ' on 'custodial sentence imposed'' or ''."""
    trigger = duty.trigger
    if trigger is None:
        return ""
    found = names(protocol)
    if trigger.event is not None:
        return f" on '{found.event(trigger.event)}'"
    if trigger.enter is not None:
        return f" when the child is '{found.state(trigger.enter)}'"
    if trigger.exit is not None:
        return f" when the child stops being '{found.state(trigger.exit)}'"
    upstream = found.duties.get(trigger.duty or "")
    return f" once '{upstream.action}' is done" if upstream else ""


def words_beside_limit(protocol: Protocol, duty: Duty) -> Finding:
    """A firm limit with words beside it asking for it sooner: drafting."""
    t = duty.timescale
    assert t is not None and t.vague is not None
    return make(
        "vague-deadline",
        f"vague timescale of duty {duty.id}",
        "info",
        duty.clause,
        f"{cap(clause_ref(protocol, duty.clause[0]))} gives a firm limit ({firm_limit_words(protocol, t)}) and "
        f"also asks for it '{t.vague}', which no one can check.",
        agencies=duty_agencies(protocol, duty),
        suggestion=PATTERNS["beside"].suggestion,
        pattern=PATTERNS["beside"],
        member=duty_member(protocol, duty),
        duties=[duty.id],
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


def misnumbered(protocol: Protocol, cited: str) -> str | None:
    """The printed number of the item a citation means by its list's own numbering, where that list is
    misnumbered: '8.7.2' is the second item of the list in clause 8.7, printed 8.4.6. None otherwise."""
    list_clause, _, position = cited.rpartition(".")
    if not position.isdigit() or int(position) < 1:
        return None
    for duty in protocol.duties:
        if list_clause in duty.clause and len(duty.items) >= int(position):
            item = duty.items[int(position) - 1].clause
            if not numbered_under(item, list_clause) and not any(numbered_under(item, c) for c in duty.clause):
                return item
    return None


def numbering(protocol: Protocol) -> Iterator[Finding]:
    """List items numbered as if under another clause: one finding per series of such numbers (the
    lists of clauses 8.6 to 8.16 numbered 8.4.1 to 8.4.35 as one series are one fault), however many
    lists and duties it runs through."""
    series: dict[str, dict[str, Item]] = {}  # by the clause the numbers say they belong to: number -> item
    lists: dict[str, list[str]] = {}  # and the clauses of the lists they sit in
    for duty in protocol.duties:
        for item in duty.items:
            if item.clause[0].isdigit() and not any(numbered_under(item.clause, c) for c in duty.clause):
                parent = printed_parent(item.clause)
                series.setdefault(parent, {}).setdefault(item.clause, item)
                lists.setdefault(parent, [])
                lists[parent] += [c for c in duty.clause if c not in lists[parent]]
    known = set(protocol.clause_ids())
    for parent, items in series.items():
        numbers = sorted(items, key=clause_sort_key)
        clauses = sorted(lists[parent], key=clause_sort_key)
        citing = [(f"clause {d.clause[0]}", c) for d in protocol.duties for c in d.cites]
        citing += [(f"item {i.clause}", c) for d in protocol.duties for i in d.items for c in i.cites]
        read = [
            (where, cited, meant)
            for where, cited in citing
            if cited not in known and (meant := misnumbered(protocol, cited)) in items
        ]
        span = numbers[0] if len(numbers) == 1 else f"{numbers[0]} to {numbers[-1]}"
        where = (
            f"The list in {clause_words(clauses)} is"
            if len(clauses) == 1
            else f"The lists in clauses {clauses[0]} to {clauses[-1]} are"
        )
        clash = ", which is also a clause of the protocol" if parent in known and parent not in clauses else ""
        yield make(
            "numbering",
            f"numbering under {parent}",
            "info",
            [*clauses, *numbers],
            f"{where} numbered {span}, as if under clause {parent}{clash}. A reference to one of these items "
            "can be read two ways"
            + "".join(
                f"; {where} already cites '{cited}', which the protocol does not have (item {meant} is meant)"
                for where, cited, meant in read
            )
            + ".",
            suggestion=f"Number each list under its own clause ({clauses[0].partition('(')[0]}.1, ...).",
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
            f"The protocol sets no review date.{agreed} Nobody is due to check that it still matches the law and "
            "how the services now work.",
            suggestion="Set a review date (e.g. two years from agreement) and say who leads the review.",
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
            metadata.clause[:1],
            f"The protocol was due for review on {long_date(metadata.review)}: as of {long_date(today)}, {ago} "
            f"ago.{agreed} Law, guidance and the services may have changed since.",
            suggestion="Review the protocol, record the date, and set the next review date.",
        )
