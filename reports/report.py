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
from typing import TYPE_CHECKING, Any

from ..model.schema import Protocol
from ..properties.check import Report
from ..properties.findings import Finding
from ..properties.kinds import KIND
from . import plots
from .chronology import Chronology, chronology
from .coverage import Coverage
from .lifecycles import Diagram, diagrams
from .simulation import document as simulation_document
from .triage import FixItem, Light, fix_first, lights, tasks_a_year

if TYPE_CHECKING:
    from ..simulate.simulation import Simulation
    from ..simulate.summary import Summary
    from ..simulate.sweep import Sweep

FORMAT = 1  # the version of the report's JSON
BUNDLED_BASELINE = "the bundled England baseline (protocols/baseline/england.yaml)"  # what `check` uses by default


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

    @property
    def document(self) -> dict[str, Any]:
        """The result document of `protoverify simulate` (window, how each duty was read, interpretations)."""
        return simulation_document(self.run)


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
