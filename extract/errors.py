"""The ways a file can fail to become a record, each with its own exit code.

Every failure is an ExtractionError carrying a kind from ERROR_KINDS; its one-line
message names the file and the reason, and is what a user sees (no traceback).
"""

from __future__ import annotations

# kind → exit code of `manifesto extract` (0 is success, 1 an unexpected bug, 2 bad usage)
ERROR_KINDS: dict[str, int] = {
    "empty": 10,
    "not_pdf": 11,
    "encrypted": 12,
    "corrupt": 13,
    "no_text_layer": 14,
    "garbled_text": 15,
    "not_a_manifesto": 16,
    "incomplete": 17,
    "timeout": 18,
    "too_large": 19,
    "crashed": 20,
}


class ExtractionError(Exception):
    """A file that cannot be turned into a record, for a reason the user can act on."""

    def __init__(self, kind: str, reason: str, file: str = "") -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown error kind {kind!r}")
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.file = file

    @property
    def exit_code(self) -> int:
        return ERROR_KINDS[self.kind]

    def __reduce__(self) -> tuple:
        """Pickle by kind, reason and file (it crosses from a worker process to the batch)."""
        return (type(self), (self.kind, self.reason, self.file), self.__dict__)

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.kind}: {self.reason}"


EXIT_OK, EXIT_FAILED = 0, 3  # a batch (or a booklet's extract) that stored everything, or not every file or part


class UsageError(Exception):
    """A command asked for something impossible (a missing path or database, bad SQL): exit code 2."""


# fault → exit code of any command: the machine, not the input, is at fault (beside 0, 1, 2 and the kinds)
DATABASE_FAULTS: dict[str, int] = {
    "database_locked": 4,
    "disk_full": 5,
    "database_read_only": 6,
}


class DatabaseFault(Exception):
    """The database cannot be written for a reason outside the tool (another process, the disk, permissions)."""

    def __init__(self, fault: str, message: str) -> None:
        if fault not in DATABASE_FAULTS:
            raise ValueError(f"unknown database fault {fault!r}")
        super().__init__(message)
        self.fault = fault

    @property
    def exit_code(self) -> int:
        return DATABASE_FAULTS[self.fault]
