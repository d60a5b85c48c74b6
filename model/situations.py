"""What a case's situation is made of: its attributes (age, true/false facts, named values), its
lifecycles (statecharts of states and transitions, one active state in each), and the events that
move it, with when the protocol plans them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StrictInt, model_validator
from pydantic_core import PydanticCustomError

from .calendar import Unit
from .duties import Duration
from .elements import Clauses, ConditionField, Element, Id, Ids, SituationKind, stated


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


class Waiting(Element):
    """A state in which the child waits for another agency to act, somewhere not meant for staying:
    at court or a police station while a placement is sought."""

    until: stated(Id, "The duty whose doing ends the wait (finding a placement); 'unspecified' where none does.") = (
        Field(alias="for")
    )
    fallback: stated(
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
        description=(
            "The event can happen at night, at a weekend or on a bank holiday (an arrest, a remand at a Saturday "
            "court)."
        ),
    )
