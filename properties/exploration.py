"""The exploration of a case's situations: the configurations a case can reach, and on what conditions.

A configuration here is every active state of every lifecycle. From the initial one, each event that
a transition from an active state is on is offered in every configuration reached, breadth first and
events in name order; each lifecycle responds by the statechart semantics (`model.semantics`). A
guard's tests of lifecycles are decided on the configuration; what it leaves to the attributes is
followed both ways (`CompiledLifecycle.branches`), the guards assumed held or failed joining the path
condition under which the next configuration is reached. So one exploration covers every attribute
assignment. A step whose path condition no attribute values satisfy is not taken (`feasible`), and a
configuration already reached under a weaker condition is not explored again from there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import product

from ..model.conditions import Condition
from ..model.semantics import CompiledLifecycle, Verdict
from .values import Literal_, PathCondition

Config = frozenset[str]  # every active state, enclosing states included
Fired = tuple[tuple[str, str, str], ...]  # (lifecycle id, source state, target state) of each transition fired
Outcome = tuple[Config, Fired, PathCondition]  # a configuration reached, the transitions fired, the guards assumed
Response = tuple[Config, Config, Fired, PathCondition]  # one lifecycle's configuration before and after, ...


@dataclass(frozen=True)
class Step:
    """One transition of the case statechart: on `event`, from `source` to `target`, when `condition`."""

    source: Config
    event: str
    target: Config
    condition: PathCondition
    transitions: tuple[tuple[str, str, str], ...]  # (lifecycle id, source state, target state) that fired


@dataclass
class Explored:
    """What an exploration found: each reachable configuration with the path conditions it is reached
    under (none weaker than another), in the order reached; every step taken; and whether the
    exploration finished (False when it stopped at its limit of configurations)."""

    configurations: dict[Config, list[PathCondition]]
    steps: list[Step]
    complete: bool


class Exploration:
    """The search over configurations: the lifecycles, how a guard is decided on a configuration
    (`residual`: True, False, or what is left on the attributes, one object for equal rests), the
    states whose presence can change that (`tested`), and whether a path condition can hold on
    arriving in a configuration (`feasible`)."""

    def __init__(
        self,
        lifecycles: tuple[CompiledLifecycle, ...],
        residual: Callable[[Condition, Config], Verdict],
        tested: Callable[[Condition], frozenset[str]],
        feasible: Callable[[PathCondition, Config], bool],
    ):
        self.lifecycles = tuple(sorted(lifecycles, key=lambda lc: lc.id))  # each event's responses by lifecycle id
        self.residual, self.tested, self.feasible = residual, tested, feasible
        self._states = [frozenset(lifecycle.order) for lifecycle in self.lifecycles]
        self._lifecycle_of: dict[str, int] = {}  # state -> its lifecycle's place in `lifecycles`
        self._leaving: dict[str, tuple[str, ...]] = {}  # state -> the events of the transitions that leave it
        for place, lifecycle in enumerate(self.lifecycles):
            self._lifecycle_of.update(dict.fromkeys(lifecycle.order, place))
            leaving: dict[str, set[str]] = {}
            for event, transitions in lifecycle.transitions.items():
                for transition in transitions:
                    for source in transition.sources:
                        leaving.setdefault(source, set()).add(event)
            self._leaving.update((state, tuple(sorted(events))) for state, events in leaving.items())
        self._own: dict[frozenset[str], frozenset[str]] = {}  # one object for each lifecycle's configuration
        self._guarded: dict[tuple[int, str], frozenset[str]] = {}  # the states a lifecycle's guards on an event test
        self._responses_to: dict[tuple[int, Config, str, frozenset[str]], list[Response]] = {}
        self._literals: dict[tuple[int, bool], Literal_] = {}

    def run(self, initial: Config, known_feasible: bool, limit: int) -> Explored:
        """Every configuration reachable from `initial`, stopping after `limit` of them
        (`known_feasible`: a path condition found feasible is so wherever it leads, there being no
        assumptions that a configuration could contradict)."""
        explored = Explored({initial: [frozenset()]}, [], True)
        configurations, steps = explored.configurations, explored.steps
        queue: deque[tuple[Config, PathCondition, bool]] = deque([(initial, frozenset(), False)])
        while queue:
            config, path, feasible = queue.popleft()
            for event, outcomes in self._outcomes(config):
                for reached, fired, added in outcomes:
                    condition = path | added if added else path
                    if not (feasible and len(condition) == len(path)) and not self.feasible(condition, reached):
                        continue  # no attribute values take this step (a feasible path that adds nothing is not asked)
                    steps.append(Step(config, event, reached, condition, fired))
                    known = configurations.setdefault(reached, [])
                    if any(old <= condition for old in known):
                        continue  # already reached under a weaker condition
                    known[:] = [old for old in known if not condition <= old] + [condition]
                    if len(configurations) > limit:
                        explored.complete = False
                        return explored
                    queue.append((reached, condition, known_feasible))
        return explored

    def _outcomes(self, config: Config) -> Iterator[tuple[str, list[Outcome]]]:
        """For each event offered in a configuration, in name order, the ways it can move the case:
        the configuration reached, the transitions fired and the guards assumed on the way."""
        offered: dict[str, set[int]] = {}  # event -> the lifecycles with a transition on it from an active state
        for state in config:
            for event in self._leaving.get(state, ()):
                offered.setdefault(event, set()).add(self._lifecycle_of[state])
        own: dict[int, Config] = {}
        for places in offered.values():
            for place in places:
                if place not in own:
                    part = config & self._states[place]
                    own[place] = self._own.setdefault(part, part)
        for event in sorted(offered):
            yield event, self._moves(config, event, [(p, own[p]) for p in sorted(offered[event])])

    def _moves(self, config: Config, event: str, takers: list[tuple[int, Config]]) -> list[Outcome]:
        """The ways `event` moves the case from `config`: one response from each lifecycle that has a
        transition on it from an active state (`takers`: their places and configurations), combined,
        where at least one lifecycle moves."""
        responses = [self._responses(place, own, event, config) for place, own in takers]
        if len(responses) == 1:
            return [((config - own) | after, fired, added) for own, after, fired, added in responses[0] if fired]
        found: list[Outcome] = []
        for combination in product(*responses):
            reached, fired = config, ()
            for own, after, moved, _ in combination:
                if moved:
                    reached, fired = (reached - own) | after, fired + moved
            if fired:  # (where no lifecycle moves, the event is not taken)
                found.append((reached, fired, frozenset().union(*(response[3] for response in combination))))
        return found

    def _responses(self, place: int, own: Config, event: str, config: Config) -> list[Response]:
        """The ways one lifecycle, in configuration `own`, can respond to `event`: the configuration
        it moves to, the transitions fired (none: it stays) and the guards assumed. They turn only on
        `own` and on which of the states its guards on the event test are active."""
        tested = self._guarded.get((place, event))
        if tested is None:
            guards = [t.guard for t in self.lifecycles[place].transitions[event] if t.guard is not None]
            tested = self._guarded[place, event] = frozenset().union(*map(self.tested, guards))
        key = (place, own, event, config & tested)
        found = self._responses_to.get(key)
        if found is None:

            def decide(guard: Condition) -> Verdict:
                return self.residual(guard, config)

            lifecycle, found = self.lifecycles[place], []
            for branch in lifecycle.branches(own, event, decide):
                after = lifecycle.apply(own, branch.chosen).after if branch.chosen else own
                fired = tuple((lifecycle.id, source, transition.target) for transition, source in branch.chosen)
                literals = frozenset(self._literal(c, held) for c, held in branch.decisions)
                found.append((own, after, fired, literals))
            self._responses_to[key] = found
        return found

    def _literal(self, guard: Condition, held: bool) -> Literal_:
        """A guard and whether it held, made once: path conditions made of the same literals compare
        by identity, not by their conditions' contents."""
        key = (id(guard), held)
        found = self._literals.get(key)
        if found is None or found[0] is not guard:
            found = self._literals[key] = (guard, held)
        return found
