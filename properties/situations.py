"""Situations: the combinations of lifecycle states and attribute values a case can actually reach.

A protocol's lifecycles form one statechart. Starting from the initial configuration, every event is
tried in every reachable configuration with SCXML semantics (a transition exits the states below
its domain and enters the path to its target, with default initial states and every region of a
parallel state). Guards on lifecycles are evaluated on the configuration; guards on attributes stay
symbolic and are collected as the path condition under which a configuration is reached, so one
exploration covers every attribute assignment. Infeasible path conditions are pruned: by trying
the attribute values (`possible`: one value from each piece of a range the conditions cut, every
value of the others) where there are few enough, else with Z3.

`Situations.reachable()` is then a Z3 formula over one integer naming the configuration and one variable per attribute
that holds exactly in the situations a case can be in. Checks conjoin questions to it ("and no
ownership rule applies") and read witnesses from the model, in data and in words; `nearest` asks
configuration by configuration, only where the question's states are active, and leaves to Z3
only the attribute questions that have an answer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product

import z3

from ..model import conditions
from ..model.conditions import Comparison, Condition
from ..model.schema import Attribute, Protocol, State

Config = frozenset[str]  # every active state, enclosing states included
Literal_ = tuple[Condition, bool]  # a guard and whether it held
PathCondition = frozenset[Literal_]
MAX_CONFIGURATIONS = 250_000
POSSIBLE_LIMIT = 512  # attribute value combinations tried in Python before a question goes to the solver


class Undecided(Exception):
    """The solver could not decide a question in the time it was given (the reason is the message)."""


@dataclass(frozen=True)
class Step:
    """One transition of the case statechart: on `event`, from `source` to `target`, when `condition`."""

    source: Config
    event: str
    target: Config
    condition: PathCondition
    transitions: tuple[tuple[str, str, str], ...]  # (lifecycle id, source state, target state) that fired


@dataclass
class _Node:
    """A state of the protocol's statechart, with its place in the tree."""

    id: str
    kind: str  # atomic | compound | parallel | root
    parent: str | None
    children: list[str] = field(default_factory=list)
    initial: str | None = None
    final: bool = False


