"""Practice: the checks a careful reviewer of a protocol relies on, one module each.

What a manager reading a draft flags first, from the blind reviews of the two real protocols (issue
16, item 5): a duty given to several agencies with no lead (`joint`), a child waiting with no limit
(`waiting`), urgent work out of hours with no route (`outofhours`), an input nobody must give
(`inputs`), a duty nothing starts on some branch (`triggers`), the same item due twice (`twice`), a
dispute route that can stall (`disputes`), a statutory duty stated with less force or for fewer
children (`force`), and the topics joint protocols usually cover (`topics`). Each module says what it
looks for and the severity it gives; docs/checks.md has a section for each kind.
"""

from __future__ import annotations

from ..model.schema import Protocol
from .context import Context
from .disputes import dispute_routes
from .findings import Finding, ordered
from .force import looser_than_statute
from .inputs import unrequired_inputs
from .joint import joint_duties
from .outofhours import out_of_hours
from .topics import topics_not_covered
from .triggers import never_started
from .twice import items_due_twice
from .waiting import waiting_states


def check(protocol: Protocol, context: Context) -> list[Finding]:
    """Every finding of the practice checks on the protocol."""
    situations, timeout = context.situations, context.timeout_ms
    found = [
        *joint_duties(protocol),
        *waiting_states(protocol, situations),
        *out_of_hours(protocol),
        *unrequired_inputs(protocol),
        *never_started(protocol, situations, timeout),
        *items_due_twice(protocol, situations, timeout),
        *dispute_routes(protocol),
        *topics_not_covered(protocol, context.baseline),
    ]
    if context.baseline is not None:
        found += looser_than_statute(protocol, context.baseline, situations, timeout)
    return ordered(found)
