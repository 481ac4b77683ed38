"""The per-file time limit a batch wraps around each file: it ends hangs, whatever the work is doing."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import SAMPLES
from extract import ocr
from extract.errors import ExtractionError
from extract.limits import run_with_timeout
from extract.pipeline import extract_file


def spin() -> None:
    while True:
        pass


def swallow_everything() -> str:
    """A library that wraps every error it meets (as pdfplumber does) must not swallow the alarm."""
    try:
        spin()
    except Exception:
        return "swallowed"
    return "finished"


def timed(work, seconds: float) -> tuple[ExtractionError, float]:
    start = time.monotonic()
    with pytest.raises(ExtractionError) as raised:
        run_with_timeout(work, seconds)
    return raised.value, time.monotonic() - start


def test_work_within_the_limit_returns_its_value():
    assert run_with_timeout(lambda: 42, 5) == 42


@pytest.mark.parametrize("work", [spin, swallow_everything], ids=["busy-loop", "catches-exception"])
def test_python_work_past_the_limit_is_a_timeout(work):
    error, seconds = timed(work, 0.2)
    assert error.kind == "timeout" and "0.2 s" in error.reason
    assert seconds < 2


def test_a_wait_on_a_subprocess_is_interrupted():
    error, seconds = timed(lambda: subprocess.run(["sleep", "30"], check=False), 0.2)
    assert error.kind == "timeout" and seconds < 2


def test_the_timer_and_the_previous_handler_are_restored():
    def previous(signum, frame):
        pass

    old = signal.signal(signal.SIGALRM, previous)
    try:
        run_with_timeout(lambda: None, 5)
        timed(spin, 0.1)
        assert signal.getsignal(signal.SIGALRM) is previous
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, old)


def test_outside_the_main_thread_it_refuses_rather_than_run_unlimited():
    failures = []

    def work() -> None:
        try:
            run_with_timeout(lambda: None, 1)
        except RuntimeError as error:
            failures.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert failures and "main thread" in str(failures[0])


def tesseract_children() -> list[int]:
    """Process ids of this process's children that are Tesseract."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().split(") ")
        except OSError:
            continue
        if fields[0].endswith("(tesseract") and int(fields[1].split()[1]) == os.getpid():
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not ocr.ocr_available(), reason="Tesseract with jpn is not installed (`make ocr` installs it)")
def test_ocr_past_the_limit_stops_and_leaves_no_tesseract_running():
    error, seconds = timed(lambda: extract_file(SAMPLES / "scanned" / "iga-2021-digital-scanned.pdf"), 1.0)
    assert error.kind == "timeout" and seconds < 3
    assert tesseract_children() == []
