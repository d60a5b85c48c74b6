"""A sweep as a table (CSV, JSON; its workbook: `xlsx.sweep_workbook`) and as a plot of chosen
metrics against the varied settings.

The table is long: one row per grid point and metric, with the varied values first, then n, the
number of replications where the metric was undefined, mean, sd, the 95% confidence interval, min
and max. The plot puts the first varied setting on the x axis and draws one line per combination of
the others, in black and greys with distinct line styles and markers, so it reads in greyscale; bars
are 95% confidence intervals. CSV, JSON and the figures are byte-identical for identical sweeps.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .jsontext import json_text
from .svg import accessible

if TYPE_CHECKING:
    from ..simulate.sweep import Sweep

STATISTICS = ("n", "undefined", "mean", "sd", "ci95_low", "ci95_high", "min", "max")
COUNTED = ("interval", "events", "trials")
"""After the statistics: how the interval was made, and for a share of counts the counts (`summary.Kind`)."""
DIFFERENCE = ("baseline", "difference", "difference_ci95_low", "difference_ci95_high")
"""Last in a sweep's rows: whether the point is the baseline, and the paired difference from it."""
PLOT_FORMATS = ("svg", "png", "pdf")

# What a metric measures, by the start of its name: words for an axis, with the unit.
_MEANINGS = (
    ("on_time/", "on-time rate{detail} (share of duties, 0-1)"),
    ("utilisation/role/", "utilisation{detail} (share of working hours, 0-1)"),
    ("backlog/role/", "backlog{detail} (tasks waiting, mean)"),
    ("wait_hours/role/", "wait for a practitioner{detail} (hours, mean)"),
    ("tasks/", "tasks{detail} (count)"),
    ("court/sittings_covered", "court sittings covered (share, 0-1)"),
    ("court/sittings", "court sittings with a child of the area (count)"),
    ("court/covered", "court sittings covered (count)"),
    ("court/on_call_callouts", "on-call call-outs (count)"),
    ("court/on_call_hours", "on-call hours at court (hours)"),
    ("rilaa/wait_hours", "RiLAA placement wait (hours, mean)"),
    ("yda/bed_nights", "YDA bed nights{detail} (nights)"),
    ("yda/mean_occupied", "YDA beds occupied{detail} (mean)"),
    ("yda/peak_occupied", "YDA beds occupied at the peak{detail} (count)"),
    ("yda/spend", "YDA spend (£)"),
    ("yda/funding", "YDA funding (£)"),
    ("yda/net_cost", "YDA net cost, spend less funding (£)"),
    ("yda/over_budget", "P(YDA spend > budget)"),
    ("yda/stay_days_median", "YDA remand length, median (days)"),
    ("yda/stay_days_p90", "YDA remand length, 90th percentile (days)"),
    ("yda/stay_days", "YDA remand length (days, mean)"),
    ("yda/stays_ended", "YDA remands ended (count)"),
    ("yda/stays/", "YDA remands ended lasting{detail} (count)"),
    ("yda/remands", "YDA remands begun (count)"),
    ("yda/placed_elsewhere", "YDA placements elsewhere, first choice full (count)"),
    ("yda/over_capacity", "YDA placements over capacity (count)"),
)
DEFAULT_METRICS = ("on_time/all", "yda/over_budget")

# What a varied setting is, by its path: words for an axis.
_SETTINGS = (
    (r"staff\.([^.]+)\.count", "{0} staff in post"),
    (r"staff\.([^.]+)\.absence", "share of {0} staff days away"),
    (r"staff\.([^.]+)\.other_work", "share of {0} staff time on other work"),
    (r"staff\.([^.]+)\.on_call", "{0} staff on call"),
    (r"demand\.remands_per_year", "children brought to court for a remand decision, a year"),
    (r"budget\.yda_per_year", "YDA budget a year (£)"),
    (r"yda\.establishments\.([^.]+)\.nightly", "{0} charge a night (£)"),
    (r"yda\.establishments\.([^.]+)\.share", "share of YDA placements in {0}"),
    (r"yda\.establishments\.([^.]+)\.capacity", "{0} beds"),
    (r"yda\.direct\.remands_per_year", "YDA remands a year"),
    (r"horizon_days", "days measured"),
    (r"warm_up_days", "days of warm-up"),
)


def setting_label(path: str) -> str:
    """Words for a varied setting, e.g. "case manager staff in post"; a path no words are known for
    is shown as its last names, in words."""
    for pattern, words in _SETTINGS:
        found = re.fullmatch(pattern, path)
        if found:
            return words.format(*(group.replace("_", " ") for group in found.groups()))
    return " ".join(path.split(".")[-2:]).replace("_", " ")