class Situations:
    """The reachable situations of a protocol's case, explored once and queried with Z3."""

    def __init__(self, protocol: Protocol, assumptions: Iterable[Condition] = ()):
        self.protocol = protocol
        self.attributes: dict[str, Attribute] = {a.id: a for a in protocol.attributes}
        self.lifecycles = {lc.id for lc in protocol.lifecycles}
        self.nodes: dict[str, _Node] = {}
        self.lifecycle_of: dict[str, str] = {}
        for lifecycle in protocol.lifecycles:
            root = _Node(lifecycle.id, "root", None, initial=lifecycle.initial or lifecycle.states[0].id)
            self.nodes[lifecycle.id] = root
            self._add(lifecycle.states, lifecycle.id, lifecycle.id)
        self.names = {s.id: s.name or s.id.replace("_", " ") for s in protocol.states()}
        self.lifecycle_names = {lc.id: lc.name for lc in protocol.lifecycles}
        self.transitions = [(lc.id, t) for lc in protocol.lifecycles for t in lc.transitions]
        self._guards = {id(t): protocol.guard_of(lc, t) for lc, t in self.transitions}  # as they take effect
        self.events = sorted({t.event for _, t in self.transitions})
        self.assumptions = tuple(assumptions)
        # A context of its own: terms in Z3's shared context carry ids from whatever was built before,
        # and those ids steer which model Z3 finds, so a witness would depend on what ran earlier.
        self.ctx = z3.Context()
        self.true, self.false = z3.BoolVal(True, self.ctx), z3.BoolVal(False, self.ctx)
        self._index = z3.Int("configuration", self.ctx)  # which reachable configuration a situation is in
        self._attr_vars = {a.id: self._variable(a) for a in protocol.attributes}
        self._feasible: dict[tuple, bool] = {}
        self._paths: dict[frozenset[PathCondition], z3.BoolRef] = {}
        self._encoded_paths: dict[PathCondition, z3.BoolRef] = {}  # see `_either`
        self._eithers: dict[tuple[PathCondition, ...], z3.BoolRef] = {}
        self._lifecycle_tests: dict[tuple[frozenset, bool], z3.BoolRef] = {}
        self._ancestors: dict[str, list[str]] = {}
        self._effects: dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]] = {}
        self._below: dict[str, frozenset[str]] = {}
        self._tested: dict[
            int, tuple[Condition, frozenset[str]]
        ] = {}  # by id: the condition (kept alive) and its tested states
        self._residuals: dict[tuple[int, frozenset[str]], Condition | bool] = {}
        self._supports: dict[int, tuple[Condition, frozenset[str] | None]] = {}
        self._possible: dict[tuple[Condition, ...], bool | None] = {}
        self._literals: dict[tuple[int, bool], Literal_] = {}
        self._canonical: dict[Condition, Condition] = {}
        self._answers: dict[tuple[tuple[Condition, ...], int], z3.ModelRef | bool] = {}  # see `nearest`
        self.initial: Config = (
            frozenset().union(*(self._enter_default(lc) for lc in sorted(self.lifecycles)))
            if self.lifecycles
            else frozenset()
        )
        self.configurations: dict[Config, list[PathCondition]] = {}
        self.steps: list[Step] = []
        self.complete = True
        self._explore()

    # --- the statechart tree ---------------------------------------------------------------------

    def _add(self, states: tuple[State, ...], parent: str, lifecycle: str) -> None:
        for state in states:
            kind = "parallel" if state.parallel else "compound" if state.states else "atomic"
            initial = None if not state.states or state.parallel else (state.initial or state.states[0].id)
            self.nodes[state.id] = _Node(state.id, kind, parent, initial=initial, final=state.final)
            self.nodes[parent].children.append(state.id)
            self.lifecycle_of[state.id] = lifecycle
            self._add(state.states, state.id, lifecycle)

    def ancestors(self, state: str) -> list[str]:
        """Proper ancestors of a state, nearest first, ending at its lifecycle's root."""
        found = self._ancestors.get(state)
        if found is None:
            found, node = [], self.nodes[state].parent
            while node is not None:
                found.append(node)
                node = self.nodes[node].parent
            self._ancestors[state] = found
        return found

    def _descendants(self, state: str) -> frozenset[str]:
        """The states strictly inside a state (or a lifecycle's root)."""
        found = self._below.get(state)
        if found is None:
            inside: set[str] = set()
            for child in self.nodes[state].children:
                inside.add(child)
                inside |= self._descendants(child)
            found = self._below[state] = frozenset(inside)
        return found

    def _enter_default(self, state: str) -> set[str]:
        """A state and its default descendants (initial children, every region of a parallel state)."""
        node = self.nodes[state]
        entered = {state} if node.kind != "root" else set()
        if node.kind == "parallel":
            for child in node.children:
                entered |= self._enter_default(child)
        elif node.initial is not None:
            entered |= self._enter_default(node.initial)
        return entered

    def _fire(self, config: Config, source: str, target: str) -> tuple[frozenset[str], frozenset[str]]:
        """The states a transition exits and enters (external transition, SCXML domain). What it
        enters, and the states below its domain, depend only on its source and target: they are
        worked out once; what it exits is the configuration's states below the domain."""
        effect = self._effects.get((source, target))
        if effect is None:
            effect = self._effects[source, target] = self._effect(source, target)
        below, entered = effect
        return config & below, entered

    def _effect(self, source: str, target: str) -> tuple[frozenset[str], frozenset[str]]:
        """The states below a transition's domain (those it exits, where active) and those it enters."""
        above_target = set(
            self.ancestors(target)
        )  # proper ancestors: a target above the source is exited and re-entered
        domain = next(
            a for a in self.ancestors(source) if a in above_target and self.nodes[a].kind in ("compound", "root")
        )
        path = [target]  # the target and its ancestors below the domain, innermost first
        for ancestor in self.ancestors(target):
            if ancestor == domain:
                break
            path.append(ancestor)
        entered: set[str] = set()
        for index in range(len(path) - 1, 0, -1):  # the ancestors, outermost first
            state, below = path[index], path[index - 1]
            entered.add(state)
            if self.nodes[state].kind == "parallel":
                for region in self.nodes[state].children:
                    if region != below:
                        entered |= self._enter_default(region)
        entered |= self._enter_default(target)
        return self._descendants(domain), frozenset(entered)

    # --- exploration --------------------------------------------------------------------------

    def _explore(self) -> None:
        leaving: dict[str, list[int]] = {}  # state -> the transitions (by file position) that leave it
        for position, (_, transition) in enumerate(self.transitions):
            for source in transition.source:
                leaving.setdefault(source, []).append(position)
        self.configurations[self.initial] = [frozenset()]
        queue: deque[tuple[Config, PathCondition, bool]] = deque([(self.initial, frozenset(), False)])
        known_feasible = (
            not self.assumptions
        )  # a step's path condition was found feasible; without assumptions, it is wherever it leads
        while queue:
            config, path, feasible = queue.popleft()
            offered: dict[str, dict[str, list]] = {}  # event -> lifecycle -> transitions, in file order
            for position in sorted({p for state in config for p in leaving.get(state, ())}):
                lifecycle, transition = self.transitions[position]
                offered.setdefault(transition.event, {}).setdefault(lifecycle, []).append(transition)
            for event in sorted(offered):
                for step in self._successors(config, event, path, offered[event], feasible):
                    self.steps.append(step)
                    known = self.configurations.setdefault(step.target, [])
                    if any(old <= step.condition for old in known):
                        continue  # already reached under a weaker condition
                    known[:] = [old for old in known if not step.condition <= old] + [step.condition]
                    if len(self.configurations) > MAX_CONFIGURATIONS:
                        self.complete = False
                        return
                    queue.append((step.target, step.condition, known_feasible))

    def _successors(
        self, config: Config, event: str, path: PathCondition, offered: dict[str, list], known: bool = False
    ) -> Iterator[Step]:
        """The steps `event` can take from `config`, given the transitions offered in each lifecycle
        (`known`: the path condition is feasible wherever it leads, there being no assumptions)."""
        options_per_lifecycle = [self._choices(lifecycle, config, offered[lifecycle]) for lifecycle in sorted(offered)]
        for combination in product(*options_per_lifecycle):
            fired = [(lc, source, target) for chosen, lc, _ in combination for source, target in chosen]
            if not fired:
                continue  # no lifecycle moves: the event is not taken here
            added = [literals for _, _, literals in combination if literals]
            condition = path.union(*added) if added else path
            if len(fired) == 1:
                exits, entries = self._fire(config, fired[0][1], fired[0][2])
            else:
                exits, entries = frozenset(), frozenset()
                for _, source, target in fired:
                    exit, entered = self._fire(config, source, target)
                    exits |= exit
                    entries |= entered
            reached = (config - exits) | entries
            if (known and len(condition) == len(path)) or self.feasible(
                condition, reached
            ):  # nothing new to ask of a feasible path
                yield Step(config, event, reached, condition, tuple(fired))

    def _choices(
        self, lifecycle: str, config: Config, candidates
    ) -> list[tuple[list[tuple[str, str]], str, frozenset[Literal_]]]:
        """The ways a lifecycle can respond to an event: fire the first transition whose guard holds,
        or none when every guard fails. Guards on lifecycles are decided on the configuration."""
        choices = []
        failed: list[Literal_] = []
        for transition in candidates:
            source = next(s for s in transition.source if s in config)
            effective = self._guards[id(transition)]
            guard = True if effective is None else self.residual(effective, config)
            if guard is True:
                choices.append(([(source, transition.target)], lifecycle, frozenset(failed)))
                return choices
            if guard is False:
                continue
            choices.append(([(source, transition.target)], lifecycle, frozenset([*failed, self._literal(guard, True)])))
            failed.append(self._literal(guard, False))
        choices.append(([], lifecycle, frozenset(failed)))
        return choices

    def _literal(self, guard: Condition, held: bool) -> Literal_:
        """A guard and whether it held, made once: path conditions made of the same literals compare
        by identity, not by their conditions' contents."""
        key = (id(guard), held)
        found = self._literals.get(key)
        if found is None or found[0] is not guard:
            found = self._literals[key] = (guard, held)
        return found

    def residual(self, condition: Condition, config: Config) -> Condition | bool:
        """A condition with its lifecycle tests decided on a configuration: True, False, or what is
        left to decide on the attributes. It turns only on which of the states the condition tests
        are active, so it is worked out once for each set of those."""
        kept = self._tested.get(id(condition))
        if kept is None or kept[0] is not condition:
            kept = self._tested[id(condition)] = (condition, self.tested_states(condition))
        key = (id(condition), config & kept[1])
        found = self._residuals.get(key)
        if found is None:
            found = self._residual(condition, config)
            if not isinstance(
                found, bool
            ):  # one object for equal residuals, so that what holds them compares by identity
                found = self._canonical.setdefault(found, found)
            self._residuals[key] = found
        return found

    def tested_states(self, condition: Condition) -> frozenset[str]:
        """The states whose presence in a configuration can change what is left of `condition` there:
        a test of a lifecycle with eq, ne, in or not_in turns only on its named states; with another
        operator, on every state of the lifecycle."""
        found: set[str] = set()
        for test in conditions.comparisons(condition):
            if test.key not in self.lifecycles:
                continue
            if test.op in ("eq", "ne", "in", "not_in"):
                found.update(
                    v for v in (test.value if isinstance(test.value, tuple) else (test.value,)) if isinstance(v, str)
                )
            else:
                found.update(s for s, lifecycle in self.lifecycle_of.items() if lifecycle == test.key)
        return frozenset(found)

    def _residual(self, condition: Condition, config: Config) -> Condition | bool:
        lifecycles, lifecycle_of = self.lifecycles, self.lifecycle_of

        def states_of(test: Comparison) -> tuple[str, ...] | None:
            return tuple(s for s in config if lifecycle_of.get(s) == test.key) if test.key in lifecycles else None

        return conditions.decide(condition, states_of)

    def support(self, condition: Condition | None) -> frozenset[str] | None:
        """States one of which every configuration where `condition` can hold has active (its
        lifecycle tests are not decided false there), or None when it names none such: a test that a
        lifecycle is in one of some states; for an `all`, the narrowest of its parts'; for an `any`,
        all of its parts'."""
        if condition is None:
            return None
        kept = self._supports.get(id(condition))
        if kept is None or kept[0] is not condition:
            kept = self._supports[id(condition)] = (condition, self._support(condition))
        return kept[1]

    def _support(self, condition: Condition) -> frozenset[str] | None:
        match condition:
            case Comparison(key=key, op=op, value=value) if key in self.lifecycles and op in ("eq", "in"):
                return frozenset(v for v in (value if isinstance(value, tuple) else (value,)) if isinstance(v, str))
            case conditions.All(parts):
                narrowest = None
                for part in parts:
                    found = self._support(part)
                    if found is not None and (narrowest is None or self._spread(found) < self._spread(narrowest)):
                        narrowest = found
                return narrowest
            case conditions.AnyOf(parts):
                found_all: set[str] = set()
                for part in parts:
                    found = self._support(part)
                    if found is None:
                        return None
                    found_all |= found
                return frozenset(found_all)
        return None

    def _spread(self, states: frozenset[str]) -> int:
        """How many reachable configurations have one of the states (counted with repeats)."""
        return sum(len(self._with_state.get(s, ())) for s in states)

    def feasible(self, condition: PathCondition, config: Config | None = None) -> bool:
        """Whether some attribute values (within their ranges, and the assumptions as they apply in
        `config`, or in some configuration) satisfy a path condition."""
        assumed = list(self.assumptions) if config is None else [self.residual(a, config) for a in self.assumptions]
        if False in assumed:
            return False
        key = (condition, config is None, tuple(sorted(map(repr, (a for a in assumed if a is not True)))))
        if key not in self._feasible and (
            config is not None or not self.assumptions
        ):  # the attribute values alone decide it, where few enough to try
            decided = self.possible((*_signed(condition), *(a for a in assumed if a is not True)))  # type: ignore[misc]
            if decided is not None:
                self._feasible[key] = decided
        if key not in self._feasible:
            solver = z3.Solver(ctx=self.ctx)
            solver.add(self.domains(), self.path(condition))  # path() orders the literals
            solver.add(*(self.encode(a) for a in assumed if a is not True))
            if config is None:  # the assumptions' lifecycle tests hold in some reachable configuration
                solver.add(self._index >= 0, self._index < len(self._ordered))
            self._feasible[key] = solver.check() != z3.unsat
        return self._feasible[key]

    # --- Z3 -----------------------------------------------------------------------------------

    def _variable(self, attribute: Attribute) -> z3.ExprRef:
        if attribute.type == "bool":
            return z3.Bool(f"attr:{attribute.id}", self.ctx)
        return z3.Int(f"attr:{attribute.id}", self.ctx)

    def all(self, parts: list[z3.BoolRef]) -> z3.BoolRef:
        """The conjunction of `parts` (true when there are none), in this explorer's Z3 context."""
        return z3.And(parts) if parts else self.true

    def any(self, parts: list[z3.BoolRef]) -> z3.BoolRef:
        """The disjunction of `parts` (false when there are none), in this explorer's Z3 context."""
        return z3.Or(parts) if parts else self.false

    def domains(self) -> z3.BoolRef:
        """Every attribute within its declared range or values."""
        parts = []
        for attribute in self.attributes.values():
            var = self._attr_vars[attribute.id]
            if attribute.type == "int":
                low, high = attribute.range  # type: ignore[misc]
                parts.append(z3.And(var >= low, var <= high))
            elif attribute.type == "enum":
                parts.append(z3.And(var >= 0, var < len(attribute.values)))
        return self.all(parts)

    def _assumed(self) -> list[z3.BoolRef]:
        return [self.encode(a) for a in self.assumptions]

    def encode(self, condition: Condition | None) -> z3.BoolRef:
        """A condition as a Z3 formula over the state and attribute variables."""
        if condition is None:
            return self.true
        match condition:
            case Comparison():
                return self._comparison(condition)
            case conditions.All(parts):
                return self.all([self.encode(p) for p in parts])
            case conditions.AnyOf(parts):
                return self.any([self.encode(p) for p in parts])
            case conditions.Not(part):
                return z3.Not(self.encode(part))
        raise TypeError(condition)

    def _comparison(self, c: Comparison) -> z3.BoolRef:
        values = c.value if isinstance(c.value, tuple) else (c.value,)
        if c.key in self.lifecycles:
            negated = c.op in ("ne", "not_in")
            key = (frozenset(values), negated)
            if key not in self._lifecycle_tests:  # a test built once: a common state is in many configurations
                indices = sorted({i for v in values for i in self._containing.get(v, ())})  # type: ignore[arg-type]
                active = self.any([self._between(low, high) for low, high in _runs(indices)])
                self._lifecycle_tests[key] = z3.Not(active) if negated else active
            return self._lifecycle_tests[key]
        attribute = self.attributes[c.key]
        var = self._attr_vars[c.key]
        if attribute.type == "enum":
            index = {v.id: i for i, v in enumerate(attribute.values)}
            values = tuple(index[v] for v in values)  # type: ignore[index]
        literals = [z3.IntVal(v, self.ctx) if attribute.type != "bool" else z3.BoolVal(v, self.ctx) for v in values]
        match c.op:
            case "eq" | "in":
                return self.any([var == v for v in literals])
            case "ne" | "not_in":
                return self.all([var != v for v in literals])
            case "lt":
                return var < literals[0]
            case "lte":
                return var <= literals[0]
            case "gt":
                return var > literals[0]
            case "gte":
                return var >= literals[0]
        raise ValueError(c.op)

    def path(self, condition: PathCondition) -> z3.BoolRef:
        return self.all([self.encode(c) if held else z3.Not(self.encode(c)) for c, held in sorted(condition, key=repr)])

    @cached_property
    def _ordered(self) -> list[tuple[Config, list[PathCondition]]]:
        """The reachable configurations in a fixed order, a situation's index being its place here:
        by their states lifecycle by lifecycle, so that the configurations with a state in common
        lie in few runs of indices, and a test of a state is a few ranges."""
        order = [lc.id for lc in self.protocol.lifecycles]

        def key(item: tuple[Config, list[PathCondition]]) -> tuple:
            return tuple(tuple(sorted(s for s in item[0] if self.lifecycle_of[s] == lc)) for lc in order)

        return sorted(self.configurations.items(), key=key)

    @cached_property
    def _containing(self) -> dict[str, list[int]]:
        """For each state, the indices of the configurations it is active in."""
        found: dict[str, list[int]] = {}
        for i, (config, _) in enumerate(self._ordered):
            for state in config:
                found.setdefault(state, []).append(i)
        return found

    @cached_property
    def _reachable(self) -> z3.BoolRef:
        # One integer names the configuration (a lifecycle test is a choice among the indices of the
        # configurations it holds in); each configuration brings the path conditions it is reached under.
        index = self._index
        parts = [index >= 0, index < len(self._ordered), self.domains(), *self._assumed()]
        for i, (_, paths) in enumerate(self._ordered):
            if all(paths):  # reached only under conditions on the attributes
                parts.append(z3.Implies(index == i, self._either(paths)))
        return self.all(parts)

    def reachable(self) -> z3.BoolRef:
        """Holds exactly in the reachable situations (with attributes in range and the assumptions)."""
        return self._reachable

    @cached_property
    def _solver(self) -> z3.Solver:
        solver = z3.Solver(ctx=self.ctx)
        solver.add(self._reachable)
        return solver

    @contextmanager
    def query(self, *constraints: z3.BoolRef, timeout_ms: int) -> Iterator[z3.Solver]:
        """A solver over the reachable situations with `constraints` added for the length of the block
        (one incremental solver: what it learns in one question speeds up the next). Where a
        constraint puts the situation in one configuration (`in_configuration`), a solver of its own
        over that configuration's situations: the same answers, at the cost of one configuration
        rather than of every one."""
        position = self._pinned(constraints)
        if position is not None:
            solver = z3.Solver(ctx=self.ctx)
            solver.set("timeout", timeout_ms)
            solver.add(self._reachable_in(position), *constraints)
            yield solver
            return
        solver = self._solver
        solver.set("timeout", timeout_ms)
        solver.push()
        try:
            solver.add(*constraints)
            yield solver
        finally:
            solver.pop()

    def _pinned(self, constraints: Iterable[z3.BoolRef]) -> int | None:
        """The configuration (by index) a constraint `in_configuration` puts the situation in, if any."""
        for constraint in constraints:
            if z3.is_eq(constraint) and constraint.arg(0).eq(self._index) and z3.is_int_value(constraint.arg(1)):
                return constraint.arg(1).as_long()
        return None

    def _reachable_in(self, position: int) -> z3.BoolRef:
        """`reachable()` in the configuration at `position` (in `_ordered`): what `reachable()` says
        once the index is fixed there."""
        index, n = self._index, len(self._ordered)
        parts = [index >= 0, index < n, self._domains, *self._assumed()]
        if 0 <= position < n:
            paths = self._ordered[position][1]
            if all(paths):  # reached only under conditions on the attributes
                parts.append(self._either(paths))
        return self.all(parts)

    def nearest(
        self, condition: Condition, timeout_ms: int, besides: Iterable[Config] = ()
    ) -> tuple[Config, z3.ModelRef] | None:
        """The first configuration reached (nearest the start), other than those `besides`, in which
        `condition` can hold, with a model of the attribute values; None if there is none. Raises
        `Undecided` when there is none the solver could decide but some it could not.

        Each configuration is asked on its own, about the attributes only: the condition's and the
        assumptions' lifecycle tests decided on it, under the path conditions it is reached by. So a
        question costs the configurations its lifecycle tests leave open, not the whole statechart,
        and configurations that leave the same attribute question share its answer. Where the
        condition requires one of some states (`support`), only the configurations with one of them
        are looked at. Witnesses read best near the start: the simplest case first."""
        besides = set(besides)
        order, pathset_of = self._order, self._pathset_of
        tested = self.tested_states(condition).union(*(self.tested_states(a) for a in self.assumptions))
        lefts: dict[frozenset[str], tuple[Condition, ...] | None] = {}  # what is left to ask, None if decided false

        def left_at(config: Config) -> tuple[Condition, ...] | None:
            """What is left to ask in a configuration: it turns only on which tested states are active."""
            key = config & tested
            if key not in lefts:
                rest = self.residual(condition, config)
                assumed = [self.residual(a, config) for a in self.assumptions]
                lefts[key] = (
                    None if rest is False or False in assumed else tuple(c for c in (rest, *assumed) if c is not True)
                )
            return lefts[key]

        first: dict[
            tuple[tuple[Condition, ...], int], int
        ] = {}  # each question to ask, at the first position it is open
        support = self.support(condition)
        touched = sorted(
            {p for state in (tested if support is None else support) for p in self._with_state.get(state, ())}
        )
        for position in touched:
            if order[position] not in besides and (left := left_at(order[position])) is not None:
                first.setdefault((left, pathset_of[position]), position)
        if support is None and len(touched) < len(order):
            # the configurations with none of the tested states active are decided alike
            left, skip = left_at(frozenset()), set(touched)
            if left is not None:
                for paths, positions in enumerate(self._by_pathset):
                    position = next((p for p in positions if p not in skip and order[p] not in besides), None)
                    if position is not None and position < first.get((left, paths), len(order)):
                        first[left, paths] = position
        unknown = ""
        for (left, paths), position in sorted(
            first.items(), key=lambda item: item[1]
        ):  # in the order the exploration reached them
            if not self._open(left, paths):
                continue  # no attribute values answer it: decided without the solver
            answered = self._answers.get((left, paths))
            if answered is not None:  # the same question, asked before in another question's configurations
                if answered is not False:
                    return order[position], answered
                continue
            solver = z3.Solver(ctx=self.ctx)
            solver.set("timeout", timeout_ms)
            solver.add(self._domains, self._reached_by(self._pathsets[paths]))
            solver.add(*(self.encode(c) for c in left))
            result = solver.check()
            if result == z3.sat:
                model = self._answers[left, paths] = solver.model()
                return order[position], model
            if result == z3.unknown:
                unknown = unknown or solver.reason_unknown() or "unknown"
            else:
                self._answers[left, paths] = False
        if unknown:
            raise Undecided(unknown)
        return None

    def possible(self, parts: tuple[Condition, ...]) -> bool | None:
        """Whether some attribute values, each within its range or values, satisfy every one of
        `parts` (conditions on the attributes only): decided by trying one value from each interval
        the conditions' constants cut a range into, and every value of the others; None when there
        would be too many combinations to try (the solver is asked instead)."""
        if parts not in self._possible:
            self._possible[parts] = self._try_values(parts)
        return self._possible[parts]

    def _try_values(self, parts: tuple[Condition, ...]) -> bool | None:
        tests = [c for part in parts for c in conditions.comparisons(part)]
        if any(c.key not in self.attributes for c in tests):
            return None
        keys = sorted({c.key for c in tests})
        choices: list[list[int | bool | str]] = []
        combinations = 1
        for key in keys:
            attribute = self.attributes[key]
            if attribute.type == "bool":
                options: list[int | bool | str] = [False, True]
            elif attribute.type == "enum":
                options = [v.id for v in attribute.values]
            else:
                low, high = attribute.range  # type: ignore[misc]
                cuts = {low, high}
                for c in tests:
                    if c.key == key:
                        for v in c.value if isinstance(c.value, tuple) else (c.value,):
                            if isinstance(v, int) and not isinstance(v, bool):
                                cuts.update(x for x in (v - 1, v, v + 1) if low <= x <= high)
                options = sorted(cuts)
            choices.append(options)
            combinations *= len(options)
        if combinations > POSSIBLE_LIMIT:
            return None
        for values in product(*choices):
            assignment = dict(zip(keys, values, strict=True))
            if all(conditions.holds(part, lambda test, assignment=assignment: assignment[test.key]) for part in parts):
                return True
        return False

    def _open(self, left: tuple[Condition, ...], paths: int) -> bool:
        """Whether a configuration question (what is `left`, under one of the path conditions
        numbered `paths`) may have an answer: False only where trying the attribute values shows
        it has none."""
        if self.possible(left) is False:
            return False
        return any(self.possible((*left, *_signed(path))) is not False for path in self._pathsets[paths])

    def containing(self, states: Iterable[str]) -> list[Config]:
        """The reachable configurations with one of `states` active, in the order they were reached."""
        order = self._order
        return [order[p] for p in sorted({p for state in states for p in self._with_state.get(state, ())})]

    @cached_property
    def _order(self) -> list[Config]:
        """The reachable configurations in the order the exploration reached them."""
        return list(self.configurations)

    @cached_property
    def _with_state(self) -> dict[str, list[int]]:
        """For each state, the positions (in `_order`) of the configurations it is active in."""
        found: dict[str, list[int]] = {}
        for position, config in enumerate(self._order):
            for state in config:
                found.setdefault(state, []).append(position)
        return found

    @cached_property
    def _pathsets(self) -> list[frozenset[PathCondition]]:
        """The distinct sets of path conditions configurations are reached under."""
        return list(dict.fromkeys(frozenset(paths) for paths in self.configurations.values()))

    @cached_property
    def _by_pathset(self) -> list[list[int]]:
        """For each set of path conditions (by place in `_pathsets`), the positions of the
        configurations reached under it."""
        found: list[list[int]] = [[] for _ in self._pathsets]
        for position, paths in enumerate(self._pathset_of):
            found[paths].append(position)
        return found

    @cached_property
    def _pathset_of(self) -> list[int]:
        """For each configuration (by position), its set of path conditions (by place in `_pathsets`)."""
        number = {paths: i for i, paths in enumerate(self._pathsets)}
        return [number[frozenset(paths)] for paths in self.configurations.values()]

    def _either(self, paths: list[PathCondition]) -> z3.BoolRef:
        """Holds where one of the path conditions does, taken in the order they are listed (the order
        the exploration found them), each encoded once."""
        key = tuple(paths)
        found = self._eithers.get(key)
        if found is None:
            encoded = self._encoded_paths
            for path in paths:
                if path not in encoded:
                    encoded[path] = self.path(path)
            found = self._eithers[key] = self.any([encoded[path] for path in paths])
        return found

    def _reached_by(self, paths: frozenset[PathCondition]) -> z3.BoolRef:
        """Holds where one of the path conditions does."""
        if paths not in self._paths:
            self._paths[paths] = self.any([self.path(p) for p in sorted(paths, key=lambda p: sorted(map(repr, p)))])
        return self._paths[paths]

    @cached_property
    def _domains(self) -> z3.BoolRef:
        return self.domains()

    def _between(self, low: int, high: int) -> z3.BoolRef:
        return self._index == low if low == high else z3.And(self._index >= low, self._index <= high)

    def in_configuration(self, config: Config) -> z3.BoolRef:
        """Holds in the situations in exactly this configuration."""
        return self._index == self._position[config]

    @cached_property
    def _position(self) -> dict[Config, int]:
        return {config: i for i, (config, _) in enumerate(self._ordered)}

    # --- witnesses ----------------------------------------------------------------------------

    def situation(self, model: z3.ModelRef, keys: Iterable[str] = ()) -> tuple[dict[str, str | int | bool], str]:
        """The situation a Z3 model describes: data (lifecycle -> innermost active states, attribute ->
        value) and words. Only the attributes in `keys` (those the question turns on) are given, and
        lifecycles after the first two only when in `keys`."""
        return self.describe(self._ordered[model.eval(self._index, model_completion=True).as_long()][0], keys, model)

    def describe(
        self, active: Config, keys: Iterable[str] = (), model: z3.ModelRef | None = None
    ) -> tuple[dict[str, str | int | bool], str]:
        """A configuration as a situation, in data and words, with the attributes in `keys` read from
        `model` (without one, `keys` names no attribute)."""
        keys = set(keys)
        data: dict[str, str | int | bool] = {}
        words: list[str] = []
        for position, lifecycle in enumerate(lc.id for lc in self.protocol.lifecycles):  # file order, never set order
            if position >= 2 and lifecycle not in keys:
                continue  # beyond the first two lifecycles, only those the question turns on
            innermost = sorted(
                s for s in active if self.lifecycle_of[s] == lifecycle and not (set(self.nodes[s].children) & active)
            )
            data[lifecycle] = ", ".join(innermost)
            words.append(" and ".join(self.names[s] for s in innermost))
        for key in sorted(set(keys) & set(self.attributes)):
            assert model is not None, "attribute values need a model"
            attribute = self.attributes[key]
            value = model.eval(self._attr_vars[key], model_completion=True)
            if attribute.type == "bool":
                held = z3.is_true(value)
                data[key] = held
                words.append(f"{attribute.name}: {'yes' if held else 'no'}")
            elif attribute.type == "int":
                data[key] = value.as_long()
                words.append(f"{attribute.name}: {value.as_long()}")
            else:
                chosen = attribute.values[value.as_long()]
                data[key] = chosen.id
                words.append(f"{attribute.name}: {chosen.name or chosen.id.replace('_', ' ')}")
        return data, "; ".join(w for w in words if w)


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted indices as runs of consecutive ones: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _signed(path: PathCondition) -> list[Condition]:
    """A path condition as conditions on the attributes, in a fixed order: each guard that held, and
    the negation of each that failed."""
    return [c if held else conditions.Not(c) for c, held in sorted(path, key=repr)]


def keys_of(*conditions_: Condition | None) -> set[str]:
    """The attribute and lifecycle ids the conditions test."""
    return {c.key for condition in conditions_ if condition is not None for c in conditions.comparisons(condition)}
