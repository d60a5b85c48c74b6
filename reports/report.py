"""A gap report on one protocol: everything known about it, assembled once for every renderer.

`assemble` takes what has been worked out about a protocol — the check's findings (with the author's
judgements applied, statutory duties held against a baseline), and where given the clause coverage
against the source text and a simulation of a scenario — and adds what the report derives
from them: the traffic lights and what to fix first (`triage`), the lifecycle diagrams
(`lifecycles`), a chronology per agency for each dated witness (`chronology`) and the simulation's
charts (`plots`). Every section but the findings and the lifecycles is optional and appears only
when its input was given. `GapReport.to_json` is the report's JSON; the HTML and Markdown pages
(`html`) and the workbook (`xlsx`) are rendered from the same object, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..model.schema import Protocol, clause_sort_key
from ..properties.check import Report
from ..properties.findings import Finding
from ..properties.kinds import KIND
from . import plots
from .chronology import Chronology, chronology
from .coverage import Coverage
from .lifecycles import Diagram, diagrams
from .simulation import document as simulation_document
from .sweeps import setting_label
from .triage import FixItem, Light, fix_first, lights, tasks_a_year

if TYPE_CHECKING:
    from ..simulate.simulation import Simulation
    from ..simulate.summary import Summary
    from ..simulate.sweep import Sweep

FORMAT = 1  # the version of the report's JSON
BUNDLED_BASELINE = "the bundled England baseline (protocols/baseline/england.yaml)"  # what `check` uses by default


@dataclass(frozen=True)
class ClauseRow:
    """A clause's duties in the simulation, as the report's table shows them: the duties simulated
    under it (named), tasks raised a year, tasks judged and late over all the replications with the
    on-time share and its 95% interval, and tasks a year with no time limit or no named owner."""

    clause: str
    duties: str
    raised: float
    judged: int
    late: int
    on_time: float | None
    low: float | None
    high: float | None
    untimed: float
    unowned: float

    @property
    def status(self) -> str:
        """`measured` (some task was judged), `unmeasured` (tasks arose, none could be judged: no time
        limit, or none due within the run) or `not raised` (no task arose)."""
        if self.judged:
            return "measured"
        return "unmeasured" if self.raised > 0 else "not raised"


@dataclass(frozen=True)
class SweepRow:
    """One point of a sweep as the report's table shows it: the varied values, whether it is the
    baseline, and for each measure shown its mean with 95% interval and its difference from the
    baseline with the paired interval (None at the baseline)."""

    values: tuple[Any, ...]
    baseline: bool
    cells: tuple[tuple[dict[str, Any] | None, dict[str, Any] | None], ...]


@dataclass(frozen=True)
class SimulationSection:
    """A scenario run against the protocol (`simulate.simulation.Simulation`) and a sweep of varied
    settings (`simulate.sweep.Sweep`, if one was asked for), as the report shows them."""

    run: Simulation
    sweep: Sweep | None = None

    @property
    def scenario_file(self) -> str:
        return self.run.scenario_file

    @property
    def title(self) -> str:
        return self.run.scenario.title

    @property
    def settings(self) -> dict[str, Any]:
        """Every setting of the scenario, as its file spells it."""
        return self.run.scenario.model_dump(mode="json", by_alias=True, exclude_none=True)

    @property
    def summary(self) -> Summary:
        return self.run.summary

    @property
    def budget(self) -> float | None:
        """The YDA budget for the measured window, if the scenario sets one."""
        return self.run.budget

    @cached_property
    def document(self) -> dict[str, Any]:
        """The result document of `protoverify simulate` (answers, assumptions, window, how each duty was
        read, interpretations)."""
        return simulation_document(self.run)

    @property
    def years(self) -> float:
        """Replications times the measured days, in years: what counts over all replications are over."""
        return self.run.summary.replications * self.run.scenario.horizon_days / 365

    def per_year(self, metric: str) -> float:
        stats = self.summary.get(metric)
        if stats is None or stats.mean is None:
            return 0.0
        return stats.mean * 365 / self.run.scenario.horizon_days

    @property
    def covered(self) -> float | None:
        """The share of the tasks raised whose timeliness could be judged (what the on-time rate covers)."""
        raised = self.per_year("tasks/raised")
        return self.per_year("tasks/decided") / raised if raised else None

    @cached_property
    def clause_rows(self) -> tuple[ClauseRow, ...]:
        """Every clause with a simulated duty, in clause order."""
        plans = [p for p in self.run.plans if p.simulated]
        clauses = sorted({c for p in plans for c in p.clauses}, key=clause_sort_key)
        found = []
        for clause in clauses:
            stats = self.summary.get(f"on_time/clause/{clause}")
            duties = [f"{p.action} ({p.who})" for p in plans if clause in p.clauses]
            judged = (stats.trials or 0) if stats is not None else 0
            found.append(
                ClauseRow(
                    clause,
                    "; ".join(duties),
                    self.per_year(f"tasks/clause/{clause}"),
                    judged,
                    judged - ((stats.events or 0) if stats is not None else 0),
                    stats.mean if stats is not None and judged else None,
                    stats.ci_low if stats is not None and judged else None,
                    stats.ci_high if stats is not None and judged else None,
                    self.per_year(f"tasks/no_deadline/clause/{clause}"),
                    self.per_year(f"tasks/no_owner/clause/{clause}"),
                )
            )
        return tuple(found)

    @staticmethod
    def setting_label(path: str) -> str:
        """Words for a varied setting ("case manager staff in post")."""
        return setting_label(path)

    @staticmethod
    def signed(value: float, share: bool) -> str:
        """A difference with its sign: "+3.2 points" for a share, else "+1.25"."""
        if share:
            return f"{value * 100:+.1f} points"
        return f"{value:+,.3g}" if abs(value) < 100 else f"{value:+,.0f}"

    @property
    def sweep_metrics(self) -> list[str]:
        return plots.sweep_metrics(self.sweep) if self.sweep is not None else []

    @cached_property
    def sweep_rows(self) -> tuple[SweepRow, ...]:
        """The sweep's points for the table, in the order of the sweep."""
        if self.sweep is None:
            return ()
        rows = []
        for point in self.sweep.points:
            cells = tuple(
                (point.summary["metrics"].get(metric), (point.differences or {}).get(metric))
                for metric in self.sweep_metrics
            )
            rows.append(SweepRow(tuple(value for _, value in point.values), point.baseline, cells))
        return tuple(rows)

    @property
    def sweep_note(self) -> str:
        """How the sweep's replications relate to the summary's, in words."""
        if self.sweep is None:
            return ""
        per_point, summary = self.sweep.replications, self.summary.replications
        if per_point is None:
            return "The points ran different numbers of replications (the number of replications was varied)."
        if per_point == summary:
            return (
                f"Each point ran the same {per_point} replications as the summary above (the same seeds); the "
                "baseline point is the summary's own run."
            )
        fewer = "fewer" if per_point < summary else "more"
        return (
            f"Each point ran {per_point} replications, {fewer} than the summary's {summary} (the scenario's sweep "
            f"asks for {per_point} a point to keep the report quick); they use the summary's first seeds, so the "
            f"baseline point is its first {min(per_point, summary)} replications and may differ from it by chance "
            "alone."
        )


