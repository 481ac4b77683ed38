"""What a batch's worker process does with one file: parse it under the batch's settings, any failure a value.

Kept apart from batch.py, which stores, so that a worker process imports the readers and
nothing of the database (sqlite-utils, and pandas, which sqlite-utils imports when it is
installed): a worker starts in the time the readers take to import. The readers are imported
on the first call, so that the batch's main process, which names this function, imports none.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ExtractionError
from .limits import FILE_MEMORY_BYTES, FILE_TIMEOUT_SECONDS, Limits
from .extraction import Extraction, FailedPart
from .readers import DEFAULT_READER
from .rows import ManifestoRows, manifesto_rows

INTERNAL = "internal"  # failure kind of a bug, beside errors.ERROR_KINDS


@dataclass(frozen=True)
class Failed:
    """Why a file gave no record: an ExtractionError kind (or INTERNAL) and its message."""

    kind: str
    message: str


Outcome = list[ManifestoRows | FailedPart] | Failed  # a file's manifestos (one, or a booklet's) as rows, or why it gave none


def worker_failed(error: BaseException) -> Failed:
    """Given what kept a file's worker process from answering (it would not start, was lost, or failed to be
    driven), return the file's failure: INTERNAL, naming the error."""
    return Failed(INTERNAL, f"worker failed: {type(error).__name__}: {error}")


@dataclass(frozen=True)
class ParseSettings:
    """How each file is parsed, sent with it to a worker: password, PDF reader, time and memory limits (None: none),
    and the user's vocabulary file extending the built-in one (None: the built-in one alone)."""

    password: str | None = None
    reader: str = DEFAULT_READER
    timeout: float | None = FILE_TIMEOUT_SECONDS
    vocabulary: str | None = None
    memory: int | None = FILE_MEMORY_BYTES

    @property
    def limits(self) -> Limits:
        return Limits(self.timeout, self.memory)


def parse_one(path: str, settings: ParseSettings) -> Outcome:
    """Parse one file (in a worker process): its manifestos as the rows to store, or Failed; never raises, and both
    are picklable.

    Rows rather than Extractions: they unpickle in a tenth of the time, in the batch's one writer.
    The time and memory limits are the parent's to enforce (parse_in); the page, stream
    and size limits apply inside extract_file.
    """
    from .pipeline import extract_file, prepare  # the readers: imported by the worker when it starts (limits.serve)

    try:
        vocabulary = prepare(settings.vocabulary)  # once per worker process: its patterns compiled
        parts = extract_file(path, password=settings.password, reader=settings.reader, vocabulary=vocabulary)
        return [manifesto_rows(part) if isinstance(part, Extraction) else part for part in parts]
    except ExtractionError as error:
        return Failed(error.kind, error.reason)
    except MemoryError:
        return Failed("too_large", "ran out of memory while reading the file")
    except Exception as error:  # a bug must not stop the batch: record it as this file's failure
        return Failed(INTERNAL, f"{type(error).__name__}: {error}")
