"""The simulation commands of the `protoverify` command line: `simulate`, `sweep` and `warmup`
(registered on the one app of `commandline`)."""

from pathlib import Path
from typing import Annotated

import typer

from . import api
from .commandline import (
    EXIT_INPUT,
    Force,
    Output,
    Scheduler,
    SimulateFormat,
    SweepFormat,
    WarmupFormat,
    Workers,
    Yes,
    affordable,
    app,
    refuse_usage,
)
from .output import emit, outputs_free, say, write
from .reports.formats import DEFAULTS, FORMATS


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)],
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="A setting and its values: PATH=start:stop:step or PATH=x,y,z (repeat to vary several); "
            "default the scenario's own 'sweep:'.",
            show_default=False,
        ),
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications", min=1, help="Replications per point; default the scenario's.", show_default=False
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, help="Seed of every point; default the scenario's.", show_default=False),
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    format: Annotated[SweepFormat, typer.Option("--format", help="Table format.")] = DEFAULTS["sweep"],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write the table here instead of printing it (needed for xlsx).", show_default=False
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Write the plot here (.svg, .png or .pdf); default the table's path with .svg, when -o is given.",
            show_default=False,
        ),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            help="A metric to plot (repeat for several); default the overall on-time rate and P(YDA spend > budget).",
            show_default=False,
        ),
    ] = None,
    force: Force = False,
    yes: Yes = False,
) -> None:
    """Run a scenario at every combination of varied settings; write a table of each point's metrics
    (mean, 95% CI) and a plot against the first varied setting. Exit 2 if an input is wrong."""
    from .reports import sweeps
    from .simulate import cost

    figure = plot if plot is not None else output.with_suffix(".svg") if output is not None else None
    refuse_usage(
        (
            workers is not None and scheduler is not None,
            "--workers and --scheduler are both given; expected one (a Dask cluster has its own workers)",
        ),
        (
            FORMATS["sweep"][format].binary and output is None,
            f"--format {format}: an {format} table needs -o PATH; expected e.g. -o out/sweep.{format}",
        ),
        (
            figure is not None and figure.suffix.lstrip(".") not in sweeps.PLOT_FORMATS,
            f"--plot {figure}: not a figure file; expected a path ending in .svg, .png or .pdf",
        ),
    )
    outputs_free([output, figure], force)
    varies, replications = api.sweep_plan(scenario, vary or (), replications)
    affordable(lambda: cost.of_sweep(scenario, varies, replications), scenario, yes)
    result = api.sweep(
        scenario, varies, replications=replications, seed=seed, workers=workers, scheduler=scheduler, progress=True
    )
    picture = None
    if figure is not None:  # drawn before the table is written, so that a wrong --metric writes nothing
        try:
            picture = sweeps.plot(result, metric or sweeps.default_metrics(result), figure.suffix.lstrip("."))
        except ValueError as problem:
            say(f"--metric: {problem}")
            raise typer.Exit(EXIT_INPUT) from None
    emit("sweep", format, result, output, force)
    if picture is not None:
        write([(figure, picture)], force)
    points = len(result.points)
    say(f"{points} point{'s' if points != 1 else ''} in {result.wall_seconds:.1f} s")


