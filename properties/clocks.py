"""When each duty's clock starts and its window opens, on the timelines of one run of the deadline checks.

What the deadline questions share (`Setting`): the protocol, the run's context, the moments of its
cases; each duty's quantified limit (`deadline`, from `model.timescales.limits`); the moment that
starts its clock (`start_moment`, from `model.timescales.start`), when its window opens (`opening`) and
what its limit is counted from (`anchor`); whether two duties can apply in one case (`together`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import z3

from ..model.calendar import Limit
from ..model.conditions import Condition
from ..model.names import names
from ..model.schema import Duty, Protocol, clause_sort_key
from ..model.timescales import delays, duty_limits, start
from .context import Context
from .findings import Finding, Kind, Severity, make
from .timeline import Instant, Moment, Moments, Timeline


@dataclass(frozen=True)
class Deadline:
    """A duty's quantified time limit: the limit, the source's second reading of it if it gives
    one, and the event a limit 'before' counts back from."""

    duty: Duty
    limits: tuple[Limit, ...]
    event: str | None = None

    @property
    def limit(self) -> Limit:
        return self.limits[0]


def deadline(duty: Duty) -> Deadline | None:
    """The duty's quantified limit (`model.timescales.limits`), or None if its timescale is only vague,
    recurring or unspecified, or a limit after a trigger the duty does not have."""
    found = duty_limits(duty)
    return Deadline(duty, found.readings, found.event) if found.readings else None


def margin(protocol: Protocol) -> int:
    """How many days beyond the window a deadline or a scheduled event can reach."""
    reach = [limit for duty in protocol.duties if (d := deadline(duty)) for limit in d.limits]
    reach += [delay for e in protocol.events if e.scheduled for delay in delays(e.scheduled)]
    return max((limit.span() for limit in reach), default=0) + 7


@dataclass(frozen=True)
class Setting:
    """What the questions of one run share: the protocol, the run's context, the moments of its cases."""

    protocol: Protocol
    context: Context
    moments: Moments
    ctx: z3.Context
    margin: int

    def timeline(self) -> Timeline:
        return Timeline(self.context.calendar, self.context.window, self.margin, self.moments, self.ctx, self.counting)

    @cached_property
    def counting(self) -> dict:
        """The calendar's facts, made once for the run's timelines (`timeline.Counting`, `timeline.MonthShift`)."""
        return {}

    def focus(self, timeline: Timeline) -> tuple[int, int] | None:
        """The days a witness is first looked for in: the year from the run's date, with the margin
        a limit or a schedule can reach either side (within the window); None if that is empty."""
        today = timeline.index(self.context.today)
        first, last = max(timeline.low, today - self.margin), min(timeline.high, today + 365 + self.margin)
        return (first, last) if first <= last else None

    @cached_property
    def _deadlines(self) -> tuple[Deadline, ...]:
        return tuple(d for duty in self.protocol.duties if (d := deadline(duty)))

    @property
    def deadlines(self) -> list[Deadline]:
        return list(self._deadlines)

    @cached_property
    def starts(self) -> dict[str, Moment | None]:
        """What starts each duty's clock, by duty (see `start`)."""
        return {}

    @cached_property
    def openings(self) -> dict[str, Moment | None]:
        """When each duty's window opens, by duty (see `opening`)."""
        return {}

    @cached_property
    def together(self) -> dict[tuple[str, str], bool]:
        """Whether two duties can apply in one case, by the reprs of their conditions (see `together`)."""
        return {}

    @cached_property
    def options(self) -> dict[str, list[frozenset]]:
        """The attribute literals under which each condition (by its repr) can hold (see `together`)."""
        return {}


def start_moment(setting: Setting, duty: Duty) -> Moment | None:
    """What starts the duty's clock (its trigger), or else the situation it applies in beginning."""
    if duty.id not in setting.starts:
        setting.starts[duty.id] = _start(setting, duty)
    return setting.starts[duty.id]


def _start(setting: Setting, duty: Duty) -> Moment | None:
    moments, begins = setting.moments, start(setting.protocol, duty)
    if begins is None or not begins.is_trigger:
        return moments.applies(duty.when)
    name: str = begins.name  # type: ignore[assignment]
    if begins.kind == "event":
        return moments.event(name, duty.when)
    if begins.kind == "enter":
        return moments.enter(name, duty.when)
    if begins.kind == "exit":
        return moments.exit(name, duty.when)
    return done(setting, duty_by_id(setting.protocol, name))


def done(setting: Setting, duty: Duty) -> Moment:
    return setting.moments.done(duty.id, duty.action, duty.clause[0])


def opening(setting: Setting, duty: Duty, seen: frozenset[str] = frozenset()) -> Moment | None:
    """When the duty's window opens, with every duty before it done at once: its start; for a duty
    due before an event and started by nothing, the case coming into a situation in which that event
    can happen (a release can only follow a sentence), or the event it is scheduled after."""
    if not seen:
        if duty.id not in setting.openings:
            setting.openings[duty.id] = _opening(setting, duty, seen)
        return setting.openings[duty.id]
    return _opening(setting, duty, seen)


