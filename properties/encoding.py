"""Conditions as Z3 formulas over a situation: one integer naming its configuration, one variable per attribute.

A test of an attribute becomes a comparison of its variable (a named value by its place in the
attribute's list); a test of a lifecycle becomes a choice among the configurations it holds in, as
runs of their indices (`Situations` orders the configurations so that those with a state in common lie
in few runs). Everything is built in a Z3 context of its own: terms in Z3's shared context carry ids
from whatever was built before, and those ids steer which model Z3 finds, so a witness would depend on
what ran earlier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import z3

from ..model import conditions
from ..model.conditions import Comparison, Condition
from ..model.schema import Attribute
from .values import PathCondition


class Encoding:
    """The Z3 context, variables and formulas of one protocol's situations."""

    def __init__(
        self, attributes: Iterable[Attribute], lifecycles: set[str], containing: Callable[[], Mapping[str, list[int]]]
    ):
        """`containing()` gives, once the configurations are ordered, the indices of those each state is active in."""
        self.attributes = {a.id: a for a in attributes}
        self.lifecycles = lifecycles
        self._containing = containing
        self.ctx = z3.Context()
        self.true, self.false = z3.BoolVal(True, self.ctx), z3.BoolVal(False, self.ctx)
        self.index = z3.Int("configuration", self.ctx)  # which reachable configuration a situation is in
        self.variables = {a.id: self._variable(a) for a in self.attributes.values()}
        self._lifecycle_tests: dict[tuple[frozenset, bool], z3.BoolRef] = {}

    def _variable(self, attribute: Attribute) -> z3.ExprRef:
        if attribute.type == "bool":
            return z3.Bool(f"attr:{attribute.id}", self.ctx)
        return z3.Int(f"attr:{attribute.id}", self.ctx)

    def all(self, parts: list[z3.BoolRef]) -> z3.BoolRef:
        """The conjunction of `parts` (true when there are none), in this context."""
        return z3.And(parts) if parts else self.true

    def any(self, parts: list[z3.BoolRef]) -> z3.BoolRef:
        """The disjunction of `parts` (false when there are none), in this context."""
        return z3.Or(parts) if parts else self.false

    def domains(self) -> z3.BoolRef:
        """Every attribute within its declared range or values."""
        parts = []
        for attribute in self.attributes.values():
            var = self.variables[attribute.id]
            if attribute.type == "int":
                low, high = attribute.range  # type: ignore[misc]
                parts.append(z3.And(var >= low, var <= high))
            elif attribute.type == "enum":
                parts.append(z3.And(var >= 0, var < len(attribute.values)))
        return self.all(parts)

    def encode(self, condition: Condition | None) -> z3.BoolRef:
        """A condition as a Z3 formula over the configuration index and the attribute variables."""
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

    def _lifecycle_test(self, states: tuple, negated: bool) -> z3.BoolRef:
        """A lifecycle is (or, `negated`, is not) in one of `states`: the configuration index is in one
        of the runs of the configurations with one of them active."""
        key = (frozenset(states), negated)
        if key not in self._lifecycle_tests:  # a test built once: a common state is in many configurations
            containing = self._containing()
            indices = sorted({i for v in states for i in containing.get(v, ())})
            active = self.any([self.between(low, high) for low, high in _runs(indices)])
            self._lifecycle_tests[key] = z3.Not(active) if negated else active
        return self._lifecycle_tests[key]

    def _comparison(self, c: Comparison) -> z3.BoolRef:
        values = c.value if isinstance(c.value, tuple) else (c.value,)
        if c.key in self.lifecycles:
            return self._lifecycle_test(values, c.op in ("ne", "not_in"))
        attribute = self.attributes[c.key]
        var = self.variables[c.key]
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
        """A path condition (guards that held or failed) as a conjunction, in a fixed order."""
        return self.all([self.encode(c) if held else z3.Not(self.encode(c)) for c, held in sorted(condition, key=repr)])

    def between(self, low: int, high: int) -> z3.BoolRef:
        """The configuration index is from `low` to `high`."""
        return self.index == low if low == high else z3.And(self.index >= low, self.index <= high)


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted indices as runs of consecutive ones: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
