"""Benchmark: replications of the caseload simulation (figures, not pass/fail).

Measures, on the bundled baseline scenarios, in one run:
1. one simulated county-year: seconds per replication run in-process (median of several), and per
   365 simulated days (a replication also simulates the scenario's warm-up). Target: <= 0.5 s.
2. speed-up with 2 workers: the same replications serially and on a local pool of 2 processes
   (pool start-up included: what a user waits for), each --turns times in turn, the best of each
   counted; then on a Dask LocalCluster of 2 processes if dask[distributed] is installed (cluster
   start-up reported separately; after the pools, because a Dask client leaves a thread running,
   after which a pool starts its workers from a fork server). Target: >= 1.7x. A reference of pure
   CPU work, run the same two ways at the start and at the end, shows the speed-up the machine can
   give at the time (less than 2x when other work shares the CPUs).
3. memory per open case: the peak memory Python allocates during a replication (tracemalloc),
   with the scenario's initial open caseload as it is and multiplied by --scale; the difference
   divided by the extra cases. Measured over the first 30 days, with no warm-up and no new
   arrivals, so it is the state an open case costs. Target: <= 1 KB.
Each summary is also checked to be byte-identical across executors.

Run: .venv/bin/python bench/replications.py [--scenario PATH ...] [--replications 64] [--turns 3] [--scale 40]
The machine's load average is printed at the start and end: a speed-up means something only when
the two CPUs are otherwise idle (load well under 1).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import tracemalloc
from pathlib import Path

from machine import load, machine
from numpy.random import SeedSequence

from protoverify.model.source import read
from protoverify.simulate import engine
from protoverify.simulate import replications as replications_module
from protoverify.simulate.loader import load_protocol_of, load_scenario, scenario_from_mapping
from protoverify.simulate.replications import run
from protoverify.simulate.vary import apply

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [ROOT / "scenarios" / "stockport-baseline.yaml", ROOT / "scenarios" / "warwickshire-baseline.yaml"]


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
    print(
        f"reference: {replications} x 0.1 s of pure CPU work: serial {timings[1]:.2f} s, pool of 2 {timings[2]:.2f} s, "
        f"speed-up {timings[1] / timings[2]:.2f}x (the most this machine gives now; 2.0x on two idle CPUs)"
    )


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
    print(
        f"  one replication ({days} days: {scenario.warm_up_days} warm-up + {scenario.horizon_days} measured): "
        f"median {median:.3f} s of {repeats} (min {min(times):.3f}, max {max(times):.3f}); "
        f"{statistics.mean(events):,.0f} events, {statistics.mean(events) / median:,.0f} events/s"
    )
    print(f"  per simulated county-year (365 days): {median * 365 / days:.3f} s   target <= 0.5 s")


def prepared(path: Path):
    scenario = load_scenario(path)
    return scenario, engine.prepare(scenario, load_protocol_of(scenario))


def speed_up(path: Path, replications: int, turns: int) -> tuple[float, str]:
    """Serially and on a local pool of 2, `turns` times each, taking turns so that a change in the
    machine's load falls on both alike; prints the best of each. Returns the best serial time and the
    summary (to compare with Dask's)."""
    scenario, model = prepared(path)
    timings: dict[str, list[float]] = {"serial": [], "pool of 2": []}
    dumps = set()
    method = replications_module._pool_context(engine.run_replication).get_start_method()
    for _ in range(turns):
        for label, workers in (("serial", 1), ("pool of 2", 2)):
            started = time.perf_counter()
            summary = run(engine.run_replication, model, replications=replications, seed=scenario.seed, workers=workers)
            timings[label].append(time.perf_counter() - started)
            dumps.add(json.dumps(summary.to_dict()))
    serial = min(timings["serial"])
    for label, seconds in timings.items():
        target = f"   target >= 1.7x (workers started by {method})" if label == "pool of 2" else ""
        print(
            f"  {replications} replications, {label:<16} {min(seconds):7.2f} s (best of {turns}: "
            f"{', '.join(f'{x:.2f}' for x in seconds)})   speed-up {serial / min(seconds):4.2f}x{target}"
        )
    print(f"  summaries byte-identical serially and on the pool: {'yes' if len(dumps) == 1 else 'NO'}")
    return serial, dumps.pop()


def on_dask(paths: list[Path], replications: int, serial: dict[Path, tuple[float, str]]) -> None:
    """Each scenario on a Dask LocalCluster of 2 worker processes (started once, not timed), against
    its best serial time. Run after the pools: a Dask client leaves a thread running in this process,
    after which a local pool starts its workers from a fork server instead of by fork."""
    try:
        from distributed import LocalCluster
    except ImportError:
        print("Dask not installed: pip install 'protoverify[bench]' to include it")
        return
    started = time.perf_counter()
    with LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        print(f"Dask LocalCluster of 2 workers (start-up, not included below: {time.perf_counter() - started:.2f} s)")
        for path in paths:
            scenario, model = prepared(path)
            started = time.perf_counter()
            summary = run(
                engine.run_replication,
                model,
                replications=replications,
                seed=scenario.seed,
                scheduler=cluster.scheduler_address,
            )
            seconds = time.perf_counter() - started
            best, dump = serial[path]
            print(
                f"  {path.name}: {replications} replications {seconds:.2f} s   speed-up {best / seconds:4.2f}x; "
                f"summary byte-identical to the serial one: {'yes' if json.dumps(summary.to_dict()) == dump else 'NO'}"
            )


def memory_per_case(path: Path, scale: int) -> None:
    raw = read(path, "scenario").data
    base = apply(raw, [("warm_up_days", 0), ("horizon_days", 30), ("demand.remands_per_year", 0)])
    peaks, cases = [], []
    for factor in (1, scale):
        data = apply(
            base,
            [
                (f"initial_caseload.{i}.count", c["count"] * factor)
                for i, c in enumerate(base.get("initial_caseload", []))
            ],
        )
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
    print(
        f"  peak traced memory over 30 days: {peaks[0] / 1e6:.2f} MB with {cases[0]} open cases, "
        f"{peaks[1] / 1e6:.2f} MB with {cases[1]}"
    )
    print(f"  per open case: {per_case:,.0f} bytes   target <= 1024 bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", type=Path, action="append", help="scenario file (repeatable); default the baselines"
    )
    parser.add_argument("--replications", type=int, default=64, help="replications for the speed-up")
    parser.add_argument(
        "--turns",
        type=int,
        default=3,
        help="serial and pool runs for the speed-up, taken in turn; the best of each counts",
    )
    parser.add_argument("--repeats", type=int, default=5, help="replications timed for the county-year")
    parser.add_argument("--scale", type=int, default=40, help="how many times the open caseload, for memory")
    args = parser.parse_args()
    print(f"machine: {machine()}; {load()} at the start")
    headroom(32)
    paths = args.scenario or [p for p in SCENARIOS if p.exists()]
    serial = {}
    for path in paths:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        county_year(path, args.repeats)
        serial[path] = speed_up(path, args.replications, args.turns)
        memory_per_case(path, args.scale)
    on_dask(paths, args.replications, serial)
    headroom(32)
    print(f"{load()} at the end")


if __name__ == "__main__":
    main()
