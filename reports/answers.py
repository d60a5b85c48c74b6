"""A simulation's answers in words: the scenario's questions answered in plain sentences, with counts
and 95% intervals, naming the duties (not only their clauses); and the assumptions that drive them
(replications, staffing, demand, budget against the spend simulated, charges, funding, beds, and how
each silence or vague timescale of the protocol was read).

`answers(result, metrics)` and `assumptions(result, metrics)` take a `simulate.simulation.Simulation`
and its metrics as the JSON document has them (`reports.simulation.document`); each gives a list of
JSON-ready mappings, which the text output, the JSON and the report page all show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..model.wording import amount_words, joined, long_date
from .sweeps import axis_label

if TYPE_CHECKING:
    from ..simulate.simulation import Simulation

Metrics = Mapping[str, Mapping[str, Any]]
MOST_DUTIES = 2  # duties named in an answer about a clause, before "and N more"


# --- numbers in words ---------------------------------------------------------------------------------


def percent(share: float | None) -> str:
    """A share as a percentage: one decimal, never "100.0%" for a share short of 1 or "0.0%" above 0."""
    if share is None:
        return "not known"
    shown = f"{share * 100:.1f}"
    if shown == "100.0" and share < 1:
        shown = "99.9"
    if shown == "0.0" and share > 0:
        shown = "0.1" if share >= 0.0005 else "under 0.1"
    return f"{shown}%"


def interval(stats: Mapping[str, Any], shown=percent) -> str:
    """'95% CI 60.5% to 63.5%', or that there is none."""
    if not stats.get("ci95"):
        return "no interval: too few replications"
    low, high = stats["ci95"]
    return f"95% CI {shown(low)} to {shown(high)}"


def pounds(value: float | None) -> str:
    return "not known" if value is None else f"£{value:,.0f}"


def number(value: float | None, digits: int = 1) -> str:
    return "not known" if value is None else f"{value:,.{digits}f}"


def count(value: float) -> str:
    return f"{round(value):,}"


class _Run:
    """What the sentences need to know about the run: its replications, span, duties and metrics."""

    def __init__(self, result: Simulation, metrics: Metrics):
        self.result = result
        self.metrics = metrics
        self.replications = result.summary.replications
        self.days = result.scenario.horizon_days
        self.plans = [p for p in result.plans if p.simulated]

    @property
    def span(self) -> str:
        """'50 simulated years', or '10 simulated runs of 180 days'."""
        many = self.replications != 1
        if self.days == 365:
            return f"{self.replications:,} simulated year{'s' if many else ''}"
        return f"{self.replications:,} simulated run{'s' if many else ''} of {self.days:,} days"

    def per_year(self, metric: str) -> float | None:
        """The mean of a count metric, scaled to a year."""
        stats = self.metrics.get(metric)
        if stats is None or stats["mean"] is None:
            return None
        return stats["mean"] * 365 / self.days

    def duties(self, clause: str | None = None, kind: str | None = None) -> str:
        """The duties of a clause (or of a type) named: 'notify children's social care (the YOS, within
        1 working day)', up to `MOST_DUTIES` of them."""
        chosen = [p for p in self.plans if (clause in p.clauses if clause else p.type == kind)]
        named = [f"{p.action} ({p.who}; {_deadline(p.deadline_words)})" for p in chosen[:MOST_DUTIES]]
        if len(chosen) > MOST_DUTIES:
            named.append(f"{len(chosen) - MOST_DUTIES} more")
        return joined(named) if named else "no duty simulated"


def _deadline(words: str | None) -> str:
    if not words:
        return "no time limit"
    return words.replace(" (scenario)", ", as the scenario reads it")


# --- answers ------------------------------------------------------------------------------------------


def answers(result: Simulation, metrics: Metrics) -> list[dict[str, Any]]:
    """Each question of the scenario (or, if it asks none, the usual ones) with its answer."""
    run = _Run(result, metrics)
    questions = [(q.ask, q.measure) for q in result.scenario.questions] or [
        (None, measure) for measure in default_questions(result, metrics)
    ]
    found = []
    for ask, measure in questions:
        item = {"question": ask or question_words(measure), "measure": measure, "answer": answer(run, measure)}
        if result.comparison is not None:
            item["compared"] = compared(result, measure)
        found.append(item)
    return found


