"""Plots of a simulation for the gap report: one style, labelled axes with units, readable in greyscale.

Every chart is drawn with matplotlib under `STYLE` (black and greys, hatching and marker shapes rather
than colour) and returned as a `Chart`: inline SVG text made by `inline_svg`, which makes the output
byte-identical for identical inputs (fixed hash salt, no date) and gives every `id` in the drawing a
prefix, so several figures can sit in one HTML page; a title; and a one-sentence summary of what it
shows, in words. For screen readers the SVG carries the title and the summary (`<title>`, `<desc>`),
and its words are text, not outlines (`svg.fonttype: none`): they can be read, searched, copied and
scaled, and weigh a tenth of the outlines. The page names fonts to draw them in (`FONTS`); no font is
fetched.

The charts read a simulation `Summary` (`simulate.summary`) by its metric names: `on_time/clause/<id>`
and `utilisation/role/<id>` are shares from 0 to 1, drawn as percentages; `yda/spend` in pounds, with
the replications' values as a distribution; `yda/over_budget` is the share of replications whose
spend exceeded the budget. Each chart returns None when the summary has none of its metrics. A
sweep (`simulate.sweep.Sweep`) is drawn as curves of a few measures against the varied setting.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from textwrap import wrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the non-interactive backend)
from cycler import cycler  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter  # noqa: E402

from ..model.schema import clause_sort_key  # noqa: E402
from .svg import accessible  # noqa: E402
from .sweeps import axis_label, floor, positions, setting_label  # noqa: E402

STYLE = {
    "svg.hashsalt": "protoverify",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "0.2",
    "axes.labelcolor": "black",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "0.85",
    "grid.linewidth": 0.6,
    "hatch.color": "0.25",
    "hatch.linewidth": 0.6,
    "xtick.color": "0.2",
    "ytick.color": "0.2",
    "legend.frameon": False,
    "legend.fontsize": 8,
    "axes.prop_cycle": cycler(color=["black", "0.45", "0.7"]),  # greys, should a colour ever be left to the default
}
INK, MID, PALE = "black", "0.45", "0.88"
WIDTH = 6.4  # inches; every chart has the same width so the report's columns line up
FONTS = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', Arial, sans-serif"  # DejaVu's metrics lay the text out
_ID = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
_GEOMETRY = re.compile(r'(\s(?:d|x|y|x1|x2|y1|y2|width|height|transform|viewBox)=")([^"]*)"')
_DECIMALS = re.compile(r"(\d\.\d\d)\d+")


@dataclass(frozen=True)
class Chart:
    """A chart for a page: the inline SVG, its title, and one sentence on what it shows."""

    svg: str
    title: str
    summary: str


def inline_svg(figure, prefix: str, title: str, summary: str) -> Chart:
    """The figure as a `Chart` whose `<svg>` element can go in an HTML page: deterministic, scalable,
    ids prefixed, with the title and summary for screen readers."""
    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "protoverify"})
    plt.close(figure)
    return Chart(accessible(inline(buffer.getvalue(), prefix), title, summary, prefix), title, summary)


def inline(svg: str, prefix: str) -> str:
    """An SVG document as an element for an HTML page: no XML prolog, scaled by CSS, ids prefixed,
    fonts to fall back on named once, no indentation, coordinates to two decimals."""
    text = svg[svg.index("<svg") :]
    text = re.sub(
        r'<svg([^>]*?) width="[\d.]+pt" height="[\d.]+pt"',
        rf'<svg\1 class="chart" font-family="{FONTS}"',
        text,
        count=1,
    )
    text = text.replace("font-family: 'DejaVu Sans'; ", "")  # every text element inherits the fonts above
    text = _GEOMETRY.sub(_shorter, re.sub(r"\n +", "\n", text))
    return _ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)


def _shorter(attribute: re.Match) -> str:
    """A coordinate attribute with its numbers cut to two decimals (matplotlib writes six; a
    hundredth of a point is far below what a screen or printer shows)."""
    return attribute.group(1) + _DECIMALS.sub(r"\1", attribute.group(2)) + '"'


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def _figure(height: float):
    with matplotlib.rc_context(STYLE):
        return plt.subplots(figsize=(WIDTH, height))


def _ci(metric) -> tuple[float, float]:
    """The half-widths below and above the mean of a metric's 95% CI (0 when it has none)."""
    if metric.ci_low is None:
        return 0.0, 0.0
    return max(metric.mean - metric.ci_low, 0.0), max(metric.ci_high - metric.mean, 0.0)


