"""Findings: what a check says about a protocol, in the JSON contract every renderer derives from.

A finding names its kind (one of the registry in `kinds`), its severity, the clauses it concerns,
the agencies involved, a message a practitioner can act on, a witness (the situation, or a dated
timeline, that shows the problem) and a suggestion. Its `id` is stable: it is made from the kind and
the question asked (the dimension, the duties, the states), not from the witness, so an author's
acceptance of a finding still applies when a re-run happens to pick another witness.

A check that could not decide a question (the solver said `unknown`, or ran out of time) reports a
finding with `decided: false`: an undecided question is never reported as a pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..model.schema import clause_sort_key
from .kinds import Severity, known

Kind = Annotated[str, AfterValidator(known)]  # a kind of the registry (properties/kinds.py)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TimelineEntry(Record):
    """One dated step of a witness timeline."""

    date: dt.date
    event: str
    clause: str | None = None
    working_day: bool | None = Field(None, description="Whether the date is a working day on the protocol's calendar.")


class Witness(Record):
    """What shows the problem: a situation (state of every lifecycle, attribute values) in data and in
    words, and/or a dated timeline."""

    situation: dict[str, str | int | bool] | None = None
    words: str | None = None
    timeline: tuple[TimelineEntry, ...] | None = None


class Finding(Record):
    """One problem (or undecided question) a check found in a protocol."""

    id: str
    kind: Kind
    severity: Severity
    clauses: tuple[str, ...]
    message: str
    agencies: tuple[str, ...] = ()
    witness: Witness | None = None
    suggestion: str = ""
    decided: bool = True
    accepted: str | None = Field(None, description="The author's reason, where the finding has been accepted.")


def finding_id(kind: str, question: str) -> str:
    """A stable id for the finding of `kind` that answers `question` (e.g. 'dimension placement')."""
    digest = hashlib.sha256(f"{kind}\n{question}".encode()).hexdigest()[:10]
    return f"{kind}:{digest}"


def make(
    kind: Kind,
    question: str,
    severity: Severity,
    clauses: tuple[str, ...] | list[str],
    message: str,
    *,
    agencies: tuple[str, ...] | list[str] = (),
    witness: Witness | None = None,
    suggestion: str = "",
    decided: bool = True,
) -> Finding:
    """A finding, with its stable id computed from the kind and the question it answers."""
    return Finding(
        id=finding_id(kind, question),
        kind=kind,
        severity=severity,
        clauses=tuple(dict.fromkeys(clauses)),
        message=message,
        agencies=tuple(dict.fromkeys(agencies)),
        witness=witness,
        suggestion=suggestion,
        decided=decided,
    )


def ordered(findings: list[Finding]) -> list[Finding]:
    """Findings in a stable reading order: severity, kind, first clause, id."""

    def key(f: Finding) -> tuple:
        first = clause_sort_key(f.clauses[0]) if f.clauses else (9,)
        return (SEVERITY_ORDER[f.severity], f.kind, first, f.id)

    return sorted(findings, key=key)
