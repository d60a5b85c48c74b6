"""A duty's timescale as limits the calendar can count, and what starts the duty's clock.

Every part of protoverify that reads a timescale reads it here: the deadline checks, the statute
checks, the comparison of two versions of a protocol, and the simulation.

- `limits(timescale)`, and `duty_limits(duty)`: its limit, counted after what starts the duty's
  clock (`within`; `same_day`: by the close of the day it starts, `SAME_DAY`) or back from an event
  (`before`), in each reading the source gives ("3 weeks
  (15 working days)": the second is `also`), and the longest interval of a recurring duty
  (`every`). Vague words and `at` an event set no limit that can be counted.
- `delays(schedule)`: when a scheduled event falls after the event it follows, in each reading.
- `start(protocol, duty)`: what starts the duty's clock: an event, entering or leaving a state,
  another duty done; with no trigger, the case coming into the situation the duty applies in, or
  the event it is due before (or at) becoming possible.

A limit (`calendar.Limit`) becomes a deadline on a real date in one way: `Limit.due`, which is
`Calendar.due_after` or `Calendar.due_before` (model/calendar.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .calendar import Limit, Unit
from .conditions import comparisons

if TYPE_CHECKING:
    from .schema import Duration, Duty, Protocol, Schedule, Timescale, Trigger

TRIGGERS = ("event", "enter", "exit", "duty")
SAME_DAY = Limit(0, Unit.DAYS)
"""'On the same day': by the close of the day the duty's clock starts (`Calendar.due_after`, 0 days)."""


def limit(duration: Duration, before: bool = False) -> Limit:
    """A duration of the file as a limit after its anchor (or before it)."""
    return Limit(duration.amount, duration.unit, before)


@dataclass(frozen=True)
class Limits:
    """What a timescale sets that the calendar can count: its limit in each reading the source gives
    (the first as stated, the second its `also`), counted back from `event` if it is a limit before
    an event, else after what starts the duty's clock; and the longest interval of a recurring duty."""

    readings: tuple[Limit, ...] = ()
    event: str | None = None
    every: Limit | None = None

    @property
    def how(self) -> Literal["within", "before"] | None:
        """How the limit counts: after the start (`within`), back from an event (`before`), or None."""
        if not self.readings:
            return None
        return "before" if self.readings[0].before else "within"


def limits(timescale: Timescale | None) -> Limits:
    """The limits a timescale sets (see `Limits`); none for vague words, `at` an event or no timescale."""
    if timescale is None:
        return Limits()
    every = limit(timescale.every) if timescale.every is not None else None
    also = timescale.also
    if timescale.within is not None:
        second = (limit(also),) if also else ()
        return Limits((limit(timescale.within), *second), None, every)
    if timescale.same_day:
        return Limits((SAME_DAY,), None, every)
    if timescale.before is not None:
        before = timescale.before
        second = (limit(also, before=True),) if also else ()
        return Limits((Limit(before.amount, before.unit, before=True), *second), before.event, every)
    return Limits((), None, every)


def duty_limits(duty: Duty) -> Limits:
    """The limits of a duty's timescale that can be counted for it: a limit after what starts its
    clock only if its trigger says what that is (the loader insists it does)."""
    found = limits(duty.timescale)
    if found.how == "within" and duty.trigger is None:
        return Limits((), None, found.every)
    return found


def delays(schedule: Schedule) -> tuple[Limit, ...]:
    """How long after the event it follows a scheduled event falls, in each reading the source gives."""
    return (limit(schedule.delay), *((limit(schedule.also),) if schedule.also else ()))


# --- what starts a duty's clock --------------------------------------------------------------------

StartKind = Literal["event", "enter", "exit", "duty", "situation", "possible"]


@dataclass(frozen=True)
class Start:
    """What starts a duty's clock: an event, entering or leaving a state, another duty done (its
    trigger, naming it); with no trigger, the case coming into the situation the duty applies in, or
    the event it is due before (or at) becoming possible (naming the event)."""

    kind: StartKind
    name: str | None

    @property
    def is_trigger(self) -> bool:
        """Whether the duty's own trigger starts it."""
        return self.kind in TRIGGERS


def trigger_start(trigger: Trigger | None) -> Start | None:
    """What a trigger says starts a duty's clock (None for no trigger)."""
    if trigger is not None:
        for kind in TRIGGERS:
            if getattr(trigger, kind) is not None:
                return Start(kind, getattr(trigger, kind))
    return None


def start(protocol: Protocol, duty: Duty) -> Start | None:
    """What starts the duty's clock; None for a standing duty (sharing information, reviewing the
    protocol), which nothing in a case starts."""
    if duty.trigger is not None:
        return trigger_start(duty.trigger)
    lifecycles = {lc.id for lc in protocol.lifecycles}
    if duty.when is not None and any(test.key in lifecycles for test in comparisons(duty.when)):
        return Start("situation", None)
    timescale = duty.timescale
    if timescale is not None and (timescale.before is not None or timescale.at is not None):
        return Start("possible", timescale.before.event if timescale.before is not None else timescale.at)
    return None
