"""Benchmark: how checking time grows with protocol size (figures, not pass/fail).

Generates synthetic protocols 1x, 10x and 100x the size of the larger seed (Warwickshire; see
bench/synthetic.py), runs every check in-process on each, and prints the time and its ratio to 1x.
Targets (issue 4): a seed checks in under 1 s; 10x costs at most 10x; 100x completes in under 2 min.

The machine and its load average (at the start and the end) are printed with the figures: the
machine may be shared, and the ratios, measured in one run, mean more than the seconds. With
`--families`, each size is checked a second time family by family (the reachable situations, then
each family of checks) and the seconds of each are printed.

Run: .venv/bin/python bench/check_scaling.py [--sizes 1,10,100] [--timeout 10] [--families]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from machine import load, machine  # noqa: E402
from synthetic import scaled  # noqa: E402

from protoverify.properties import statute  # noqa: E402
from protoverify.properties.check import FAMILIES, check  # noqa: E402
from protoverify.properties.context import Context  # noqa: E402

SEED = Path(__file__).resolve().parents[1] / "protocols" / "warwickshire.yaml"
TODAY = dt.date(2026, 11, 23)


def families(protocol, timeout: float) -> str:  # noqa: ANN001
    """Seconds for the reachable situations and for each family of checks, in the order `check` runs them."""
    context = Context(protocol, today=TODAY, timeout=timeout, baseline=statute.bundled_baseline())
    started = time.perf_counter()
    explored = len(context.situations.configurations)
    parts = [f"situations {time.perf_counter() - started:.2f} ({explored:,} configurations)"]
    for family in FAMILIES:
        started = time.perf_counter()
        family.check(protocol, context)
        parts.append(f"{family.__name__.rsplit('.', 1)[-1]} {time.perf_counter() - started:.2f}")
    return ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument(
        "--families", action="store_true", help="also time each family of checks, in a second run of each size"
    )
    args = parser.parse_args()
    print(machine())
    print(f"start: {load()}")
    baseline = None
    print(f"{'size':>5} {'duties':>7} {'states':>7} {'findings':>9} {'seconds':>9} {'ratio':>7}", flush=True)
    for k in (int(s) for s in args.sizes.split(",")):
        protocol = scaled(SEED, k)
        started = time.perf_counter()
        report = check(protocol, today=TODAY, timeout=args.timeout)
        seconds = time.perf_counter() - started
        baseline = baseline or seconds
        print(
            f"{k:>4}x {len(protocol.duties):>7} {len(protocol.states()):>7} "
            f"{len(report.findings):>9} {seconds:>9.2f} {seconds / baseline:>6.1f}x",
            flush=True,
        )
        if args.families:
            print(f"       {families(protocol, args.timeout)}", flush=True)
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
