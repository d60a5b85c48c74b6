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

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
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
from .placements import Budget, Charge, Court, DirectRemands, Establishment, Funding, Rilaa, Yda
from .quantities import (
    LARGEST,
    TOLERANCE,
    AtLeastOne,
    Count,
    Dist,
    Fraction,
    Hour,
    NonNegative,
    Positive,
    Seed,
    Share,
    Weekday,
    _number,
    _probabilities,
)
from .vary import Vary

__all__ = [
    "LARGEST",
    "LEAVE",
    "TOLERANCE",
    "AtLeastOne",
    "Budget",
    "Charge",
    "Cohort",
    "Count",
    "Court",
    "Demand",
    "DirectRemands",
    "Dist",
    "Effort",
    "Establishment",
    "Fraction",
    "Funding",
    "Hour",
    "Interpretations",
    "NonNegative",
    "Positive",
    "Question",
    "Rilaa",
    "Scenario",
    "Seed",
    "Share",
    "StaffPool",
    "SweepPlan",
    "Weekday",
    "Yda",
    "_number",
]

LEAVE = "leave"
"""A flow outcome that is no protocol event: the case leaves the simulation (acquitted, moved away)."""

AttributeValue = StrictBool | StrictInt | str

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


# --- the questions a scenario is run to answer -------------------------------------------------------


class Question(Element):
    """A question the scenario is run to answer, in the asker's words, and the measure that answers
    it (a metric name: on_time/clause/5.6.1, yda/over_budget, wait_hours/role/case_manager, ...).
    The output leads with the answers, in sentences with counts and intervals."""

    ask: str | None = Field(None, description="The question in words; none: the measure's own words.")
    measure: str = Field(min_length=1, description="The metric that answers it, e.g. on_time/clause/6.5.")


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
    questions: tuple[Question, ...] = Field(
        (), description="What the scenario is run to answer; the output leads with the answers."
    )

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
