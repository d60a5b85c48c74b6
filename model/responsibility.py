"""Who answers for a case: the responsibilities someone must own (case management, placement,
funding), the rules that say who owns each in which situations, and the routes a dispute between
agencies escalates along."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .duties import Duration, Statute
from .elements import UNSPECIFIED, Clauses, ConditionField, DutyKinds, Element, Id, Ids, stated


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
    owner: stated(Ids, "Who holds the responsibility; 'unspecified' where the source names no one.")
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


class EscalationStep(Element):
    """One level of a dispute route: the parties a dispute goes to, or `unspecified` with the words."""

    parties: stated(Ids, "The roles a dispute is referred to at this level.")
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
