"""The kinds of finding, in one table: for each, the family of checks that reports it, its usual
severity, the area of the protocol a manager would review it under, its priority among what to fix
first, its plain name (one finding, several), how its severity follows the harm to a child
(`harm`, the rule docs/checks.md gives word for word), and its section in docs/checks.md.

Severity is by harm (docs/checks.md#severity-by-harm): an error where a child can be left without a
service, or statute breached, between agencies; a warning for an ambiguity a practitioner may trip
over; information for drafting.

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
    """One kind of finding (see the module's docstring). `severity` is the usual one; `harm` says when
    a finding of the kind is more or less severe, as docs/checks.md does."""

    id: str
    family: Family
    severity: Severity
    area: str
    priority: int  # among what to fix first: 1 first
    one: str  # a finding of this kind, in a manager's words
    several: str  # several of them
    harm: str = ""  # how its severity follows the harm to a child: the rule docs/checks.md states

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
        "Error for a responsibility nobody holds in some case, and for a must-duty nobody is named for that "
        "statute gives the child, or that reaches another agency while another duty waits on it; information "
        "where every duty of the sentence is drafting (a step inside one agency, an invitation, a principle, a "
        "permission); else a warning.",
    ),
    FindingKind(
        "ownership-conflict",
        "ownership",
        "warning",
        "responsibility",
        5,
        "responsibility given to two agencies with no lead",
        "responsibilities given to two agencies with no lead",
        "Warning where two clauses give a responsibility to different agencies in one case and neither leads; "
        "information where the agencies overlap or hold it jointly.",
    ),
    FindingKind(
        "silent-handover",
        "structure",
        "warning",
        "responsibility",
        8,
        "handover with no duty to tell the new holder",
        "handovers with no duty to tell the new holder",
        "Always a warning: the new holder may not know, but the rules that hand over are named.",
    ),
    FindingKind(
        "escalation-gap",
        "structure",
        "warning",
        "responsibility",
        7,
        "dispute route that ends at no named role",
        "dispute routes that end at no named role",
        "Always a warning: a dispute can stall, but the services keep their own duties meanwhile.",
    ),
    FindingKind(
        "no-out-of-hours-route",
        "practice",
        "error",
        "responsibility",
        18,
        "agency with urgent work out of hours and no out-of-hours contact",
        "agencies with urgent work out of hours and no out-of-hours contact",
        "Error where the child waits on the urgent work; otherwise a warning.",
    ),
    FindingKind(
        "joint-duty-no-lead",
        "practice",
        "warning",
        "responsibility",
        20,
        "duty given to several agencies with no lead",
        "duties given to several agencies with no lead",
        "Always a warning: the act is named and so are the agencies, but each may wait for the other.",
    ),
    FindingKind(
        "unrequired-input",
        "practice",
        "warning",
        "responsibility",
        21,
        "input from another agency that no clause asks it to give",
        "inputs from other agencies that no clause asks them to give",
        "Warning where no duty asks the other agency for its input; information where only the time to give "
        "it is missing.",
    ),
    FindingKind(
        "item-due-twice",
        "practice",
        "warning",
        "responsibility",
        22,
        "item asked of two agencies, or by two dates",
        "items asked of two agencies, or by two dates",
        "Always a warning: two agencies, or two dates, for one item can leave each assuming the other.",
    ),
    FindingKind(
        "dispute-route-incomplete",
        "practice",
        "warning",
        "responsibility",
        23,
        "dispute route with no time limit, tie-break or cover meanwhile",
        "dispute routes with no time limit, tie-break or cover meanwhile",
        "Always a warning: a dispute can stall, but the services keep their own duties meanwhile.",
    ),
    FindingKind(
        "deadline-conflict",
        "deadlines",
        "error",
        "timescales",
        3,
        "deadline that cannot always be met",
        "deadlines that cannot always be met",
        "Error for a must-deadline that cannot always be met; warning for a should, or where best practice "
        "allows a requirement to be missed; information where the clause already asks for it as soon as "
        "possible.",
    ),
    FindingKind(
        "deadline-divergence",
        "deadlines",
        "warning",
        "timescales",
        9,
        "time limit stated two ways that disagree",
        "time limits stated two ways that disagree",
        "Warning where a duty's limit reads two ways, or two clauses time one duty differently; information "
        "where the date is one the court or a meeting fixes (and for a report due at that hearing).",
    ),
    FindingKind(
        "vague-deadline",
        "text",
        "warning",
        "timescales",
        10,
        "duty with no time limit",
        "duties with no time limit",
        "Warning for a must-duty (or a should that protects a child from harm) that passes between agencies or "
        "that statute times; information for an invitation, a step inside one agency, any other should or a "
        "principle, and for words beside a firm limit.",
    ),
    FindingKind(
        "waiting-no-limit",
        "practice",
        "error",
        "timescales",
        16,
        "child left waiting with no time limit or fallback",
        "children left waiting with no time limit or fallback",
        "Error where the duty that ends the wait has no time limit and no fallback is named; a warning where "
        "a limit is given but no fallback.",
    ),
    FindingKind(
        "dangling-reference",
        "structure",
        "warning",
        "structure",
        4,
        "reference to something the protocol does not have",
        "references to things the protocol does not have",
        "Warning for a document a duty needs that no clause makes; information for a cross-reference to a "
        "clause the protocol does not have.",
    ),
    FindingKind(
        "unreachable-state",
        "structure",
        "info",
        "structure",
        13,
        "situation no case can reach",
        "situations no case can reach",
        "Always information: what the protocol says for such children is drafting that never applies.",
    ),
    FindingKind(
        "dead-end-state",
        "structure",
        "info",
        "structure",
        14,
        "situation a case can never leave",
        "situations a case can never leave",
        "Always information: the protocol does not say what ends it.",
    ),
    FindingKind(
        "numbering",
        "text",
        "info",
        "structure",
        15,
        "numbering fault",
        "numbering faults",
        "Always information: drafting.",
    ),
    FindingKind(
        "trigger-never-fires",
        "practice",
        "error",
        "structure",
        19,
        "duty nothing starts for some children",
        "duties nothing starts for some children",
        "Error where work every case needs waits on a duty asked for only in some cases; a warning where "
        "either duty is not a must.",
    ),
    FindingKind(
        "review-overdue",
        "text",
        "warning",
        "review",
        11,
        "review date passed",
        "review dates passed",
        "Always a warning: practice may have moved on from the text.",
    ),
    FindingKind(
        "review-missing",
        "text",
        "warning",
        "review",
        12,
        "review date missing",
        "review dates missing",
        "Always a warning: nobody is due to check the text.",
    ),
    FindingKind(
        "topics-not-covered",
        "practice",
        "info",
        "review",
        24,
        "finding on topics joint protocols usually cover",
        "findings on topics joint protocols usually cover",
        "Information for topics other protocols cover, for the next review; a warning for a topic whose "
        "situation the protocol names but gives no rule for.",
    ),
    FindingKind(
        "statutory-gap",
        "statute",
        "info",
        "statute",
        1,
        "statutory duty the protocol leaves out",
        "statutory duties the protocol leaves out",
        "Warning for a duty between the services: a statutory duty or responsibility for a child the justice "
        "system holds (police custody, remand, custody), where one service must act for the other's child or pay "
        "for a remand from its budget, or one statute gives the youth justice service itself (referring a "
        "homeless young person to a housing authority); information for duties inside one service.",
    ),
    FindingKind(
        "statutory-conflict",
        "statute",
        "error",
        "statute",
        6,
        "statutory duty stated more loosely than the law",
        "statutory duties stated more loosely than the law",
        "Error for a time limit later than statute's; warning where the statute's text is unconfirmed, and for "
        "a duty given to a body statute does not name.",
    ),
    FindingKind(
        "looser-than-statute",
        "practice",
        "error",
        "statute",
        17,
        "statutory duty stated with less force, or for fewer children, than the law",
        "statutory duties stated with less force, or for fewer children, than the law",
        "Error for a binding statutory must stated with less force or for fewer children; a warning where "
        "the statutory text is unconfirmed.",
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
