"""Describe the machine a benchmark ran on: CPU model, cores, memory, Python and library versions."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

SPIN = "for _ in range({loops}): pass"  # CPU-bound work that touches almost no memory
SPIN_LOOPS = 60_000_000  # about 1.5 s on the reference machine
LIBRARIES = ("pdf-oxide", "pdfplumber", "pdfminer.six", "pikepdf", "pypdfium2", "pydantic", "sqlite-utils")


def cpu_model(cpuinfo: str) -> str:
    """Given /proc/cpuinfo's text, return the first `model name` (or 'unknown')."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            return value.strip()
    return "unknown"


def memory_gib(meminfo: str) -> float | None:
    """Given /proc/meminfo's text, return MemTotal in GiB (None when absent)."""
    for line in meminfo.splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 2**20, 1)
    return None


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def describe() -> dict:
    """Return the machine's description for the benchmark's JSON and docs."""
    return {
        "cpu": cpu_model(_read("/proc/cpuinfo")),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(_read("/proc/meminfo")),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "libraries": {name: version(name) for name in LIBRARIES},
    }


def cpu_ceiling(cores: int, rounds: int, loops: int = SPIN_LOOPS) -> dict:
    """Return how many times one process's CPU-bound work `cores` such processes do at once here (`ceiling`), with
    the fastest wall seconds of one alone and of `cores` together over `rounds` interleaved rounds.

    It is `cores` on independent cores; less where a virtual machine's cores share physical
    ones, or the host is busy. No batch at every core can be faster than -j1 by more than this.
    """

    def wall(processes: int) -> float:
        start = time.perf_counter()
        running = [subprocess.Popen([sys.executable, "-c", SPIN.format(loops=loops)]) for _ in range(processes)]
        for process in running:
            process.wait()
        return time.perf_counter() - start

    alone, together = float("inf"), float("inf")
    for _ in range(rounds):
        alone, together = min(alone, wall(1)), min(together, wall(cores))
    return {"cores": cores, "alone": alone, "together": together, "ceiling": cores * alone / together}
