"""Attribute values tried in Python: whether some values of a case's attributes satisfy some conditions.

Most questions the checks ask of the attributes are small (an age against two or three limits, a legal
status among its few values), and trying the values answers them faster than the solver does: one
value from each piece a range is cut into by the conditions' constants (and the values beside each),
every value of a true/false or named attribute. Where that would be too many combinations, the answer
is None and the question goes to Z3 (`properties.encoding`).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product

from ..model import conditions
from ..model.conditions import Comparison, Condition
from ..model.schema import Attribute

POSSIBLE_LIMIT = 512  # attribute value combinations tried in Python before a question goes to the solver

Literal_ = tuple[Condition, bool]  # a guard and whether it held
PathCondition = frozenset[Literal_]


class AttributeValues:
    """The attributes of a protocol's case, and the answers already found by trying their values."""

    def __init__(self, attributes: Iterable[Attribute]):
        self.attributes: dict[str, Attribute] = {a.id: a for a in attributes}
        self._possible: dict[tuple[Condition, ...], bool | None] = {}

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
        choices = [self._options(key, tests) for key in keys]
        combinations = 1
        for options in choices:
            combinations *= len(options)
        if combinations > POSSIBLE_LIMIT:
            return None
        for values in product(*choices):
            assignment = dict(zip(keys, values, strict=True))
            if all(conditions.holds(part, lambda test, assignment=assignment: assignment[test.key]) for part in parts):
                return True
        return False

    def _options(self, key: str, tests: list[Comparison]) -> list[int | bool | str]:
        """The values of an attribute worth trying against these tests."""
        attribute = self.attributes[key]
        if attribute.type == "bool":
            return [False, True]
        if attribute.type == "enum":
            return [v.id for v in attribute.values]
        low, high = attribute.range  # type: ignore[misc]
        cuts = {low, high}
        for c in tests:
            if c.key == key:
                for v in c.value if isinstance(c.value, tuple) else (c.value,):
                    if isinstance(v, int) and not isinstance(v, bool):
                        cuts.update(x for x in (v - 1, v, v + 1) if low <= x <= high)
        return sorted(cuts)


def signed(path: PathCondition) -> list[Condition]:
    """A path condition as conditions on the attributes, in a fixed order: each guard that held, and
    the negation of each that failed."""
    return [c if held else conditions.Not(c) for c, held in sorted(path, key=repr)]