@dataclass(frozen=True)
class GapReport:
    """Everything the report says about one protocol."""

    protocol: Protocol
    protocol_file: str
    check: Report
    dated: bool  # whether the date it was checked as of was given (--today); if not, it is not shown
    coverage: Coverage | None
    source_file: str | None
    baseline: str  # the statutory baseline the check held the protocol against, in words
    simulation: SimulationSection | None
    lights: tuple[Light, ...]
    fix_first: tuple[FixItem, ...]
    lifecycles: tuple[Diagram, ...]
    chronologies: Mapping[str, Chronology]  # finding id -> its witness timeline by agency
    charts: Mapping[str, plots.Chart]  # chart name -> the chart

    @property
    def name(self) -> str:
        """The protocol's id, which names the report's files."""
        return self.protocol.metadata.id

    def findings(self, severity: str | None = None, *, accepted: bool = False) -> list[Finding]:
        """The open findings (of one severity, if given), or the accepted ones."""
        if accepted:
            return [f for f in self.check.findings if f.accepted is not None]
        return [f for f in self.check.open if severity is None or f.severity == severity]

    def review(self) -> dict[str, Any]:
        """The protocol's agreed and review dates, and whether the review is overdue or missing."""
        meta = self.protocol.metadata
        kinds = {f.kind for f in self.check.findings}
        status = "overdue" if "review-overdue" in kinds else "missing" if "review-missing" in kinds else "current"
        return {
            "agreed": meta.agreed.isoformat() if meta.agreed else None,
            "review": meta.review.isoformat() if meta.review else None,
            "status": status,
            "version": meta.version,
        }

    def to_json(self) -> dict[str, Any]:
        """The report as JSON: the check's contract (findings, summary) and every section given."""
        meta = self.protocol.metadata
        simulation = self.simulation
        return {
            "protoverify_report": FORMAT,
            "protocol": {
                "id": meta.id,
                "title": meta.title,
                "authority": meta.authority,
                "source": meta.source,
                "file": self.protocol_file,
            },
            "checked_as_of": self.check.today.isoformat() if self.dated else None,
            "review": self.review(),
            "summary": self.check.summary(),
            "areas": [
                {"area": x.area, "name": x.name, "light": x.colour, "counts": x.counts, "why": x.why}
                for x in self.lights
            ],
            "fix_first": [
                {
                    "id": i.id,
                    "severity": i.severity,
                    "kind": i.kind,
                    "clauses": list(i.clauses),
                    "where": i.where,
                    "gist": i.gist,
                    "tasks_a_year": i.work,
                    "busiest_clause": i.busiest,
                }
                for i in self.fix_first
            ],
            "findings": [f.model_dump(mode="json", exclude_none=True) for f in self.check.findings],
            "chronologies": {
                finding: [
                    {
                        "number": r.number,
                        "date": r.date.isoformat(),
                        "lane": r.lane,
                        "event": r.event,
                        "clause": r.clause,
                    }
                    for r in c.rows
                ]
                for finding, c in self.chronologies.items()
            },
            "encoding": self.protocol.counts(),
            "coverage": None
            if self.coverage is None
            else {"source": self.source_file, **_coverage_summary(self.coverage)},
            "baseline": {
                "baseline": self.baseline,
                "open": sum(KIND[f.kind].area == "statute" for f in self.check.open),
            },
            "lifecycles": [
                {
                    "id": d.id,
                    "name": d.name,
                    "states": d.states,
                    "transitions": [
                        {
                            "number": a.number,
                            "event": a.event,
                            "from": list(a.sources),
                            "to": a.target,
                            "condition": a.condition,
                            "clauses": list(a.clauses),
                        }
                        for a in d.arrows
                    ],
                }
                for d in self.lifecycles
            ],
            "simulation": None
            if simulation is None
            else {
                **simulation.document,
                "sweep": simulation.sweep.to_dict() if simulation.sweep is not None else None,
            },
        }


