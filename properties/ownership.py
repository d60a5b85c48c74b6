"""Ownership: in every situation a case can reach, does each responsibility have exactly one owner?

For each responsibility dimension, Z3 searches the reachable situations (see `situations`) within
the dimension's scope (`applies`):

- `ownership-gap`: a situation no ownership rule with a named owner covers. Where the only rule that
  covers it names no owner (`owner: unspecified`: "a decision will be made"), the finding names that
  rule's clause; where no rule covers it at all, the protocol is silent. A duty whose actor is
  unspecified is a gap too: the clause says something must be done and names no one to do it.
- `ownership-conflict`: a situation where two rules give the responsibility to different agencies and
  neither names a lead (error when the agencies are disjoint, warning when they overlap); and, as
  information, a rule that gives it to several agencies jointly with no lead.

Owners are compared by agency: a role counts as the agency it belongs to. Each finding's witness is
a situation the lifecycles can actually reach, in data and in words.
"""

from __future__ import annotations

from ..model import conditions
from ..model.names import child_words, clause_ref, clauses_ref, doing, timing_suggestion, who
from ..model.schema import Dimension, OwnershipRule, Protocol
from .children import child_for
from .context import Context
from .findings import MESSAGE_LIMIT, SUGGESTION_LIMIT, Finding, Member, Pattern, Witness, first_fitting, make
from .harm import Harm
from .silences import Sentence, duty_member, sentences
from .situations import Situations, Undecided, keys_of
from .statute import law_sentence
from .who import cap

EXAMPLES = 3  # distinct situations a gap gives (the first in its message, all in its detail)
JOINT = Pattern(
    id="joint-no-lead",
    several="{n} responsibilities are given jointly with no lead",
    suggestion="Where one agency should act first, or decide when the others disagree, name it as lead.",
)
DRAFTING = Pattern(
    id="unnamed-drafting",
    several="{n} steps inside one agency, invitations or principles name no one to act",
    suggestion="Name the role that acts where it matters; otherwise these are drafting points for the next review.",
)


def check(protocol: Protocol, context: Context) -> list[Finding]:
    """Ownership gaps and conflicts, dimension by dimension, and sentences whose duties name no actor."""
    situations = context.situations
    agency_of = _agencies(protocol)
    findings: list[Finding] = []
    for dimension in protocol.dimensions:
        rules = [r for r in protocol.ownership if r.dimension == dimension.id]
        findings += _gaps(protocol, dimension, rules, situations, context)
        findings += _conflicts(protocol, dimension, rules, situations, agency_of, context)
    harm = Harm(protocol, context.baseline)
    for sentence in sentences(protocol):
        if sentence.unnamed:
            findings.append(_no_actor(protocol, sentence, harm, situations, context))
    return findings


def _agencies(protocol: Protocol) -> dict[str, str]:
    """The agency each party counts as: an agency itself, a role its agency, a person themself."""
    found = {a.id: a.id for a in protocol.agencies} | {p.id: p.id for p in protocol.people}
    for agency in protocol.agencies:
        found |= {role.id: agency.id for role in agency.roles}
    return found


def _undecided(kind, question: str, clauses, subject: str, reason: str) -> Finding:
    return make(
        kind,
        question,
        "error",
        clauses,
        f"Not decided: whether {subject} ({reason}): unknown, not a pass.",
        suggestion="Re-run with a longer --timeout.",
        decided=False,
    )


# --- gaps -----------------------------------------------------------------------------------------


