"""Benchmark: replications of the caseload simulation (figures, not pass/fail).

Measures, on the bundled baseline scenarios, in one run:
1. one simulated county-year: seconds per replication run in-process (median of several), and per
   365 simulated days (a replication also simulates the scenario's warm-up). Target: <= 0.5 s.
2. speed-up with 2 workers: the same replications serially and on a local pool of 2 processes
   (pool start-up included: what a user waits for), and on a Dask LocalCluster of 2 processes if
   dask[distributed] is installed (cluster start-up reported separately). Target: >= 1.7x. A
   reference of pure CPU work, run the same two ways first, shows the speed-up the machine can give
   at the time (less than 2x when other work shares the CPUs).
3. memory per open case: the peak memory Python allocates during a replication (tracemalloc),
   with the scenario's initial open caseload as it is and multiplied by --scale; the difference
   divided by the extra cases. Measured over the first 30 days, with no warm-up and no new
   arrivals, so it is the state an open case costs. Target: <= 1 KB.
Each summary is also checked to be byte-identical across executors.

Run: .venv/bin/python bench/replications.py [--scenario PATH ...] [--replications 64] [--scale 40]
The machine's load average is printed at the start and end: a speed-up means something only when
the two CPUs are otherwise idle (load well under 1).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import tracemalloc
from pathlib import Path

from numpy.random import SeedSequence

from protoverify.model.source import read
from protoverify.simulate import engine
from protoverify.simulate.replications import run
from protoverify.simulate.scenario import load_protocol_of, load_scenario, scenario_from_mapping
from protoverify.simulate.sweep import apply

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [ROOT / "scenarios" / "stockport-baseline.yaml", ROOT / "scenarios" / "warwickshire-baseline.yaml"]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return f"{cpu}; {os.cpu_count()} logical CPUs; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def load() -> str:
    """The 1-minute load average: other work on the machine slows parallel runs (2 CPUs are 2.0)."""
    return f"load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "load average unknown"


def spin(seconds: float, seed: SeedSequence) -> dict[str, float]:
    """A reference replication: `seconds` of pure CPU work, nothing else."""
    started, turns = time.process_time(), 0
    while time.process_time() - started < seconds:
        turns += 1
    return {"turns": float(turns > 0)}


def headroom(replications: int) -> None:
    """The speed-up the machine gives a pure CPU task on a pool of 2, measured now: other work on a
    shared machine caps what any parallel run can show."""
    started = time.perf_counter()
    run(spin, 0.0, replications=2, seed=0, workers=2)
    print(f"starting a pool of 2 worker processes and running nothing: {time.perf_counter() - started:.2f} s")
    timings = {}
    for workers in (1, 2):
        started = time.perf_counter()
        run(spin, 0.1, replications=replications, seed=0, workers=workers)
        timings[workers] = time.perf_counter() - started
    print(f"reference: {replications} x 0.1 s of pure CPU work: serial {timings[1]:.2f} s, pool of 2 {timings[2]:.2f} s, "
          f"speed-up {timings[1] / timings[2]:.2f}x (the most this machine gives now; 2.0x on two idle CPUs)")


def county_year(path: Path, repeats: int) -> None:
    scenario = load_scenario(path)
    model = engine.prepare(scenario, load_protocol_of(scenario))
    times, events = [], []
    for child in SeedSequence(scenario.seed).spawn(repeats):
        started = time.perf_counter()
        metrics = engine.run_replication(model, child)
        times.append(time.perf_counter() - started)
        events.append(metrics["events_processed"])
    days = scenario.warm_up_days + scenario.horizon_days
    median = statistics.median(times)
    print(f"  one replication ({days} days: {scenario.warm_up_days} warm-up + {scenario.horizon_days} measured): "
          f"median {median:.3f} s of {repeats} (min {min(times):.3f}, max {max(times):.3f}); "
          f"{statistics.mean(events):,.0f} events, {statistics.mean(events) / median:,.0f} events/s")
    print(f"  per simulated county-year (365 days): {median * 365 / days:.3f} s   target <= 0.5 s")


def speed_up(path: Path, replications: int) -> None:
    scenario = load_scenario(path)
    model = engine.prepare(scenario, load_protocol_of(scenario))
    timings, dumps = {}, {}
    for label, options in (("serial", {"workers": 1}), ("pool of 2", {"workers": 2})):
        started = time.perf_counter()
        summary = run(engine.run_replication, model, replications=replications, seed=scenario.seed, **options)
        timings[label] = time.perf_counter() - started
        dumps[label] = json.dumps(summary.to_dict())
    try:
        from distributed import LocalCluster
    except ImportError:
        LocalCluster = None
    cluster_start = None
    if LocalCluster is not None:
        started = time.perf_counter()
        with LocalCluster(processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
            cluster_start = time.perf_counter() - started
            started = time.perf_counter()
            summary = run(engine.run_replication, model, replications=replications, seed=scenario.seed, scheduler=cluster.scheduler_address)
            timings["Dask, 2 workers"] = time.perf_counter() - started
            dumps["Dask, 2 workers"] = json.dumps(summary.to_dict())
    serial = timings["serial"]
    for label, seconds in timings.items():
        target = "   target >= 1.7x" if label == "pool of 2" else ""
        print(f"  {replications} replications, {label:<16} {seconds:7.2f} s   speed-up {serial / seconds:4.2f}x{target}")
    if cluster_start is not None:
        print(f"  (Dask LocalCluster start-up, not included above: {cluster_start:.2f} s)")
    else:
        print("  (Dask not installed: pip install 'protoverify[bench]' to include it)")
    identical = len(set(dumps.values())) == 1
    print(f"  summaries byte-identical across executors: {'yes' if identical else 'NO'}")


def memory_per_case(path: Path, scale: int) -> None:
    raw = read(path, "scenario").data
    base = apply(raw, [("warm_up_days", 0), ("horizon_days", 30), ("demand.remands_per_year", 0)])
    peaks, cases = [], []
    for factor in (1, scale):
        data = apply(base, [(f"initial_caseload.{i}.count", c["count"] * factor) for i, c in enumerate(base.get("initial_caseload", []))])
        scenario = scenario_from_mapping(data, f"{path} with the open caseload x{factor}")
        model = engine.prepare(scenario, load_protocol_of(scenario))
        tracemalloc.start()
        engine.run_replication(model, SeedSequence(scenario.seed))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        cases.append(sum(c.count for c in scenario.initial_caseload))
    if cases[1] == cases[0]:
        print("  the scenario has no initial open caseload: memory per open case not measured")
        return
    per_case = (peaks[1] - peaks[0]) / (cases[1] - cases[0])
    print(f"  peak traced memory over 30 days: {peaks[0] / 1e6:.2f} MB with {cases[0]} open cases, "
          f"{peaks[1] / 1e6:.2f} MB with {cases[1]}")
    print(f"  per open case: {per_case:,.0f} bytes   target <= 1024 bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, action="append", help="scenario file (repeatable); default the baselines")
    parser.add_argument("--replications", type=int, default=64, help="replications for the speed-up")
    parser.add_argument("--repeats", type=int, default=5, help="replications timed for the county-year")
    parser.add_argument("--scale", type=int, default=40, help="how many times the open caseload, for memory")
    args = parser.parse_args()
    print(f"machine: {machine()}; {load()} at the start")
    headroom(32)
    for path in args.scenario or [p for p in SCENARIOS if p.exists()]:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        county_year(path, args.repeats)
        speed_up(path, args.replications)
        memory_per_case(path, args.scale)
    print(f"{load()} at the end")


if __name__ == "__main__":
    main()
