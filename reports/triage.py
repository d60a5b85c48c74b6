"""The one-screen summary of a gap report: a traffic light per area of the protocol, and what to fix first.

An **area** is a group of finding kinds a manager would hand to one person: who is responsible,
timescales, structure and references, review and currency, statutory duties; plus faithfulness to
the source document, which comes from clause coverage rather than from findings. The light of an
area counts only *open* findings (accepted ones do not count):

- **red**: at least one open error, including a question the solver could not decide;
- **amber**: no open error, at least one open warning;
- **green**: nothing open but information, or nothing at all;
- **grey**: not assessed (faithfulness, without the source text).

For faithfulness: red if a clause of the source is missing from the encoding, amber if a time phrase
is unmatched or the encoding cites a clause the source does not have, green if complete.

**What to fix first** lists the open errors, then the open warnings, grouped by kind, kinds in the
order of `FIX_ORDER` (a child left with nobody responsible, or a deadline that cannot be met, before
wording and housekeeping), at most `FIX_FIRST` groups. Areas, order and words come from the registry
of finding kinds (`properties.kinds`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..model.schema import clause_sort_key
from ..properties import kinds
from ..properties.findings import Finding
from .coverage import Coverage


@dataclass(frozen=True)
class Area:
    """A part of the protocol a manager would review as one: the finding kinds that belong to it."""

    id: str
    name: str
    kinds: tuple[str, ...]


AREAS = tuple(Area(area.id, area.name, kinds.of_area(area.id)) for area in kinds.AREAS)  # from the kind registry
FAITHFULNESS = "Faithfulness to the source"
FIX_ORDER = kinds.FIX_ORDER
FIX_FIRST = 6
LIGHT_WORDS = {"red": "act now", "amber": "review", "green": "no open problem", "grey": "not assessed"}


@dataclass(frozen=True)
class Light:
    """The traffic light of one area, with the open counts it is derived from and why."""

    area: str
    name: str
    colour: str  # red | amber | green | grey
    counts: dict[str, int]
    why: str


@dataclass(frozen=True)
class FixItem:
    """One group of open findings of one kind and severity to deal with, in priority order."""

    severity: str
    kind: str
    count: int
    words: str
    clauses: tuple[str, ...]
    suggestion: str
    first: str  # the id of the first finding of the group, to link to


def words_for(kind: str, count: int) -> str:
    """`count` findings of `kind` in words: "24 duties or responsibilities with nobody named ..."."""
    return kinds.KIND[kind].words(count)


def lights(findings: list[Finding], coverage: Coverage | None) -> list[Light]:
    """The light of every area, and of faithfulness to the source."""
    found = [_light(area, [f for f in findings if f.kind in area.kinds and f.accepted is None]) for area in AREAS]
    return [*found, _faithfulness(coverage)]


def _light(area: Area, open_findings: list[Finding]) -> Light:
    counts = Counter(f.severity for f in open_findings)
    undecided = sum(not f.decided for f in open_findings)
    tally = {"error": counts["error"], "warning": counts["warning"], "info": counts["info"], "undecided": undecided}
    if counts["error"]:
        colour = "red"
        why = f"{_n(counts['error'], 'open error')}" + (
            f", of which {undecided} undecided by the solver" if undecided else ""
        )
    elif counts["warning"]:
        colour, why = "amber", f"no open error; {_n(counts['warning'], 'open warning')}"
    else:
        colour = "green"
        why = "no open error or warning" + (f"; {_n(counts['info'], 'item')} for information" if counts["info"] else "")
    return Light(area.id, area.name, colour, tally, why)


def _faithfulness(coverage: Coverage | None) -> Light:
    if coverage is None:
        return Light("faithfulness", FAITHFULNESS, "grey", {}, "not assessed: the source text was not given")
    counts = {
        "clauses": len(coverage.clauses),
        "missing": len(coverage.missing),
        "unreviewed": len(coverage.unreviewed),
        "unmatched_time_phrases": len(coverage.unmatched),
        "not_in_source": len(coverage.not_in_source),
    }
    if coverage.missing or coverage.unreviewed:
        unread = len(coverage.missing) + len(coverage.unreviewed)
        return Light(
            "faithfulness",
            FAITHFULNESS,
            "red",
            counts,
            f"{_n(unread, 'clause')} of the source not encoded"
            + (f" ({len(coverage.unreviewed)} still drafts for review)" if coverage.unreviewed else ""),
        )
    if coverage.unmatched or coverage.not_in_source:
        unmatched, cited = _n(len(coverage.unmatched), "time phrase"), _n(len(coverage.not_in_source), "cited clause")
        why = f"{unmatched} unmatched, {cited} not in the source"
        return Light("faithfulness", FAITHFULNESS, "amber", counts, why)
    if coverage.warnings:
        return Light("faithfulness", FAITHFULNESS, "amber", counts, coverage.warnings[0])
    return Light(
        "faithfulness",
        FAITHFULNESS,
        "green",
        counts,
        f"all {len(coverage.clauses)} clauses accounted for, every time phrase matched",
    )


def fix_first(findings: list[Finding], limit: int = FIX_FIRST) -> list[FixItem]:
    """The open errors, then the open warnings, grouped by kind in `FIX_ORDER`: at most `limit` groups."""
    items = []
    for severity in ("error", "warning"):
        for kind in FIX_ORDER:
            group = [f for f in findings if f.accepted is None and f.severity == severity and f.kind == kind]
            if not group:
                continue
            clauses = tuple(sorted({c for f in group for c in f.clauses}, key=clause_sort_key))
            suggestion = Counter(f.suggestion for f in group if f.suggestion).most_common(1)
            items.append(
                FixItem(
                    severity,
                    kind,
                    len(group),
                    words_for(kind, len(group)),
                    clauses,
                    suggestion[0][0] if suggestion else "",
                    group[0].id,
                )
            )
    return items[:limit]


def _n(count: int, thing: str) -> str:
    return f"{count} {thing}{'' if count == 1 else 's'}"
