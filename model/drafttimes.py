"""Drafting a duty's timescale from the time phrases of its sentence, in the format's terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .calendar import Unit
from .timephrases import TimePhrase

UNITS = frozenset(unit.value for unit in Unit) | {"months"}
"""The units a draft may use: the calendar's, and calendar months (being added to the format)."""
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
    return "within" in drafted.spec or "before" in drafted.spec or "same_day" in drafted.spec


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


def _keep_day(drafted: DraftTimescale, phrase: TimePhrase, after: str) -> bool:
    """ "On the same day" is a same-day limit (`same_day`); another day named in words ("the following
    day") is kept as words, with the limit it would be."""
    if phrase.words.lower().endswith("same day") and not _limited(drafted) and "same_day" not in drafted.spec:
        drafted.spec["same_day"] = True
        drafted.spec["words"] = phrase.words
        return True
    if "vague" in drafted.spec:
        return False
    drafted.spec["vague"] = phrase.words
    unit = (phrase.unit or "days").replace("_", " ").removesuffix("s")
    drafted.notes.append(f"'{phrase.words}': if it is a limit, within {phrase.amount} {unit} of what starts the duty")
    return True


_KEEP = {
    "within": _keep_within,
    "duration": _keep_within,
    "before": _keep_before,
    "per": _keep_per,
    "every": _keep_every,
    "vague": _keep_vague,
    "day": _keep_day,
}
"""For each relation of a time phrase, how a draft keeps it; False when the draft already has that part."""


# --- events a duty is triggered by ------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """An event of the statutory world that words in a duty's sentence name as what starts it."""

    event: str  # the id the statutory baseline (and the England library) gives the event
    name: str
    words: str  # as printed
    start: int = 0  # where the words that introduce it ("on", "when", "of" ...) start in the text


_WHEN = (
    r"\b(?:on|upon|when|whenever|where|if|once|following|after|of|at)\b"
    r"(?:\s+(?!before\b|prior\b|until\b|by\b)[\w’']+){0,8}?\s+"
)
TRIGGERS: tuple[tuple[str, str, str], ...] = (
    (
        r"remand(?:ed|s)?\s+(?:in)?to\s+youth\s+detention(?:\s+accommodation)?|remand(?:ed)?\s+to\s+YDA",
        "remanded_to_yda",
        "refused bail and remanded to youth detention accommodation",
    ),
    (
        r"remand(?:ed|s)?\s+(?:in)?to\s+(?:the\s+care\s+of\s+the\s+)?local\s+authority(?:\s+accommodation)?|RiLAA|RLAA",
        "remanded_to_la",
        "refused bail and remanded to local authority accommodation",
    ),
    (
        r"(?:enter(?:s|ed|ing)?|going\s+into|admission\s+to|sentenced\s+to)\s+custody|(?:a\s+)?custodial\s+sentence",
        "detained",
        "detained in custody",
    ),
    (
        r"(?:their\s+|the\s+)?release(?:d)?(?:\s+from\s+(?:custody|detention))?"
        r"(?!\s+(?:plan|planning|meeting|address|date|arrangements))",
        "released",
        "released from detention",
    ),
    (r"(?:their\s+|the\s+)?arrest(?:ed)?", "arrested", "arrested"),
    (r"(?:being\s+)?charged", "charged", "charged"),
    (r"becom(?:es|ing)\s+looked\s+after", "becomes_looked_after", "the child becomes looked after"),
    (
        r"ceas(?:es|ing)\s+to\s+be\s+looked\s+after|leav(?:es|ing)\s+care",
        "leaves_care",
        "the child stops being looked after",
    ),
    (
        r"(?:receipt\s+of\s+(?:a|the)\s+referral|(?:a|the)\s+referral\s+is\s+received)",
        "referral_received",
        "a referral is received",
    ),
)
"""Words that name what starts a duty, after "on", "when", "following", "of" ...: the event they name."""
_TRIGGERS = [
    (re.compile(_WHEN + f"(?P<event>{words})\\b", re.IGNORECASE), event, name) for words, event, name in TRIGGERS
]


def trigger(text: str) -> Trigger | None:
    """The statutory event the words name as what starts a duty, the first in the text, if any."""
    found = [
        (m.start("event"), Trigger(event, name, m["event"], m.start()))
        for pattern, event, name in _TRIGGERS
        for m in pattern.finditer(text)
    ]
    return min(found, key=lambda pair: pair[0])[1] if found else None
