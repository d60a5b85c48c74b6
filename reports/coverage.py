"""Clause coverage: an encoding held against the text of its source, clause by clause.

Every clause id the source has (see `model.sourcetext`; plain text, .docx or .pdf) is **encoded**
(some element of the protocol cites it), **narrative** (listed under `narrative:` with a reason),
**unreviewed** (still listed as narrative with one of the placeholder reasons `protoverify extract`
writes, such as "no modal verb found — review": nobody has read it yet) or **missing**. Every time
phrase in the source is **matched** by a time the encoding gives in the same clause, or not:

- "within 10 working days", "3 week", "in 56 days" match an amount and unit the clause's elements
  give: a duty's `within`, `also`, `every` or `lasting`, an event's `scheduled` delay, or a condition
  on an attribute measured in that unit;
- "no later than 14 days before", "at least 2 days prior to" match a duty's `before`;
- "two days per week" matches `every: 1 week` with `lasting: 2 days`;
- "as soon as", "timely" ... match a `vague` timescale whose words contain them; so does any
  phrase an author chose to keep as words ("on the same day" kept as `vague: on the same day`, "the
  following day" in the name of an attribute the clause gives, "needs to attend court the following
  day").

Each encoded time answers one phrase: two "as soon as" in one clause need two vague timescales.
Clause ids the encoding cites that the source does not have are listed too: usually a typo.
Coverage is complete only when nothing is missing or unreviewed, every phrase is matched and every
cited clause exists. A source in which no time phrase was found at all gets a warning: the reader
may not have read its text (a scanned PDF), or its limits are written in words it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import conditions
from ..model.document import Document, as_document
from ..model.extract import PLACEHOLDERS
from ..model.schema import Attribute, Duration, Event, Protocol, Timescale, clause_sort_key
from ..model.sourcetext import Segment, TimePhrase, document_time_phrases, segments

Key = tuple[
    Any, ...
]  # ("after", 10, "working_days") | ("before", 14, "days") | ("per", 2, "days", "weeks") | ("vague",)


@dataclass(frozen=True)
class ClauseStatus:
    """One clause of the source and how the encoding accounts for it."""

    id: str
    kind: str
    line: int
    status: str  # encoded | narrative | unreviewed | missing
    where: str = ""  # the place in the document's own terms: "line 12", "paragraph 12", "page 3"


@dataclass(frozen=True)
class PhraseMatch:
    """One time phrase of the source and the encoded time that answers it, if any."""

    phrase: TimePhrase
    encoded: str | None


@dataclass
class Coverage:
    """An encoding's coverage of its source text."""

    protocol: str
    clauses: list[ClauseStatus] = field(default_factory=list)
    phrases: list[PhraseMatch] = field(default_factory=list)
    not_in_source: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.clauses)

    @property
    def missing(self) -> list[str]:
        return [c.id for c in self.clauses if c.status == "missing"]

    @property
    def unreviewed(self) -> list[str]:
        """Clauses still carrying a placeholder reason from `extract`."""
        return [c.id for c in self.clauses if c.status == "unreviewed"]

    @property
    def unmatched(self) -> list[TimePhrase]:
        return [m.phrase for m in self.phrases if m.encoded is None]

    @property
    def warnings(self) -> list[str]:
        """What a reader should check even when the coverage is complete."""
        if self.clauses and not self.phrases:
            return [
                "no time phrase found in the source: check that its text was read (a scanned PDF has none) "
                "and that its time limits are in words the reader knows (docs/extraction.md)"
            ]
        return []

    @property
    def complete(self) -> bool:
        """Nothing missing or unreviewed, every time phrase matched, no clause id the source lacks."""
        return not self.missing and not self.unreviewed and not self.unmatched and not self.not_in_source

    def to_json(self) -> dict[str, Any]:
        """The coverage as the JSON the `coverage` command prints."""
        return {
            "protocol": self.protocol,
            "clauses_total": len(self.clauses),
            "encoded": self.count("encoded"),
            "narrative": self.count("narrative"),
            "unreviewed": self.unreviewed,
            "missing": self.missing,
            "not_in_source": self.not_in_source,
            "timescales_total": len(self.phrases),
            "timescales_matched": len(self.phrases) - len(self.unmatched),
            "timescales_unmatched": [{"clause": p.clause, "phrase": p.words} for p in self.unmatched],
            "warnings": self.warnings,
            "clauses": [
                {"id": c.id, "kind": c.kind, "line": c.line, "where": c.where, "status": c.status} for c in self.clauses
            ],
            "timescales": [
                {"clause": m.phrase.clause, "phrase": m.phrase.words, "encoded": m.encoded} for m in self.phrases
            ],
        }


def coverage(protocol: Protocol, source: str | Document) -> Coverage:
    """How completely `protocol` encodes its source: a plain text, or a document read from a file."""
    document = as_document(source)
    found = segments(document)
    units = [s for s in found if s.kind != "heading"]
    narrative = {c for n in protocol.narrative for c in n.clause}
    placeholders = {c for n in protocol.narrative if n.reason in PLACEHOLDERS for c in n.clause}
    encoded = _encoded_clauses(protocol)
    result = Coverage(protocol.metadata.id)
    for unit in units:
        status = next(
            (
                name
                for name, ids in (("encoded", encoded), ("unreviewed", placeholders), ("narrative", narrative))
                if unit.id in ids
            ),
            "missing",
        )
        result.clauses.append(ClauseStatus(unit.id, unit.kind, unit.line, status, document.where(unit.line)))
    known = {s.id for s in found}  # headings may be cited, though they need not be
    result.not_in_source = sorted((encoded | narrative) - known, key=clause_sort_key)
    times = _encoded_times(protocol, {u.id: u for u in units})
    for phrase in document_time_phrases(document):
        result.phrases.append(PhraseMatch(phrase, _take(times.get(phrase.clause, []), phrase)))
    return result


