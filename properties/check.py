"""Running every check on a protocol: the findings, the author's judgements applied, the verdict.

The checks are one module per family, each `check(protocol, context) -> list[Finding]`, run in a
fixed order. Findings the author has accepted are kept, marked with the reason, and do not count
towards the verdict; acceptances that match no finding any more are listed as stale. The verdict
(exit code) is 0 when no open finding is an error, 1 otherwise; a question the solver could not
decide is an open error, never a pass.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..model.schema import Protocol
from . import deadlines, ownership, practice, statute, structure, text
from .context import TIMEOUT_SECONDS, Context
from .findings import Finding, grouped, ordered
from .judgements import Judgements
from .who import firm

FAMILIES = (ownership, deadlines, structure, text, statute, practice)


@dataclass
class Report:
    """The findings on one protocol, with the judgements applied."""

    protocol: Protocol
    today: dt.date
    findings: list[Finding] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # accepted ids no finding has any more

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if f.accepted is None]

    @property
    def exit_code(self) -> int:
        return 1 if any(f.severity == "error" for f in self.open) else 0

    def summary(self) -> dict[str, Any]:
        """Counts of open findings by severity, and of accepted, undecided and stale ones."""
        severities = Counter(f.severity for f in self.open)
        return {
            "error": severities["error"],
            "warning": severities["warning"],
            "info": severities["info"],
            "accepted": sum(f.accepted is not None for f in self.findings),
            "undecided": sum(not f.decided for f in self.findings),
            "stale_acceptances": self.stale,
            "by_kind": dict(sorted(Counter(f.kind for f in self.open).items())),
        }

    def to_json(self) -> dict[str, Any]:
        """The report in the JSON contract: `{"protocol", "findings", "summary"}`."""
        meta = self.protocol.metadata
        return {
            "protocol": {
                "id": meta.id,
                "title": meta.title,
                "review": meta.review.isoformat() if meta.review else None,
            },
            "checked_as_of": self.today.isoformat(),
            "findings": [f.model_dump(mode="json", exclude_none=True) for f in self.findings],
            "summary": self.summary(),
        }


def check(
    protocol: Protocol,
    *,
    today: dt.date | None = None,
    timeout: float = TIMEOUT_SECONDS,
    judgements: Judgements | None = None,
    baseline: Protocol | None = None,
) -> Report:
    """Run every check on `protocol` and apply the author's judgements. The statute checks compare it
    with `baseline`, by default the bundled England baseline (protocols/baseline/england.yaml)."""
    assumptions = tuple(a.as_condition() for a in judgements.assumptions) if judgements else ()
    baseline = statute.bundled_baseline() if baseline is None else baseline
    context = Context(
        protocol, today=today or dt.date.today(), timeout=timeout, assumptions=assumptions, baseline=baseline
    )
    found = grouped(
        unrepeated(protocol, [finding for family in FAMILIES for finding in family.check(protocol, context)])
    )
    accepted = {a.id: a.reason for a in judgements.accepted} if judgements else {}
    findings = [f.model_copy(update={"accepted": accepted[f.id]}) if f.id in accepted else f for f in found]
    stale = sorted(set(accepted) - {f.id for f in found})
    return Report(protocol, context.today, ordered(findings), stale)


def unrepeated(protocol: Protocol, found: list[Finding]) -> list[Finding]:
    """The findings less those another already says: a duty with no time limit is reported once, as
    the wait it ends (waiting-no-limit), as a joint duty with neither lead nor limit ("and names no
    lead, nor by when"), as one side of an item due twice ("with no time limit"), or as a level of a
    dispute route with "no time limit at any level", not again as a vague deadline; words asking for a
    firm limit sooner ("as soon as possible and no later than ...") are told once, by the deadline
    conflict they cover (a window that can be too short); a restatement of a
    statutory duty that is looser than statute and names no one is reported once, as looser than
    statute (which says so), not again as an ownership gap."""
    untimed = {d.id for d in protocol.duties if not firm(d)}
    said = {d for f in found if f.kind == "waiting-no-limit" for d in f.duties}
    said |= {
        d
        for f in found
        if f.kind in ("joint-duty-no-lead", "item-due-twice", "dispute-route-incomplete")
        for d in f.duties
        if d in untimed
    }
    said |= {d for f in found if f.kind == "deadline-conflict" and f.decided for d in f.duties if d not in untimed}
    unnamed = {d for f in found if f.kind == "looser-than-statute" for d in f.duties}
    return [
        f
        for f in found
        if not (f.kind == "vague-deadline" and f.duties and set(f.duties) <= said)
        and not (f.kind == "ownership-gap" and f.duties and set(f.duties) <= unnamed)
    ]
