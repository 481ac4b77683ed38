"""`manifesto batch`: convert every PDF under some paths into the database, in parallel and resumably.

Files are hashed first: one whose sha256 is already stored is not parsed again (unchanged
at its path, a duplicate at another, or moved when the stored path is gone), so a rerun
does only what is new, changed or failed before. Every path seen gets its `files` row.
Worker processes parse (the CPU-bound part), each file under the time and memory limits of
limits.py, enforced from this process; the main process alone writes, the files parsed
in each half second together in one transaction, so the database never has two writers
and a batch stopped at any moment leaves only whole manifestos, those of every burst
committed. A file that fails (a worker killed included) is recorded in `failures` and the
batch goes on; in a booklet of several manifestos, each is stored, and one that fails is
recorded as its part. Files gone from under the paths are marked removed (their rows deleted
only with `prune`); the archive's municipality code is a stored setting; the goal
series are relinked at the end.
"""

from __future__ import annotations

import hashlib
import os
import queue
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database
from tqdm import tqdm

from .errors import EXIT_FAILED, EXIT_OK, ExtractionError, UsageError
from .fts import deferred_index, index_some
from .limits import Raised, Worker, cool
from .municipality import lookup
from .paths import shown_path, stored_path
from .extraction import FailedPart
from .rows import ManifestoRows
from .series import relink_goals
from .store import (
    SeenFile, batch_writing, code_counts, get_setting, mark_removed, note_duplicate, note_moved,
    note_unchanged, open_db, prune, put_setting, record_failure, store_rows, stored_paths,
)
from .work import INTERNAL, Failed, Outcome, ParseSettings, parse_one, worker_failed

COMMIT_SECONDS = 0.5  # the files parsed in this time are stored together, in one transaction (bursts)
BURST_FILES = 200  # nor more files than this in one transaction: a burst's outcomes are held in memory until stored
WAITING_FILES = 200  # files handed to the workers and not yet taken by the writer, at most: they wait beyond (outcomes)
TICK_SECONDS = 0.1  # how long the outcomes of the workers are waited for before a burst that is due is stored
T = TypeVar("T")
SUFFIX = ".pdf"  # what folders are searched for (any case); files named on the command line are taken as they are
MUNICIPALITY = "municipality_code"  # the setting's name in `settings`


@dataclass(frozen=True)
class Job:
    """A file to parse, as it was seen (its sha256 is None when it cannot be read)."""

    path: Path
    seen: SeenFile


@dataclass
class Summary:
    """What a batch did, counted file by file, and what the user should know about the archive."""

    files: int = 0
    stored: int = 0
    unchanged: int = 0
    duplicates: int = 0
    moved: int = 0
    failed: int = 0
    warnings: int = 0
    partial: int = 0  # stored with coverage below 1.0: some printed text reached no field
    removed: int = 0
    pruned: int = 0
    prune: bool = False  # whether the batch was asked to prune
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed else EXIT_OK

    def __str__(self) -> str:
        line = (
            f"{self.files} files: {self.stored} stored, {self.unchanged} unchanged, {self.duplicates} duplicates, "
            f"{self.moved} moved, {self.failed} failed, {self.warnings} warnings, {self.partial} below full coverage"
        )
        if self.removed:
            line += f"; {self.removed} gone from the archive" + ("" if self.prune else " (rows kept: --prune deletes them)")
        if self.prune:
            line += f"; {self.pruned} manifestos pruned"
        return "\n".join([line, *(f"warning: {note}" for note in self.notes)])


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


def see(path: Path) -> SeenFile:
    """Return a file as seen now: its sha256, size and mtime (None each when it cannot be read: parsing will say why)."""
    try:
        with path.open("rb") as file:
            sha = hashlib.file_digest(file, "sha256").hexdigest()
            status = os.fstat(file.fileno())
    except OSError:
        return SeenFile(stored_path(path), None)
    mtime = datetime.fromtimestamp(status.st_mtime, timezone.utc).isoformat(timespec="seconds")
    return SeenFile(stored_path(path), sha, status.st_size, mtime)


@dataclass(frozen=True)
class Plan:
    """What a batch does with each file: parse it, or note it as unchanged, a duplicate (of a path) or moved (from one)."""

    jobs: list[Job]
    unchanged: list[SeenFile]
    duplicates: list[tuple[SeenFile, str]]
    moved: list[tuple[SeenFile, str]]


