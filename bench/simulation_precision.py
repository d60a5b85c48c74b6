"""Benchmark: how precise the bundled scenarios' figures are (figures, not pass/fail).

For each scenario given (by default the bundled baselines and the national scenario), runs its own
replications and seed and prints, for its main measures, the mean, the 95% interval's half-width
relative to the mean and how the interval was made; then, for each measure, the replications the
sequential rule (`simulate --precision 0.05 --metric NAME`) needs for a half-width within 5% of the
mean, or that it stopped at the cap.

Run: .venv/bin/python bench/simulation_precision.py [--target 0.05] [--cap 200] [SCENARIO ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from machine import load, machine

from protoverify.simulate.simulation import simulate

ROOT = Path(__file__).parent.parent
DEFAULT = [
    ROOT / "scenarios" / "stockport-baseline.yaml",
    ROOT / "scenarios" / "warwickshire-baseline.yaml",
    ROOT / "scenarios" / "england-yda-national.yaml",
]
MEASURES = ("on_time/all", "wait_hours/role/case_manager", "utilisation/role/case_manager", "yda/mean_occupied")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--target", type=float, default=0.05)
    parser.add_argument("--cap", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {machine()}; {load()}")
    for path in args.scenarios:
        started = time.perf_counter()
        result = simulate(path, workers=args.workers)
        metrics = result.summary.to_dict()["metrics"]
        print(f"\n{path.name}: {result.summary.replications} replications, {time.perf_counter() - started:.1f} s")
        print(f"  {'measure':<34} {'mean':>12} {'± (share of mean)':>18}  interval   replications for ±{args.target:g}")
        for name in MEASURES:
            stats = metrics.get(name)
            if stats is None or not stats["mean"] or stats["ci95"] is None:
                continue  # (a mean of 0 has no relative precision)
            half = (stats["ci95"][1] - stats["ci95"][0]) / 2
            share = half / abs(stats["mean"]) if stats["mean"] else float("nan")
            rule = simulate(path, workers=args.workers, precision=args.target, metric=name, cap=args.cap).precision
            needed = f"{rule.replications} (met)" if rule.met else f"cap {rule.cap} (±{(rule.achieved or 0):.3f})"
            print(f"  {name:<34} {stats['mean']:>12.4g} {share:>18.3f}  {stats['interval']:<10} {needed}")


if __name__ == "__main__":
    main()