def axis_label(metric: str) -> str:
    """Words and unit for an axis showing `metric`, e.g. "on-time rate, clause 6.5 (share of duties, 0-1)"."""
    for prefix, words in _MEANINGS:
        if metric.startswith(prefix):
            rest = metric[len(prefix) :]
            detail = f", {rest.replace('/', ' ')}" if rest else ""
            return words.format(detail=detail)
    return f"{metric} (mean per replication)"


def default_metrics(sweep: Sweep) -> list[str]:
    """The metrics plotted unless others are chosen: the overall on-time rate and P(YDA spend >
    budget), those of them the sweep has."""
    known = {name for point in sweep.points for name in point.summary["metrics"]}
    return [name for name in DEFAULT_METRICS if name in known]


def rows(sweep: Sweep) -> list[list[Any]]:
    """The long table: a header row, then one row per point and metric (None where undefined), the
    baseline marked and every other point's paired difference from it."""
    header = [vary.path for vary in sweep.varies] + ["metric", *STATISTICS, *COUNTED, *DIFFERENCE]
    table: list[list[Any]] = [header]
    for point in sweep.points:
        values = [value for _, value in point.values]
        differences = point.differences or {}
        for metric, stats in point.summary["metrics"].items():
            change = differences.get(metric) or {}
            below, above = change.get("ci95") or (None, None)
            baseline = "yes" if point.baseline else None
            table.append([*values, metric, *cells(stats), baseline, change.get("difference"), below, above])
    return table


def cells(stats: dict[str, Any]) -> list[Any]:
    """A metric's statistics as table cells, in the order of STATISTICS then COUNTED (None where undefined)."""
    low, high = stats["ci95"] or (None, None)
    return [
        stats["n"],
        stats["undefined"],
        stats["mean"],
        stats["sd"],
        low,
        high,
        stats["min"],
        stats["max"],
        stats.get("interval"),
        stats.get("events"),
        stats.get("trials"),
    ]


def to_csv(sweep: Sweep) -> str:
    """The long table as CSV (empty cells where a statistic is undefined)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows(sweep):
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


def to_json(sweep: Sweep) -> str:
    """The sweep as JSON: what was varied, and each point's values and summary."""
    return json_text(sweep.to_dict())


STYLES = [
    (line, marker, grey)
    for grey in ("black", "0.5")
    for line, marker in zip(("-", "--", ":", "-."), ("o", "s", "^", "D"))
]
"""Line style, marker and grey of each line in turn, so that the lines read apart in greyscale."""


def plot(sweep: Sweep, metrics: Sequence[str], format: str = "svg") -> bytes:
    """A figure with one panel per metric: its mean and 95% interval against the first varied
    setting, one line per combination of the other varied settings, the baseline ringed. Axes of
    shares run from 0 to 1 and of other measures from 0. Raises ValueError for an unknown metric."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if format not in PLOT_FORMATS:
        raise ValueError(f"plot format {format!r}; expected one of {', '.join(PLOT_FORMATS)}")
    known = sorted({name for point in sweep.points for name in point.summary["metrics"]})
    unknown = [m for m in metrics if m not in known]
    if unknown or not metrics:
        raise ValueError(
            f"no metric {', '.join(map(repr, unknown)) or 'chosen'} in the sweep; expected some of: {', '.join(known)}"
        )
    x_path = sweep.varies[0].path
    position = positions(sweep)
    series = _series(sweep)
    with matplotlib.rc_context({"svg.hashsalt": "protoverify", "svg.fonttype": "none", "font.size": 9}):
        figure, axes = plt.subplots(
            len(metrics), 1, figsize=(6.4, 2.6 * len(metrics) + 0.6), sharex=True, squeeze=False
        )
        for axis, metric in zip(axes[:, 0], metrics):
            _panel(axis, metric, series, position)
            _baseline(axis, metric, sweep, position)
        if any(label for label in series) or sweep.baseline is not None:
            axes[0, 0].legend(fontsize=7, frameon=False)
        bottom = axes[-1, 0]
        bottom.set_xlabel(setting_label(x_path))
        bottom.set_xticks(list(position.values()), [str(v) for v in position])
        each = (
            "each point's replications"
            if sweep.replications is None
            else f"{sweep.replications} replications per point"
        )
        title = f"{Path(sweep.scenario).name}: mean and 95% interval over {each}"
        figure.suptitle(title)
        figure.tight_layout()
        picture = saved(figure, format)
    if format == "svg":  # its words are text; a title and a description for screen readers
        words = "; ".join(axis_label(metric) for metric in metrics)
        about = f"{words}, against {setting_label(x_path)} at {', '.join(map(str, position))}."
        return accessible(picture.decode(), title, about, "sweep").encode()
    return picture


def saved(figure: Any, format: str) -> bytes:
    """A matplotlib figure as the bytes of an svg, png or pdf file, with no date in it (the same
    figure gives the same bytes), and closed."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}[format]
    figure.savefig(buffer, format=format, metadata=metadata)
    plt.close(figure)
    return buffer.getvalue()