@app.command()
def simulate(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file (it names its protocol).", show_default=False)],
    replications: Annotated[
        int | None,
        typer.Option("--replications", min=1, help="Replications; default the scenario's.", show_default=False),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed; default the scenario's.", show_default=False)
    ] = None,
    format: Annotated[SimulateFormat, typer.Option("--format", help="Output format.")] = DEFAULTS["simulate"],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write here instead of printing (needed for xlsx).", show_default=False),
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    force: Force = False,
    yes: Yes = False,
    timing: Annotated[
        bool,
        typer.Option(
            "--timing",
            help="Add wall_seconds (how long the replications took) to JSON output; it then differs from run to run.",
        ),
    ] = False,
    precision: Annotated[
        float | None,
        typer.Option(
            "--precision",
            min=0.0001,
            help="Add replications until the 95% interval of --metric is within this share of its mean "
            "(0.05: 5%), or --max-replications have run.",
            show_default=False,
        ),
    ] = None,
    metric: Annotated[
        str | None,
        typer.Option("--metric", help="The measure --precision is for, e.g. on_time/all.", show_default=False),
    ] = None,
    max_replications: Annotated[
        int, typer.Option("--max-replications", min=2, help="The most replications --precision may run.")
    ] = 1000,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="Another scenario to run with the same seeds; each measure's difference with a paired 95% interval.",
            show_default=False,
        ),
    ] = None,
    per_replication: Annotated[
        Path | None,
        typer.Option(
            "--per-replication",
            help="Also write each replication's metrics here (.csv or .json).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Simulate a caseload against a protocol: the scenario's questions answered in words, then on-time
    rates per clause and duty type, staff utilisation and backlog, court cover, RiLAA waits, YDA beds,
    remand lengths, spend and net cost, P(spend > budget), each with a 95% interval across replications.
    Exit 2 if an input cannot be used; nothing is written then."""
    from .reports.simulation import PER_REPLICATION
    from .simulate import cost
    from .simulate.loader import load_scenario

    if workers is not None and scheduler is not None:
        raise typer.BadParameter("give --workers or --scheduler, not both (a Dask cluster has its own workers)")
    if FORMATS["simulate"][format].binary and output is None:
        raise typer.BadParameter(f"{format} output needs -o PATH; expected e.g. -o out/stockport.{format}")
    refuse_usage(
        (
            (precision is None) != (metric is None),
            "--precision and --metric go together; expected e.g. --precision 0.05 --metric on_time/all",
        ),
        (
            per_replication is not None and per_replication.suffix not in PER_REPLICATION,
            f"--per-replication {per_replication}: expected a path ending in .csv or .json",
        ),
    )
    outputs_free([output, per_replication], force)
    runs = 1 + (compare is not None)
    count = max_replications if precision is not None else replications
    affordable(lambda: cost.of_scenario(load_scenario(scenario), count, runs=runs), scenario, yes)
    result = api.simulate(
        scenario,
        replications=replications,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        progress=True,
        precision=precision,
        metric=metric,
        cap=max_replications,
        keep=per_replication is not None,
        compare=compare,
    )
    emit("simulate", format, result, output, force, timing=timing)
    if per_replication is not None:
        write([(per_replication, PER_REPLICATION[per_replication.suffix](result))], force)
    if result.precision is not None:
        p = result.precision
        say(
            f"precision {'met' if p.met else 'not met'}: {p.metric} within ±{(p.achieved or 0) * 100:.1f}% of its mean "
            f"after {p.replications} replications (asked ±{p.target * 100:g}%"
            + ("" if p.met else f"; stopped at the cap of {p.cap}")
            + ")"
        )


@app.command()
def warmup(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file (it names its protocol).", show_default=False)],
    replications: Annotated[
        int | None,
        typer.Option("--replications", min=2, help="Replications to average (default 20).", show_default=False),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            min=20,
            help="Days to run from the start date (default the longer of 730 and the scenario's warm-up and horizon).",
            show_default=False,
        ),
    ] = None,
    window: Annotated[
        int | None, typer.Option("--window", min=1, help="Welch's moving-average window in days (default 30).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed; default the scenario's.", show_default=False)
    ] = None,
    format: Annotated[WarmupFormat, typer.Option("--format", help="Output format.")] = DEFAULTS["warmup"],
    output: Output = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Write the Welch plot here (.svg, .png or .pdf); default: the output's path with .svg, with -o.",
            show_default=False,
        ),
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    force: Force = False,
    yes: Yes = False,
) -> None:
    """Choose a warm-up: the scenario's main measures day by day from its start date, averaged over
    replications, with Welch's moving average (a plot) and each one's MSER-5 truncation point. Exit 2
    if an input cannot be used; nothing is written then."""
    from .simulate import cost
    from .simulate.loader import load_scenario

    figure = plot if plot is not None else output.with_suffix(".svg") if output is not None else None
    refuse_usage(
        (
            workers is not None and scheduler is not None,
            "--workers and --scheduler are both given; expected one (a Dask cluster has its own workers)",
        ),
        (
            figure is not None and figure.suffix.lstrip(".") not in ("svg", "png", "pdf"),
            f"--plot {figure}: not a figure file; expected a path ending in .svg, .png or .pdf",
        ),
    )
    outputs_free([output, figure], force)
    loaded = load_scenario(scenario)
    span = days or max(730, loaded.warm_up_days + loaded.horizon_days)
    planned = loaded.model_copy(update={"warm_up_days": 0, "horizon_days": span})
    affordable(lambda: cost.of_scenario(planned, replications or 20), scenario, yes)
    result = api.warmup(
        scenario, replications=replications, days=days, window=window, seed=seed, workers=workers, scheduler=scheduler
    )
    emit("warmup", format, result, output, force)
    if figure is not None:
        from .reports.warmup import plot as welch_plot

        write([(figure, welch_plot(result, figure.suffix.lstrip(".")))], force)
