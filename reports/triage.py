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

**What to fix first** names the specific open findings that matter most, one line each (its clause
with the clause's opening words, the gist of its message, its id), ranked by

1. severity: errors, then warnings, then information;
2. with a scenario, the simulated work that depends on it: the tasks a year raised under the busiest
   of its clauses (`work`, a plain mapping clause -> tasks, so that any count of tasks per clause
   can feed it), most first;
3. its kind, in the order of `FIX_ORDER` (a child left with nobody responsible, or a deadline that
   cannot be met, before wording and housekeeping); then its first clause and its id.

It lists every open error, at most `FIX_MOST`, and at least `FIX_LEAST` findings (or every open one
where there are fewer), topping the errors up from the warnings and then the information. Areas,
order and words come from the registry of finding kinds (`properties.kinds`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.schema import clause_sort_key
from ..properties import kinds
from ..properties.findings import SEVERITY_ORDER, Finding
from .coverage import Coverage

if TYPE_CHECKING:
    from ..simulate.summary import Summary


@dataclass(frozen=True)
class Area:
    """A part of the protocol a manager would review as one: the finding kinds that belong to it."""

    id: str
    name: str
    kinds: tuple[str, ...]


AREAS = tuple(Area(area.id, area.name, kinds.of_area(area.id)) for area in kinds.AREAS)  # from the kind registry
FAITHFULNESS = "Faithfulness to the source"
FIX_ORDER = kinds.FIX_ORDER
FIX_LEAST, FIX_MOST = 5, 10  # findings named in what to fix first
SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)\.\s+(?=[A-Z'\"(])")  # not after "e.g." or "i.e."
GIST = 200  # characters of a finding's message in what to fix first: its first sentence, or a cut of it
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
    """One open finding to deal with, in priority order: where it is, its gist and its id."""

    id: str
    severity: str
    kind: str
    clauses: tuple[str, ...]
    where: str  # 'clause 5.6.1 ("As soon as a RiLAA has")', or 'clauses 4.2.4 and 5.7.1'
    gist: str  # its message, cut to one line; after `where`, without the clause numbers it opens with

    @property
    def follows(self) -> bool:
        """Whether the gist goes on from `where` ('clause 4.1.2' 'says someone must ...'), rather than
        being a sentence of its own."""
        return self.gist[:1].islower()

    work: float | None  # with a scenario: simulated tasks a year under the busiest of its clauses
    busiest: str | None  # that clause


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


def fix_first(
    findings: list[Finding],
    openings: Mapping[str, str] | None = None,
    work: Mapping[str, float] | None = None,
    *,
    least: int = FIX_LEAST,
    most: int = FIX_MOST,
) -> list[FixItem]:
    """The open findings that matter most, in the order to deal with them (see the module's
    docstring): every open error up to `most`, topped up to `least` from the rest. `openings` gives
    each clause's opening words; `work`, where a scenario was simulated, the tasks a year raised
    under each clause."""
    openings = openings or {}
    found = [f for f in findings if f.accepted is None]
    busiest = {f.id: _busiest(f, work) for f in found}

    def rank(f: Finding) -> tuple:
        tasks = busiest[f.id][1]
        order = FIX_ORDER.index(f.kind) if f.kind in FIX_ORDER else len(FIX_ORDER)
        first = clause_sort_key(f.clauses[0]) if f.clauses else (9,)
        return (SEVERITY_ORDER[f.severity], -tasks, order, first, f.id)

    ranked = sorted(found, key=rank)
    errors = sum(f.severity == "error" for f in found)
    chosen = ranked[: max(least, min(errors, most))]
    return [
        FixItem(
            id=f.id,
            severity=f.severity,
            kind=f.kind,
            clauses=f.clauses,
            where=where(f, openings),
            gist=_gist_after(f),
            work=round(busiest[f.id][1], 1) if work is not None else None,
            busiest=busiest[f.id][0] if work is not None else None,
        )
        for f in chosen
    ]


def _busiest(finding: Finding, work: Mapping[str, float] | None) -> tuple[str | None, float]:
    """The clause of the finding with the most simulated tasks (the first in clause order, on a tie),
    and their number; (None, 0) where none of its clauses raised any."""
    counted = [(work.get(c) or 0.0, c) for c in sorted(set(finding.clauses), key=clause_sort_key)] if work else []
    tasks, clause = max(counted, key=lambda pair: pair[0], default=(0.0, None))
    return (clause, tasks) if tasks > 0 else (None, 0.0)


def tasks_a_year(summary: Summary, days: int) -> dict[str, float]:
    """The tasks a year raised under each clause in a simulation (the mean per replication of its
    `tasks/clause/<clause>` counts over a measured window of `days`): what `fix_first` takes as `work`."""
    prefix = "tasks/clause/"
    return {name.removeprefix(prefix): (summary[name].mean or 0.0) * 365 / days for name in summary.names(prefix)}


def where(finding: Finding, openings: Mapping[str, str]) -> str:
    """Where a finding is, as a reader finds it: its clause with the clause's opening words (from the
    protocol's clause table, or a grouped finding's row for it), then any other clauses by number."""
    clauses = sorted(dict.fromkeys(finding.clauses), key=clause_sort_key)
    if not clauses:
        return "the whole protocol"
    members = {m.clause: m.opening for m in finding.members or () if m.opening}
    opening = openings.get(clauses[0]) or members.get(clauses[0])
    return _named(clauses, f'{clauses[0]} ("{opening}")' if opening else clauses[0])


def _named(clauses: list[str], first: str) -> str:
    """'clause 4.1', 'clauses 4.1, 4.2 and 5.1', 'clauses 4.1, 4.2, 4.3 and 2 more', the first as given."""
    if len(clauses) == 1:
        return f"clause {first}"
    if len(clauses) > 4:
        return f"clauses {', '.join([first, *clauses[1:3]])} and {len(clauses) - 3} more"
    return f"clauses {', '.join([first, *clauses[1:-1]])} and {clauses[-1]}"


def _gist_after(finding: Finding) -> str:
    """The gist of a finding, without the clause numbers it opens with where `where` names them
    ("Clause 4.1.2 says someone must ..." -> "says someone must ...")."""
    clauses = sorted(dict.fromkeys(finding.clauses), key=clause_sort_key)
    told = gist(finding.message)
    named = _named(clauses, clauses[0]) + " " if clauses else ""
    if named and told[: len(named)].lower() == named.lower():
        rest = re.sub(r'^\("[^"]*"\) ', "", told[len(named) :])  # and the opening words in brackets
        if rest[:1].islower():
            return rest
    return told


def gist(message: str) -> str:
    """A finding's message cut to one line: its first sentence, or as much of it as fits `GIST`
    characters, cut at a word and marked '...'."""
    end = SENTENCE_END.search(message)
    first = message[: end.start() + 1] if end else message
    if end and len(first) < GIST // 3:  # a short opening ("A child can be waiting (5.6.4).") says too little
        after = SENTENCE_END.search(message, end.end())
        both = message[: after.start() + 1] if after else message
        first = both if len(both) <= GIST else first
    if len(first) <= GIST:
        return first
    space = first.rfind(" ", 0, GIST - 3)
    return first[: space if space > 0 else GIST - 3].rstrip(",;: ") + "..."


def _n(count: int, thing: str) -> str:
    return f"{count} {thing}{'' if count == 1 else 's'}"
