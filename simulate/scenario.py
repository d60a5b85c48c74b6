"""The scenario format: what a caseload simulation runs, as frozen pydantic models.

A scenario names the protocol it runs against (a path relative to the scenario file) and gives
everything the protocol does not: how many children arrive and how their cases move along the
protocol's lifecycles (demand and flows), the open caseload on the start date, staffing per pool
with working hours, leave and sickness and an on-call rota, effort per duty type, court sittings,
RiLAA placement search, the YDA establishment mix and nightly charges, the budget, how the
protocol's silences are read (interpretations), the horizon, warm-up, replications and seed.

Every number in a scenario file should cite its source (a section of the domain figures) or say it
is an assumption, in a comment beside it. `loader.load_scenario` reads a file, builds the model, loads
the protocol and checks the scenario against it (`references`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..model.schema import Date, Duration, Element, Id
from .vary import Vary

LEAVE = "leave"
"""A flow outcome that is no protocol event: the case leaves the simulation (acquitted, moved away)."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
AttributeValue = StrictBool | StrictInt | str
TOLERANCE = 1e-6
LARGEST = 1e15
"""No number in a scenario is larger (a float holds whole numbers exactly up to about 9e15)."""


def _expected(whole: bool, low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    """What a bounded number type expects, in words: "a whole number of at least 1"."""
    kind = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        return f"{kind} from {low:g} to {high:g}" + (" (less than it)" if high_open else "")
    if low is not None:
        return f"{kind} {'above' if low_open else 'of at least'} {low:g}"
    return kind


def _too_large(value: int | float, expected: str) -> str | None:
    """Why a number with no upper bound is too large to hold exactly, or None."""
    if isinstance(value, int) and abs(value) > LARGEST:
        return f"a number of {len(str(value))} digits; expected {expected}, at most {LARGEST:g}"
    if isinstance(value, float) and math.isfinite(value) and abs(value) > LARGEST:
        return f"{value:g}; expected {expected}, at most {LARGEST:g}"
    return None


def _number(
    whole: bool, low: float | None = None, high: float | None = None, low_open: bool = False, high_open: bool = False
) -> Any:
    """A number type with bounds, whose errors say what was expected: "'count' is 0; expected a whole
    number of at least 1"."""
    expected = _expected(whole, low, high, low_open, high_open)

    def check(value: object, info: ValidationInfo) -> object:
        name = f"'{info.field_name}'" if info.field_name else "the value"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
            raise PydanticCustomError("number", f"{name} is {value!r}; expected {expected}")
        large = _too_large(value, expected) if high is None else None
        if large is not None:
            raise PydanticCustomError("number", f"{name} is {large}")
        below = low is not None and (value < low or (low_open and value == low))
        above = high is not None and (value > high or (high_open and value == high))
        if (isinstance(value, float) and not math.isfinite(value)) or below or above:
            raise PydanticCustomError("number", f"{name} is {value!r}; expected {expected}")
        return value

    bounds: dict[str, float] = {}
    if low is not None:
        bounds["exclusiveMinimum" if low_open else "minimum"] = low
    if high is not None:
        bounds["exclusiveMaximum" if high_open else "maximum"] = high
    return Annotated[int if whole else float, BeforeValidator(check), Field(json_schema_extra=bounds)]


Share = _number(False, 0, 1)
Positive = _number(False, 0, low_open=True)
NonNegative = _number(False, 0)
Hour = _number(False, 0, 24)
Fraction = _number(False, 0, 1, high_open=True)
Count = _number(True, 0)
AtLeastOne = _number(True, 1)
Seed = _number(True, 0, 2**128 - 1)


def _probabilities(weights: dict[Any, float], what: str) -> None:
    """Refuse probabilities that are negative or do not add up to 1."""
    if not weights:
        raise PydanticCustomError(
            "probabilities", f"no {what}; expected at least one, with probabilities adding up to 1"
        )
    if any(not math.isfinite(w) or w < 0 for w in weights.values()):
        raise PydanticCustomError(
            "probabilities", f"a negative or infinite probability among the {what}; expected numbers from 0 to 1"
        )
    total = sum(weights.values())
    if abs(total - 1) > TOLERANCE:
        raise PydanticCustomError("probabilities", f"the probabilities of the {what} add up to {total:.6g}; expected 1")


# --- distributions -------------------------------------------------------------------------------


class Dist(Element):
    """A distribution of a positive amount of time: `{dist: lognormal, mean: 68, sd: 40, unit: days}`.
    `fixed` is always `mean`; `exponential` needs `mean`; `lognormal` and `gamma` need `mean` and `sd`;
    `uniform` needs `low` and `high`. A bare number means a fixed amount in the default unit."""

    dist: Literal["fixed", "exponential", "lognormal", "gamma", "uniform"]
    mean: Positive | None = None
    sd: Positive | None = None
    low: NonNegative | None = None
    high: Positive | None = None
    unit: Literal["hours", "days"] = Field(
        "hours", description="The unit of mean, sd, low and high (hours if not given)."
    )

    @model_validator(mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"dist": "fixed", "mean": value}
        return value

    @model_validator(mode="after")
    def _parameters(self) -> Dist:
        needs = {
            "fixed": ("mean",),
            "exponential": ("mean",),
            "lognormal": ("mean", "sd"),
            "gamma": ("mean", "sd"),
            "uniform": ("low", "high"),
        }[self.dist]
        given = [k for k in ("mean", "sd", "low", "high") if getattr(self, k) is not None]
        if sorted(given) != sorted(needs):
            raise PydanticCustomError(
                "dist",
                f"a {self.dist} distribution takes {' and '.join(needs)}, not {', '.join(given) or 'nothing'}; "
                f"expected e.g. {_EXAMPLE[self.dist]}",
            )
        if self.dist == "uniform" and self.low >= self.high:  # type: ignore[operator]
            raise PydanticCustomError("dist", f"uniform from {self.low} to {self.high} is empty; expected low < high")
        return self

    @property
    def hours_per_unit(self) -> float:
        return 24.0 if self.unit == "days" else 1.0


_EXAMPLE = {
    "fixed": "{dist: fixed, mean: 2}",
    "exponential": "{dist: exponential, mean: 30, unit: days}",
    "lognormal": "{dist: lognormal, mean: 68, sd: 40, unit: days}",
    "gamma": "{dist: gamma, mean: 6, sd: 2}",
    "uniform": "{dist: uniform, low: 1, high: 3}",
}


# --- demand --------------------------------------------------------------------------------------


class Hearing(Element):
    """A court hearing a case goes to: at the next sitting (`any`: weekday, Saturday or bank-holiday
    court; `weekday`: a weekday youth court only), where `event` happens (if given) before the outcome."""

    event: Id | None = Field(
        None, description="The protocol event that is the hearing itself (court_appearance), if the protocol has one."
    )
    sittings: Literal["any", "weekday"] = Field(
        description="Which sittings: 'any' for a child held in custody overnight, 'weekday' for one on bail."
    )


class Repeat(Element):
    """An event that happens again and again while the case is in the flow's state (a planning
    meeting), at intervals drawn from `every`."""

    event: Id
    every: Dist


class Flow(Element):
    """What happens to a case in one state of a lifecycle: it stays for a time drawn from `stay`, and/or
    waits for the next court `hearing`, then one of the `next` events happens, with these
    probabilities (`leave`: the case leaves the simulation, for an outcome the protocol has no event
    for). While in the state, `repeat` events recur."""

    stay: Dist | None = None
    hearing: Hearing | None = None
    next: dict[str, Share] = Field(description="Event id (or 'leave') -> probability; they add up to 1.")
    repeat: tuple[Repeat, ...] = ()

    @field_validator("next")
    @classmethod
    def _adds_up(cls, value: dict[str, float]) -> dict[str, float]:
        _probabilities(value, "next events")
        return value

    @model_validator(mode="after")
    def _shape(self) -> Flow:
        if self.stay is None and self.hearing is None:
            raise PydanticCustomError(
                "flow",
                "a flow needs 'stay', 'hearing' or both; expected e.g. stay: {dist: exponential, mean: 60, unit: days}",
            )
        return self


class Demand(Element):
    """Who arrives and how their cases move. The arrivals are children brought before a court for a
    bail or remand decision (`remands_per_year`, the remand episodes of the youth justice statistics),
    at random times (a Poisson process whose rate follows `seasonality` and `weekday`). Each arrival
    gets attribute values drawn from `ages` and `attributes`; a share is already looked after
    (placed, without raising duties, by one of `looked_after_events`); then the `entry` events happen
    to it, in order, and its `flows` take over."""

    remands_per_year: NonNegative
    entry: tuple[Id, ...] = Field(
        min_length=1,
        description="The protocol events that bring an arrival to its first hearing, in order: [arrested, charged].",
    )
    seasonality: tuple[Positive, ...] | None = Field(
        None,
        description="Relative arrival rates January to December (12 numbers, scaled to average 1); "
        "none: the same all year.",
    )
    weekday: tuple[Positive, ...] | None = Field(
        None,
        description="Relative arrival rates Monday to Sunday (7 numbers, scaled to average 1); "
        "none: the same every day.",
    )
    looked_after_share: Share = Field(description="The share of arrivals already looked after.")
    looked_after_events: dict[Id, Share] = Field(
        default_factory=dict,
        description="Events that make an arrival looked after, with probabilities adding up to 1 "
        "(needed if the share is above 0).",
    )
    ages: dict[StrictInt, NonNegative] = Field(default_factory=dict, description="Age in years -> relative weight.")
    attributes: dict[Id, dict[AttributeValue, Share] | AttributeValue] = Field(
        default_factory=dict, description="Attribute id -> {value: probability}, or a single value every arrival has."
    )
    flows: dict[Id, Flow] = Field(description="State id -> what happens to a case in that state.")

    @model_validator(mode="after")
    def _shape(self) -> Demand:
        if self.seasonality is not None and len(self.seasonality) != 12:
            raise PydanticCustomError(
                "demand", f"'seasonality' has {len(self.seasonality)} numbers; expected 12, January to December"
            )
        if self.weekday is not None and len(self.weekday) != 7:
            raise PydanticCustomError(
                "demand", f"'weekday' has {len(self.weekday)} numbers; expected 7, Monday to Sunday"
            )
        if self.looked_after_share > 0 or self.looked_after_events:
            _probabilities(self.looked_after_events, "looked_after_events")
        if self.ages and sum(self.ages.values()) <= 0:
            raise PydanticCustomError("demand", "the age weights add up to 0; expected some positive weight")
        return self

    @field_validator("attributes")
    @classmethod
    def _values_add_up(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name, values in value.items():
            if isinstance(values, dict):
                _probabilities(values, f"values of attribute '{name}'")
        return value


class Cohort(Element):
    """Children already open on the start date: `count` cases placed, without raising duties, by
    `events` from the protocol's initial states (e.g. [arrested, charged, yda_ordered]); or, with
    `mean_count`, a number drawn in each replication from a Poisson distribution of that mean (the
    number in a state at a moment when children come independently and stay independently: Little's
    law gives its mean, the rate in times the mean stay). Each is part-way through its stay."""

    count: Count | None = Field(None, description="How many children; or give mean_count.")
    mean_count: NonNegative | None = Field(
        None, description="The mean of a Poisson number of children, drawn in each replication; or give count."
    )
    events: tuple[Id, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_count(self) -> Cohort:
        if (self.count is None) == (self.mean_count is None):
            raise PydanticCustomError(
                "cohort",
                "give 'count' (a number of children) or 'mean_count' (the mean of a Poisson number), not both"
                if self.count is not None
                else "no 'count' or 'mean_count'; expected one of them",
            )
        return self

    @property
    def expected(self) -> float:
        """The number of children expected."""
        return float(self.count if self.count is not None else self.mean_count)  # type: ignore[arg-type]


# --- staff, effort, external agencies -------------------------------------------------------------


class StaffPool(Element):
    """Practitioners who work the duties of the protocol `actors` (agencies, roles) they cover. Each works
    `hours` on each of its `days`; `absence` is the share of working days lost to leave and sickness,
    `other_work` the share of the rest spent on work the simulation does not model (other cases);
    `on_call` of them are on the rota for Saturday and bank-holiday courts."""

    count: AtLeastOne
    actors: tuple[Id, ...] = Field(min_length=1)
    hours: tuple[Hour, Hour] = Field(description="Start and end of the working day, in hours from midnight: [9, 17].")
    days: Literal["working_days", "every_day"] = Field(
        "working_days",
        description="working_days: the protocol calendar's (Monday to Friday less bank holidays); every_day: all days.",
    )
    absence: Fraction
    other_work: Fraction = Field(0.0, description="Share of working time on unmodelled work; 0 if not given.")
    on_call: Count = Field(0, description="Staff on the weekend and bank-holiday court rota; none if not given.")

    @model_validator(mode="after")
    def _day(self) -> StaffPool:
        if self.hours[0] >= self.hours[1]:
            raise PydanticCustomError(
                "staff", f"working hours {list(self.hours)} are empty; expected [start, end] with start < end"
            )
        return self


class Effort(Element):
    """Working hours a duty takes, by duty type (or duty id, for a duty with no type); `default` for the rest."""

    default: Dist
    types: dict[Id, Dist] = {}


# --- court, placements, budget --------------------------------------------------------------------


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
        description="Charges that change on dates, earliest first, the first from the start or before; or give `nightly`.",
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


# --- interpretations ------------------------------------------------------------------------------


class Interpretations(Element):
    """How the simulation reads what the protocol leaves open. Each is an assumption the scenario states."""

    vague: dict[str, Duration] = Field(
        default_factory=dict,
        description="A vague timescale's words ('as soon as') -> the limit it is read as: "
        "{amount: 1, unit: working_days}.",
    )
    no_timescale: Duration | Literal["none"] = Field(
        description="A duty with no timescale: the limit it is read as, or 'none' (worked, never late)."
    )
    no_actor: Id = Field(
        description="A duty with no named actor: the staff pool that works it, or 'nobody' (never done)."
    )
    at_event_hours: NonNegative = Field(
        description="A duty done at an event (attending court) is on time if begun within this many hours of it."
    )
    dual_reading: Literal["first", "second"] = Field(
        description="A limit the protocol states two ways ('3 weeks (15 working days)'): "
        "which reading the simulation uses."
    )
    modalities: tuple[Literal["must", "should", "may"], ...] = Field(
        min_length=1, description="Which duties become tasks: [must, should]."
    )


# --- the sweep a report runs ------------------------------------------------------------------------

SettingValue = StrictBool | StrictInt | float | str


class SweepPlan(Element):
    """The sweep `protoverify report` and `protoverify sweep` run for this scenario when no `--vary`
    is given: each setting varied (a dotted path into this file, as `--vary` takes it) and its values."""

    vary: dict[str, tuple[SettingValue, ...]] = Field(
        min_length=1, description="A setting -> the values it takes: {staff.case_manager.count: [6, 8, 10, 12]}."
    )
    replications: AtLeastOne | None = Field(
        default=None, description="Replications at each point; default the scenario's."
    )

    @field_validator("vary")
    @classmethod
    def _values(cls, value: dict[str, tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
        for path, values in value.items():
            if not re.fullmatch(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*", path):
                raise PydanticCustomError(
                    "sweep",
                    f"'{path}' is not a dotted path of names; expected a setting such as staff.case_manager.count",
                )
            if not values or len(set(map(repr, values))) < len(values):
                raise PydanticCustomError(
                    "sweep",
                    f"'{path}' has {'no values' if not values else 'a value repeated'}; "
                    "expected distinct values to run",
                )
        return value


# --- the scenario ---------------------------------------------------------------------------------


class Scenario(Element):
    """A caseload scenario run against one protocol."""

    protoverify_scenario: Literal[1] = Field(description="The format version of this file.")
    id: Id
    title: str
    protocol: str = Field(description="The protocol file, relative to this scenario file.")
    start: Date = Field(description="The day the simulation starts (the warm-up begins).")
    warm_up_days: Count = Field(description="Days simulated before anything is measured.")
    horizon_days: AtLeastOne = Field(description="Days measured, after the warm-up.")
    replications: AtLeastOne
    seed: Seed
    demand: Demand
    initial_caseload: tuple[Cohort, ...] = ()
    staff: dict[Id, StaffPool] = Field(min_length=1)
    effort: Effort
    external: dict[Id, Dist] = Field(
        default_factory=dict,
        description="Parties the simulation does not staff (police, court, ...) -> how long they take to do a duty.",
    )
    court: Court | None = None
    rilaa: Rilaa | None = None
    yda: Yda | None = None
    budget: Budget | None = None
    interpretations: Interpretations
    sweep: SweepPlan | None = None

    _folder: Path = PrivateAttr(default=Path("."))

    def planned_sweep(self) -> tuple[list[Vary], int | None]:
        """The sweep this file asks for when no `--vary` is given (`Vary`s, none if it has
        no `sweep:` section) and the replications at each point (None: the scenario's)."""
        if self.sweep is None:
            return [], None
        return [Vary(path, values) for path, values in self.sweep.vary.items()], self.sweep.replications

    @property
    def protocol_path(self) -> Path:
        """The protocol file, as a path from the current directory."""
        return self._folder / self.protocol

    @field_validator("sweep")
    @classmethod
    def _sweep_sets_what_the_file_has(cls, value: SweepPlan | None, info: ValidationInfo) -> SweepPlan | None:
        """Each setting the sweep varies is one the scenario has (so a misspelt path is caught here, not
        as a new setting at every point)."""
        if value is None:
            return value
        for path in value.vary:
            if path.split(".")[0] in cls.model_fields and path.split(".")[0] not in info.data:
                continue  # that setting is wrong itself, and said so
            node: Any = {name: _plain(setting) for name, setting in info.data.items()}
            for depth, name in enumerate(path.split(".")):
                if isinstance(node, list) and name.isdigit() and int(name) < len(node):
                    node = node[int(name)]
                    continue
                if not isinstance(node, dict) or name not in node:
                    where = ".".join(path.split(".")[:depth]) or "the scenario"
                    raise PydanticCustomError(
                        "sweep",
                        f"'{path}' is not a setting of this scenario (no '{name}' in {where}); "
                        "expected the dotted path of a value the scenario sets",
                    )
                node = node[name]
        return value

    @model_validator(mode="after")
    def _budget_needs_yda(self) -> Scenario:
        if self.budget is not None and self.yda is None:
            raise PydanticCustomError("scenario", "a YDA budget needs a 'yda' section to hold spending against")
        return self


def _plain(value: Any) -> Any:
    """A validated setting as plain mappings, lists and values, keyed as the file spells them."""
    if isinstance(value, Element):
        return value.model_dump(by_alias=True)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors and other tools: a complete scenario, or a
    variant that names its `base` and gives only what it changes."""
    schema = Scenario.model_json_schema(mode="validation")
    definitions = schema.pop("$defs", {})
    definitions["Scenario"] = schema
    variant = {
        "type": "object",
        "description": "A variant: the base scenario with these settings laid over it "
        "(mappings merged key by key, other values replaced).",
        "required": ["base", "id", "title"],
        "properties": {
            "base": {"type": "string", "description": "Another scenario file, relative to this one."},
            "id": {"type": "string", "pattern": schema["properties"]["id"].get("pattern", "")},
            "title": {"type": "string"},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "protoverify scenario",
        "anyOf": [{"$ref": "#/$defs/Scenario"}, variant],
        "$defs": definitions,
    }
