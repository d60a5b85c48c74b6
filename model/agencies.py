"""The parties and papers of a protocol: agencies and their roles, who takes their work out of hours,
the people a duty may concern, the outside documents it refers to and the artefacts duties produce
or need."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .elements import BodyKind, Clauses, Element, Id, Ids, stated


class Role(Element):
    """A role within an agency (a YOS officer, a social worker, a team leader)."""

    id: Id
    name: str
    clause: Clauses
    short: str | None = Field(
        None, min_length=1, description="What the protocol calls the role for short, if its name is long."
    )


class OutOfHours(Element):
    """Who takes an agency's urgent work at night, at weekends and on bank holidays, as the protocol
    names it: an emergency duty team, an on-call manager."""

    by: Id = Field(description="The role or agency that takes the work out of hours (an emergency duty team).")
    clause: Clauses
    duties: Ids = Field(
        (),
        description=(
            "The duties the route is named for (an appropriate adult only); all the agency's work if not given."
        ),
    )


class Council(Element):
    """The council (a local authority) an agency is, or is a service of, as the protocol says: agencies
    of one council are one body, so work passing between them does not pass between bodies."""

    id: Id = Field(description="A name for the council, the same on each agency of it (stockport).")
    clause: Clauses


class Agency(Element):
    """An organisation that holds duties or responsibilities (YOS, children's social care, police ...)."""

    id: Id
    name: str
    clause: Clauses
    kind: BodyKind | None = Field(
        None,
        description=(
            "The kind of statutory body the agency is (local_authority, youth_offending_team ...), where the text "
            "makes it plain."
        ),
    )
    short: str | None = Field(
        None,
        min_length=1,
        description=(
            "What the protocol calls the agency for short (YOS, CSC); else the capitals in brackets in its name."
        ),
    )
    roles: tuple[Role, ...] = ()
    out_of_hours: OutOfHours | None = Field(
        None,
        description="Who takes the agency's urgent work out of office hours; none where the protocol names no one.",
    )
    council: Council | None = Field(
        None,
        description=(
            "The council the agency is, or is a service of, where the text says so (docs/protocol-format.md#agencies)."
        ),
    )


class Person(Element):
    """Someone a duty concerns who is not an agency: the child, a parent, a family member."""

    id: Id
    name: str
    clause: Clauses


class Document(Element):
    """An outside document the protocol refers to (a policy, a national protocol, a statute)."""

    id: Id
    title: str
    clause: Clauses


class External(Element):
    """What makes an artefact external: it is made under other rules, named here (a care plan under
    the Care Planning Regulations, an EHCP, a court report the service already holds)."""

    document: stated(
        Id,
        "The instrument the artefact is made under, declared under 'documents'; 'unspecified' where the source "
        "names none.",
    )
    provision: str | None = Field(None, min_length=1, description="The provision, as cited: 'reg 4', 's22C'.")
    confidence: Literal["confirmed", "unconfirmed"] = Field(
        "confirmed", description="'unconfirmed' where the wording of the primary text was not confirmed."
    )


class Artefact(Element):
    """Something a duty produces or needs: an assessment, a report, a plan, a notification. An
    `external` artefact is made under other rules: a duty may need it although no duty of the
    protocol produces it. `from` names the agency whose input it is (CSC's views, another service's
    assessment)."""

    id: Id
    name: str
    clause: Clauses
    external: External | None = Field(
        None,
        description="Made under other rules (the instrument that governs it): no duty of the protocol need produce it.",
    )
    provider: Ids = Field(
        (),
        alias="from",
        description=(
            "The agencies or roles whose input it is (CSC's views on the child): a duty of theirs should give it."
        ),
    )
