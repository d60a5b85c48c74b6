"""Benchmark: how checking time grows with protocol size (figures, not pass/fail).

Generates synthetic protocols 1x, 10x and 100x the size of the larger seed (Warwickshire; see
bench/synthetic.py), runs every check in-process on each, and prints the time and its ratio to 1x.
Targets (issue 4): a seed checks in under 1 s; 10x costs at most 10x; 100x completes in under 2 min.

Run: .venv/bin/python bench/check_scaling.py [--sizes 1,10,100] [--timeout 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import scaled  # noqa: E402

from protoverify.properties.check import check  # noqa: E402

SEED = Path(__file__).resolve().parents[1] / "protocols" / "warwickshire.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    baseline = None
    print(f"{'size':>5} {'duties':>7} {'states':>7} {'configs':>8} {'findings':>9} {'seconds':>9} {'ratio':>7}")
    for k in (int(s) for s in args.sizes.split(",")):
        protocol = scaled(SEED, k)
        started = time.perf_counter()
        report = check(protocol, today=dt.date(2026, 11, 23), timeout=args.timeout)
        seconds = time.perf_counter() - started
        baseline = baseline or seconds
        configs = "-"
        print(
            f"{k:>4}x {len(protocol.duties):>7} {len(protocol.states()):>7} {configs:>8} "
            f"{len(report.findings):>9} {seconds:>9.2f} {seconds / baseline:>6.1f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
