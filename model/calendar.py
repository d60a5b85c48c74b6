"""The working-day calendar: which days count, and when a protocol deadline falls.

A protocol says things like "within 10 working days of entering custody", "within 24 hours",
"no later than 14 days before release" or "at least 2 days prior to the hearing". A `Limit` is such
a phrase; a `Calendar` turns it and a real date into a deadline instant (`Limit.due`).

Working days
    Monday to Friday, except the bank holidays of the calendar's region (substitute days
    included: a holiday that falls on a weekend moves to the next free weekday) and the
    calendar's local closures (extra non-working dates, e.g. a council's closure between
    Christmas and New Year). Bank holidays come from the `holidays` package
    (`holidays.UnitedKingdom`, subdivisions ENG, WLS, SCT, NIR), computed lazily per year.
    For years beyond the latest published gov.uk list they are the statutory pattern only:
    a one-off holiday announced later is not known until the package learns of it.

Regions
    "england-and-wales" (the default), "scotland", "northern-ireland". England and Wales share
    their bank holidays; the package agrees (its ENG and WLS lists are identical for every year
    from 1978 to 2059), so the region uses the England list.

Deadlines
    The trigger (or event) day is day 0. A deadline is an *exclusive* instant: the duty is on
    time iff it is done strictly before that instant. "The close of day D" is the instant
    `datetime.combine(D + 1 day, time(0))`, midnight at the start of the next day.

    `due_after(start, N, unit)`, for "within N <unit> of start":
        hours         start + N elapsed hours, whatever the day;
        days          close of start.date() + N calendar days (N = 0: close of the start's own
                      day, "on the same day");
        weeks         close of start.date() + 7N calendar days;
        months        close of the same day N calendar months later, or of that month's last day
                      if it is shorter (31 January + 1 month: the last day of February);
        working_days  close of the Nth working day strictly after start.date()
                      (a trigger on a weekend or holiday: day 1 is the next working day).

    `due_before(event, N, unit)`, for "no later than / at least N <unit> before event":
        hours         event - N elapsed hours;
        days          close of event.date() - N calendar days;
        weeks         close of event.date() - 7N calendar days;
        months        close of the same day N calendar months earlier, or of that month's last day
                      if it is shorter (31 March - 1 month: the last day of February);
        working_days  close of the Nth working day strictly before event.date().

    Both are the close of a day `later(day, N, unit)` or `earlier(day, N, unit)` gives, the one way
    a limit counted in days, weeks, months or working days moves a date.

    Day boundaries are those of the datetime's own clock: its tzinfo, or local wall-clock time
    if it is naive. Hours are elapsed time: for an aware datetime they are counted in UTC, so
    "24 hours" across a clock change ends an hour later or earlier on the clock than it began;
    for a naive datetime they are plain wall-clock arithmetic.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import cache
from typing import TypeVar

from . import usercache

LOCAL_CLOSURE = "local closure"
E = TypeVar("E", bound=StrEnum)


class Region(StrEnum):
    """A part of the UK with its own list of bank holidays."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


class Unit(StrEnum):
    """The unit of a protocol time limit."""

    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"
    MONTHS = "months"


_SUBDIVISION = {
    Region.ENGLAND_AND_WALES: "ENG",
    Region.SCOTLAND: "SCT",
    Region.NORTHERN_IRELAND: "NIR",
}


@cache
def _bank_holidays(region: Region, year: int) -> Mapping[date, str]:
    """The region's bank holidays in a year, substitute days included, by date: from the user cache
    (`usercache`) if they are there, since importing and asking the `holidays` package takes about a
    sixth of a second; else computed, and added to the cache."""
    which = f"{_SUBDIVISION[region]} {year}"
    stored = _stored_bank_holidays()
    if which not in stored:
        import holidays  # (here: it is slow to import, and loading a protocol needs no holiday)

        stored[which] = dict(holidays.UnitedKingdom(subdiv=_SUBDIVISION[region], years=year))
        written = {key: [[day.isoformat(), name] for day, name in days.items()] for key, days in stored.items()}
        usercache.store(_CACHED, _holidays_key(), written)
    return stored[which]


_CACHED = "bank-holidays"


