"""Random draws for a replication: one stream per purpose, and samplers for the scenario's distributions.

All randomness of a replication comes from its `numpy.random.SeedSequence`. Each purpose (arrivals,
case flows, effort, attributes, staffing, placements) has its own stream, derived from that seed by
a fixed spawn key, so changing one part of a scenario (more staff) does not shift the draws of
another (who arrives when): sweep points then differ by what was varied, not by noise. Streams draw
numbers in blocks for speed; the numbers are the same as drawing them one at a time would give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.random import SeedSequence

BLOCK = 1024


class Purpose(IntEnum):
    """What a stream's numbers are used for (its index in the spawn key)."""

    ARRIVALS = 0
    FLOWS = 1
    EFFORT = 2
    ATTRIBUTES = 3
    STAFFING = 4
    PLACEMENTS = 5
    EXTERNAL = 6
    COHORTS = 7
    DIRECT = 8


class Stream:
    """Uniform, standard exponential and standard normal numbers from one generator, drawn in blocks."""

    __slots__ = ("rng", "_uniform", "_exponential", "_normal")

    def __init__(self, seed: SeedSequence):
        self.rng = np.random.default_rng(seed)
        self._uniform: list[float] = []
        self._exponential: list[float] = []
        self._normal: list[float] = []

    def uniform(self) -> float:
        """A number in [0, 1)."""
        if not self._uniform:
            self._uniform = self.rng.random(BLOCK).tolist()[::-1]
        return self._uniform.pop()

    def exponential(self) -> float:
        """An exponential number with mean 1."""
        if not self._exponential:
            self._exponential = self.rng.standard_exponential(BLOCK).tolist()[::-1]
        return self._exponential.pop()

    def normal(self) -> float:
        """A normal number with mean 0 and standard deviation 1."""
        if not self._normal:
            self._normal = self.rng.standard_normal(BLOCK).tolist()[::-1]
        return self._normal.pop()

    def gamma(self, shape: float) -> float:
        """A gamma number with this shape and scale 1."""
        return float(self.rng.standard_gamma(shape))

    def poisson(self, mean: float) -> int:
        """A Poisson number with this mean."""
        return int(self.rng.poisson(mean)) if mean > 0 else 0

    def binomial(self, n: int, p: float) -> int:
        """The number of successes in n trials of probability p."""
        return int(self.rng.binomial(n, p)) if n > 0 and p > 0 else 0


def streams(seed: SeedSequence) -> dict[Purpose, Stream]:
    """One stream per purpose, each from a child of `seed` with a fixed spawn key. The seed itself is
    not changed (unlike `seed.spawn`), so the same seed always gives the same streams."""
    return {
        purpose: Stream(SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, int(purpose)), pool_size=seed.pool_size))
        for purpose in Purpose
    }


@dataclass(frozen=True)
class Sampler:
    """A distribution of a positive amount of hours, ready to draw from: `fixed` (a), `exponential`
    (mean a), `lognormal` (of a normal with mean a and sd b), `gamma` (shape a, scale b) or `uniform`
    (from a to b)."""

    kind: str
    a: float
    b: float = 0.0

    def draw(self, stream: Stream) -> float:
        """One amount, in hours."""
        kind = self.kind
        if kind == "exponential":
            return self.a * stream.exponential()
        if kind == "fixed":
            return self.a
        if kind == "lognormal":
            return math.exp(self.a + self.b * stream.normal())
        if kind == "gamma":
            return stream.gamma(self.a) * self.b
        return self.a + (self.b - self.a) * stream.uniform()

    def residual(self, stream: Stream) -> float:
        """One amount from the equilibrium residual distribution: the time left of an amount already
        under way at a moment chosen without regard to it (for a case open at the start, the rest of
        its stay). It is a uniform share of a length-biased draw (a long stay is more likely to be
        under way than a short one); for an exponential amount it is the amount itself."""
        kind = self.kind
        if kind == "exponential":
            return self.a * stream.exponential()
        if kind == "fixed":
            biased = self.a
        elif kind == "lognormal":  # length-biased: the log's mean moves up by its variance
            biased = math.exp(self.a + self.b * self.b + self.b * stream.normal())
        elif kind == "gamma":  # length-biased: shape one more
            biased = stream.gamma(self.a + 1) * self.b
        else:  # uniform from a to b, length-biased: density rising with the amount
            biased = math.sqrt(self.a * self.a + (self.b * self.b - self.a * self.a) * stream.uniform())
        return biased * stream.uniform()


def sampler(
    kind: str,
    hours_per_unit: float,
    mean: float | None = None,
    sd: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Sampler:
    """A `Sampler` from a scenario's description of a distribution (already validated), in hours."""
    if kind == "uniform":
        return Sampler("uniform", low * hours_per_unit, high * hours_per_unit)  # type: ignore[operator]
    m = mean * hours_per_unit  # type: ignore[operator]
    if kind in ("fixed", "exponential"):
        return Sampler(kind, m)
    s = sd * hours_per_unit  # type: ignore[operator]
    if kind == "lognormal":
        sigma2 = math.log(1 + (s / m) ** 2)
        return Sampler("lognormal", math.log(m) - sigma2 / 2, math.sqrt(sigma2))
    return Sampler("gamma", (m / s) ** 2, s * s / m)  # shape, scale


@dataclass(frozen=True)
class Choice:
    """A choice among items with given probabilities (summing to 1)."""

    items: tuple
    cumulative: tuple[float, ...]

    @staticmethod
    def of(weights: dict) -> Choice:
        """The choice with these probabilities, in the order given."""
        total, running = 0.0, []
        for weight in weights.values():
            total += weight
            running.append(total)
        return Choice(tuple(weights), tuple(x / total for x in running))

    def probabilities(self) -> list[float]:
        """The probability of each item."""
        previous, found = 0.0, []
        for edge in self.cumulative:
            found.append(edge - previous)
            previous = edge
        return found

    def draw(self, stream: Stream):
        """One item."""
        return self.items[self.index(stream)]

    def index(self, stream: Stream) -> int:
        """Where in `items` one drawn item is."""
        u = stream.uniform()
        for i, edge in enumerate(self.cumulative):
            if u < edge:
                return i
        return len(self.items) - 1