def _encoded_clauses(protocol: Protocol) -> set[str]:
    """Clause ids cited anywhere except the narrative list."""
    without_narrative = protocol.model_copy(update={"narrative": ()})
    return set(without_narrative.clause_ids())


# --- the times an encoding gives, by clause --------------------------------------------------------


def _encoded_times(protocol: Protocol, units: dict[str, Segment]) -> dict[str, list[tuple[Key, str]]]:
    """For each clause id, the times its elements give, each as a matching key and a description."""
    attributes = {a.id: a for a in protocol.attributes}
    found: dict[str, list[tuple[Key, str]]] = {}

    def add(clauses: tuple[str, ...], key: Key, described: str) -> None:
        for clause in clauses:
            found.setdefault(clause, []).append((key, described))

    for duty in protocol.duties:
        clauses = duty.clause + tuple(item.clause for item in duty.items)
        if duty.timescale is not None:
            for key, described in _timescale_times(duty.timescale):
                add(clauses, key, f"duty {duty.id}: {described}")
        for key, described in _condition_times(duty.when, attributes):
            add(clauses, key, f"duty {duty.id}: {described}")
    for event in protocol.events:
        for key, described in _event_times(event):
            add(event.clause, key, f"event {event.id}: {described}")
    for attribute in protocol.attributes:
        add(attribute.clause, ("words", attribute.name.lower()), f"attribute {attribute.id}: {attribute.name}")
    for rule in protocol.ownership:
        for key, described in _condition_times(rule.when, attributes):
            add(rule.clause, key, f"ownership {rule.id}: {described}")
    for transition in (t for lc in protocol.lifecycles for t in lc.transitions):
        for key, described in _condition_times(transition.guard, attributes):
            add(transition.clause, key, f"transition on {transition.event}: {described}")
    return found


def _words(duration: Duration) -> str:
    return f"{duration.amount} {duration.unit.value.replace('_', ' ')}"


def _timescale_times(timescale: Timescale) -> list[tuple[Key, str]]:
    times: list[tuple[Key, str]] = []
    if timescale.within is not None:
        times.append(
            (("after", timescale.within.amount, timescale.within.unit.value), f"within {_words(timescale.within)}")
        )
    before = timescale.before
    if before is not None and before.amount is not None and before.unit is not None:
        times.append(
            (
                ("before", before.amount, before.unit.value),
                f"{before.amount} {before.unit.value.replace('_', ' ')} before {before.event}",
            )
        )
    if timescale.also is not None:
        relation = "before" if before is not None else "after"
        times.append(((relation, timescale.also.amount, timescale.also.unit.value), f"also {_words(timescale.also)}"))
    if timescale.every is not None:
        times.append(
            (("after", timescale.every.amount, timescale.every.unit.value), f"every {_words(timescale.every)}")
        )
        if timescale.lasting is not None:
            per = ("per", timescale.lasting.amount, timescale.lasting.unit.value, timescale.every.unit.value)
            times.append((per, f"{_words(timescale.lasting)} every {_words(timescale.every)}"))
    if timescale.vague is not None:
        times.append((("vague", timescale.vague.lower()), f"vague: {timescale.vague}"))
    if timescale.same_day:  # answers the phrase as printed ('words'), else "on the same day"
        times.append((("words", (timescale.words or "on the same day").lower()), "same day"))
    return times


def _event_times(event: Event) -> list[tuple[Key, str]]:
    schedule = event.scheduled
    if schedule is None:
        return []
    times = [
        (
            ("after", schedule.delay.amount, schedule.delay.unit.value),
            f"{_words(schedule.delay)} after {schedule.after}",
        )
    ]
    if schedule.also is not None:
        times.append((("after", schedule.also.amount, schedule.also.unit.value), f"also {_words(schedule.also)}"))
    return times


def _condition_times(condition: conditions.Condition | None, attributes: dict[str, Attribute]) -> list[tuple[Key, str]]:
    if condition is None:
        return []
    times = []
    for comparison in conditions.comparisons(condition):
        attribute = attributes.get(comparison.key)
        if attribute is None or attribute.unit is None or not isinstance(comparison.value, int):
            continue
        unit = attribute.unit.value
        times.append(
            (
                ("after", comparison.value, unit),
                f"condition {comparison.key} {comparison.op} {comparison.value} {unit.replace('_', ' ')}",
            )
        )
    return times


def _phrase_key(phrase: TimePhrase) -> Key:
    if phrase.relation == "vague":
        return ("vague", phrase.words.lower())
    if phrase.relation == "per":
        return ("per", phrase.amount, phrase.unit, phrase.per)
    if phrase.relation == "before":
        return ("before", phrase.amount, phrase.unit)
    return ("after", phrase.amount, phrase.unit)


def _take(available: list[tuple[Key, str]], phrase: TimePhrase) -> str | None:
    """Remove and describe the first encoded time in the clause that answers the phrase."""
    wanted = _phrase_key(phrase)
    words = phrase.words.lower()
    for index, (key, described) in enumerate(available):
        kept_as_words = key[0] in ("vague", "words") and words in key[1]
        if key == wanted or kept_as_words:
            del available[index]
            return described
    return None
