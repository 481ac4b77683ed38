"""Run `manifesto batch` as a user would (a fresh process, a fresh database) and measure it.

Wall time and the CPU time of the whole process tree (getrusage of the finished
children), and peak resident memory sampled every SAMPLE_SECONDS with psutil: the
tree's (the batch process and its workers, summed: an upper bound, as forked
workers share pages with their parent) and the largest single process's.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class BatchRun:
    """One timed batch: its files and pages, wall and CPU seconds, peak memory in MiB, and the summary line."""

    jobs: int
    files: int
    pages: int
    wall: float
    cpu: float
    peak_tree_mib: float
    peak_process_mib: float
    summary: str

    def as_dict(self) -> dict:
        return {**asdict(self), "pages_per_s": self.pages / self.wall, "files_per_s": self.files / self.wall}


def tree_rss(process: psutil.Process) -> list[int]:
    """Return the resident bytes of a process and of each of its descendants (those already gone left out)."""
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return []
    sizes = []
    for member in members:
        try:
            sizes.append(member.memory_info().rss)
        except psutil.Error:
            pass
    return sizes


def run_batch(
    files: Sequence[Path], pages: int, db: Path, jobs: int, options: Sequence[str] = ()
) -> BatchRun:
    """Run `manifesto batch FILES --db DB -j JOBS [options]` on a fresh database; return its measurements.

    Raises RuntimeError when the batch does not store every file (a benchmark of failures is no benchmark).
    """
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    command = [sys.executable, "-m", "extract.cli", "batch", *map(str, files), "--db", str(db), "-j", str(jobs), *options]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    watched = psutil.Process(child.pid)
    peak_tree = peak_process = 0
    while child.poll() is None:
        sizes = tree_rss(watched)
        peak_tree, peak_process = max(peak_tree, sum(sizes)), max(peak_process, *sizes, 0)
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = child.stdout.read().strip().splitlines()[-1] if child.stdout else ""
    if child.returncode != 0 or f"{len(files)} stored" not in summary:
        raise RuntimeError(f"batch -j{jobs} {' '.join(options)} did not store every file: {summary!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return BatchRun(
        jobs=jobs, files=len(files), pages=pages, wall=wall, cpu=cpu,
        peak_tree_mib=peak_tree / 2**20, peak_process_mib=peak_process / 2**20, summary=summary,
    )
