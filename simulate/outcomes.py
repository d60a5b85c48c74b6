"""The metrics of one replication, computed afterwards from the timestamps it recorded.

Only what happened between the end of the warm-up and the end of the run (the window) counts: tasks
raised, sittings held, remands begun and nights spent in it. A task is judged against its deadline:
- on time if done before the deadline (for a duty `at` an event: begun within the scenario's
  `at_event_hours` of it; a court duty covered by the sitting's practitioner: that practitioner
  arrived in time); late if done after it, or not done by a deadline inside the run;
- undecided if not done and its deadline falls after the run ends (it is left out of on-time rates);
- for a duty due before an event that has not happened by the end: on time if done, else undecided.
A deadline counted from an event (before / at) uses the first time the event happens to the case at
or after the task was raised.

Metric names (a metric undefined in a replication, such as the on-time rate of a clause no duty of
which arose, is NaN):
  on_time/all, on_time/clause/<clause>, on_time/duty_type/<type>   share of decided tasks on time
  tasks/raised, tasks/clause/<clause>, tasks/no_owner, tasks/no_deadline, tasks/undecided   counts
  utilisation/role/<pool>    share of the pool's working hours at work on the protocol spent on tasks and court
  backlog/role/<pool>        mean number of the pool's tasks waiting for a practitioner
  wait_hours/role/<pool>     mean hours from a task being raised to a practitioner beginning it
  court/sittings, court/sittings_covered (share), court/on_call_callouts, court/on_call_hours
  rilaa/remands, rilaa/wait_hours (remand to placement found), rilaa/not_placed
  yda/remands, yda/bed_nights, yda/mean_occupied, yda/spend (£), yda/over_budget (0 or 1)
  cases/arrivals, cases/events_not_taken, cases/no_outcome, events_processed
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from .clock import INFINITY
from .measures import BANDS, LONGEST
from .summary import MEAN, Kind

if TYPE_CHECKING:
    from .cases import Task
    from .prepared import Model
    from .replication import Replication

NAN = math.nan


def measure(model: Model, run: Replication) -> dict[str, float]:
    """Every metric of the replication, by name."""
    metrics: dict[str, float] = {}
    metrics.update(_duties(model, run))
    metrics.update(_staff(model, run))
    if model.court is not None:
        metrics.update(_court(model, run))
    if model.rilaa is not None:
        metrics.update(_rilaa(model, run))
    if model.yda is not None:
        metrics.update(_yda(model, run))
    low, high = model.window
    metrics["cases/arrivals"] = float(sum(low <= t < high for t in run.arrivals))
    metrics["cases/events_not_taken"] = float(run.not_taken)
    metrics["cases/no_outcome"] = float(run.no_outcome)
    metrics["events_processed"] = float(run.events_processed)
    return metrics


def names(model: Model) -> frozenset[str]:
    """The names of every metric a replication of the model gives (the same in every replication)."""
    from numpy.random import SeedSequence

    from .replication import Replication

    return frozenset(measure(model, Replication(model, SeedSequence(0))))


def kind(name: str) -> Kind:
    """What a metric measures, for its interval (`summary.Kind`): on-time rates and the share of
    sittings covered are shares of counts, pooled over replications; P(spend > budget) is a
    probability over replications; utilisation is a share of hours; the rest are means."""
    if name.startswith("on_time/"):
        key = name.removeprefix("on_time/")
        suffix = "" if key == "all" else "/" + key
        return Kind("pooled", "tasks/on_time" + suffix, "tasks/decided" + suffix)
    if name == "court/sittings_covered":
        return Kind("pooled", "court/covered", "court/sittings")
    if name in PROBABILITIES:
        return Kind("probability")
    if name.startswith("utilisation/"):
        return Kind("share")
    return MEAN


PROBABILITIES = frozenset({"yda/over_budget"})


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole > 0 else NAN


def verdict(model: Model, run: Replication, task: Task) -> bool | None:
    """True if the task was on time, False if late, None if undecided or without a deadline."""
    plan = model.plans[task.plan]
    deadline = plan.deadline
    if deadline is None:
        return None
    high = model.window[1]
    if deadline.kind == "within":
        due: float | None = task.due
    else:
        due = _event_after(task, deadline.event)  # type: ignore[arg-type]
        if due is not None:
            if deadline.kind == "at":
                due += model.at_event_hours
            elif deadline.amount is not None:
                due = model.clock.due_before(due, deadline.amount, deadline.unit)  # type: ignore[arg-type]
    if deadline.kind == "at":
        done = task.begun if task.unbegun == 0 and not task.no_owner else None
    else:
        done = task.done
    if task.sitting is not None:
        cover = run.cover[task.sitting][2]
        done = None if cover == INFINITY or done is None else max(done, cover)
    if due is None:
        return True if done is not None else None
    if done is not None:
        return done < due
    return False if due <= high else None


def _event_after(task: Task, event: str) -> float | None:
    """The first time `event` happened to the task's case at or after the task was raised."""
    log = task.case.log
    times = log.get(event) if log is not None else None
    if not times:
        return None
    i = bisect_left(times, task.raised)
    return times[i] if i < len(times) else None