def plan(files: Sequence[Path], stored: dict[str, str]) -> Plan:
    """Given files and the path each stored sha256 is stored under, return what to do with each file.

    Bytes stored under this path are unchanged; stored under a path that is gone, moved
    here; stored (or queued earlier in this batch) under another path, a duplicate of it.
    """
    owners = dict(stored)
    result = Plan([], [], [], [])
    for path in files:
        seen = see(path)
        owner = owners.get(seen.sha256) if seen.sha256 is not None else None
        if owner is None:
            result.jobs.append(Job(path, seen))
            if seen.sha256 is not None:
                owners[seen.sha256] = seen.path
        elif owner == seen.path:
            result.unchanged.append(seen)
        elif seen.sha256 in stored and not Path(owner).exists():
            result.moved.append((seen, owner))
            owners[seen.sha256] = seen.path
        else:
            result.duplicates.append((seen, owner))
    return result


def municipality_for(db_path: str | Path, stored: str | None, given: str | None, *, mixed: bool) -> str | None:
    """Return the code this batch records: the one given, else the archive's stored one (pure).

    A code other than the stored one is refused (UsageError) unless `mixed`, the user's
    word that the archive holds several municipalities.
    """
    if given is None or given == stored or stored is None or mixed:
        return given or stored
    raise UsageError(
        f"{db_path}: this archive's municipality is {stored}, not {given}: give the same code, none (the stored "
        "one is used), or add --mixed to store these files under another municipality"
    )


def parse_in(worker: Worker, path: str, settings: ParseSettings) -> Outcome:
    """Parse one file in `worker`'s process under the settings' limits: a file past one fails, alone, as timeout,
    too_large or crashed."""
    (answer,) = worker.map(parse_one, [(path, settings)], limits=settings.limits)
    return _outcome(answer)


_thread = threading.local()


def parse_isolated(path: str, settings: ParseSettings) -> Outcome:
    """Parse one file in a worker process of this thread's own, kept for its next files (a Dask task runs this)."""
    if not hasattr(_thread, "worker"):
        _thread.worker = Worker()
    return parse_in(_thread.worker, path, settings)


def outcomes(jobs: Sequence[Job], settings: ParseSettings, pool: list[Worker]) -> Iterator[tuple[Job, Outcome] | None]:
    """Yield each job with its outcome as it completes, from the pool's worker processes (closed at the end), and None
    each time none completed for TICK_SECONDS (so that the batch stores what it has on time: bursts).

    Each worker process is driven by a thread of this process, which hands it jobs (one held
    ahead: Worker.map), waits for their answers and enforces the limits; a worker killed or
    crashed fails the file it was reading and is replaced for the next. At most WAITING_FILES
    files are handed out and not yet taken by the caller: when it stores more slowly than the
    pool parses (many cores, a slow disk), a worker that has answered waits for the caller
    before it takes the next file (never while it reads one, whose limits its thread watches),
    and the batch holds a few hundred outcomes at most, however large the archive.
    """
    todo: queue.SimpleQueue[Job] = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    done: queue.SimpleQueue[tuple[Job, Outcome]] = queue.SimpleQueue()
    slots = threading.Semaphore(WAITING_FILES)  # one a file handed to a worker whose outcome the caller has not taken
    stop = threading.Event()

    def plenty() -> bool:  # files enough left for every worker: one may wait behind another's
        return todo.qsize() >= len(pool)

    def drive(worker: Worker) -> None:
        taken: deque[Job] = deque()  # handed to the worker and not answered yet, the one it reads first
        reserved = False  # a slot taken for the file ahead() let the worker hold behind the one it reads

        def ahead() -> bool:  # hold one more only if a slot is free now: a worker reading a file never waits for one
            nonlocal reserved
            reserved = reserved or (plenty() and slots.acquire(blocking=False))
            return reserved

        def slot() -> bool:  # the worker is idle: wait for the caller to take an outcome, unless the batch stops
            while not stop.is_set():
                if slots.acquire(timeout=TICK_SECONDS):
                    return True
            return False

        def requests() -> Iterator[tuple[str, ParseSettings]]:
            nonlocal reserved
            while not stop.is_set() and (reserved or slot()):
                reserved = False
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    slots.release()
                    return
                taken.append(job)
                yield str(job.path), settings

        while not stop.is_set():
            try:
                for answer in worker.map(parse_one, requests(), limits=settings.limits, ahead=ahead):
                    done.put((taken.popleft(), _outcome(answer)))
                return
            except Exception as error:  # the pool closed under it, or a bug here: its files fail, the batch goes on
                worker.close()  # with the requests it held
                while taken:
                    done.put((taken.popleft(), worker_failed(error)))

    threads = [threading.Thread(target=drive, args=(worker,), daemon=True) for worker in pool]
    for thread in threads:
        thread.start()
    try:
        for _ in jobs:
            while (outcome := _next(done)) is None:
                yield None
            slots.release()
            yield outcome
    finally:
        stop.set()
        for worker in pool:  # a call waiting for its answer ends, its file failed as crashed
            worker.stop()
        for thread in threads:
            thread.join()
        for worker in pool:  # one replaced meanwhile
            worker.close()


