"""The SimPy engine: simulated children moving through a protocol's lifecycles, raising its duties as
tasks that staff work in their working hours.

`prepare(scenario, protocol)` builds a `Model` once: everything a replication needs, frozen and
picklable (it is sent to worker processes and Dask workers). `run_replication(model, seed)` runs one
replication from a `numpy.random.SeedSequence` and returns flat metrics (`outcomes.measure`).

In a replication:
- children arrive at random (`demand`), get attribute values, and the `entry` events happen to them;
  an initial caseload is placed at the start, without raising duties;
- in each state with a flow, a child stays for a drawn time and/or waits for the next court sitting,
  then one of the flow's events happens (drawn when the state is entered, so the protocol's "before
  release" deadlines can be known); events the protocol schedules (a sentencing hearing 3 weeks
  after an adjournment) happen when it says;
- every event is offered to the protocol's lifecycles (`lifecycles`); the duties it raises
  (`duties.plan`) become tasks, each worked by one practitioner of the duty's pool, first come first
  served, within the pool's working hours; leave, sickness and other work take whole days;
- a court sitting with a child of the area needs a practitioner there (from the rota at weekends and
  on bank holidays); RiLAA placements are searched for while the child waits; YDA nights are counted.
Outcomes are recorded as timestamps only; deadlines, breaches, utilisation and spend are computed
afterwards (`outcomes`), so no simulation event waits on a deadline. Nothing reads the wall clock.

What a replication keeps is small, because a run may hold thousands of open cases at once:
- every timer is a call on the environment's queue (`environment.Environment.call`): one tuple, not
  an event object with a list of callbacks and a closure; callbacks are bound once per replication;
- a case's lifecycle states are a `Situation` shared by every case in the same states, which also
  keeps what each event does from there (`Move`: the states left and entered, the duties raised),
  and each duty's `when` decided as far as the states decide it;
- a case's attribute values are a string of codes (indexes into `Model.attribute_items`); its flows
  are a chain of small objects, a timer refers to its flow, and leaving the state unlinks the flow.

Modules: `prepared` (the `Model` and `prepare`), `replication` (a replication running), `cases` (its
records of cases and tasks), `staff` (practitioners at work), `environment` (time: the event queue),
`outcomes` (the metrics afterwards). This module is the engine's front: `prepare` and `run_replication`.
"""

from __future__ import annotations

import gc

from numpy.random import SeedSequence

from . import outcomes
from .prepared import Model, prepare
from .replication import Replication

__all__ = ["Model", "Replication", "prepare", "run_replication"]


def run_replication(model: Model, seed: SeedSequence) -> dict[str, float]:
    """One replication: flat metric name -> number (NaN where undefined). Deterministic in `seed`.

    Python's cyclic garbage collector is paused while it runs: a replication makes many small objects
    that live until it ends and makes no garbage cycles, so collecting would only cost time (a third
    of it, measured on the M/M/3 benchmark)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        replication = Replication(model, seed)
        replication.run()
        return outcomes.measure(model, replication)
    finally:
        if collecting:
            gc.enable()
