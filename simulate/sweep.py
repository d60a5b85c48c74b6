"""Sweeps: a scenario run at every point of a grid of varied settings.

A `--vary` names a dotted path into the scenario file's mapping and the values to give it:
`staff.case_manager.count=6:12:2` (a range, both ends included: 6, 8, 10, 12) or
`demand.remands_per_year=20,30,40` (a list). The grid is every combination of the varied values, in
the order the `--vary`s were given. Each point is the scenario file's mapping with those values set,
validated like the file itself (`scenario_from_mapping`) before anything runs, then run with
`replications.run`. Every point uses the scenario's seed, so points differ only by what was varied
(common random numbers: differences between points are not blurred by different random draws).
"""

from __future__ import annotations

import copy
import itertools
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..model.source import MAX_ERRORS, LoadError, read
from . import engine
from .replications import run
from .scenario import load_protocol_of, load_scenario, scenario_from_mapping

MAX_VALUES = 1000  # per --vary: a larger range is almost certainly a typo
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_INTEGER = re.compile(r"[+-]?\d+")

Value = int | float | bool | str


class VaryError(ValueError):
    """A `--vary` that cannot be used; the message quotes it, says what is wrong and what was expected."""


@dataclass(frozen=True)
class Vary:
    """One varied setting: a dotted path into the scenario and the values it takes, in order."""

    path: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Point:
    """One point of the grid: the value of each varied path, and the summary of its replications."""

    values: tuple[tuple[str, Value], ...]
    summary: Mapping[str, Any]  # `Summary.to_dict()`
    wall_seconds: float


@dataclass(frozen=True)
class Sweep:
    """A finished sweep: the scenario file, what was varied, and one `Point` per grid point."""

    scenario: str
    varies: tuple[Vary, ...]
    points: tuple[Point, ...]

    @property
    def wall_seconds(self) -> float:
        return sum(point.wall_seconds for point in self.points)

    def to_dict(self) -> dict[str, Any]:
        """Deterministic: the same scenario, varies and seed give the same dict (no wall times)."""
        return {
            "scenario": self.scenario,
            "vary": {vary.path: list(vary.values) for vary in self.varies},
            "points": [{"values": dict(point.values), "summary": point.summary} for point in self.points],
        }


# --- parsing --vary ---------------------------------------------------------------------------------


def parse_vary(text: str) -> Vary:
    """`PATH=start:stop:step` or `PATH=x,y,z` (or a single `PATH=x`) as a `Vary`."""

    def fail(what: str) -> VaryError:
        return VaryError(
            f"--vary {text!r}: {what}; expected PATH=start:stop:step or PATH=x,y,z, e.g. staff.case_manager.count=6:12:2"
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
                        f"--vary {path}: {where} is not one of the {len(node)} items of a list; expected an index from 0 to {len(node) - 1}"
                    )
                key: Any = int(step)
            elif isinstance(node, dict):
                key = step
                if not last and key not in node:
                    node[key] = {}
            else:
                above = ".".join(steps[:depth])
                raise VaryError(
                    f"--vary {path}: {above} is a single value in the scenario, not a mapping; expected a path that ends at a setting"
                )
            if last:
                node[key] = value
            else:
                node = node[key]
    return result


# --- running ------------------------------------------------------------------------------------------


def sweep(
    scenario_file: str | Path,
    varies: Sequence[Vary],
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> Sweep:
    """Run the scenario at every grid point. The file and every point are validated before any runs:
    a bad one raises `LoadError` (a point's problems are named with its values) or `VaryError`.
    `replications` and `seed` override the scenario's own."""
    origin = str(scenario_file)
    load_scenario(scenario_file)
    raw = read(scenario_file, "scenario").data
    points = grid(varies)
    scenarios, problems = [], []
    for values in points:
        label = origin + " with " + ", ".join(f"{path}={value}" for path, value in values)
        try:
            scenarios.append(scenario_from_mapping(apply(raw, values), label))
        except LoadError as error:
            problems.extend(error.problems)
    if problems:
        raise LoadError(problems[:MAX_ERRORS])
    done = []
    for number, (values, scenario) in enumerate(zip(points, scenarios), start=1):
        model = engine.prepare(scenario, load_protocol_of(scenario))
        started = time.perf_counter()
        summary = run(
            engine.run_replication,
            model,
            replications=replications or scenario.replications,
            seed=scenario.seed if seed is None else seed,
            workers=workers,
            scheduler=scheduler,
            progress=f"point {number}/{len(points)}" if progress else False,
        )
        done.append(Point(values, summary.to_dict(), time.perf_counter() - started))
    return Sweep(origin, tuple(varies), tuple(done))
