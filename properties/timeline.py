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
`Calendar.due_after` and `Calendar.due_before` compute it. A limit in calendar months is a lookup of
the same kind: the day N months on is the day plus a shift that is constant over runs of days
(`MonthShift`), by the calendar's end-of-month rule.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

import z3

from ..model.calendar import HOURS_PER_DAY, Calendar, Limit, Unit, add_months
from ..model.conditions import Condition, describe
from ..model.names import condition_words, names
from ..model.schema import Protocol
from ..model.timescales import delays
from ..model.wording import start_phrase
from .situations import Config, Situations

FOCUS_PAD = 7  # days either side of a focus over which the calendar is still encoded exactly
DAYS = {Unit.DAYS: 1, Unit.WEEKS: 7}


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
        self.names = names(protocol)
        # the steps (by index, in order) of each event, from and to each configuration, and those that
        # enter or leave each state; and the configurations a step leads to from each
        of_event: dict[str, list[int]] = {}
        from_config: dict[Config, list[int]] = {}
        to_config: dict[Config, list[int]] = {}
        entering: dict[str, list[int]] = {}
        leaving: dict[str, list[int]] = {}
        following: dict[Config, set[Config]] = {}
        for i, step in enumerate(situations.steps):
            source, target = step.source, step.target
            for index, key in ((of_event, step.event), (from_config, source), (to_config, target)):
                found = index.get(key)
                if found is None:
                    index[key] = [i]
                else:
                    found.append(i)
            if source is target:
                continue  # it changes nothing: no configuration nor state is reached by it
            if source in following:
                following[source].add(target)
            else:
                following[source] = {target}
            for state in target - source:
                entering.setdefault(state, []).append(i)
            for state in source - target:
                leaving.setdefault(state, []).append(i)
        self._of_event, self._from_config, self._to_config = of_event, from_config, to_config
        self._entering, self._leaving, self._next = entering, leaving, following
        # Each moment and each relation is worked out once; a condition is known by its repr, which
        # keeps where it stands in the file, so a moment found again is the one found first.
        self._moments: dict[tuple, Moment | None] = {}
        self._feasible: dict[tuple[int, int], bool] = {}  # see `_where`
        self._relations: dict[tuple[frozenset[int], frozenset[int]], dict[str, int]] = {}
        self._gaps: dict[tuple[frozenset[int], frozenset[int]], int | None] = {}
        self._distances: dict[frozenset[int], dict[Config, int]] = {}
        self._left: dict[frozenset[int], frozenset[Config]] = {}

    # --- moments ---------------------------------------------------------------------------

    def event(self, event: str, when: Condition | None = None) -> Moment:
        """An event, at a step after which `when` can hold; scheduled after another event if the
        protocol says so; on no lifecycle (any time) otherwise."""
        key = ("event", event, repr(when))
        if key not in self._moments:
            self._moments[key] = self._event(event, when)
        return self._moments[key]  # type: ignore[return-value]

    def _event(self, event: str, when: Condition | None) -> Moment:
        declared = self.events.get(event)
        words = start_phrase("event", "moment", event=self.names.event(event))
        clause = declared.clause[0] if declared else None
        indices = self._of_event.get(event, [])
        steps = self._where(indices, when) if indices else None
        if declared is not None and declared.scheduled is not None:
            schedule = declared.scheduled
            return Moment(f"event:{event}", words, clause, steps, self.event(schedule.after), delays(schedule))
        return Moment(f"event:{event}", words, clause, steps)

    def enter(self, state: str, when: Condition | None = None) -> Moment:
        """Entering `state`, at a step after which `when` can hold."""
        key = ("enter", state, repr(when))
        if key not in self._moments:
            indices = self._entering.get(state, [])
            words = start_phrase("enter", "moment", state=self.names.state(state))
            self._moments[key] = self._moment(f"enter:{state}", indices, when, words)
        return self._moments[key]  # type: ignore[return-value]

    def exit(self, state: str, when: Condition | None = None) -> Moment:
        """Leaving `state`, at a step after which `when` can hold."""
        key = ("exit", state, repr(when))
        if key not in self._moments:
            indices = self._leaving.get(state, [])
            words = start_phrase("exit", "moment", state=self.names.state(state))
            self._moments[key] = self._moment(f"exit:{state}", indices, when, words)
        return self._moments[key]  # type: ignore[return-value]

    def enabling(self, event: str) -> Moment | None:
        """A case entering a state that `event` ends (a release ends custody, entered at a sentence);
        None if the event is on no lifecycle or ends only states a case starts in."""
        key = ("enabling", event)
        if key not in self._moments:
            steps = self.situations.steps
            ended = {source for i in self._of_event.get(event, ()) for _, source, _ in steps[i].transitions}
            ended -= self.situations.initial
            if not ended:
                self._moments[key] = None
            else:
                indices = sorted({i for x in ended for i in self._entering.get(x, ())})
                words = start_phrase("possible", "moment", event=self.event(event).words)
                self._moments[key] = self._moment(f"enables:{event}", indices, None, words)
        return self._moments[key]

    def applies(self, when: Condition | None) -> Moment | None:
        """The situation `when` describes beginning; None if a case can be in it from the start, or if
        it turns on no lifecycle (it then holds, or not, for the whole case)."""
        key = ("applies", repr(when))
        if key not in self._moments:
            self._moments[key] = self._applies(when)
        return self._moments[key]

    def _applies(self, when: Condition | None) -> Moment | None:
        situations = self.situations
        if when is None or situations.residual(when, situations.initial) is not False:
            return None
        support = situations.support(when)
        if support is None:
            indices = sorted(
                i
                for config, found in self._from_config.items()
                if situations.residual(when, config) is False
                for i in found
            )
        else:  # only a step into a configuration with one of the states `when` requires can bring it about
            into = {i for config in situations.containing(support) for i in self._to_config.get(config, ())}
            indices = sorted(i for i in into if situations.residual(when, situations.steps[i].source) is False)
        words = start_phrase("situation", "moment", situation=condition_words(self.situations.protocol, when))
        return self._moment(f"applies:{describe(when)}", indices, when, words)

    def done(self, duty: str, action: str, clause: str) -> Moment:
        """A duty done: on no lifecycle; each question says when it can be."""
        return Moment(f"done:{duty}", start_phrase("duty", "moment", action=action), clause)

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
            key = (id(step.condition), id(rest))  # both kept alive (by the step, by the residuals' memo)
            found = self._feasible.get(key)
            if found is None:
                literals = step.condition if rest is True else step.condition | {(rest, True)}
                found = self._feasible[key] = self.situations.feasible(frozenset(literals))
            if found:
                kept.append(i)
        return frozenset(kept)

    # --- order -----------------------------------------------------------------------------

    def relations(self, a: Moment, b: Moment) -> dict[str, int]:
        """How `b` can stand to `a` ('after', 'same', 'before'), each with the fewest steps it takes."""
        if a.steps is None or b.steps is None:
            return {"after": 0, "same": 0, "before": 0}
        key = (a.steps, b.steps)
        if key not in self._relations:
            found: dict[str, int] = {}
            if a.steps & b.steps:
                found["same"] = 0
            for name, first, second in (("after", a.steps, b.steps), ("before", b.steps, a.steps)):
                gap = self._gap(first, second)
                if gap is not None:
                    found[name] = gap
            self._relations[key] = found
        return dict(self._relations[key])

    def _gap(self, first: frozenset[int], second: frozenset[int]) -> int | None:
        """The fewest steps from a step of `first` to a step of `second`, counting the latter."""
        key = (first, second)
        if key not in self._gaps:
            distances = self._from(first)
            goals = self._sources(second)
            if len(goals) > len(distances):
                found = [d for config, d in distances.items() if config in goals]
            else:
                found = [distances[config] for config in goals if config in distances]
            self._gaps[key] = min(found) + 1 if found else None
        return self._gaps[key]

    def _sources(self, steps: frozenset[int]) -> frozenset[Config]:
        """The configurations the steps leave."""
        if steps not in self._left:
            self._left[steps] = frozenset(self.situations.steps[i].source for i in steps)
        return self._left[steps]

    def _from(self, first: frozenset[int]) -> dict[Config, int]:
        """The configurations reachable after a step of `first`, with the fewest steps to each from
        the nearest configuration such a step leads to (one search for every question about it)."""
        if first not in self._distances:
            steps = self.situations.steps
            frontier = sorted({steps[i].target for i in first}, key=sorted)
            distances = dict.fromkeys(frontier, 0)
            queue = deque(frontier)
            while queue:
                here = queue.popleft()
                for there in self._next.get(here, ()):
                    if there not in distances:
                        distances[there] = distances[here] + 1
                        queue.append(there)
            self._distances[first] = distances
        return self._distances[first]


