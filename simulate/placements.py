"""Where a scenario's children are held and what it costs: court sittings, remand to local authority
accommodation (RiLAA), remand to youth detention accommodation (YDA) with its establishments, nightly
charges (which may change on dates), beds, funding and remands stated directly, and the budget.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..model.schema import Date, Element, Id
from .quantities import Count, Dist, NonNegative, Positive, Share, Weekday, _number, _probabilities


class Court(Element):
    """Court sittings. A youth court sits on `weekdays` (unless a bank holiday), and, if set, on
    Saturdays and bank holidays for children held in custody. A sitting at which a child of this
    area appears needs a practitioner present from `start_hour` for `session_hours`: on a weekday one
    of `pool`, at a weekend or bank holiday one of the on-call rota of `on_call_pool` (a call-out)."""

    pool: Id
    on_call_pool: Id | None = Field(
        None, description="The pool whose on-call rota covers Saturday and bank-holiday courts; `pool` if not given."
    )
    weekdays: tuple[Weekday, ...] = Field(min_length=1)
    saturday: bool
    bank_holidays: bool
    start_hour: _number(False, 0, 24, high_open=True)  # type: ignore[valid-type]
    session_hours: Positive
    hearings: tuple[Id, ...] = Field(
        (),
        description="Protocol events the protocol schedules that are court hearings (sentencing_hearing): "
        "held at the next weekday sitting.",
    )
    day_attribute: Id | None = Field(
        None, description="An attribute set at each hearing to the kind of sitting, if the protocol has one."
    )
    day_values: dict[Literal["weekday", "saturday", "bank_holiday"], Id] = Field(
        default_factory=dict, description="With day_attribute: its value for each kind of sitting."
    )

    @model_validator(mode="after")
    def _days(self) -> Court:
        if "sat" in self.weekdays or "sun" in self.weekdays:
            raise PydanticCustomError(
                "court",
                "'weekdays' lists Monday to Friday sittings; "
                "expected 'saturday: true' for Saturday courts (Sunday courts are not modelled)",
            )
        if (self.day_attribute is None) != (not self.day_values):
            raise PydanticCustomError("court", "give 'day_attribute' and 'day_values' together, or neither")
        return self


class Rilaa(Element):
    """Remand to local authority accommodation: while a case is in `state`, a placement is searched
    for. It is found when the `search_duty` (if given) is done and `availability` has passed since the
    remand, whichever is later; then `found_event` (if given) happens."""

    state: Id
    availability: Dist
    search_duty: Id | None = None
    found_event: Id | None = None


class Charge(Element):
    """A nightly charge from a date on (until the next charge's date): `{from: 2025-04-01, nightly: 345}`."""

    from_: Date = Field(alias="from", description="The first night charged at this rate.")
    nightly: NonNegative


class Establishment(Element):
    """A kind of youth detention accommodation: its share of YDA placements, its nightly charge (£) or
    charges that change on dates (financial years), and optionally how many beds it has for children
    of this scenario at a time and where a child goes when they are all taken."""

    share: Share
    nightly: NonNegative | None = Field(None, description="The charge for a night (£); or give `charges`.")
    charges: tuple[Charge, ...] = Field(
        (),
        description="Charges that change on dates, earliest first, the first from the start or before; "
        "or give `nightly`.",
    )
    capacity: Count | None = Field(None, description="Beds at a time for this scenario's children; none: no limit.")
    when_full: Id | None = Field(
        None,
        description="Another establishment a child is placed in when every bed here is taken (and so on); "
        "none: placed here anyway, and counted as over capacity.",
    )

    @model_validator(mode="after")
    def _one_charge(self) -> Establishment:
        if (self.nightly is None) == (not self.charges):
            raise PydanticCustomError(
                "establishment",
                "give 'nightly' (one charge) or 'charges' (charges from dates), not both"
                if self.nightly is not None
                else "no 'nightly' or 'charges'; expected the charge for a night",
            )
        dates = [c.from_ for c in self.charges]
        if dates != sorted(set(dates)):
            raise PydanticCustomError("establishment", "the charges' dates are not in order; expected earliest first")
        if self.when_full is not None and self.capacity is None:
            raise PydanticCustomError("establishment", "'when_full' needs 'capacity'; expected both, or neither")
        return self


class Funding(Element):
    """Money received towards YDA costs, kept apart from spend: a grant for each bed night, a sum a
    year (a shorter horizon gets its share), or both."""

    per_bed_night: NonNegative = Field(0.0, description="A grant for each YDA bed night (£).")
    per_year: NonNegative = Field(0.0, description="A sum a year towards YDA costs (£).")


class DirectRemands(Element):
    """YDA remands stated directly: children remanded to youth detention arrive at `remands_per_year`
    (a Poisson process), placed by `entry` events (duties raised, as for any arrival); the flows'
    outcomes that would remand a child to youth detention are then left out (the others scaled up)."""

    remands_per_year: NonNegative
    entry: tuple[Id, ...] = Field(
        min_length=1,
        description="The events that bring the child into YDA, in order: [arrested, charged, yda_ordered].",
    )


class Yda(Element):
    """Remand to youth detention accommodation: every night a case spends in `state` is a bed night,
    charged at the nightly rate of the establishment it was placed in, drawn from `establishments`;
    `funding` is what is received towards it; `direct` states the remands a year directly."""

    state: Id
    establishments: dict[Id, Establishment] = Field(min_length=1)
    funding: Funding | None = None
    direct: DirectRemands | None = None

    @field_validator("establishments")
    @classmethod
    def _mix(cls, value: dict[str, Establishment]) -> dict[str, Establishment]:
        _probabilities({k: e.share for k, e in value.items()}, "establishment shares")
        for name, establishment in value.items():
            chain, step = [name], establishment.when_full
            while step is not None:
                if step not in value:
                    raise PydanticCustomError(
                        "establishment",
                        f"'{name}': when full, '{step}' is no establishment here; expected one of {', '.join(value)}",
                    )
                if step in chain:
                    raise PydanticCustomError(
                        "establishment",
                        f"when full, the establishments go round in a loop ({' -> '.join([*chain, step])}); "
                        "expected a chain that ends at one with no 'when_full'",
                    )
                chain.append(step)
                step = value[step].when_full
        return value


class Budget(Element):
    """The money the simulation holds spending against."""

    yda_per_year: NonNegative = Field(
        description="The YDA remand budget for a year (£); a shorter horizon is held against its share."
    )
    against: Literal["spend", "net_cost"] = Field(
        "spend", description="What the budget is held against: spend (the charges), or net cost (spend less funding)."
    )