def _outcome(answer: Outcome | Raised) -> Outcome:
    """A file's outcome from its worker's answer: a limit it passed, or a worker process that would not start, is its
    failure."""
    if not isinstance(answer, Raised):
        return answer
    if isinstance(answer.error, ExtractionError):
        return Failed(answer.error.kind, answer.error.reason)
    return worker_failed(answer.error)


def _next(done: queue.SimpleQueue[tuple[Job, Outcome]]) -> tuple[Job, Outcome] | None:
    """The next outcome done, or None when none is for TICK_SECONDS."""
    try:
        return done.get(timeout=TICK_SECONDS)
    except queue.Empty:
        return None


def run_batch(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    workers: int | None = None,
    settings: ParseSettings = ParseSettings(),
    municipality_code: str | None = None,
    mixed: bool = False,
    prune_removed: bool = False,
    dask: str | None = None,
    progress: bool = True,
) -> Summary:
    """Store every file under `paths` in the database at `db_path` and return what was done.

    `municipality_code` (全国地方公共団体コード) is recorded for every manifesto stored or
    unchanged, and kept as the archive's setting the first time it is given; without it,
    the stored one is used; another one is refused unless `mixed`. Files once seen under
    `paths` that are gone are marked removed, and with `prune_removed` their manifestos are
    deleted. `dask`, a scheduler address, parses on that Dask cluster instead of local
    workers (cluster.py). Raises UsageError when a path does not exist, the code is
    invalid, unknown or not the archive's, the database is not this tool's, or the cluster
    unreachable; a file that cannot be stored never raises. `settings` say how each file is parsed;
    `progress` False keeps stderr quiet (no bar, no line per file).
    """
    if municipality_code is not None:
        lookup(municipality_code)
    roots = [Path(path) for path in paths]
    files = collect(roots)
    db = open_db(db_path)
    pool = [] if dask else [Worker() for _ in range(min(workers or os.cpu_count() or 1, len(files)))]
    try:
        for worker in pool:
            worker.start()  # its imports overlap the hashing and planning below (or it took a child warmed before)
        cool()  # children the command line warmed beyond the pool
        stored_code = get_setting(db, MUNICIPALITY)
        code = municipality_for(db_path, stored_code, municipality_code, mixed=mixed)
        if stored_code is None and code is not None:
            put_setting(db, MUNICIPALITY, code)
        todo = plan(files, stored_paths(db))
        note_unchanged(db, todo.unchanged, code, relabel=municipality_code is not None)
        for seen, old in todo.moved:
            note_moved(db, seen, old)
        for seen, owner in todo.duplicates:
            note_duplicate(db, seen, owner)
        summary = Summary(files=len(files), unchanged=len(todo.unchanged), duplicates=len(todo.duplicates),
                          moved=len(todo.moved), prune=prune_removed)
        jobs = todo.jobs
        for worker in pool[len(jobs):]:
            worker.close()
        del pool[len(jobs):]
        where = f"Dask cluster at {dask}" if dask else f"{len(pool)} workers"
        start = (f"{len(files)} files: {summary.unchanged} unchanged, {summary.duplicates} duplicates, "
                 f"{summary.moved} moved, {len(jobs)} to parse ({where})")
        if dask:
            from .cluster import dask_outcomes  # imports distributed, an optional extra: only when asked for

            parsed = dask_outcomes(jobs, settings, dask)
        else:
            parsed = outcomes(jobs, settings, pool)
        with batch_writing(db), deferred_index(db), Progress(len(jobs), start, quiet=not progress) as report:
            for burst in bursts(parsed, COMMIT_SECONDS, BURST_FILES):
                failed = []  # the count after each file, for its progress line
                with db.atomic():
                    for job, outcome in burst:
                        if isinstance(outcome, Failed):
                            record_failure(db, stored_path(job.path), job.seen.sha256, outcome.kind, outcome.message,
                                           seen=job.seen)
                            summary.failed += 1
                        else:
                            _store_parts(db, outcome, job, code, summary)
                        failed.append(summary.failed)
                index_some(db)
                for (job, outcome), failed_then in zip(burst, failed):
                    report.advance(job, outcome, failed_then)
        summary.removed = len(mark_removed(db, roots))
        if prune_removed:
            summary.pruned = prune(db, roots)
        relink_goals(db)
        summary.notes.extend(archive_notes(db))
        return summary
    finally:
        for worker in pool:  # those not handed to outcomes (the batch stopped before parsing)
            worker.close()
        db.close()


