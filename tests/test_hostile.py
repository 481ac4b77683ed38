"""Hostile files (tests/hostile.py) in a batch with good ones: every good file is stored, every hostile one fails
alone with its kind, within the time and memory a batch is promised; a worker killed mid-batch costs one file."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import psutil
import pytest
from sqlite_utils import Database

import hostile
from conftest import SAMPLES
from extract import batch
from extract.batch import ParseSettings, run_batch
from extract.errors import ERROR_KINDS
from extract.pipeline import extract_bytes

TIMEOUT = 5.0
WORKERS = 2
START_AND_STORE = 15.0  # seconds a batch takes beyond its files' limits: workers' start, hashing, storing
PEAK = 2 * 2**30  # bytes the whole process tree may hold at once


class PeakMemory:
    """The largest resident size of this process and all its children, sampled while the block runs."""

    def __init__(self) -> None:
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._done.wait(0.05):
            used = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    used += process.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, used)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    hostile.write_all(folder)
    return folder


def test_hostile_files_fail_alone_with_their_kinds_in_bounded_time_and_memory(folder, tmp_path):
    web_pages = sorted(folder.glob("*.html"))  # a folder is searched for PDFs: pages are named
    with PeakMemory() as memory:
        start = time.monotonic()
        summary = run_batch([folder, *web_pages], tmp_path / "m.db", workers=WORKERS,
                            settings=ParseSettings(timeout=TIMEOUT))
        seconds = time.monotonic() - start

    db = Database(tmp_path / "m.db")
    assert sorted(row["file"] for row in db["manifestos"].rows) == sorted(hostile.GOOD)
    failed = {Path(row["path"]).name: row["kind"] for row in db["failures"].rows}
    assert set(failed) == set(hostile.HOSTILE)
    for name, (_, kind) in hostile.HOSTILE.items():
        assert failed[name] == kind if kind else failed[name] in ERROR_KINDS.keys() - {"crashed", "timeout"}, name
    assert summary.files == len(hostile.GOOD) + len(hostile.HOSTILE)
    assert seconds < summary.files * TIMEOUT / WORKERS + START_AND_STORE
    assert memory.peak < PEAK, f"{memory.peak / 2**30:.2f} GiB"


@pytest.mark.parametrize("name", ["content-bomb-4g.pdf", "plain-bomb-1g.pdf"])
def test_a_decompression_bomb_is_refused_in_seconds_before_it_is_inflated(folder, name):
    with PeakMemory() as memory:
        start = time.monotonic()
        with pytest.raises(Exception) as raised:
            extract_bytes((folder / name).read_bytes(), name)
        seconds = time.monotonic() - start
    assert raised.value.kind == "too_large" and "decompression bomb" in raised.value.reason
    assert seconds < 5 and memory.peak < 2**30


def distinct_copies(folder: Path, count: int) -> None:
    """`count` copies of the good samples, each with other bytes (a comment appended), so none is skipped."""
    folder.mkdir()
    for n in range(count):
        name = hostile.GOOD[n % len(hostile.GOOD)]
        (folder / f"{n:03d}-{name}").write_bytes((SAMPLES / name).read_bytes() + b"\n%% copy %d\n" % n)


def worker_processes() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if "extract.limits" in " ".join(p.cmdline())]


def stored(db_path: Path) -> int:
    try:
        return Database(db_path)["manifestos"].count
    except Exception:  # not created yet
        return 0


def test_a_worker_killed_mid_batch_fails_at_most_the_file_it_held(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "COMMIT_SECONDS", 0)  # each file committed as it comes, for the killer to see
    files = 24
    distinct_copies(tmp_path / "pdfs", files)
    earlier = {p.pid for p in worker_processes()}  # other tests' workers, still waiting for their next call
    killed: list[int] = []
    done = threading.Event()

    def kill_one_worker() -> None:
        while not done.is_set() and not killed:
            workers = [p for p in worker_processes() if p.pid not in earlier]
            if len(workers) == WORKERS and stored(tmp_path / "m.db") >= 2:
                os.kill(workers[0].pid, signal.SIGKILL)
                killed.append(workers[0].pid)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one_worker)
    killer.start()
    try:
        summary = run_batch([tmp_path / "pdfs"], tmp_path / "m.db", workers=WORKERS)
    finally:
        done.set()
        killer.join()

    assert killed
    db = Database(tmp_path / "m.db")
    kinds = [row["kind"] for row in db["failures"].rows]
    assert kinds in ([], ["crashed"])
    assert summary.stored == db["manifestos"].count == files - len(kinds)
