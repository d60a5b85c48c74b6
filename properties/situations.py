"""Situations: the combinations of lifecycle states and attribute values a case can actually reach.

A protocol's lifecycles form one statechart. Starting from the initial configuration, every event is
tried in every reachable configuration with SCXML semantics (a transition exits the states below
its domain and enters the path to its target, with default initial states and every region of a
parallel state). Guards on lifecycles are evaluated on the configuration; guards on attributes stay
symbolic and are collected as the path condition under which a configuration is reached, so one
exploration covers every attribute assignment. Infeasible path conditions are pruned with Z3.

`Situations.reachable()` is then a Z3 formula over one Bool per state and one variable per attribute
that holds exactly in the situations a case can be in. Checks conjoin questions to it ("and no
ownership rule applies") and read witnesses from the model, in data and in words.
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
        self._state_vars = {s: z3.Bool(f"state:{s}", self.ctx) for s in self.lifecycle_of}
        self._attr_vars = {a.id: self._variable(a) for a in protocol.attributes}
        self._feasible: dict[PathCondition, bool] = {}
        self.initial: Config = frozenset().union(*(self._enter_default(lc) for lc in sorted(self.lifecycles))) if self.lifecycles else frozenset()
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
        found, node = [], self.nodes[state].parent
        while node is not None:
            found.append(node)
            node = self.nodes[node].parent
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

    def _fire(self, config: Config, source: str, target: str) -> tuple[set[str], set[str]]:
        """The states a transition exits and enters (external transition, SCXML domain)."""
        target_line = set(self.ancestors(target)) | {target}
        domain = next(a for a in self.ancestors(source) if a in target_line and self.nodes[a].kind in ("compound", "root"))
        exit = {s for s in config if domain in self.ancestors(s)}
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
        return exit, entered

    # --- exploration --------------------------------------------------------------------------

    def _explore(self) -> None:
        leaving: dict[str, list[int]] = {}  # state -> the transitions (by file position) that leave it
        for position, (_, transition) in enumerate(self.transitions):
            for source in transition.source:
                leaving.setdefault(source, []).append(position)
        self.configurations[self.initial] = [frozenset()]
        queue: deque[tuple[Config, PathCondition]] = deque([(self.initial, frozenset())])
        while queue:
            config, path = queue.popleft()
            offered: dict[str, dict[str, list]] = {}  # event -> lifecycle -> transitions, in file order
            for position in sorted({p for state in config for p in leaving.get(state, ())}):
                lifecycle, transition = self.transitions[position]
                offered.setdefault(transition.event, {}).setdefault(lifecycle, []).append(transition)
            for event in sorted(offered):
                for step in self._successors(config, event, path, offered[event]):
                    self.steps.append(step)
                    known = self.configurations.setdefault(step.target, [])
                    if any(old <= step.condition for old in known):
                        continue  # already reached under a weaker condition
                    known[:] = [old for old in known if not step.condition <= old] + [step.condition]
                    if len(self.configurations) > MAX_CONFIGURATIONS:
                        self.complete = False
                        return
                    queue.append((step.target, step.condition))

    def _successors(self, config: Config, event: str, path: PathCondition, offered: dict[str, list]) -> Iterator[Step]:
        """The steps `event` can take from `config`, given the transitions offered in each lifecycle."""
        options_per_lifecycle = [self._choices(lifecycle, config, offered[lifecycle]) for lifecycle in sorted(offered)]
        for combination in product(*options_per_lifecycle):
            fired = [(lc, source, target) for chosen, lc, _ in combination for source, target in chosen]
            if not fired:
                continue  # no lifecycle moves: the event is not taken here
            condition = path.union(*(literals for _, _, literals in combination))
            if not self.feasible(condition):
                continue
            exits: set[str] = set()
            entries: set[str] = set()
            for _, source, target in fired:
                exit, entered = self._fire(config, source, target)
                exits |= exit
                entries |= entered
            yield Step(config, event, frozenset((config - exits) | entries), condition, tuple(fired))

    def _choices(self, lifecycle: str, config: Config, candidates) -> list[tuple[list[tuple[str, str]], str, frozenset[Literal_]]]:
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
            choices.append(([(source, transition.target)], lifecycle, frozenset([*failed, (guard, True)])))
            failed.append((guard, False))
        choices.append(([], lifecycle, frozenset(failed)))
        return choices

    def residual(self, condition: Condition, config: Config) -> Condition | bool:
        """A condition with its lifecycle tests decided on a configuration: True, False, or what is
        left to decide on the attributes."""
        match condition:
            case Comparison(key=key) if key in self.lifecycles:
                return conditions.holds(condition, lambda c: tuple(s for s in config if self.lifecycle_of.get(s) == c.key))
            case Comparison():
                return condition
            case conditions.Not(part):
                rest = self.residual(part, config)
                return (not rest) if isinstance(rest, bool) else conditions.Not(rest)
            case conditions.All(parts) | conditions.AnyOf(parts):
                decisive = isinstance(condition, conditions.AnyOf)  # True decides an any; False decides an all
                rests = [self.residual(p, config) for p in parts]
                if decisive in rests:
                    return decisive
                open_ = tuple(r for r in rests if not isinstance(r, bool))
                if not open_:
                    return not decisive
                return open_[0] if len(open_) == 1 else type(condition)(open_)
        raise TypeError(condition)

    def feasible(self, condition: PathCondition) -> bool:
        """Whether some attribute values (within their ranges and the assumptions) satisfy a path condition."""
        if condition not in self._feasible:
            solver = z3.Solver(ctx=self.ctx)
            solver.add(self.domains(), *self._assumed(), self.path(condition))  # path() orders the literals
            self._feasible[condition] = solver.check() != z3.unsat
        return self._feasible[condition]

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
            active = self.any([self._state_vars[v] for v in values])  # type: ignore[index]
            return z3.Not(active) if c.op in ("ne", "not_in") else active
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
    def _reachable(self) -> z3.BoolRef:
        # One integer names the configuration; each state holds in exactly the configurations that
        # contain it; each configuration brings the path conditions it is reached under.
        configs = sorted(self.configurations.items(), key=lambda kv: sorted(kv[0]))
        index = z3.Int("configuration", self.ctx)
        parts = [index >= 0, index < len(configs), self.domains(), *self._assumed()]
        for state, var in sorted(self._state_vars.items()):
            parts.append(var == self.any([index == i for i, (config, _) in enumerate(configs) if state in config]))
        for i, (_, paths) in enumerate(configs):
            if all(paths):  # reached only under conditions on the attributes
                parts.append(z3.Implies(index == i, self.any([self.path(p) for p in paths])))
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
        (one incremental solver: what it learns in one question speeds up the next)."""
        solver = self._solver
        solver.set("timeout", timeout_ms)
        solver.push()
        try:
            solver.add(*constraints)
            yield solver
        finally:
            solver.pop()

    def same_states(self, model: z3.ModelRef) -> z3.BoolRef:
        """Holds in the situations whose lifecycle states are those of `model` (to ask for another)."""
        return self.all([v == model.eval(v, model_completion=True) for _, v in sorted(self._state_vars.items())])

    # --- witnesses ----------------------------------------------------------------------------

    def situation(self, model: z3.ModelRef, keys: Iterable[str] = ()) -> tuple[dict[str, str | int | bool], str]:
        """The situation a Z3 model describes: data (lifecycle -> innermost active states, attribute ->
        value) and words. Only the attributes in `keys` (those the question turns on) are given, and
        lifecycles after the first two only when in `keys`."""
        keys = set(keys)
        data: dict[str, str | int | bool] = {}
        words: list[str] = []
        active = {s for s, v in self._state_vars.items() if z3.is_true(model.eval(v, model_completion=True))}
        for position, lifecycle in enumerate(lc.id for lc in self.protocol.lifecycles):  # file order, never set order
            if position >= 2 and lifecycle not in keys:
                continue  # beyond the first two lifecycles, only those the question turns on
            innermost = sorted(s for s in active if self.lifecycle_of[s] == lifecycle and not (set(self.nodes[s].children) & active))
            data[lifecycle] = ", ".join(innermost)
            words.append(" and ".join(self.names[s] for s in innermost))
        for key in sorted(set(keys) & set(self.attributes)):
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


def keys_of(*conditions_: Condition | None) -> set[str]:
    """The attribute and lifecycle ids the conditions test."""
    return {c.key for condition in conditions_ if condition is not None for c in conditions.comparisons(condition)}