def on_time(summary, prefix: str = "on-time") -> Chart | None:
    """On-time rate per clause: the mean across replications and its 95% confidence interval."""
    names = [n for n in summary.names("on_time/clause/") if summary[n].mean is not None]
    if not names:
        return None
    names.sort(key=lambda n: clause_sort_key(n.removeprefix("on_time/clause/")), reverse=True)
    with matplotlib.rc_context(STYLE):
        figure, axis = _figure(0.9 + 0.28 * len(names))
        for row, name in enumerate(names):
            metric = summary[name]
            low, high = _ci(metric)
            axis.errorbar(
                [metric.mean * 100],
                [row],
                xerr=[[low * 100], [high * 100]],
                fmt="o",
                color=INK,
                markerfacecolor="white",
                capsize=3,
                linewidth=1.2,
            )
        axis.set_yticks(range(len(names)), [f"clause {n.removeprefix('on_time/clause/')}" for n in names])
        axis.set_ylim(-0.6, len(names) - 0.4)
        axis.set_xlim(0, 102)
        axis.xaxis.set_major_formatter(PercentFormatter(100))
        axis.set_xlabel("duties done on time (% of those due; mean and 95% CI across replications)")
        axis.grid(axis="y", visible=False)
        figure.tight_layout()
    means = {n.removeprefix("on_time/clause/"): summary[n].mean for n in names}
    return inline_svg(figure, prefix, "Duties done on time, by clause", _on_time_words(means))


def _on_time_words(means: dict[str, float]) -> str:
    """One sentence on the on-time rates of the clauses: the lowest, the highest, how many under 90%."""
    if len(means) == 1:
        (clause, mean), *_ = means.items()
        return f"{_percent(mean)} of the duties due under clause {clause} were done on time."
    ordered = sorted(means, key=clause_sort_key)  # ties go to the clause that comes first
    low, high = min(ordered, key=means.__getitem__), max(ordered, key=means.__getitem__)
    under = sum(mean < 0.9 for mean in means.values())
    return (
        f"Across the {len(means)} clauses with a duty due, the share done on time ranged from "
        f"{_percent(means[low])} (clause {low}) to {_percent(means[high])} (clause {high}); "
        f"{under} of them under 90%."
    )


def utilisation(summary, prefix: str = "utilisation") -> Chart | None:
    """Staff utilisation per role: hatched bars of the mean share of working hours, with 95% CIs."""
    names = [n for n in summary.names("utilisation/role/") if summary[n].mean is not None]
    if not names:
        return None
    names.reverse()
    with matplotlib.rc_context(STYLE):
        figure, axis = _figure(0.9 + 0.32 * len(names))
        for row, name in enumerate(names):
            metric = summary[name]
            low, high = _ci(metric)
            axis.barh([row], [metric.mean * 100], height=0.6, color="white", edgecolor=INK, hatch="///", linewidth=0.8)
            axis.errorbar(
                [metric.mean * 100],
                [row],
                xerr=[[low * 100], [high * 100]],
                fmt="none",
                color=INK,
                ecolor=INK,
                capsize=3,
            )
        axis.set_yticks(range(len(names)), [n.removeprefix("utilisation/role/").replace("_", " ") for n in names])
        axis.set_ylim(-0.6, len(names) - 0.4)
        axis.set_xlim(0, max(100, max(summary[n].ci_high or summary[n].mean for n in names) * 100 + 5))
        axis.axvline(100, color=MID, linestyle="--", linewidth=0.8)
        axis.xaxis.set_major_formatter(PercentFormatter(100))
        axis.set_xlabel("utilisation (% of working hours busy; mean and 95% CI across replications)")
        axis.grid(axis="y", visible=False)
        figure.tight_layout()
    means = {n.removeprefix("utilisation/role/").replace("_", " "): summary[n].mean for n in names}
    busiest = max(means, key=lambda role: means[role])
    words = f"The busiest staff group, {busiest}, was busy {_percent(means[busiest])} of its working hours"
    if len(means) > 1:
        idlest = min(means, key=lambda role: means[role])
        words += f"; the least busy, {idlest}, {_percent(means[idlest])}"
    return inline_svg(figure, prefix, "Staff utilisation, by staff group", words + ".")


