"""What every check is given besides the protocol: the date it is run as of, the solver's time limit,
the window of real dates deadlines are placed on, the calendar, the reachable situations, and the
statutory baseline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from ..model.calendar import Calendar
from ..model.conditions import Condition
from ..model.schema import Protocol
from .situations import Situations

WINDOW = (dt.date(2024, 1, 1), dt.date(2028, 12, 31))
TIMEOUT_SECONDS = 10.0
LONGEST_TIMEOUT = 86_400.0  # seconds: a day per question (Z3 takes at most 2**32 - 1 ms)


@dataclass(frozen=True)
class Context:
    """The settings of one run of the checks on one protocol."""

    protocol: Protocol
    today: dt.date = field(default_factory=dt.date.today)
    timeout: float = TIMEOUT_SECONDS  # seconds, per solver query
    window: tuple[dt.date, dt.date] = WINDOW
    assumptions: tuple[Condition, ...] = ()  # domain assumptions from the file beside the protocol
    baseline: Protocol | None = None  # the statutory baseline the statute checks compare with; none: no statute checks

    @cached_property
    def calendar(self) -> Calendar:
        return self.protocol.calendar.to_calendar()

    @cached_property
    def situations(self) -> Situations:
        """The reachable situations, explored once per run and shared by the checks."""
        return Situations(self.protocol, self.assumptions)

    @property
    def timeout_ms(self) -> int:
        return max(1, int(min(self.timeout, LONGEST_TIMEOUT) * 1000))
