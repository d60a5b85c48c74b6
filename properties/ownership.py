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

from ..model import conditions, wording
from ..model import names as model_names
from ..model.schema import Dimension, Duty, OwnershipRule, Protocol
from .context import Context
from .findings import Finding, Witness, make
from .situations import Situations, Undecided, keys_of

EXAMPLES = 3  # distinct situations quoted in a gap's message


def check(protocol: Protocol, context: Context) -> list[Finding]:
    """Ownership gaps and conflicts, dimension by dimension, and duties that name no actor."""
    situations = context.situations
    agency_of = _agencies(protocol)
    names = model_names.names(protocol).parties
    findings: list[Finding] = []
    for dimension in protocol.dimensions:
        rules = [r for r in protocol.ownership if r.dimension == dimension.id]
        findings += _gaps(dimension, rules, situations, context)
        findings += _conflicts(dimension, rules, situations, agency_of, names, context)
    for duty in protocol.duties:
        if duty.actor is None:
            findings.append(_no_actor(duty, situations, context))
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
        f"Could not decide whether {subject} ({reason}). This is reported as unknown, not as a pass.",
        suggestion="Re-run with a longer --timeout.",
        decided=False,
    )


# --- gaps -----------------------------------------------------------------------------------------


def _gaps(dimension: Dimension, rules: list[OwnershipRule], situations: Situations, context: Context) -> list[Finding]:
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
        data, words = situations.describe(found[0], keys, found[1])
        quote = f' ("{rule.quote}")' if rule.quote else ""
        findings.append(
            make(
                "ownership-gap",
                question,
                "error",
                rule.clause,
                f"Clause {', '.join(rule.clause)} addresses {dimension.name}{quote} but names no one to hold it. "
                f"For example: {words}. Unless someone is named, each agency may expect another to act, and the "
                f"child may be left without it.",
                witness=Witness(situation=data, words=words),
                suggestion=f"Name the agency or role that holds {dimension.name} in this situation, or who decides.",
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
            examples.append(situations.describe(found[0], keys, found[1]))
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
        listed = "; ".join(f"({i}) {words}" for i, (_, words) in enumerate(examples, 1))
        findings.append(
            make(
                "ownership-gap",
                question,
                "error",
                clauses,
                f"No clause says who holds {dimension.name} in some situations the case can reach: {listed}. "
                f"A child in such a situation has no agency responsible for it.",
                witness=Witness(situation=examples[0][0], words=examples[0][1]),
                suggestion=(
                    f"Add a rule naming who holds {dimension.name} in these situations, or narrow where it applies."
                ),
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
    dimension: Dimension,
    rules: list[OwnershipRule],
    situations: Situations,
    agency_of: dict[str, str],
    names: dict[str, str],
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
            data, words = situations.describe(found[0], keys, found[1])
            disjoint = not (a & b)
            findings.append(
                make(
                    "ownership-conflict",
                    question,
                    "error" if disjoint else "warning",
                    clauses,
                    f"Clause {', '.join(first.clause)} gives {dimension.name} to {_list(a, names)}, and clause "
                    f"{', '.join(second.clause)} gives it to {_list(b, names)}; both apply when the case is: {words}. "
                    f"No lead is named, so the agencies may each expect the other to act, or act at cross purposes.",
                    agencies=sorted(a | b),
                    witness=Witness(situation=data, words=words),
                    suggestion=f"Say which agency leads on {dimension.name} when both clauses apply.",
                )
            )
    for rule in named:
        holders = _owners(rule, agency_of)
        if len(holders) > 1:
            question = f"dimension {dimension.id} rule {rule.id} joint"
            findings.append(
                make(
                    "ownership-conflict",
                    question,
                    "info",
                    rule.clause,
                    f"Clause {', '.join(rule.clause)} gives {dimension.name} to {_list(holders, names)} jointly and "
                    "names no lead.",
                    agencies=sorted(holders),
                    suggestion="If one agency should act first or decide when the others disagree, name it as lead.",
                )
            )
    return findings


def _list(agencies: frozenset[str], names: dict[str, str]) -> str:
    """The agencies' names (or people's), in the order of their ids: 'a, b and c'."""
    return wording.listing(names.get(a, a) for a in sorted(agencies))


# --- duties with no actor -------------------------------------------------------------------------


def _no_actor(duty: Duty, situations: Situations, context: Context) -> Finding:
    severity = {"must": "error", "should": "warning", "may": "info"}[duty.modality]
    quote = f' ("{duty.quote}")' if duty.quote else ""
    question = f"duty {duty.id} actor"
    witness = None
    if duty.when is not None:  # a duty for every case needs no example situation
        try:
            found = situations.nearest(duty.when, context.timeout_ms)
        except Undecided:
            found = None  # the finding stands without an example
        if found is not None:
            data, words = situations.describe(found[0], keys_of(duty.when), found[1])
            witness = Witness(situation=data, words=words)
    return make(
        "ownership-gap",
        question,
        severity,
        duty.clause,
        f"Clause {', '.join(duty.clause)} says someone {duty.modality} {duty.action}{quote}, but does not say who. "
        f"A duty nobody is named for is easily left undone.",
        witness=witness,
        suggestion="Name the agency or role that does this.",
    )
