"""The machine a benchmark runs on, printed with its figures: processor, CPUs, system, load."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu() -> str:
    """The processor's name, where the system says it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """The processor, its logical CPUs, the system and Python."""
    return f"{cpu()}; {os.cpu_count()} logical CPUs; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def load() -> str:
    """The load average over 1, 5 and 15 minutes: other work on a shared machine slows a benchmark
    (on 2 CPUs, 2.0 means both are busy)."""
    if not hasattr(os, "getloadavg"):
        return "load average unknown"
    return "load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg())
