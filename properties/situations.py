"""Situations: the combinations of lifecycle states and attribute values a case can actually reach.

The configurations a case can reach, and the path conditions on its attributes under which it reaches
each, come from one exploration of the protocol's statechart (`exploration`, by the rules of
`model.semantics`). Guards on lifecycles are decided on the configuration; guards on attributes stay
symbolic, so one exploration covers every attribute assignment. Infeasible path conditions are pruned:
by trying the attribute values (`values`) where there are few enough, else with Z3.

`Situations.reachable()` is then a Z3 formula (`encoding`) over one integer naming the configuration
and one variable per attribute that holds exactly in the situations a case can be in. Checks conjoin
questions to it ("and no ownership rule applies") and read witnesses from the model, in data and in
words; `nearest` asks configuration by configuration, only where the question's states are active,
and leaves to Z3 only the attribute questions that have an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property

import z3

from ..model import conditions
from ..model.conditions import Comparison, Condition
from ..model.schema import Attribute, Protocol
from ..model.semantics import compile_lifecycles
from .encoding import Encoding
from .exploration import Config, Exploration, Step
from .values import AttributeValues, PathCondition, signed

__all__ = ["MAX_CONFIGURATIONS", "Config", "Situations", "Step", "Undecided", "keys_of"]

MAX_CONFIGURATIONS = 250_000
Question = tuple[tuple[Condition, ...], int]  # what is left to ask of the attributes, and a set of path conditions


class Undecided(Exception):
    """The solver could not decide a question in the time it was given (the reason is the message)."""


class Situations:
    """The reachable situations of a protocol's case, explored once and queried with Z3."""

    def __init__(self, protocol: Protocol, assumptions: Iterable[Condition] = ()):
        self.protocol = protocol
        self.attributes: dict[str, Attribute] = {a.id: a for a in protocol.attributes}
        self.lifecycles = {lc.id for lc in protocol.lifecycles}
        self.compiled = compile_lifecycles(protocol)
        self._compiled_of = {state: lc for lc in self.compiled for state in lc.states()}
        self.lifecycle_of: dict[str, str] = {state: lc.id for state, lc in self._compiled_of.items()}
        self.names = {s.id: s.name or s.id.replace("_", " ") for s in protocol.states()}
        self.lifecycle_names = {lc.id: lc.name for lc in protocol.lifecycles}
        self.transitions = [(lc.id, t) for lc in protocol.lifecycles for t in lc.transitions]
        self.events = sorted({t.event for _, t in self.transitions})
        self.assumptions = tuple(assumptions)
        self.values = AttributeValues(protocol.attributes)
        self.encoding = encoding = Encoding(protocol.attributes, self.lifecycles, lambda: self._containing)
        self.ctx, self.true, self.false, self._index = encoding.ctx, encoding.true, encoding.false, encoding.index
        # the checks build their questions with these
        self.all, self.any, self.domains, self.encode, self.path = (
            encoding.all,
            encoding.any,
            encoding.domains,
            encoding.encode,
            encoding.path,
        )
        self._feasible: dict[tuple, bool] = {}
        self._paths: dict[frozenset[PathCondition], z3.BoolRef] = {}
        self._encoded_paths: dict[PathCondition, z3.BoolRef] = {}  # see `_either`
        self._eithers: dict[tuple[PathCondition, ...], z3.BoolRef] = {}
        self._tested: dict[int, tuple[Condition, frozenset[str]]] = {}  # by id: the condition (kept alive), its states
        self._residuals: dict[tuple[int, frozenset[str]], Condition | bool] = {}
        self._supports: dict[int, tuple[Condition, frozenset[str] | None]] = {}
        self._canonical: dict[Condition, Condition] = {}
        self._answers: dict[Question, z3.ModelRef | bool] = {}  # see `nearest`
        self.initial: Config = frozenset().union(*(lc.initial for lc in self.compiled))
        explored = Exploration(self.compiled, self.residual, self.tested_states, self.feasible).run(
            self.initial, not self.assumptions, MAX_CONFIGURATIONS
        )
        self.configurations: dict[Config, list[PathCondition]] = explored.configurations
        self.steps: list[Step] = explored.steps
        self.complete = explored.complete

    # --- the statechart -----------------------------------------------------------------------

    def ancestors(self, state: str) -> tuple[str, ...]:
        """The states enclosing a state, innermost first."""
        return self._compiled_of[state].ancestors(state)

    def default_entry(self, state: str) -> frozenset[str]:
        """A state and the descendants entered with it by default."""
        return self._compiled_of[state].default_entry(state)

    # --- conditions decided on a configuration --------------------------------------------------

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

    # --- path conditions ------------------------------------------------------------------------

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
            decided = self.possible((*signed(condition), *(a for a in assumed if a is not True)))  # type: ignore[misc]
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

    def possible(self, parts: tuple[Condition, ...]) -> bool | None:
        """Whether some attribute values satisfy every one of `parts` (conditions on the attributes
        only), found by trying them; None where there are too many to try (see `values`)."""
        return self.values.possible(parts)

    # --- the reachable configurations, in order ---------------------------------------------------

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
    def _position(self) -> dict[Config, int]:
        return {config: i for i, (config, _) in enumerate(self._ordered)}

    # --- the reachable situations in Z3 -----------------------------------------------------------

    def _assumed(self) -> list[z3.BoolRef]:
        return [self.encode(a) for a in self.assumptions]

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

    def in_configuration(self, config: Config) -> z3.BoolRef:
        """Holds in the situations in exactly this configuration."""
        return self._index == self._position[config]

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

    # --- the nearest situation where a condition can hold ----------------------------------------

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
        order = self._order
        unknown = ""
        for (left, paths), position in self._questions(condition, set(besides)):
            answered = self._answer(left, paths, timeout_ms)
            if isinstance(answered, str):
                unknown = unknown or answered
            elif answered is not False:
                return order[position], answered
        if unknown:
            raise Undecided(unknown)
        return None

    def _questions(self, condition: Condition, besides: set[Config]) -> list[tuple[Question, int]]:
        """The attribute questions `nearest` asks, each at the first position (in `_order`) it is open
        at, in the order the exploration reached them."""
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

        first: dict[Question, int] = {}  # each question to ask, at the first position it is open
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
        return sorted(first.items(), key=lambda item: item[1])

    def _answer(self, left: tuple[Condition, ...], paths: int, timeout_ms: int) -> z3.ModelRef | bool | str:
        """Attribute values that satisfy what is `left` under one of the path conditions numbered
        `paths`: a model, False if there are none, or why the solver could not tell."""
        if not self._open(left, paths):
            return False  # no attribute values answer it: decided without the solver
        answered = self._answers.get((left, paths))
        if answered is not None:  # the same question, asked before in another question's configurations
            return answered
        solver = z3.Solver(ctx=self.ctx)
        solver.set("timeout", timeout_ms)
        solver.add(self._domains, self._reached_by(self._pathsets[paths]))
        solver.add(*(self.encode(c) for c in left))
        result = solver.check()
        if result == z3.sat:
            model = self._answers[left, paths] = solver.model()
            return model
        if result == z3.unknown:
            return solver.reason_unknown() or "unknown"
        self._answers[left, paths] = False
        return False

    def _open(self, left: tuple[Condition, ...], paths: int) -> bool:
        """Whether a configuration question (what is `left`, under one of the path conditions
        numbered `paths`) may have an answer: False only where trying the attribute values shows
        it has none."""
        if self.possible(left) is False:
            return False
        return any(self.possible((*left, *signed(path))) is not False for path in self._pathsets[paths])

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
        for position, lifecycle in enumerate(self.compiled):  # file order, never set order
            if position >= 2 and lifecycle.id not in keys:
                continue  # beyond the first two lifecycles, only those the question turns on
            innermost = sorted(lifecycle.atomic(frozenset(s for s in active if s in lifecycle.order)))
            data[lifecycle.id] = ", ".join(innermost)
            words.append(" and ".join(self.names[s] for s in innermost))
        for key in sorted(set(keys) & set(self.attributes)):
            assert model is not None, "attribute values need a model"
            data[key], said = self._value(key, model)
            words.append(said)
        return data, "; ".join(w for w in words if w)

    def _value(self, key: str, model: z3.ModelRef) -> tuple[str | int | bool, str]:
        """An attribute's value in a model, in data and words."""
        attribute = self.attributes[key]
        value = model.eval(self.encoding.variables[key], model_completion=True)
        if attribute.type == "bool":
            held = z3.is_true(value)
            return held, f"{attribute.name}: {'yes' if held else 'no'}"
        if attribute.type == "int":
            return value.as_long(), f"{attribute.name}: {value.as_long()}"
        chosen = attribute.values[value.as_long()]
        return chosen.id, f"{attribute.name}: {chosen.name or chosen.id.replace('_', ' ')}"


def keys_of(*conditions_: Condition | None) -> set[str]:
    """The attribute and lifecycle ids the conditions test."""
    return {c.key for condition in conditions_ if condition is not None for c in conditions.comparisons(condition)}