def compared(result: Simulation, measure: str) -> str:
    """How `measure` differs in the scenario compared with, paired replication by replication."""
    comparison = result.comparison
    other = comparison.other.scenario.title  # type: ignore[union-attr]
    difference = comparison.differences.get(measure)  # type: ignore[union-attr]
    if difference is None or difference.difference is None:
        return f"{other}: no difference can be given (the measure is not defined in both)."
    here = result.summary.get(measure)
    there = comparison.other.summary.get(measure)  # type: ignore[union-attr]
    share = (
        here is not None
        and here.interval in ("wilson", "pooled", "t")
        and measure.startswith(("on_time/", "yda/over_budget", "court/sittings_covered", "utilisation/"))
    )
    shown = (lambda v: f"{v * 100:+.1f} points") if share else (lambda v: f"{v:+,.2f}")
    value = percent if share else (lambda v: number(v, 2))
    words = (
        f"{other}: {value(there.mean if there else None)} against {value(here.mean if here else None)} here, "
        f"a difference of {shown(difference.difference)}"
    )
    if difference.same:
        return words + " in every one of the paired replications (the change does not reach this measure)."
    if difference.ci_low is None:
        return words + " (too few replications for an interval)."
    return words + f" (95% CI {shown(difference.ci_low)} to {shown(difference.ci_high)}, paired by seed)."


def default_questions(result: Simulation, metrics: Metrics) -> list[str]:
    """The measures answered when the scenario asks nothing: the on-time rate of all duties and of
    the clause that fared worst, the chance YDA spend exceeds the budget, YDA beds, and the wait for
    a practitioner of the pool that covers court (or the first pool)."""
    found = ["on_time/all"]
    clauses = [
        name
        for name, stats in metrics.items()
        if name.startswith("on_time/clause/") and stats["mean"] is not None and stats.get("trials")
    ]
    if clauses:
        found.append(min(clauses, key=lambda name: (metrics[name]["mean"], name)))
    found += [name for name in ("yda/over_budget", "yda/mean_occupied") if name in metrics]
    scenario = result.scenario
    pool = scenario.court.pool if scenario.court is not None else next(iter(scenario.staff))
    if f"wait_hours/role/{pool}" in metrics:
        found.append(f"wait_hours/role/{pool}")
    return found


def question_words(measure: str) -> str:
    """A measure asked about, as a question."""
    if measure == "on_time/all":
        return "How often are the protocol's duties done on time?"
    if measure.startswith("on_time/clause/"):
        return f"How often is clause {measure.removeprefix('on_time/clause/')} done on time?"
    if measure.startswith("on_time/duty_type/"):
        return f"How often is '{measure.removeprefix('on_time/duty_type/').replace('_', ' ')}' done on time?"
    if measure == "yda/over_budget":
        return "What is the chance that YDA spend exceeds the budget?"
    if measure.startswith("wait_hours/role/"):
        return f"How long does a task wait for {_pool(measure)}?"
    if measure == "yda/mean_occupied":
        return "How many YDA beds are occupied?"
    return f"What is the {axis_label(measure).split(' (')[0]}?"


def _pool(measure: str) -> str:
    return "the " + measure.rsplit("/", 1)[1].replace("_", " ") + " staff"


def answer(run: _Run, measure: str) -> str:
    """The answer to a question about `measure`, in a sentence or two."""
    stats = run.metrics.get(measure)
    if stats is None:
        return f"This scenario has no measure '{measure}'."
    if measure == "on_time/all":
        return _on_time_all(run, stats)
    if measure.startswith("on_time/clause/"):
        return _on_time_clause(run, measure.removeprefix("on_time/clause/"), stats)
    if measure.startswith("on_time/duty_type/"):
        kind = measure.removeprefix("on_time/duty_type/")
        return _late(run, f"{kind.replace('_', ' ')} ({run.duties(kind=kind)})", stats, "tasks")
    if measure == "yda/over_budget":
        return _over_budget(run, stats)
    if measure.startswith("wait_hours/role/"):
        return (
            f"A task waited {number(stats['mean'])} hours on average for {_pool(measure)} to begin it "
            f"({interval(stats, number)})."
        )
    if measure.startswith("utilisation/role/"):
        return (
            f"{_pool(measure).capitalize()} spent {percent(stats['mean'])} of their working hours on the "
            f"protocol's tasks and at court ({interval(stats)})."
        )
    if measure == "yda/mean_occupied":
        return _beds(run, stats)
    if measure == "court/sittings_covered":
        return _late(run, "court sittings with a child of the area", stats, "sittings", "had no practitioner in time")
    return _generic(measure, stats)


