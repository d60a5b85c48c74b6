"""The names of the metrics a scenario's replications give, worked out from the scenario and its duty
plans before anything is prepared (so a scenario's questions can be checked when it is loaded);
`outcomes` computes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .duties import DutyPlan
    from .scenario import Scenario

BANDS = ((7, "under_1_week"), (28, "1_to_4_weeks"), (91, "4_to_13_weeks"), (182, "13_to_26_weeks"))
LONGEST = "26_weeks_or_more"
"""YDA stays by length in days: below each bound, and the longest."""


def names_for(scenario: Scenario, plans: tuple[DutyPlan, ...]) -> frozenset[str]:
    """The names of every metric a replication of the scenario gives, worked out from the scenario
    and its duty plans before anything is prepared (`names` gives the same from a model)."""
    found = {"tasks/raised", "tasks/no_owner", "tasks/no_deadline", "tasks/undecided", "tasks/decided"}
    found |= {"tasks/on_time", "on_time/all", "cases/arrivals", "cases/events_not_taken", "cases/no_outcome"}
    found.add("events_processed")
    for plan in plans:
        if not plan.simulated:
            continue
        for key in (*(f"clause/{c}" for c in plan.clauses), f"duty_type/{plan.type}"):
            found |= {f"on_time/{key}", f"tasks/decided/{key}", f"tasks/on_time/{key}"}
        for clause in plan.clauses:
            found |= {f"tasks/clause/{clause}", f"tasks/no_owner/clause/{clause}", f"tasks/no_deadline/clause/{clause}"}
    for pool in scenario.staff:
        found |= {f"{what}/role/{pool}" for what in ("utilisation", "backlog", "wait_hours")}
    if scenario.court is not None:
        found |= {
            f"court/{what}" for what in ("sittings", "covered", "sittings_covered", "on_call_callouts", "on_call_hours")
        }
    if scenario.rilaa is not None:
        found |= {"rilaa/remands", "rilaa/wait_hours", "rilaa/not_placed"}
    if scenario.yda is not None:
        found |= {f"yda/{what}" for what in YDA_METRICS}
        found |= {f"yda/stays/{band}" for _, band in (*BANDS, (None, LONGEST))}
        for name in scenario.yda.establishments:
            found |= {f"yda/{what}/{name}" for what in ("bed_nights", "mean_occupied", "peak_occupied")}
        if any(e.capacity is not None for e in scenario.yda.establishments.values()):
            found |= {"yda/placed_elsewhere", "yda/over_capacity"}
        if scenario.budget is not None:
            found.add("yda/over_budget")
    return frozenset(found)


YDA_METRICS = (
    "remands",
    "bed_nights",
    "mean_occupied",
    "peak_occupied",
    "spend",
    "funding",
    "net_cost",
    "stays_ended",
    "stay_days",
    "stay_days_median",
    "stay_days_p90",
)
