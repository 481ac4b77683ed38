"""File names as text: kept losslessly in the database, shown readably to people.

POSIX file names are bytes; Python hands a name that is not UTF-8 over with surrogate
escapes (os.fsdecode), which SQLite text and a UTF-8 terminal both refuse.
"""

from __future__ import annotations

import os
from pathlib import Path

STDIN = "-"  # the path that means standard input


def stored_path(path: str | Path) -> str:
    """Given a path, return it as the database keeps it: as it is, or, for a name that is not UTF-8, with each
    undecodable byte written `\\xNN` (lossless: the bytes can be read back from it)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def shown_path(path: str | Path) -> str:
    """Given a path, return it as messages and records show it: bytes that are not UTF-8 as replacement characters (�)."""
    return os.fsencode(path).decode("utf-8", "replace")
