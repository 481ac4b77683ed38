"""Per-file limits, so one pathological file cannot hold a batch: a time limit and a size limit.

`run_with_timeout` runs one file's extraction under a SIGALRM timer and turns an
overrun into ExtractionError('timeout'). The alarm interrupts Python code (pdfminer's
parser, where hostile PDFs loop) and waits on subprocesses (Tesseract, which the OCR
reader then kills); C code is bounded by the other limits instead: MAX_FILE_BYTES
and MAX_FILE_PAGES here, ocr.MAX_RENDER_PIXELS. MAX_MANIFESTO_PAGES bounds each manifesto
of a file (a booklet holds a whole city's year), apart from the whole file's cap.
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
# A manifesto has a few pages; a booklet of a large city's year (60 departments × 5 pages) stays
# under the file's cap, while a file past it (a budget book) would hold a batch worker for minutes.
MAX_MANIFESTO_PAGES = 100
MAX_FILE_PAGES = 500


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


def check_file_pages(pages: int) -> None:
    """Raise ExtractionError('too_large') for a file of more than MAX_FILE_PAGES pages."""
    if pages > MAX_FILE_PAGES:
        raise ExtractionError("too_large", f"{pages} pages, more than the {MAX_FILE_PAGES} a file may have")


def check_manifesto_pages(first_page: int, last_page: int) -> None:
    """Raise ExtractionError('too_large') for one manifesto spanning more than MAX_MANIFESTO_PAGES pages."""
    pages = last_page - first_page + 1
    if pages > MAX_MANIFESTO_PAGES:
        raise ExtractionError(
            "too_large", f"pages {first_page}–{last_page}: {pages} pages, more than the {MAX_MANIFESTO_PAGES} a manifesto may have"
        )
