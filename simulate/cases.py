"""What a replication keeps about cases and tasks while it runs: small records with slots.

A case's lifecycle states are a `Situation` shared by every case in the same states, which also keeps
what each event does from there (`Move`) and each duty's `when` decided as far as the states decide it.
A case keeps its attribute values as codes, its running `Flow`s as a chain, and its logged events'
times; a `Task` is a duty raised for a case, worked in `Part`s, one per practitioner.
"""

from __future__ import annotations

from ..model.calendar import Unit
from ..model.conditions import Condition
from .lifecycles import Configuration


class Situation:
    """The active states of every lifecycle (a configuration per lifecycle, in the order of
    `Model.lifecycles`), one object for every case in them, with what events do from here (`Move`s,
    kept as they are found)."""

    __slots__ = ("configs", "states", "moves", "whens")

    def __init__(self, configs: tuple[Configuration, ...]):
        self.configs = configs
        self.states = tuple(tuple(config) for config in configs)  # what conditions read (`Model.holds`)
        self.moves: dict[str, Move | None] = {}  # event -> its move, or None if the lifecycles refuse it
        self.whens: dict[int, bool | Condition] = {}  # plan -> its `when` decided here (`Model.decide`)


class Move:
    """What an event does to a case in a situation, where no guard decides it (so it is the same for
    every case there): the situation after; the states it leaves and enters that the engine acts on
    (`Model.tracked`); the duties it raises, in order (by leaving states, by the event, by entering
    states); the duties raised on coming into a situation that it may bring about (those reading a
    lifecycle that moved); whether the event is logged; the events the protocol schedules after it."""

    __slots__ = ("after", "leave", "enter", "raises", "situational", "logged", "scheduled")

    def __init__(
        self,
        after: Situation,
        leave: tuple[str, ...],
        enter: tuple[str, ...],
        raises: tuple[int, ...],
        situational: tuple[int, ...],
        logged: bool,
        scheduled: tuple[tuple[str, int, Unit], ...],
    ):
        self.after = after
        self.leave = leave
        self.enter = enter
        self.raises = raises
        self.situational = situational
        self.logged = logged
        self.scheduled = scheduled


class Case:
    """One simulated child: its attribute values (as codes, `Model.attribute_items`), its situation
    (the active states of each lifecycle), its running flows and the times of its logged events."""

    __slots__ = ("values", "situation", "flows", "log", "left", "yda", "rilaa")

    def __init__(self, values: bytes, situation: Situation):
        self.values = values
        self.situation = situation
        self.flows: Flow | None = None  # the first of the case's running flows
        self.log: dict[str, list[float]] | None = None
        self.left = False
        self.yda: list | None = None  # [entered, establishment, placed elsewhere, over capacity]
        self.rilaa: list | None = None  # [entered, available, searched, placed]


class Flow:
    """A flow running for a case in one of its states, with the outcome drawn for it. A case's
    running flows are a chain (`Case.flows`, then `next`); leaving the state takes the flow out of
    the chain, and its pending timers then do nothing when they come."""

    __slots__ = ("case", "state", "outcome", "next")

    def __init__(self, case: Case, state: str, outcome: str, next: Flow | None):
        self.case = case
        self.state = state
        self.outcome = outcome
        self.next = next

    def running(self) -> bool:
        """Whether the flow is still running (its case has not left its state since it began)."""
        flow = self.case.flows
        while flow is not None:
            if flow is self:
                return True
            flow = flow.next
        return False


class Task:
    """A duty raised for a case: when, its deadline if known now, when all its parts were begun and
    done, and whether a part falls to nobody or to the practitioner covering a court sitting."""

    __slots__ = ("plan", "case", "raised", "due", "waiting", "unbegun", "begun", "done", "sitting", "no_owner")

    def __init__(self, plan: int, case: Case, raised: float):
        self.plan = plan
        self.case = case
        self.raised = raised
        self.due: float | None = None
        self.waiting = 0  # parts not yet done
        self.unbegun = 0  # parts not yet begun
        self.begun = raised  # when the last part to be begun was begun (meaningful once unbegun is 0)
        self.done: float | None = None
        self.sitting: int | None = None  # a court sitting whose cover does a part
        self.no_owner = False


class Part:
    """One practitioner's share of a task: requested, taken up (a practitioner free), and how many
    working hours it takes."""

    __slots__ = ("task", "requested", "taken", "effort")

    def __init__(self, task: Task, requested: float, effort: float):
        self.task = task
        self.requested = requested
        self.taken: float | None = None
        self.effort = effort


def flow_in(case: Case, state: str) -> Flow | None:
    """The case's flow running in `state`, if any."""
    flow = case.flows
    while flow is not None:
        if flow.state == state:
            return flow
        flow = flow.next
    return None
