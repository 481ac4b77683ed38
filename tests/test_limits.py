"""The per-file limits, enforced from outside the work: a Worker's child is killed past its time or memory,
whatever it is doing (Python, a long call in C), and replaced for the next call."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import psutil
import pytest

from conftest import ROOT, SAMPLES
from hostile import zeros_deflated
from extract import limits, ocr
from extract.cli import _workers_needed, main
from extract.errors import ERROR_KINDS, ExtractionError
from extract.limits import Limits, Raised, Worker
from extract.pipeline import extract_file

BOMB = zeros_deflated(2**30)  # 1 MB that zlib.decompress inflates to 1 GiB, in one call in C
SLACK = 2.0  # seconds a limit may be overrun by: the poll, the kill, a loaded machine


def spin() -> None:
    while True:
        pass


def swallow_everything() -> str:
    """A library that wraps every error it meets (as pdfplumber does) cannot swallow a kill."""
    try:
        spin()
    except BaseException:
        return "swallowed"
    return "finished"


def stay_in_c() -> bytes:
    """Minutes of work inside one C call that never looks at signals."""
    return hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 2**31 - 1)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def child_pid() -> int:
    return os.getpid()


def _refuse() -> None:
    raise ValueError("not in this process")


class Unloadable:
    """Pickled in the child, it cannot be unpickled (its reconstruction raises)."""

    def __reduce__(self) -> tuple:
        return _refuse, ()


def answer_of(what: str) -> Unloadable | int:
    return Unloadable() if what == "unloadable" else os.getpid()


def act(what: str) -> int:
    """One call of a map: spin (until a timeout) or die (a crash) first, if told; then its child's process id."""
    {"spin": spin, "die": die}.get(what, lambda: None)()
    return os.getpid()


def failing(limits: Limits, work, *args) -> tuple[ExtractionError, float, Worker]:
    worker = Worker()
    worker.call(child_pid)  # started: its start is not counted
    start = time.monotonic()
    with pytest.raises(ExtractionError) as raised:
        worker.call(work, *args, limits=limits)
    return raised.value, time.monotonic() - start, worker


def test_work_within_the_limits_returns_its_value_from_the_child():
    with Worker() as worker:
        assert worker.call(divmod, 7, 2) == (3, 1)
        assert worker.call(child_pid) != os.getpid()


def test_what_the_work_raises_comes_back_as_it_was():
    with Worker() as worker, pytest.raises(ExtractionError) as raised:
        worker.call(extract_file, Path(SAMPLES / "README.md"))
    assert raised.value.kind == "not_pdf" and raised.value.file.endswith("README.md")


@pytest.mark.parametrize("work", [spin, swallow_everything, stay_in_c], ids=["busy-loop", "catches-all", "in-C"])
def test_work_past_the_time_limit_is_a_timeout(work):
    error, seconds, worker = failing(Limits(seconds=0.5), work)
    assert error.kind == "timeout" and "0.5 s" in error.reason
    assert seconds < 0.5 + SLACK
    worker.close()


def test_a_bomb_inflating_in_one_c_call_is_stopped_at_the_memory_limit_with_its_figure():
    error, seconds, worker = failing(Limits(seconds=60, memory=300 * 2**20), zlib.decompress, BOMB)
    assert error.kind == "too_large" and "more than the 300 MiB" in error.reason
    used = int(error.reason.split("used ")[1].split(" MiB")[0])
    assert 300 < used < 600 and seconds < 5  # long before its time limit (60 s), at its memory limit
    worker.close()


def test_a_killed_child_fails_its_call_alone_and_is_replaced():
    error, _, worker = failing(Limits(), die)
    assert error.kind == "crashed" and "SIGKILL" in error.reason
    with worker:
        assert worker.call(divmod, 9, 4) == (2, 1)


def test_after_a_timeout_the_next_call_gets_a_fresh_child():
    error, _, worker = failing(Limits(seconds=0.2), spin)
    with worker:
        assert worker.call(divmod, 1, 1) == (1, 0)