def _generic(measure: str, stats: Mapping[str, Any]) -> str:
    words = axis_label(measure)
    name, _, unit = words.partition(" (")
    if measure.startswith("yda/") and ("spend" in measure or "cost" in measure or "funding" in measure):
        return f"{name.capitalize()}: {pounds(stats['mean'])} on average ({interval(stats, pounds)})."
    if stats.get("interval") in ("wilson", "pooled"):
        return f"{name.capitalize()}: {percent(stats['mean'])} ({interval(stats)})."
    return f"{name.capitalize()}: {number(stats['mean'], 2)} on average ({interval(stats, lambda v: number(v, 2))})."


def _late(run: _Run, what: str, stats: Mapping[str, Any], things: str, late: str = "were late") -> str:
    """'{what}: 4 of 23 tasks were late over 4 simulated years (82.6% on time, 95% CI ...).'"""
    trials, events = stats.get("trials"), stats.get("events")
    if not trials:
        return f"{what.capitalize()}: no {things} were judged in any of the {run.span}."
    return (
        f"{what[0].upper() + what[1:]}: {trials - events:,} of {trials:,} {things} {late} over the {run.span} "
        f"({percent(stats['mean'])} on time, {interval(stats)})."
    )


def _on_time_all(run: _Run, stats: Mapping[str, Any]) -> str:
    raised = run.per_year("tasks/raised") or 0.0
    decided = run.per_year("tasks/decided") or 0.0
    untimed, unowned = run.per_year("tasks/no_deadline") or 0.0, run.per_year("tasks/no_owner") or 0.0
    found = _late(run, "all duties with a time limit", stats, "tasks")
    if raised:
        found += (
            f" That covers {percent(decided / raised)} of the {count(raised)} tasks raised a year: "
            f"{count(untimed)} a year have no time limit and {count(unowned)} no named owner, so on time "
            "cannot be measured for them (a task with a time limit and no owner is never done, and counts as late)."
        )
    return found


def _on_time_clause(run: _Run, clause: str, stats: Mapping[str, Any]) -> str:
    what = f"clause {clause}, {run.duties(clause=clause)}"
    raised = run.per_year(f"tasks/clause/{clause}") or 0.0
    untimed = run.per_year(f"tasks/no_deadline/clause/{clause}") or 0.0
    unowned = run.per_year(f"tasks/no_owner/clause/{clause}") or 0.0
    if stats.get("trials"):
        found = _late(run, what, stats, "tasks")
        if untimed >= 0.5 or unowned >= 0.5:
            found += f" Besides, {_untimed_unowned(untimed, unowned)}."
        return found
    if raised > 0:
        return (
            f"Clause {clause} ({run.duties(clause=clause)}): about {count(raised)} tasks a year, "
            f"{_untimed_unowned(untimed, unowned)}: on time cannot be measured."
        )
    return f"Clause {clause} ({run.duties(clause=clause)}): no task arose under it in any of the {run.span}."


def _untimed_unowned(untimed: float, unowned: float) -> str:
    parts = []
    if untimed >= 0.5:
        parts.append(f"{count(untimed)} a year with no time limit")
    if unowned >= 0.5:
        parts.append(f"{count(unowned)} a year with no named owner")
    return joined(parts) if parts else "none with a time limit that falls within the run"


