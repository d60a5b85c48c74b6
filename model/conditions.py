"""Conditions: the small declarative language of guards and `when:` clauses.

A condition is YAML data, never code. A mapping is a conjunction of tests, one per key:

    {age: {gte: 13}, care_status: [looked_after], known_to_childrens_team: true}

- a key names a case attribute or a lifecycle;
- a scalar value means "equals"; for a lifecycle it means "is in this state (or a state inside it)";
- a list means "any of these values / states";
- a mapping of operators compares: `eq ne lt lte gt gte` (ordering only on whole-number attributes),
  `in` and `not_in` take lists;
- the keys `all`, `any` (lists of conditions) and `not` (one condition) combine conditions.

Parsing turns the data into a tree of frozen dataclasses; `holds` evaluates it against a case.
Which keys name attributes or lifecycles, and whether the values fit them, is checked later against
the protocol (see `references`), where the declarations are known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticCustomError

COMBINATORS = ("all", "any", "not")
OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in")
ORDERING = frozenset({"lt", "lte", "gt", "gte"})

Scalar = bool | int | str


@dataclass(frozen=True)
class Comparison:
    """One comparison: `key op value`, e.g. age gte 13, or justice in (yda, custody)."""

    key: str
    op: str
    value: Scalar | tuple[Scalar, ...]
    path: tuple[str | int, ...] = field(default=(), compare=False)  # where it stands in the file


@dataclass(frozen=True)
class All:
    """True when every part holds (an empty `All` always holds)."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """True when at least one part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """True when its part does not hold."""

    part: Condition


Condition = Comparison | All | AnyOf | Not

ALWAYS = All(())

JSON_SCHEMA: dict[str, Any] = {
    "title": "Condition",
    "description": (
        "A declarative condition: each key names a case attribute or a lifecycle; a scalar means "
        "equals / in that state, a list means any of, a mapping compares with eq, ne, lt, lte, gt, "
        "gte, in, not_in. The keys all, any and not combine conditions. All keys must hold."
    ),
    "type": "object",
    "minProperties": 1,
}


def _fail(path: tuple[str | int, ...], message: str) -> PydanticCustomError:
    return PydanticCustomError("condition", message, {"path": path})


def _is_scalar(value: object) -> bool:
    return isinstance(value, (bool, int, str))


