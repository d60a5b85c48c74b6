"""The shared vocabulary: kinds of duty, kinds of case status and kinds of statutory body.

Protocols name things their own way: one says "the YOS officer in court must notify CSC as soon as a
RiLAA is ordered", another "WYJS must notify the relevant children's team". A `kind:` from this
vocabulary says that two duties, in two protocols or in a protocol and the statutory baseline, are
about the same thing, so that they can be compared:

- a **duty kind** (on a duty, a responsibility dimension or an ownership rule): what is done, e.g.
  `notify_remand`, `visit_looked_after_child`, `provide_appropriate_adult`. A kind names the act and
  the moment its clock starts, never who does it or how fast: those are what comparisons look at.
- a **situation** (on a lifecycle state): what kind of case status a state is, e.g. `remanded_yda`.
  The statute checks decide from these which statutory duties are within a protocol's scope.
- a **body** (on an agency): the kind of body statute gives duties to, e.g. `local_authority`,
  `youth_offending_team`. The statute checks compare a protocol's actors with statute's by body.

The terms are data, in this module, so that the loader, the JSON Schema (editor completion) and the
documentation (docs/vocabulary.md) all read the one list.
"""

from __future__ import annotations

from dataclasses import dataclass

from .wording import guess


@dataclass(frozen=True)
class DutyKind:
    """What a duty is about, whoever does it and however fast: `notify_remand`."""

    id: str
    name: str
    topic: str


@dataclass(frozen=True)
class Situation:
    """A kind of case status. `broader` is the kind it is a case of (a relevant young person is a
    care leaver); `implied_by` lists kinds that, encoded together, mean a protocol deals with this one
    too (looked-after children and custodial sentences: a looked-after child can be sentenced)."""

    id: str
    name: str
    broader: str | None = None
    implied_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Body:
    """A kind of body statute gives duties to."""

    id: str
    name: str


TOPICS = (
    "police station",
    "court and remand",
    "custody and release",
    "looked-after children",
    "leaving care",
    "referral and safeguarding",
    "housing",
)

DUTY_KINDS: tuple[DutyKind, ...] = (
    # police station
    DutyKind(
        "provide_appropriate_adult",
        "provide or arrange an appropriate adult for a child at the police station",
        "police station",
    ),
    DutyKind(
        "pace_transfer",
        "move a charged child from police custody to local authority accommodation (PACE)",
        "police station",
    ),
    DutyKind(
        "accept_pace_transfer",
        "accept a child transferred from police custody into local authority accommodation",
        "police station",
    ),
    # court and remand
    DutyKind("attend_court", "attend court with or for the child", "court and remand"),
    DutyKind(
        "notify_remand",
        "tell children's services that a child has been remanded or has become looked after through the justice process",
        "court and remand",
    ),
    DutyKind("find_remand_placement", "find or arrange the placement of a remanded child", "court and remand"),
    DutyKind("arrange_remand_transport", "arrange transport to the remand placement", "court and remand"),
    DutyKind("fund_remand_transport", "pay for transport to the remand placement", "court and remand"),
    DutyKind(
        "fund_remand_placement",
        "pay for a remanded child's accommodation (local authority or youth detention)",
        "court and remand",
    ),
    DutyKind(
        "detention_placement_plan",
        "make the detention placement plan of a child remanded to youth detention accommodation",
        "court and remand",
    ),
    DutyKind("assetplus_assessment", "complete an AssetPlus assessment (bail and remand, custody)", "court and remand"),
    # custody and release
    DutyKind(
        "notify_custodial_sentence", "tell the child's social worker of a custodial sentence", "custody and release"
    ),
    DutyKind(
        "send_information_to_secure_establishment",
        "send the secure establishment the child's information",
        "custody and release",
    ),
    DutyKind(
        "visit_former_looked_after_child_in_detention",
        "visit a child who stopped being looked after because they were detained, counted from the first day of detention",
        "custody and release",
    ),
    DutyKind("visit_on_request_in_detention", "visit a detained child when reasonably asked to", "custody and release"),
    DutyKind("plan_release", "plan the child's release and resettlement", "custody and release"),
    DutyKind("visit_release_placement", "visit the placement a child will live in on release", "custody and release"),
    # looked-after children
    DutyKind(
        "visit_looked_after_child",
        "visit a looked-after child in their placement, counted from the start of the placement",
        "looked-after children",
    ),
    DutyKind(
        "review_looked_after_child",
        "review a looked-after child's care plan (statutory review), counted from the child becoming looked after",
        "looked-after children",
    ),
    DutyKind(
        "review_before_care_plan_change",
        "review a looked-after child's care before a significant change to the care plan",
        "looked-after children",
    ),
    DutyKind(
        "invite_to_looked_after_review",
        "invite the youth justice service to a looked-after child's review or care planning meeting",
        "looked-after children",
    ),
    DutyKind(
        "notify_placement_change",
        "tell the youth justice service of a change of a looked-after child's placement",
        "looked-after children",
    ),
    DutyKind(
        "assess_eligible_child_needs",
        "assess the needs of an eligible child, counted from their sixteenth birthday or becoming eligible",
        "looked-after children",
    ),
    # leaving care
    DutyKind("appoint_personal_adviser", "give a care leaver a personal adviser", "leaving care"),
    DutyKind("prepare_pathway_plan", "prepare a care leaver's pathway plan", "leaving care"),
    DutyKind("review_pathway_plan", "review a care leaver's pathway plan", "leaving care"),
    # referral and safeguarding
    DutyKind("refer_to_childrens_social_care", "refer a child to children's social care", "referral and safeguarding"),
    DutyKind(
        "refer_to_youth_justice_service", "refer a child to the youth justice service", "referral and safeguarding"
    ),
    DutyKind(
        "decide_on_referral",
        "decide what to do about a referral to children's social care, counted from the referral",
        "referral and safeguarding",
    ),
    DutyKind(
        "child_and_family_assessment",
        "complete the social work (child and family) assessment of a referred child, counted from the referral",
        "referral and safeguarding",
    ),
    DutyKind(
        "initial_child_protection_conference",
        "hold the initial child protection conference, counted from the strategy discussion",
        "referral and safeguarding",
    ),
    # housing
    DutyKind(
        "refer_to_housing",
        "refer a person who is homeless or threatened with homelessness to a housing authority",
        "housing",
    ),
    DutyKind("assess_housing_needs", "assess a young person's housing needs", "housing"),
)

