"""The result of `protoverify simulate` (a `simulate.simulation.Simulation`) as a JSON document, text
for a terminal and a CSV table (its workbook: `xlsx.simulation_workbook`).

The JSON document (the contract the other renderers and later reports read):

    {"scenario": {"id", "title", "file"}, "protocol": {"id", "title", "file"},
     "replications", "seed", "window": {"start", "measured_from", "measured_to", "warm_up_days", "horizon_days"},
     "metrics": {name: {"n", "undefined", "mean", "sd", "ci95": [low, high], "min", "max"}},
     "duties": [{"duty", "clauses", "type", "status", "raised_by", "worked_by", "deadline"}],
     "interpretations": {...}, "budget": {"yda_per_year", "yda_for_window"},
     "events_processed"}

and, only when asked for (`simulate --timing`), "wall_seconds": how long the replications took.
Without it the document is byte-identical for the same scenario, protocol, replications and seed,
whichever executor ran them. Metric names are described in `simulate/outcomes.py` and
docs/simulation.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from .jsontext import json_text
from .sweeps import STATISTICS

if TYPE_CHECKING:
    from ..simulate.simulation import Simulation


def document(result: Simulation, timing: bool = False) -> dict[str, Any]:
    """The result as a JSON-ready mapping. With `timing`, it also holds `wall_seconds`, which differs
    from run to run."""
    scenario, protocol, summary = result.scenario, result.protocol, result.summary
    data = summary.to_dict()
    metrics = data["metrics"]
    processed = metrics.get("events_processed")
    measured_from = scenario.start + dt.timedelta(days=scenario.warm_up_days)
    doc = {
        "scenario": {"id": scenario.id, "title": scenario.title, "file": result.scenario_file},
        "protocol": {"id": protocol.metadata.id, "title": protocol.metadata.title, "file": str(scenario.protocol_path)},
        "replications": data["replications"],
        "seed": data["seed"],
        "window": {
            "start": scenario.start.isoformat(),
            "measured_from": measured_from.isoformat(),
            "measured_to": (measured_from + dt.timedelta(days=scenario.horizon_days)).isoformat(),
            "warm_up_days": scenario.warm_up_days,
            "horizon_days": scenario.horizon_days,
        },
        "metrics": metrics,
        "duties": [plan.to_dict() for plan in result.plans],
        "interpretations": scenario.interpretations.model_dump(mode="json"),
        "budget": None
        if scenario.budget is None
        else {"yda_per_year": scenario.budget.yda_per_year, "yda_for_window": result.budget},
        "events_processed": 0
        if not processed or processed["mean"] is None
        else round(processed["mean"] * processed["n"]),
    }
    if timing:
        doc["wall_seconds"] = round(summary.wall_seconds, 3)
    return doc


def to_json(result: Simulation, timing: bool = False) -> str:
    """The document as JSON (NaN never appears: an undefined statistic is null); with `timing`, with
    how long the replications took."""
    return json_text(document(result, timing))


def rows(doc: dict[str, Any]) -> list[list[Any]]:
    """The metrics table: a header row, then one row per metric (None where undefined)."""
    table: list[list[Any]] = [["metric", *STATISTICS]]
    for name, stats in doc["metrics"].items():
        low, high = stats["ci95"] or (None, None)
        table.append(
            [name, stats["n"], stats["undefined"], stats["mean"], stats["sd"], low, high, stats["min"], stats["max"]]
        )
    return table


def to_csv(result: Simulation, timing: bool = False) -> str:
    """The metrics table as CSV (empty cells where a statistic is undefined); `timing` changes nothing."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows(document(result)):
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


