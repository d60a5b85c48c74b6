"""The kinds of finding, in one table: for each, the family of checks that reports it, its usual
severity, the area of the protocol a manager would review it under, its priority among what to fix
first, its plain name (one finding, several), and its section in docs/checks.md.

Adding a kind is one row here plus its check; a test fails when a kind has no row, or no section in
docs/checks.md. The reports take their areas, their order of what to fix first and their words for a
group of findings from this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
Family = Literal["ownership", "deadlines", "structure", "text", "statute", "practice"]  # the modules of checks
DOCS = "checks.md"


@dataclass(frozen=True)
class Area:
    """A part of the protocol a manager would review as one, and hand to one person."""

    id: str
    name: str


AREAS = (
    Area("responsibility", "Who is responsible"),
    Area("timescales", "Timescales"),
    Area("structure", "Structure and references"),
    Area("review", "Review and currency"),
    Area("statute", "Statutory duties"),
)


@dataclass(frozen=True)
class FindingKind:
    """One kind of finding (see the module's docstring). `severity` is the usual one: a check may give
    another where docs/checks.md says so (a duty with no actor follows its modality)."""

    id: str
    family: Family
    severity: Severity
    area: str
    priority: int  # among what to fix first: 1 first
    one: str  # a finding of this kind, in a manager's words
    several: str  # several of them

    @property
    def anchor(self) -> str:
        """Its section in the documentation: docs/checks.md#ownership-gap."""
        return f"{DOCS}#{self.id}"

    def words(self, count: int) -> str:
        """`count` findings of this kind in words: "24 duties or responsibilities with nobody named ..."."""
        return f"{count} {self.one if count == 1 else self.several}"


TABLE = (  # grouped by area; the practice checks (properties/practice.py) come after the others in what to fix first
    FindingKind(
        "ownership-gap",
        "ownership",
        "error",
        "responsibility",
        2,
        "duty or responsibility with nobody named to hold it",
        "duties or responsibilities with nobody named to hold them",
    ),
    FindingKind(
        "ownership-conflict",
        "ownership",
        "error",
        "responsibility",
        5,
        "responsibility given to two agencies with no lead",
        "responsibilities given to two agencies with no lead",
    ),
    FindingKind(
        "silent-handover",
        "structure",
        "warning",
        "responsibility",
        8,
        "handover with no duty to tell the new holder",
        "handovers with no duty to tell the new holder",
    ),
    FindingKind(
        "escalation-gap",
        "structure",
        "warning",
        "responsibility",
        7,
        "dispute route that ends at no named role",
        "dispute routes that end at no named role",
    ),
    FindingKind(
        "no-out-of-hours-route",
        "practice",
        "error",
        "responsibility",
        18,
        "agency with urgent work out of hours and no out-of-hours contact",
        "agencies with urgent work out of hours and no out-of-hours contact",
    ),
    FindingKind(
        "joint-duty-no-lead",
        "practice",
        "warning",
        "responsibility",
        20,
        "duty given to several agencies with no lead",
        "duties given to several agencies with no lead",
    ),
    FindingKind(
        "unrequired-input",
        "practice",
        "warning",
        "responsibility",
        21,
        "input from another agency that no clause asks it to give",
        "inputs from other agencies that no clause asks them to give",
    ),
    FindingKind(
        "item-due-twice",
        "practice",
        "warning",
        "responsibility",
        22,
        "item asked of two agencies, or by two dates",
        "items asked of two agencies, or by two dates",
    ),
    FindingKind(
        "dispute-route-incomplete",
        "practice",
        "warning",
        "responsibility",
        23,
        "dispute route with no time limit, tie-break or cover meanwhile",
        "dispute routes with no time limit, tie-break or cover meanwhile",
    ),
    FindingKind(
        "deadline-conflict",
        "deadlines",
        "error",
        "timescales",
        3,
        "deadline that cannot always be met",
        "deadlines that cannot always be met",
    ),
    FindingKind(
        "deadline-divergence",
        "deadlines",
        "warning",
        "timescales",
        9,
        "time limit stated two ways that disagree",
        "time limits stated two ways that disagree",
    ),
    FindingKind(
        "vague-deadline",
        "text",
        "warning",
        "timescales",
        10,
        "timescale in words only (no time limit)",
        "timescales in words only (no time limit)",
    ),
    FindingKind(
        "waiting-no-limit",
        "practice",
        "error",
        "timescales",
        16,
        "child left waiting with no time limit or fallback",
        "children left waiting with no time limit or fallback",
    ),
    FindingKind(
        "dangling-reference",
        "structure",
        "warning",
        "structure",
        4,
        "reference to something the protocol does not have",
        "references to things the protocol does not have",
    ),
    FindingKind(
        "unreachable-state",
        "structure",
        "warning",
        "structure",
        13,
        "situation no case can reach",
        "situations no case can reach",
    ),
    FindingKind(
        "dead-end-state",
        "structure",
        "info",
        "structure",
        14,
        "situation a case can never leave",
        "situations a case can never leave",
    ),
    FindingKind("numbering", "text", "info", "structure", 15, "numbering fault", "numbering faults"),
    FindingKind(
        "trigger-never-fires",
        "practice",
        "error",
        "structure",
        19,
        "duty nothing starts for some children",
        "duties nothing starts for some children",
    ),
    FindingKind("review-overdue", "text", "warning", "review", 11, "review date passed", "review dates passed"),
    FindingKind("review-missing", "text", "warning", "review", 12, "review date missing", "review dates missing"),
    FindingKind(
        "topics-not-covered",
        "practice",
        "info",
        "review",
        24,
        "finding on topics joint protocols usually cover",
        "findings on topics joint protocols usually cover",
    ),
    FindingKind(
        "statutory-gap",
        "statute",
        "info",
        "statute",
        1,
        "statutory duty the protocol leaves out",
        "statutory duties the protocol leaves out",
    ),
    FindingKind(
        "statutory-conflict",
        "statute",
        "error",
        "statute",
        6,
        "statutory duty stated more loosely than the law",
        "statutory duties stated more loosely than the law",
    ),
    FindingKind(
        "looser-than-statute",
        "practice",
        "error",
        "statute",
        17,
        "statutory duty stated with less force, or for fewer children, than the law",
        "statutory duties stated with less force, or for fewer children, than the law",
    ),
)
KIND = {k.id: k for k in TABLE}
KINDS: tuple[str, ...] = tuple(KIND)  # in the order of the areas
FIX_ORDER: tuple[str, ...] = tuple(k.id for k in sorted(TABLE, key=lambda k: k.priority))


def of_area(area: str) -> tuple[str, ...]:
    """The kinds reviewed under an area, in the table's order."""
    return tuple(k.id for k in TABLE if k.area == area)


def known(kind: str) -> str:
    """The kind, if the table has it; a ValueError naming the kinds it has otherwise."""
    if kind not in KIND:
        raise ValueError(f"unknown finding kind {kind!r}; expected one of {', '.join(KINDS)} (properties/kinds.py)")
    return kind