SITUATIONS: tuple[Situation, ...] = (
    Situation("police_custody", "in police custody"),
    Situation("remanded_local_authority", "remanded to local authority accommodation"),
    Situation("remanded_yda", "remanded to youth detention accommodation"),
    Situation("sentenced_custody", "serving a custodial sentence"),
    Situation("looked_after", "looked after by a local authority"),
    Situation("looked_after_remand", "looked after because of a remand", broader="looked_after"),
    Situation(
        "ceased_looked_after_detained",
        "no longer looked after because detained",
        implied_by=("looked_after", "sentenced_custody"),
    ),
    Situation("care_leaver", "a care leaver"),
    Situation(
        "relevant", "a relevant young person (16 or 17, was eligible, no longer looked after)", broader="care_leaver"
    ),
    Situation("former_relevant", "a former relevant young person (18 to 25)", broader="care_leaver"),
    Situation("homeless", "homeless or threatened with homelessness"),
)

BODIES: tuple[Body, ...] = (
    Body("local_authority", "a local authority (children's services)"),
    Body("youth_offending_team", "a youth offending team"),
    Body("police", "the police"),
    Body("housing_authority", "a local housing authority"),
    Body(
        "secure_establishment",
        "a secure establishment (young offender institution, secure training centre or secure children's home)",
    ),
    Body("court", "a court"),
)

DUTY_KIND = {k.id: k for k in DUTY_KINDS}
SITUATION = {s.id: s for s in SITUATIONS}
BODY = {b.id: b for b in BODIES}


def unknown(what: str, name: str, known: dict[str, object]) -> str:
    """'unknown duty kind 'x'; did you mean 'y'? expected a term of the shared vocabulary ...'"""
    return f"unknown {what} '{name}'{guess(name, known)} expected a {what} of the shared vocabulary (docs/vocabulary.md), e.g. {', '.join(list(known)[:3])}"


def related(kind: str) -> frozenset[str]:
    """A situation kind with the kinds directly narrower or broader than it."""
    term = SITUATION[kind]
    return frozenset(
        {kind, *(s.id for s in SITUATIONS if s.broader == kind), *([term.broader] if term.broader else [])}
    )


def dealt_with_by(present: set[str], wanted: str) -> frozenset[str]:
    """Which of the situation kinds `present` (those of a protocol's states) mean the protocol deals
    with cases of kind `wanted`: that kind itself, a narrower or broader one (a protocol about care
    leavers deals with relevant young people; one about children looked after through a remand deals
    with looked-after children), or, failing those, all the kinds that imply it together. Empty if none."""
    direct = frozenset(present & related(wanted))
    implied_by = SITUATION[wanted].implied_by
    if direct or not implied_by:
        return direct
    parts = [dealt_with_by(present, k) for k in implied_by]
    return frozenset().union(*parts) if all(parts) else frozenset()
