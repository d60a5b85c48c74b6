"""The engine's time: a SimPy environment that keeps its own queue of calls, through SimPy's public
hooks, so that SimPy's events and processes still work in it and no private name of SimPy is used."""

from __future__ import annotations

import ast

import pytest
import simpy
from conftest import ROOT

from protoverify.simulate.environment import Environment


def test_calls_come_in_time_order_and_ties_in_the_order_they_were_made() -> None:
    env = Environment()
    seen: list[tuple[float, str]] = []
    for delay, name in ((5, "b"), (1, "a"), (5, "c"), (3, "x")):
        env.call(delay, lambda n: seen.append((env.now, n)), name)
    assert env.run_before(10) == 4
    assert seen == [(1, "a"), (3, "x"), (5, "b"), (5, "c")]
    assert env.now == 10


def test_run_before_leaves_what_is_due_at_the_end_or_after() -> None:
    env = Environment()
    seen: list[str] = []
    env.call(2, seen.append, "early")
    env.call(4, seen.append, "at the end")
    env.call(9, seen.append, "late")
    assert env.run_before(4) == 1 and seen == ["early"] and env.now == 4
    assert env.peek() == 4
    assert env.run_before(20) == 2 and seen == ["early", "at the end", "late"]


def test_simpy_processes_and_resources_run_among_the_calls() -> None:
    env = Environment()
    log: list[tuple[float, str]] = []
    desk = simpy.Resource(env, capacity=1)

    def customer(name: str, arrive: float, work: float):
        yield env.timeout(arrive)
        with desk.request() as turn:
            yield turn
            log.append((env.now, f"{name} starts"))
            yield env.timeout(work)

    env.process(customer("p", 1, 3))
    env.process(customer("q", 2, 1))
    env.call(3, lambda _: log.append((env.now, "call")), None)
    env.run(until=10)
    assert log == [(1, "p starts"), (3, "call"), (4, "q starts")]
    assert env.now == 10


def test_a_failed_event_crashes_the_run_unless_defused() -> None:
    env = Environment()
    failed = env.event()
    failed.fail(RuntimeError("broken"))
    with pytest.raises(RuntimeError, match="broken"):
        env.run()
    env = Environment()
    quiet = env.event()
    quiet.fail(RuntimeError("handled"))
    quiet.defused = True
    env.run()


def test_it_reaches_into_no_private_name_of_simpy() -> None:
    tree = ast.parse((ROOT / "simulate" / "environment.py").read_text(encoding="utf-8"))
    private = sorted(
        {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
        }
    )
    assert private == [], f"private names used: {private}"
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert not {name for name in imported if name.startswith("_")}
