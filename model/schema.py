"""The protocol model: what a protocol file says, as frozen pydantic models.

A protocol names agencies and their roles, the people a duty may concern, the documents and
artefacts it mentions, the case attributes and lifecycles (statecharts) that make up a situation,
the events that move a case, who owns each responsibility in which situation, the duties with their
timescales, the escalation routes, and the clauses it leaves as narrative. Every element carries the
clause id it comes from. Where the source is silent (no actor, no timescale, no review date) the file
says `unspecified`, which the model holds as `None`: a silence is recorded, never filled in.

Cross-references (an actor that names no agency, a transition to an undefined state) are checked
after this model is built, by `references.check`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import conditions, vocabulary
from .calendar import Calendar, Region, Unit

FORMAT_VERSION = 1
UNSPECIFIED = "unspecified"

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
CLAUSE_PATTERN = r"^([a-z][a-z0-9_]*:)?(\d+(\.\d+)*|[a-z][a-z-]*)(\([a-z0-9]+\))?$"
LIBRARY_MARK = ":"
"""Joins a library's name to its own clause ids in a protocol that uses it ('england:3.1'): the
clauses of library elements the protocol never touches. A protocol file never writes one."""

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN, description="A name in snake_case, unique in the protocol: agency, role, state, duty ..."
    ),
]
ClauseId = Annotated[
    str,
    Field(
        pattern=CLAUSE_PATTERN,
        description=(
            "A clause number as printed in the source ('5.6.1', '8.15'); an unnumbered paragraph takes its "
            "section's number and a letter ('5.9.1(b)'); front matter uses a name ('front', 'front(a)'). "
            "In a protocol that uses a library, 'england:3.1' is clause 3.1 of the library (never written in a file)."
        ),
    ),
]


def _names(value: object) -> object:
    """Accept one name where a list is expected: `owner: csc` means `owner: [csc]`."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise PydanticCustomError("names", f"not a name or a list of names: {value!r}; expected e.g. csc or [csc, yos]")
    return value


def _clauses(value: object) -> object:
    """Accept one clause id where a list is expected; refuse numbers, which YAML may have altered."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            raise PydanticCustomError(
                "clause",
                f'clause {item!r} is a number; expected it in quotes, e.g. "8.10" (unquoted, YAML reads 8.10 as 8.1)',
            )
    return tuple(items)


def _unspecified_to_none(value: object) -> object:
    if value == UNSPECIFIED:
        return None
    if value is None:
        raise PydanticCustomError(
            "empty", f"empty value; expected a value, or '{UNSPECIFIED}' where the source gives none"
        )
    return value


def _date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date", f"not a date: {value!r}; expected a date such as 2019-03-20")


Clauses = Annotated[
    tuple[ClauseId, ...],
    BeforeValidator(_clauses, json_schema_input_type=ClauseId | list[ClauseId]),
    Field(min_length=1, description="The clause id, or several, this element is encoded from."),
]
Ids = Annotated[tuple[Id, ...], BeforeValidator(_names, json_schema_input_type=Id | list[Id])]
Date = Annotated[dt.date, BeforeValidator(_date, json_schema_input_type=dt.date)]


def _term(what: str, known: dict[str, Any], description: str) -> Any:
    """A term of the shared vocabulary (model/vocabulary.py); an unknown one is refused with a "did you mean"."""

    def known_term(value: str) -> str:
        if value not in known:
            raise PydanticCustomError("vocabulary", vocabulary.unknown(what, value, known))
        return value

    return Annotated[
        str,
        AfterValidator(known_term),
        WithJsonSchema({"type": "string", "enum": list(known), "description": description}),
    ]


DutyKind = _term("duty kind", vocabulary.DUTY_KIND, "A duty kind from the shared vocabulary (docs/vocabulary.md).")
SituationKind = _term(
    "situation", vocabulary.SITUATION, "A kind of case status from the shared vocabulary (docs/vocabulary.md)."
)
BodyKind = _term("body", vocabulary.BODY, "A kind of statutory body from the shared vocabulary (docs/vocabulary.md).")
DutyKinds = Annotated[
    tuple[DutyKind, ...],
    BeforeValidator(_names, json_schema_input_type=DutyKind | list[DutyKind]),
    Field(
        description=(
            "What the element is about, from the shared vocabulary (docs/vocabulary.md): one kind or a list. "
            "Matches it with the statutory baseline and with other protocols."
        )
    ),
]


def _stated(inner: Any, description: str) -> Any:
    """A value the source may leave out: the file writes `unspecified`, the model holds None."""
    return Annotated[
        inner | None,
        BeforeValidator(_unspecified_to_none, json_schema_input_type=inner | Literal["unspecified"]),
        Field(description=description),
    ]


class Element(BaseModel):
    """Base of every model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


