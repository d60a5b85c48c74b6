"""Loading a scenario file: its settings, laid over a base scenario if it names one, checked as a
`Scenario` and against the protocol it runs against (`references`).

Every problem comes back as a located `LoadError` (`file:line:col: what is wrong; what was
expected`), in the scenario file, the base scenario it names or the protocol file; a scenario built
in memory (a sweep's point) has its problems named by their dotted paths. Nothing in a file is
ever evaluated.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..model.loader import load_protocol
from ..model.schema import Protocol
from ..model.source import MAX_ERRORS, LoadError, Located, Problem, Source, present, problems_of, read, validate
from . import references
from .scenario import Scenario


def load_scenario(path: str | Path) -> Scenario:
    """The scenario in the YAML file at `path`, checked against its protocol, or a `LoadError` saying
    where it is wrong (in the scenario file, the base scenario it names, or the protocol file).

    A file with `base: OTHER.yaml` is a variant: the other scenario with this file's settings laid
    over it (mappings of settings merged key by key; tables of probabilities and any other value
    replaced whole), so a stress scenario says only what it changes."""
    source = read(path, "scenario")
    base = _base(source.data, Path(path).parent, lambda problem: LoadError(source.locate([problem])))
    if base is None:
        scenario = validate(Scenario, source)
        scenario._folder = Path(path).parent

        def locate(problems: list[Problem]) -> list[Located]:
            return source.locate(problems)
    else:

        def locate(problems: list[Problem]) -> list[Located]:
            return _locate_merged(problems, source, base)

        try:
            scenario = Scenario.model_validate(_merged(base.data, source.data))
        except ValidationError as err:
            raise LoadError(locate(problems_of(Scenario, err))[:MAX_ERRORS]) from None
        scenario._folder = Path(base.name).parent
    problems = _against_protocol(scenario)
    if problems:
        raise LoadError(locate(problems)[:MAX_ERRORS])
    return scenario


def scenario_from_mapping(data: dict[str, Any], origin: str) -> Scenario:
    """A scenario from an in-memory mapping (a scenario file's data with settings changed, for a
    sweep), checked like a file; problems are named by their dotted path, after `origin` (the
    scenario file's path, which the protocol and base paths are relative to, then any words after
    " with ")."""
    folder = Path(origin.split(" with ")[0]).parent
    base = _base(data, folder, lambda problem: LoadError(unlocated(origin, [problem])))
    merged = data if base is None else _merged(base.data, data)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as err:
        raise LoadError(unlocated(origin, problems_of(Scenario, err))) from None
    scenario._folder = folder if base is None else Path(base.name).parent
    problems = _against_protocol(scenario)
    if problems:
        raise LoadError(unlocated(origin, problems))
    return scenario


def _base(data: dict[str, Any], folder: Path, fail) -> Source | None:
    """The base scenario a variant names (read, with positions), or None if `data` names none."""
    if "base" not in data:
        return None
    name = data["base"]
    if not isinstance(name, str) or not name:
        raise fail(
            Problem(("base",), f"'base' is {name!r}; expected the path of another scenario file, relative to this one")
        )
    path = folder / name
    if not present(path):
        raise fail(
            Problem(
                ("base",),
                f"no scenario file at {path}; expected the path of another scenario file, relative to this one",
            )
        )
    base = read(path, "scenario")
    if "base" in base.data:
        raise fail(
            Problem(
                ("base",), f"{path} is itself a variant (it names a base); expected a complete scenario as the base"
            )
        )
    return base


def _merged(base: dict[str, Any], variant: dict[str, Any], path: tuple[str, ...] = ()) -> dict[str, Any]:
    """The base's data with the variant's laid over it: mappings of settings merged key by key; a
    table of probabilities or weights (a flow's `next`, `ages`, `looked_after_events`, an attribute's
    values) and any other value replaced whole."""
    result = dict(base)
    for key, value in variant.items():
        if key == "base" and not path:
            continue
        here = (*path, key)
        table = key in ("next", "ages", "looked_after_events") or here[:2] == ("demand", "attributes")
        if isinstance(value, dict) and isinstance(result.get(key), dict) and not table:
            result[key] = _merged(result[key], value, here)
        else:
            result[key] = value
    return result


def _locate_merged(problems: list[Problem], variant: Source, base: Source) -> list[Located]:
    """Problems in a variant's merged data, each located in the variant file if it sets that value,
    else in the base file."""
    found = []
    for problem in problems:
        _, _, reached = variant.position(problem.path, problem.at_key)
        source = variant if reached == problem.path else base
        found.extend(source.locate([problem]))
    return sorted(set(found), key=lambda p: (p.file, p.line, p.col, p.message))


def load_protocol_of(scenario: Scenario) -> Protocol:
    """The protocol a scenario runs against (loaded once per file version)."""
    path = scenario.protocol_path
    stat = path.stat()
    return _load_protocol(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_protocol(path: str, _mtime: int, _size: int) -> Protocol:
    return load_protocol(path)


def _against_protocol(scenario: Scenario) -> list[Problem]:
    """Problems with the scenario's protocol path, or with the scenario read against the protocol.
    A protocol that does not load raises its own located `LoadError`."""
    path = scenario.protocol_path
    if not present(path):
        return [
            Problem(
                ("protocol",),
                f"no protocol file at {path}; expected the path of a protocol YAML file, relative to the scenario",
            )
        ]
    return references.check(scenario, load_protocol_of(scenario))


def unlocated(name: str, problems: list[Problem]) -> list[Located]:
    """Problems in a scenario that is not a file (a sweep's point), named by their dotted paths after `name`."""
    found = {Located(name, 0, 0, f"{'.'.join(map(str, p.path)) or 'top level'}: {p.message}") for p in problems}
    return sorted(found, key=lambda p: p.message)[:MAX_ERRORS]
