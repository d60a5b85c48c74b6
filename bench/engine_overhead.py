"""Engine overhead: an M/M/3 queue at rho = 0.9 through the protocol-driven engine, against the same
queue hand-written in SimPy and (with the bench extra) in Ciw, all measured in this run.

    .venv/bin/python bench/engine_overhead.py [--hours 20000] [--repeats 3]

The engine runs the queue as a protocol (tests/fixtures/simulate/queue.yaml: every referral raises
one duty for one role) and a scenario (Poisson referrals at 2.7 an hour, exponential work of mean
1 hour, three workers at work around the clock). Throughput is customers simulated per second of
wall time, the best of --repeats runs of each, taken in turn. Targets: the engine at least 0.7x the hand-written SimPy,
and at least 2x Ciw. Each also reports its mean wait against the Erlang C value (2.72 hours).
"""

from __future__ import annotations

import argparse
import math
import random
import time
from pathlib import Path

import simpy
from machine import load, machine
from numpy.random import SeedSequence

from protoverify.model.source import read
from protoverify.simulate import engine
from protoverify.simulate.loader import load_protocol_of, scenario_from_mapping

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "fixtures" / "simulate" / "queue-scenario.yaml"
ARRIVALS, SERVICE, SERVERS = 2.7, 1.0, 3  # per hour, mean hours, workers


def erlang_c_wait(arrivals: float, mean_service: float, servers: int) -> float:
    """The mean wait in queue of an M/M/c queue (Erlang C)."""
    a = arrivals * mean_service
    rho = a / servers
    top = a**servers / math.factorial(servers) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(servers)) + top)
    return p_wait * mean_service / (servers - a)


def hand_written(hours: float, seed: int) -> tuple[int, float, float]:
    """The M/M/3 queue as one would write it in SimPy: customers, mean wait, seconds."""
    env = simpy.Environment()
    workers = simpy.Resource(env, SERVERS)
    rng = random.Random(seed)
    waits: list[float] = []

    def customer():
        arrived = env.now
        with workers.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(1 / SERVICE))

    def source():
        while True:
            yield env.timeout(rng.expovariate(ARRIVALS))
            env.process(customer())

    env.process(source())
    started = time.perf_counter()
    env.run(until=hours)
    return len(waits), sum(waits) / len(waits), time.perf_counter() - started


def through_engine(hours: float, seed: int) -> tuple[int, float, float]:
    """The same queue through `engine.run_replication`: customers, mean wait, seconds."""
    data = read(SCENARIO, "scenario").data
    data.update(warm_up_days=0, horizon_days=math.ceil(hours / 24))
    scenario = scenario_from_mapping(data, str(SCENARIO))
    model = engine.prepare(scenario, load_protocol_of(scenario))
    started = time.perf_counter()
    metrics = engine.run_replication(model, SeedSequence(seed))
    seconds = time.perf_counter() - started
    return int(metrics["tasks/raised"]), metrics["wait_hours/role/worker"], seconds


def in_ciw(hours: float, seed: int) -> tuple[int, float, float] | None:
    """The same queue in Ciw, if installed: customers, mean wait, seconds."""
    try:
        import ciw
    except ImportError:
        return None
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS)],
        service_distributions=[ciw.dists.Exponential(rate=1 / SERVICE)],
        number_of_servers=[SERVERS],
    )
    simulation = ciw.Simulation(network)
    started = time.perf_counter()
    simulation.simulate_until_max_time(hours)
    seconds = time.perf_counter() - started
    records = simulation.get_all_records()
    return len(records), sum(r.waiting_time for r in records) / len(records), seconds


def fastest(runs: dict, hours: float, repeats: int) -> dict:
    """For each way of running the queue, the fastest of `repeats` runs (seeds 1, 2, ...), taken in
    turn so that a change in the machine's load falls on all alike: customers per second, and the
    mean wait of that run. None for a way that is not installed."""
    results: dict = {name: [] for name in runs}
    for seed in range(1, repeats + 1):
        for name, run in runs.items():
            results[name].append(run(hours, seed))
    found = {}
    for name, outcomes in results.items():
        if outcomes[0] is None:
            found[name] = None
            continue
        customers, wait, seconds = min(outcomes, key=lambda r: r[2] / r[0])
        found[name] = (customers / seconds, wait)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=20000, help="simulated hours per run (default 20000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each, the fastest counted (default 3)")
    args = parser.parse_args()
    print(f"machine: {machine()}; SimPy {simpy.__version__}; {load()} at the start")
    print(
        f"M/M/{SERVERS} at rho = {ARRIVALS * SERVICE / SERVERS:.2f}, {args.hours:.0f} simulated hours per run, best of {args.repeats}; "
        f"Erlang C mean wait {erlang_c_wait(ARRIVALS, SERVICE, SERVERS):.2f} h"
    )
    found = fastest({"hand": hand_written, "ours": through_engine, "ciw": in_ciw}, args.hours, args.repeats)
    hand, ours, ciw = found["hand"], found["ours"], found["ciw"]
    print(f"{'':24}{'customers/s':>14}{'mean wait (h)':>16}")
    print(f"{'hand-written SimPy':24}{hand[0]:14,.0f}{hand[1]:16.2f}")
    print(f"{'protoverify engine':24}{ours[0]:14,.0f}{ours[1]:16.2f}")
    if ciw is None:
        print(f"{'Ciw':24}{'not installed':>14}  (pip install 'protoverify[bench]' to compare)")
    else:
        print(f"{'Ciw':24}{ciw[0]:14,.0f}{ciw[1]:16.2f}")
    print(f"engine / hand-written SimPy: {ours[0] / hand[0]:.2f}x (target >= 0.7x)")
    if ciw is not None:
        print(f"engine / Ciw: {ours[0] / ciw[0]:.2f}x (target >= 2x)")
    print(f"{load()} at the end")


if __name__ == "__main__":
    main()