# --- metadata ------------------------------------------------------------------------------------


class Metadata(Element):
    """Who agreed the protocol, when, when it is due for review, and what it was encoded from."""

    id: Id = Field(description="Short id of this protocol, e.g. stockport_2019.")
    title: str
    short: str | None = Field(
        None, description="What readers call the protocol for short, where space is tight: 'Stockport (2019)'."
    )
    authority: _stated(str, "The local authority or partnership the protocol belongs to.")
    agreed: _stated(Date, "The date the protocol was agreed or signed.")
    review: _stated(Date, "The review date the protocol sets for itself.")
    version: _stated(str, "The version the document states.")
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


# --- parties, documents, artefacts ---------------------------------------------------------------


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
        description="The duties the route is named for (an appropriate adult only); all the agency's work if not given.",
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
        description="The kind of statutory body the agency is (local_authority, youth_offending_team ...), where the text makes it plain.",
    )
    short: str | None = Field(
        None,
        min_length=1,
        description="What the protocol calls the agency for short (YOS, CSC); else the capitals in brackets in its name.",
    )
    roles: tuple[Role, ...] = ()
    out_of_hours: OutOfHours | None = Field(
        None,
        description="Who takes the agency's urgent work out of office hours; none where the protocol names no one.",
    )
    council: Council | None = Field(
        None,
        description="The council the agency is, or is a service of, where the text says so (docs/protocol-format.md#agencies).",
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

    document: _stated(
        Id,
        "The instrument the artefact is made under, declared under 'documents'; 'unspecified' where the source names none.",
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
        description="The agencies or roles whose input it is (CSC's views on the child): a duty of theirs should give it.",
    )


# --- situations: attributes and lifecycles -------------------------------------------------------


class EnumValue(Element):
    """One value of an enumerated attribute."""

    id: Id
    name: str | None = None
    clause: Clauses | None = None


def _enum_value(value: object) -> object:
    return {"id": value} if isinstance(value, str) else value


class Attribute(Element):
    """A case attribute: a whole number with a range (age), true/false, or one of named values."""

    id: Id
    name: str
    type: Literal["int", "bool", "enum"]
    range: tuple[StrictInt, StrictInt] | None = Field(
        None, description="For int: the lowest and highest value, inclusive."
    )
    unit: Unit | None = Field(
        None, description="For int: the unit, where the attribute measures time (days until homeless)."
    )
    values: tuple[Annotated[EnumValue, BeforeValidator(_enum_value, json_schema_input_type=Id | EnumValue)], ...] = (
        Field((), description="For enum: the values (ids, or mappings with id, name and clause).")
    )
    clause: Clauses

    @model_validator(mode="after")
    def _fits_type(self) -> Attribute:
        if self.type == "int":
            if self.range is None:
                raise PydanticCustomError(
                    "attribute", "a whole-number attribute has no 'range'; expected 'range: [lowest, highest]'"
                )
            if self.range[0] > self.range[1]:
                raise PydanticCustomError("attribute", f"range {list(self.range)} is empty; expected [lowest, highest]")
        elif self.range is not None or self.unit is not None:
            raise PydanticCustomError(
                "attribute", f"'range' or 'unit' is given for type {self.type}; expected them only with type int"
            )
        if self.type == "enum" and not self.values:
            raise PydanticCustomError("attribute", "an enum attribute has no 'values'; expected 'values: [a, b, ...]'")
        if self.type != "enum" and self.values:
            raise PydanticCustomError(
                "attribute", f"'values' is given for type {self.type}; expected it only with type enum"
            )
        return self


ConditionField = Annotated[
    conditions.Condition,
    BeforeValidator(conditions.parse, json_schema_input_type=dict),
    WithJsonSchema(conditions.JSON_SCHEMA),
]


class Waiting(Element):
    """A state in which the child waits for another agency to act, somewhere not meant for staying:
    at court or a police station while a placement is sought."""

    until: _stated(Id, "The duty whose doing ends the wait (finding a placement); 'unspecified' where none does.") = (
        Field(alias="for")
    )
    fallback: _stated(
        Id,
        "The duty that says what happens if the wait runs on (at the end of the day, overnight); 'unspecified' "
        "where the source says nothing.",
    )


class State(Element):
    """A state of a lifecycle. With `states` it is compound (one child active at a time), or, with
    `parallel: true`, parallel (every child is an orthogonal region, active together). `waiting`
    marks a state in which the child waits for another agency to act."""

    id: Id
    name: str | None = None
    clause: Clauses
    kind: SituationKind | None = Field(
        None,
        description="What kind of case status this is, from the shared vocabulary (remanded_yda, looked_after ...).",
    )
    states: tuple[State, ...] = ()
    initial: Id | None = Field(None, description="The child entered by default; the first child if not given.")
    parallel: bool = False
    final: bool = False
    waiting: Waiting | None = Field(
        None, description="The child waits here for another agency: what ends the wait, and what happens if it runs on."
    )

    @model_validator(mode="after")
    def _shape(self) -> State:
        if self.parallel and len(self.states) < 2:
            raise PydanticCustomError(
                "state", "a parallel state has fewer than two child states; expected at least two (its regions)"
            )
        if self.initial is not None and not self.states:
            raise PydanticCustomError(
                "state", "'initial' is given on a state with no child 'states'; expected it only on a compound state"
            )
        if self.final and self.states:
            raise PydanticCustomError(
                "state", "a final state has child states; expected none (a final state is not compound)"
            )
        return self


class Transition(Element):
    """On `event`, a case in state `from` (one, or any of several) moves to state `to`, if the guard holds."""

    event: Id
    source: Ids = Field(alias="from", min_length=1)
    target: Id = Field(alias="to")
    guard: ConditionField | None = None
    clause: Clauses


class Lifecycle(Element):
    """One orthogonal region of a case: justice status, care status, ... A case is in one state of each."""

    id: Id
    name: str
    clause: Clauses
    initial: Id | None = Field(None, description="The state a new case starts in; the first state if not given.")
    states: tuple[State, ...] = Field(min_length=1)
    transitions: tuple[Transition, ...] = ()
    omit: Ids = Field(
        (),
        description=(
            "With 'uses': states of the library's lifecycle that this protocol leaves out of its scope, with their "
            "transitions (see docs/library.md)."
        ),
    )


class Schedule(Element):
    """When the protocol plans an event: `delay` after another event, with the second reading the
    source may give (`also`): a sentencing hearing 3 weeks (15 working days) after an adjournment."""

    after: Id
    delay: Duration
    also: Duration | None = None
    words: str | None = Field(None, description="The phrase as printed.")


class Event(Element):
    """Something that happens to a case: a lifecycle transition's event, or a dated event a deadline
    counts back from (a hearing, a release)."""

    id: Id
    name: str = Field(description="In words, as it will read in a dated timeline: 'custodial sentence imposed'.")
    clause: Clauses
    scheduled: Schedule | None = Field(None, description="When the protocol plans this event, relative to another.")
    lifecycle: Id | None = Field(
        None,
        description=(
            "The lifecycle this event happens in (a remand is a justice event). Other lifecycles only react to it: "
            "their transitions on it fire only when this lifecycle takes the event too."
        ),
    )
    out_of_hours: bool = Field(
        False,
        description="The event can happen at night, at a weekend or on a bank holiday (an arrest, a remand at a Saturday court).",
    )


# --- statute ------------------------------------------------------------------------------------


class Provision(Element):
    """The provision of an outside instrument an element states: regulation 28(2) of the Care
    Planning, Placement and Case Review (England) Regulations 2010. `unconfirmed` where the primary
    text was not confirmed."""

    document: Id = Field(description="The instrument, declared under 'documents'.")
    provision: str = Field(min_length=1, description="The provision as cited: 'reg 28(2)', 's104', 'Part 8A'.")
    confidence: Literal["confirmed", "unconfirmed"] = Field(
        "confirmed", description="'unconfirmed' where the wording of the primary text was not confirmed."
    )


def _provisions(value: object) -> object:
    """Accept one provision where a list is expected."""
    return [value] if isinstance(value, dict) else value


Statute = Annotated[
    tuple[Provision, ...],
    BeforeValidator(_provisions, json_schema_input_type=Provision | list[Provision]),
    Field(description="The statutory provisions the element states (the statutory baseline cites one for every duty)."),
]


# --- responsibility ------------------------------------------------------------------------------


class Dimension(Element):
    """A responsibility that someone must own wherever it `applies`: case management, placement, funding ..."""

    id: Id
    name: str
    clause: Clauses
    kind: DutyKinds = ()
    applies: ConditionField | None = Field(
        None,
        description=(
            "The situations in which someone must hold this responsibility (placement funding: while remanded). "
            "Always, if not given. The ownership checks look for gaps only here."
        ),
    )


class OwnershipRule(Element):
    """In situations where `when` holds, `dimension` belongs to `owner` (one or several; `lead` if the
    source names one among several; `unspecified` where the source says the situation needs an owner
    but names none)."""

    id: Id
    dimension: Id
    when: ConditionField | None = Field(None, description="The situations the rule covers; always if not given.")
    owner: _stated(Ids, "Who holds the responsibility; 'unspecified' where the source names no one.")
    lead: Id | None = None
    clause: Clauses
    kind: DutyKinds = Field(
        (), description="What the rule is about, from the shared vocabulary; the dimension's kinds if not given."
    )
    statute: Statute = ()
    quote: str | None = Field(None, description="A short quote that identifies the clause in the source.")

    @model_validator(mode="after")
    def _someone(self) -> OwnershipRule:
        if self.owner == ():
            raise PydanticCustomError(
                "owner", f"'owner' is empty; expected a party, a list of them, or '{UNSPECIFIED}'"
            )
        return self


# --- duties and timescales -----------------------------------------------------------------------


def _amount(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("amount", f"not a whole number: {value!r}; expected a whole number such as 10")
    if value < 1:
        raise PydanticCustomError(
            "amount", f"zero or negative timescale ({value}); expected a whole number of at least 1"
        )
    return value


Amount = Annotated[
    int,
    BeforeValidator(_amount),
    WithJsonSchema({"type": "integer", "minimum": 1, "description": "A whole number, at least 1."}),
]


MAX_YEARS = 100
"""The longest time limit a file may state: longer is a typo for a child's case, and the checks lay
every deadline on real dates, which must stay within the calendar."""
_DAYS_IN = {Unit.HOURS: 1 / 24, Unit.DAYS: 1, Unit.WORKING_DAYS: 7 / 5, Unit.WEEKS: 7, Unit.MONTHS: 366 / 12}


def _within_reach(amount: int | None, unit: Unit | None) -> None:
    """Refuse a time limit longer than MAX_YEARS."""
    if (
        amount is not None and unit is not None and amount > MAX_YEARS * 366 / _DAYS_IN[unit]
    ):  # int against float: exact, never overflows
        shown = f"{amount:,}" if amount < 10**18 else f"an amount of {len(str(amount))} digits in"
        raise PydanticCustomError(
            "amount",
            f"{shown} {unit.value.replace('_', ' ')} is more than {MAX_YEARS} years; expected a time limit of at most {MAX_YEARS} years",
        )


class Duration(Element):
    """An amount of time: `{amount: 10, unit: working_days}`, at most 100 years (MAX_YEARS)."""

    amount: Amount
    unit: Unit

    @model_validator(mode="after")
    def _reachable(self) -> Duration:
        _within_reach(self.amount, self.unit)
        return self


class BeforeEvent(Element):
    """A limit counted back from an event: no later than `amount unit` before it, or just before it."""

    event: Id
    amount: Amount | None = None
    unit: Unit | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> BeforeEvent:
        if (self.amount is None) != (self.unit is None):
            raise PydanticCustomError(
                "before",
                "only one of 'amount' and 'unit' is given; expected both, or neither (meaning: before the event itself)",
            )
        _within_reach(self.amount, self.unit)
        return self


class Timescale(Element):
    """When a duty must be done: `within` a duration after its trigger, by the close of the day of its
    trigger (`same_day`), `before` an event, or `at` an event (attending a hearing); `also`
    keeps a second reading the source gives of the same limit ("3 weeks (15 working days)"); `vague`
    keeps the words of an unquantified timescale ("as soon as"), alone or beside a limit; `every`
    repeats the duty at intervals of at most that long ("every Tuesday"), `lasting` that long each
    time ("two days per week"); `set_by` names the meeting the text leaves the limit to; `as_statute`
    says the text adopts statute's timescale."""

    within: Duration | None = None
    before: BeforeEvent | None = None
    at: Id | None = Field(None, description="Done at this event itself: attending the hearing, chairing the meeting.")
    same_day: bool = Field(
        False, description="Done by the close of the day the duty's trigger happens ('on the same day')."
    )
    also: Duration | None = Field(None, description="The same limit as the source states it a second way.")
    vague: str | None = Field(None, min_length=1, description="The words of an unquantified timescale.")
    every: Duration | None = Field(None, description="The duty recurs at intervals of at most this long.")
    lasting: Duration | None = Field(None, description="With 'every': how long the activity lasts each time.")
    words: str | None = Field(None, description="The timescale phrase as printed, for matching against the source.")
    as_statute: bool = Field(
        False,
        description="The text adopts statute's timescale for the duty ('as for any other looked-after child').",
    )
    set_by: Id | None = Field(
        None,
        description="The meeting (an event) the text leaves the limit to: 'at intervals agreed at the Protocol meeting'.",
    )

    @model_validator(mode="after")
    def _one_reading(self) -> Timescale:
        limits = [k for k in ("within", "before", "at") if getattr(self, k) is not None] + (
            ["same_day"] if self.same_day else []
        )
        if len(limits) > 1:
            raise PydanticCustomError(
                "timescale",
                f"give one of 'within', 'before', 'at' or 'same_day', not {' and '.join(limits)}; expected one limit",
            )
        if not limits and self.vague is None and self.every is None and self.set_by is None and not self.as_statute:
            raise PydanticCustomError(
                "timescale",
                f"a timescale gives no limit; expected 'within', 'same_day', 'before', 'at', 'every' or 'vague', or 'timescale: {UNSPECIFIED}' where the source gives none",
            )
        if self.lasting is not None and self.every is None:
            raise PydanticCustomError(
                "timescale", "'lasting' says how long each repetition lasts; expected it with 'every'"
            )
        if self.also is not None and self.within is None and (self.before is None or self.before.amount is None):
            raise PydanticCustomError(
                "timescale", "'also' is a second reading of a limit; expected 'within' or 'before' with an amount"
            )
        return self


class Trigger(Element):
    """What starts a duty's clock: an event, entering or leaving a state, or another duty being done."""

    event: Id | None = None
    enter: Id | None = None
    exit: Id | None = None
    duty: Id | None = Field(None, description="The duty whose completion triggers this one.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        given = [k for k in ("event", "enter", "exit", "duty") if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "trigger",
                f"a trigger gives {len(given) or 'none'} of 'event', 'enter', 'exit' and 'duty'; expected exactly one",
            )
        return self


class PartOf(Element):
    """The duty another duty is part of: an item of its list, or a content its plan or report must have.
    The checks report on the whole duty, not on each part."""

    duty: Id = Field(description="The whole duty.")
    part: Literal["item", "content"] = Field(
        alias="as",
        description="'item': one of the things the whole duty lists; 'content': something the plan or report it produces must contain.",
    )


DutyTag = Literal["invitation", "notification", "internal", "principle", "protocol_review"]
DUTY_TAGS: dict[str, str] = {
    "invitation": "an invitation to a meeting: due before the meeting by nature, so only a notice period is missing",
    "notification": "telling another agency (or person) that something has happened",
    "internal": "a step inside one agency, even where the text names no role for it",
    "principle": "a statement of principle or commitment worded as a duty (must, should)",
    "protocol_review": "reviewing the protocol itself",
}
"""What a duty is, where its words alone do not say it, for the severity and wording of findings
(docs/checks.md#severity-by-harm)."""


class Item(Element):
    """One entry of a list inside a clause (a report's contents, who may ask for a visit)."""

    clause: ClauseId
    what: str
    party: Id | None = Field(None, description="The agency, role or person the item names, if any.")
    cites: tuple[ClauseId, ...] = Field((), description="Clauses the item refers to, as printed.")
    artefact: Id | None = Field(
        None, description="The artefact the entry is, where another clause asks for the same one (safety information)."
    )


class Duty(Element):
    """An obligation: who (`actor`) must do what (`action`), for whom, on what trigger, within what
    timescale, with what force (`modality`), in which situations (`when`), unless what."""

    id: Id
    clause: Clauses
    actor: _stated(Ids, "Who must act: agencies, roles or people; 'unspecified' where the source names no one.")
    lead: Id | None = Field(None, description="The lead the source names among several actors.")
    shared: Literal["each", "together", "either"] | None = Field(
        None,
        description=(
            "How several actors share the duty: 'each' does it for itself (every service trains its staff), 'together' "
            "they do it jointly (a joint visit), 'either' one of them does it once (one of them tells the school). Not "
            "given: one act for someone else (a recipient outside the actors) is read as 'either'."
        ),
    )
    action: str = Field(
        min_length=1,
        description="What is done, in a few words: 'notify children's social care'; 'consider ...' for a duty only to consider it.",
    )
    type: Id | None = Field(
        None,
        description=(
            "A name local to this protocol for one duty stated in several clauses (visit_in_custody): duties of one type "
            "are the same duty stated twice. To match duties with the statutory baseline and other protocols, use 'kind'."
        ),
    )
    kind: DutyKinds = ()
    recipient: Ids = Field((), description="Agencies, roles or people the action is done for or to.")
    trigger: Trigger | None = Field(None, description="What starts the clock; none for a standing duty.")
    timescale: _stated(Timescale, "When; 'unspecified' where the source gives no timescale.")
    modality: Literal["must", "should", "may"]
    when: ConditionField | None = Field(None, description="The situations the duty applies in; always if not given.")
    produces: Ids = ()
    needs: Ids = ()
    unless: tuple[str, ...] = Field((), description="Exceptions in the source's words: 'not reasonably practicable'.")
    items: tuple[Item, ...] = ()
    cites: tuple[ClauseId, ...] = Field((), description="Clauses of this protocol the duty refers to, as printed.")
    documents: Ids = Field((), description="Outside documents the duty refers to.")
    statute: Statute = ()
    part_of: PartOf | None = Field(
        None, description="The duty this one is part of, and as what: {duty: whole_duty, as: item | content}."
    )
    tags: Annotated[tuple[DutyTag, ...], BeforeValidator(_names, json_schema_input_type=DutyTag | list[DutyTag])] = (
        Field(
            (),
            description=(
                "What the duty is, where its other fields do not say: invitation, notification, internal, principle, "
                "protocol_review (docs/protocol-format.md#tags)."
            ),
        )
    )
    quote: str | None = Field(None, description="A short quote that identifies the clause in the source.")

    @model_validator(mode="after")
    def _someone(self) -> Duty:
        if self.actor == ():
            raise PydanticCustomError(
                "actor", f"'actor' is empty; expected a party, a list of them, or '{UNSPECIFIED}'"
            )
        if self.shared is not None and len(self.actor or ()) < 2:
            raise PydanticCustomError(
                "shared",
                "'shared' says how several actors share a duty, but it has one actor or none; expected several",
            )
        return self


# --- escalation and narrative --------------------------------------------------------------------


class EscalationStep(Element):
    """One level of a dispute route: the parties a dispute goes to, or `unspecified` with the words."""

    parties: _stated(Ids, "The roles a dispute is referred to at this level.")
    words: str | None = Field(None, description="How the source describes this level, where it names no role.")
    within: Duration | None = Field(None, description="How long this level has to settle a dispute before it goes up.")
    decides: Id | None = Field(None, description="Which of the level's parties has the final say if they disagree.")

    @model_validator(mode="after")
    def _someone(self) -> EscalationStep:
        if self.parties == ():
            raise PydanticCustomError(
                "parties", f"'parties' is empty; expected a role, a list of them, or '{UNSPECIFIED}'"
            )
        return self


class EscalationRoute(Element):
    """A dispute route from practitioners up to named managers."""

    id: Id
    about: str
    steps: tuple[EscalationStep, ...] = Field(min_length=1)
    clause: Clauses
    documents: Ids = ()
    meanwhile: Id | None = Field(
        None, description="The agency or role that acts for the child while a dispute is open (keeps the case)."
    )


class Narrative(Element):
    """Clauses deliberately not encoded, with the reason (a statement of principle, a signature)."""

    clause: Clauses
    reason: str = Field(min_length=1)


# --- event order and the clause table -------------------------------------------------------------


class EventOrder(Element):
    """Two events the process orders: `then` never happens before `first` (licence conditions are set
    at or after the final release meeting). The deadline checks lay timelines out in this order."""

    first: Id
    then: Id
    clause: Clauses
    quote: str | None = Field(None, description="A short quote that identifies the clause in the source.")


OPENING_WORDS = 8
"""The most words a clause's opening words may have: enough to find the sentence, never a copy of it."""


def _opening_words(value: str) -> str:
    words = len(value.split())
    if not words:
        raise PydanticCustomError("words", "no words; expected the clause's first few words")
    if words > OPENING_WORDS:
        raise PydanticCustomError(
            "words",
            f"{words} words; expected at most {OPENING_WORDS} (the clause's opening words, to find it by, not the clause)",
        )
    return value


def _clause_table(value: object) -> object:
    """Refuse clause numbers written as numbers (YAML reads the key 8.10 as 8.1)."""
    if isinstance(value, dict):
        _clauses(list(value))
    return value


OpeningWords = Annotated[str, AfterValidator(_opening_words)]
ClauseTable = Annotated[
    dict[ClauseId, OpeningWords],
    BeforeValidator(_clause_table, json_schema_input_type=dict[ClauseId, str]),
    Field(
        description=(
            f"Each clause id the file cites, with its opening words in the source (at most {OPENING_WORDS}), so that "
            "reports can show a clause's words beside its id."
        )
    ),
]


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


def clause_sort_key(clause: str) -> tuple:
    """Order clause ids as a reader of the document would: front matter, then 1, 1.1, 1.2, 2 ..., 10."""
    if LIBRARY_MARK in clause:  # a library's clause, after every clause of the protocol's own
        library, _, own = clause.partition(LIBRARY_MARK)
        return (3, library, clause_sort_key(own))
    head, _, letter = clause.partition("(")
    if head[0].isdigit():
        return (1, tuple(int(part) for part in head.split(".")), letter)
    return (0 if head == "front" else 2, (), head + letter)


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
