"""The result of `protoverify simulate` (a `simulate.simulation.Simulation`) as a JSON document, text
for a terminal, a CSV table of its metrics, and each replication's metrics (`per_replication_csv`,
`per_replication_json`; its workbook: `xlsx.simulation_workbook`).

The JSON document (the contract the other renderers and later reports read) leads with the answers:

    {"scenario": {"id", "title", "file"}, "protocol": {"id", "title", "file"},
     "answers": [{"question", "measure", "answer", "compared"?}], "assumptions": [{"about", "words"}],
     "replications", "seed", "precision": {...} | null,
     "window": {"start", "measured_from", "measured_to", "warm_up_days", "horizon_days"},
     "metrics": {name: {"n", "undefined", "mean", "sd", "ci95": [low, high], "interval", "min", "max",
                        "events"?, "trials"?}},
     "comparison": null | {"scenario", "protocol", "metrics", "differences": {name: {"n", "difference",
                                                                             "ci95", "interval", "min", "max"}}},
     "duties": [{"duty", "clauses", "type", "status", "raised_by", "worked_by", "deadline", "action", "who"}],
     "interpretations": {...}, "budget": {"yda_per_year", "yda_for_window", "against"}, "bases": [file, ...],
     "events_processed"}

and, only when asked for (`simulate --timing`), "wall_seconds": how long the replications took.
Without it the document is byte-identical for the same scenario, protocol, replications and seed,
whichever executor ran them. Metric names are described in `simulate/outcomes.py` and
docs/simulation.md; the answers and assumptions in words come from `answers`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import textwrap
from typing import TYPE_CHECKING, Any

from .answers import answers, assumptions, percent
from .jsontext import json_text
from .sweeps import COUNTED, STATISTICS, cells

if TYPE_CHECKING:
    from ..simulate.simulation import Simulation

WIDTH = 100  # the text output's lines


def _about(result: Simulation) -> dict[str, Any]:
    scenario, protocol = result.scenario, result.protocol
    return {
        "scenario": {"id": scenario.id, "title": scenario.title, "file": result.scenario_file},
        "protocol": {"id": protocol.metadata.id, "title": protocol.metadata.title, "file": str(scenario.protocol_path)},
    }


def document(result: Simulation, timing: bool = False) -> dict[str, Any]:
    """The result as a JSON-ready mapping. With `timing`, it also holds `wall_seconds`, which differs
    from run to run."""
    scenario, summary = result.scenario, result.summary
    data = summary.to_dict()
    metrics = data["metrics"]
    processed = metrics.get("events_processed")
    measured_from = scenario.start + dt.timedelta(days=scenario.warm_up_days)
    comparison = result.comparison
    doc = {
        **_about(result),
        "answers": answers(result, metrics),
        "assumptions": assumptions(result, metrics),
        "replications": data["replications"],
        "seed": data["seed"],
        "precision": None if result.precision is None else result.precision.to_dict(),
        "window": {
            "start": scenario.start.isoformat(),
            "measured_from": measured_from.isoformat(),
            "measured_to": (measured_from + dt.timedelta(days=scenario.horizon_days)).isoformat(),
            "warm_up_days": scenario.warm_up_days,
            "horizon_days": scenario.horizon_days,
        },
        "metrics": metrics,
        "comparison": None
        if comparison is None
        else {
            **_about(comparison.other),
            "metrics": comparison.other.summary.to_dict()["metrics"],
            "differences": {name: d.to_dict() for name, d in sorted(comparison.differences.items())},
        },
        "duties": [plan.to_dict() for plan in result.plans],
        "interpretations": scenario.interpretations.model_dump(mode="json"),
        "budget": None
        if scenario.budget is None
        else {
            "yda_per_year": scenario.budget.yda_per_year,
            "yda_for_window": result.budget,
            "against": scenario.budget.against,
        },
        "bases": [file for file, _ in result.bases],
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
    table: list[list[Any]] = [["metric", *STATISTICS, *COUNTED]]
    for name, stats in doc["metrics"].items():
        table.append([name, *cells(stats)])
    return table


def _csv(table: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in table:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


def to_csv(result: Simulation, timing: bool = False) -> str:
    """The metrics table as CSV (empty cells where a statistic is undefined); `timing` changes nothing."""
    return _csv(rows(document(result)))


# --- each replication ---------------------------------------------------------------------------------


def _replications(result: Simulation) -> list[tuple[str, int, dict[str, float]]]:
    """(scenario id, replication number, metrics) of every replication kept, the compared scenario's after."""
    found = []
    for run in (result, result.comparison.other if result.comparison is not None else None):
        if run is None or run.per_replication is None:
            continue
        found += [(run.scenario.id, i, dict(metrics)) for i, metrics in enumerate(run.per_replication)]
    return found


def per_replication_csv(result: Simulation) -> str:
    """Each replication's metrics, one row each (scenario, replication, then every metric in name
    order; an undefined value is an empty cell). Replication i of each scenario ran on the same seed."""
    kept = _replications(result)
    names = sorted({name for _, _, metrics in kept for name in metrics})
    table: list[list[Any]] = [["scenario", "replication", *names]]
    for scenario, number, metrics in kept:
        values = [metrics.get(name) for name in names]
        table.append([scenario, number, *(None if v is None or math.isnan(v) else v for v in values)])
    return _csv(table)


