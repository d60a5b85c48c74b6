"""Simulation time: hours from the start date, deadlines on the working-day calendar, staff working
time and court sittings.

The simulation clock counts hours from midnight at the start of the scenario's start date. A
deadline is computed by the protocol's `Calendar` (`due_after`, `due_before`) on real dates and
turned back into clock hours, so a simulated deadline is exactly the one the calendar gives.

A staff pool works only in its working hours: `WorkTime` maps clock hours to worked hours (flat
overnight, at weekends and on bank holidays) and back, so "a 3-hour task begun at 16:00 on a
Friday" ends at 11:00 on Monday (with a 9 to 5 day).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from ..model.calendar import LOCAL_CLOSURE, Calendar, Unit

HOUR = dt.timedelta(hours=1)
INFINITY = float("inf")
WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


@dataclass(frozen=True)
class Clock:
    """Clock hours from the start date, and deadlines computed on the protocol's calendar."""

    start: dt.date
    calendar: Calendar
    _due: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def origin(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0))

    def at(self, hours: float) -> dt.datetime:
        """The instant `hours` after the start."""
        return self.origin + dt.timedelta(hours=hours)

    def hours(self, instant: dt.datetime) -> float:
        """Clock hours of an instant."""
        return (instant - self.origin) / HOUR

    def day(self, hours: float) -> dt.date:
        """The date at clock time `hours`."""
        return self.start + dt.timedelta(days=int(hours // 24))

    def due_after(self, hours: float, amount: int, unit: Unit) -> float:
        """The deadline for "within `amount` `unit` of" clock time `hours`, in clock hours."""
        if unit is Unit.HOURS:
            return hours + amount
        key = (int(hours // 24), amount, unit, True)
        due = self._due.get(key)
        if due is None:
            due = self._due[key] = self.hours(self.calendar.due_after(self.at(hours), amount, unit))
        return due

    def due_before(self, hours: float, amount: int, unit: Unit) -> float:
        """The deadline for "no later than `amount` `unit` before" clock time `hours`, in clock hours."""
        if unit is Unit.HOURS:
            return hours - amount
        key = (int(hours // 24), amount, unit, False)
        due = self._due.get(key)
        if due is None:
            due = self._due[key] = self.hours(self.calendar.due_before(self.at(hours), amount, unit))
        return due


@dataclass(frozen=True)
class WorkTime:
    """The working time of a staff pool over the first `len(opens)` days: the clock hour each day's
    work begins and how many hours it lasts (0 on a day off)."""

    opens: tuple[float, ...]
    lengths: tuple[float, ...]
    worked_before: tuple[float, ...]  # worked hours before each day begins
    worked_by_end: tuple[float, ...]  # worked hours when each day's work ends
    always: bool  # every hour of every day: worked time is clock time

    @staticmethod
    def build(clock: Clock, days: int, hours: tuple[float, float], every_day: bool) -> WorkTime:
        """The working time of a pool that works `hours` on working days (or on every day)."""
        start, end = hours
        opens, lengths, before, by_end = [], [], [], []
        total = 0.0
        for d in range(days):
            works = every_day or clock.calendar.is_working_day(clock.start + dt.timedelta(days=d))
            length = end - start if works else 0.0
            opens.append(d * 24 + start)
            lengths.append(length)
            before.append(total)
            total += length
            by_end.append(total)
        always = every_day and start == 0 and end == 24
        return WorkTime(tuple(opens), tuple(lengths), tuple(before), tuple(by_end), always)

    def worked(self, t: float) -> float:
        """Working hours from the start up to clock time t."""
        if self.always:
            return t
        d = int(t // 24)
        if d >= len(self.opens):
            return self.worked_by_end[-1]
        into = t - self.opens[d]
        length = self.lengths[d]
        return self.worked_before[d] + (0.0 if into <= 0 else length if into >= length else into)

    def finish(self, t: float, hours: float) -> float:
        """The clock time at which `hours` of work begun at clock time t is done (infinite if past
        the end of the table)."""
        if self.always:
            return t + hours
        target = self.worked(t) + hours
        d = bisect_left(self.worked_by_end, target)
        if d >= len(self.opens):
            return INFINITY
        return max(t, self.opens[d] + (target - self.worked_before[d]))

    def resume(self, t: float) -> float:
        """The first clock time from t at which the pool is at work."""
        if self.always:
            return t
        d = int(t // 24)
        while d < len(self.opens):
            if self.lengths[d] > 0 and t < self.opens[d] + self.lengths[d]:
                return max(t, self.opens[d])
            d += 1
        return INFINITY


@dataclass(frozen=True)
class Sittings:
    """Court sittings: the clock hour each begins, and its kind (weekday, saturday, bank_holiday)."""

    times: tuple[float, ...]
    kinds: tuple[str, ...]
    weekday_times: tuple[float, ...]

    @staticmethod
    def build(
        clock: Clock, days: int, weekdays: tuple[str, ...], saturday: bool, bank_holidays: bool, start_hour: float
    ) -> Sittings:
        """Sittings on the listed weekdays (not on bank holidays), on Saturdays and on bank holidays
        (Monday to Saturday) if asked; there are no Sunday courts."""
        wanted = {WEEKDAY_INDEX[w] for w in weekdays}
        times, kinds, weekday_times = [], [], []
        for d in range(days):
            day = clock.start + dt.timedelta(days=d)
            name = clock.calendar.holiday_name(day)
            holiday = name is not None and name != LOCAL_CLOSURE  # courts sit on council closure days
            kind = None
            if holiday:
                if bank_holidays and day.weekday() < 6:
                    kind = "bank_holiday"
            elif day.weekday() in wanted:
                kind = "weekday"
            elif day.weekday() == 5 and saturday:
                kind = "saturday"
            if kind is not None:
                at = d * 24 + start_hour
                times.append(at)
                kinds.append(kind)
                if kind == "weekday":
                    weekday_times.append(at)
        return Sittings(tuple(times), tuple(kinds), tuple(weekday_times))

    def next(self, t: float, weekday_only: bool) -> float:
        """The start of the first sitting at or after clock time t (infinite if none is left)."""
        times = self.weekday_times if weekday_only else self.times
        i = bisect_left(times, t)
        return times[i] if i < len(times) else INFINITY

    def kind(self, at: float) -> str:
        """The kind of the sitting that begins at `at`."""
        return self.kinds[bisect_right(self.times, at) - 1]