def _duties(model: Model, run: Replication) -> dict[str, float]:
    low, high = model.window
    keys = [("all", *(f"clause/{c}" for c in p.clauses), f"duty_type/{p.type}") for p in model.plans]
    on_time: dict[str, int] = defaultdict(int)
    decided: dict[str, int] = defaultdict(int)
    raised = [0] * len(model.plans)
    unowned = [0] * len(model.plans)
    untimed = [0] * len(model.plans)
    undecided = 0
    for task in run.tasks:
        if not low <= task.raised < high:
            continue
        plan = task.plan
        raised[plan] += 1
        unowned[plan] += task.no_owner
        deadline = model.plans[plan].deadline
        if deadline is None:
            untimed[plan] += 1
            continue
        if deadline.kind == "within" and task.sitting is None:  # the common case, as `verdict` judges it
            done = task.done
            result = (done < task.due) if done is not None else (False if task.due <= high else None)  # type: ignore[operator]
        else:
            result = verdict(model, run, task)
        if result is None:
            undecided += 1
            continue
        for key in keys[plan]:
            decided[key] += 1
            on_time[key] += result
    metrics = {
        "tasks/raised": float(sum(raised)),
        "tasks/no_owner": float(sum(unowned)),
        "tasks/no_deadline": float(sum(untimed)),
        "tasks/undecided": float(undecided),
        "tasks/decided": float(decided["all"]),
        "tasks/on_time": float(on_time["all"]),
        "on_time/all": _ratio(on_time["all"], decided["all"]),
    }
    per_clause: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for plan, count, no_owner, no_deadline in zip(model.plans, raised, unowned, untimed):
        for clause in plan.clauses:
            counts = per_clause[clause]
            counts[0] += count
            counts[1] += no_owner
            counts[2] += no_deadline
    for plan in model.plans:
        if not plan.simulated:
            continue
        for key in (*(f"clause/{c}" for c in plan.clauses), f"duty_type/{plan.type}"):
            metrics[f"on_time/{key}"] = _ratio(on_time[key], decided[key])
            metrics[f"tasks/decided/{key}"] = float(decided[key])
            metrics[f"tasks/on_time/{key}"] = float(on_time[key])
        for clause in plan.clauses:
            count, no_owner, no_deadline = per_clause[clause]
            metrics[f"tasks/clause/{clause}"] = float(count)
            metrics[f"tasks/no_owner/clause/{clause}"] = float(no_owner)
            metrics[f"tasks/no_deadline/clause/{clause}"] = float(no_deadline)
    return metrics


def _staff(model: Model, run: Replication) -> dict[str, float]:
    low, high = model.window
    metrics: dict[str, float] = {}
    for i, pool in enumerate(model.pools):
        resume = (lambda t: t) if pool.work.always else pool.work.resume
        waiting = waited = 0.0
        started = 0
        for part in run.parts[i]:
            requested, taken = part.requested, part.taken
            if requested >= high:
                continue
            if taken is None:
                waiting += high - max(requested, low)
                continue
            if taken > low:
                waiting += min(taken, high) - max(requested, low)
            if requested >= low:
                waited += resume(taken) - requested
                started += 1
        practitioners = run.staff[i]
        metrics[f"utilisation/role/{pool.name}"] = _ratio(
            practitioners.busy_hours, practitioners.busy_hours + practitioners.free_hours
        )
        metrics[f"backlog/role/{pool.name}"] = waiting / (high - low)
        metrics[f"wait_hours/role/{pool.name}"] = waited / started if started else NAN
    return metrics


