"""A case timeline on real dates, as Z3 terms: where the moments of one case fall, and the calendar
that deadlines are counted on.

A moment is something that happens at one instant of a case: an event, entering or leaving a state,
the situation a duty applies in beginning, a duty done. An instant is a day of a window of real dates
and an hour of that day, both whole numbers, so every model of a query is a dated timeline.

Order. Moments on the lifecycles keep the order the reachable situations allow: one can come after
another if a statechart step of the second is reachable from a step of the first, at any gap of at
least an hour (the same day included); two coincide only if they can be the same step. Each moment
happens once in a timeline. An event the protocol schedules falls its delay after the event it
follows, on any reading the source gives. Any other event may fall at any time.

Calendar. Working days are a lookup over the concrete window: the number of working days from the
timeline's first day up to a day, that is the weekdays up to it less each day of
`Calendar.working_day_table` up to it that breaks the weekday pattern (a bank holiday, a substitute
day, a closure). A time limit is then a linear condition on those counts (`on_time`), exactly as
`Calendar.due_after` and `Calendar.due_before` compute it.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass

import z3

from ..model.calendar import Calendar, Unit
from ..model.conditions import Condition, describe
from ..model.schema import Protocol
from .situations import Config, Situations

HOURS_PER_DAY = 24
DAYS = {Unit.DAYS: 1, Unit.WEEKS: 7}


@dataclass(frozen=True)
class Limit:
    """A time limit: `amount` `unit`s after its anchor, or before it (`before`); with no amount, the
    anchor itself ("prior to the final release meeting")."""

    amount: int | None
    unit: Unit | None
    before: bool = False

    def size(self) -> str:
        """The amount and unit in words: '10 working days'; '' for the anchor itself."""
        if self.amount is None or self.unit is None:
            return ""
        unit = self.unit.value.replace("_", " ")
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"

    def words(self, anchor: str) -> str:
        """The limit in words, counted from `anchor`: 'within 10 working days of entering custody'."""
        if not self.size():
            return f"before {anchor}"
        return f"no later than {self.size()} before {anchor}" if self.before else f"within {self.size()} of {anchor}"

    def span(self) -> int:
        """At most how many calendar days the limit reaches from its anchor."""
        if self.amount is None or self.unit is None:
            return 0
        if self.unit is Unit.HOURS:
            return self.amount // HOURS_PER_DAY + 1
        if self.unit is Unit.WORKING_DAYS:
            return 2 * self.amount + 14  # five working days in seven, with room for a holiday season
        return self.amount * DAYS[self.unit]

    def due(self, calendar: Calendar, anchor: dt.datetime) -> dt.datetime:
        """The exclusive deadline instant for an anchor on a real date."""
        if self.amount is None or self.unit is None:
            return anchor
        if self.before:
            return calendar.due_before(anchor, self.amount, self.unit)
        return calendar.due_after(anchor, self.amount, self.unit)


@dataclass(frozen=True)
class Moment:
    """Something that happens at one instant of a case. `steps` are the statechart steps it can be
    (None: it is on no lifecycle); a scheduled event also names the event it follows (`after`) and
    the readings of the delay (`delays`)."""

    key: str
    words: str
    clause: str | None = None
    steps: frozenset[int] | None = None
    after: Moment | None = None
    delays: tuple[Limit, ...] = ()

    @property
    def is_done(self) -> bool:
        """Whether this is a duty done, rather than something that happens to the case."""
        return self.key.startswith("done:")


@dataclass(frozen=True)
class Instant:
    """Where a moment falls: a day, counted from the timeline's first day, and an hour of that day."""

    day: z3.ArithRef
    hour: z3.ArithRef

    @property
    def hours(self) -> z3.ArithRef:
        return self.day * HOURS_PER_DAY + self.hour

    def day_later(self) -> Instant:
        return Instant(self.day + 1, self.hour)