def _gaps(
    protocol: Protocol, dimension: Dimension, rules: list[OwnershipRule], situations: Situations, context: Context
) -> list[Finding]:
    named = [r for r in rules if r.owner is not None]
    unnamed = [r for r in rules if r.owner is None]
    keys = keys_of(dimension.applies, *(r.when for r in rules))
    findings = []
    for rule in unnamed:  # the clause addresses the situation but names no owner
        question = f"dimension {dimension.id} rule {rule.id} names no owner"
        unowned = conditions.All((*_present(dimension.applies, rule.when), conditions.Not(_either(named))))
        try:
            found = situations.nearest(unowned, context.timeout_ms)
        except Undecided as reason:
            findings.append(
                _undecided(
                    "ownership-gap",
                    question,
                    rule.clause,
                    f"{dimension.name} has an owner under clause {rule.clause[0]}",
                    str(reason),
                )
            )
            continue
        if found is None:
            continue
        data, _ = situations.describe(found[0], keys, found[1])
        quote = f' ("{rule.quote}")' if rule.quote else ""
        child = child_words(protocol, data)
        where = cap(clauses_ref(protocol, rule.clause))
        covers, names_ = ("cover", "name") if len(rule.clause) > 1 else ("covers", "names")
        findings.append(
            make(
                "ownership-gap",
                question,
                "error",
                rule.clause,
                first_fitting(
                    f"{where} {covers} {dimension.name}{quote} but {names_} no one responsible, e.g. for {child}.",
                    f"{where} {covers} {dimension.name}{quote} but {names_} no one responsible.",
                ),
                witness=Witness(situation=data, words=child),
                suggestion=f"Name who is responsible for {dimension.name} in this case, or who decides.",
            )
        )
    question = f"dimension {dimension.id} uncovered"
    clauses = dimension.clause + tuple(c for r in rules for c in r.clause)
    silent = conditions.All((*_present(dimension.applies), conditions.Not(_either(rules))))
    examples: list[tuple[dict, str]] = []
    seen: list = []
    try:
        while len(examples) < EXAMPLES and (found := situations.nearest(silent, context.timeout_ms, seen)) is not None:
            seen.append(found[0])
            data, _ = situations.describe(found[0], keys, found[1])
            examples.append((data, child_words(protocol, data)))
    except Undecided as reason:
        if not examples:
            return findings + [
                _undecided(
                    "ownership-gap",
                    question,
                    clauses,
                    f"every situation has an owner for {dimension.name}",
                    str(reason),
                )
            ]
    if examples:
        more = "; ".join(words for _, words in examples[1:])
        findings.append(
            make(
                "ownership-gap",
                question,
                "error",
                clauses,
                first_fitting(
                    f"No clause says who is responsible for {dimension.name} for {examples[0][1]}.",
                    f"No clause says who is responsible for {dimension.name} in some cases the protocol covers.",
                ),
                witness=Witness(situation=examples[0][0], words=examples[0][1]),
                suggestion=f"Say who is responsible for {dimension.name} in such cases, or narrow where it applies.",
                detail=f"Other cases with no one responsible: {more}." if more else None,
            )
        )
    return findings


def _present(*parts: conditions.Condition | None) -> tuple[conditions.Condition, ...]:
    """The conditions given (None: no condition, always holds)."""
    return tuple(p for p in parts if p is not None)


def _either(rules: list[OwnershipRule]) -> conditions.Condition:
    """Holds where one of the rules applies."""
    return conditions.AnyOf(tuple(r.when if r.when is not None else conditions.All(()) for r in rules))


# --- conflicts ------------------------------------------------------------------------------------


def _owners(rule: OwnershipRule, agency_of: dict[str, str]) -> frozenset[str]:
    """The agencies a rule gives the responsibility to: its lead's, if it names one, else all."""
    holders = (rule.lead,) if rule.lead else (rule.owner or ())
    return frozenset(agency_of[h] for h in holders)