def _given(value: object) -> str:
    """What a value is, in words: 'a mapping', 'an empty list', 'the number 1.5', 'nothing'."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if value is None:
        return "nothing"
    if isinstance(value, float):
        return f"the number {value!r}"
    return f"{value!r}"


def _value(raw: object, path: tuple[str | int, ...], op: str) -> Scalar | tuple[Scalar, ...]:
    if op in ("in", "not_in"):
        if not isinstance(raw, list) or not raw:
            raise _fail(path, f"'{op}' needs a non-empty list; expected e.g. {{{op}: [a, b]}}")
        for i, item in enumerate(raw):
            if not _is_scalar(item):
                raise _fail((*path, i), f"a list item is {_given(item)}; expected a number, true/false or a name")
        return tuple(raw)
    if not _is_scalar(raw):
        raise _fail(path, f"'{op}' is given {_given(raw)}; expected a number, true/false or a name")
    return raw


def _parse_test(key: str, raw: object, path: tuple[str | int, ...]) -> Condition:
    if _is_scalar(raw):
        return Comparison(key, "eq", raw, path)
    if isinstance(raw, list):
        return Comparison(key, "in", _value(raw, path, "in"), path)
    if isinstance(raw, Mapping):
        if not raw:
            raise _fail(path, f"empty comparison for '{key}'; expected e.g. {{gte: 13}}")
        tests = []
        for op, operand in raw.items():
            if op not in OPERATORS:
                raise _fail((*path, op), f"unknown operator '{op}'; expected one of {', '.join(OPERATORS)}")
            tests.append(Comparison(key, op, _value(operand, (*path, op), op), (*path, op)))
        return tests[0] if len(tests) == 1 else All(tuple(tests))
    raise _fail(path, f"cannot compare '{key}' with this value; expected a value, a list or a mapping of operators")


def parse(raw: object, path: tuple[str | int, ...] = ()) -> Condition:
    """Parse condition data (a mapping) into a condition tree; errors carry the path inside it."""
    if not isinstance(raw, Mapping):
        raise _fail(path, "a condition must be a mapping; expected e.g. {age: {gte: 13}}")
    if not raw:
        raise _fail(path, "empty condition; expected at least one test, or leave the key out")
    parts: list[Condition] = []
    for key, value in raw.items():
        here = (*path, key)
        if not isinstance(key, str):
            raise _fail(path, f"condition key {key!r} is not a name; expected an attribute or lifecycle id")
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise _fail(
                    here,
                    f"'{key}' is given {_given(value)}; expected a non-empty list of conditions, e.g. {key}: [{{age: 10}}, {{age: 11}}]",
                )
            sub = tuple(parse(item, (*here, i)) for i, item in enumerate(value))
            parts.append(All(sub) if key == "all" else AnyOf(sub))
        elif key == "not":
            parts.append(Not(parse(value, here)))
        else:
            parts.append(_parse_test(key, value, here))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def comparisons(condition: Condition) -> list[Comparison]:
    """Every comparison in a condition, in order."""
    match condition:
        case Comparison():
            return [condition]
        case All(parts) | AnyOf(parts):
            return [t for part in parts for t in comparisons(part)]
        case Not(part):
            return comparisons(part)
    raise TypeError(condition)


def _compare(op: str, actual: Scalar, value: Scalar | tuple[Scalar, ...]) -> bool:
    match op:
        case "eq":
            return actual == value
        case "ne":
            return actual != value
        case "in":
            return actual in value  # type: ignore[operator]
        case "not_in":
            return actual not in value  # type: ignore[operator]
        case "lt":
            return actual < value  # type: ignore[operator]
        case "lte":
            return actual <= value  # type: ignore[operator]
        case "gt":
            return actual > value  # type: ignore[operator]
        case "gte":
            return actual >= value  # type: ignore[operator]
    raise ValueError(op)


def holds(condition: Condition, value_of: Callable[[Comparison], Scalar | tuple[Scalar, ...]]) -> bool:
    """Evaluate a condition; `value_of(test)` gives the case's value for the test's key.

    For a lifecycle key, `value_of` returns the tuple of active states in that lifecycle (a state and
    every state enclosing it), and the test holds when any active state matches.
    """
    match condition:
        case Comparison(_, op, value):
            actual = value_of(condition)
            if isinstance(actual, tuple):
                if op in ("ne", "not_in"):
                    positive = "eq" if op == "ne" else "in"
                    return not any(_compare(positive, state, value) for state in actual)
                return any(_compare(op, state, value) for state in actual)
            return _compare(op, actual, value)
        case All(parts):
            return all(holds(part, value_of) for part in parts)
        case AnyOf(parts):
            return any(holds(part, value_of) for part in parts)
        case Not(part):
            return not holds(part, value_of)
    raise TypeError(condition)


def decide(condition: Condition, states_of: Callable[[Comparison], tuple[str, ...] | None]) -> Condition | bool:
    """A condition with its tests of lifecycles decided: True, False, or what is left of it to decide
    on the attributes. `states_of(test)` gives the active states of the test's lifecycle (as for
    `holds`), or None where the test is of an attribute."""
    match condition:
        case Comparison():
            states = states_of(condition)
            return condition if states is None else holds(condition, lambda _test: states)
        case Not(part):
            rest = decide(part, states_of)
            return (not rest) if isinstance(rest, bool) else Not(rest)
        case All(parts) | AnyOf(parts):
            decisive = isinstance(condition, AnyOf)  # a True part decides an any; a False part an all
            left = []
            for part in parts:
                rest = decide(part, states_of)
                if rest is decisive:
                    return decisive
                if not isinstance(rest, bool):
                    left.append(rest)
            if not left:
                return not decisive
            return left[0] if len(left) == 1 else type(condition)(tuple(left))
    raise TypeError(condition)


_WORDS = {
    "eq": "is",
    "ne": "is not",
    "lt": "<",
    "lte": "≤",
    "gt": ">",
    "gte": "≥",
    "in": "is one of",
    "not_in": "is none of",
}


def describe(condition: Condition) -> str:
    """A condition in plain words, keys as words and values as ids: `age ≥ 13 and care is looked_after`."""
    match condition:
        case Comparison(key, op, value):
            if isinstance(value, tuple) and len(value) == 1:
                op, value = ("eq" if op == "in" else "ne"), value[0]
            words = ", ".join(map(_word, value)) if isinstance(value, tuple) else _word(value)
            return f"{key.replace('_', ' ')} {_WORDS[op]} {words}"
        case All(()):
            return "always"
        case All(parts):
            return " and ".join(map(_bracketed, parts))
        case AnyOf(parts):
            return " or ".join(map(_bracketed, parts))
        case Not(part):
            return f"not ({describe(part)})"
    raise TypeError(condition)


def _word(value: Scalar) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _bracketed(part: Condition) -> str:
    """A part of an `and` / `or` in words, in brackets when it is itself an `and` / `or`."""
    text = describe(part)
    return f"({text})" if isinstance(part, (All, AnyOf)) and len(part.parts) > 1 else text
