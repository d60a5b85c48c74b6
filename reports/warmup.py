"""A warm-up analysis (`simulate.warmup.WarmUp`) as text, JSON, a CSV of the daily series, and a Welch
plot: each main measure's replication-averaged daily value (pale), its Welch moving average (black),
the MSER-5 truncation point (dashed) and the scenario's own warm-up (dotted). Byte-identical for the
same analysis."""

from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING, Any

from .jsontext import json_text
from .svg import accessible
from .sweeps import axis_label, saved

if TYPE_CHECKING:
    from ..simulate.warmup import WarmUp


def document(result: WarmUp) -> dict[str, Any]:
    """The analysis as a JSON-ready mapping (NaN as null)."""
    return {
        "scenario": result.scenario,
        "days": result.days,
        "replications": result.replications,
        "seed": result.seed,
        "welch_window_days": result.window,
        "mser_batch_days": 5,
        "current_warm_up_days": result.current_days,
        "suggested_warm_up_days": result.suggested_days,
        "measures": {
            m.name: {
                "truncation_days": m.truncation_days,
                "at_limit": m.at_limit,
                "daily": [_plain(v) for v in m.daily],
                "welch": [_plain(v) for v in m.welch],
            }
            for m in result.measures
        },
    }


def _plain(value: float) -> float | None:
    return None if math.isnan(value) else value


def to_json(result: WarmUp) -> str:
    return json_text(document(result))


def to_csv(result: WarmUp) -> str:
    """The replication-averaged daily value of each measure: one row per day from the start."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["day", *(m.name for m in result.measures)])
    for day in range(result.days):
        writer.writerow([day, *("" if math.isnan(m.daily[day]) else m.daily[day] for m in result.measures)])
    return buffer.getvalue()


def to_text(result: WarmUp) -> str:
    """Each measure's MSER-5 truncation point, the warm-up they suggest and the scenario's own."""
    lines = [
        f"Warm-up of {result.scenario}: {result.replications} replications of {result.days} days from the start "
        f"(seed {result.seed}), averaged day by day",
        f"  MSER-5 truncation point of each measure (Welch's moving average, window {result.window} days, in the plot)",
        "",
    ]
    for m in result.measures:
        if m.truncation_days is None:
            found = "too few days with a value"
        else:
            found = f"{m.truncation_days} days" + (" (half the run: no stable point; run longer)" if m.at_limit else "")
        lines.append(f"  {m.name:<36} {found}")
    suggested = result.suggested_days
    lines += [
        "",
        f"Suggested warm-up: {suggested} days (the longest); the scenario has {result.current_days}."
        if suggested is not None
        else "No measure had enough values to suggest a warm-up.",
        "",
    ]
    return "\n".join(lines)


def plot(result: WarmUp, format: str = "svg") -> bytes:
    """The Welch plot: one panel per measure with values on most days."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [m for m in result.measures if sum(not math.isnan(v) for v in m.daily) >= result.days // 2]
    with matplotlib.rc_context({"svg.hashsalt": "protoverify", "svg.fonttype": "none", "font.size": 8}):
        figure, axes = plt.subplots(len(shown), 1, figsize=(6.4, 1.7 * len(shown) + 0.8), sharex=True, squeeze=False)
        for axis, m in zip(axes[:, 0], shown):
            days = range(len(m.daily))
            axis.plot(days, m.daily, color="0.75", linewidth=0.6, label="mean over replications")
            axis.plot(range(len(m.welch)), m.welch, color="black", linewidth=1.2, label="Welch moving average")
            if m.truncation_days is not None:
                axis.axvline(m.truncation_days, color="black", linestyle="--", linewidth=0.9, label="MSER-5")
            axis.axvline(result.current_days, color="black", linestyle=":", linewidth=0.9, label="warm-up now")
            axis.set_ylabel("\n".join(_lines(axis_label(m.name), 26)), fontsize=7)
            axis.set_ylim(bottom=0)
            axis.grid(True, color="0.9", linewidth=0.5)
        axes[0, 0].legend(fontsize=6, frameon=False, ncol=4, loc="lower right")
        axes[-1, 0].set_xlabel("days from the start date")
        title = f"{result.scenario}: warm-up ({result.replications} replications)"
        figure.suptitle(title)
        figure.tight_layout()
        picture = saved(figure, format)
    if format == "svg":
        about = (
            f"Daily means of {len(shown)} measures over {result.days} days, with Welch's moving average and the "
            f"MSER-5 truncation points; suggested warm-up {result.suggested_days} days."
        )
        return accessible(picture.decode(), title, about, "warmup").encode()
    return picture


def _lines(words: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(words, width)
