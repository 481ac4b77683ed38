"""Per-file limits enforced from outside the work: wall-clock time, memory, file size.

Each file is read in a child process (a `Worker`) that the parent supervises: it waits
for the answer at most the time limit, samples the memory of the child and of the
child's own children (Tesseract) every POLL_SECONDS, and kills the child's whole
process group once either limit is passed — whatever the child is doing, Python or a
long call in C (zlib inflating a bomb, pdfium, qpdf). A killed or crashed child is
replaced by a fresh one for the next call, so no other file pays for it.

The child is a plain subprocess (`python -m extract.limits`) answering pickles over its
stdin and stdout, not a multiprocessing one: it can then be started from any thread and
from a Dask worker (a daemon process, which multiprocessing forbids to have children).
It imports the readers once, before its first file, so their import is not counted
against a file's time.

The size limits are checked before that work: MAX_FILE_BYTES and MAX_FILE_PAGES for a file,
MAX_MANIFESTO_PAGES for each manifesto of it (a booklet holds a whole city's year).
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import psutil

from .errors import ExtractionError

# A text manifesto reads in well under a second; OCR of a scanned one takes a few
# seconds a page. Two minutes lets a long scan through and still ends a hang.
FILE_TIMEOUT_SECONDS = 120.0
# The largest sample (a scan, read by OCR) peaks at about 360 MB in its child. 2 GiB
# each lets 2 workers on a 2-core, 24 GB machine (the reference) read anything genuine
# with room to spare, while a hostile file is stopped long before the machine suffers.
FILE_MEMORY_BYTES = 2 * 2**30
# Manifestos are a few hundred KiB, scans a few MiB; a file past this is not read into memory.
MAX_FILE_BYTES = 200 * 2**20
# A manifesto has a few pages; a booklet of a large city's year (60 departments × 5 pages) stays
# under the file's cap, while a file past it (a budget book) would hold a batch worker for minutes.
MAX_MANIFESTO_PAGES = 100
MAX_FILE_PAGES = 500
POLL_SECONDS = 0.05  # how often the parent samples a child's memory (a bomb grows ~100 MB in that time at most)
DESCENDANTS_EVERY = 20  # polls: the child's own children (Tesseract) are looked up once a call has lasted this many (it scans /proc)
START_SECONDS = 60.0  # a child not ready by then (imports on a machine far overloaded) is a fault of the machine
AHEAD = 1  # requests a child holds beyond the one it runs (Worker.map)
CALLS_PER_CHILD = 1000  # then the child is replaced, so that a library's slow leak cannot build up (a start costs ~20 files)
PARENT_CHECK_SECONDS = 0.5  # how often a child checks that its parent is still there
NOISY_LOGGERS = ("pdfminer", "pdfplumber", "pikepdf")  # they log each damaged object they skip
LIBRARY_LOGS = "MANIFESTO_LIBRARY_LOGS"  # set (by `--debug`): a child shows their log lines
_HEADER = struct.Struct("!Q")  # each message: its length, then its pickle
_READY = "ready"
_DIED = "ended while it started"


@dataclass(frozen=True)
class Raised:
    """What a call of Worker.map raised: in the child, or the ExtractionError of a limit it passed or of the child's
    death, or the RuntimeError of a child that would not start."""

    error: BaseException


@dataclass(frozen=True)
class Limits:
    """What one call may take: wall-clock seconds and bytes of memory (None: no limit)."""

    seconds: float | None = FILE_TIMEOUT_SECONDS
    memory: int | None = FILE_MEMORY_BYTES


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


class Worker:
    """One child process that runs calls one at a time under Limits, and is replaced when it dies or is killed.

    Not shared between threads: each thread that reads files owns its Worker.
    """

    def __init__(self) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        self._process: psutil.Process | None = None  # the child, for sampling its memory
        self._calls = 0
        self._waiting = False  # the child was started by start() and has not said it is ready yet
        self._stopped = False  # stop() was called: the map running ends

    def start(self) -> None:
        """Start the child now, without waiting for it, so that its imports overlap the caller's own work."""
        if self._child is None:
            self._child, self._calls, self._waiting = _warmed() or _spawn(), 0, True
            self._process = psutil.Process(self._child.pid)

    def call(self, function: Callable[..., Any], *args: Any, limits: Limits = Limits()) -> Any:
        """Return `function(*args)` run in the child, or raise what it raised there.

        `function` and its arguments must be picklable (a module-level function, a
        functools.partial of one). Raises ExtractionError 'timeout' or 'too_large' (with
        the measured figure) when the call passes a limit, 'crashed' when the child dies.
        """
        (answer,) = self.map(function, [args], limits=limits)
        if isinstance(answer, Raised):
            raise answer.error
        return answer

    def map(
        self, function: Callable[..., Any], arguments: Iterable[tuple], *, limits: Limits = Limits(),
        ahead: Callable[[], bool] = lambda: True,
    ) -> Iterator[Any]:
        """Yield `function(*args)` run in the child for each of `arguments`, in order, each under `limits`; a call that
        failed is yielded as Raised (what `call` would raise), and the next ones go on.

        The child holds AHEAD more requests than the one it runs, so that it starts the next as
        soon as it has answered one, without waiting for this process to wake up and send it.
        The child answers in order, so the call running is always the first unanswered one: its
        limits count from when this process has read the answer before it (a moment after the
        child began it: never stricter), and it alone fails when the child is killed or dies;
        the requests the child held besides are sent again to its replacement. An argument is
        taken from `arguments` only when it is about to be sent, and one is held ahead only
        while `ahead()` says so (a batch near its end leaves the last files to idle workers
        rather than behind a slow one). `stop` ends a map.
        """
        pending = (pickle.dumps((function, args)) for args in arguments)
        held: deque[bytes] = deque()  # sent to the child, unanswered: the first is running
        again: deque[bytes] = deque()  # held by a child that was killed: sent first to the next
        self._stopped = False
        while not self._stopped:
            while len(held) <= AHEAD and (not held or (self._calls < CALLS_PER_CHILD and ahead())):
                request = again.popleft() if again else next(pending, None)
                if request is None or self._stopped:
                    break
                try:
                    child = self._child if held else self._ready()  # a child holding calls is not replaced under them
                except RuntimeError as error:  # one that would not start: this call fails, the next starts another
                    yield Raised(error)
                    continue
                if child is None:  # stopped from another thread
                    return
                self._calls += 1
                try:
                    _send(child.stdin, request)
                except OSError:  # the child is gone: the call it runs fails below, or this one now
                    if held:
                        again.appendleft(request)
                        break
                    yield Raised(self._crashed())
                    continue
                held.append(request)
            if not held:
                return
            try:
                answer = self._answer(limits)
                held.popleft()
            except ExtractionError as error:  # the child was killed or died: the others it held go to the next one
                held.popleft()
                again.extendleft(reversed(held))
                held.clear()
                answer = Raised(error)
            yield answer

    def _answer(self, limits: Limits) -> Any:
        """Wait for the child's next answer under `limits` and return it (Raised for what the call raised); raise
        ExtractionError 'timeout', 'too_large' or 'crashed', the child then killed."""
        child, process, descendants = self._child, self._process, []
        if child is None or process is None:  # stopped from another thread
            raise self._crashed()
        deadline = None if limits.seconds is None else time.monotonic() + limits.seconds
        for polls in itertools.count():
            left = POLL_SECONDS if deadline is None else min(POLL_SECONDS, deadline - time.monotonic())
            if left <= 0:
                self.close()
                raise ExtractionError("timeout", f"still not read after {limits.seconds:g} s; given up")
            if polls % DESCENDANTS_EVERY == DESCENDANTS_EVERY - 1:  # a text file is read long before the first
                descendants = _descendants(process)
            used = _memory([process, *descendants])  # sampled before each wait: a file read in one poll is measured too
            if limits.memory is not None and used > limits.memory:
                self.close()
                raise ExtractionError(
                    "too_large", f"used {math.ceil(used / 2**20)} MiB of memory, more than the "
                    f"{limits.memory / 2**20:.0f} MiB a file may use; given up"
                )
            if select.select([child.stdout], [], [], left)[0]:
                break
        try:
            answer = _receive(child.stdout)
        except EOFError:
            raise self._crashed() from None
        try:
            status, value = pickle.loads(answer)
        except Exception as error:  # read whole, so the next answers stay in step: this call's failure alone
            return Raised(RuntimeError(f"its answer cannot be unpickled here: {type(error).__name__}: {error}"))
        return Raised(value) if status == "raised" else value

    def stop(self) -> None:
        """Kill the child, and end the map running in another thread: the requests the child held are not sent again."""
        self._stopped = True
        self.close()

    def close(self) -> None:
        """Kill the child and its process group (Tesseract with it), if one is running; a later call starts another."""
        child, self._child, self._process, self._waiting = self._child, None, None, False
        if child is not None:
            _kill(child)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ready(self) -> subprocess.Popen[bytes] | None:
        """The running child, started (and waited for until it has imported the readers) when there is none; None once
        stop() was called from another thread (a child it killed while it imported is not replaced)."""
        if self._child is not None and (self._child.poll() is not None or self._calls >= CALLS_PER_CHILD):
            self.close()
        if self._child is None and not self._stopped:
            self.start()
        if self._waiting:
            self._waiting = False
            why = _start_failure(self._child)
            if why == _DIED and not self._stopped:  # killed while it imported (a user, the OOM killer): once more
                self.close()
                self.start()
                self._waiting = False
                why = _start_failure(self._child)
            if self._stopped:
                self.close()
                return None
            if why is not None:
                self.close()
                raise RuntimeError(f"the reading process {why}")
        return self._child

    def _crashed(self) -> ExtractionError:
        """The error of a child that died during a call (killed by a signal: the OOM killer, a crash in C)."""
        child = self._child
        code = child.wait() if child is not None else None
        self.close()
        if code is not None and code < 0:
            how = f"was killed by {signal.Signals(-code).name}"
            if -code == signal.SIGKILL:
                how += " (out of memory?)"
        else:
            how = f"exited with status {code}"
        return ExtractionError("crashed", f"the process reading the file {how}; no other file was affected")


