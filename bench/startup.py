"""Start-up: how long whole `protoverify` commands take on a seed protocol, against `python -c pass`.

    .venv/bin/python bench/startup.py [--repeats 9] [--protocol protocols/stockport-2019.yaml]

Each command is run as a new process (`python -m protoverify ...`), in turn with the others so that a
change in the machine's load falls on all alike; the figures are the medians of `--repeats` runs, of
the wall time and of the processor time (user and system) the process used, which waiting on a busy
machine inflates less. The runs use compiled bytecode, as an installed protoverify does: it is
written once, to a folder of its own (`PYTHONPYCACHEPREFIX`), even where the environment says not to
(`PYTHONDONTWRITEBYTECODE`). The ratio to `python -c pass` measured in the same run says how much of
a shared machine's slowness is the machine's. Targets (wall time on a quiet machine): `validate` at
most 0.25 s, `check` at most 0.7 s. Also printed: the libraries each command imports that a quick
command should not (z3, matplotlib, simpy, openpyxl, dask, numpy, scipy, jinja2, holidays).

The user cache (`model/usercache.py`: the bank holidays a check needs) is a folder of the benchmark's
own, filled by the first run of each command, as a second run on a user's machine finds it; `check,
cold cache` is a check on an empty cache each time, as the first run after installing protoverify or
a new version of `holidays` is.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import load, machine

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
    "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "protoverify-startup-bytecode"),
    "XDG_CACHE_HOME": str(Path(tempfile.gettempdir()) / "protoverify-startup-cache"),
}
COLD = "check, cold cache"
HEAVY = ("z3", "matplotlib", "simpy", "openpyxl", "dask", "distributed", "numpy", "scipy", "jinja2", "holidays")
TARGETS = {"validate": 0.25, "check": 0.7}


def commands(protocol: str) -> dict[str, list[str]]:
    """What is timed: the bare interpreter, then each command on the protocol."""
    python = [sys.executable]
    return {
        "python -c pass": [*python, "-c", "pass"],
        "--help": [*python, "-m", "protoverify", "--help"],
        "validate": [*python, "-m", "protoverify", "validate", protocol],
        "export": [*python, "-m", "protoverify", "export", protocol, "--to", "mermaid"],
        "check": [*python, "-m", "protoverify", "check", protocol, "--today", "2026-11-23"],
        COLD: [*python, "-m", "protoverify", "check", protocol, "--today", "2026-11-23"],
    }


def seconds(command: list[str], cold: bool = False) -> tuple[float, float]:
    """Wall time and processor time of one run of the command, as a new process (its output discarded);
    with `cold`, on an empty user cache."""
    with tempfile.TemporaryDirectory(prefix="protoverify-cold-cache-") as empty:
        environment = ENVIRONMENT | ({"XDG_CACHE_HOME": empty} if cold else {})
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(
            command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_imports(command: list[str], cold: bool = False) -> list[str]:
    """The heavy top-level packages the command imports (with `cold`, on an empty user cache)."""
    if command[1:2] != ["-m"]:
        return []
    with tempfile.TemporaryDirectory(prefix="protoverify-cold-cache-") as empty:
        run = subprocess.run(
            [command[0], "-X", "importtime", *command[1:]],
            cwd=ROOT,
            env=ENVIRONMENT | ({"XDG_CACHE_HOME": empty} if cold else {}),
            capture_output=True,
            text=True,
            check=False,
        )
    found = set()
    for line in run.stderr.splitlines():
        name = line.rsplit("|", 1)[-1].strip()
        if name.split(".")[0] in HEAVY:
            found.add(name.split(".")[0])
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="runs of each command, the median counted (default 9)")
    parser.add_argument("--protocol", default="protocols/stockport-2019.yaml", help="the protocol the commands read")
    args = parser.parse_args()
    timed = commands(args.protocol)
    print(f"machine: {machine()}; {load()} at the start")
    print(f"{args.repeats} runs of each, in turn; medians for a whole process")
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in timed}
    for command in timed.values():
        seconds(command)  # once first: bytecode written, every file in the page cache, the user cache filled
    for _ in range(args.repeats):
        for name, command in timed.items():
            runs[name].append(seconds(command, cold=name == COLD))

    def median(name: str, which: int) -> float:
        return statistics.median(run[which] for run in runs[name])

    bare_wall, bare_cpu = median("python -c pass", 0), median("python -c pass", 1)
    print(f"{'':18}{'wall s':>9}{'x python':>10}{'cpu s':>9}{'x python':>10}{'target':>9}  heavy imports")
    for name, command in timed.items():
        wall, cpu = median(name, 0), median(name, 1)
        target = f"{TARGETS[name]:.2f}" if name in TARGETS else ""
        heavy = ", ".join(heavy_imports(command, cold=name == COLD)) or "none"
        print(f"{name:18}{wall:9.3f}{wall / bare_wall:10.1f}{cpu:9.3f}{cpu / bare_cpu:10.1f}{target:>9}  {heavy}")
    print(f"{load()} at the end")


if __name__ == "__main__":
    main()
