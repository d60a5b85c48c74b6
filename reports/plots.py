"""Plots of a simulation for the gap report: one style, labelled axes with units, readable in greyscale.

Every chart is drawn with matplotlib under `STYLE` (black and greys, hatching and marker shapes rather
than colour, text drawn as paths so no font is fetched) and returned as inline SVG text by `inline_svg`,
which makes the output byte-identical for identical inputs (fixed hash salt, no date) and gives every
`id` in the drawing a prefix, so several figures can sit in one HTML page.

The charts read a simulation `Summary` (`simulate.summary`) by its metric names: `on_time/clause/<id>`
and `utilisation/role/<id>` are shares from 0 to 1, drawn as percentages; `yda/spend` in pounds, with
the replications' values as a distribution; `yda/over_budget` is the share of replications whose
spend exceeded the budget. Each chart returns None when the summary has none of its metrics. A
sweep (`simulate.sweep.Sweep`) is drawn as curves of a few measures against the varied setting.
"""

from __future__ import annotations

import io
import re
from textwrap import wrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the non-interactive backend)
from cycler import cycler  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter  # noqa: E402

from ..model.schema import clause_sort_key  # noqa: E402
from .sweeps import axis_label  # noqa: E402

STYLE = {
    "svg.hashsalt": "protoverify",
    "svg.fonttype": "path",
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
_ID = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def inline_svg(figure, prefix: str) -> str:
    """The figure as an `<svg>` element to put in an HTML page: deterministic, scalable, ids prefixed."""
    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "protoverify"})
    plt.close(figure)
    return inline(buffer.getvalue(), prefix)


def inline(svg: str, prefix: str) -> str:
    """An SVG document as an element for an HTML page: no XML prolog, scaled by CSS, ids prefixed."""
    text = svg[svg.index("<svg") :]
    text = re.sub(r'<svg([^>]*?) width="[\d.]+pt" height="[\d.]+pt"', r'<svg\1 class="chart"', text, count=1)
    return _ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)


def _figure(height: float):
    with matplotlib.rc_context(STYLE):
        return plt.subplots(figsize=(WIDTH, height))


def _ci(metric) -> tuple[float, float]:
    """The half-widths below and above the mean of a metric's 95% CI (0 when it has none)."""
    if metric.ci_low is None:
        return 0.0, 0.0
    return metric.mean - metric.ci_low, metric.ci_high - metric.mean


def on_time(summary, prefix: str = "on-time") -> str | None:
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
    return inline_svg(figure, prefix)


def utilisation(summary, prefix: str = "utilisation") -> str | None:
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
    return inline_svg(figure, prefix)


def spend(summary, budget: float | None, prefix: str = "spend") -> str | None:
    """YDA spend across replications as a histogram, with the budget and the mean marked."""
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
            hatch="..",
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
    return inline_svg(figure, prefix)


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


def sweep(result, prefix: str = "sweep") -> str | None:
    """A sweep's curves: for each of `sweep_metrics`, its mean and 95% CI against the first varied
    setting, one line (its own marker and dash) per combination of the other varied settings."""
    metrics = sweep_metrics(result)
    if not metrics:
        return None
    x_vary, others = result.varies[0], result.varies[1:]
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in x_vary.values)
    position = {v: (v if numeric else i) for i, v in enumerate(x_vary.values)}
    lines: dict[tuple, list] = {}
    for point in result.points:
        values = dict(point.values)
        lines.setdefault(tuple((v.path, values[v.path]) for v in others), []).append(
            (values[x_vary.path], point.summary["metrics"])
        )
    dashes, markers = ("-", "--", ":", "-."), ("o", "s", "^", "D")
    styles = [(dashes[k % 4], markers[(k + k // 4) % 4]) for k in range(16)]
    with matplotlib.rc_context(STYLE):
        figure, axes = plt.subplots(
            len(metrics), 1, figsize=(WIDTH, 2.3 * len(metrics) + 0.5), sharex=True, squeeze=False
        )
        for axis, metric in zip(axes[:, 0], metrics):
            scale = 100 if _share(metric) else 1
            for number, (names, points) in enumerate(lines.items()):
                dash, marker = styles[number % len(styles)]
                xs, means, below, above = [], [], [], []
                for x, measured in points:
                    stats = measured.get(metric)
                    if stats is None or stats["mean"] is None:
                        continue
                    low, high = stats["ci95"] or (stats["mean"], stats["mean"])
                    xs.append(position[x])
                    means.append(stats["mean"] * scale)
                    below.append((stats["mean"] - low) * scale)
                    above.append((high - stats["mean"]) * scale)
                axis.errorbar(
                    xs,
                    means,
                    yerr=[below, above],
                    linestyle=dash,
                    marker=marker,
                    color=INK,
                    markerfacecolor="white",
                    capsize=3,
                    linewidth=1.2,
                    label=", ".join(f"{p} = {v}" for p, v in names) or None,
                )
            if scale == 100:
                axis.yaxis.set_major_formatter(PercentFormatter(100))  # as many decimals as the range needs
            axis.set_ylabel("\n".join(wrap(label(metric), 28)), fontsize=8)
        if any(lines):
            axes[0, 0].legend()
        bottom = axes[-1, 0]
        bottom.set_xlabel(f"{x_vary.path} (the varied setting)")
        bottom.set_xticks([position[v] for v in x_vary.values], [str(v) for v in x_vary.values])
        figure.tight_layout()
    return inline_svg(figure, prefix)
