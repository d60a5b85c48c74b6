"""The statechart semantics of a protocol's lifecycles (SCXML's), written once for the checks and the simulation.

A case is in a *configuration* of each lifecycle: its active states, enclosing states included. An
event is offered to every lifecycle; in each:

- *selection*: for each active atomic state, in document order, its own transitions on the event and
  then its enclosing states', each in file order, are tried, and the first whose guard holds is
  chosen. Guards are decided by a callback: the simulation decides each on its case; the checks'
  exploration leaves some open (what turns on attribute values) and follows both outcomes
  (`CompiledLifecycle.branches`). Every guard sees the case as it was before the event.
- *conflicts*: two chosen transitions conflict when they would exit a state in common; the earlier
  wins, unless the later leaves from inside the earlier's source (SCXML's removeConflictingTransitions).
- *exit and entry*: a transition's domain is the least common compound (not parallel) proper ancestor
  of its source that holds its target (the lifecycle itself when there is none); the active states
  inside the domain are exited, and the target, the states between it and the domain, and their
  default descendants (the initial child of a compound state, every region of a parallel one) entered.

An event moves a lifecycle when some transition is chosen; it is refused when none is. Tests hold these
rules against python-statemachine (`model.statechart`) on random event sequences. (python-statemachine
3.2 tries the atomic states in the order they were entered rather than in document order, so the two
can part where the regions of a parallel state conflict after moving apart; no bundled protocol has such
regions, and a test pins this module's reading, the W3C's.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .conditions import Condition
from .schema import Lifecycle, Protocol, State

Configuration = frozenset[str]  # a lifecycle's active states, enclosing states included
Verdict = Condition | bool  # what a guard callback says: held, failed, or a condition left open
Decision = tuple[Condition, bool]  # a guard left open, and whether a branch assumes it held
_UNKNOWN = object()


@dataclass(frozen=True, eq=False)
class Transition:
    """One protocol transition of a lifecycle, with its guard as it takes effect (`Protocol.guard_of`);
    compared by identity: each is one object of its compiled lifecycle."""

    event: str
    sources: tuple[str, ...]
    target: str
    guard: Condition | None
    clause: tuple[str, ...]


Choice = tuple[Transition, str]  # a transition and the active state it leaves from (one of its sources)
Tries = tuple[tuple[Choice, ...], ...]  # for each active atomic state, the transitions to try, in priority order


@dataclass(frozen=True)
class Step:
    """What an event does to one lifecycle's configuration: the states left (innermost first) and
    entered (outermost first, in document order), and the configuration after."""

    exited: tuple[str, ...]
    entered: tuple[str, ...]
    after: Configuration


class Branch(NamedTuple):
    """One way a lifecycle responds to an event when some guards are left open: the transitions taken
    (none: the lifecycle stays), and the open guards this way assumes held or failed, in the order tried."""

    chosen: tuple[Choice, ...]
    decisions: tuple[Decision, ...]


@dataclass(frozen=True)
class CompiledLifecycle:
    """One lifecycle's state tree and transitions, ready for stepping configurations.

    The tree: each state's `parent` (None at the top), the `children` of each state (of the lifecycle
    under None), the `initial_child` of each compound state, the `parallel` states, and each state's
    place in document `order`. `initial` is the configuration a case starts in."""

    id: str
    parent: Mapping[str, str | None]
    children: Mapping[str | None, tuple[str, ...]]
    initial_child: Mapping[str | None, str]
    parallel: frozenset[str]
    order: Mapping[str, int]
    initial: Configuration
    transitions: Mapping[str, tuple[Transition, ...]]  # event -> transitions on it, in file order
    _ancestors: dict = field(default_factory=dict, compare=False, repr=False)
    _domains: dict = field(default_factory=dict, compare=False, repr=False)
    _candidates: dict = field(default_factory=dict, compare=False, repr=False)
    _steps: dict = field(default_factory=dict, compare=False, repr=False)
    _fixed: dict = field(default_factory=dict, compare=False, repr=False)  # (config, event) -> step, no guard tried

    # --- the state tree -----------------------------------------------------------------------

    def states(self) -> tuple[str, ...]:
        """Every state, in document order."""
        return tuple(sorted(self.order, key=self.order.__getitem__))

    def ancestors(self, state: str) -> tuple[str, ...]:
        """The states enclosing `state`, innermost first."""
        found = self._ancestors.get(state)
        if found is None:
            chain, parent = [], self.parent[state]
            while parent is not None:
                chain.append(parent)
                parent = self.parent[parent]
            found = self._ancestors[state] = tuple(chain)
        return found

    def is_inside(self, state: str, outer: str | None) -> bool:
        """Whether `state` is `outer` or inside it (everything is inside the lifecycle, `None`)."""
        return outer is None or state == outer or outer in self.ancestors(state)

    def default_entry(self, state: str) -> frozenset[str]:
        """A state and the states entered with it by default: the initial child of a compound state,
        every region of a parallel one, and so on down."""
        entered: list[str] = []
        self._enter(state, set(), entered, [])
        return frozenset(entered)

    def atomic(self, config: Configuration) -> list[str]:
        """The active states with no active state inside them, in document order."""
        children = self.children
        return sorted((s for s in config if not any(c in config for c in children.get(s, ()))), key=self.order.get)

    def takes(self, event: str) -> bool:
        """Whether any transition of this lifecycle is on `event`."""
        return event in self.transitions

    # --- selection ----------------------------------------------------------------------------

    def candidates(self, config: Configuration, event: str) -> Tries:
        """For each active atomic state in document order, the transitions on `event` to try, in
        priority order: its own, then its enclosing states', each in file order."""
        return self._known((config, event))[0]

    def guarded(self, config: Configuration, event: str) -> bool:
        """Whether stepping `config` on `event` tries a guard (so that the step can differ from case
        to case); if not, the step is the same for every case in `config`."""
        return self._known((config, event))[1] is None

    def branches(self, config: Configuration, event: str, decide: Callable[[Condition], Verdict]) -> list[Branch]:
        """Every way the lifecycle can respond to `event` from `config`, when `decide(guard)` may leave a
        guard open: it says whether a guard holds (True or False) or gives the condition left open,
        which is then followed both ways (held first), and is not asked again in the same branch. The
        branches come in the order of their decisions, as a tree searched depth first; with a `decide`
        that always answers True or False there is one, the transitions the event takes."""
        tries, fixed = self._known((config, event))
        if fixed is not None:  # no guard to try
            return [fixed]
        found: list[Branch] = []
        pending: list[tuple[Decision, ...]] = [()]  # the decisions each branch still to take starts with
        while pending:
            made = list(pending.pop())
            alternatives: list[tuple[Decision, ...]] = []
            chosen = self._select(tries, _following(decide, made, alternatives))
            found.append(Branch(chosen, tuple(made)))
            pending.extend(alternatives)  # the latest decision is flipped first: depth first
        return found

    def step(self, config: Configuration, event: str, enabled: Callable[[Condition], bool]) -> Step | None:
        """The step `event` causes from `config`, or None if no transition of this lifecycle is
        enabled; `enabled(guard)` says whether a guard holds for the case now."""
        key = (config, event)
        step = self._fixed.get(key, _UNKNOWN)
        if step is not _UNKNOWN:  # no guard to evaluate: the step is the same every time
            return step  # type: ignore[return-value]
        tries, fixed = self._known(key)
        chosen = self._select(tries, enabled) if fixed is None else fixed.chosen
        step = (self._steps.get((config, chosen)) or self.apply(config, chosen)) if chosen else None
        if fixed is not None:
            self._fixed[key] = step
        return step

    def _select(self, tries: Tries, enabled: Callable[[Condition], bool]) -> tuple[Choice, ...]:
        """The transitions taken: for each atomic state's list to try, the first whose guard is
        enabled, without repeats and conflicts."""
        chosen = []
        for options in tries:
            for choice in options:
                guard = choice[0].guard
                if guard is None or enabled(guard):
                    chosen.append(choice)
                    break
        return tuple(chosen) if len(chosen) < 2 else self._resolve(tuple(chosen))

    def _known(self, key: tuple[Configuration, str]) -> tuple[Tries, Branch | None]:
        """The transitions to try for (configuration, event), per atomic state, and the one branch
        where none of the first to try has a guard (None where some has)."""
        known = self._candidates.get(key)
        if known is None:
            config, event = key
            on_event = self.transitions.get(event, ())
            found = []
            for state in self.atomic(config) if on_event else ():
                tries = tuple((t, s) for s in (state, *self.ancestors(state)) for t in on_event if s in t.sources)
                if tries:
                    found.append(tries)
            fixed = None
            if all(tries[0][0].guard is None for tries in found):
                fixed = Branch(self._resolve(tuple(tries[0] for tries in found)), ())
            known = self._candidates[key] = (tuple(found), fixed)
        return known

    def _resolve(self, chosen: tuple[Choice, ...]) -> tuple[Choice, ...]:
        """The chosen transitions without repeats and conflicts: two conflict when their domains nest
        (the exit sets meet); the earlier is kept unless the later leaves from inside its source."""
        if len(chosen) < 2:
            return chosen
        kept: list[Choice] = []
        for choice in chosen:
            if choice in kept:
                continue
            domain, beaten, preempted = self._domain(*choice), [], False
            for other in kept:
                if self._nested(domain, self._domain(*other)):
                    if other[1] in self.ancestors(choice[1]):
                        beaten.append(other)
                    else:
                        preempted = True
                        break
            if not preempted:
                kept = [k for k in kept if k not in beaten] + [choice]
        return tuple(kept)

    def _nested(self, one: str | None, other: str | None) -> bool:
        """Whether one domain holds the other (the lifecycle, None, holds every state)."""
        return one is None or other is None or self.is_inside(one, other) or self.is_inside(other, one)

    # --- exit and entry -----------------------------------------------------------------------

    def apply(self, config: Configuration, chosen: Iterable[Choice]) -> Step:
        """The step taking the chosen (non-conflicting) transitions from `config`."""
        chosen = tuple(chosen)
        key = (config, chosen)
        step = self._steps.get(key)
        if step is None:
            step = self._steps[key] = self._apply(config, chosen)
        return step

    def _domain(self, transition: Transition, source: str) -> str | None:
        """The least common compound (not parallel) proper ancestor of source that holds the target."""
        key = (source, transition.target)
        found = self._domains.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            above_target = self.ancestors(transition.target)
            found = next(
                (a for a in self.ancestors(source) if a not in self.parallel and a in above_target),
                None,
            )
            self._domains[key] = found
        return found  # type: ignore[return-value]

    def _apply(self, config: Configuration, chosen: tuple[Choice, ...]) -> Step:
        exited: list[str] = []
        entered: list[str] = []
        active = set(config)
        for transition, source in chosen:
            domain = self._domain(transition, source)
            leaving = [s for s in config if s != domain and self.is_inside(s, domain)]
            leaving.sort(key=lambda s: (-len(self.ancestors(s)), -self.order[s]))
            exited.extend(leaving)
            active -= set(leaving)
            path = [transition.target, *self.ancestors(transition.target)]
            path = path[: path.index(domain)] if domain in path else path
            for state in reversed(path):
                self._enter(state, active, entered, path)
        entered.sort(key=self.order.__getitem__)  # document order: enclosing states first
        return Step(tuple(exited), tuple(entered), frozenset(active))

    def _enter(self, state: str, active: set[str], entered: list[str], path: list[str]) -> None:
        """Enter `state` and, unless the path goes on into one of them, its default children."""
        if state in active:
            return
        active.add(state)
        entered.append(state)
        kids = self.children.get(state, ())
        if not kids or (state not in self.parallel and any(k in path for k in kids)):
            return
        for kid in kids if state in self.parallel else (self.initial_child[state],):
            if kid not in path:
                self._enter(kid, active, entered, path)