def _over_budget(run: _Run, stats: Mapping[str, Any]) -> str:
    result = run.result
    budget = result.scenario.budget
    held = "net cost (spend less funding)" if budget is not None and budget.against == "net_cost" else "spend"
    metric = "yda/net_cost" if held != "spend" else "yda/spend"
    found = (
        f"YDA {held} went over the budget of {pounds(result.budget)} for the {run.days:,} days in "
        f"{stats.get('events', 0):,} of the {run.span}: a probability of about {percent(stats['mean'])} "
        f"({interval(stats)})."
    )
    mean = run.metrics.get(metric, {}).get("mean")
    if mean and result.budget is not None:
        found += f" {_against(result.budget, mean, held)}"
    return found


def _against(budget: float, mean: float, what: str) -> str:
    """'The budget is 2.1% above the mean spend simulated here (£313,000).'"""
    gap = (budget - mean) / mean
    side = "above" if gap >= 0 else "below"
    return f"The budget is {abs(gap) * 100:.1f}% {side} the mean {what} simulated here ({pounds(mean)})."


def _beds(run: _Run, stats: Mapping[str, Any]) -> str:
    found = f"YDA beds: {number(stats['mean'])} occupied on average ({interval(stats, number)})"
    peak = run.metrics.get("yda/peak_occupied", {}).get("mean")
    if peak is not None:
        found += f"; at the busiest moment of each {'year' if run.days == 365 else 'run'}, {number(peak)} on average"
    stay = run.metrics.get("yda/stay_days", {})
    if stay.get("mean") is not None:
        found += (
            f"; a remand to YDA lasted {number(stay['mean'], 0)} days on average "
            f"(median {number(run.metrics['yda/stay_days_median']['mean'], 0)}, "
            f"one in ten over {number(run.metrics['yda/stay_days_p90']['mean'], 0)})"
        )
    return found + "."


# --- assumptions -----------------------------------------------------------------------------------


def assumptions(result: Simulation, metrics: Metrics) -> list[dict[str, str]]:
    """What the answers rest on, each as {"about", "words"}: the run, staffing, demand, money and beds,
    and how the protocol's silences and vague timescales were read."""
    found = [{"about": "the run", "words": _run_words(result)}]
    found += [{"about": "staffing", "words": words} for words in _staffing(result)]
    found.append({"about": "demand", "words": _demand(result)})
    found += [{"about": about, "words": words} for about, words in _money(result, metrics)]
    found += [{"about": "reading the protocol", "words": words} for words in _readings(result)]
    return found


def _run_words(result: Simulation) -> str:
    scenario, summary = result.scenario, result.summary
    start = scenario.start + dt.timedelta(days=scenario.warm_up_days)
    words = (
        f"{summary.replications:,} replications, each measuring {scenario.horizon_days:,} days from "
        f"{long_date(start)} after {scenario.warm_up_days:,} days of warm-up (seed {summary.seed})"
    )
    precision = result.precision
    if precision is not None:
        reached = "met" if precision.met else f"not met: the cap of {precision.cap:,} replications was reached"
        words += (
            f"; replications chosen by precision: the 95% interval of {precision.metric} within "
            f"±{precision.target * 100:g}% of its mean ({reached}; ±{(precision.achieved or 0) * 100:.1f}% at the end)"
        )
    if result.bases:
        words += "; built on " + " on ".join(file for file, _ in result.bases)
    return words


def _staffing(result: Simulation) -> list[str]:
    base = result.bases[0][1] if result.bases else None
    found = []
    for name, pool in result.scenario.staff.items():
        start, end = pool.hours
        days = "on working days" if pool.days == "working_days" else "every day"
        words = (
            f"{pool.count} {name.replace('_', ' ')} staff, at work {start:g}:00 to {end:g}:00 {days}, "
            f"{percent(pool.absence)} of days away, {percent(pool.other_work)} of the rest on other work"
        )
        if pool.on_call:
            words += f", {pool.on_call} on call"
        before = base.staff.get(name) if base is not None else None
        if before is not None and before.count != pool.count:
            words += f" (the base scenario has {before.count})"
        found.append(words)
    return found


