"""Confidence intervals that fit what is measured, at 95%.

- **A mean** (hours waited, beds occupied, pounds spent): Student's t over the replications.
- **A probability over replications** (P(YDA spend > budget): the event happened in k of n
  replications): Wilson's score interval for k of n. It stays within 0 and 1 and is not empty
  when every replication agrees (0 of 50 gives 0% to 7.1%, not 0% to 0%).
- **A share pooled over replications** (tasks done on time: X_i of N_i tasks in replication i):
  the share of all the tasks, sum X / sum N, with Wilson's interval at the *effective* number of
  tasks: N / deff, where the design effect deff = (the share's variance estimated from how the
  replications differ) / (its variance if every task were independent), and at least 1. Tasks of
  one replication are not independent (a short-staffed year makes many late), so the replications
  decide the width; when they agree exactly (every task on time in every replication) Wilson's
  interval on the tasks themselves keeps a width that says how many tasks the share rests on.
  The effective number is scaled by (z / t)^2, t on n - 1 degrees of freedom, since the variance
  rests on only n replications (Korn and Graubard's interval for a clustered proportion, 1998).
- **A difference under common random numbers** (a sweep point against the baseline, or one
  scenario against another run with the same seed): replication i of each is paired, and the
  interval is Student's t on the paired differences; a pooled share's difference is linearised
  (each replication's contribution to the share, X_i - p N_i, over the mean N).

Counts are folded as Python integers (`Moments`), so sums, and the intervals made from them, are
the same whatever order of machines produced the replications. Quantiles come from scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from scipy.special import ndtri, stdtrit

CONFIDENCE = 0.95
Z = float(ndtri(0.5 + CONFIDENCE / 2))  # 1.959963984540054


@lru_cache(maxsize=256)
def t_quantile(df: int) -> float:
    """The two-sided 95% quantile of Student's t with `df` degrees of freedom (12.706 for df = 1)."""
    return float(stdtrit(df, 0.5 + CONFIDENCE / 2))


def t_interval(mean: float, sd: float, n: int) -> tuple[float, float]:
    """The 95% interval of a mean of n values with standard deviation sd (n >= 2)."""
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


def wilson(share: float, trials: float) -> tuple[float, float]:
    """Wilson's 95% score interval for a share observed over `trials` (which may be an effective,
    not whole, number). Always within 0 and 1, and always holding the share."""
    if trials <= 0:
        return 0.0, 1.0
    z2 = Z * Z
    denominator = 1 + z2 / trials
    centre = (share + z2 / (2 * trials)) / denominator
    half = Z / denominator * math.sqrt(max(share * (1 - share), 0.0) / trials + z2 / (4 * trials * trials))
    return max(0.0, min(share, centre - half)), min(
        1.0, max(share, centre + half)
    )  # (rounding can step past the share)


def whole(value: float) -> int | None:
    """A count as an integer, or None if the value is not a whole number."""
    return int(value) if float(value).is_integer() else None


class Moments:
    """The sums and cross-products of a vector of whole numbers observed once per replication
    (exact integers): enough for a pooled share and its variance, or a paired difference of two."""

    __slots__ = ("n", "sums", "products")

    def __init__(self, size: int):
        self.n = 0
        self.sums = [0] * size
        self.products = [[0] * size for _ in range(size)]

    def add(self, values: Sequence[int]) -> None:
        self.n += 1
        for i, a in enumerate(values):
            self.sums[i] += a
            row = self.products[i]
            for j in range(i, len(values)):
                row[j] += a * values[j]

    def square(self, weights: Sequence[float]) -> float:
        """sum over replications of (weights . values)^2."""
        total = 0.0
        size = len(weights)
        for i in range(size):
            for j in range(i, size):
                term = weights[i] * weights[j] * self.products[i][j]
                total += term if i == j else 2 * term
        return total


def pooled(moments: Moments) -> tuple[float, float, float, float] | None:
    """A share pooled over replications from the moments of (events, trials): (share, low, high,
    effective trials), or None if no trial happened at all."""
    events, trials = moments.sums
    n = moments.n
    if trials <= 0:
        return None
    share = events / trials
    effective = float(trials)
    if n >= 2 and 0 < share < 1:
        mean_trials = trials / n
        residual = moments.square((1 / mean_trials, -share / mean_trials))  # sum of ((X - pN) / mean N)^2
        variance = max(residual, 0.0) / (n * (n - 1))
        independent = share * (1 - share) / trials
        effective = trials / max(1.0, variance / independent) * (Z / t_quantile(n - 1)) ** 2
    low, high = wilson(share, effective)
    return share, low, high, effective


def paired_pooled(moments: Moments) -> tuple[float, float, float] | None:
    """The difference of two shares pooled over paired replications, second minus first, from the
    moments of (events, trials) of the first and (events, trials) of the second: (difference, low,
    high), or None if either had no trial or there are fewer than two replications."""
    events_a, trials_a, events_b, trials_b = moments.sums
    n = moments.n
    if trials_a <= 0 or trials_b <= 0 or n < 2:
        return None
    share_a, share_b = events_a / trials_a, events_b / trials_b
    mean_a, mean_b = trials_a / n, trials_b / n
    weights = (-1 / mean_a, share_a / mean_a, 1 / mean_b, -share_b / mean_b)
    variance = max(moments.square(weights), 0.0) / (n * (n - 1))
    difference = share_b - share_a
    half = t_quantile(n - 1) * math.sqrt(variance)
    return difference, difference - half, difference + half
