"""Loading a protocol file: read the YAML, merge it with the library it uses, build the model, check
its cross-references.

Every problem comes back as a located `LoadError` (`file:line:col: what is wrong; what was
expected`), in the protocol file (or, for a fault of a library itself, in the library file);
nothing in the file is ever evaluated as code.
"""

from __future__ import annotations

from pathlib import Path

from . import library as libraries
from . import references
from .merge import merge
from .plaindata import written_library_clauses
from .provenance import settle
from .schema import Protocol
from .source import MAX_ERRORS, LoadError, Problem, Source, read, validate


def load_protocol(path: str | Path) -> Protocol:
    """The protocol in the YAML file at `path`, or a `LoadError` saying where it is wrong. A protocol
    that `uses:` a library comes back merged with it: an ordinary protocol (docs/library.md)."""
    source = read(path, "protocol")
    if "uses" in source.data:
        return _with_library(path, source)
    _refuse(source, written_library_clauses(source.data))
    protocol = validate(Protocol, source)
    _refuse(source, references.check(protocol))
    return protocol


def _with_library(path: str | Path, source: Source) -> Protocol:
    library = libraries.load(source.data["uses"], path)
    if isinstance(library, str):
        _refuse(source, [Problem(("uses",), library)])
    merged, problems = merge(source, library)
    _refuse(source, problems)
    protocol = settle(validate(Protocol, merged), library.protocol)
    _refuse(merged, references.check(protocol, library.hints()))
    return protocol


def _refuse(source: Source, problems: list[Problem]) -> None:
    if problems:
        raise LoadError(source.locate(problems)[:MAX_ERRORS])