def _conflicts(
    protocol: Protocol,
    dimension: Dimension,
    rules: list[OwnershipRule],
    situations: Situations,
    agency_of: dict[str, str],
    context: Context,
) -> list[Finding]:
    findings = []
    named = [r for r in rules if r.owner is not None]
    for i, first in enumerate(named):
        for second in named[i + 1 :]:
            a, b = _owners(first, agency_of), _owners(second, agency_of)
            if a == b:
                continue
            question = f"dimension {dimension.id} rules {first.id} {second.id}"
            clauses = first.clause + second.clause
            keys = keys_of(first.when, second.when, dimension.applies)
            try:
                found = situations.nearest(conditions.All(_present(first.when, second.when)), context.timeout_ms)
            except Undecided as reason:
                findings.append(
                    _undecided(
                        "ownership-conflict",
                        question,
                        clauses,
                        f"clauses {', '.join(clauses)} can both apply",
                        str(reason),
                    )
                )
                continue
            if found is None:
                continue
            data, _ = situations.describe(found[0], keys, found[1])
            child = child_words(protocol, data)
            findings.append(
                make(
                    "ownership-conflict",
                    question,
                    "warning" if not (a & b) else "info",
                    clauses,
                    f"{cap(clauses_ref(protocol, first.clause))} gives {dimension.name} to "
                    f"{who(protocol, sorted(a))}, and {clauses_ref(protocol, second.clause)} to "
                    f"{who(protocol, sorted(b))}. For {child} both apply, and neither says who leads.",
                    agencies=sorted(a | b),
                    witness=Witness(situation=data, words=child),
                    suggestion=f"Say which agency leads on {dimension.name} when both clauses apply.",
                )
            )
    for rule in named:
        holders = _owners(rule, agency_of)
        if len(holders) > 1:
            question = f"dimension {dimension.id} rule {rule.id} joint"
            listed = who(protocol, sorted(holders))
            findings.append(
                make(
                    "ownership-conflict",
                    question,
                    "info",
                    rule.clause,
                    f"{cap(clauses_ref(protocol, rule.clause))} gives {dimension.name} to {listed} jointly, "
                    "with no lead.",
                    agencies=sorted(holders),
                    suggestion=JOINT.suggestion,
                    pattern=JOINT,
                    member=Member(clause=rule.clause[0], who=listed, what=dimension.name),
                )
            )
    return findings


# --- sentences that name no one -------------------------------------------------------------------


def _no_actor(protocol: Protocol, sentence: Sentence, harm: Harm, situations: Situations, context: Context) -> Finding:
    """One finding for a sentence whose duties name no one to act: who (and, where it gives none, by
    when), for the first child it applies to, with statute's time limit where statute sets one."""
    duties = sentence.unnamed
    first = duties[0]
    untimed = bool(sentence.untimed)
    severity = harm.unnamed(duties)
    lacks = "who, or by when" if untimed else "who"
    where = cap(clause_ref(protocol, first.clause[0]))
    quote = f' ("{first.quote}")' if first.quote else ""
    message = first_fitting(
        f"{where} says {doing(protocol, first, also=duties[1:])}{quote}, but not {lacks}.",
        f"{where} says {doing(protocol, first)}{quote}, but not {lacks}.",
        f"{where} says {doing(protocol, first)}, but not {lacks}.",
    )
    witness = child_for(protocol, situations, first, context.timeout_ms) if first.when is not None else None
    law = next((found for d in sentence.untimed if (found := law_sentence(context.baseline, protocol, d))), None)
    extra = [f"For example, {witness.words}." if witness is not None and witness.words else "", law[0] if law else ""]
    for more in filter(None, extra):
        if len(message) + 1 + len(more) <= MESSAGE_LIMIT:
            message += " " + more
    timing = timing_suggestion(protocol, first, harm.natures(first), law[1] if law else None) if untimed else ""
    name = f"Name who {first.modality} {first.action}"
    other = f"Name the agency or role that acts under clause {first.clause[0]}"
    timed = f"{timing[0].lower()}{timing[1:]}" if timing else ""
    options = (f"{name}, and {timed}", f"{other}, and {timed}") if timed else ()
    suggestion = first_fitting(*options, f"{name}.", f"{other}.", limit=SUGGESTION_LIMIT)
    return make(
        "ownership-gap",
        f"duty {first.id} actor",
        severity,
        sentence.clauses,
        message,
        agencies=sorted(harm.agencies(tuple(r for d in duties for r in d.recipient))),
        witness=witness,
        suggestion=suggestion,
        pattern=DRAFTING if severity == "info" else None,
        member=duty_member(protocol, first),
        duties=[d.id for d in duties],
    )
