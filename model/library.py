"""Libraries: the statutory world a protocol is written against, found and loaded.

A library is a file in the protocol format that holds what every protocol in its jurisdiction lives
in: the case lifecycles and their events, common case attributes, kinds of agency and role, the
instruments, and the documents made under other rules (care plans, pathway plans). It holds no
duties, responsibilities or dispute routes: those are a protocol's (or the statutory baseline's).
The England library is bundled with protoverify (`protocols/library/england.yaml`, installed as
`protoverify.library`); a protocol says `uses: england`, or gives the path of a library file.

How a protocol's elements are merged with the library's is `merge`; what the merged protocol keeps
of the library is `provenance`.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import plaindata, references
from .schema import ID_PATTERN, LIBRARY_MARK, Protocol
from .source import MAX_ERRORS, LoadError, Problem, Source, present, read, validate
from .wording import guess

PACKAGE = "protoverify.library"
BUNDLED = ("england",)
"""The libraries installed with protoverify, by the name a protocol gives in `uses:`."""

NOT_IN_A_LIBRARY = ("dimensions", "ownership", "duties", "escalation")
"""Sections a library leaves to the protocols that use it: it is the world, not an agreement."""


@dataclass(frozen=True)
class Library:
    """A library file, loaded: its model and its plain data (which the merge copies from)."""

    protocol: Protocol
    source: Source

    @property
    def name(self) -> str:
        """The library's name, which marks its clause ids in a protocol that uses it ('england:3.1')."""
        return self.protocol.metadata.id

    @property
    def mark(self) -> str:
        return self.name + LIBRARY_MARK

    def describe(self) -> dict[str, str]:
        """Each id of the library, as what it is: "a state of the library lifecycle 'justice'"."""
        lib = self.protocol
        found: dict[str, str] = {}
        for agency in lib.agencies:
            found[agency.id] = "an agency"
            found.update({role.id: f"a role of the library agency '{agency.id}'" for role in agency.roles})
        for section, what in (
            ("people", "a person"),
            ("documents", "a document"),
            ("artefacts", "an artefact"),
            ("attributes", "an attribute"),
            ("events", "an event"),
        ):
            found.update({element.id: what for element in getattr(lib, section)})
        for lifecycle in lib.lifecycles:
            found[lifecycle.id] = "a lifecycle"
            found.update({s.id: f"a state of the library lifecycle '{lifecycle.id}'" for s in _walk(lifecycle.states)})
        return found

    def hints(self) -> dict[str, str]:
        """For the library's lifecycles and their states, what a protocol writes to use them."""
        found: dict[str, str] = {}
        for lifecycle in self.protocol.lifecycles:
            how = f"list it under 'lifecycles' with the clause that touches it: - {{id: {lifecycle.id}, clause: ...}}"
            found[lifecycle.id] = f"'{lifecycle.id}' is a lifecycle of the library {self.name}; to use it, {how}"
            for state in _walk(lifecycle.states):
                found[state.id] = (
                    f"'{state.id}' is a state of the library lifecycle '{lifecycle.id}', which this protocol does not "
                    f"list; to use it, {how.replace('list it', 'list the lifecycle')}"
                )
        return found


def _walk(states: tuple) -> list:
    return [s for state in states for s in (state, *_walk(state.states))]


def locate(uses: str, protocol_path: str | Path) -> Path | str:
    """The file a protocol's `uses:` names: a bundled library by name, or a path relative to the
    protocol's folder; a message saying what was expected if there is none."""
    if re.fullmatch(ID_PATTERN, uses):
        if uses in BUNDLED:
            try:
                resource = importlib.resources.files(PACKAGE) / f"{uses}.yaml"
                if resource.is_file():
                    with importlib.resources.as_file(resource) as path:
                        return Path(path)
            except ModuleNotFoundError:
                pass
            return (
                f"the bundled library '{uses}' is not installed with this copy of protoverify; expected a library file"
            )
        bundled = ", ".join(BUNDLED)
        return (
            f"unknown library '{uses}'{guess(uses, BUNDLED)} expected a bundled library ({bundled}) "
            "or a library file's path"
        )
    if not uses.endswith((".yaml", ".yml")):
        return f"'{uses}' is neither a library name nor a .yaml file; expected e.g. uses: england"
    path = Path(protocol_path).parent / uses
    if not present(path):
        return f"library file '{uses}' not found beside the protocol; expected a path relative to the protocol's folder"
    return path


def load(uses: Any, protocol_path: str | Path) -> Library | str:
    """The library a protocol uses, or a message saying what is wrong with its `uses:` (to locate at
    that key). A library file with faults of its own raises a `LoadError` located in that file."""
    if not isinstance(uses, str) or not uses:
        return f"'uses' is {uses!r}; expected the name of a library (england) or the path of a library file"
    found = locate(uses, protocol_path)
    if isinstance(found, str):
        return found
    stat = found.stat()
    return _load(str(found.resolve()), stat.st_mtime_ns, stat.st_size)


@cache
def _load(path: str, _mtime: int, _size: int) -> Library:
    """A library file, read, validated as a protocol file and held to the rules of a library."""
    source = read(path, "library")
    protocol = validate(Protocol, source)
    problems = references.check(protocol) + rules(protocol) + plaindata.written_library_clauses(source.data)
    if problems:
        raise LoadError(source.locate(problems)[:MAX_ERRORS])
    return Library(protocol, source)


def rules(library: Protocol) -> list[Problem]:
    """What makes a protocol file fit to be a library: it uses none itself, holds no duties or
    responsibilities, and each transition is known by its event and target (how a protocol refines it)."""
    problems = []
    if library.uses is not None:
        problems.append(Problem(("uses",), "a library uses another library; expected a library to stand alone"))
    for section in NOT_IN_A_LIBRARY:
        if getattr(library, section):
            problems.append(
                Problem((section,), f"a library has {section}; expected them only in the protocols that use it")
            )
    for i, lifecycle in enumerate(library.lifecycles):
        seen: set[tuple[str, str]] = set()
        for j, transition in enumerate(lifecycle.transitions):
            key = (transition.event, transition.target)
            if key in seen:
                problems.append(
                    Problem(
                        ("lifecycles", i, "transitions", j),
                        f"a second transition on '{key[0]}' to '{key[1]}' in lifecycle '{lifecycle.id}'; expected one "
                        "(a protocol refines a library transition by its event and target), with all its sources "
                        "in 'from'",
                    )
                )
            seen.add(key)
    return problems
