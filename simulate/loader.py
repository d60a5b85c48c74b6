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

MAX_BASES = 16  # a chain of variants this long is almost certainly a mistake


def load_scenario(path: str | Path) -> Scenario:
    """The scenario in the YAML file at `path`, checked against its protocol, or a `LoadError` saying
    where it is wrong (in the scenario file, a base scenario it is built on, or the protocol file).

    A file with `base: OTHER.yaml` is a variant: the other scenario (itself perhaps a variant of a
    third) with this file's settings laid over it (mappings of settings merged key by key; tables of
    probabilities and any other value replaced whole), so a stress scenario says only what it
    changes. A chain that comes back to a file already in it is refused, located at its `base`."""
    source = read(path, "scenario")
    chain = _chain(source, Path(path).parent, lambda problem: LoadError(source.locate([problem])))
    if not chain:
        scenario = validate(Scenario, source)
        scenario._folder = Path(path).parent

        def locate(problems: list[Problem]) -> list[Located]:
            return source.locate(problems)
    else:

        def locate(problems: list[Problem]) -> list[Located]:
            return _locate_merged(problems, [source, *chain])

        try:
            scenario = Scenario.model_validate(_laid_over(chain, source.data))
        except ValidationError as err:
            raise LoadError(locate(problems_of(Scenario, err))[:MAX_ERRORS]) from None
        scenario._folder = _protocol_folder([source, *chain])
    problems = _against_protocol(scenario)
    if problems:
        raise LoadError(locate(problems)[:MAX_ERRORS])
    return scenario


def load_bases(path: str | Path) -> tuple[tuple[str, Scenario], ...]:
    """The scenarios a scenario file is built on, nearest first, each as (file, scenario); none
    for a complete scenario. The file itself must load (`load_scenario`)."""
    source = read(path, "scenario")
    chain = _chain(source, Path(path).parent, lambda problem: LoadError(source.locate([problem])))
    return tuple((base.name, load_scenario(base.name)) for base in chain)


def scenario_from_mapping(data: dict[str, Any], origin: str) -> Scenario:
    """A scenario from an in-memory mapping (a scenario file's data with settings changed, for a
    sweep), checked like a file; problems are named by their dotted path, after `origin` (the
    scenario file's path, which the protocol and base paths are relative to, then any words after
    " with ")."""
    folder = Path(origin.split(" with ")[0]).parent
    chain = _chain_of(data, folder, lambda problem: LoadError(unlocated(origin, [problem])), [])
    merged = _laid_over(chain, data) if chain else data
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as err:
        raise LoadError(unlocated(origin, problems_of(Scenario, err))) from None
    scenario._folder = folder if not chain or "protocol" in data else _protocol_folder(chain)
    problems = _against_protocol(scenario)
    if problems:
        raise LoadError(unlocated(origin, problems))
    return scenario


def _chain(source: Source, folder: Path, fail) -> list[Source]:
    """The base scenarios a scenario file is built on (read, with positions), nearest first."""
    return _chain_of(source.data, folder, fail, [Path(source.name).resolve()])


def _chain_of(data: dict[str, Any], folder: Path, fail, seen: list[Path]) -> list[Source]:
    """The base scenarios `data` is built on, nearest first; `seen` are the files already in the
    chain (a base among them is a loop). Each problem is raised by `fail` (in the first file) or
    located at the `base` of the file that names the wrong base."""
    chain: list[Source] = []
    while "base" in data:
        name = data["base"]
        if not isinstance(name, str) or not name:
            raise fail(
                Problem(
                    ("base",), f"'base' is {name!r}; expected the path of another scenario file, relative to this one"
                )
            )
        path = folder / name
        if not present(path):
            raise fail(
                Problem(
                    ("base",),
                    f"no scenario file at {path}; expected the path of another scenario file, relative to this one",
                )
            )
        if path.resolve() in seen:
            loop = " -> ".join(p.name for p in [*seen[seen.index(path.resolve()) :], path.resolve()])
            raise fail(
                Problem(
                    ("base",),
                    f"the bases go round in a loop ({loop}); expected a chain of variants that ends at a complete "
                    "scenario (one with no 'base')",
                )
            )
        if len(chain) >= MAX_BASES:
            raise fail(Problem(("base",), f"more than {MAX_BASES} bases in a chain; expected a shorter chain"))
        base = read(path, "scenario")
        chain.append(base)
        seen = [*seen, path.resolve()]
        data, folder = base.data, path.parent
        fail = _located_at(base)
    return chain


def _located_at(source: Source):
    """A `fail` that locates a problem in `source`."""
    return lambda problem: LoadError(source.locate([problem]))


def _laid_over(chain: list[Source], data: dict[str, Any]) -> dict[str, Any]:
    """The settings of the chain's last (complete) scenario with each nearer one's laid over it,
    and `data`'s last."""
    merged = chain[-1].data
    for base in reversed(chain[:-1]):
        merged = _merged(merged, base.data)
    return _merged(merged, data)


def _protocol_folder(files: list[Source]) -> Path:
    """The folder the protocol path is relative to: that of the nearest file in the chain that sets it."""
    return Path(next((f for f in files if "protocol" in f.data), files[-1]).name).parent


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


def _locate_merged(problems: list[Problem], files: list[Source]) -> list[Located]:
    """Problems in a variant's merged data, each located in the nearest file of the chain (the
    variant first) that sets that value, else in the complete scenario at its end."""
    found = []
    for problem in problems:
        source = files[-1]
        for candidate in files:
            _, _, reached = candidate.position(problem.path, problem.at_key)
            if reached == problem.path:
                source = candidate
                break
        found.extend(source.locate([problem]))
    return sorted(set(found), key=lambda p: (p.file, p.line, p.col, p.message))


def load_protocol_of(scenario: Scenario) -> Protocol:
    """The protocol a scenario runs against (loaded once per file version)."""
    path = scenario.protocol_path
    try:
        stat = path.stat()
    except OSError:  # a name too long, a folder that may not be searched: reading it says which, located
        return load_protocol(path)
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