class Moments:
    """The moments of a protocol's cases, and the order its reachable situations allow between them."""

    def __init__(self, protocol: Protocol, situations: Situations):
        self.situations = situations
        self.events = {e.id: e for e in protocol.events}
        self._next: dict[Config, set[Config]] = {}
        for step in situations.steps:
            self._next.setdefault(step.source, set()).add(step.target)
        self._distances: dict[Config, dict[Config, int]] = {}

    # --- moments ---------------------------------------------------------------------------

    def event(self, event: str, when: Condition | None = None) -> Moment:
        """An event, at a step after which `when` can hold; scheduled after another event if the
        protocol says so; on no lifecycle (any time) otherwise."""
        declared = self.events.get(event)
        words = declared.name if declared else event.replace("_", " ")
        clause = declared.clause[0] if declared else None
        indices = [i for i, s in enumerate(self.situations.steps) if s.event == event]
        steps = self._where(indices, when) if indices else None
        if declared is not None and declared.scheduled is not None:
            schedule = declared.scheduled
            readings = (schedule.delay, *((schedule.also,) if schedule.also else ()))
            delays = tuple(Limit(d.amount, d.unit) for d in readings)
            return Moment(f"event:{event}", words, clause, steps, self.event(schedule.after), delays)
        return Moment(f"event:{event}", words, clause, steps)

    def enter(self, state: str, when: Condition | None = None) -> Moment:
        """Entering `state`, at a step after which `when` can hold."""
        indices = [i for i, s in enumerate(self.situations.steps) if state not in s.source and state in s.target]
        return self._moment(f"enter:{state}", indices, when, f"{self.situations.names.get(state, state)} begins")

    def exit(self, state: str, when: Condition | None = None) -> Moment:
        """Leaving `state`, at a step after which `when` can hold."""
        indices = [i for i, s in enumerate(self.situations.steps) if state in s.source and state not in s.target]
        return self._moment(f"exit:{state}", indices, when, f"{self.situations.names.get(state, state)} ends")

    def enabling(self, event: str) -> Moment | None:
        """A case entering a state that `event` ends (a release ends custody, entered at a sentence);
        None if the event is on no lifecycle or ends only states a case starts in."""
        ended = {source for s in self.situations.steps if s.event == event for _, source, _ in s.transitions}
        ended -= self.situations.initial
        if not ended:
            return None
        indices = [i for i, s in enumerate(self.situations.steps) if any(x not in s.source and x in s.target for x in ended)]
        return self._moment(f"enables:{event}", indices, None, f"{self.event(event).words} becomes possible")

    def applies(self, when: Condition | None) -> Moment | None:
        """The situation `when` describes beginning; None if a case can be in it from the start, or if
        it turns on no lifecycle (it then holds, or not, for the whole case)."""
        if when is None or self.situations.residual(when, self.situations.initial) is not False:
            return None
        steps = self.situations.steps
        indices = [i for i, s in enumerate(steps) if self.situations.residual(when, s.source) is False]
        return self._moment(f"applies:{describe(when)}", indices, when, f"the case comes to be where {describe(when)}")

    def done(self, duty: str, words: str, clause: str) -> Moment:
        """A duty done: on no lifecycle; each question says when it can be."""
        return Moment(f"done:{duty}", words, clause)

    def _moment(self, key: str, indices: list[int], when: Condition | None, words: str) -> Moment:
        """A moment at the given steps (those after which `when` can hold), in the words of its event
        if it has only one."""
        kept = self._where(indices, when)
        events = {self.situations.steps[i].event for i in kept}
        if len(events) == 1:
            named = self.event(events.pop())
            return Moment(key, named.words, named.clause, kept)
        return Moment(key, words, None, kept)

    def _where(self, indices: list[int], when: Condition | None) -> frozenset[int]:
        """The steps after which `when` can hold, given the attributes that led there."""
        if when is None:
            return frozenset(indices)
        kept = []
        for i in indices:
            step = self.situations.steps[i]
            rest = self.situations.residual(when, step.target)
            if rest is False:
                continue
            literals = step.condition if rest is True else step.condition | {(rest, True)}
            if self.situations.feasible(frozenset(literals)):
                kept.append(i)
        return frozenset(kept)

    # --- order -----------------------------------------------------------------------------

    def relations(self, a: Moment, b: Moment) -> dict[str, int]:
        """How `b` can stand to `a` ('after', 'same', 'before'), each with the fewest steps it takes."""
        if a.steps is None or b.steps is None:
            return {"after": 0, "same": 0, "before": 0}
        found: dict[str, int] = {}
        if a.steps & b.steps:
            found["same"] = 0
        for name, first, second in (("after", a, b), ("before", b, a)):
            gap = self._gap(first.steps, second.steps)  # type: ignore[arg-type]
            if gap is not None:
                found[name] = gap
        return found

    def _gap(self, first: frozenset[int], second: frozenset[int]) -> int | None:
        """The fewest steps from a step of `first` to a step of `second`, counting the latter."""
        steps = self.situations.steps
        best = None
        for i in first:
            distances = self._from(steps[i].target)
            for j in second:
                d = distances.get(steps[j].source)
                if d is not None and (best is None or d + 1 < best):
                    best = d + 1
        return best

    def _from(self, config: Config) -> dict[Config, int]:
        """The configurations reachable from `config`, with the fewest steps to each."""
        if config not in self._distances:
            distances = {config: 0}
            queue = deque([config])
            while queue:
                here = queue.popleft()
                for there in self._next.get(here, ()):
                    if there not in distances:
                        distances[there] = distances[here] + 1
                        queue.append(there)
            self._distances[config] = distances
        return self._distances[config]