@lru_cache(maxsize=16)
def exceptions(calendar: Calendar, first: dt.date, last: dt.date) -> tuple[tuple[int, int], ...]:
    """The days from `first` (a Monday, day 0) to `last` that break the weekday pattern: +1 a
    non-working weekday, -1 a working weekend day (the same for every timeline of a run)."""
    table = calendar.working_day_table(first, last)
    return tuple((i, 1 if i % 7 < 5 else -1) for i, working in enumerate(table) if working != (i % 7 < 5))


class Counting:
    """The calendar as facts on one day: its week, its place in the week, and the count of days up
    to it that break the weekday pattern. For each run of days between two breaks, a day in the run
    has the count of breaks up to the run. The facts are made once, on placeholder variables, and
    each day counted takes a copy; with a focus (a first and last day), only the runs a few days
    either side of it, the day being held there."""

    def __init__(self, exceptions: list[tuple[int, int]], ctx: z3.Context):
        self.exceptions, self.ctx = exceptions, ctx
        self.placeholders = tuple(z3.Int(f"counted.{name}", ctx) for name in ("day", "week", "weekday", "breaks"))
        self._templates: dict[tuple[int, int] | None, z3.BoolRef] = {}

    def template(self, focus: tuple[int, int] | None) -> tuple[z3.BoolRef, tuple[z3.ArithRef, ...]]:
        if focus not in self._templates:
            day, week, weekday, breaks = self.placeholders
            low, high = (None, None) if focus is None else (focus[0] - FOCUS_PAD, focus[1] + FOCUS_PAD)
            facts = [day == 7 * week + weekday, weekday >= 0, weekday <= 6]
            if low is not None and high is not None:
                facts += [day >= low, day <= high]
            for first, last, count in self.runs(low, high):
                inside = []  # the run's bounds, where it has them
                if first is not None:
                    inside.append(day >= first)
                if last is not None:
                    inside.append(day <= last)
                facts.append(
                    z3.Implies(inside[0] if len(inside) == 1 else z3.And(*inside), breaks == count)
                    if inside
                    else breaks == count
                )
            self._templates[focus] = z3.And(*facts)
        return self._templates[focus], self.placeholders

    def runs(self, low: int | None, high: int | None) -> list[tuple[int | None, int | None, int]]:
        """The runs of days with the same count of breaks up to them (first and last day, None for no
        bound, and the count), for the days from `low` to `high` (None: all)."""
        runs: list[tuple[int | None, int | None, int]] = []
        count, first = 0, low
        for day, sign in self.exceptions:
            if low is not None and day <= low:
                count += sign
                continue
            if high is not None and day > high:
                break
            runs.append((first, day - 1, count))
            count, first = count + sign, day
        runs.append((first, high, count))
        return runs