def _coverage_summary(coverage: Coverage) -> dict[str, Any]:
    found = coverage.to_json()
    return {
        key: found[key]
        for key in (
            "clauses_total",
            "encoded",
            "narrative",
            "unreviewed",
            "missing",
            "not_in_source",
            "timescales_total",
            "timescales_matched",
            "timescales_unmatched",
            "warnings",
        )
    }


def assemble(
    protocol: Protocol,
    protocol_file: str,
    check: Report,
    *,
    dated: bool,
    coverage: Coverage | None = None,
    source_file: str | None = None,
    baseline: str = BUNDLED_BASELINE,
    simulation: SimulationSection | None = None,
) -> GapReport:
    """The gap report on `protocol` from what has been worked out about it."""
    timelines = {
        f.id: chronology(protocol, f.witness.timeline, f"t{i}")
        for i, f in enumerate(check.findings)
        if f.witness is not None and f.witness.timeline
    }
    charts: dict[str, str] = {}
    work = None if simulation is None else tasks_a_year(simulation.summary, simulation.run.scenario.horizon_days)
    if simulation is not None:
        drawn = {
            "on_time": plots.on_time(simulation.summary),
            "utilisation": plots.utilisation(simulation.summary),
            "spend": plots.spend(simulation.summary, simulation.budget),
            "sweep": plots.sweep(simulation.sweep) if simulation.sweep is not None else None,
        }
        charts = {name: svg for name, svg in drawn.items() if svg is not None}
    return GapReport(
        protocol=protocol,
        protocol_file=protocol_file,
        check=check,
        dated=dated,
        coverage=coverage,
        source_file=source_file,
        baseline=baseline,
        simulation=simulation,
        lights=tuple(lights(check.findings, coverage)),
        fix_first=tuple(fix_first(check.findings, protocol.clauses, work)),
        lifecycles=tuple(diagrams(protocol)),
        chronologies=timelines,
        charts=charts,
    )


def long_date(day: dt.date | None) -> str:
    """A date as a reader writes it: "20 March 2021" (or "not stated")."""
    return f"{day.day} {day:%B %Y}" if day else "not stated"
