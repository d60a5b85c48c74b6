"""Benchmark: how fast a simulation runs through its estimated steps (figures, not pass/fail).

`simulate/cost.py` estimates a run's size in steps (per replication: its simulated days plus the
children it follows) and converts them to time at `STEPS_PER_SECOND`, to warn before an absurd run.
This measures the rate on each scenario given (by default the bundled baselines and the two test
fixtures), serially in this process, and prints it with its ratio to the figure `cost.py` uses and
to the slowest scenario of the same run: the warning is sound where the figure is no faster than
the slowest realistic scenario (ratio to the figure >= 1).

Run: .venv/bin/python bench/simulation_cost.py [--replications 6] [SCENARIO ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from machine import load, machine

from protoverify.simulate import cost, engine
from protoverify.simulate.loader import load_protocol_of, load_scenario
from protoverify.simulate.replications import run

ROOT = Path(__file__).parent.parent
DEFAULT = [
    ROOT / "scenarios" / "stockport-baseline.yaml",
    ROOT / "scenarios" / "warwickshire-baseline.yaml",
    ROOT / "tests" / "fixtures" / "simulate" / "queue-scenario.yaml",
    ROOT / "tests" / "fixtures" / "simulate" / "remand-scenario.yaml",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--replications", type=int, default=6)
    args = parser.parse_args()
    print(f"machine: {machine()}; {load()}")
    print(f"cost.py: {cost.STEPS_PER_SECOND:,} steps a second; limit {cost.LIMIT:,} steps")
    rates = {}
    for path in args.scenarios:
        scenario = load_scenario(path)
        model = engine.prepare(scenario, load_protocol_of(scenario))
        estimate = cost.of_scenario(scenario, args.replications)
        started = time.perf_counter()
        run(engine.run_replication, model, replications=args.replications, seed=scenario.seed, workers=1)
        seconds = time.perf_counter() - started
        rates[path.name] = estimate.steps / seconds
        print(f"{path.name:32} {estimate.steps:>10,.0f} steps in {seconds:6.2f} s: {rates[path.name]:>10,.0f} a second")
    slowest = min(rates.values())
    print(f"\n{'scenario':32} {'ratio to cost.py':>17} {'ratio to slowest':>17}")
    for name, rate in rates.items():
        print(f"{name:32} {rate / cost.STEPS_PER_SECOND:>16.2f}x {rate / slowest:>16.2f}x")


if __name__ == "__main__":
    main()
