"""A streaming summary of replication results: per metric, n, mean, sd, 95% CI, min, max.

Each replication yields a flat mapping `metric name -> number` (NaN where the metric is undefined in
that replication, e.g. no duty of a clause arose). A `Tally` folds those mappings one at a time, in
replication order, with Welford's update, so memory does not grow with the number of replications:
it keeps a few numbers per metric and the first `SAMPLE_SIZE` values (for distribution plots).
Folding the same results in the same order gives the same floats, so `Summary.to_dict()` is
byte-identical whatever executor produced the results. The 95% confidence interval of a mean uses
Student's t with n - 1 degrees of freedom.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from scipy.special import stdtrit

SAMPLE_SIZE = 1000  # values kept per metric, the first ones in replication order
CONFIDENCE = 0.95


@lru_cache(maxsize=256)
def t_quantile(df: int) -> float:
    """The two-sided 95% quantile of Student's t with `df` degrees of freedom (12.706 for df = 1)."""
    return float(stdtrit(df, 0.5 + CONFIDENCE / 2))


@dataclass(frozen=True)
class MetricSummary:
    """One metric across replications. `n` counts the replications where it was defined; `undefined`
    those where it was NaN or absent. Statistics that need more values than there are are None."""

    n: int
    undefined: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    min: float | None
    max: float | None
    sample: tuple[float, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The statistics as JSON-ready values (the sample is left out)."""
        return {
            "n": self.n,
            "undefined": self.undefined,
            "mean": self.mean,
            "sd": self.sd,
            "ci95": None if self.ci_low is None else [self.ci_low, self.ci_high],
            "min": self.min,
            "max": self.max,
        }


@dataclass(frozen=True)
class Summary:
    """Every metric of a set of replications, and how long they took (`wall_seconds`, kept out of
    `to_dict()` because it differs from run to run)."""

    replications: int
    seed: int | None
    metrics: Mapping[str, MetricSummary]
    wall_seconds: float = 0.0

    def __getitem__(self, name: str) -> MetricSummary:
        return self.metrics[name]

    def __contains__(self, name: object) -> bool:
        return name in self.metrics

    def names(self, prefix: str = "") -> list[str]:
        """Metric names, sorted, that start with `prefix` (e.g. "on_time/clause/")."""
        return sorted(name for name in self.metrics if name.startswith(prefix))

    def to_dict(self) -> dict[str, Any]:
        """The deterministic part: same results in the same order give the same dict, key for key."""
        return {
            "replications": self.replications,
            "seed": self.seed,
            "metrics": {name: self.metrics[name].to_dict() for name in sorted(self.metrics)},
        }


class _Running:
    """Welford's running mean and sum of squared deviations of one metric, with min, max and sample."""

    __slots__ = ("n", "mean", "m2", "low", "high", "sample")

    def __init__(self):
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.low = math.inf
        self.high = -math.inf
        self.sample = array("d")

    def add(self, value: float) -> None:
        self.n += 1
        delta = value - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (value - self.mean)
        self.low = min(self.low, value)
        self.high = max(self.high, value)
        if len(self.sample) < SAMPLE_SIZE:
            self.sample.append(value)

    def finish(self, replications: int) -> MetricSummary:
        if self.n == 0:
            return MetricSummary(0, replications, None, None, None, None, None, None)
        sd = ci_low = ci_high = None
        if self.n >= 2:
            sd = math.sqrt(self.m2 / (self.n - 1))
            half = t_quantile(self.n - 1) * sd / math.sqrt(self.n)
            ci_low, ci_high = self.mean - half, self.mean + half
        return MetricSummary(
            self.n, replications - self.n, self.mean, sd, ci_low, ci_high, self.low, self.high, tuple(self.sample)
        )


class Tally:
    """Folds replication results, one at a time and in replication order, into a `Summary`."""

    def __init__(self, seed: int | None = None):
        self.seed = seed
        self.replications = 0
        self._metrics: dict[str, _Running] = {}

    def add(self, result: Mapping[str, float]) -> None:
        """Fold one replication's metrics. NaN means undefined; a metric absent is undefined too.
        Raises ValueError for a value that is not a finite number or NaN."""
        index = self.replications
        for name, value in result.items():
            if not isinstance(name, str):
                raise ValueError(
                    f"replication {index}: metric name {name!r} is not text; expected names like 'yda/spend'"
                )
            try:
                number = float(value) if not isinstance(value, (str, bytes)) else None
            except (TypeError, ValueError):
                number = None
            if number is None:
                raise ValueError(f"replication {index}: metric {name!r} is {value!r}; expected a number")
            if math.isinf(number):
                raise ValueError(f"replication {index}: metric {name!r} is infinite; expected a finite number or NaN")
            running = self._metrics.get(name)
            if running is None:
                running = self._metrics[name] = _Running()
            if not math.isnan(number):
                running.add(number)
        self.replications += 1

    def summary(self, wall_seconds: float = 0.0) -> Summary:
        """The summary of everything folded so far."""
        metrics = {name: running.finish(self.replications) for name, running in self._metrics.items()}
        return Summary(self.replications, self.seed, metrics, wall_seconds)
