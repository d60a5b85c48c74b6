"""A case's lifecycles, stepped quickly: the protocol's statechart semantics without the statechart library.

The engine moves thousands of simulated cases through the protocol's lifecycles, so it does not build
a python-statemachine machine per case; it keeps each case's configuration (the set of active states
of each lifecycle, enclosing states included) and steps it with the same rules as
`model.statechart` (SCXML's): an event is offered to every lifecycle; in each, the transitions of each
active atomic state and then of its enclosing states are tried in file order, and the first whose
guard holds is taken; guards (`Protocol.guard_of`, data evaluated by `conditions.holds`) see every
lifecycle as it was before the event. A transition exits the active states inside the least
common compound ancestor of its source and target, and enters the target, the states between, and
their initial (or, for a parallel state, all) children. Tests hold this against `model.statechart`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..model.conditions import Comparison, Condition, Scalar, holds
from ..model.schema import Lifecycle, Protocol, State

Configuration = frozenset[str]
_UNKNOWN = object()


@dataclass(frozen=True, eq=False)
class Transition:
    """One protocol transition of a lifecycle, with its guard as it takes effect (compared by identity:
    each is one object of its compiled lifecycle)."""

    event: str
    sources: tuple[str, ...]
    target: str
    guard: Condition | None
    clause: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """What an event does to one lifecycle's configuration: the states left (innermost first) and
    entered (outermost first), and the configuration after."""

    exited: tuple[str, ...]
    entered: tuple[str, ...]
    after: Configuration


@dataclass(frozen=True)
class CompiledLifecycle:
    """One lifecycle's state tree and transitions, ready for stepping configurations."""

    id: str
    parent: Mapping[str, str | None]
    children: Mapping[str | None, tuple[str, ...]]
    initial_child: Mapping[str | None, str]
    parallel: frozenset[str]
    order: Mapping[str, int]
    initial: Configuration
    transitions: Mapping[str, tuple[Transition, ...]]  # event -> transitions on it, in file order
    _candidates: dict = field(default_factory=dict, compare=False, repr=False)
    _steps: dict = field(default_factory=dict, compare=False, repr=False)
    _fixed: dict = field(
        default_factory=dict, compare=False, repr=False
    )  # (config, event) -> step, where no guard is tried

    def states(self) -> tuple[str, ...]:
        """Every state, in document order."""
        return tuple(sorted(self.order, key=self.order.__getitem__))

    def ancestors(self, state: str) -> list[str]:
        """The states enclosing `state`, innermost first."""
        found, parent = [], self.parent[state]
        while parent is not None:
            found.append(parent)
            parent = self.parent[parent]
        return found

    def is_inside(self, state: str, outer: str | None) -> bool:
        """Whether `state` is `outer` or inside it (everything is inside the lifecycle, `None`)."""
        return outer is None or state == outer or outer in self.ancestors(state)

    def takes(self, event: str) -> bool:
        """Whether any transition of this lifecycle is on `event`."""
        return event in self.transitions

    def step(self, config: Configuration, event: str, enabled: Callable[[Condition], bool]) -> Step | None:
        """The step `event` causes from `config`, or None if no transition of this lifecycle is
        enabled; `enabled(guard)` says whether a guard holds for the case now."""
        key = (config, event)
        fixed = self._fixed.get(key, _UNKNOWN)
        if fixed is not _UNKNOWN:  # no guard to evaluate: the step is the same every time
            return fixed
        candidates, unguarded = self._known(key)
        chosen: list[tuple[Transition, str]] = []
        for per_atomic in candidates:
            for transition, source in per_atomic:
                if transition.guard is None or enabled(transition.guard):
                    if (transition, source) not in chosen:
                        chosen.append((transition, source))
                    break
        if not chosen:
            step = None
        else:
            taken = (config, tuple(chosen))
            step = self._steps.get(taken)
            if step is None:
                step = self._steps[taken] = self._apply(config, chosen)
        if unguarded:
            self._fixed[key] = step
        return step

    def guarded(self, config: Configuration, event: str) -> bool:
        """Whether stepping `config` on `event` tries a guard (so that the step can differ from case
        to case); if not, the step is the same for every case in `config`."""
        return not self._known((config, event))[1]

    # --- internals --------------------------------------------------------------------------------

    def _known(self, key: tuple[Configuration, str]) -> tuple[tuple[tuple[tuple[Transition, str], ...], ...], bool]:
        """The transitions to try for (configuration, event), and whether none of the first to try has a guard."""
        known = self._candidates.get(key)
        if known is None:
            candidates = self._candidates_for(*key)
            unguarded = all(not tries or tries[0][0].guard is None for tries in candidates)
            known = self._candidates[key] = (candidates, unguarded)
        return known

    def _candidates_for(self, config: Configuration, event: str) -> tuple[tuple[tuple[Transition, str], ...], ...]:
        """For each active atomic state in document order, the transitions on `event` to try: its
        own, then its enclosing states', each in file order."""
        on_event = self.transitions.get(event, ())
        atomic = sorted(
            (s for s in config if not any(c in config for c in self.children.get(s, ()))), key=self.order.__getitem__
        )
        found = []
        for state in atomic:
            tries = [(t, s) for s in (state, *self.ancestors(state)) for t in on_event if s in t.sources]
            found.append(tuple(tries))
        return tuple(found)

    def _domain(self, source: str, target: str) -> str | None:
        """The least common compound (not parallel) proper ancestor of source that holds target."""
        for ancestor in self.ancestors(source):
            if ancestor not in self.parallel and self.is_inside(target, ancestor) and ancestor != target:
                return ancestor
        return None

    def _apply(self, config: Configuration, chosen: list[tuple[Transition, str]]) -> Step:
        exited: list[str] = []
        entered: list[str] = []
        active = set(config)
        for transition, source in chosen:
            domain = self._domain(source, transition.target)
            leaving = [s for s in config if s != domain and self.is_inside(s, domain)]
            if any(s in exited for s in leaving):
                continue  # conflicts with a transition already taken: the first one wins
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


def compile_lifecycles(protocol: Protocol) -> tuple[CompiledLifecycle, ...]:
    """Every lifecycle of the protocol, compiled."""
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
    start: list[str] = []
    compiled._enter(initial_child[None], set(), start, [])
    object.__setattr__(compiled, "initial", frozenset(start))
    return compiled


def lookup(
    configs: Mapping[str, Configuration], attributes: Mapping[str, Scalar]
) -> Callable[[Comparison], Scalar | tuple[Scalar, ...]]:
    """The value a condition's test reads: a lifecycle's active states, or an attribute's value."""

    def value_of(test: Comparison) -> Scalar | tuple[Scalar, ...]:
        config = configs.get(test.key)
        if config is not None:
            return tuple(config)
        return attributes[test.key]

    return value_of


def condition_holds(
    condition: Condition, configs: Mapping[str, Configuration], attributes: Mapping[str, Scalar]
) -> bool:
    """Whether `condition` holds for a case with these configurations and attributes."""
    return holds(condition, lookup(configs, attributes))
