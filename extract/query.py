"""`manifesto query`: one SQL statement of the user's, strictly read-only and time-limited.

Three guards, because each alone leaks: the database is opened with `mode=ro` (store.reading),
so SQLite refuses writes to the file; an authorizer allows only reading (SELECT, reading
tables, the informational PRAGMAs, functions that do not hand out pointers), so `PRAGMA
journal_mode=WAL`, `ATTACH DATABASE` (which creates files) and `fts3_tokenizer()` (a
memory address) are refused before they run; and a progress handler stops any statement
after a time limit, the same one `manifesto serve` gives Datasette.
"""

from __future__ import annotations

import sqlite3
import time

from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:  # the command line imports this module before sqlite-utils
    from sqlite_utils import Database

QUERY_TIME_LIMIT_SECONDS = 5.0  # default limit of one statement (query --time-limit; serve's sql_time_limit_ms)
PROGRESS_STEPS = 1000  # SQLite virtual-machine steps between two looks at the clock

# PRAGMAs that only report, with no argument (an argument would set them).
_REPORTING_PRAGMAS = frozenset({
    "application_id", "collation_list", "compile_options", "data_version", "database_list", "encoding",
    "foreign_keys", "freelist_count", "function_list", "journal_mode", "module_list", "page_count", "page_size",
    "pragma_list", "query_only", "schema_version", "table_list", "user_version",
})
# PRAGMAs whose argument names a table or index to describe or check: reads whatever the argument.
_DESCRIBING_PRAGMAS = frozenset({
    "foreign_key_check", "foreign_key_list", "index_info", "index_list", "index_xinfo", "integrity_check",
    "quick_check", "table_info", "table_list", "table_xinfo",
})
# Functions refused: they return a pointer (a memory address) or load code.
_REFUSED_FUNCTIONS = frozenset({"fts3_tokenizer", "fts5", "load_extension"})
_READING = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})


def allowed(action: int, first: str | None, second: str | None) -> bool:
    """Given an authorizer call (the action code and its two arguments), return whether a reader may do it (pure)."""
    if action in _READING:
        return True
    if action == sqlite3.SQLITE_FUNCTION:
        return (second or "").lower() not in _REFUSED_FUNCTIONS
    if action == sqlite3.SQLITE_PRAGMA:
        name = (first or "").lower()
        return name in _DESCRIBING_PRAGMAS or (name in _REPORTING_PRAGMAS and second is None)
    # a pragma table-valued function (SELECT * FROM pragma_table_info('goals')) reads the schema table through
    # an UPDATE-coded call; mode=ro keeps the file unchanged whatever it is
    return action == sqlite3.SQLITE_UPDATE and first == "sqlite_master"


def run_query(db: Database, sql: str, *, time_limit: float = QUERY_TIME_LIMIT_SECONDS) -> tuple[list[str], list[tuple]]:
    """Run one read-only SQL statement and return its column names and rows.

    Raises UsageError when the statement would do anything but read (naming what), or runs past `time_limit` seconds.
    """
    refused: list[str] = []

    def authorize(action: int, first: str | None, second: str | None, database: str | None, trigger: str | None) -> int:
        if allowed(action, first, second):
            return sqlite3.SQLITE_OK
        refused.append(" ".join(part for part in (_ACTION_NAMES.get(action, str(action)), first, second) if part))
        return sqlite3.SQLITE_DENY

    deadline = time.monotonic() + time_limit
    db.conn.set_authorizer(authorize)
    db.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
    try:
        cursor = db.conn.execute(sql)
        columns = [column[0] for column in cursor.description or ()]
        return columns, cursor.fetchall()
    except sqlite3.DatabaseError as error:
        if refused:
            raise UsageError(f"query: not allowed, the database is read-only here: {refused[0]}") from None
        if time.monotonic() > deadline:
            raise UsageError(f"query: stopped after the time limit of {time_limit:g} s (--time-limit)") from None
        raise
    finally:
        db.conn.set_authorizer(None)
        db.conn.set_progress_handler(None, PROGRESS_STEPS)


# Names of the authorizer's action codes, for the message of a refused statement.
_ACTION_NAMES = {
    getattr(sqlite3, f"SQLITE_{name}"): name
    for name in (
        "ALTER_TABLE", "ANALYZE", "ATTACH", "CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_TABLE", "CREATE_TRIGGER",
        "CREATE_VIEW", "CREATE_VTABLE", "DELETE", "DETACH", "DROP_INDEX", "DROP_TABLE", "DROP_TRIGGER", "DROP_VIEW",
        "DROP_VTABLE", "FUNCTION", "INSERT", "PRAGMA", "REINDEX", "SAVEPOINT", "TRANSACTION", "UPDATE",
    )
}