class MonthShift:
    """Calendar months as facts on one day: the day `months` calendar months later (earlier, if
    negative), by the end-of-month rule (`calendar.add_months`). The shift in days is the same over
    runs of days (the days of a month up to the length of the shorter month, then each day cut to
    its last day), so the facts are one per run, made once on placeholder variables; each day
    shifted takes a copy. With a focus (a first and last day), only the runs a few days either side
    of it, the day being held there."""

    def __init__(self, first: dt.date, low: int, high: int, months: int, ctx: z3.Context):
        self.ctx = ctx
        self.placeholders = (z3.Int(f"months.{months}.day", ctx), z3.Int(f"months.{months}.shifted", ctx))
        days_of = (first + dt.timedelta(i) for i in range(low, high + 1))
        shift = [(add_months(day, months) - day).days for day in days_of]
        self.runs: list[tuple[int, int, int]] = []  # first and last day of each run, and its shift
        for i, days in enumerate(shift, start=low):
            if self.runs and self.runs[-1][2] == days:
                self.runs[-1] = (self.runs[-1][0], i, days)
            else:
                self.runs.append((i, i, days))
        self._templates: dict[tuple[int, int] | None, z3.BoolRef] = {}

    def template(self, focus: tuple[int, int] | None) -> tuple[z3.BoolRef, tuple[z3.ArithRef, z3.ArithRef]]:
        if focus not in self._templates:
            day, shifted = self.placeholders
            facts = [] if focus is None else [day >= focus[0] - FOCUS_PAD, day <= focus[1] + FOCUS_PAD]
            runs = self.runs
            if focus is not None:
                runs = [r for r in runs if r[1] >= focus[0] - FOCUS_PAD and r[0] <= focus[1] + FOCUS_PAD]
            for i, (first, last, days) in enumerate(runs):
                inside = [*([day >= first] if i else []), *([day <= last] if i + 1 < len(runs) else [])]
                held = shifted == day + days
                facts.append(z3.Implies(z3.And(*inside), held) if inside else held)  # the outer runs are open
            self._templates[focus] = z3.And(*facts)
        return self._templates[focus], self.placeholders


