"""Per-file limits, so one pathological file cannot hold a batch: a time limit and a size limit.

`run_with_timeout` runs one file's extraction under a SIGALRM timer and turns an
overrun into ExtractionError('timeout'). The alarm interrupts Python code (pdfminer's
parser, where hostile PDFs loop) and waits on subprocesses (Tesseract, which the OCR
reader then kills); C code is bounded by the other limits instead: MAX_FILE_BYTES
here, open_pdf.MAX_PAGES, ocr.MAX_RENDER_PIXELS.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import TypeVar

from .errors import ExtractionError

T = TypeVar("T")

# A text manifesto reads in well under a second; OCR of a scanned one takes a few
# seconds a page. Two minutes lets a long scan through and still ends a hang.
FILE_TIMEOUT_SECONDS = 120.0
# Manifestos are a few hundred KiB, scans a few MiB; a file past this is not read into memory.
MAX_FILE_BYTES = 200 * 2**20


class _Expired(BaseException):
    """Raised by the alarm inside the work. A BaseException, so that a library's
    `except Exception` (pdfplumber wraps every parser error that way) cannot swallow it."""


def run_with_timeout(work: Callable[[], T], seconds: float | None) -> T:
    """Return `work()`, or raise ExtractionError('timeout') once it has run `seconds` (wall clock; None: no limit).

    A limit must run in the main thread of its process, where POSIX signals are delivered
    (a process-pool worker's task does); elsewhere it raises RuntimeError rather than run
    without one. Any earlier SIGALRM handler is restored afterwards.
    """
    if seconds is None:
        return work()
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("run_with_timeout needs the main thread of its process: SIGALRM is delivered there")

    def expire(signum: int, frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return work()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        raise ExtractionError("timeout", f"still not read after {seconds:g} s; given up") from None
    finally:
        signal.signal(signal.SIGALRM, previous)


def check_file_size(size: int) -> None:
    """Raise ExtractionError('too_large') for a file of more than MAX_FILE_BYTES bytes."""
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        raise ExtractionError("too_large", f"{size / 2**20:.0f} MiB, more than the {limit} MiB a manifesto may have")
