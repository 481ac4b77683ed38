"""Run `manifesto batch` as a user would (a fresh process, a fresh database) and measure it.

Wall time, the CPU time of the whole process tree (wait4's resource usage of the batch
and the workers it waited for) and of the batch process alone (the one writer: its storing,
hashing and the threads that drive the workers; read once it has exited, before it is
reaped), and peak resident memory: the tree's, sampled every SAMPLE_SECONDS with psutil
(the batch process and its workers summed: an upper bound, as forked workers share pages
with their parent), and the largest single process's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class BatchRun:
    """One timed batch: its files and pages, wall and CPU seconds (the tree's, and the writer's: the batch process's
    own, None where it cannot be read), peak memory in MiB, and the summary line."""

    jobs: int
    files: int
    pages: int
    wall: float
    cpu: float
    writer_cpu: float | None
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


def time_batch(
    files: Sequence[Path], pages: int, db: Path, jobs: int, options: Sequence[str] = ()
) -> BatchRun:
    """Run `manifesto batch FILES --db DB -j JOBS [options]` on a fresh database; return its measurements.

    Raises RuntimeError when the batch does not store every file (a benchmark of failures is no benchmark).
    """
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    command = [sys.executable, "-m", "extract.cli", "batch", *map(str, files), "--db", str(db), "-j", str(jobs), *options]
    peaks = [0, 0]  # the tree's summed RSS, the largest process's
    done = threading.Event()
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, text=True)
        sampler = threading.Thread(target=_sample, args=(psutil.Process(child.pid), peaks, done))
        sampler.start()
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped: its own CPU time still readable
        wall = time.perf_counter() - started
        writer = own_cpu(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        out.seek(0)
        summary = (out.read().strip().splitlines() or [""])[-1]
    if child.returncode != 0 or f"{len(files)} stored" not in summary:
        raise RuntimeError(f"batch -j{jobs} {' '.join(options)} did not store every file: {summary!r}")
    return BatchRun(
        jobs=jobs, files=len(files), pages=pages, wall=wall, cpu=usage.ru_utime + usage.ru_stime, writer_cpu=writer,
        peak_tree_mib=peaks[0] / 2**20, peak_process_mib=max(peaks[1], usage.ru_maxrss * 1024) / 2**20,
        summary=summary,
    )


def own_cpu(pid: int) -> float | None:
    """Return the CPU seconds process `pid` spent itself, its children's left out (None if it cannot be read)."""
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return None
    return times.user + times.system


def _sample(process: psutil.Process, peaks: list[int], done: threading.Event) -> None:
    """Until `done`, record the process tree's largest summed and single RSS into `peaks`, every SAMPLE_SECONDS."""
    while not done.is_set():
        sizes = tree_rss(process)
        peaks[0], peaks[1] = max(peaks[0], sum(sizes)), max(peaks[1], *sizes, 0)
        done.wait(SAMPLE_SECONDS)
