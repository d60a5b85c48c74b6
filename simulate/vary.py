"""Varied settings: what a sweep changes in a scenario, and the grid of points it runs.

A `--vary` names a dotted path into the scenario file's mapping and the values to give it:
`staff.case_manager.count=6:12:2` (a range, both ends included: 6, 8, 10, 12) or
`demand.remands_per_year=20,30,40` (a list). The grid is every combination of the varied values, in
the order the `--vary`s were given; `apply` sets one point's values in a copy of the file's mapping.
A scenario's own `sweep:` section is read into the same `Vary`s (`Scenario.planned_sweep`).
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..model.errors import ProtoverifyError

MAX_VALUES = 1000  # per --vary: a larger range is almost certainly a typo
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_INTEGER = re.compile(r"[+-]?\d+")

Value = int | float | bool | str


class VaryError(ProtoverifyError, ValueError):
    """A `--vary` that cannot be used; the message quotes it, says what is wrong and what was expected."""

    def __init__(self, message: str):
        super().__init__([message])


@dataclass(frozen=True)
class Vary:
    """One varied setting: a dotted path into the scenario and the values it takes, in order."""

    path: str
    values: tuple[Value, ...]


# --- parsing --vary ---------------------------------------------------------------------------------


def parse_vary(text: str) -> Vary:
    """`PATH=start:stop:step` or `PATH=x,y,z` (or a single `PATH=x`) as a `Vary`."""

    def fail(what: str) -> VaryError:
        return VaryError(
            f"--vary {text!r}: {what}; "
            "expected PATH=start:stop:step or PATH=x,y,z, e.g. staff.case_manager.count=6:12:2"
        )

    path, sep, spec = text.partition("=")
    path, spec = path.strip(), spec.strip()
    if not sep or not path or not spec:
        raise fail("it needs a path, '=' and values")
    if not all(_SEGMENT.fullmatch(segment) for segment in path.split(".")):
        raise fail(f"{path!r} is not a dotted path of names")
    if ":" in spec:
        values = _range(spec, fail)
    else:
        values = tuple(_scalar(item.strip()) for item in spec.split(","))
        if any(item == "" for item in values):
            raise fail("an empty value in the list")
    if len(values) > MAX_VALUES:
        raise fail(f"{len(values):,} values; at most {MAX_VALUES:,} per --vary")
    if len(set(map(repr, values))) < len(values):
        raise fail("a value is repeated")
    return Vary(path, values)


def _range(spec: str, fail: Callable[[str], VaryError]) -> tuple[Value, ...]:
    parts = spec.split(":")
    if len(parts) != 3:
        raise fail(f"the range {spec!r} has {len(parts)} parts")
    try:
        start, stop, step = (Decimal(part.strip()) for part in parts)
    except InvalidOperation:
        raise fail(f"the range {spec!r} is not three numbers") from None
    if not all(x.is_finite() for x in (start, stop, step)):
        raise fail(f"the range {spec!r} is not three finite numbers")
    if step <= 0:
        raise fail(f"the step {parts[2].strip()} is not positive")
    if stop < start:
        raise fail(f"the range ends ({parts[1].strip()}) before it starts ({parts[0].strip()})")
    count = int((stop - start) / step) + 1
    if count > MAX_VALUES:
        raise fail(f"{count:,} values; at most {MAX_VALUES:,} per --vary")
    whole = all(_INTEGER.fullmatch(part.strip()) for part in parts)
    return tuple(int(start + i * step) if whole else float(start + i * step) for i in range(count))


def _scalar(word: str) -> Value:
    """A list item as a number, true/false, or else text (never evaluated)."""
    if _INTEGER.fullmatch(word):
        return int(word)
    if word.lower() in ("true", "false"):
        return word.lower() == "true"
    try:
        number = float(word)
    except ValueError:
        return word
    return number if number == number and abs(number) != float("inf") else word


# --- the grid -----------------------------------------------------------------------------------------


def grid(varies: Sequence[Vary]) -> list[tuple[tuple[str, Value], ...]]:
    """Every combination of the varied values: the last `--vary` changes fastest."""
    paths = [vary.path for vary in varies]
    if len(set(paths)) < len(paths):
        repeated = next(p for p in paths if paths.count(p) > 1)
        raise VaryError(f"--vary {repeated} is given twice; expected each path once")
    return [tuple(zip(paths, combination)) for combination in itertools.product(*(v.values for v in varies))]


def apply(data: Mapping[str, Any], values: Sequence[tuple[str, Value]]) -> dict[str, Any]:
    """A deep copy of a scenario mapping with each dotted path set to its value. Missing mappings
    along a path are created (validation then reports a misspelt key); a number in a path indexes a list."""
    result = copy.deepcopy(dict(data))
    for path, value in values:
        node: Any = result
        steps = path.split(".")
        for depth, step in enumerate(steps):
            last = depth == len(steps) - 1
            where = ".".join(steps[: depth + 1])
            if isinstance(node, list):
                if not _INTEGER.fullmatch(step) or not 0 <= int(step) < len(node):
                    raise VaryError(
                        f"--vary {path}: {where} is not one of the {len(node)} items of a list; "
                        f"expected an index from 0 to {len(node) - 1}"
                    )
                key: Any = int(step)
            elif isinstance(node, dict):
                key = step
                if not last and key not in node:
                    node[key] = {}
            else:
                above = ".".join(steps[:depth])
                raise VaryError(
                    f"--vary {path}: {above} is a single value in the scenario, not a mapping; "
                    "expected a path that ends at a setting"
                )
            if last:
                node[key] = value
            else:
                node = node[key]
    return result


def baseline_values(scenario: Any, varies: Sequence[Vary]) -> tuple[tuple[str, Any], ...]:
    """The baseline's value of each varied setting: a setting varied over one value is fixed at it
    (for the baseline too), any other is the scenario's own value (None where it has none)."""
    data = scenario.model_dump(mode="python", by_alias=True)
    found = []
    for vary in varies:
        if len(vary.values) == 1:
            found.append((vary.path, vary.values[0]))
            continue
        node: Any = data
        for step in vary.path.split("."):
            if isinstance(node, (list, tuple)) and step.isdigit() and int(step) < len(node):
                node = node[int(step)]
            elif isinstance(node, dict) and step in node:
                node = node[step]
            elif isinstance(node, dict) and step.isdigit() and int(step) in node:
                node = node[int(step)]
            else:
                node = None
                break
        found.append((vary.path, node))
    return tuple(found)


def fixed(varies: Sequence[Vary]) -> tuple[tuple[str, Any], ...]:
    """The settings varied over one value: fixed at it for every point, the baseline too."""
    return tuple((vary.path, vary.values[0]) for vary in varies if len(vary.values) == 1)
