"""A streaming summary of replication results: per metric, n, mean, sd, 95% interval, min, max; and
paired differences between two sets of replications run with the same seeds.

Each replication yields a flat mapping `metric name -> number` (NaN where the metric is undefined in
that replication, e.g. no duty of a clause arose). A `Tally` folds those mappings one at a time, in
replication order, with Welford's update, so memory does not grow with the number of replications:
it keeps a few numbers per metric and the first `SAMPLE_SIZE` values (for distribution plots).
Folding the same results in the same order gives the same floats, so `Summary.to_dict()` is
byte-identical whatever executor produced the results.

What interval a metric gets depends on what it measures (`Kind`, declared by whoever produces the
metrics; `intervals` has the methods): a mean gets Student's t; a share of hours gets Student's t
kept within 0 and 1; a probability over replications (0 or 1 in each) gets Wilson's interval on
how many replications it happened in; a share of counts (tasks on time of tasks judged) is pooled
over the replications and gets Wilson's interval at the effective number of counts. A `Pairing`
folds two sets of replications run with the same seeds, replication by replication, into
differences with paired intervals.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from . import intervals
from .intervals import CONFIDENCE, Moments, t_interval, t_quantile, whole, wilson

__all__ = ["CONFIDENCE", "Kind", "MetricSummary", "Pairing", "Summary", "Tally", "t_quantile"]

SAMPLE_SIZE = 1000  # values kept per metric, the first ones in replication order


@dataclass(frozen=True)
class Kind:
    """What a metric measures, for its interval: `mean` (any number), `share` (a number from 0 to
    1 that is no count of events: hours busy of hours at work), `probability` (1 if something
    happened in the replication, else 0) or `pooled` (a share of counts: the metric `events` of
    the metric `trials` in each replication, e.g. tasks on time of tasks judged)."""

    kind: Literal["mean", "share", "probability", "pooled"] = "mean"
    events: str | None = None
    trials: str | None = None


MEAN = Kind()
Kinds = Callable[[str], Kind]


@dataclass(frozen=True)
class MetricSummary:
    """One metric across replications. `n` counts the replications where it was defined; `undefined`
    those where it was NaN or absent. `mean` is the mean per replication, except for a pooled share,
    where it is the share of all the counts (`events` of `trials`); `interval` names how the 95%
    interval was made (`t`, `wilson`, `pooled`). Statistics that need more values than there are
    are None."""

    n: int
    undefined: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    min: float | None
    max: float | None
    sample: tuple[float, ...] = ()
    interval: str = "t"
    events: int | None = None
    trials: int | None = None

    @property
    def half_width(self) -> float | None:
        """Half the width of the 95% interval."""
        return None if self.ci_low is None else (self.ci_high - self.ci_low) / 2  # type: ignore[operator]

    def to_dict(self) -> dict[str, Any]:
        """The statistics as JSON-ready values (the sample is left out)."""
        found = {
            "n": self.n,
            "undefined": self.undefined,
            "mean": self.mean,
            "sd": self.sd,
            "ci95": None if self.ci_low is None else [self.ci_low, self.ci_high],
            "interval": self.interval,
            "min": self.min,
            "max": self.max,
        }
        if self.trials is not None:
            found["events"], found["trials"] = self.events, self.trials
        return found


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

    def get(self, name: str) -> MetricSummary | None:
        return self.metrics.get(name)

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

    @property
    def sd(self) -> float | None:
        return math.sqrt(self.m2 / (self.n - 1)) if self.n >= 2 else None

    def finish(self, replications: int, kind: Kind, counts: Moments | None) -> MetricSummary:
        if self.n == 0:
            return MetricSummary(0, replications, None, None, None, None, None, None, interval=_method(kind, counts))
        sd, mean = self.sd, self.mean
        low = high = None
        events = trials = None
        method = _method(kind, counts)
        if method == "wilson":
            events, trials = counts.sums  # type: ignore[union-attr]
            low, high = wilson(events / trials, trials)
        elif method == "pooled":
            found = intervals.pooled(counts)  # type: ignore[arg-type]
            events, trials = counts.sums  # type: ignore[union-attr]
            if found is not None:
                mean, low, high, _ = found
        elif sd is not None:
            low, high = t_interval(mean, sd, self.n)
            if kind.kind in ("share", "probability", "pooled"):
                low, high = max(low, 0.0), min(high, 1.0)
        return MetricSummary(
            self.n,
            replications - self.n,
            mean,
            sd,
            low,
            high,
            self.low,
            self.high,
            tuple(self.sample),
            method,
            events,
            trials,
        )


def _method(kind: Kind, counts: Moments | None) -> str:
    """How the metric's interval is made: Wilson's for a probability, pooled for a share of counts
    (when the counts were given), else Student's t."""
    if counts is not None and kind.kind == "probability":
        return "wilson"
    if counts is not None and kind.kind == "pooled":
        return "pooled"
    return "t"


def _number(index: int, name: object, value: object) -> float:
    """A metric's value as a float, or a ValueError saying which replication and metric is wrong."""
    if not isinstance(name, str):
        raise ValueError(f"replication {index}: metric name {name!r} is not text; expected names like 'yda/spend'")
    try:
        number = float(value) if not isinstance(value, (str, bytes)) else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise ValueError(f"replication {index}: metric {name!r} is {value!r}; expected a number")
    if math.isinf(number):
        raise ValueError(f"replication {index}: metric {name!r} is infinite; expected a finite number or NaN")
    return number