def per_replication_json(result: Simulation) -> str:
    """Each replication's metrics as JSON: {"seed", "replications": [{"scenario", "replication",
    "metrics"}]} (an undefined value is null)."""
    kept = _replications(result)
    return json_text(
        {
            "seed": result.summary.seed,
            "replications": [
                {
                    "scenario": scenario,
                    "replication": number,
                    "metrics": {k: (None if math.isnan(v) else v) for k, v in sorted(metrics.items())},
                }
                for scenario, number, metrics in kept
            ],
        }
    )


PER_REPLICATION = {".csv": per_replication_csv, ".json": per_replication_json}
"""The formats of `simulate --per-replication PATH`, by the path's suffix."""


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
        (
            "confidence intervals",
            "95%: Student's t over the replications for means; Wilson's for probabilities over replications; "
            "shares of tasks pooled over replications with Wilson's at the effective number of tasks",
        ),
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
    """'0.67 [0.65, 0.69]': the mean and its 95% interval, or what is known; a share as a percentage."""
    if stats is None or stats["mean"] is None:
        return "undefined"
    if stats.get("interval") in ("wilson", "pooled"):
        shown = percent(stats["mean"])
        if stats["ci95"] is not None:
            shown += f" [{percent(stats['ci95'][0])}, {percent(stats['ci95'][1])}]"
        return shown
    mean = _number(stats["mean"] * scale, digits)
    if stats["ci95"] is None:
        return mean
    low, high = stats["ci95"]
    return f"{mean} [{_number(low * scale, digits)}, {_number(high * scale, digits)}]"


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def _lead(doc: dict[str, Any]) -> list[str]:
    """The answers, and the assumptions they rest on."""
    lines = ["Answers"]
    for item in doc["answers"]:
        lines += _wrapped(item["question"], "  ")
        lines += _wrapped(item["answer"], "    ")
        if "compared" in item:
            lines += _wrapped("Compared with " + item["compared"], "    ")
    lines += ["", "Assumptions"]
    for item in doc["assumptions"]:
        lines += _wrapped(f"{item['about']}: {item['words']}", "  ")
    return lines


def to_text(result: Simulation, timing: bool = True) -> str:
    """A summary for a terminal: the answers and their assumptions first, then on-time rates, staff,
    court, RiLAA, YDA, and what was not simulated; it always says how long the replications took."""
    doc = document(result, timing=True)
    m = doc["metrics"]
    window = doc["window"]
    lines = [
        f"{doc['scenario']['title']}",
        f"  scenario {doc['scenario']['id']} against protocol {doc['protocol']['id']}; {doc['replications']} "
        f"replications, seed {doc['seed']}",
        f"  measured {window['measured_from']} to {window['measured_to']} after {window['warm_up_days']} days' "
        "warm-up; figures are means per replication with 95% intervals (shares of tasks pooled over replications)",
        "",
        *_lead(doc),
        "",
        "On time (share of the tasks with a time limit that were judged)",
        f"  {'all duties':<36} {_estimate(m.get('on_time/all'))}",
    ]
    for name in sorted(k for k in m if k.startswith("on_time/clause/")):
        stats = m[name]
        if stats["n"]:
            late = stats.get("trials", 0) - stats.get("events", 0) if stats.get("trials") is not None else None
            counts = f"{late:,} of {stats['trials']:,} late" if late is not None else f"{stats['n']} replications"
            lines.append(f"  {'clause ' + name.split('/', 2)[2]:<36} {_estimate(stats):<28} ({counts})")
    lines += [
        "",
        f"Tasks raised {_estimate(m.get('tasks/raised'), 0)}; with no owner (the protocol names none) "
        f"{_estimate(m.get('tasks/no_owner'), 0)}; "
        f"with no deadline {_estimate(m.get('tasks/no_deadline'), 0)}",
        "",
        "Staff",
        f"  {'pool':<16} {'utilisation':<22} {'tasks waiting':<22} wait for a practitioner (h)",
    ]
    for name in sorted(k for k in m if k.startswith("utilisation/role/")):
        pool = name.rsplit("/", 1)[1]
        lines.append(
            f"  {pool:<16} {_estimate(m[name]):<22} {_estimate(m.get('backlog/role/' + pool)):<22} "
            f"{_estimate(m.get('wait_hours/role/' + pool), 1)}"
        )
    lines += _places(m, doc)
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


def _places(m: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    """Court, RiLAA and YDA lines of the text summary."""
    lines = []
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
            f"beds occupied {_estimate(m['yda/mean_occupied'])} (peak {_estimate(m['yda/peak_occupied'], 1)})",
            f"  remand length {_estimate(m['yda/stay_days'], 0)} days (median {_estimate(m['yda/stay_days_median'], 0)}, "
            f"90th percentile {_estimate(m['yda/stay_days_p90'], 0)})",
            f"  spend £{_estimate(m['yda/spend'], 0)}, funding £{_estimate(m['yda/funding'], 0)}, "
            f"net cost £{_estimate(m['yda/net_cost'], 0)}",
        ]
        if "yda/over_budget" in m and doc["budget"] is not None:
            held = "net cost" if doc["budget"]["against"] == "net_cost" else "spend"
            lines.append(
                f"  P({held} > budget of £{doc['budget']['yda_for_window']:,.0f}) {_estimate(m['yda/over_budget'])}"
            )
    return lines