def _opening(setting: Setting, duty: Duty, seen: frozenset[str]) -> Moment | None:
    if duty.trigger is not None and duty.trigger.duty is not None:
        upstream = duty_by_id(setting.protocol, duty.trigger.duty)
        return None if upstream.id in seen else opening(setting, upstream, seen | {duty.id})
    begins = start_moment(setting, duty)
    if begins is not None or duty.timescale is None or duty.timescale.before is None:
        return begins
    event = duty.timescale.before.event
    return setting.moments.enabling(event) or setting.moments.event(event).after


def anchor(setting: Setting, timeline: Timeline, due: Deadline, begins: Instant | None) -> Instant | None:
    """The instant a limit is counted from on a timeline: the duty's start, or the event it is due
    before, which comes after the duty's window opens."""
    if due.event is None:
        return begins
    event = timeline.at(setting.moments.event(due.event))
    if begins is not None:
        timeline.require(begins.hours < event.hours)
    return event


def soon(setting: Setting, timeline: Timeline, instants: list[Instant]) -> list[z3.BoolRef]:
    """Preferences for a witness: dates in the year from the run's date, on working days, in the daytime."""
    today = timeline.index(setting.context.today)
    return [
        *(i.day >= today for i in instants),
        *(i.day <= today + 365 for i in instants),
        *(timeline.is_working(i.day) for i in instants),
        *(z3.And(i.hour >= 10, i.hour <= 16) for i in instants),
    ]


def together(setting: Setting, a: Duty, b: Duty) -> bool:
    """Whether two duties can apply in one case: situations where each applies are reachable with
    the same attribute values."""
    situations = setting.context.situations

    def options(when: Condition | None) -> list[frozenset]:
        if when is None:
            return [frozenset()]
        key = repr(when)
        if key not in setting.options:
            support = situations.support(when)  # where `when` can hold: only configurations with one of these states
            candidates = situations.containing(support) if support is not None else situations.configurations
            found: set[frozenset] = set()
            for config in candidates:
                rest = situations.residual(when, config)  # what it leaves to the attributes
                if rest is not False:
                    found.update(
                        path if rest is True else path | {(rest, True)} for path in situations.configurations[config]
                    )
            setting.options[key] = sorted(found, key=lambda literals: (len(literals), sorted(map(repr, literals))))
        return setting.options[key]

    # asked again about the same two conditions, the answer is the same (and every feasibility test
    # it took is already known)
    key = (repr(a.when), repr(b.when))
    if key not in setting.together:
        setting.together[key] = any(situations.feasible(x | y) for x in options(a.when) for y in options(b.when))
    return setting.together[key]


def start_words(setting: Setting, duty: Duty) -> str:
    """What the duty's limit is counted from, in words."""
    due = deadline(duty)
    if due is not None and due.event is not None:
        return event_name(setting, due.event)
    begins = start_moment(setting, duty)
    return begins.words if begins is not None else "the start"


def event_name(setting: Setting, event: str | None) -> str:
    """An event's name, as its moment on a timeline says it."""
    return setting.moments.event(event).words if event else ""


def undecided(
    setting: Setting, kind: Kind, asked: str, clauses: Iterable[str], what: str, reason: str, duties: Iterable[Duty]
) -> Finding:
    """A question the solver did not answer within the time limit: an open error, never a pass."""
    duties = list(duties)
    return make(
        kind,
        asked,
        "error",
        sorted(set(clauses), key=clause_sort_key),
        f"Not decided: whether {what}. No answer came within {setting.context.timeout:g} s ({reason}): unknown, "
        "not a pass.",
        agencies=agencies(setting.protocol, duties),
        suggestion="Re-run with a longer --timeout.",
        decided=False,
        duties=[d.id for d in duties],
    )


def severity(duty: Duty) -> Severity:
    """A finding's severity on a duty: an error for a `must`, else a warning."""
    return "error" if duty.modality == "must" else "warning"


def agencies(protocol: Protocol, duties: Iterable[Duty]) -> list[str]:
    """The agencies that hold the duties (a role counts as its agency), in order of first mention."""
    agency_of = names(protocol).agency
    return [agency_of[p] for d in duties for p in d.actor or () if p in agency_of]


def duty_by_id(protocol: Protocol, duty: str) -> Duty:
    """The duty with the id (its first occurrence)."""
    index = duty_index(protocol)
    return (
        protocol.duties[index.position[duty]]
        if duty in index.position
        else next(d for d in protocol.duties if d.id == duty)
    )


@dataclass(frozen=True)
class _Index:
    """Where each duty stands in the protocol (its first occurrence), and the duties that produce
    each artefact, in protocol order."""

    protocol: Protocol
    position: dict[str, int]
    producers: dict[str, list[Duty]]


_INDEX: list[_Index] = []


def duty_index(protocol: Protocol) -> _Index:
    """The index of the protocol's duties (kept for the last protocol asked about)."""
    if not _INDEX or _INDEX[0].protocol is not protocol:
        position: dict[str, int] = {}
        producers: dict[str, list[Duty]] = {}
        for i, d in enumerate(protocol.duties):
            position.setdefault(d.id, i)
            for artefact in dict.fromkeys(d.produces):
                producers.setdefault(artefact, []).append(d)
        _INDEX[:] = [_Index(protocol, position, producers)]
    return _INDEX[0]