def _counts(result: Mapping[str, float], kind: Kind, value: float) -> tuple[int, int] | None:
    """(events, trials) of a probability or a pooled share in one replication, if they are whole numbers."""
    if kind.kind == "probability":
        return None if math.isnan(value) or whole(value) is None else (int(value), 1)
    if kind.kind == "pooled" and kind.events is not None and kind.trials is not None:
        events, trials = result.get(kind.events), result.get(kind.trials)
        if events is None or trials is None:
            return None
        found = whole(events), whole(trials)
        return None if None in found else found  # type: ignore[return-value]
    return None


class Tally:
    """Folds replication results, one at a time and in replication order, into a `Summary`;
    `kinds(name)` says what each metric measures (a mean unless said otherwise)."""

    def __init__(self, seed: int | None = None, kinds: Kinds | None = None):
        self.seed = seed
        self.replications = 0
        self.kinds = kinds or (lambda name: MEAN)
        self._metrics: dict[str, _Running] = {}
        self._kind: dict[str, Kind] = {}
        self._counts: dict[str, Moments | None] = {}

    def kind(self, name: str) -> Kind:
        found = self._kind.get(name)
        if found is None:
            found = self._kind[name] = self.kinds(name)
        return found

    def add(self, result: Mapping[str, float]) -> None:
        """Fold one replication's metrics. NaN means undefined; a metric absent is undefined too.
        Raises ValueError for a value that is not a finite number or NaN."""
        index = self.replications
        for name, value in result.items():
            number = _number(index, name, value)
            running = self._metrics.get(name)
            if running is None:
                running = self._metrics[name] = _Running()
                kind = self.kind(name)
                self._counts[name] = Moments(2) if kind.kind in ("probability", "pooled") and index == 0 else None
            if not math.isnan(number):
                running.add(number)
            moments = self._counts[name]
            if moments is not None:
                counts = _counts(result, self.kind(name), number)
                if counts is None and not (math.isnan(number) and self.kind(name).kind == "probability"):
                    self._counts[name] = None  # counts missing in some replication: no pooling
                elif counts is not None:
                    moments.add(counts)
        self.replications += 1

    def metric(self, name: str) -> MetricSummary | None:
        """The summary of one metric so far (None if it never appeared)."""
        running = self._metrics.get(name)
        if running is None:
            return None
        return running.finish(self.replications, self.kind(name), self._counts.get(name))

    def summary(self, wall_seconds: float = 0.0) -> Summary:
        """The summary of everything folded so far."""
        metrics = {name: self.metric(name) for name in self._metrics}
        return Summary(self.replications, self.seed, metrics, wall_seconds)  # type: ignore[arg-type]


# --- paired differences -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One metric's difference between two sets of replications paired by seed (the second minus
    the first): over the `n` pairs where both were defined, the mean difference, its 95% interval
    and the smallest and largest difference in a pair; `same` when every pair agreed exactly."""

    n: int
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    min: float | None
    max: float | None
    interval: str = "paired t"

    @property
    def same(self) -> bool:
        return self.n > 0 and self.min == 0 and self.max == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "difference": self.difference,
            "ci95": None if self.ci_low is None else [self.ci_low, self.ci_high],
            "interval": self.interval,
            "min": self.min,
            "max": self.max,
        }


class Pairing:
    """Folds pairs of replication results (replication i of a reference and of another run, with the
    same seed) into the differences of every metric both have: paired Student's t on the
    differences, and for a pooled share the difference of the pooled shares, linearised."""

    def __init__(self, kinds: Kinds | None = None):
        self.tally = Tally(kinds=kinds)
        self.kinds = self.tally.kind
        self._counts: dict[str, Moments | None] = {}
        self.pairs = 0

    def add(self, reference: Mapping[str, float], other: Mapping[str, float]) -> None:
        differences = {}
        for name, value in other.items():
            before = reference.get(name)
            if before is None:
                continue
            differences[name] = value - before  # NaN where either is undefined
            kind = self.kinds(name)
            if kind.kind != "pooled":
                continue
            if self.pairs == 0:
                self._counts[name] = Moments(4)
            moments = self._counts.get(name)
            if moments is None:
                continue
            a, b = _counts(reference, kind, before), _counts(other, kind, value)
            if a is None or b is None:
                self._counts[name] = None
            else:
                moments.add((*a, *b))
        self.tally.add(differences)
        self.pairs += 1

    def differences(self) -> dict[str, Difference]:
        found = {}
        for name in sorted(self.tally._metrics):
            stats = self.tally._metrics[name]
            moments = self._counts.get(name)
            pooled = intervals.paired_pooled(moments) if moments is not None else None
            if pooled is not None:
                found[name] = Difference(stats.n, *pooled, stats.low, stats.high, "paired pooled")
                continue
            if stats.n == 0:
                found[name] = Difference(0, None, None, None, None, None)
                continue
            low = high = None
            if stats.sd is not None:
                low, high = t_interval(stats.mean, stats.sd, stats.n)
            found[name] = Difference(stats.n, stats.mean, low, high, stats.low, stats.high)
        return found
