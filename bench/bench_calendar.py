"""Benchmark: working-day arithmetic against a naive day-by-day count, measured in the same run.

Run: .venv/bin/python bench/bench_calendar.py   (prints figures; asserts nothing about time)
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from protoverify.model.calendar import Calendar

CALLS = 10_000


def naive_add(calendar: Calendar, start: date, n: int) -> date:
    """The baseline: step one day at a time and count working days."""
    day = start
    while n:
        day += timedelta(1)
        n -= calendar.is_working_day(day)
    return day


def timed(function) -> tuple[float, list[date]]:
    calendar = Calendar()
    calendar.add_working_days(date(2025, 1, 1), 1)  # warm the per-year caches for both runs
    started = time.perf_counter()
    results = [function(calendar, date(2025, 1, 1) + timedelta(i % 365), 1 + i % 260) for i in range(CALLS)]
    return time.perf_counter() - started, results


def main() -> None:
    fast, fast_results = timed(Calendar.add_working_days)
    slow, slow_results = timed(naive_add)
    assert fast_results == slow_results, "the two methods disagree"
    print(f"add_working_days x{CALLS:,}: {fast * 1000:.1f} ms")
    print(f"naive day-by-day  x{CALLS:,}: {slow * 1000:.1f} ms")
    print(f"ratio (naive / protoverify): {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