@cache
def _holidays_key() -> str:
    """What the cached bank holidays were computed with: this version of the `holidays` package."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"holidays {version('holidays')}: UnitedKingdom(subdiv, years) as [date, name] lists, format 1"
    except PackageNotFoundError:
        return ""


@cache
def _stored_bank_holidays() -> dict[str, dict[date, str]]:
    """The bank holidays in the user cache, by subdivision and year ('ENG 2026'); none if it has none
    for this version of `holidays`, or holds anything but lists of dates and names."""
    key = _holidays_key()
    stored = usercache.load(_CACHED, key) if key else None
    if not isinstance(stored, dict):
        return {}
    try:
        return {which: {date.fromisoformat(day): _text(name) for day, name in days} for which, days in stored.items()}
    except (TypeError, ValueError):  # (not the shape this module writes: a miss)
        return {}


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"a holiday's name that is not text: {value!r}")
    return value


@dataclass(frozen=True)
class Calendar:
    """The working days of one region, less any local closures."""

    region: Region
    closures: frozenset[date]
    _working_days_by_year: dict[int, tuple[date, ...]] = field(init=False, repr=False, compare=False)

    def __init__(self, region: Region | str = Region.ENGLAND_AND_WALES, closures: Iterable[date] = ()) -> None:
        object.__setattr__(self, "region", _member(Region, region))
        object.__setattr__(self, "closures", frozenset(_day(d) for d in closures))
        object.__setattr__(self, "_working_days_by_year", {})

    def is_working_day(self, d: date) -> bool:
        """Whether d is a Monday to Friday that is neither a bank holiday nor a local closure."""
        d = _day(d)
        return d.weekday() < 5 and d not in _bank_holidays(self.region, d.year) and d not in self.closures

    def holiday_name(self, d: date) -> str | None:
        """The bank holiday on d ("local closure" for a closure), or None."""
        d = _day(d)
        name = _bank_holidays(self.region, d.year).get(d)
        if name is None and d in self.closures:
            return LOCAL_CLOSURE
        return name

    def add_working_days(self, d: date, n: int) -> date:
        """The nth working day strictly after d."""
        d, n = _day(d), _amount(n)
        year = d.year
        days = self._working_days(year)
        i = bisect_right(days, d) + n - 1
        while i >= len(days):
            i -= len(days)
            year += 1
            days = self._working_days(year)
        return days[i]

    def subtract_working_days(self, d: date, n: int) -> date:
        """The nth working day strictly before d."""
        d, n = _day(d), _amount(n)
        year = d.year
        days = self._working_days(year)
        i = bisect_left(days, d) - n
        while i < 0:
            year -= 1
            days = self._working_days(year)
            i += len(days)
        return days[i]

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days in (a, b]: after a, up to and including b (0 if b <= a)."""
        a, b = _day(a), _day(b)
        if b <= a:
            return 0
        return sum(
            bisect_right(days, b) - bisect_right(days, a) for days in map(self._working_days, range(a.year, b.year + 1))
        )

    def working_day_table(self, first: date, last: date) -> tuple[bool, ...]:
        """`is_working_day` for each date from first to last inclusive, in order."""
        first, last = _day(first), _day(last)
        if last < first:
            raise ValueError(f"empty window: last ({last}) is before first ({first})")
        return tuple(map(self.is_working_day, _dates(first, last)))

    def later(self, d: date, amount: int, unit: Unit | str) -> date:
        """The day `amount` `unit`s after d: the nth working day after it, or n calendar days, weeks
        or months later (a month later than the 31st is the last day of a shorter month)."""
        d, amount = _day(d), _amount(amount)
        return self._shift(d, amount, _day_unit(unit))

    def earlier(self, d: date, amount: int, unit: Unit | str) -> date:
        """The day `amount` `unit`s before d: the nth working day before it, or n calendar days,
        weeks or months earlier (with the same end-of-month rule as `later`)."""
        d, amount = _day(d), _amount(amount)
        return self._shift(d, -amount, _day_unit(unit))

    def due_after(self, start: datetime, amount: int, unit: Unit | str) -> datetime:
        """The exclusive deadline instant for "within <amount> <unit> of start"; 0 days is the close of
        the start's own day ("on the same day")."""
        unit = _member(Unit, unit)
        if amount == 0 and not isinstance(amount, bool) and unit is Unit.DAYS:
            return _close_of_day(start.date(), start.tzinfo)
        amount = _amount(amount)
        if unit is Unit.HOURS:
            return _elapsed(start, timedelta(hours=amount))
        return _close_of_day(self._shift(start.date(), amount, unit), start.tzinfo)

    def due_before(self, event: datetime, amount: int, unit: Unit | str) -> datetime:
        """The exclusive deadline instant for "no later than (or at least) <amount> <unit>
        before event"."""
        amount, unit = _amount(amount), _member(Unit, unit)
        if unit is Unit.HOURS:
            return _elapsed(event, -timedelta(hours=amount))
        return _close_of_day(self._shift(event.date(), -amount, unit), event.tzinfo)

    def _shift(self, d: date, n: int, unit: Unit) -> date:
        """d moved by n (a non-zero whole number, negative for earlier) units of days or more."""
        if unit is Unit.WORKING_DAYS:
            return self.add_working_days(d, n) if n > 0 else self.subtract_working_days(d, -n)
        if unit is Unit.MONTHS:
            return add_months(d, n)
        return d + timedelta(days=n * (7 if unit is Unit.WEEKS else 1))

    def _working_days(self, year: int) -> tuple[date, ...]:
        """The working days of a year, in order (computed once per calendar and year)."""
        days = self._working_days_by_year.get(year)
        if days is None:
            days = tuple(filter(self.is_working_day, _dates(date(year, 1, 1), date(year, 12, 31))))
            self._working_days_by_year[year] = days
        return days


