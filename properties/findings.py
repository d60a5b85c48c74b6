"""Findings: what a check says about a protocol, in the JSON contract every renderer derives from.

A finding names its kind (one of the registry in `kinds`), its severity, the clauses it concerns,
the agencies involved, a message a practitioner can act on (at most MESSAGE_LIMIT characters), a
witness (the situation, or a dated timeline, that shows the problem), a suggestion (at most
SUGGESTION_LIMIT) and, where there is more to say, a `detail` a report can unfold. Its `id` is
stable: it is made from the kind and the question asked (the dimension, the duties, the states),
not from the witness, so an author's acceptance of a finding still applies when a re-run happens to
pick another witness.

One defect is one finding. Many findings of one minor pattern (invitations that give no notice
period) are one grouped finding (`grouped`), whose `members` list each clause with its opening
words, who, what and by when; its id is made from its kind and the pattern, never from the members.

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
MESSAGE_LIMIT = 400  # characters: what a busy manager reads
SUGGESTION_LIMIT = 200
GROUP_AT = 3  # findings of one minor pattern that make a group


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


class Member(Record):
    """One of the things a grouped finding lists: a clause, its opening words, who, what, by when."""

    clause: str
    opening: str | None = Field(
        None, description="The clause's opening words in the source, where the file gives them."
    )
    who: str | None = None
    what: str
    when: str | None = Field(None, description="By when, in words; None where the text does not say.")


class Pattern(Record):
    """A minor pattern findings of one kind can share, with its words for one finding and for several
    (`{n}` is their number) and the suggestion for them all."""

    id: str
    several: str  # '{n} invitations to meetings give no notice period'
    suggestion: str


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
    detail: str | None = Field(None, description="More than the message says, for a report to unfold.")
    members: tuple[Member, ...] | None = Field(None, description="What a grouped finding lists, one row each.")
    decided: bool = True
    accepted: str | None = Field(None, description="The author's reason, where the finding has been accepted.")
    duties: tuple[str, ...] = Field((), exclude=True, description="The protocol's duties it is about, by id.")
    pattern: Pattern | None = Field(None, exclude=True, description="The minor pattern it shares with others, if any.")
    member: Member | None = Field(None, exclude=True, description="Its row in a group of its pattern.")


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
    detail: str | None = None,
    decided: bool = True,
    pattern: Pattern | None = None,
    member: Member | None = None,
    duties: tuple[str, ...] | list[str] = (),
) -> Finding:
    """A finding, with its stable id computed from the kind and the question it answers. A message or
    suggestion longer than its limit keeps the sentences that fit, and the rest goes to the detail."""
    message, more = fitted(message, MESSAGE_LIMIT)
    suggestion, further = fitted(suggestion, SUGGESTION_LIMIT)
    detail = " ".join(part for part in (more, further, detail) if part)
    return Finding(
        id=finding_id(kind, question),
        kind=kind,
        severity=severity,
        clauses=tuple(dict.fromkeys(clauses)),
        message=message,
        agencies=tuple(dict.fromkeys(agencies)),
        witness=witness,
        suggestion=suggestion,
        detail=detail or None,
        decided=decided,
        pattern=pattern,
        member=member,
        duties=tuple(duties),
    )


def first_fitting(*options: str, limit: int = MESSAGE_LIMIT) -> str:
    """The first of the options (most to least detailed) that fits the limit; else the last."""
    return next((o for o in options if len(o) <= limit), options[-1])


def fitted(words: str, limit: int) -> tuple[str, str]:
    """Words cut to at most `limit` characters at the end of a sentence (else of a word, marked '...'),
    and what is left over."""
    if len(words) <= limit:
        return words, ""
    ends = [i + 1 for i, c in enumerate(words[:limit]) if c == "." and (i + 1 == len(words) or words[i + 1] == " ")]
    if ends:
        return words[: ends[-1]], words[ends[-1] :].strip()
    space = words.rfind(" ", 0, limit - 3)
    cut = space if space > 0 else limit - 3
    return words[:cut] + "...", "..." + words[cut:].strip()


def grouped(findings: list[Finding], at: int = GROUP_AT) -> list[Finding]:
    """The findings, with those of one kind, severity and minor pattern made one finding wherever
    there are `at` or more of them: it lists the members in clause order, and its id is made from
    the kind and the pattern alone, so it stays the same as members come and go."""
    shared: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        if f.pattern is not None and f.member is not None and f.decided:
            shared.setdefault((f.kind, f.severity, f.pattern.id), []).append(f)
    groups = {key: members for key, members in shared.items() if len(members) >= at}
    out = [f for f in findings if f.pattern is None or (f.kind, f.severity, f.pattern.id) not in groups]
    for (kind, severity, _), members in groups.items():
        members = sorted(members, key=lambda f: clause_sort_key(f.member.clause))  # type: ignore[union-attr]
        pattern = members[0].pattern
        assert pattern is not None
        rows = tuple(f.member for f in members if f.member is not None)
        listed = ", ".join(dict.fromkeys(r.clause for r in rows))
        message = f"{pattern.several.format(n=len(rows))}: {listed}."
        if len(message) > MESSAGE_LIMIT:
            message = f"{pattern.several.format(n=len(rows))}, in {len(set(r.clause for r in rows))} clauses."
        out.append(
            Finding(
                id=finding_id(kind, f"pattern {pattern.id}"),
                kind=kind,
                severity=severity,  # type: ignore[arg-type]
                clauses=tuple(dict.fromkeys(c for f in members for c in f.clauses)),
                message=message,
                agencies=tuple(sorted({a for f in members for a in f.agencies})),
                suggestion=pattern.suggestion,
                members=rows,
            )
        )
    return out


def ordered(findings: list[Finding]) -> list[Finding]:
    """Findings in a stable reading order: severity, kind, first clause, id."""

    def key(f: Finding) -> tuple:
        first = clause_sort_key(f.clauses[0]) if f.clauses else (9,)
        return (SEVERITY_ORDER[f.severity], f.kind, first, f.id)

    return sorted(findings, key=key)
