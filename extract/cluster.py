"""`manifesto batch --dask ADDRESS`: parse on a Dask distributed cluster, store in this process.

The cluster only parses: each file's `parse_isolated` runs on a worker and its outcome (its
manifestos' rows or a Failed, both picklable) comes back here, where the batch's one writer
stores it, exactly as with local worker processes. Workers open the files by path, so
they must see the same files (a shared filesystem); paths are sent absolute. At most
IN_FLIGHT_PER_THREAD files per worker thread (counted as the cluster grows or shrinks)
are submitted at a time, so a batch of a million files neither floods the scheduler
nor holds finished results unstored.

The per-file limits are the same as on one machine: each task (`parse_isolated`) runs
the parse in a child process of the Dask worker, kept for that worker thread's next
tasks, which the task's thread kills once the file passes `--timeout` or the memory
limit (limits.py). A hostile file then fails alone as timeout or too_large, and the
Dask worker itself never holds more than one file's parse.

Needs the `distributed` package (the `dask` extra), imported only when --dask is given.
Run workers with one thread each (`dask worker ADDRESS --nthreads 1 --nworkers N`):
parsing is pure Python, so threads of one worker would share one core.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from .batch import TICK_SECONDS, Job, Outcome, ParseSettings, parse_isolated
from .errors import UsageError
from .work import worker_failed

IN_FLIGHT_PER_THREAD = 4
POLL_SECONDS = 0.005  # how often the cluster's finished futures are looked for
CONNECT_SECONDS = 10  # a scheduler that does not answer by then is taken as unreachable


def outcome_of(future: Any) -> Outcome:
    """Given a finished Dask future of parse_isolated, return its outcome; a lost worker fails just this file."""
    try:
        return future.result()
    except Exception as error:  # a Dask worker lost, a worker process that could not start: the batch goes on
        return worker_failed(error)


def dask_outcomes(jobs: Sequence[Job], settings: ParseSettings, address: str) -> Iterator[tuple[Job, Outcome] | None]:
    """Yield each job with its outcome as the cluster at `address` finishes it, and None each time none finished for
    TICK_SECONDS, as batch.outcomes does (UsageError if unreachable)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--dask needs the distributed package: pip install 'manifesto-extract[dask]'") from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    waiting = iter(jobs)
    running: dict[object, Job] = {}  # future → job

    def top_up() -> list:
        """Send jobs until IN_FLIGHT_PER_THREAD per thread of the cluster (as it is now) are running; return their futures."""
        window = max(1, sum(client.nthreads().values())) * IN_FLIGHT_PER_THREAD
        sent = []
        while len(running) < window and (job := next(waiting, None)) is not None:
            future = client.submit(parse_isolated, str(job.path.resolve()), settings, pure=False)
            running[future] = job
            sent.append(future)
        return sent

    try:
        finished = as_completed(top_up(), loop=client.loop)
        quiet_since = time.monotonic()
        while not finished.is_empty():
            if not finished.has_ready():
                time.sleep(POLL_SECONDS)
                if time.monotonic() - quiet_since >= TICK_SECONDS:  # none finished for a while: say so (bursts)
                    quiet_since = time.monotonic()
                    yield None
                continue
            for future in finished.next_batch(block=False):
                job = running.pop(future)
                outcome = outcome_of(future)  # a Dask future answers .result() as a local one does
                future.release()
                finished.update(top_up())
                yield job, outcome
            quiet_since = time.monotonic()
    finally:
        client.cancel(list(running))
        client.close()
