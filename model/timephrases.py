"""The phrases in a protocol's text that state a time: "within 10 working days", "24 hours", "at
least 2 days prior to", "no later than 14 days before", "3 week ... (15 working days)", "every
Tuesday", "two days per week", and the vague ones ("as soon as", "at the earliest opportunity",
"timely", "immediately" ...). Ages ("13 years and over") are not time phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
    "twenty-one": 21,
    "twenty-eight": 28,
    "thirty": 30,
}
_AMOUNT = r"(?P<amount>\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>working[ -]days?|calendar days?|days?|hours?|weeks?|months?)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_UNITS = {
    "working day": "working_days",
    "calendar day": "days",
    "day": "days",
    "hour": "hours",
    "week": "weeks",
    "month": "months",
    "year": "years",
}

_QUANTIFIED = re.compile(
    r"(?P<lead>\b(?:within|in|after|for|at least|no later than|no more than|not more than|up to)\s+)?"
    + r"\b"
    + _AMOUNT
    + r"[ -]"
    + _UNIT
    + r"\b"
    + r"(?P<tail>\s+(?:before|prior to|after|of)\b|\s+per\s+(?P<per>week|month|day|year)\b)?",
    re.IGNORECASE,
)
_EVERY_WEEKDAY = re.compile(r"\bevery\s+" + _WEEKDAY + r"\b", re.IGNORECASE)
_VAGUE = re.compile(
    r"\b(?P<words>as soon as (?:possible|practical|practicable|reasonably practicable)|as soon as"
    r"|at the earliest opportunity|in a timely manner|timely|without delay|promptly"
    r"|immediately(?!\s+(?:before|after|prior))|on a regular basis|regularly)\b",
    re.IGNORECASE,
)

Relation = Literal["within", "before", "per", "duration", "every", "vague"]


@dataclass(frozen=True)
class TimePhrase:
    """A phrase in the source that states a time: its words, and the amount and unit it gives."""

    clause: str
    words: str
    relation: Relation
    amount: int | None = None
    unit: str | None = None  # hours, days, working_days, weeks, months
    per: str | None = None  # for "two days per week": weeks


def _unit(words: str) -> str:
    key = words.lower().replace("-", " ").rstrip("s")
    return _UNITS[key]


def time_phrases(text: str, clause: str = "") -> list[TimePhrase]:
    """The time phrases in one piece of text, in order of appearance."""
    found: list[tuple[int, TimePhrase]] = []
    for match in _QUANTIFIED.finditer(text):
        amount_words = match["amount"].lower()
        amount = int(amount_words) if amount_words.isdigit() else _NUMBER_WORDS[amount_words]
        lead = (match["lead"] or "").strip().lower()
        tail = (match["tail"] or "").strip().lower()
        if tail in ("before", "prior to") or lead in ("no later than",) and tail in ("before", "prior to"):
            relation: Relation = "before"
        elif match["per"]:
            relation = "per"
        elif lead in ("within", "in", "after", "no more than", "not more than", "up to", "no later than") or tail in (
            "of",
            "after",
        ):
            relation = "within"
        else:
            relation = "duration"
        words = match.group(0).strip()
        if relation == "per":
            words = words.removeprefix(match["lead"] or "").strip()
        per = _unit(match["per"]) if match["per"] else None
        found.append((match.start(), TimePhrase(clause, words, relation, amount, _unit(match["unit"]), per)))
    for match in _EVERY_WEEKDAY.finditer(text):
        found.append((match.start(), TimePhrase(clause, match.group(0), "every", 1, "weeks")))
    for match in _VAGUE.finditer(text):
        found.append((match.start(), TimePhrase(clause, match["words"], "vague")))
    return [phrase for _, phrase in sorted(found, key=lambda pair: pair[0])]
