"""The phrases in a protocol's text that state a time: "within 10 working days", "24 hours", "at
least 2 days prior to", "no later than 14 days before", "3 week ... (15 working days)", "within a
month", "every Tuesday", "two days per week", recurring periods ("every 3 months", "quarterly", "at
three monthly intervals", "monthly", "fortnightly"), limits named by the calendar ("by the next
working day": within 1 working day; "on the same day", "the following day": a day named in words, 1 day
on, which may be a limit or may only say when), and the
vague ones ("as soon as", "at the earliest opportunity", "timely", "immediately" ...). Ages ("13
years and over") are not time phrases. Where two phrases overlap, the one that starts first (then
the longer) is kept: "three monthly" is one phrase, not "monthly" as well.
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
    r"(?P<lead>\b(?:within|in|after|for|every|at least|no later than|no more than|not more than|up to)\s+)?"
    + r"\b"
    + _AMOUNT
    + r"[ -]"
    + _UNIT
    + r"\b"
    + r"(?P<tail>\s+(?:before|prior to|after|of)\b|\s+per\s+(?P<per>week|month|day|year)\b)?",
    re.IGNORECASE,
)
_EVERY_WEEKDAY = re.compile(r"\bevery\s+" + _WEEKDAY + r"\b", re.IGNORECASE)
_ONE = re.compile(
    r"\b(?P<lead>within|in|after|every|for)\s+(?:a|an)\s+(?P<unit>working day|day|week|month|hour)\b"
    r"(?:\s+(?:of|after)\b)?",
    re.IGNORECASE,
)
_PERIODIC = re.compile(r"\b(?:at\s+)?" + _AMOUNT + r"[ -](?P<unit>week|month)ly(?:\s+intervals)?\b", re.IGNORECASE)
_EVERY_WORD = re.compile(r"\b(?P<word>quarterly|monthly|weekly|fortnightly|annually|yearly|daily)\b", re.IGNORECASE)
_EVERY_WORDS = {
    "quarterly": (3, "months"),
    "monthly": (1, "months"),
    "weekly": (1, "weeks"),
    "fortnightly": (2, "weeks"),
    "annually": (12, "months"),
    "yearly": (12, "months"),
    "daily": (1, "days"),
}
_CALENDAR = re.compile(
    r"\b(?:(?P<by>by|within|before the end of|on)\s+)?the\s+(?P<which>next working day|following working day"
    r"|same (?:working )?day|following day|next day)\b",
    re.IGNORECASE,
)
_CALENDAR_LIMITS = {
    "next working day": (1, "working_days"),
    "following working day": (1, "working_days"),
    "same day": (1, "days"),
    "same working day": (1, "working_days"),
    "following day": (1, "days"),
    "next day": (1, "days"),
}
_VAGUE = re.compile(
    r"\b(?P<words>as soon as (?:possible|practical|practicable|reasonably practicable)|as soon as"
    r"|at the earliest opportunity|in a timely manner|timely|without delay|promptly"
    r"|immediately(?!\s+(?:before|after|prior))|on a regular basis|regularly)\b",
    re.IGNORECASE,
)

Relation = Literal["within", "before", "per", "duration", "every", "vague", "day"]
"""How a phrase states its time: a limit after something (`within`), before something, a share of a
period (`per`), a length of time (`duration`), a recurrence (`every`), words with no amount (`vague`),
or a day named in words, a limit or a moment ("on the same day", "the following day": `day`)."""


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
    found: list[tuple[int, int, TimePhrase]] = []
    for match in _QUANTIFIED.finditer(text):
        found.append((match.start(), match.end(), _quantified(match, clause)))
    for match in _ONE.finditer(text):
        relation: Relation = "every" if match["lead"].lower() == "every" else "within"
        found.append((match.start(), match.end(), TimePhrase(clause, match[0], relation, 1, _unit(match["unit"]))))
    for match in _PERIODIC.finditer(text):
        phrase = TimePhrase(clause, match[0], "every", _amount(match["amount"]), _unit(match["unit"]))
        found.append((match.start(), match.end(), phrase))
    for match in _EVERY_WORD.finditer(text):
        amount, unit = _EVERY_WORDS[match["word"].lower()]
        found.append((match.start(), match.end(), TimePhrase(clause, match[0], "every", amount, unit)))
    for match in _CALENDAR.finditer(text):
        amount, unit = _CALENDAR_LIMITS[" ".join(match["which"].lower().split())]
        relation = "within" if (match["by"] or "on").lower() != "on" else "day"
        found.append((match.start(), match.end(), TimePhrase(clause, match[0], relation, amount, unit)))
    for match in _EVERY_WEEKDAY.finditer(text):
        found.append((match.start(), match.end(), TimePhrase(clause, match.group(0), "every", 1, "weeks")))
    for match in _VAGUE.finditer(text):
        found.append((match.start(), match.end(), TimePhrase(clause, match["words"], "vague")))
    kept: list[TimePhrase] = []
    taken_until = -1
    for start, end, phrase in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if start >= taken_until:
            kept.append(phrase)
            taken_until = end
    return kept


def _amount(words: str) -> int:
    words = words.lower()
    return int(words) if words.isdigit() else _NUMBER_WORDS[words]


def _quantified(match: re.Match[str], clause: str) -> TimePhrase:
    lead = (match["lead"] or "").strip().lower()
    tail = (match["tail"] or "").strip().lower()
    if tail in ("before", "prior to"):
        relation: Relation = "before"
    elif match["per"]:
        relation = "per"
    elif lead == "every":
        relation = "every"
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
    return TimePhrase(clause, words, relation, _amount(match["amount"]), _unit(match["unit"]), per)