def bursts(items: Iterable[T | None], seconds: float, most: int) -> Iterator[list[T]]:
    """Yield the items in lists, each closed `seconds` after its first item arrived, as the next item or None (nothing
    arrived for a while) comes, or when it holds `most` items, and the last at the end.

    The batch stores and commits a burst at a time: a commit after each file cost a fifth of
    storing it, and SQLite's pages stay in the processor's caches through a burst, where
    storing one file each time another is parsed found them cold. A file parsed is stored
    within `seconds` (and a tick), whatever the next one takes.
    """
    burst: list[T] = []
    opened = 0.0
    for item in items:
        if item is not None:
            if not burst:
                opened = time.monotonic()
            burst.append(item)
        if burst and (len(burst) >= most or time.monotonic() - opened >= seconds):
            yield burst
            burst = []
    if burst:
        yield burst


def _store_parts(
    db: Database, parts: list[ManifestoRows | FailedPart], job: Job, municipality_code: str | None, summary: Summary
) -> None:
    """Store a file's manifestos, one store_rows call each; a failed one is recorded as its part.

    A file with a failed part counts as failed (exit 3), its other manifestos stored all the same.
    """
    path = stored_path(job.path)
    with db.atomic():
        for part in parts:
            if isinstance(part, FailedPart):
                record_failure(db, path, job.seen.sha256, part.error.kind, part.message, seen=job.seen, part=part.part)
            else:
                store_rows(db, part, path, municipality_code=municipality_code, seen=job.seen)
                summary.warnings += len(part.warnings)
                summary.partial += part.manifesto["coverage"] < 1.0
    failed = any(isinstance(part, FailedPart) for part in parts)
    summary.failed += int(failed)
    summary.stored += int(not failed)


def archive_notes(db: Database) -> list[str]:
    """Return what the user should know about the whole archive after a batch: manifestos missing a municipality code."""
    missing, coded = code_counts(db)
    if missing and coded:
        return [f"{missing} manifestos have no municipality code beside {coded} with one: versions and averages "
                "treat them as another municipality; rerun their paths with --municipality CODE"]
    return []


class Progress:
    """Report a batch's progress on stderr: a bar on a terminal, one plain line per file otherwise, or nothing (quiet)."""

    def __init__(self, total: int, start: str, *, quiet: bool = False) -> None:
        self.total = total
        self.done = 0
        self.quiet = quiet
        self.started = time.monotonic()
        if not quiet:
            print(start, file=sys.stderr, flush=True)
        self.bar = tqdm(total=total, unit="file", file=sys.stderr) if sys.stderr.isatty() and not quiet else None

    def advance(self, job: Job, outcome: Outcome, failed: int) -> None:
        """Count one finished file; name it when it failed (or always, without a bar)."""
        self.done += 1
        if self.quiet:
            return
        if isinstance(outcome, Failed):
            line = f"failed {shown_path(job.path)}: {outcome.kind}: {outcome.message}"
        else:
            records = [part for part in outcome if isinstance(part, ManifestoRows)]
            goals, warnings = sum(len(r.goals) for r in records), sum(len(r.warnings) for r in records)
            booklet = f" ({len(records)} of {len(outcome)} manifestos stored)" if len(outcome) > 1 else ""
            line = f"stored {shown_path(job.path)}: {goals} goals, {warnings} warnings{booklet}"
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


class _CallableModule(types.ModuleType):
    """This module, callable: `extract.batch(paths, db_path)` is run_batch (the public API), and
    `extract.batch` stays the module for everything else (imports, pickling workers' functions)."""

    def __call__(self, *args: object, **kwargs: object) -> Summary:
        return run_batch(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