def _demand(result: Simulation) -> str:
    scenario = result.scenario
    words = f"{scenario.demand.remands_per_year:g} children a year brought to court for a remand decision"
    if scenario.yda is not None and scenario.yda.direct is not None:
        words += f", and {scenario.yda.direct.remands_per_year:g} YDA remands a year stated directly"
    base = result.bases[0][1] if result.bases else None
    if base is not None and base.demand.remands_per_year != scenario.demand.remands_per_year:
        words += f" (the base scenario has {base.demand.remands_per_year:g})"
    cohorts = sum(c.expected for c in scenario.initial_caseload)
    if cohorts:
        words += f"; {cohorts:,.0f} children open at the start, part-way through their stays"
    return words


def _money(result: Simulation, metrics: Metrics) -> list[tuple[str, str]]:
    yda = result.scenario.yda
    if yda is None:
        return []
    found = [("YDA charges", _charges(result))]
    funding = yda.funding
    if funding is not None and (funding.per_bed_night or funding.per_year):
        parts = []
        if funding.per_bed_night:
            parts.append(f"{pounds(funding.per_bed_night)} a bed night")
        if funding.per_year:
            parts.append(f"{pounds(funding.per_year)} a year")
        found.append(
            ("YDA funding", f"{joined(parts, 'and')} received, kept apart from spend: net cost is spend less it")
        )
    else:
        found.append(("YDA funding", "none stated: the net cost is the whole spend"))
    beds = [f"{name.upper()} {e.capacity} beds" for name, e in yda.establishments.items() if e.capacity is not None]
    if beds:
        found.append(("YDA beds", joined(beds) + " at a time for this scenario's children"))
    budget = result.scenario.budget
    if budget is not None:
        held = "net cost" if budget.against == "net_cost" else "spend"
        words = (
            f"{pounds(budget.yda_per_year)} a year for YDA, held against {held} "
            f"({pounds(result.budget)} for the days measured)"
        )
        mean = metrics.get("yda/net_cost" if held == "net cost" else "yda/spend", {}).get("mean")
        if mean and result.budget:
            words += ". " + _against(result.budget, mean, held)
        base = result.bases[0][1] if result.bases else None
        if base is not None and base.budget is not None and base.budget.yda_per_year != budget.yda_per_year:
            words += f" The base scenario's budget is {pounds(base.budget.yda_per_year)} a year."
        found.append(("YDA budget", words))
    return found


def _charges(result: Simulation) -> str:
    yda = result.scenario.yda
    parts, mean = [], 0.0
    for name, establishment in yda.establishments.items():  # type: ignore[union-attr]
        if establishment.nightly is not None:
            rate = f"{pounds(establishment.nightly)} a night"
            first = establishment.nightly
        else:
            first = establishment.charges[0].nightly
            rate = "; ".join(f"{pounds(c.nightly)} from {long_date(c.from_)}" for c in establishment.charges)
        parts.append(f"{name.upper()} {rate} ({percent(establishment.share)} of placements)")
        mean += establishment.share * first
    return f"{'; '.join(parts)}: about {pounds(mean)} a night on this mix at the start"


def _readings(result: Simulation) -> list[str]:
    readings = result.scenario.interpretations
    plans = [p for p in result.plans if p.simulated]
    found = []
    for words, limit in readings.vague.items():
        clauses = sorted({c for p in plans if p.deadline_words and f'"{words}"' in p.deadline_words for c in p.clauses})
        where = f" (clause{'s' if len(clauses) != 1 else ''} {', '.join(clauses)})" if clauses else ""
        found.append(f'"{words}" read as within {amount_words(limit.amount, limit.unit)}{where}')
    if readings.no_timescale == "none":
        found.append("a duty with no timescale is worked but never judged late")
    else:
        found.append(
            f"a duty with no timescale is read as due within "
            f"{amount_words(readings.no_timescale.amount, readings.no_timescale.unit)}"
        )
    if readings.no_actor == "nobody":
        found.append("a duty that names no one is done by nobody: its tasks are counted, never done")
    else:
        found.append(f"a duty that names no one is done by the {readings.no_actor.replace('_', ' ')} staff")
    found.append(
        f"a duty at an event (attending court) is on time if begun within {readings.at_event_hours:g} hours of it"
    )
    found.append(
        "a limit stated two ways ('3 weeks (15 working days)') is read the "
        f"{'first' if readings.dual_reading == 'first' else 'second'} way"
    )
    found.append(f"{joined(readings.modalities)} duties become tasks")
    return found
