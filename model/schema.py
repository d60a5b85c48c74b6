"""The protocol model: what a protocol file says, as frozen pydantic models, and the one place to
import them from.

A protocol names agencies and their roles, the people a duty may concern, the documents and
artefacts it mentions (`agencies`), the case attributes and lifecycles (statecharts) that make up a
situation and the events that move a case (`situations`), the duties with their timescales
(`duties`), who owns each responsibility in which situation and the escalation routes
(`responsibility`), and the clauses it leaves as narrative. Every element carries the clause id it
comes from (`elements` holds what they share). Where the source is silent (no actor, no timescale,
no review date) the file says `unspecified`, which the model holds as `None`: a silence is recorded,
never filled in. This module is the root, `Protocol`, with its metadata and the JSON Schema of a file.

Cross-references (an actor that names no agency, a transition to an undefined state) are checked
after this model is built, by `references.check`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from . import conditions
from .agencies import Agency, Artefact, Council, Document, External, OutOfHours, Person, Role
from .calendar import Calendar, Region
from .duties import (
    DUTY_TAGS,
    MAX_YEARS,
    Amount,
    BeforeEvent,
    Duration,
    Duty,
    DutyTag,
    Item,
    PartOf,
    Provision,
    Statute,
    Timescale,
    Trigger,
)
from .elements import (
    CLAUSE_PATTERN,
    FORMAT_VERSION,
    ID_PATTERN,
    LIBRARY_MARK,
    OPENING_WORDS,
    UNSPECIFIED,
    BodyKind,
    ClauseId,
    Clauses,
    ClauseTable,
    ConditionField,
    Date,
    DutyKind,
    DutyKinds,
    Element,
    Id,
    Ids,
    SituationKind,
    clause_sort_key,
    stated,
)
from .responsibility import Dimension, EscalationRoute, EscalationStep, OwnershipRule
from .situations import Attribute, EnumValue, Event, Lifecycle, Schedule, State, Transition, Waiting

__all__ = [
    "CLAUSE_PATTERN",
    "DUTY_TAGS",
    "FORMAT_VERSION",
    "ID_PATTERN",
    "LIBRARY_MARK",
    "MAX_YEARS",
    "OPENING_WORDS",
    "REFINABLE",
    "UNSPECIFIED",
    "Agency",
    "Amount",
    "Artefact",
    "Attribute",
    "BeforeEvent",
    "BodyKind",
    "CalendarSpec",
    "ClauseId",
    "ClauseTable",
    "Clauses",
    "ConditionField",
    "Date",
    "Dimension",
    "Document",
    "Duration",
    "Duty",
    "DutyKind",
    "DutyKinds",
    "DutyTag",
    "Element",
    "EnumValue",
    "EscalationRoute",
    "EscalationStep",
    "Event",
    "EventOrder",
    "External",
    "Id",
    "Ids",
    "Item",
    "Lifecycle",
    "Metadata",
    "Narrative",
    "Council",
    "OutOfHours",
    "OwnershipRule",
    "PartOf",
    "Person",
    "Protocol",
    "Provision",
    "Role",
    "Schedule",
    "SituationKind",
    "State",
    "Statute",
    "Timescale",
    "Transition",
    "Trigger",
    "Waiting",
    "clause_sort_key",
    "json_schema",
]

# --- metadata ------------------------------------------------------------------------------------


class Metadata(Element):
    """Who agreed the protocol, when, when it is due for review, and what it was encoded from."""

    id: Id = Field(description="Short id of this protocol, e.g. stockport_2019.")
    title: str
    short: str | None = Field(
        None, description="What readers call the protocol for short, where space is tight: 'Stockport (2019)'."
    )
    authority: stated(str, "The local authority or partnership the protocol belongs to.")
    agreed: stated(Date, "The date the protocol was agreed or signed.")
    review: stated(Date, "The review date the protocol sets for itself.")
    version: stated(str, "The version the document states.")
    source: str = Field(description="The source document, as a reader would find it (title, file name).")
    clause: Clauses
    example: bool = Field(False, description="True for an invented protocol used only as an example.")


class CalendarSpec(Element):
    """The working-day calendar deadlines are counted on."""

    region: Region = Region.ENGLAND_AND_WALES
    closures: tuple[Date, ...] = Field((), description="Extra local non-working days (e.g. council closure days).")

    def to_calendar(self) -> Calendar:
        """The working-day calendar this spec describes."""
        return Calendar(self.region, self.closures)


# --- narrative and event order --------------------------------------------------------------------


class Narrative(Element):
    """Clauses deliberately not encoded, with the reason (a statement of principle, a signature)."""

    clause: Clauses
    reason: str = Field(min_length=1)


class EventOrder(Element):
    """Two events the process orders: `then` never happens before `first` (licence conditions are set
    at or after the final release meeting). The deadline checks lay timelines out in this order."""

    first: Id
    then: Id
    clause: Clauses
    quote: str | None = Field(None, description="A short quote that identifies the clause in the source.")


# --- the protocol --------------------------------------------------------------------------------


class Protocol(Element):
    """An inter-agency working protocol, encoded."""

    protoverify: Literal[1] = Field(description="The format version of this file.")
    uses: str | None = Field(
        None,
        min_length=1,
        description=(
            "The library this protocol is written against ('england', or the path of a library file): its lifecycles, "
            "events, attributes, kinds of agency and documents come from the library, and the file writes only what it "
            "adds, refines or restricts (docs/library.md)."
        ),
    )
    metadata: Metadata
    calendar: CalendarSpec = CalendarSpec()
    agencies: tuple[Agency, ...] = Field(min_length=1)
    people: tuple[Person, ...] = ()
    documents: tuple[Document, ...] = ()
    artefacts: tuple[Artefact, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    events: tuple[Event, ...] = ()
    lifecycles: tuple[Lifecycle, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    ownership: tuple[OwnershipRule, ...] = ()
    duties: tuple[Duty, ...] = ()
    escalation: tuple[EscalationRoute, ...] = ()
    narrative: tuple[Narrative, ...] = ()
    order: tuple[EventOrder, ...] = Field(
        (), description="Events the process orders: {first: a, then: b, clause: ...}."
    )
    clauses: ClauseTable = {}

    def roles(self) -> list[Role]:
        """Every role of every agency."""
        return [role for agency in self.agencies for role in agency.roles]

    def states(self) -> list[State]:
        """Every state of every lifecycle, depth first."""

        def walk(states: tuple[State, ...]) -> list[State]:
            return [s for state in states for s in (state, *walk(state.states))]

        return [s for lifecycle in self.lifecycles for s in walk(lifecycle.states)]

    def guard_of(self, lifecycle: str, transition: Transition) -> conditions.Condition | None:
        """A transition's guard as it takes effect: where its event happens in another lifecycle, the
        transition only fires when that lifecycle can take the event too (a care status changes on a
        remand only when the case is at a stage where a remand can happen)."""
        event = next((e for e in self.events if e.id == transition.event), None)
        home = event.lifecycle if event is not None else None
        if home is None or home == lifecycle:
            return transition.guard
        takes = [
            conditions.All((conditions.Comparison(home, "in", t.source), *((t.guard,) if t.guard else ())))
            for lc in self.lifecycles
            if lc.id == home
            for t in lc.transitions
            if t.event == transition.event
        ]
        reaction = conditions.AnyOf(tuple(takes))
        return reaction if transition.guard is None else conditions.All((transition.guard, reaction))

    def counts(self) -> dict[str, int]:
        """How many of each element the protocol has, and how many duties are silent on actor or time."""
        return {
            "agencies": len(self.agencies),
            "roles": len(self.roles()),
            "people": len(self.people),
            "lifecycles": len(self.lifecycles),
            "states": len(self.states()),
            "transitions": sum(len(lc.transitions) for lc in self.lifecycles),
            "events": len(self.events),
            "dimensions": len(self.dimensions),
            "ownership_rules": len(self.ownership),
            "duties": len(self.duties),
            "duties_without_actor": sum(d.actor is None for d in self.duties),
            "duties_without_timescale": sum(d.timescale is None for d in self.duties),
            "vague_timescales": sum(d.timescale is not None and d.timescale.vague is not None for d in self.duties),
            "escalation_routes": len(self.escalation),
            "clauses": len(self.clause_ids()),
            "narrative_clauses": len({c for n in self.narrative for c in n.clause}),
        }

    def clause_ids(self, library: bool = False) -> list[str]:
        """Every clause id the encoding mentions (encoded or narrative), sorted in document order: the
        protocol's own, and with `library` also the library's clauses it carries ('england:3.1')."""
        found: set[str] = set()

        def visit(value: object) -> None:
            if isinstance(value, BaseModel):
                for name in type(value).model_fields:
                    item = getattr(value, name)
                    if name == "clause" and item is not None:
                        found.update((item,) if isinstance(item, str) else item)
                    elif name != "cites":
                        visit(item)
            elif isinstance(value, tuple):
                for item in value:
                    visit(item)

        visit(self)
        return sorted((c for c in found if library or LIBRARY_MARK not in c), key=clause_sort_key)


REFINABLE = {
    name: ("id", "clause", "event", "to")
    for name in (
        "Agency",
        "Role",
        "Person",
        "Document",
        "Artefact",
        "Attribute",
        "Event",
        "Lifecycle",
        "State",
        "Transition",
    )
}
"""The elements a protocol using a library may refine, and the keys a refinement must still give."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a protocol file, for editors and other tools."""
    schema = Protocol.model_json_schema(mode="validation")
    for name, kept in REFINABLE.items():  # with `uses`, an element with a library id writes only what it changes
        definition = schema["$defs"][name]
        definition["required"] = [key for key in definition.get("required", ()) if key in kept]
        definition["properties"].get("states", {}).pop("minItems", None)
    schema["properties"]["clauses"]["additionalProperties"] = False
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "protoverify protocol",
    }
