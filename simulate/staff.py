"""The practitioners of a staff pool at work: who is free, who waits, and the hours they are busy."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from .cases import Part
from .clock import WorkTime


class Practitioners:
    """The practitioners of a staff pool (or its on-call rota): a request takes a free one at once, or
    waits its turn: court cover first, then tasks' parts first come first served. How many are at
    work on the protocol's duties can change from day to day; those busy beyond the new number finish
    first.

    For a staff pool it also adds up, in working hours inside the measured window, the hours its
    practitioners were busy and the hours they were at work but free: utilisation is the first over
    the two together."""

    __slots__ = (
        "capacity",
        "busy",
        "urgent",
        "waiting",
        "take_up",
        "work",
        "window",
        "since",
        "busy_hours",
        "free_hours",
    )

    def __init__(
        self,
        capacity: int,
        take_up: Callable[[Part], None] | None = None,
        work: WorkTime | None = None,
        window: tuple[float, float] = (0.0, 0.0),
    ):
        self.capacity = capacity
        self.busy = 0
        self.urgent: deque = deque()  # callables: court cover
        self.waiting: deque = deque()  # parts of tasks
        self.take_up = take_up  # take_up(part) when a practitioner is free for it
        self.work = work
        self.window = window
        self.since = 0.0
        self.busy_hours = 0.0
        self.free_hours = 0.0

    def request(self, now: float, part: Part) -> None:
        """`take_up(part)` when a practitioner is free (now, if one is)."""
        if self.busy < self.capacity and not self.urgent and not self.waiting:
            self.account(now)
            self.busy += 1
            self.take_up(part)  # type: ignore[misc]
        else:
            self.waiting.append(part)

    def request_urgent(self, now: float, start: Callable[[], None]) -> None:
        """`start()` when a practitioner is free (now, if one is), before any part waiting."""
        if self.busy < self.capacity and not self.urgent and not self.waiting:
            self.account(now)
            self.busy += 1
            start()
        else:
            self.urgent.append(start)

    def release(self, now: float) -> None:
        """A practitioner is free again."""
        self.account(now)
        self.busy -= 1
        if self.urgent or self.waiting:
            self._start_waiting()

    def staff(self, now: float, count: int) -> None:
        """From now, `count` practitioners."""
        self.account(now)
        self.capacity = count
        self._start_waiting()

    def account(self, now: float) -> None:
        """Add the busy and free working hours since the last change (for a staff pool)."""
        work = self.work
        if work is None:
            return
        low, high = self.window
        since = self.since
        begin = since if since > low else low
        end = now if now < high else high
        self.since = now
        if end <= begin:
            return
        hours = end - begin if work.always else work.worked(end) - work.worked(begin)
        if hours > 0:
            busy = self.busy
            self.busy_hours += busy * hours
            if self.capacity > busy:
                self.free_hours += (self.capacity - busy) * hours

    def _start_waiting(self) -> None:
        while self.busy < self.capacity and (self.urgent or self.waiting):
            self.busy += 1
            if self.urgent:
                self.urgent.popleft()()
            else:
                self.take_up(self.waiting.popleft())  # type: ignore[misc]