class Timeline:
    """The instants of one case on a window of real dates, and the facts that make them an
    admissible timeline of the protocol."""

    def __init__(
        self,
        calendar: Calendar,
        window: tuple[dt.date, dt.date],
        margin: int,
        moments: Moments,
        ctx: z3.Context,
        counting: dict[tuple, Counting | MonthShift] | None = None,
    ):
        self.moments = moments
        self.ctx = ctx
        start = window[0] - dt.timedelta(days=margin + 1)
        self.first = start - dt.timedelta(days=start.weekday())  # a Monday: day 0 of the weekday count
        self.exceptions = list(exceptions(calendar, self.first, window[1] + dt.timedelta(days=margin)))
        counting = {} if counting is None else counting  # shared by the timelines of a run, so made once
        key = (tuple(self.exceptions), self.first)
        if key not in counting:
            counting[key] = Counting(self.exceptions, ctx)
        self.counting = counting[key]
        self.low, self.high = self.index(window[0]), self.index(window[1])
        self.instants: dict[str, Instant] = {}
        self.placed: dict[str, Moment] = {}
        self._facts: list[z3.BoolRef] = []
        self._counts: dict[
            int, tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef, z3.ArithRef, z3.ArithRef]
        ] = {}  # see `working_days`
        self._shared = counting
        self._shifts: dict[tuple[int, int], tuple[z3.ArithRef, z3.ArithRef, int]] = {}  # see `months_later`

    # --- instants ------------------------------------------------------------------------

    def index(self, date: dt.date) -> int:
        return (date - self.first).days

    def instant(self, name: str) -> Instant:
        """A fresh instant in the window (or the one already called `name`)."""
        if name not in self.instants:
            instant = Instant(z3.Int(f"{name}.day", self.ctx), z3.Int(f"{name}.hour", self.ctx))
            self._facts += [
                instant.day >= self.low,
                instant.day <= self.high,
                instant.hour >= 0,
                instant.hour < HOURS_PER_DAY,
            ]
            self.instants[name] = instant
        return self.instants[name]

    def at(self, moment: Moment) -> Instant:
        """The instant of a moment; a moment placed twice is one occurrence, at steps both allow."""
        known = self.placed.get(moment.key)
        if known is not None:
            if known.steps is not None and moment.steps is not None:
                self.placed[moment.key] = Moment(
                    known.key, known.words, known.clause, known.steps & moment.steps, known.after, known.delays
                )
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

    def facts(self, focus: tuple[int, int] | None = None) -> list[z3.BoolRef]:
        """Every instant in the window, the schedules, the order the lifecycles allow (a moment at no
        reachable step cannot happen at all), and the working-day counts (`working_days`). With a
        `focus` (a first and last day), also every instant within it: a narrower question, whose
        calendar needs only the days around the focus."""
        order = [z3.BoolVal(False, self.ctx) for m in self.placed.values() if m.steps == frozenset()]
        placed = sorted(self.placed.values(), key=lambda m: m.key)
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                relations = self.moments.relations(a, b)
                if len(relations) < 3:
                    order.append(z3.Or([self._relation(a, b, r) for r in sorted(relations)], self.ctx))
        focused = []
        if focus is not None:
            first, last = focus
            focused = [z3.And(i.day >= first, i.day <= last) for _, i in sorted(self.instants.items())]
        return [*self._facts, *order, *focused, *self._counted(focus), *self._shifted(focus)]

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
        """The number of working days from the timeline's first day up to `day`, inclusive: the
        weekdays up to it (its week and its place in the week), less the days up to it that break
        the weekday pattern. The week, the place in it and the count of breaks are variables of their
        own, tied to `day` by the facts (`_counted`), so that a question can be asked over the whole
        window or, faster, over a few months of it."""
        key = day.get_id()
        if key not in self._counts:
            n = len(self._counts)
            week, weekday, breaks = (z3.Int(f"working.{n}.{name}", self.ctx) for name in ("week", "weekday", "breaks"))
            count = 5 * week + z3.If(weekday >= 4, 5, weekday + 1) - breaks
            self._counts[key] = (day, week, weekday, breaks, count)
        return self._counts[key][4]

    def _counted(self, focus: tuple[int, int] | None) -> list[z3.BoolRef]:
        """What ties each day counted in working days to its week, its place in the week and the
        breaks in the weekday pattern up to it (`Counting`)."""
        template, placeholders = self.counting.template(focus)
        return [
            z3.substitute(template, *zip(placeholders, (day, week, weekday, breaks), strict=True))
            for day, week, weekday, breaks, _ in self._counts.values()
        ]

    def months_later(self, day: z3.ArithRef, months: int) -> z3.ArithRef:
        """The day `months` calendar months after `day` (before it, if negative), by the end-of-month
        rule: a variable of its own, tied to `day` by the facts (`MonthShift`)."""
        key = (day.get_id(), months)
        if key not in self._shifts:
            shifted = z3.Int(f"months.{len(self._shifts)}.day", self.ctx)
            self._shifts[key] = (day, shifted, months)
        return self._shifts[key][1]

    def _shifted(self, focus: tuple[int, int] | None) -> list[z3.BoolRef]:
        """What ties each day shifted by calendar months to the day it is shifted from."""
        facts = []
        for day, shifted, months in self._shifts.values():
            key = ("months", months, self.first, self.low, self.high)
            if key not in self._shared:  # shared by the timelines of a run, so made once
                self._shared[key] = MonthShift(self.first, self.low - 1, self.high + 1, months, self.ctx)
            template, placeholders = self._shared[key].template(focus)
            facts.append(z3.substitute(template, *zip(placeholders, (day, shifted), strict=True)))
        return facts

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
        if unit is Unit.MONTHS:
            return done.day <= self.months_later(anchor.day, -amount if limit.before else amount)
        days = amount * DAYS[unit]
        return done.day <= anchor.day - days if limit.before else done.day <= anchor.day + days

    def falls(self, event: Instant, after: Instant, delay: Limit) -> z3.BoolRef:
        """Whether `event` falls on the day `delay` after `after` (at the hour, for hours)."""
        amount, unit = delay.amount or 0, delay.unit
        if unit is Unit.HOURS:
            return event.hours == after.hours + amount
        if unit is Unit.WORKING_DAYS:  # the amount-th working day after
            counted = self.working_days(event.day) - self.working_days(after.day)
            return z3.And(
                counted == amount, self.working_days(event.day - 1) - self.working_days(after.day) == amount - 1
            )
        if unit is Unit.MONTHS:
            return event.day == self.months_later(after.day, amount)
        return event.day == after.day + amount * DAYS[unit]  # type: ignore[index]

    # --- reading a model -----------------------------------------------------------------

    def when(self, model: z3.ModelRef, instant: Instant) -> dt.datetime:
        """The real date and hour of an instant in a model."""
        day = model.eval(instant.day, model_completion=True).as_long()
        hour = model.eval(instant.hour, model_completion=True).as_long()
        return dt.datetime.combine(self.first + dt.timedelta(days=day), dt.time(hour))