def _following(
    decide: Callable[[Condition], Verdict], made: list[Decision], alternatives: list[tuple[Decision, ...]]
) -> Callable[[Condition], bool]:
    """Whether a guard is enabled in one branch: as `decide` says; for a guard it leaves open, as the
    branch has decided it (`made`), or else held, the branch failing it queued in `alternatives`."""

    def enabled(guard: Condition) -> bool:
        verdict = decide(guard)
        if isinstance(verdict, bool):
            return verdict
        for condition, held in made:
            if condition is verdict or condition == verdict:
                return held
        alternatives.append((*made, (verdict, False)))
        made.append((verdict, True))
        return True

    return enabled


def compile_lifecycles(protocol: Protocol) -> tuple[CompiledLifecycle, ...]:
    """Every lifecycle of the protocol, compiled, in file order."""
    return tuple(_compile(protocol, lifecycle) for lifecycle in protocol.lifecycles)


def _compile(protocol: Protocol, lifecycle: Lifecycle) -> CompiledLifecycle:
    parent: dict[str, str | None] = {}
    children: dict[str | None, tuple[str, ...]] = {}
    initial_child: dict[str | None, str] = {}
    parallel: set[str] = set()
    order: dict[str, int] = {}

    def walk(states: tuple[State, ...], above: str | None, first: str | None) -> None:
        children[above] = tuple(s.id for s in states)
        initial_child[above] = first or states[0].id
        for state in states:
            order[state.id] = len(order)
            parent[state.id] = above
            if state.parallel:
                parallel.add(state.id)
            if state.states:
                walk(state.states, state.id, state.initial)

    walk(lifecycle.states, None, lifecycle.initial)
    transitions: dict[str, list[Transition]] = {}
    for t in lifecycle.transitions:
        guard = protocol.guard_of(lifecycle.id, t)
        transitions.setdefault(t.event, []).append(Transition(t.event, t.source, t.target, guard, t.clause))
    compiled = CompiledLifecycle(
        lifecycle.id,
        parent,
        children,
        initial_child,
        frozenset(parallel),
        order,
        frozenset(),
        {event: tuple(ts) for event, ts in transitions.items()},
    )
    object.__setattr__(compiled, "initial", compiled.default_entry(initial_child[None]))
    return compiled
