"""Loading a protocol file: read the YAML, build the model, check its cross-references.

Every problem comes back as a located `LoadError` (`file:line:col: what is wrong; what was
expected`); nothing in the file is ever evaluated as code.
"""

from __future__ import annotations

from pathlib import Path

from . import references
from .schema import Protocol
from .source import MAX_ERRORS, LoadError, read, validate


def load_protocol(path: str | Path) -> Protocol:
    """The protocol in the YAML file at `path`, or a `LoadError` saying where it is wrong."""
    source = read(path, "protocol")
    protocol = validate(Protocol, source)
    problems = references.check(protocol)
    if problems:
        raise LoadError(source.locate(problems)[:MAX_ERRORS])
    return protocol