class Timeline:
    """The instants of one case on a window of real dates, and the facts that make them an
    admissible timeline of the protocol."""

    def __init__(self, calendar: Calendar, window: tuple[dt.date, dt.date], margin: int, moments: Moments, ctx: z3.Context):
        self.moments = moments
        self.ctx = ctx
        start = window[0] - dt.timedelta(days=margin + 1)
        self.first = start - dt.timedelta(days=start.weekday())  # a Monday: day 0 of the weekday count
        table = calendar.working_day_table(self.first, window[1] + dt.timedelta(days=margin))
        # days that break the weekday pattern: +1 a non-working weekday, -1 a working weekend day
        self.exceptions = [(i, 1 if i % 7 < 5 else -1) for i, working in enumerate(table) if working != (i % 7 < 5)]
        self.low, self.high = self.index(window[0]), self.index(window[1])
        self.instants: dict[str, Instant] = {}
        self.placed: dict[str, Moment] = {}
        self._facts: list[z3.BoolRef] = []

    # --- instants ------------------------------------------------------------------------

    def index(self, date: dt.date) -> int:
        return (date - self.first).days

    def instant(self, name: str) -> Instant:
        """A fresh instant in the window (or the one already called `name`)."""
        if name not in self.instants:
            instant = Instant(z3.Int(f"{name}.day", self.ctx), z3.Int(f"{name}.hour", self.ctx))
            self._facts += [instant.day >= self.low, instant.day <= self.high, instant.hour >= 0, instant.hour < HOURS_PER_DAY]
            self.instants[name] = instant
        return self.instants[name]

    def at(self, moment: Moment) -> Instant:
        """The instant of a moment; a moment placed twice is one occurrence, at steps both allow."""
        known = self.placed.get(moment.key)
        if known is not None:
            if known.steps is not None and moment.steps is not None:
                self.placed[moment.key] = Moment(known.key, known.words, known.clause, known.steps & moment.steps, known.after, known.delays)
            return self.instants[moment.key]
        self.placed[moment.key] = moment
        instant = self.instant(moment.key)
        if moment.after is not None:
            after = self.at(moment.after)
            self._facts.append(z3.Or([self.falls(instant, after, delay) for delay in moment.delays]))
        return instant

    def require(self, *facts: z3.BoolRef) -> None:
        """Add what a question takes as given about this timeline."""
        self._facts += facts

    def facts(self) -> list[z3.BoolRef]:
        """Every instant in the window, the schedules, and the order the lifecycles allow (a moment
        at no reachable step cannot happen at all)."""
        order = [z3.BoolVal(False, self.ctx) for m in self.placed.values() if m.steps == frozenset()]
        placed = sorted(self.placed.values(), key=lambda m: m.key)
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                relations = self.moments.relations(a, b)
                if len(relations) < 3:
                    order.append(z3.Or([self._relation(a, b, r) for r in sorted(relations)], self.ctx))
        return [*self._facts, *order]

    def natural_order(self) -> list[z3.BoolRef]:
        """For each two moments that can come in either order, the order that takes fewer steps (a
        remand, then a sentence; not a sentence, a release, an arrest and a remand)."""
        preferred = []
        placed = sorted(self.placed.values(), key=lambda m: m.key)
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                relations = self.moments.relations(a, b)
                if 1 < len(relations) and a.steps is not None and b.steps is not None:
                    nearest = min(sorted(relations), key=lambda r: relations[r])
                    preferred.append(self._relation(a, b, nearest))
        return preferred

    def spread(self) -> list[z3.BoolRef]:
        """For each two things that happen to the case, that they fall on different days: a witness
        that reads as days, not hours."""
        days = [self.instants[key].day for key, m in sorted(self.placed.items()) if not m.is_done]
        return [x != y for i, x in enumerate(days) for y in days[i + 1 :]]

    def _relation(self, a: Moment, b: Moment, relation: str) -> z3.BoolRef:
        x, y = self.instants[a.key].hours, self.instants[b.key].hours
        return {"after": x < y, "same": x == y, "before": x > y}[relation]

    # --- the calendar --------------------------------------------------------------------

    def working_days(self, day: z3.ArithRef) -> z3.ArithRef:
        """The number of working days from the timeline's first day up to `day`, inclusive."""
        weekdays = 5 * (day / 7) + z3.If(day % 7 >= 4, 5, day % 7 + 1)
        breaks = [z3.If(day >= i, sign, 0) for i, sign in self.exceptions]
        return weekdays - z3.Sum(breaks) if breaks else weekdays

    def is_working(self, day: z3.ArithRef) -> z3.BoolRef:
        return self.working_days(day) - self.working_days(day - 1) == 1

    def on_time(self, done: Instant, anchor: Instant, limit: Limit) -> z3.BoolRef:
        """Whether something done at `done` meets `limit` counted from `anchor`: strictly before the
        deadline instant `Calendar.due_after` (or `due_before`) gives."""
        amount, unit = limit.amount, limit.unit
        if amount is None or unit is None:
            return done.hours < anchor.hours
        if unit is Unit.HOURS:
            return done.hours < anchor.hours - amount if limit.before else done.hours < anchor.hours + amount
        if unit is Unit.WORKING_DAYS:
            if limit.before:  # at least `amount` working days from done's day to the day before the anchor
                return self.working_days(anchor.day - 1) - self.working_days(done.day - 1) >= amount
            return self.working_days(done.day - 1) - self.working_days(anchor.day) <= amount - 1
        days = amount * DAYS[unit]
        return done.day <= anchor.day - days if limit.before else done.day <= anchor.day + days

    def falls(self, event: Instant, after: Instant, delay: Limit) -> z3.BoolRef:
        """Whether `event` falls on the day `delay` after `after` (at the hour, for hours)."""
        amount, unit = delay.amount or 0, delay.unit
        if unit is Unit.HOURS:
            return event.hours == after.hours + amount
        if unit is Unit.WORKING_DAYS:  # the amount-th working day after
            counted = self.working_days(event.day) - self.working_days(after.day)
            return z3.And(counted == amount, self.working_days(event.day - 1) - self.working_days(after.day) == amount - 1)
        return event.day == after.day + amount * DAYS[unit]  # type: ignore[index]

    # --- reading a model -----------------------------------------------------------------

    def when(self, model: z3.ModelRef, instant: Instant) -> dt.datetime:
        """The real date and hour of an instant in a model."""
        day = model.eval(instant.day, model_completion=True).as_long()
        hour = model.eval(instant.hour, model_completion=True).as_long()
        return dt.datetime.combine(self.first + dt.timedelta(days=day), dt.time(hour))