def about(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """What was run, as (what, value) pairs: scenario, protocol, replications, seed, window, intervals."""
    window = doc["window"]
    return [
        ("scenario", f"{doc['scenario']['title']} ({doc['scenario']['file']})"),
        ("protocol", f"{doc['protocol']['title']} ({doc['protocol']['file']})"),
        ("replications", doc["replications"]),
        ("seed", doc["seed"]),
        (
            "measured",
            f"{window['measured_from']} to {window['measured_to']}, after {window['warm_up_days']} days' warm-up",
        ),
        ("confidence intervals", "95%, Student t over the replications"),
        ("events processed", doc["events_processed"]),
    ]


# --- text -------------------------------------------------------------------------------------------


def _number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    if round(value, digits) == 0:
        value = 0.0  # not "-0.0"
    return f"{value:,.{digits}f}"


def _estimate(stats: dict[str, Any] | None, digits: int = 2, scale: float = 1.0) -> str:
    """'0.67 [0.65, 0.69]': the mean and its 95% interval, or what is known."""
    if stats is None or stats["mean"] is None:
        return "undefined"
    mean = _number(stats["mean"] * scale, digits)
    if stats["ci95"] is None:
        return mean
    low, high = stats["ci95"]
    return f"{mean} [{_number(low * scale, digits)}, {_number(high * scale, digits)}]"


def to_text(result: Simulation, timing: bool = True) -> str:
    """A summary for a terminal: on-time rates, staff, court, RiLAA, YDA, and what was not simulated;
    it always says how long the replications took."""
    doc = document(result, timing=True)
    m = doc["metrics"]
    window = doc["window"]
    lines = [
        f"{doc['scenario']['title']}",
        f"  scenario {doc['scenario']['id']} against protocol {doc['protocol']['id']}; {doc['replications']} "
        f"replications, seed {doc['seed']}",
        f"  measured {window['measured_from']} to {window['measured_to']} after {window['warm_up_days']} days' "
        "warm-up; "
        "figures are means per replication with 95% confidence intervals",
        "",
        "On time (share of tasks decided in the year)",
        f"  {'all duties':<36} {_estimate(m.get('on_time/all'))}",
    ]
    for name in sorted(k for k in m if k.startswith("on_time/clause/")):
        stats = m[name]
        if stats["n"]:
            lines.append(
                f"  {'clause ' + name.split('/', 2)[2]:<36} {_estimate(stats)}   ({stats['n']} of "
                f"{doc['replications']} replications)"
            )
    lines += [
        "",
        f"Tasks raised {_estimate(m.get('tasks/raised'), 0)}; with no owner (the protocol names none) "
        f"{_estimate(m.get('tasks/no_owner'), 0)}; "
        f"with no deadline {_estimate(m.get('tasks/no_deadline'), 0)}",
        "",
        "Staff",
    ]
    lines.append(f"  {'pool':<16} {'utilisation':<22} {'tasks waiting':<22} wait for a practitioner (h)")
    for name in sorted(k for k in m if k.startswith("utilisation/role/")):
        pool = name.rsplit("/", 1)[1]
        lines.append(
            f"  {pool:<16} {_estimate(m[name]):<22} {_estimate(m.get('backlog/role/' + pool)):<22} "
            f"{_estimate(m.get('wait_hours/role/' + pool), 1)}"
        )
    if "court/sittings" in m:
        lines += [
            "",
            f"Court: sittings with a child of the area {_estimate(m['court/sittings'], 0)}, covered "
            f"{_estimate(m['court/sittings_covered'])}, "
            f"on-call call-outs {_estimate(m['court/on_call_callouts'], 0)}",
        ]
    if "rilaa/remands" in m:
        lines += [
            "",
            f"RiLAA: remands {_estimate(m['rilaa/remands'], 0)}, wait for a placement "
            f"{_estimate(m['rilaa/wait_hours'], 1)} h, "
            f"never placed {_estimate(m['rilaa/not_placed'], 1)}",
        ]
    if "yda/remands" in m:
        lines += [
            "",
            f"YDA: remands {_estimate(m['yda/remands'], 0)}, bed nights {_estimate(m['yda/bed_nights'], 0)}, "
            f"beds occupied {_estimate(m['yda/mean_occupied'])}, spend £{_estimate(m['yda/spend'], 0)}",
        ]
        if "yda/over_budget" in m and doc["budget"] is not None:
            lines.append(
                f"  P(spend > budget of £{doc['budget']['yda_for_window']:,.0f}) {_estimate(m['yda/over_budget'])}"
            )
    simulated = [d for d in doc["duties"] if d["status"] == "simulated"]
    lines += [
        "",
        f"Duties: {len(simulated)} of {len(doc['duties'])} simulated; the rest, each with the reason, are listed with "
        "--format json or xlsx",
        f"events processed {doc['events_processed']:,}"
        + (f"; {doc['wall_seconds']:.1f} s" if "wall_seconds" in doc else ""),
        "",
    ]
    return "\n".join(lines)
