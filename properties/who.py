"""Who and what a finding of the practice checks names, as a manager would say it.

- `short(protocol, party)`: an agency by the short name its protocol uses for it (its `short`, else
  the abbreviation its name gives in brackets: "YOS", "CSC", "WYJS"), else its name up to the first bracket, colon or
  comma ("the courts: Stockport Youth Court, ..." is "the courts"); a role by its `short` as it stands
  ("Early Help"), else by name with "the" in front ("the social worker"), and a person by name,
  without what the names add in brackets.
- `agencies(protocol, parties)`: the agencies the parties belong to (a role counts as its agency;
  people are not agencies), in the order given.
- `situation_words(protocol, condition)`: a `when:` condition as a child's situation, in the names the
  protocol gives its states and attributes: "not an open case to Children's Social Care".
- `firm(duty)`: whether a duty's timescale sets a limit (within a time, before or at an event), and
  `limit_words(protocol, duty)`: that limit, or its words, in a few words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model.conditions import All, AnyOf, Comparison, Condition, Not
from ..model.names import names
from ..model.schema import Duty, Protocol
from ..model.wording import amount_words, listing

_ABBREVIATION = re.compile(r"\(([A-Z][A-Z]{1,6})[);]")
_OPERATORS = {"lt": "under", "lte": "at most", "gt": "over", "gte": "at least", "ne": "not", "not_in": "not"}
_NEGATED = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in", "lt": "gte", "gte": "lt", "lte": "gt", "gt": "lte"}


def short(protocol: Protocol, party: str) -> str:
    """The short name a manager would use for a party (see the module's docstring)."""
    found = names(protocol)
    name = found.party(party)
    agency = next((a for a in protocol.agencies if a.id == party), None)
    if agency is not None:
        if agency.short:
            return agency.short  # what the protocol calls it for short: 'YJS'
        abbreviation = _ABBREVIATION.search(name)
        if abbreviation:
            return abbreviation.group(1)
        return re.split(r"[(:,]", name, maxsplit=1)[0].strip() or name
    if party in found.roles:
        return found.called(party)  # 'the social worker'; a role's own `short` as it stands: 'Early Help'
    return re.sub(r"\s*\([^)]*\)", "", name).strip() or name


def shorts(protocol: Protocol, parties: Iterable[str]) -> str:
    """Several parties' short names: 'YOS and CSC'."""
    return listing(list(dict.fromkeys(short(protocol, p) for p in parties)))


def cap(words: str) -> str:
    """Words with their first letter in capitals, the rest untouched ('YOS' stays 'YOS')."""
    return words[:1].upper() + words[1:]


def the(name: str) -> str:
    """A thing's name with 'the' in front, unless it has an article or an owner already: 'the social
    work initial assessment', "CSC's views"."""
    first = name.split(" ", 1)[0].lower()
    return name if first in ("the", "a", "an", "any") or first.endswith(("'s", "s'")) else f"the {name}"


def agencies(protocol: Protocol, parties: Iterable[str]) -> tuple[str, ...]:
    """The agencies the parties belong to, each once, in the order given (people are left out)."""
    agency_of = names(protocol).agency
    return tuple(dict.fromkeys(agency_of[p] for p in parties if p in agency_of))


# --- a condition as a child's situation -------------------------------------------------------------


def situation_words(protocol: Protocol, condition: Condition | None) -> str:
    """A `when:` condition in the protocol's own names: 'charged and needs to attend court the following
    day', 'not an open case to Children's Social Care (Stockport MBC)'."""
    if condition is None:
        return "any child"
    match condition:
        case Comparison():
            return _comparison_words(protocol, condition)
        case All(parts):
            return " and ".join(situation_words(protocol, p) for p in parts)
        case AnyOf(parts):
            return " or ".join(situation_words(protocol, p) for p in parts)
        case Not(Comparison(key, op, value)):
            return _comparison_words(protocol, Comparison(key, _NEGATED[op], value))
        case Not(part):
            return f"not ({situation_words(protocol, part)})"
    raise TypeError(condition)


def _comparison_words(protocol: Protocol, test: Comparison) -> str:
    found = names(protocol)
    values = test.value if isinstance(test.value, tuple) else (test.value,)
    negated = test.op in ("ne", "not_in")
    attribute = next((a for a in protocol.attributes if a.id == test.key), None)
    if attribute is None:  # a lifecycle: the states' names
        words = " or ".join(found.state(str(v)) for v in values)
        return f"not {words}" if negated else words
    if attribute.type == "bool":
        held = bool(values[0]) != negated
        return attribute.name if held else f"not {attribute.name}"
    if attribute.type == "enum":
        named = {v.id: v.name or v.id.replace("_", " ") for v in attribute.values}
        words = " or ".join(named.get(str(v), str(v)) for v in values)
        return f"{attribute.name}: {'not ' if negated else ''}{words}"
    operator = _OPERATORS.get(test.op, "")
    return f"{attribute.name} {operator + ' ' if operator else ''}{', '.join(map(str, values))}"


# --- timescales -------------------------------------------------------------------------------------


def firm(duty: Duty) -> bool:
    """Whether the duty's timescale sets a limit: within a time of its trigger (or on its day), before
    or at an event."""
    t = duty.timescale
    return t is not None and (
        ((t.within is not None or t.same_day) and duty.trigger is not None) or t.before is not None or t.at is not None
    )


def limit_words(protocol: Protocol, duty: Duty) -> str:
    """The duty's limit in a few words: 'within 24 hours', '2 days before the sentencing hearing',
    'at the hearing', "'as soon as'", or 'with no time limit'."""
    t = duty.timescale
    if t is None:
        return "with no time limit"
    event = names(protocol).event
    if t.within is not None:
        return f"within {amount_words(t.within.amount, t.within.unit)}"
    if t.same_day:
        return "on the same day"
    if t.before is not None:
        size = amount_words(t.before.amount, t.before.unit) + " " if t.before.amount and t.before.unit else ""
        return f"{size}before {event(t.before.event)}"
    if t.at is not None:
        return f"at {event(t.at)}"
    if t.vague is not None:
        return f"'{t.vague}'"
    return "with no time limit"