HOURS_PER_DAY = 24
DAYS_IN = {Unit.DAYS: 1, Unit.WEEKS: 7, Unit.MONTHS: 31}  # at most, for a unit of whole days


@dataclass(frozen=True)
class Limit:
    """A time limit: `amount` `unit`s after its anchor, or before it (`before`); with no amount, the
    anchor itself ("prior to the final release meeting")."""

    amount: int | None
    unit: Unit | None
    before: bool = False

    def span(self) -> int:
        """At most how many calendar days the limit reaches from its anchor."""
        if self.amount is None or self.unit is None:
            return 0
        if self.unit is Unit.HOURS:
            return self.amount // HOURS_PER_DAY + 1
        if self.unit is Unit.WORKING_DAYS:
            return 2 * self.amount + 14  # five working days in seven, with room for a holiday season
        return self.amount * DAYS_IN[self.unit]

    def due(self, calendar: Calendar, anchor: datetime) -> datetime:
        """The exclusive deadline instant for an anchor on a real date."""
        if self.amount is None or self.unit is None:
            return anchor
        if self.before:
            return calendar.due_before(anchor, self.amount, self.unit)
        return calendar.due_after(anchor, self.amount, self.unit)


def last_day(deadline: datetime) -> date:
    """The last day on which something is on time, for an exclusive deadline instant."""
    return (deadline - timedelta(microseconds=1)).date()


def _member(kind: type[E], value: E | str) -> E:
    """`value` as a member of `kind` (Region, Unit), or a ValueError listing the valid ones."""
    try:
        return kind(value)
    except ValueError:
        valid = ", ".join(repr(member.value) for member in kind)
        raise ValueError(f"unknown {kind.__name__.lower()} {value!r}; expected one of {valid}") from None


def add_months(d: date, n: int) -> date:
    """The same day n calendar months after d (before it, for a negative n), or the last day of that
    month where it has no such day: 31 January + 1 month is 28 (or 29) February."""
    years, month = divmod(d.month - 1 + n, 12)
    year = d.year + years
    return date(year, month + 1, min(d.day, monthrange(year, month + 1)[1]))


def _day_unit(unit: Unit | str) -> Unit:
    """A unit of whole days (all but hours, which are elapsed time and move an instant, not a day)."""
    unit = _member(Unit, unit)
    if unit is Unit.HOURS:
        raise ValueError(
            "hours are elapsed time and move an instant, not a date; expected days, working_days, weeks or months"
        )
    return unit


def _amount(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"amount must be a whole number of at least 1, not {value!r}")
    return value


def _day(value: date) -> date:
    """A date, refusing a datetime (a datetime never equals a date, so it would be misread)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a datetime.date, not {value!r}")
    return value


def _dates(first: date, last: date) -> Iterator[date]:
    """Each date from first to last inclusive."""
    return (first + timedelta(i) for i in range((last - first).days + 1))


def _elapsed(instant: datetime, delta: timedelta) -> datetime:
    """instant + delta as elapsed time (through UTC if instant is aware)."""
    if instant.tzinfo is None:
        return instant + delta
    return (instant.astimezone(UTC) + delta).astimezone(instant.tzinfo)


def _close_of_day(d: date, tz: tzinfo | None) -> datetime:
    """The close of day d: midnight at the start of the next day, an exclusive bound."""
    return datetime.combine(d + timedelta(days=1), time(0), tzinfo=tz)
