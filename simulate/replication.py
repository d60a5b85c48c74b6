"""One replication while it runs: children arriving, moving through the protocol's lifecycles and
raising its duties as tasks that staff work in their working hours; what happens is recorded as
timestamps for `outcomes` (see `engine` for the whole story).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from numpy.random import SeedSequence

from ..model.calendar import Unit
from ..model.conditions import Condition
from .cases import Case, Flow, Move, Part, Situation, Task, flow_in
from .clock import INFINITY
from .draws import Choice, Purpose, Stream, streams
from .environment import Environment
from .lifecycles import CompiledLifecycle, Configuration
from .prepared import Model
from .scenario import LEAVE
from .staff import Practitioners

_UNKNOWN = object()


class Replication:
    """The state of one replication while it runs, and the timestamps it leaves for `outcomes`."""

    def __init__(self, model: Model, seed: SeedSequence):
        self.m = model
        self.env = Environment()
        draws = streams(seed)
        self.arrival_draws: Stream = draws[Purpose.ARRIVALS]
        self.flow_draws: Stream = draws[Purpose.FLOWS]
        self.effort_draws: Stream = draws[Purpose.EFFORT]
        self.attribute_draws: Stream = draws[Purpose.ATTRIBUTES]
        self.staff_draws: Stream = draws[Purpose.STAFFING]
        self.placement_draws: Stream = draws[Purpose.PLACEMENTS]
        self.external_draws: Stream = draws[Purpose.EXTERNAL]
        self.cohort_draws: Stream = draws[Purpose.COHORTS]
        self.direct_draws: Stream = draws[Purpose.DIRECT]
        self.staff = [
            Practitioners(pool.count, partial(self.take_up, i), pool.work, model.window)
            for i, pool in enumerate(model.pools)
        ]
        self.works = [pool.work for pool in model.pools]
        self.on_call = [Practitioners(pool.on_call) if pool.on_call else None for pool in model.pools]
        for name in (
            "next_arrival",
            "next_direct",
            "happen_scheduled",
            "placement_due",
            "flow_ends",
            "sit",
            "court_over",
            "external_done",
            "days_away",
        ):
            setattr(self, name, getattr(self, name))  # bound once: every timer on the queue shares the one bound method
        self.finishers = [partial(self.finish, i) for i in range(len(model.pools))]
        self.repeaters = [
            partial(self.repeat, i) for i in range(max((len(f.repeat) for f in model.flows.values()), default=0))
        ]
        self.cases: list[Case] = []
        self.arrivals: list[float] = []
        self.tasks: list[Task] = []
        self.parts: list[list[Part]] = [[] for _ in model.pools]
        self.sittings: dict[float, list] = {}
        self.cover: list[tuple[float, str, float]] = []  # sitting start, kind, cover began (inf: none came)
        self.yda_stays: list[tuple[float, float, int, bool, bool, bool]] = []
        """Each YDA stay: entered, left, establishment (index), placed elsewhere (its first choice was
        full), over capacity (every choice was full), ended (False: still there when the run ended)."""
        self.yda_occupied = [0] * (len(model.yda.names) if model.yda is not None else 0)
        self.rilaa_stays: list[list] = []
        self.not_taken = 0  # events a case's lifecycles could not take
        self.no_outcome = 0  # flows with no outcome whose transition was enabled
        self.events_processed = 0
        self.situations_seen: dict[tuple[Configuration, ...], Situation] = {}
        self.initial = self.situation_of(model.initial)
        # a case's attribute values as codes: bytes, unless an attribute can take more than 256 values
        self.codes: Callable[[list[int]], bytes | tuple[int, ...]] = (
            bytes if all(len(v) <= 256 for v in model.attribute_items) else tuple
        )
        self.no_values = self.codes([0] * len(model.attribute_items))
        self._sitting_now: int | None = None  # the sitting whose hearings are happening now
        self._sitting_pool: int | None = None  # the pool covering it
        self._settling = False  # events are placing a case at one instant: its flows start after (`settle`)

    # --- running ------------------------------------------------------------------------------

    def run(self) -> None:
        m, env = self.m, self.env
        end = m.window[1]
        for count, mean, events in m.cohorts:
            if count is None:
                count = self.cohort_draws.poisson(mean)
            for _ in range(count):
                case = self.new_case()
                self._settling = True
                for event in events:
                    self.happen(case, event, duties=False)
                self.settle(case, under_way=True)
        if m.arrivals_per_hour > 0:
            self.next_arrival(False)
        if m.yda is not None and m.yda.direct_per_hour > 0:
            self.next_direct(False)
        for i, pool in enumerate(m.pools):
            if pool.absence > 0 or pool.other_work > 0:
                self.next_day(i, 0)
        self.events_processed = env.run_before(end)
        for practitioners in self.staff:
            practitioners.account(end)
        for case in self.cases:
            if case.yda is not None:
                self.yda_stays.append((case.yda[0], end, *case.yda[1:], False))  # type: ignore[arg-type]
                case.yda = None

    # --- arrivals -----------------------------------------------------------------------------

    def next_arrival(self, candidate: bool) -> None:
        """Arrivals by thinning: candidates at the peak rate, each kept with its day's relative rate
        (all kept when the rate is the same every day)."""
        env, m, draws = self.env, self.m, self.arrival_draws
        if candidate:
            if m.flat:
                self.arrive()
            else:
                day = int(env.now // 24)
                if day < len(m.day_factor) and draws.uniform() < m.day_factor[day]:
                    self.arrive()
        env.call(draws.exponential() / m.arrivals_per_hour, self.next_arrival, True)

    def next_direct(self, candidate: bool) -> None:
        """YDA remands stated directly: a Poisson stream of its own."""
        if candidate:
            self.arrive(self.m.yda.direct_entry)  # type: ignore[union-attr]
        self.env.call(self.direct_draws.exponential() / self.m.yda.direct_per_hour, self.next_direct, True)  # type: ignore[union-attr]

    def arrive(self, entry: tuple[str, ...] | None = None) -> None:
        """A child arrives: attributes drawn, already looked after or not, then the `entry` events
        (the scenario's, unless others are given)."""
        m = self.m
        case = self.new_case()
        self.arrivals.append(self.env.now)
        self._settling = True
        if m.looked_after is not None and self.attribute_draws.uniform() < m.looked_after_share:
            self.happen(case, m.looked_after.draw(self.attribute_draws), duties=False)
        for event in m.entry if entry is None else entry:
            self.happen(case, event)
        self.settle(case)

    def new_case(self) -> Case:
        """A new case with drawn attributes, in the initial state of every lifecycle (its flows start
        when it has settled: `settle`)."""
        m = self.m
        if m.attribute_draws:
            draws = self.attribute_draws
            values = self.codes([0 if choice is None else choice.index(draws) for choice in m.attribute_draws])
        else:
            values = self.no_values
        case = Case(values, self.initial)
        self.cases.append(case)
        return case

    def settle(self, case: Case, under_way: bool = False) -> None:
        """After events that happen to a case at one instant (placing it, its arrival), start the flows
        of the states it is left in; a state entered and left at that instant has no flow to run. A
        case open at the start (`under_way`) is partway through its stays and between its repeated
        events: each stay, and the first of each repeated event, is the time left of one under way."""
        self._settling = False
        flows = self.m.flows
        if not flows:
            return
        for lifecycle, config in zip(self.m.lifecycles, case.situation.configs):
            for state in sorted(config, key=lifecycle.order.__getitem__):
                if state in flows and flow_in(case, state) is None:
                    self.start_flow(case, state, under_way)

    # --- events -------------------------------------------------------------------------------

    def happen(self, case: Case, event: str, duties: bool = True) -> bool:
        """The event happens to the case: its lifecycles move, duties are raised, flows start. False
        if the protocol's lifecycles take the event but none can from where the case is."""
        if case.left:
            return False
        before = case.situation
        move = before.moves.get(event, _UNKNOWN)
        if move is _UNKNOWN:
            move = self.move(case, event)
        if move is None:
            self.not_taken += 1
            return False
        case.situation = move.after
        for state in move.leave:
            self.leave_state(case, state)
        if duties:
            if move.logged:  # (events placing a case come before any duty it could be due by)
                if case.log is None:
                    case.log = {}
                case.log.setdefault(event, []).append(self.env.now)
            for plan in move.raises:
                self.raise_duty(plan, case, event)
            if move.situational:
                self.situations(case, event, before, move.situational)
        for state in move.enter:
            self.enter_state(case, state)
        for later, amount, unit in move.scheduled:
            self.schedule(case, later, amount, unit)
        return True

    def move(self, case: Case, event: str) -> Move | None:
        """What the event does to the case (None if its lifecycles refuse it), kept in the case's
        situation for every case there unless a guard decided it."""
        m, situation = self.m, case.situation
        takers = m.takers.get(event)
        exited: list[str] = []
        entered: list[str] = []
        situational: tuple[int, ...] = ()
        after = situation
        if takers is not None:
            steps = self.steps(case, event, takers)
            if steps is not None:
                configs = list(situation.configs)
                for i, step in steps:
                    configs[i] = step.after
                    exited += step.exited
                    entered += step.entered
                after = self.situation_of(tuple(configs))
                moved = {i for i, _ in steps}
                situational = tuple(plan for plan, reads in m.situational if reads & moved)
            guarded = any(lifecycle.guarded(situation.configs[i], event) for i, lifecycle in takers)
        else:
            steps, guarded = [], False
        move = None
        if steps is not None:
            tracked = m.tracked
            raises = [plan for state in exited for plan in m.on_exit.get(state, ())]
            raises += m.on_event.get(event, ())
            raises += [plan for state in entered for plan in m.on_enter.get(state, ())]
            move = Move(
                after,
                tuple(s for s in exited if s in tracked),
                tuple(s for s in entered if s in tracked),
                tuple(raises),
                situational,
                event in m.logged,
                m.scheduled.get(event, ()),
            )
        if not guarded:
            situation.moves[event] = move
        return move

    def situation_of(self, configs: tuple[Configuration, ...]) -> Situation:
        """The one situation object of these configurations."""
        situation = self.situations_seen.get(configs)
        if situation is None:
            situation = self.situations_seen[configs] = Situation(configs)
        return situation

    def situations(self, case: Case, event: str, before: Situation, plans: tuple[int, ...]) -> None:
        """Raise the duties among `plans` whose situation (`when`) the case has just come into from `before`."""
        after, values, holds = case.situation, case.values, self.when_holds
        for plan in plans:
            if holds(plan, after, values) and not holds(plan, before, values):
                self.raise_duty(plan, case, event)

    def when_holds(self, plan: int, situation: Situation, values: bytes) -> bool:
        """Whether the plan's `when` holds for a case in the situation with these attribute values."""
        decided = situation.whens.get(plan)
        if decided is None:
            decided = situation.whens[plan] = self.m.decide(self.m.plans[plan].when, situation.states)  # type: ignore[arg-type]
        if decided is True or decided is False:
            return decided
        return self.m.holds(decided, situation.states, values)

    def steps(
        self, case: Case, event: str, takers: tuple[tuple[int, CompiledLifecycle], ...] | None = None
    ) -> list[tuple[int, Any]] | None:
        """What the event would do to each lifecycle of the case (by the lifecycle's index; nothing
        applied yet); None if the protocol's lifecycles take the event but none can from where the
        case is."""
        m = self.m
        if takers is None:
            takers = m.takers.get(event)
            if takers is None:
                return []
        configs, states, values, holds = case.situation.configs, case.situation.states, case.values, m.holds

        def enabled(guard: Condition) -> bool:  # (called only where a guard must be tried)
            return holds(guard, states, values)

        found = []
        for i, lifecycle in takers:
            step = lifecycle.step(configs[i], event, enabled)
            if step is not None:
                found.append((i, step))
        return found or None

    def schedule(self, case: Case, event: str, amount: int, unit: Unit) -> None:
        """An event the protocol schedules: at the same time of day, `amount` `unit` later (a court
        hearing at the next weekday sitting from then)."""
        now, clock = self.env.now, self.m.clock
        if unit is Unit.HOURS:
            at = now + amount
        else:
            day = clock.calendar.later(clock.day(now), amount, unit)
            at = (day - clock.start).days * 24 + now % 24
        court = self.m.court
        if court is not None and event in court.hearings:
            self.list_for_sitting(court.sittings.next(at, True), (case, event))
        else:
            self.env.call(at - now, self.happen_scheduled, (case, event))

    def happen_scheduled(self, scheduled: tuple[Case, str]) -> None:
        self.happen(*scheduled)

    # --- states: flows, YDA, RiLAA ------------------------------------------------------------

    def enter_state(self, case: Case, state: str) -> None:
        m, now = self.m, self.env.now
        if state in m.flows and not self._settling:
            self.start_flow(case, state)
        if m.yda is not None and state == m.yda.state:
            self.place_in_yda(case, now)
        if m.rilaa is not None and state == m.rilaa[0]:
            available = now + m.rilaa[1].draw(self.placement_draws)
            case.rilaa = [now, available, m.rilaa[2] is None, None]
            self.rilaa_stays.append(case.rilaa)
            self.env.call(available - now, self.placement_due, (case, case.rilaa))

    def leave_state(self, case: Case, state: str) -> None:
        flow = flow_in(case, state)
        if flow is not None:  # take it out of the case's chain
            if case.flows is flow:
                case.flows = flow.next
            else:
                before = case.flows
                while before.next is not flow:  # type: ignore[union-attr]
                    before = before.next  # type: ignore[union-attr]
                before.next = flow.next  # type: ignore[union-attr]
        m = self.m
        if m.yda is not None and state == m.yda.state and case.yda is not None:
            self.yda_occupied[case.yda[1]] -= 1
            self.yda_stays.append((case.yda[0], self.env.now, *case.yda[1:], True))  # type: ignore[arg-type]
            case.yda = None
        if m.rilaa is not None and state == m.rilaa[0]:
            case.rilaa = None

    def place_in_yda(self, case: Case, now: float) -> None:
        """A bed in an establishment drawn from the mix; if it has no bed free, in the one it sends
        children to when full, and so on; if none has, in the last, over capacity."""
        plan = self.m.yda
        chosen = first = plan.mix.index(self.placement_draws)  # type: ignore[union-attr]
        over = False
        capacity, occupied = plan.capacity, self.yda_occupied  # type: ignore[union-attr]
        while capacity[chosen] is not None and occupied[chosen] >= capacity[chosen]:  # type: ignore[operator]
            following = plan.when_full[chosen]  # type: ignore[union-attr]
            if following is None:
                over = True
                break
            chosen = following
        occupied[chosen] += 1
        case.yda = [now, chosen, chosen != first, over]

    def leave_simulation(self, case: Case) -> None:
        """The case leaves (an outcome the protocol has no event for): flows stop, stays end."""
        for lifecycle, config in zip(self.m.lifecycles, case.situation.configs):
            for state in sorted(config, key=lifecycle.order.__getitem__):
                self.leave_state(case, state)
        case.left = True

    def placement_due(self, placement: tuple[Case, list]) -> None:
        self.placement_check(*placement)

    def placement_check(self, case: Case, record: list) -> None:
        """A RiLAA placement is found once the search is done and a placement is available."""
        if case.rilaa is not record or record[3] is not None:
            return
        now = self.env.now
        if record[2] and now >= record[1]:
            record[3] = now
            found = self.m.rilaa[3]  # type: ignore[index]
            if found is not None:
                self.happen(case, found)

    def start_flow(self, case: Case, state: str, under_way: bool = False) -> None:
        """Draw the stay (and hearing) and the outcome now; the outcome happens then, if the case is
        still in the state. For a case `under_way` at the start, the stay and the first of each
        repeated event are the time left of one under way (`Sampler.residual`)."""
        plan = self.m.flows[state]
        env, draws = self.env, self.flow_draws
        now = env.now
        if plan.stay is None:
            at = now
        else:
            at = now + (plan.stay.residual(draws) if under_way else plan.stay.draw(draws))
        flow = case.flows = Flow(case, state, plan.outcomes.draw(draws), case.flows)
        if plan.hearing is not None:
            sitting = self.m.court.sittings.next(at, plan.hearing[1])  # type: ignore[union-attr]
            if sitting < INFINITY:
                self.list_for_sitting(sitting, flow)
        else:
            env.call(at - now, self.flow_ends, flow)
        for i, (_, every) in enumerate(plan.repeat):
            env.call(every.residual(draws) if under_way else every.draw(draws), self.repeaters[i], flow)

    def flow_ends(self, flow: Flow) -> None:
        """The flow's outcome happens, if the case is still in the state. If the outcome's transition
        is not enabled for this case (a guard on its attributes), another is drawn from those that
        are, in proportion to their probabilities."""
        if not flow.running():
            return
        case, outcome = flow.case, flow.outcome
        if outcome == LEAVE:
            self.leave_simulation(case)
            return
        if self.happen(case, outcome):
            return
        plan = self.m.flows[flow.state]
        options = [
            (event, p)
            for event, p in zip(plan.outcomes.items, plan.outcomes.probabilities())
            if event != outcome and p > 0 and (event == LEAVE or self.steps(case, event) is not None)
        ]
        if not options:
            self.no_outcome += 1
            return
        event = Choice.of(dict(options)).draw(self.flow_draws)
        if event == LEAVE:
            self.leave_simulation(case)
        else:
            self.happen(case, event)

    def repeat(self, i: int, flow: Flow) -> None:
        """The flow's `i`th repeated event happens, if the case is still in the state, and is due again."""
        if not flow.running():
            return
        event, every = self.m.flows[flow.state].repeat[i]
        self.happen(flow.case, event)
        self.env.call(every.draw(self.flow_draws), self.repeaters[i], flow)

    # --- court ----------------------------------------------------------------------------------

    def list_for_sitting(self, at: float, listing: Flow | tuple[Case, str]) -> None:
        """List a flow's hearing, or an event the protocol schedules (case, event), at the sitting at `at`."""
        listed = self.sittings.get(at)
        if listed is None:
            listed = self.sittings[at] = []
            self.env.call(at - self.env.now, self.sit, at)
        listed.append(listing)

    def sit(self, at: float) -> None:
        """A sitting: if a child of the area is still listed, a practitioner is called to court, then
        each child's hearing event and outcome happen."""
        listings = [x for x in self.sittings.pop(at) if (x.running() if type(x) is Flow else not x[0].left)]
        if not listings:
            return
        m = self.m
        court = m.court
        kind = court.sittings.kind(at)  # type: ignore[union-attr]
        number = len(self.cover)
        self.cover.append((at, kind, INFINITY))
        practitioners = self.staff[court.pool] if kind == "weekday" else self.on_call[court.on_call_pool]  # type: ignore[union-attr]
        if practitioners is not None:
            practitioners.request_urgent(self.env.now, partial(self.covered, number, practitioners))
        self._sitting_now = number
        self._sitting_pool = court.pool if kind == "weekday" else court.on_call_pool  # type: ignore[union-attr]
        day = m.court_day
        for listing in listings:
            case = listing.case if type(listing) is Flow else listing[0]
            if day is not None:  # the day attribute takes the kind of sitting
                i, values = day[0], case.values
                case.values = self.codes([*values[:i], day[1][kind], *values[i + 1 :]])
            if type(listing) is not Flow:  # an event the protocol scheduled
                self.happen(case, listing[1])
                continue
            event = m.flows[listing.state].hearing[0]  # type: ignore[index]
            if event is not None:
                self.happen(case, event)
            self.flow_ends(listing)
        self._sitting_now = None

    def covered(self, number: int, practitioners: Practitioners) -> None:
        at, kind, _ = self.cover[number]
        self.cover[number] = (at, kind, self.env.now)
        self.env.call(self.m.court.session_hours, self.court_over, practitioners)  # type: ignore[union-attr]

    def court_over(self, practitioners: Practitioners) -> None:
        practitioners.release(self.env.now)

    # --- duties and tasks -----------------------------------------------------------------------

    def raise_duty(self, plan: int, case: Case, cause: str) -> None:
        """The duty arises for the case, if its `when` holds now: a task, one part per worker."""
        m = self.m
        when, deadline, parts, effort = m.specs[plan]
        if when is not None and not self.when_holds(plan, case.situation, case.values):
            return
        now = self.env.now
        task = Task(plan, case, now)
        self.tasks.append(task)
        at_sitting = False
        if deadline is not None:
            kind = deadline.kind
            if kind == "within":
                task.due = m.clock.due_after(now, deadline.amount, deadline.unit)  # type: ignore[arg-type]
            elif kind == "at":
                at_sitting = self._sitting_now is not None and deadline.event == cause
        for kind, worker in parts:
            if kind == "staff":
                if at_sitting and worker == self._sitting_pool:
                    task.sitting = self._sitting_now
                    continue
                task.waiting += 1
                task.unbegun += 1  # (taking it up, just below, can begin it at once)
                part = Part(task, now, effort.draw(self.effort_draws))  # type: ignore[union-attr]
                self.parts[worker].append(part)
                self.staff[worker].request(now, part)
            elif kind == "external":
                task.waiting += 1
                task.unbegun += 1
                self.env.call(worker.draw(self.external_draws), self.external_done, task)
            else:
                task.no_owner = True
        if task.waiting == 0 and not task.no_owner:  # done by the sitting's practitioner alone
            task.done = now

    def take_up(self, pool: int, part: Part) -> None:
        """A practitioner of the pool takes up the part now, and works it in the pool's working hours."""
        env = self.env
        now = env.now
        part.taken = now
        work = self.works[pool]
        task = part.task
        task.unbegun -= 1
        if work.always:  # at work around the clock: worked time is clock time
            begun, finish = now, now + part.effort
        else:
            begun, finish = work.resume(now), work.finish(now, part.effort)
        if begun > task.begun:
            task.begun = begun
        if finish < INFINITY:
            env.call(finish - now, self.finishers[pool], part)

    def finish(self, pool: int, part: Part) -> None:
        self.staff[pool].release(self.env.now)
        self.part_done(part.task)

    def begin(self, task: Task, at: float) -> None:
        task.unbegun -= 1
        if at > task.begun:
            task.begun = at

    def external_done(self, task: Task) -> None:
        self.begin(task, self.env.now)
        self.part_done(task)

    def part_done(self, task: Task) -> None:
        task.waiting -= 1
        if task.waiting == 0 and not task.no_owner:
            task.done = self.env.now
            self.duty_done(task)

    def duty_done(self, task: Task) -> None:
        m = self.m
        if m.by_duty:
            plan = m.plans[task.plan]
            for dependent in m.by_duty.get(plan.duty, ()):
                self.raise_duty(dependent, task.case, plan.duty)
        if m.rilaa is not None and m.rilaa[2] == task.plan:
            case = task.case
            if case.rilaa is not None and not case.rilaa[2]:
                case.rilaa[2] = True
                self.placement_check(case, case.rilaa)

    # --- staff days away ------------------------------------------------------------------------

    def next_day(self, pool: int, day: int) -> None:
        """On each working day, staff on leave or sick, and the share of the rest on other work, are
        off the pool for the day: it has that many fewer practitioners (those busy finish first)."""
        work = self.m.pools[pool].work
        while day < len(work.opens) and work.lengths[day] == 0:
            day += 1
        if day >= len(work.opens):
            return
        self.env.call(work.opens[day] - self.env.now, self.days_away, (pool, day))

    def days_away(self, when: tuple[int, int]) -> None:
        pool, day = when
        p = self.m.pools[pool]
        draws = self.staff_draws
        present = p.count - draws.binomial(p.count, p.absence)
        other = present * p.other_work
        present -= int(other) + (draws.uniform() < other - int(other))
        self.staff[pool].staff(self.env.now, present)
        self.next_day(pool, day + 1)
