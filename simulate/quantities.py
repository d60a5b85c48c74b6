"""The numbers and distributions a scenario is written in: bounded number types whose errors say
what was expected ("'count' is 0; expected a whole number of at least 1"), tables of probabilities
that must add up to 1, and distributions of a positive amount of time (`Dist`).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from ..model.schema import Element

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
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
        if self.mean_hours < SHORTEST_HOURS:
            raise PydanticCustomError(
                "dist",
                f"a mean time of {self.mean_hours * 3600:.3g} seconds; expected at least 1 second (shorter times "
                "stop the simulated clock)",
            )
        return self

    @property
    def hours_per_unit(self) -> float:
        return 24.0 if self.unit == "days" else 1.0

    @property
    def mean_hours(self) -> float:
        """The distribution's mean, in hours."""
        mean = self.mean if self.mean is not None else (self.low + self.high) / 2  # type: ignore[operator]
        return mean * self.hours_per_unit


SHORTEST_HOURS = 1 / 3600
"""The shortest mean of a time (one second): a stay or a repeat of 1e-300 days never moved the clock."""


_EXAMPLE = {
    "fixed": "{dist: fixed, mean: 2}",
    "exponential": "{dist: exponential, mean: 30, unit: days}",
    "lognormal": "{dist: lognormal, mean: 68, sd: 40, unit: days}",
    "gamma": "{dist: gamma, mean: 6, sd: 2}",
    "uniform": "{dist: uniform, low: 1, high: 3}",
}
