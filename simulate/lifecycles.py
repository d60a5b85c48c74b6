"""A case's lifecycles, stepped quickly: the model's statechart semantics, without the statechart library.

The engine moves thousands of simulated cases through the protocol's lifecycles, so it does not build
a python-statemachine machine per case; it keeps each case's configuration (the active states of each
lifecycle, enclosing states included) and steps it by `model.semantics`, the rules the checks explore
situations by too, with each guard decided on the case. Here too is how a guard reads a case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..model.conditions import Comparison, Condition, Scalar, holds
from ..model.semantics import CompiledLifecycle, Configuration, Step, Transition, compile_lifecycles

__all__ = [
    "CompiledLifecycle",
    "Configuration",
    "Step",
    "Transition",
    "compile_lifecycles",
    "condition_holds",
    "lookup",
]


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