_warm: list[subprocess.Popen[bytes]] = []  # children warm() started, for the next Workers to start to take


def warm(count: int) -> None:
    """Start `count` children now, for the next Workers started in this process to take.

    A command that will read files calls it before its own imports (the database's), so that the
    children import the readers meanwhile: a batch's first file is read about 0.1–0.2 s sooner.
    """
    _warm.extend(_spawn() for _ in range(count - len(_warm)))


def _warmed() -> subprocess.Popen[bytes] | None:
    """A child warm() started, taken from those left (None when there is none)."""
    try:
        return _warm.pop()
    except IndexError:  # none left, or another thread took the last
        return None


def cool() -> None:
    """Kill the children warm() started that no Worker took (a batch of fewer files than workers, or one refused)."""
    while _warm:
        _kill(_warm.pop())


def _kill(child: subprocess.Popen[bytes]) -> None:
    """Kill a child and its process group, and wait for it."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()
    for pipe in (child.stdin, child.stdout):
        if pipe is not None:
            pipe.close()


def _spawn() -> subprocess.Popen[bytes]:
    """Start a child, in a session of its own so that it and its children can be killed as a group.

    It gets this process's import path, so that it can unpickle any function this process can name.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path or os.getcwd() for path in sys.path)}
    return subprocess.Popen(
        [sys.executable, "-m", "extract.limits"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        bufsize=0, start_new_session=True, env=env,
    )


def _start_failure(child: subprocess.Popen[bytes] | None) -> str | None:
    """Wait until a started child has imported the readers; return None, or why it did not (_DIED: it ended first, or
    another thread's stop() took it before this one could wait: None)."""
    if child is None:
        return _DIED
    try:
        if not select.select([child.stdout], [], [], START_SECONDS)[0]:
            return f"did not start within {START_SECONDS:g} s"
        return None if pickle.loads(_receive(child.stdout)) == _READY else "did not say it was ready"
    except EOFError:
        return _DIED


def _descendants(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def _memory(processes: list[psutil.Process]) -> int:
    """Resident bytes of some processes (those gone count 0)."""
    used = 0
    for each in processes:
        try:
            used += each.memory_info().rss
        except psutil.Error:
            continue
    return used


def _send(pipe: IO[bytes] | None, payload: bytes) -> None:
    assert pipe is not None
    pipe.write(_HEADER.pack(len(payload)) + payload)


def _receive(pipe: IO[bytes] | None) -> bytes:
    """One whole message from the pipe; EOFError when the other end is gone."""
    assert pipe is not None
    (length,) = _HEADER.unpack(_read_exactly(pipe, _HEADER.size))
    return _read_exactly(pipe, length)


def _read_exactly(pipe: IO[bytes], size: int) -> bytes:
    parts, missing = [], size
    while missing:
        part = pipe.read(missing)
        if not part:
            raise EOFError
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _exit_with_parent(parent: int) -> None:
    """End this child once its parent is gone (a SIGKILLed batch leaves no one to stop it), even mid-call in C."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def quiet_libraries(debug: bool) -> None:
    """Keep the PDF libraries' log lines (a skipped damaged object, a circular reference) off stderr.

    The one-line error, or the record's warnings, is the answer; `--debug` shows the log lines too.
    """
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING if debug else logging.CRITICAL)


def serve() -> None:
    """The child's loop: answer each (function, args) pickle from stdin with ('returned'|'raised', value) on stdout.

    What libraries print goes to stderr, so that it cannot corrupt the answers. A
    failure comes back with its traceback as a note (shown by `--debug`).
    """
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    requests = os.fdopen(0, "rb", buffering=0)
    _exit_with_parent(os.getppid())
    quiet_libraries(bool(os.environ.get(LIBRARY_LOGS)))
    from . import pipeline, work  # noqa: F401  (the readers' imports, once, before any file's clock starts)

    _send(answers, pickle.dumps(_READY))
    while True:
        try:
            function, args = pickle.loads(_receive(requests))
        except EOFError:
            return
        try:
            answer = ("returned", function(*args))
        except BaseException as error:  # noqa: BLE001 (everything goes back to the parent, which decides)
            error.add_note(traceback.format_exc())
            answer = ("raised", error)
        try:
            payload = pickle.dumps(answer)
        except Exception as error:  # an answer that cannot travel is the caller's bug: say so there
            payload = pickle.dumps(("raised", RuntimeError(f"the answer cannot be pickled: {error}")))
        _send(answers, payload)


if __name__ == "__main__":
    serve()
