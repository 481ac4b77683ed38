"""Describe the machine a benchmark ran on: CPU model, cores, memory, Python and library versions."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path

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
