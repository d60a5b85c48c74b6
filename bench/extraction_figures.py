"""Extraction figures: how much of a hand encoding `protoverify extract` drafts from the same source text.

Two sets of figures (defined in docs/extraction.md): the numbered seed documents against their hand
encodings, and the procedure-page test documents (tests/fixtures/extract/*.txt, written for this in
the shapes councils publish) against the answers written by hand beside them (*.expected.yaml).

For each seed document and its hand encoding, four measures:

- duty clauses: a clause is a true positive if the draft has a duty citing it and so has the hand
  encoding; precision over clauses with drafted duties, recall over clauses with hand-encoded duties;
- timescales: within/before/every/vague/same_day parts of the hand-encoded duties' timescales, matched one to
  one with parts the draft gives in a clause of the same duty (same kind, amount and unit; vague words
  that contain one another);
- unspecified actor: on clauses where both have duties, whether some duty of the clause has
  `actor: unspecified`;
- modality: on clauses where both have duties, whether the sets of modalities are equal, or meet.

Run from anywhere:  .venv/bin/python bench/extraction_figures.py
Values are rounded down to three decimals, so a test can hold them as floors.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from protoverify.model.drafttimes import TRIGGERS
from protoverify.model.extract import draft, dump
from protoverify.model.loader import load_protocol
from protoverify.model.schema import Protocol, Timescale
from protoverify.model.sourcetext import clause_ids, segments
from protoverify.model.timephrases import time_phrases

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
PAIRS = {
    "stockport-2019": ("stockport-yos-csc-principles-2019.txt", ROOT / "protocols" / "stockport-2019.yaml"),
    "warwickshire": ("warwickshire-yjs-childrens-services-protocol.txt", ROOT / "protocols" / "warwickshire.yaml"),
}

Part = tuple[
    Any, ...
]  # ("within", 10, "working_days") | ("before", 2, "days") | ("every", 1, "weeks") | ("vague", "as soon as")


@dataclass(frozen=True)
class Score:
    """Counts for one measure: true positives, and the sizes of the drafted and hand-encoded sets."""

    tp: int
    drafted: int
    hand: int

    @property
    def precision(self) -> float:
        return self.tp / self.drafted if self.drafted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.hand if self.hand else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.drafted + other.drafted, self.hand + other.hand)


@dataclass(frozen=True)
class Agreement:
    """Modality on clauses both have duties for: how many agree exactly, how many share one, of how many."""

    equal: int
    meet: int
    clauses: int

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(self.equal + other.equal, self.meet + other.meet, self.clauses + other.clauses)


@dataclass(frozen=True)
class Figures:
    """The four measures for one seed (or several, added up)."""

    duties: Score
    timescales: Score
    unspecified_actor: Score
    modality: Agreement

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            *(
                a + b
                for a, b in zip(
                    (self.duties, self.timescales, self.unspecified_actor, self.modality),
                    (other.duties, other.timescales, other.unspecified_actor, other.modality),
                )
            )
        )


def _drafted_parts(timescale: Any) -> list[Part]:
    if not isinstance(timescale, dict):
        return []
    parts: list[Part] = []
    for kind in ("within", "before", "every"):
        if kind in timescale:
            parts.append((kind, timescale[kind].get("amount"), timescale[kind].get("unit")))
    if "vague" in timescale:
        parts.append(("vague", timescale["vague"].lower()))
    if timescale.get("same_day"):
        parts.append(("same_day", None, None))
    return parts


def _hand_parts(timescale: Timescale | None) -> list[Part]:
    if timescale is None:
        return []
    parts: list[Part] = []
    for kind in ("within", "before", "every"):
        value = getattr(timescale, kind)
        if value is not None:
            parts.append((kind, value.amount, value.unit and str(value.unit)))
    if timescale.vague is not None:
        parts.append(("vague", timescale.vague.lower()))
    if timescale.same_day:
        parts.append(("same_day", None, None))
    return parts


def _same(hand: Part, drafted: Part) -> bool:
    if hand[0] == drafted[0] == "vague":
        return hand[1] in drafted[1] or drafted[1] in hand[1]
    return hand == drafted


def figures(text: str, protocol: Protocol) -> Figures:
    """The four measures of the draft of `text` against the hand encoding `protocol`."""
    source = set(clause_ids(text))
    drafted_duties = YAML(typ="safe").load(dump(draft(text, "seed.txt"))).get("duties", [])
    drafted_by_clause: dict[str, list[dict[str, Any]]] = {}
    for duty in drafted_duties:
        clause = duty["clause"][0] if isinstance(duty["clause"], list) else duty["clause"]  # an entry, then its lead-in
        drafted_by_clause.setdefault(clause, []).append(duty)
    hand_by_clause: dict[str, list[Any]] = {}
    for duty in protocol.duties:
        for clause in duty.clause:
            if clause in source:
                hand_by_clause.setdefault(clause, []).append(duty)
    matched = set(drafted_by_clause) & set(hand_by_clause)

    drafted_parts = Counter(
        (clause, part)
        for clause, ds in drafted_by_clause.items()
        for d in ds
        for part in _drafted_parts(d["timescale"])
    )
    free = Counter(drafted_parts)
    hand_total = found = 0
    for duty in protocol.duties:
        for part in _hand_parts(duty.timescale):
            hand_total += 1
            hit = next(((c, p) for (c, p), n in free.items() if n and c in duty.clause and _same(part, p)), None)
            if hit is not None:
                free[hit] -= 1
                found += 1
    timescales = Score(found, sum(drafted_parts.values()), hand_total)

    drafted_silent = {c for c in matched if any(d["actor"] == "unspecified" for d in drafted_by_clause[c])}
    hand_silent = {c for c in matched if any(d.actor is None for d in hand_by_clause[c])}
    unspecified_actor = Score(len(drafted_silent & hand_silent), len(drafted_silent), len(hand_silent))

    modalities = [
        ({d["modality"] for d in drafted_by_clause[c]}, {d.modality for d in hand_by_clause[c]}) for c in matched
    ]
    modality = Agreement(sum(a == b for a, b in modalities), sum(bool(a & b) for a, b in modalities), len(matched))

    return Figures(
        Score(len(matched), len(drafted_by_clause), len(hand_by_clause)), timescales, unspecified_actor, modality
    )


def measured() -> dict[str, Figures]:
    """The figures for every seed whose text and hand encoding are both present."""
    found = {}
    for name, (seed, encoding) in PAIRS.items():
        if (SEEDS / seed).exists() and encoding.exists():
            found[name] = figures((SEEDS / seed).read_text(encoding="utf-8"), load_protocol(encoding))
    return found


def down(value: float) -> float:
    """A value rounded down to three decimals."""
    return math.floor(value * 1000) / 1000


def table(results: dict[str, Figures]) -> str:
    """The figures as a plain-text table, one block of rows per seed and one for all seeds together."""
    rows = [f"{'seed':<16} {'measure':<22} {'tp':>4} {'drafted':>8} {'hand':>5} {'precision':>10} {'recall':>7}"]
    blocks = list(results.items())
    if len(results) > 1:
        blocks.append(("all", functools.reduce(operator.add, results.values())))
    for name, result in blocks:
        for label, score in (
            ("duty clauses", result.duties),
            ("timescale parts", result.timescales),
            ("unspecified actor", result.unspecified_actor),
        ):
            rows.append(
                f"{name:<16} {label:<22} {score.tp:>4} {score.drafted:>8} {score.hand:>5} "
                f"{down(score.precision):>10.3f} {down(score.recall):>7.3f}"
            )
        m = result.modality
        equal, meet = (down(n / m.clauses if m.clauses else 1) for n in (m.equal, m.meet))
        rows.append(
            f"{name:<16} {'modality (matched)':<22} equal {m.equal}/{m.clauses} = {equal:.3f}; "
            f"share one {m.meet}/{m.clauses} = {meet:.3f}"
        )
    return "\n".join(rows)


# --- the procedure-page test documents -------------------------------------------------------------

FIXTURES = ROOT / "tests" / "fixtures" / "extract"


@dataclass(frozen=True)
class PageFigures:
    """The measures for one procedure-page test document (or several, added up)."""

    duties: Score  # drafted duties matching an expected one: same clause, actor and force
    list_actor: Score  # expected list-entry duties drafted with the right actor
    descriptive: Score  # tp: descriptive modal verbs NOT drafted as duties, of all of them
    phrases: Score  # expected time phrases found with the right relation, amount and unit
    timescales: Score  # timescale parts, as for the seeds
    triggers: Score  # expected triggers drafted on a duty of the clause (drafted: statutory events only)
    metadata: Score  # title and version (where the page has one) read right

    def __add__(self, other: PageFigures) -> PageFigures:
        return PageFigures(*(a + b for a, b in zip(vars(self).values(), vars(other).values())))


def _actor(value: Any) -> frozenset[str]:
    return frozenset(value if isinstance(value, list) else [value])


def _first(clause: Any) -> str:
    return clause[0] if isinstance(clause, list) else clause


def page_figures(text: str, expected: dict[str, Any]) -> PageFigures:
    """The measures of the draft of a test document against the answer written for it."""
    data = YAML(typ="safe").load(dump(draft(text, expected["source"])))
    drafted = data.get("duties", [])
    wanted = expected["duties"]
    free = list(drafted)
    matched = 0
    for duty in wanted:
        hit = next(
            (
                d
                for d in free
                if _first(d["clause"]) == duty["clause"]
                and _actor(d["actor"]) == _actor(duty["actor"])
                and d["modality"] == duty["modality"]
            ),
            None,
        )
        if hit is not None:
            free.remove(hit)
            matched += 1
    listed = [d for d in wanted if d.get("list")]
    right_actor = sum(
        any(_first(d["clause"]) == w["clause"] and _actor(d["actor"]) == _actor(w["actor"]) for d in drafted)
        for w in listed
    )
    from_lists = sum(isinstance(d["clause"], list) for d in drafted)
    descriptive = expected.get("descriptive", [])
    described = sum(
        any(
            _first(d["clause"]) == item["clause"] and item["words"].split()[0] in d["quote"].split()[:4]
            for d in drafted
        )
        for item in descriptive
    )
    by_clause = {s.id: s.text for s in segments(text)}
    phrases = expected.get("time_phrases", [])
    found = [p for clause, words in by_clause.items() for p in time_phrases(words, clause)]
    parsed = sum(
        any(
            (p.clause, p.relation, p.amount, p.unit) == (w["clause"], w["relation"], w["amount"], w["unit"])
            and w["words"].lower() in p.words.lower()
            for p in found
        )
        for w in phrases
    )
    hand_parts = [(w["clause"], part) for w in wanted for part in _drafted_parts(w.get("timescale"))]
    drafted_parts = Counter((_first(d["clause"]), part) for d in drafted for part in _drafted_parts(d["timescale"]))
    free_parts = Counter(drafted_parts)
    part_hits = 0
    for clause, part in hand_parts:
        hit = next(((c, p) for (c, p), n in free_parts.items() if n and c == clause and _same(part, p)), None)
        if hit is not None:
            free_parts[hit] -= 1
            part_hits += 1
    triggers = [w for w in wanted if "trigger" in w]
    statutory = {event for _, event, _ in TRIGGERS}
    drafted_triggers = [d for d in drafted if d.get("trigger", {}).get("event") in statutory]
    trigger_hits = sum(
        any(_first(d["clause"]) == w["clause"] and d.get("trigger", {}).get("event") == w["trigger"] for d in drafted)
        for w in triggers
    )
    meta = data["metadata"]
    checks = [meta["title"] == expected["title"]] + (
        [meta["version"] == expected["version"]] if "version" in expected else []
    )
    return PageFigures(
        Score(matched, len(drafted), len(wanted)),
        Score(right_actor, from_lists, len(listed)),
        Score(len(descriptive) - described, len(descriptive), len(descriptive)),
        Score(parsed, len(found), len(phrases)),
        Score(part_hits, sum(drafted_parts.values()), len(hand_parts)),
        Score(trigger_hits, len(drafted_triggers), len(triggers)),
        Score(sum(checks), len(checks), len(checks)),
    )


def pages_measured() -> dict[str, PageFigures]:
    """The figures for every procedure-page test document and the answer written for it."""
    found = {}
    for answer in sorted(FIXTURES.glob("*.expected.yaml")):
        expected = YAML(typ="safe").load(answer.read_text(encoding="utf-8"))
        text = (FIXTURES / expected["source"]).read_text(encoding="utf-8")
        found[answer.name.removesuffix(".expected.yaml")] = page_figures(text, expected)
    return found


def pages_table(results: dict[str, PageFigures]) -> str:
    """The page figures as a plain-text table, one block per document and one for all together."""
    rows = [f"{'document':<22} {'measure':<26} {'tp':>4} {'drafted':>8} {'hand':>5} {'precision':>10} {'recall':>7}"]
    blocks = list(results.items())
    if len(results) > 1:
        blocks.append(("all", functools.reduce(operator.add, results.values())))
    labels = {
        "duties": "duties (clause+actor+force)",
        "list_actor": "list entries: right actor",
        "descriptive": "descriptive modals left",
        "phrases": "time phrases parsed",
        "timescales": "timescale parts",
        "triggers": "triggers bound",
        "metadata": "title and version",
    }
    for name, result in blocks:
        for field_name, label in labels.items():
            score = getattr(result, field_name)
            rows.append(
                f"{name:<22} {label:<26} {score.tp:>4} {score.drafted:>8} {score.hand:>5} "
                f"{down(score.precision):>10.3f} {down(score.recall):>7.3f}"
            )
    return "\n".join(rows)


def main() -> int:
    results = measured()
    if not results:
        print(
            f"no seed with both its text (in {SEEDS}) and its hand encoding (in {ROOT / 'protocols'})", file=sys.stderr
        )
        return 1
    print(f"protoverify extract against hand encodings, measured {dt.date.today().isoformat()}")
    print(table(results))
    print()
    print("protoverify extract on the procedure-page test documents, against the answers written for them")
    print(pages_table(pages_measured()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
