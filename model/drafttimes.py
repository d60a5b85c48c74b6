"""Drafting a duty's timescale from the time phrases of its sentence, in the format's terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .calendar import Unit
from .timephrases import TimePhrase

UNITS = frozenset(unit.value for unit in Unit)
_DUAL_GAP = re.compile(r"^[\w\s-]{0,30}\(\s*$")
_EVENT_WORDS_END = re.compile(
    r"[,;:.()]|\s(?:and|or|unless|to|that|which|where|when|if|this|the|a|an)\b", re.IGNORECASE
)
_DETERMINERS = re.compile(r"^(?:(?:the|a|an|their|them|his|her|his/her|its|such|this|that)\s+)+", re.IGNORECASE)


@dataclass(frozen=True)
class Placed:
    """A time phrase and where it stands in the segment's text."""

    phrase: TimePhrase
    start: int
    end: int


def placed(text: str, phrases: list[TimePhrase]) -> list[Placed]:
    """The time phrases of a text, each with its position (they come in order of appearance)."""
    found, cursor = [], 0
    for phrase in phrases:
        start = text.find(phrase.words, cursor)
        found.append(Placed(phrase, start, start + len(phrase.words)))
        cursor = start + 1
    return found


@dataclass
class DraftTimescale:
    """A drafted timescale: the format's mapping, the events it needs, and what to check."""

    spec: dict[str, object] = field(default_factory=dict)
    trigger_words: str | None = None  # for `within`: the words naming what starts the clock, if any
    before_words: str | None = None  # for `before`: the words naming the event
    notes: list[str] = field(default_factory=list)


def _duration(phrase: TimePhrase) -> dict[str, object]:
    return {"amount": phrase.amount, "unit": phrase.unit}


def _event_words(text: str) -> str | None:
    """The words naming an event, just after "of", "before" or "prior to": "the court hearing"."""
    words = _DETERMINERS.sub("", text.lstrip())
    end = _EVENT_WORDS_END.search(words)
    words = " ".join(words[: end.start() if end else len(words)].split()[:5])
    return words or None


def timescale(text: str, own: Sequence[Placed], strays: Sequence[Placed] = ()) -> DraftTimescale:
    """The timescale the time phrases of one sentence give, in the format's terms; phrases from other
    sentences of the segment (`strays`) fill what the sentence's own phrases leave free."""
    drafted = DraftTimescale()
    partners = {
        b
        for a, b in zip(own, own[1:])
        if {a.phrase.relation, b.phrase.relation} <= {"within", "duration"} and _DUAL_GAP.match(text[a.end : b.start])
    }
    found = [*own, *strays]
    if len(found) > 1:
        drafted.notes.append("time phrases: " + ", ".join(f"'{p.phrase.words}'" for p in found))
    drafted.notes += [f"'{p.phrase.words}' is from another sentence" for p in strays]
    for place in found:
        phrase = place.phrase
        if phrase.unit is not None and phrase.unit not in UNITS:
            drafted.notes.append(f"'{phrase.words}': {phrase.unit} is not a unit of the format")
        elif place in partners and "within" in drafted.spec and "also" not in drafted.spec:
            drafted.spec["also"] = _duration(phrase)
        elif not _KEEP[phrase.relation](drafted, phrase, text[place.end :]):
            drafted.notes.append(f"not kept: '{phrase.words}'")
    return drafted


def _limited(drafted: DraftTimescale) -> bool:
    return "within" in drafted.spec or "before" in drafted.spec


def _keep_within(drafted: DraftTimescale, phrase: TimePhrase, after: str) -> bool:
    if _limited(drafted):
        return False
    drafted.spec["within"] = _duration(phrase)
    drafted.trigger_words = _event_words(after) if phrase.words.lower().endswith((" of", " after")) else None
    if phrase.relation == "duration":
        drafted.notes.append(f"'{phrase.words}' is a length of time: a deadline, or the delay of a scheduled event?")
    return True


def _keep_before(drafted: DraftTimescale, phrase: TimePhrase, after: str) -> bool:
    if _limited(drafted):
        return False
    drafted.spec["before"] = _duration(phrase)
    drafted.before_words = _event_words(after)
    return True


def _keep_per(drafted: DraftTimescale, phrase: TimePhrase, after: str) -> bool:
    if "every" in drafted.spec:
        return False
    if phrase.per not in UNITS:
        drafted.notes.append(f"'{phrase.words}': {phrase.per} is not a unit of the format")
        return True
    drafted.spec["every"] = {"amount": 1, "unit": phrase.per}
    drafted.spec["lasting"] = _duration(phrase)
    return True


def _keep_every(drafted: DraftTimescale, phrase: TimePhrase, after: str) -> bool:
    if "every" in drafted.spec:
        return False
    drafted.spec["every"] = _duration(phrase)
    drafted.spec["words"] = phrase.words
    return True


def _keep_vague(drafted: DraftTimescale, phrase: TimePhrase, after: str) -> bool:
    if "vague" in drafted.spec:
        return False
    drafted.spec["vague"] = phrase.words
    return True


_KEEP = {
    "within": _keep_within,
    "duration": _keep_within,
    "before": _keep_before,
    "per": _keep_per,
    "every": _keep_every,
    "vague": _keep_vague,
}
"""For each relation of a time phrase, how a draft keeps it; False when the draft already has that part."""