def tesseract_processes(settle: float = 2.0) -> list[int]:
    """Process ids of living Tesseract processes started from this test's workers (any parent), once those
    killed have had up to `settle` seconds to exit (a process SIGKILLed a moment ago may still be exiting)."""
    deadline = time.monotonic() + settle
    while True:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().split(") ")
            except OSError:
                continue
            state, _, _, session = fields[1].split()[:4]
            if fields[0].endswith("(tesseract") and int(session) in SESSIONS and state not in "ZX":
                found.append(int(stat.parent.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


SESSIONS: set[int] = set()


@pytest.mark.skipif(not ocr.ocr_available(), reason="Tesseract with jpn is not installed (`make ocr` installs it)")
def test_ocr_past_the_limit_stops_and_leaves_no_tesseract_running():
    worker = Worker()
    SESSIONS.add(worker.call(os.getsid, 0))
    start = time.monotonic()
    with pytest.raises(ExtractionError) as raised:
        worker.call(extract_file, SAMPLES / "scanned" / "iga-2021-digital-scanned.pdf", limits=Limits(seconds=1.0))
    assert raised.value.kind == "timeout" and time.monotonic() - start < 1 + SLACK
    assert tesseract_processes() == []


def test_the_commands_memory_option_is_the_workers_limit(tmp_path):
    manifesto = ROOT / ".venv" / "bin" / "manifesto"
    result = subprocess.run([str(manifesto), "extract", str(SAMPLES / "iga-2021-digital.pdf"), "--memory", "20"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == ERROR_KINDS["too_large"]
    assert "more than the 20 MiB a file may use" in result.stderr  # a worker with the readers loaded holds more


def test_children_warmed_ahead_are_taken_by_the_next_workers_and_the_rest_killed():
    limits.warm(2)
    warmed = {child.pid for child in limits._warm}
    with Worker() as worker:
        assert worker.call(os.getpid) in warmed  # the call ran in a warmed child, already importing
    assert len(limits._warm) == 1
    left = limits._warm[0]
    limits.cool()
    assert limits._warm == [] and left.poll() is not None  # killed, and waited for


def test_a_batch_warms_a_worker_a_file_named_at_most_its_jobs_and_leaves_none(tmp_path):
    one = tmp_path / "one.pdf"
    one.write_bytes((SAMPLES / "iga-2021-digital.pdf").read_bytes())
    assert _workers_needed([str(one)], 2) == 1
    assert _workers_needed([str(tmp_path), str(one)], 2) == 2  # a folder may hold any number
    assert _workers_needed([str(one)] * 3, 2) == 2
    before = {child.pid for child in psutil.Process().children()}  # other tests' workers may wait for a call
    assert main(["-q", "batch", str(one), "--db", str(tmp_path / "m.db"), "-j", "2"]) == 0
    assert limits._warm == [] and {child.pid for child in psutil.Process().children()} <= before


def test_a_worker_imports_only_what_the_default_reader_uses():
    """A worker starts in the time the readers take to import: pdfplumber, pdfminer and pypdfium2 are imported
    only for a file pdf_oxide leaves to them, and the database's sqlite-utils and pandas never."""
    code = "import sys, extract.limits, extract.pipeline, extract.work; print(' '.join(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert not {"pdfplumber", "pdfminer", "pypdfium2", "sqlite_utils", "pandas"} & set(loaded.split())


def test_a_child_killed_while_it_starts_is_replaced_and_the_call_runs():
    with Worker() as worker:
        worker.start()
        first = worker._child.pid
        os.killpg(first, signal.SIGKILL)  # as a user or the OOM killer might, while it imports the readers
        assert worker.call(os.getpid) not in (first, None)  # not the file's failure: it ran in another child


def test_a_map_fails_only_the_call_past_a_limit_and_reads_the_one_held_behind_it_in_a_fresh_child():
    calls = [("read",), ("spin",), ("read",), ("die",), ("read",)]
    with Worker() as worker:
        # seconds enough for a new child to import this module (to unpickle `act`), and no more
        first, timeout, after_timeout, crash, after_crash = worker.map(act, calls, limits=Limits(seconds=3.0))
    assert isinstance(timeout, Raised) and timeout.error.kind == "timeout"
    assert isinstance(crash, Raised) and crash.error.kind == "crashed"
    assert len({first, after_timeout, after_crash}) == 3  # each held behind a call that ended its child: read in the next


def test_an_answer_that_cannot_be_unpickled_fails_its_call_alone():
    with Worker() as worker:
        bad, good = worker.map(answer_of, [("unloadable",), ("pid",)])
    assert isinstance(bad, Raised) and "cannot be unpickled" in str(bad.error)
    assert isinstance(good, int)  # the answer after it, from the same child, is read in step


def test_a_map_stopped_while_its_child_starts_starts_no_other_and_ends_at_once():
    worker = Worker()
    answers: list = []
    running = threading.Thread(target=lambda: answers.extend(worker.map(act, [("spin",)], limits=Limits(seconds=30))))
    running.start()
    time.sleep(0.05)  # the child is importing the readers
    started = time.monotonic()
    worker.stop()  # as a batch stopped in its first moments (Ctrl-C)
    running.join(timeout=20)
    assert not running.is_alive() and time.monotonic() - started < 10  # not the 30 s of a call sent to a new child
    assert worker._child is None