def positions(sweep: Sweep) -> dict:
    """Where each value of the first varied setting goes on the x axis (the baseline's too): at the
    value itself if every value is a number, else in order."""
    values = list(dict.fromkeys(dict(point.values)[sweep.varies[0].path] for point in sweep.points))
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if numeric:
        values.sort()
    return {v: (v if numeric else i) for i, v in enumerate(values)}


def floor(metric: str) -> tuple[float | None, float | None]:
    """Where the axis of a metric starts and ends: shares from 0 to 1, other measures from 0 (a
    difference, or a measure that can be negative such as net cost, is left free)."""
    if metric.startswith(("on_time/", "utilisation/", "court/sittings_covered", "yda/over_budget")):
        return 0.0, 1.0
    if metric == "yda/net_cost":
        return None, None
    return 0.0, None


def _series(sweep: Sweep) -> dict[tuple, list]:
    """The points of each line, in the order of the x axis: by the values of the varied settings
    after the first, the (value of the first, summary) of each point."""
    x_vary, others = sweep.varies[0], sweep.varies[1:]
    order = positions(sweep)
    series: dict[tuple, list] = {}
    for point in sweep.points:
        values = dict(point.values)
        series.setdefault(tuple((v.path, values[v.path]) for v in others), []).append(
            (values[x_vary.path], point.summary)
        )
    return {label: sorted(points, key=lambda item: order[item[0]]) for label, points in series.items()}


def _baseline(axis: Any, metric: str, sweep: Sweep, position: dict) -> None:
    """Ring the baseline's mean, and label it."""
    point = sweep.baseline
    if point is None:
        return
    stats = point.summary["metrics"].get(metric)
    if stats is None or stats["mean"] is None:
        return
    x = position[dict(point.values)[sweep.varies[0].path]]
    low, high = stats["ci95"] or (stats["mean"], stats["mean"])
    axis.errorbar(
        [x],
        [stats["mean"]],
        yerr=[[max(stats["mean"] - low, 0.0)], [max(high - stats["mean"], 0.0)]],
        fmt="*",
        markersize=11,
        color="black",
        markerfacecolor="white",
        capsize=3,
        label="baseline (the scenario as it is)",
    )


def _panel(axis: Any, metric: str, series: dict[tuple, list], position: dict) -> None:
    """One metric's panel: a line with 95% interval bars per series, each nudged sideways a little
    so that the bars do not hide each other; the axis starts where the measure does."""
    span = (max(position.values()) - min(position.values())) or 1
    for number, (label, points) in enumerate(series.items()):
        line, marker, grey = STYLES[number % len(STYLES)]
        dodge = (number - (len(series) - 1) / 2) * 0.012 * span
        xs, means, below, above = [], [], [], []
        for x, summary in points:
            stats = summary["metrics"].get(metric)
            if stats is None or stats["mean"] is None:
                continue
            low, high = stats["ci95"] or (stats["mean"], stats["mean"])
            xs.append(position[x] + dodge)
            means.append(stats["mean"])
            below.append(max(stats["mean"] - low, 0.0))  # (an interval meets its mean at 0 or 1)
            above.append(max(high - stats["mean"], 0.0))
        axis.errorbar(
            xs,
            means,
            yerr=[below, above],
            linestyle=line,
            marker=marker,
            color=grey,
            markerfacecolor="white",
            capsize=3,
            linewidth=1.2,
            label=", ".join(f"{setting_label(path)} {value}" for path, value in label) or None,
        )
    low, high = floor(metric)
    if low is not None:
        axis.set_ylim(bottom=low)
    if high is not None:
        axis.set_ylim(top=high)
    axis.set_ylabel(axis_label(metric), wrap=True)
    axis.grid(True, color="0.85", linewidth=0.6)