def _court(model: Model, run: Replication) -> dict[str, float]:
    low, high = model.window
    held = [(at, kind, cover) for at, kind, cover in run.cover if low <= at < high]
    covered = sum(cover - at <= model.at_event_hours for at, _, cover in held)
    callouts = sum(kind != "weekday" for _, kind, _ in held)
    return {
        "court/sittings": float(len(held)),
        "court/covered": float(covered),
        "court/sittings_covered": _ratio(covered, len(held)),
        "court/on_call_callouts": float(callouts),
        "court/on_call_hours": float(sum(kind != "weekday" and cover < INFINITY for _, kind, cover in held))
        * model.court.session_hours,  # type: ignore[union-attr]
    }


def _rilaa(model: Model, run: Replication) -> dict[str, float]:
    low, high = model.window
    stays = [s for s in run.rilaa_stays if low <= s[0] < high]
    waits = [s[3] - s[0] for s in stays if s[3] is not None]
    return {
        "rilaa/remands": float(len(stays)),
        "rilaa/wait_hours": sum(waits) / len(waits) if waits else NAN,
        "rilaa/not_placed": float(len(stays) - len(waits)),
    }


def _yda(model: Model, run: Replication) -> dict[str, float]:
    plan = model.yda
    low, high = model.window
    days = (high - low) / 24
    names = plan.names  # type: ignore[union-attr]
    nights = [0] * len(names)
    spend = 0.0
    lengths: list[float] = []
    elsewhere = over = remands = 0
    for entered, left, place, diverted, full, ended in run.yda_stays:
        begin, end = max(entered, low), min(left, high)
        if end > begin:
            first, last = int(begin // 24), int(end // 24)
            nights[place] += last - first
            charged = plan.charged[place]  # type: ignore[union-attr]
            spend += charged[last] - charged[first]
        if low <= entered < high:
            remands += 1
            elsewhere += diverted
            over += full
        if ended and low <= left < high:
            lengths.append((left - entered) / 24)
    total = sum(nights)
    funding = plan.per_bed_night * total + plan.per_year * days / 365  # type: ignore[union-attr]
    metrics = {
        "yda/remands": float(remands),
        "yda/bed_nights": float(total),
        "yda/mean_occupied": total / days,
        "yda/peak_occupied": float(_peak(run.yda_stays, low, high, None)),
        "yda/spend": spend,
        "yda/funding": funding,
        "yda/net_cost": spend - funding,
        "yda/stays_ended": float(len(lengths)),
        "yda/stay_days": sum(lengths) / len(lengths) if lengths else NAN,
        "yda/stay_days_median": float(np.median(lengths)) if lengths else NAN,
        "yda/stay_days_p90": float(np.percentile(lengths, 90)) if lengths else NAN,
    }
    bands = [0] * (len(BANDS) + 1)
    for length in lengths:
        bands[next((i for i, (bound, _) in enumerate(BANDS) if length < bound), len(BANDS))] += 1
    for (_, band), count in zip((*BANDS, (None, LONGEST)), bands):
        metrics[f"yda/stays/{band}"] = float(count)
    for i, name in enumerate(names):
        metrics[f"yda/bed_nights/{name}"] = float(nights[i])
        metrics[f"yda/mean_occupied/{name}"] = nights[i] / days
        metrics[f"yda/peak_occupied/{name}"] = float(_peak(run.yda_stays, low, high, i))
    if any(c is not None for c in plan.capacity):  # type: ignore[union-attr]
        metrics["yda/placed_elsewhere"] = float(elsewhere)
        metrics["yda/over_capacity"] = float(over)
    if model.budget is not None:
        held = spend - funding if plan.against_net_cost else spend  # type: ignore[union-attr]
        metrics["yda/over_budget"] = float(held > model.budget)
    return metrics


def _peak(stays: list, low: float, high: float, place: int | None) -> int:
    """The most beds occupied at once in [low, high) (in one establishment, or in all)."""
    changes = []
    for entered, left, where, *_ in stays:
        if (place is None or where == place) and left > low and entered < high:
            changes.append((max(entered, low), 1))
            changes.append((left, -1))
    changes.sort(key=lambda change: (change[0], change[1]))  # a child leaving before one arriving at the same time
    peak = occupied = 0
    for _, change in changes:
        occupied += change
        peak = max(peak, occupied)
    return peak


def _midnights(begin: float, end: float) -> int:
    """The midnights in (begin, end]: the nights of a stay from clock hour begin to end."""
    if end <= begin:
        return 0
    return int(end // 24) - int(begin // 24)