def spend(summary, budget: float | None, prefix: str = "spend") -> Chart | None:
    """YDA spend across replications as a histogram (pale bars: no hatching is needed to tell one
    thing from another, and dots would weigh more than the rest of the chart), with the budget and the
    mean marked."""
    if "yda/spend" not in summary or not summary["yda/spend"].sample:
        return None
    metric = summary["yda/spend"]
    with matplotlib.rc_context(STYLE):
        figure, axis = _figure(2.8)
        bins = max(1, min(20, len(set(metric.sample)), round(len(metric.sample) ** 0.5 * 2)))
        axis.hist(
            metric.sample,
            bins=bins,
            color=PALE,
            edgecolor=INK,
            linewidth=0.6,
            label=f"replications ({len(metric.sample)})",
        )
        axis.axvline(metric.mean, color=INK, linestyle=":", linewidth=1.4, label=f"mean £{metric.mean:,.0f}")
        if budget is not None:
            axis.axvline(budget, color=INK, linestyle="--", linewidth=1.4, label=f"budget £{budget:,.0f}")
        axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"£{value:,.0f}"))
        axis.set_xlabel("YDA spend over the scenario's horizon (£)")
        axis.set_ylabel("replications (count)")
        axis.legend(loc="upper right")
        figure.tight_layout()
    sample = metric.sample
    words = (
        f"YDA spend over the horizon averaged £{metric.mean:,.0f} across {len(sample)} replications, "
        f"from £{min(sample):,.0f} to £{max(sample):,.0f}"
    )
    if budget is not None:
        over = sum(value > budget for value in sample)
        words += f"; it exceeded the budget of £{budget:,.0f} in {over} of them"
    return inline_svg(figure, prefix, "YDA spend across replications", words + ".")


def label(metric: str) -> str:
    """Words and unit for an axis showing `metric`; shares are shown as percentages."""
    for prefix, words in (
        ("on_time/clause/", "on time, clause {} (% of duties due)"),
        ("on_time/all", "on time, all duties{} (% of duties due)"),
        ("utilisation/role/", "utilisation, {} (% of working hours)"),
        ("yda/over_budget", "replications over the YDA budget{} (%)"),
    ):
        if metric.startswith(prefix):
            return words.format(metric.removeprefix(prefix).replace("_", " "))
    return axis_label(metric)


def _share(metric: str) -> bool:
    return metric.startswith(("on_time/", "utilisation/", "yda/over_budget", "court/sittings_covered"))


def sweep_metrics(result) -> list[str]:
    """The measures a sweep's chart shows: the share of replications over the YDA budget, the on-time
    rate of all duties, and that of the clause that fared worst at the first point, where measured."""
    first = result.points[0].summary["metrics"] if result.points else {}
    measured = [m for m in first if first[m]["mean"] is not None]
    chosen = [m for m in ("yda/over_budget", "on_time/all") if m in measured]
    clauses = [m for m in measured if m.startswith("on_time/clause/")]
    if clauses:
        chosen.append(min(clauses, key=lambda m: (first[m]["mean"], m)))
    return chosen


