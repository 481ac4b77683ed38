"""`manifesto batch`: convert every PDF under some paths into the database, in parallel and resumably.

Files are hashed first: one whose sha256 is already stored is skipped without being
parsed, so a rerun does only what is new, changed or failed before. Worker processes
parse (the CPU-bound part); the main process alone writes, one transaction per file,
so the database never has two writers and a batch killed at any moment leaves only
whole manifestos. A file that fails is recorded in `failures` and the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tqdm import tqdm

from .errors import ExtractionError, UsageError
from .limits import FILE_TIMEOUT_SECONDS, run_with_timeout
from .municipality import lookup
from .open_pdf import DEFAULT_READER
from .pipeline import Extraction, extract_file
from .store import forget_failures, open_db, record_failure, set_municipality, store, stored_sha256

SUFFIX = ".pdf"  # what folders are searched for (any case); files named on the command line are taken as they are
EXIT_OK, EXIT_FAILED = 0, 3  # a UsageError (missing path) exits 2, from the command line
INTERNAL = "internal"  # failure kind of a bug or a crashed worker, beside errors.ERROR_KINDS
PARENT_CHECK_SECONDS = 0.5


@dataclass(frozen=True)
class Job:
    """A file to parse, with its sha256 (None when it cannot be read)."""

    path: Path
    sha256: str | None


@dataclass(frozen=True)
class Failed:
    """Why a file gave no record: an ExtractionError kind (or INTERNAL) and its message."""

    kind: str
    message: str


Outcome = Extraction | Failed


@dataclass
class Summary:
    """What a batch did, counted file by file."""

    files: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    warnings: int = 0

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed else EXIT_OK

    def __str__(self) -> str:
        return (
            f"{self.files} files: {self.stored} stored, {self.skipped} skipped (unchanged), "
            f"{self.failed} failed, {self.warnings} warnings"
        )


def collect(paths: Iterable[str | Path]) -> list[Path]:
    """Given files and folders, return the files: those named, and every *.pdf under the folders, sorted, once each."""
    found: dict[Path, None] = {}
    for path in map(Path, paths):
        if path.is_dir():
            found.update(dict.fromkeys(sorted(p for p in path.rglob("*") if p.suffix.lower() == SUFFIX and p.is_file())))
        elif path.is_file():
            found[path] = None
        else:
            raise UsageError(f"{path}: no such file or folder")
    return list(found)


def sha256_of(path: Path) -> str | None:
    """Return the hex sha256 of a file's bytes, or None when it cannot be read (parsing will say why)."""
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return None


def plan(files: Sequence[Path], stored: set[str]) -> tuple[list[Job], list[Path]]:
    """Given files and the stored sha256s, return the jobs to parse and the files skipped.

    A file is skipped when its bytes are already stored, or already queued under another path.
    """
    seen = set(stored)
    jobs, skipped = [], []
    for path in files:
        sha = sha256_of(path)
        if sha is not None and sha in seen:
            skipped.append(path)
        else:
            jobs.append(Job(path, sha))
        seen.add(sha)
    return jobs, skipped


@dataclass(frozen=True)
class ParseSettings:
    """How each file is parsed, sent with it to a worker: password, PDF reader, time limit (None: none)."""

    password: str | None = None
    reader: str = DEFAULT_READER
    timeout: float | None = FILE_TIMEOUT_SECONDS


def parse_one(path: str, settings: ParseSettings) -> Outcome:
    """Parse one file in a worker: its Extraction, or Failed; never raises, and both are picklable.

    Runs under the per-file time limit (limits.py) unless `settings.timeout` is None (a
    Dask task runs in a worker thread, which SIGALRM cannot interrupt). The page and
    size limits apply inside extract_file either way.
    """
    extract = partial(extract_file, path, password=settings.password, reader=settings.reader)
    try:
        return run_with_timeout(extract, settings.timeout)
    except ExtractionError as error:
        return Failed(error.kind, error.reason)
    except Exception as error:  # a bug must not stop the batch: record it as this file's failure
        return Failed(INTERNAL, f"{type(error).__name__}: {error}")


