"""Replications chosen by precision: run until the 95% interval of one metric is narrow enough, or
a cap is reached, and say which happened.

The rule is the replications algorithm of Hoad, Robinson and Davies (2010), as sim-tools implements
it: after each replication from the `initial` ones on, the *relative half-width* of the metric's
interval (half its width over its mean; the interval the summary reports, so Wilson's or pooled
for a share) is compared with the target. The first replication count at which it is within the
target is the candidate; it must stay within the target for a look-ahead of `look_ahead` more
replications (`look_ahead` x n / 100 once n is over 100), else the search goes on. It stops at the
end of a look-ahead that held (met) or at the cap (not met), and the summary is of every replication
run until then.

Replications run in batches on whichever executor is asked for, and are folded one at a time in
replication order; where the rule stops inside a batch the rest of the batch is left out. So the
replications used, and the summary, are the same whatever the executor or the batch size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from .summary import Tally

INITIAL = 3
LOOK_AHEAD = 5
CAP = 1000


@dataclass(frozen=True)
class Precision:
    """What the precision rule did: the metric and target (relative half-width), the replications
    run, the candidate count from which the target held through the look-ahead (None if it never
    did), the relative half-width reached at the end, whether the target was met, and the cap."""

    metric: str
    target: float
    replications: int
    solution: int | None
    achieved: float | None
    met: bool
    cap: int
    look_ahead: int

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "target": self.target,
            "replications": self.replications,
            "solution": self.solution,
            "achieved": self.achieved,
            "met": self.met,
            "cap": self.cap,
            "look_ahead": self.look_ahead,
            "rule": "Hoad, Robinson and Davies (2010): the relative half-width of the 95% interval within the "
            "target from the solution on, through the look-ahead",
        }


def relative_half_width(tally: Tally, metric: str) -> float | None:
    """Half the width of the metric's 95% interval over its mean, now (None if it cannot be said)."""
    found = tally.metric(metric)
    if found is None or found.mean is None or found.half_width is None or found.mean == 0:
        return None
    return found.half_width / abs(found.mean)


def look_ahead_at(n: int, look_ahead: int) -> int:
    """How many more replications the target must hold for, found at n replications."""
    return look_ahead if n <= 100 else math.floor(look_ahead * n / 100)


def sequential(
    batch: Callable[[int, int], Iterator[Mapping[str, float]]],
    tally: Tally,
    metric: str,
    target: float,
    *,
    initial: int = INITIAL,
    cap: int = CAP,
    look_ahead: int = LOOK_AHEAD,
    batch_size: int = 8,
    each: Callable[[Mapping[str, float]], None] | None = None,
    advance: Callable[[], None] = lambda: None,
) -> Precision:
    """Fold replications from `batch(first, count)` (results in order) into `tally` until the
    metric's relative half-width is within `target` through the look-ahead, or `cap` replications
    have run."""
    if target <= 0:
        raise ValueError(f"precision {target}; expected a relative half-width above 0, e.g. 0.05")
    initial = max(2, min(initial, cap))
    candidate: int | None = None
    streak = 0
    done = False
    while not done and tally.replications < cap:
        first = tally.replications
        count = min(cap - first, max(batch_size, initial - first))
        found = batch(first, count)
        try:
            for result in found:
                tally.add(result)
                if each is not None:
                    each(result)
                advance()
                n = tally.replications
                if n < initial:
                    continue
                width = relative_half_width(tally, metric)
                if width is not None and width <= target:
                    if streak == 0:
                        candidate = n
                    streak += 1
                    if streak > look_ahead_at(n, look_ahead):
                        done = True
                        break
                else:
                    candidate, streak = None, 0
        finally:
            close = getattr(found, "close", None)
            if close is not None:
                close()  # (a pool's generator shuts its workers down)
    return Precision(
        metric,
        target,
        tally.replications,
        candidate if done else None,
        relative_half_width(tally, metric),
        done,
        cap,
        look_ahead,
    )
