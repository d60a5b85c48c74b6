"""Duties and their time limits: who must do what, for whom, on what trigger, within what timescale,
with what force; how long a time limit may be; and the statutory provisions an element states."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from .calendar import Unit
from .elements import UNSPECIFIED, ClauseId, Clauses, ConditionField, DutyKinds, Element, Id, Ids, listed_names, stated


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
            f"{shown} {unit.value.replace('_', ' ')} is more than {MAX_YEARS} years; expected a time limit of at "
            f"most {MAX_YEARS} years",
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
                "only one of 'amount' and 'unit' is given; expected both, or neither (meaning: before the event "
                "itself)",
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
        description=(
            "The meeting (an event) the text leaves the limit to: 'at intervals agreed at the Protocol meeting'."
        ),
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
                "a timescale gives no limit; expected 'within', 'same_day', 'before', 'at', 'every' or 'vague', or "
                f"'timescale: {UNSPECIFIED}' where the source gives none",
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
        description=(
            "'item': one of the things the whole duty lists; 'content': something the plan or report it produces "
            "must contain."
        ),
    )


DutyTag = Literal["invitation", "notification", "internal", "principle", "protocol_review", "safeguarding"]
DutyTags = Annotated[tuple[DutyTag, ...], BeforeValidator(listed_names, json_schema_input_type=DutyTag | list[DutyTag])]
DUTY_TAGS: dict[str, str] = {
    "invitation": "an invitation to a meeting: due before the meeting by nature, so only a notice period is missing",
    "notification": "telling another agency (or person) that something has happened",
    "internal": "a step inside one agency, even where the text names no role for it",
    "principle": "a statement of principle or commitment worded as a duty (must, should)",
    "protocol_review": "reviewing the protocol itself",
    "safeguarding": (
        "acting to protect a child from harm (a referral on evidence of significant harm): a 'should' is no courtesy"
    ),
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
    actor: stated(Ids, "Who must act: agencies, roles or people; 'unspecified' where the source names no one.")
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
        description=(
            "What is done, in a few words: 'notify children's social care'; 'consider ...' for a duty only to "
            "consider it."
        ),
    )
    type: Id | None = Field(
        None,
        description=(
            "A name local to this protocol for one duty stated in several clauses (visit_in_custody): duties of one "
            "type "
            "are the same duty stated twice. To match duties with the statutory baseline and other protocols, use "
            "'kind'."
        ),
    )
    kind: DutyKinds = ()
    recipient: Ids = Field((), description="Agencies, roles or people the action is done for or to.")
    trigger: Trigger | None = Field(None, description="What starts the clock; none for a standing duty.")
    timescale: stated(Timescale, "When; 'unspecified' where the source gives no timescale.")
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
    tags: DutyTags = Field(
        (),
        description=(
            "What the duty is, where its other fields do not say: invitation, notification, internal, principle, "
            "protocol_review, safeguarding (docs/protocol-format.md#tags)."
        ),
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