def outcomes(jobs: Sequence[Job], settings: ParseSettings, workers: int) -> Iterator[tuple[Job, Outcome]]:
    """Yield each job with its outcome as it completes: inline for one worker, else from a process pool."""
    if workers <= 1:
        for job in jobs:
            yield job, parse_one(str(job.path), settings)
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_exit_with_parent, initargs=(os.getpid(),))
    try:
        pending = {pool.submit(parse_one, str(job.path), settings): job for job in jobs}
        for future in as_completed(pending):
            yield pending.pop(future), outcome_of(future)
    finally:
        pool.shutdown(cancel_futures=True)


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: end this worker once the batch process is gone (a SIGKILL leaves no one to stop it)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def outcome_of(future: Future) -> Outcome:
    """Given a finished future of parse_one (local or Dask), return its outcome; a lost worker fails just this file."""
    try:
        return future.result()
    except Exception as error:  # the worker process died (BrokenProcessPool, a Dask worker lost): the batch goes on
        return Failed(INTERNAL, f"worker failed: {type(error).__name__}: {error}")


def run_batch(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    workers: int | None = None,
    settings: ParseSettings = ParseSettings(),
    municipality_code: str | None = None,
    dask: str | None = None,
) -> Summary:
    """Store every file under `paths` in the database at `db_path` and return what was done.

    `municipality_code` (全国地方公共団体コード) is recorded for every manifesto stored or
    skipped as unchanged. `dask`, a scheduler address, parses on that Dask cluster
    instead of local workers (cluster.py). Raises UsageError when a path does not exist,
    the code is invalid or unknown, or the cluster unreachable; a file that cannot be
    stored never raises. `settings` say how each file is parsed.
    """
    if municipality_code is not None:
        lookup(municipality_code)
    files = collect(paths)
    db = open_db(db_path)
    try:
        jobs, skipped = plan(files, stored_sha256(db))
        forget_failures(db, map(str, skipped))
        if municipality_code is not None:
            set_municipality(db, map(str, skipped), municipality_code)
        summary = Summary(files=len(files), skipped=len(skipped))
        workers = min(workers or os.cpu_count() or 1, len(jobs))
        where = f"Dask cluster at {dask}" if dask else f"{workers} workers"
        start = f"{len(files)} files: {len(skipped)} unchanged, {len(jobs)} to parse ({where})"
        if dask:
            from .cluster import dask_outcomes  # imports distributed, an optional extra: only when asked for

            parsed = dask_outcomes(jobs, settings, dask)
        else:
            parsed = outcomes(jobs, settings, workers)
        with Progress(len(jobs), start) as progress:
            for job, outcome in parsed:
                if isinstance(outcome, Failed):
                    record_failure(db, str(job.path), job.sha256, outcome.kind, outcome.message)
                    summary.failed += 1
                else:
                    store(db, outcome, str(job.path), municipality_code=municipality_code)
                    summary.stored += 1
                    summary.warnings += len(outcome.record.warnings)
                progress.advance(job, outcome, summary.failed)
        return summary
    finally:
        db.close()


class Progress:
    """Report a batch's progress on stderr: a bar on a terminal, one plain line per file otherwise."""

    def __init__(self, total: int, start: str) -> None:
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        print(start, file=sys.stderr, flush=True)
        self.bar = tqdm(total=total, unit="file", file=sys.stderr) if sys.stderr.isatty() else None

    def advance(self, job: Job, outcome: Outcome, failed: int) -> None:
        """Count one finished file; name it when it failed (or always, without a bar)."""
        self.done += 1
        if isinstance(outcome, Failed):
            line = f"failed {job.path}: {outcome.kind}: {outcome.message}"
        else:
            line = f"stored {job.path}: {len(outcome.record.goals)} goals, {len(outcome.record.warnings)} warnings"
        if self.bar is None:
            rate = self.done / max(time.monotonic() - self.started, 1e-9)
            eta = (self.total - self.done) / rate
            counts = f"{failed} failed, {rate:.1f} files/s, eta {eta:.0f}s"
            print(f"[{self.done}/{self.total}] {line} ({counts})", file=sys.stderr, flush=True)
            return
        if isinstance(outcome, Failed):
            self.bar.write(line, file=sys.stderr)
        self.bar.set_postfix(failed=failed, refresh=False)
        self.bar.update()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
