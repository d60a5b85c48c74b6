"""Deadlines: can every time limit of a protocol be met, and do its limits agree with each other?

Each question is asked of the admissible timelines of a case on the window of real dates (see
`timeline`): events in the order the lifecycles allow, at any gap the protocol does not fix.

1. An empty window (`deadline-conflict`): a duty due "no later than N before" an event that can
   come sooner than N after the duty's window opens (its trigger; else the situation it applies in
   beginning; else the event becoming possible), with any duty before it done at once.
2. A result that comes too late (`deadline-conflict`): the duties a duty depends on are met on
   time, yet the duty, which needs their result (an artefact they produce, or their completion as
   its trigger), cannot be. Its clauses are the unsat core of "every duty on time" on the witness
   timeline, with each duty's limit labelled by the duty.
3. Two readings of one limit (`deadline-divergence`): "3 weeks (15 working days)", on a duty or a
   scheduled event, ending on different dates.
4. One duty, two timescales (`deadline-divergence`): duties of one `type` in different clauses,
   where, while both are open, one act meets one clause and misses the other.
5. Best practice that allows a breach (`deadline-conflict`, warning): a `should` window within
   which a `must` duty of the same type (or with the same trigger, recipients and an overlapping
   actor) is missed.

Questions 4 and 5 about one duty stated in several clauses (one `type`) are one finding: the duty's
limits, clause by clause, that disagree (`deadline-divergence`).

Questions 1 and 2 are in `windows`, 3 to 5 in `agreement`; what they share (when each duty's clock
starts, its window opens, what its limit counts from) in `clocks`, and how the solver is asked for a
witness that reads naturally in `witnesses`. A limit in calendar months is counted by the
end-of-month rule (docs/calendar.md), as the calendar counts it. Duties with only vague or
unspecified timescales are left to the text checks. A question the solver does not decide within
the time limit is reported with `decided: false`, never as a pass.
"""

from __future__ import annotations

import z3

from ..model.schema import Protocol
from .agreement import best_practice_breaches, dual_readings, one_per_duty, restated_duties
from .clocks import Setting, margin
from .context import Context
from .findings import Finding, ordered
from .timeline import Moments
from .windows import empty_windows, late_results


def check(protocol: Protocol, context: Context) -> list[Finding]:
    """The deadline findings of a protocol: empty windows, results that come too late, readings
    that disagree, duties given two timescales, best practice that allows a breach."""
    setting = Setting(protocol, context, Moments(protocol, context.situations), z3.Context(), margin(protocol))
    return ordered(
        [
            *empty_windows(setting),
            *late_results(setting),
            *dual_readings(setting),
            *one_per_duty(setting, [*restated_duties(setting), *best_practice_breaches(setting)]),
        ]
    )