def sweep(result, prefix: str = "sweep") -> Chart | None:
    """A sweep's curves: for each of `sweep_metrics`, its mean and 95% interval against the first
    varied setting, one line (its own marker and dash) per combination of the other varied settings,
    the baseline starred; shares on an axis from 0% to 100%, other measures from 0."""
    metrics = sweep_metrics(result)
    if not metrics:
        return None
    x_vary, others = result.varies[0], result.varies[1:]
    position = positions(result)
    lines: dict[tuple, list] = {}
    for point in result.points:
        values = dict(point.values)
        lines.setdefault(tuple((v.path, values[v.path]) for v in others), []).append(
            (values[x_vary.path], point.summary["metrics"])
        )
    lines = {k: sorted(v, key=lambda item: position[item[0]]) for k, v in lines.items()}
    dashes, markers = ("-", "--", ":", "-."), ("o", "s", "^", "D")
    styles = [(dashes[k % 4], markers[(k + k // 4) % 4]) for k in range(16)]
    with matplotlib.rc_context(STYLE):
        figure, axes = plt.subplots(
            len(metrics), 1, figsize=(WIDTH, 2.3 * len(metrics) + 0.5), sharex=True, squeeze=False
        )
        for axis, metric in zip(axes[:, 0], metrics):
            for number, (names, points) in enumerate(lines.items()):
                dash, marker = styles[number % len(styles)]
                xs, means, errors = _curve(points, metric, position)
                axis.errorbar(
                    xs,
                    means,
                    yerr=errors,
                    linestyle=dash,
                    marker=marker,
                    color=INK,
                    markerfacecolor="white",
                    capsize=3,
                    linewidth=1.2,
                    label=", ".join(f"{setting_label(p)} {v}" for p, v in names) or None,
                )
            _star(axis, result, metric, position)
            low, high = floor(metric)
            scale = 100 if _share(metric) else 1
            if low is not None:
                axis.set_ylim(bottom=low * scale)
            if high is not None:
                axis.set_ylim(top=high * scale)
            if _share(metric):
                axis.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
            axis.set_ylabel("\n".join(wrap(label(metric), 28)), fontsize=8)
        if axes[0, 0].get_legend_handles_labels()[1]:
            axes[0, 0].legend()
        bottom = axes[-1, 0]
        bottom.set_xlabel(setting_label(x_vary.path))
        bottom.set_xticks(list(position.values()), [str(v) for v in position])
        figure.tight_layout()
    title = f"Sweep of {setting_label(x_vary.path)}"
    words = _sweep_words(setting_label(x_vary.path), next(iter(lines.values())), metrics)
    return inline_svg(figure, prefix, title, f"{words} {result.replications} replications a point.")


def _star(axis, result, metric: str, position: dict) -> None:
    """The baseline (the scenario as it is) as a star with its interval."""
    point = result.baseline
    stats = point.summary["metrics"].get(metric) if point is not None else None
    if stats is None or stats["mean"] is None:
        return
    scale = 100 if _share(metric) else 1
    low, high = stats["ci95"] or (stats["mean"], stats["mean"])
    axis.errorbar(
        [position[dict(point.values)[result.varies[0].path]]],
        [stats["mean"] * scale],
        yerr=[[max(stats["mean"] - low, 0.0) * scale], [max(high - stats["mean"], 0.0) * scale]],
        fmt="*",
        markersize=11,
        color=INK,
        markerfacecolor="white",
        capsize=3,
        label="baseline (the scenario as it is)",
    )


def _curve(points: list, metric: str, position: dict) -> tuple[list, list, list]:
    """One line of a sweep's panel: the x positions, means and (below, above) CI half-widths of a
    metric at the points where it was measured, shares as percentages."""
    scale = 100 if _share(metric) else 1
    xs, means, below, above = [], [], [], []
    for x, measured in points:
        stats = measured.get(metric)
        if stats is None or stats["mean"] is None:
            continue
        low, high = stats["ci95"] or (stats["mean"], stats["mean"])
        xs.append(position[x])
        means.append(stats["mean"] * scale)
        below.append(max(stats["mean"] - low, 0.0) * scale)  # (an interval meets its mean at 0 or 1)
        above.append(max(high - stats["mean"], 0.0) * scale)
    return xs, means, [below, above]


def _sweep_words(setting: str, points: list, metrics: list[str]) -> str:
    """One sentence on how each measure moved from the first point of the sweep to the last (of the
    first line, where several settings are varied)."""
    (first, at_first), (last, at_last) = points[0], points[-1]
    moves = []
    for metric in metrics:
        a, b = at_first.get(metric, {}).get("mean"), at_last.get(metric, {}).get("mean")
        if a is None or b is None:
            continue
        shown = _percent if _share(metric) else (lambda value: f"{value:,.3g}")
        words = label(metric).split(" (")[0]  # without its unit: the numbers show it
        moves.append(f"{words} {shown(a)} at {first}, {shown(b)} at {last}")
    return f"With {setting} from {first} to {last}: " + "; ".join(moves) + "."
