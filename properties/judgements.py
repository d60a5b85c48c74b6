"""Judgements: what a protocol's author has already decided about its findings, in a file beside it.

`<protocol>.judgements.yaml` (or the file given with `--accept`) holds

- `accepted`: findings the author has read and accepts, each by its stable id with a reason; they
  are shown as accepted and do not count towards the exit code;
- `assumptions`: facts about the domain the protocol takes for granted, each a condition that holds
  whenever another does (`when` ... `then`), with a reason. The checks only consider situations in
  which every assumption holds: "an eligible young person is looked after" rules out witnesses that
  are eligible and a former relevant care leaver at once.

It is read like a protocol file: every problem is located (`file:line:col`), and its conditions are
data, checked against the protocol's attributes and lifecycles.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from ..model import references
from ..model.conditions import AnyOf, Condition, Not
from ..model.schema import ConditionField, Element, Id, Protocol
from ..model.source import MAX_ERRORS, LoadError, Problem, read, validate

SUFFIX = ".judgements.yaml"


class Assumption(Element):
    """Whenever `when` holds, `then` holds too (always, if `when` is left out)."""

    id: Id
    when: ConditionField | None = None
    then: ConditionField
    reason: str = Field(min_length=1)

    def as_condition(self) -> Condition:
        return self.then if self.when is None else AnyOf((Not(self.when), self.then))


class Acceptance(Element):
    """A finding the author accepts, by its id, and why."""

    id: str = Field(pattern=r"^[a-z-]+:[0-9a-f]{10}$", description="The finding's id, as `check` prints it.")
    reason: str = Field(min_length=1)


class Judgements(Element):
    """The author's judgements on one protocol's findings."""

    protoverify_judgements: int = Field(
        1, alias="protoverify-judgements", description="The format version of this file."
    )
    protocol: Id = Field(description="The id of the protocol these judgements are about (its metadata id).")
    assumptions: tuple[Assumption, ...] = ()
    accepted: tuple[Acceptance, ...] = ()


def beside(protocol_path: Path) -> Path:
    """Where a protocol's judgements file is looked for by default: `stockport-2019.judgements.yaml`."""
    return protocol_path.with_name(protocol_path.stem + SUFFIX)


def load_judgements(path: Path, protocol: Protocol) -> Judgements:
    """The judgements in `path`, checked against `protocol`, or a located `LoadError`."""
    source = read(path, "judgements")
    judgements = validate(Judgements, source)
    problems = []
    if judgements.protocol != protocol.metadata.id:
        problems.append(
            Problem(
                ("protocol",), f"these judgements are about '{judgements.protocol}'; expected '{protocol.metadata.id}'"
            )
        )
    for i, assumption in enumerate(judgements.assumptions):
        problems += references.check_condition(protocol, assumption.when, ("assumptions", i, "when"))
        problems += references.check_condition(protocol, assumption.then, ("assumptions", i, "then"))
    seen: set[str] = set()
    for i, acceptance in enumerate(judgements.accepted):
        if acceptance.id in seen:
            problems.append(
                Problem(("accepted", i, "id"), f"finding '{acceptance.id}' is accepted twice; expected each once")
            )
        seen.add(acceptance.id)
    if problems:
        raise LoadError(source.locate(problems)[:MAX_ERRORS])
    return judgements
