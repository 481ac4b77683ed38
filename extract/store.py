"""The SQLite database that batches fill and researchers query: schema, writes, reads.

Every list in a record becomes its own table keyed back to its manifesto, with
foreign keys that cascade, so one DELETE of a manifesto removes all its rows.
Each file is written in one transaction: a batch killed at any moment leaves every
manifesto stored whole or not at all. rows.py (pure) turns an Extraction into rows;
the functions here are the I/O. A manifesto is identified by its file's
sha256 and its part in the file (a booklet holds several); `files` says what became of
every path a batch saw, `settings` keeps batch-wide settings, and the `versions` view
picks the copy to trust. migrate.py checks and upgrades the schema version on opening.
docs/database.md documents the schema.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from . import __version__
from .errors import DatabaseFault, UsageError
from .fts import ensure_index, indexed_at_end
from .migrate import SCHEMA_VERSION, schema_version, upgrade
from .rows import GoalRows, ManifestoRows, manifesto_rows, record_from_rows
from .series import relink_goals

if TYPE_CHECKING:  # the models, which a batch's main process, storing rows, does not import
    from .extraction import Extraction
    from .models import Manifesto

# Warning kinds that mark a copy as not intact (read after repair, or partly unreadable): `versions` prefers another.
DAMAGE_WARNINGS = ("repaired", "garbled_text")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS manifestos (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    part INTEGER NOT NULL DEFAULT 1,
    first_page INTEGER,
    last_page INTEGER,
    path TEXT NOT NULL,
    file TEXT NOT NULL,
    pages INTEGER NOT NULL,
    title TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    era TEXT NOT NULL,
    department TEXT NOT NULL,
    position TEXT NOT NULL,
    head TEXT NOT NULL,
    aspiration TEXT,
    ocr INTEGER NOT NULL,
    coverage REAL,
    municipality_code TEXT,
    extracted_at TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    UNIQUE (sha256, part)
);
CREATE TABLE IF NOT EXISTS goals (
    id INTEGER PRIMARY KEY,
    manifesto INTEGER NOT NULL REFERENCES manifestos(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    mission TEXT NOT NULL,
    objective TEXT NOT NULL,
    current_state TEXT,
    target TEXT,
    achieved_state TEXT,
    self_rating INTEGER,
    rating_reason TEXT,
    page INTEGER NOT NULL,
    UNIQUE (manifesto, number)
);
CREATE TABLE IF NOT EXISTS milestones (
    goal INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    period TEXT NOT NULL,
    start TEXT,
    "end" TEXT,
    PRIMARY KEY (goal, seq)
);
CREATE TABLE IF NOT EXISTS means (
    goal INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (goal, seq)
);
CREATE TABLE IF NOT EXISTS rating_scale (
    manifesto INTEGER NOT NULL REFERENCES manifestos(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    score INTEGER NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (manifesto, seq)
);
CREATE TABLE IF NOT EXISTS warnings (
    manifesto INTEGER NOT NULL REFERENCES manifestos(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    goal INTEGER,
    page INTEGER,
    x0 REAL,
    top REAL,
    x1 REAL,
    bottom REAL,
    PRIMARY KEY (manifesto, seq)
);
CREATE TABLE IF NOT EXISTS provenance (
    id INTEGER PRIMARY KEY,
    manifesto INTEGER NOT NULL REFERENCES manifestos(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    goal INTEGER,
    field TEXT NOT NULL,
    page INTEGER NOT NULL,
    x0 REAL NOT NULL,
    top REAL NOT NULL,
    x1 REAL NOT NULL,
    bottom REAL NOT NULL,
    confidence REAL
);
CREATE TABLE IF NOT EXISTS failures (
    path TEXT NOT NULL,
    part INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    time TEXT NOT NULL,
    PRIMARY KEY (path, part)
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT,
    size INTEGER,
    mtime TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('stored', 'duplicate', 'failed', 'removed')),
    duplicate_of TEXT,
    seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS goal_series (
    goal INTEGER PRIMARY KEY REFERENCES goals(id) ON DELETE CASCADE,
    series INTEGER NOT NULL,
    previous INTEGER REFERENCES goals(id) ON DELETE SET NULL,
    score REAL
);
CREATE INDEX IF NOT EXISTS manifestos_path ON manifestos (path);
CREATE INDEX IF NOT EXISTS manifestos_fiscal_year ON manifestos (fiscal_year);
CREATE INDEX IF NOT EXISTS manifestos_department ON manifestos (department);
CREATE INDEX IF NOT EXISTS manifestos_version_key ON manifestos (municipality_code, fiscal_year, department);
CREATE INDEX IF NOT EXISTS goals_self_rating ON goals (self_rating);
CREATE INDEX IF NOT EXISTS provenance_manifesto ON provenance (manifesto, goal);
CREATE INDEX IF NOT EXISTS files_sha256 ON files (sha256);
CREATE INDEX IF NOT EXISTS goal_series_series ON goal_series (series);

CREATE VIEW IF NOT EXISTS versions AS
SELECT manifesto, sha256, part, municipality_code, fiscal_year, department, path, rated_goals,
       rated_goals > 0 AS evaluated, intact, ocr, coverage, file_mtime,
       row_number() OVER key_in_order AS version,
       count(*) OVER key AS versions,
       row_number() OVER key_in_order = count(*) OVER key AS latest
FROM (
    SELECT m.id AS manifesto, m.sha256, m.part, m.municipality_code, m.fiscal_year, m.department, m.path, m.ocr,
           m.coverage, m.extracted_at,
           (SELECT count(g.self_rating) FROM goals g WHERE g.manifesto = m.id) AS rated_goals,
           NOT EXISTS (SELECT 1 FROM warnings w WHERE w.manifesto = m.id AND w.kind IN ({damage})) AS intact,
           (SELECT f.mtime FROM files f WHERE f.path = m.path) AS file_mtime
    FROM manifestos m
)
WINDOW key AS (PARTITION BY municipality_code, fiscal_year, department),
       key_in_order AS (key ORDER BY rated_goals > 0, intact, ocr DESC, coverage NULLS FIRST,
                        file_mtime NULLS FIRST, extracted_at, manifesto);

CREATE VIEW IF NOT EXISTS goal_versions AS
SELECT m.municipality_code, m.fiscal_year, m.era, m.department, m.position, m.head,
       g.number AS goal, g.mission, g.objective, g.current_state, g.target, g.achieved_state,
       g.self_rating,
       (SELECT r.label FROM rating_scale r WHERE r.manifesto = m.id AND r.score = g.self_rating
        ORDER BY r.seq LIMIT 1) AS rating_label,
       g.rating_reason, g.page, v.version, v.versions, v.latest, s.series, m.path, m.sha256,
       m.id AS manifesto, g.id AS goal_id
FROM versions v
JOIN manifestos m ON m.id = v.manifesto
JOIN goals g ON g.manifesto = m.id
LEFT JOIN goal_series s ON s.goal = g.id;

CREATE VIEW IF NOT EXISTS goal_overview AS SELECT * FROM goal_versions WHERE latest;

CREATE VIEW IF NOT EXISTS goal_texts AS
SELECT g.id, g.mission, g.objective, g.current_state, g.target, g.achieved_state,
       (SELECT group_concat(text, char(10)) FROM (SELECT text FROM means WHERE goal = g.id ORDER BY seq)) AS means,
       g.rating_reason
FROM goals g;
"""


SCHEMA = _SCHEMA.format(damage=", ".join(f"'{kind}'" for kind in DAMAGE_WARNINGS))


@dataclass(frozen=True)
class SeenFile:
    """A file as a batch found it: its path, sha256 (None when unreadable), size in bytes and mtime (UTC, ISO 8601)."""

    path: str
    sha256: str | None
    size: int | None = None
    mtime: str | None = None


def read_records(db: Database, *, all_versions: bool = False) -> Iterator[Manifesto]:
    """Yield the record of every latest manifesto (every one with `all_versions`), rebuilt from its rows,
    by fiscal year, department and path."""
    latest = "" if all_versions else "WHERE id IN (SELECT manifesto FROM versions WHERE latest)"
    for manifesto in db.query(f"SELECT * FROM manifestos {latest} ORDER BY fiscal_year, department, path, part"):
        key = [manifesto["id"]]
        goals = [
            GoalRows(
                goal=goal,
                milestones=list(db.query("SELECT * FROM milestones WHERE goal = ? ORDER BY seq", [goal["id"]])),
                means=list(db.query("SELECT * FROM means WHERE goal = ? ORDER BY seq", [goal["id"]])),
            )
            for goal in db.query("SELECT * FROM goals WHERE manifesto = ? ORDER BY number", key)
        ]
        rows = ManifestoRows(
            manifesto=manifesto,
            goals=goals,
            rating_scale=list(db.query("SELECT * FROM rating_scale WHERE manifesto = ? ORDER BY seq", key)),
            warnings=list(db.query("SELECT * FROM warnings WHERE manifesto = ? ORDER BY seq", key)),
            provenance=[],  # not part of the record
        )
        yield record_from_rows(rows)


def open_db(path: str | Path) -> Database:
    """Open (creating if needed) the database at `path` with the current schema and foreign keys on.

    An older database is migrated in place first (migrate.py); one that is not this
    tool's, or newer than it, is refused with a UsageError before anything is written.
    Raises DatabaseFault when its folder cannot be created (read-only, no space).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fault = "disk_full" if error.errno == errno.ENOSPC else "database_read_only"
        raise DatabaseFault(fault, f"{path}: cannot create its folder ({error.strerror}); choose another --db") from None
    db = Database(path)
    try:
        migrated_from = upgrade(db, path, SCHEMA)
        if migrated_from is not None:
            relink_goals(db)
    except BaseException:
        db.close()
        raise
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA temp_store = MEMORY")  # the index's statements build temporary tables: a fifth of storing a file on disk
    ensure_index(db)
    return db


@contextmanager
def batch_writing(db: Database) -> Iterator[Database]:
    """Write-ahead logging while a batch stores its files, its commits not waiting for the disk;
    the rollback journal again at the end, so that the file at rest is as any SQLite tool expects.

    With `synchronous = NORMAL` a commit is not flushed to the disk (an fsync a file cost more than
    storing it): a batch killed at any moment keeps every file it committed, and a power cut may undo
    the last commits, never half of one (SQLite's guarantee for WAL), which the next run redoes. A
    reader holding the database open at the end keeps it in WAL mode, which every tool reads too.
    """
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    try:
        yield db
    finally:
        try:
            db.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.OperationalError:  # another connection is reading: leave it in WAL mode
            pass


def database_fault(error: sqlite3.Error, path: str | Path) -> DatabaseFault | None:
    """Given what SQLite raised on the database at `path`, return the fault outside the tool it stands for, with
    what to do, or None when it is none of them (a bug). What was stored before stays whole either way."""
    name, text = getattr(error, "sqlite_errorname", ""), str(error)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return DatabaseFault("database_locked", f"{path}: the database is locked by another process (another batch?); "
                             "wait until it ends, or use another --db")
    if name == "SQLITE_FULL" or "disk is full" in text:
        return DatabaseFault("disk_full", f"{path}: the disk is full; free some space and run again (what is stored "
                             "is kept, and a batch resumes where it stopped)")
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or "readonly" in text or "unable to open" in text:
        return DatabaseFault("database_read_only", f"{path}: the database cannot be written (read-only file or folder); "
                             "make it writable, or use another --db")
    return None


@contextmanager
def reading(path: str | Path) -> Iterator[Database]:
    """Open an existing database read-only (`mode=ro`); SQLite errors inside become one-line UsageErrors.

    A database of an older schema is migrated first (the one write a reader makes, by the tool, not by SQL).
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such database (create it with `manifesto batch`)")
    db = Database(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))
    try:
        version = schema_version(db, path)
        if version is None:
            raise UsageError(f"{path}: an empty database (create it with `manifesto batch`)")
        if version < SCHEMA_VERSION:
            db.close()
            open_db(path).close()
            db = Database(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))
        yield db
    except sqlite3.Error as error:
        raise UsageError(f"{path}: {error}") from None
    finally:
        db.close()


def stored_paths(db: Database) -> dict[str, str]:
    """Return the path each stored sha256 is stored under (a file with one of these bytes is not parsed again)."""
    return {row["sha256"]: row["path"] for row in db.query("SELECT sha256, min(path) AS path FROM manifestos GROUP BY sha256")}


def store(
    db: Database, extraction: Extraction, path: str, *, municipality_code: str | None = None,
    seen: SeenFile | None = None,
) -> None:
    """Store one Extraction in one transaction, replacing what `path` or the same manifesto had stored before.

    The same manifesto is the same bytes and part; other bytes stored from `path` before
    are stale (the file changed) and go. `seen` (size, mtime) goes into `files`.
    """
    store_rows(db, manifesto_rows(extraction), path, municipality_code=municipality_code, seen=seen)


def store_rows(
    db: Database, rows: ManifestoRows, path: str, *, municipality_code: str | None = None,
    seen: SeenFile | None = None,
) -> None:
    """Store one Extraction's rows (rows.manifesto_rows, made by a batch's worker) as store() does."""
    sha, part = rows.manifesto["sha256"], rows.manifesto["part"]
    stored = {"path": path, "municipality_code": municipality_code, "extracted_at": _now(), "tool_version": __version__}
    with db.atomic():
        _release(db, path, keep=sha)
        db.execute("DELETE FROM failures WHERE path = ? AND part IN (0, ?)", [path, part])
        db.execute("DELETE FROM manifestos WHERE sha256 = ? AND part = ?", [sha, part])
        manifesto = _insert(db, "manifestos", [{**rows.manifesto, **stored}])
        # The goals are indexed once each, with their means, at the end (a means row inserted
        # after its goal would otherwise index the goal again, by trigger). Ids are given as
        # SQLite would (the largest + 1), for the children.
        with indexed_at_end(db):
            first_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM goals").fetchone()[0]
            ids = range(first_id, first_id + len(rows.goals))
            _insert(db, "goals", [{"id": i, "manifesto": manifesto, **goal.goal} for i, goal in zip(ids, rows.goals)])
            _insert(db, "milestones", [{"goal": i, **row} for i, goal in zip(ids, rows.goals) for row in goal.milestones])
            _insert(db, "means", [{"goal": i, **row} for i, goal in zip(ids, rows.goals) for row in goal.means])
        for table in ("rating_scale", "warnings", "provenance"):
            _insert(db, table, [{"manifesto": manifesto, **row} for row in getattr(rows, table)])
        _see(db, seen or SeenFile(path, sha), "stored")


def _insert(db: Database, table: str, rows: list[dict]) -> int | None:
    """Insert rows (dicts with the same keys) into `table`; return the last row's id.

    One SQL text whatever the number of rows, so that SQLite compiles the statement, and the
    full-text triggers it fires (the largest part of compiling it), once per connection rather
    than once per file.
    """
    if not rows:
        return None
    columns = list(rows[0])
    db.conn.executemany(_insert_sql(table, columns), [[row[column] for column in columns] for row in rows])
    return db.conn.execute("SELECT last_insert_rowid()").fetchone()[0]


def _upsert(db: Database, table: str, row: dict, *, key: tuple[str, ...]) -> None:
    """Insert `row` into `table`, or give its values to the row with the same `key` columns (their primary key).

    Plain SQL rather than sqlite-utils' upsert, which reads the table's schema on every call:
    a batch writes a `files` row per file.
    """
    columns = list(row)
    updates = ", ".join(f"{_quoted(column)} = excluded.{_quoted(column)}" for column in columns if column not in key)
    db.conn.execute(
        f"{_insert_sql(table, columns)} ON CONFLICT ({', '.join(map(_quoted, key))}) DO UPDATE SET {updates}",
        [row[column] for column in columns],
    )


def _insert_sql(table: str, columns: list[str]) -> str:
    """The INSERT of one row's values into `columns` of `table`, as parameters."""
    return f"INSERT INTO {table} ({', '.join(map(_quoted, columns))}) VALUES ({', '.join('?' * len(columns))})"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def record_failure(
    db: Database, path: str, sha256: str | None, kind: str, message: str, *, seen: SeenFile | None = None,
    part: int | None = None,
) -> None:
    """Record that `path` could not be stored, in one transaction; what it had stored before is now stale and
    goes. A failed `part` of a booklet is recorded as that part: the file's other manifestos stay."""
    with db.atomic():
        if part is None:
            _release(db, path, keep=None)
        else:
            db.execute("DELETE FROM manifestos WHERE path = ? AND sha256 = ? AND part = ?", [path, sha256, part])
        _upsert(db, "failures", {"path": path, "part": part or 0, "sha256": sha256, "kind": kind, "message": message,
                                 "time": _now()}, key=("path", "part"))
        if part is None:
            _see(db, seen or SeenFile(path, sha256), "failed")


def note_unchanged(db: Database, files: Iterable[SeenFile], municipality_code: str | None, *, relabel: bool) -> None:
    """Record that `files` still hold the bytes stored from them, in one transaction.

    Their whole-file failures (if a fixed file now holds stored bytes) go; a booklet's failed part
    stays recorded, as its bytes did not change. With `municipality_code`,
    their manifestos get it where they have none, or in any case with `relabel` (the
    user gave --municipality), so a database built without a code gets one without parsing again.
    """
    with db.atomic():
        for file in files:
            db.execute("DELETE FROM failures WHERE path = ? AND part = 0", [file.path])
            _see(db, file, "stored")
            if municipality_code is not None:
                keep = "" if relabel else " AND municipality_code IS NULL"
                db.execute(f"UPDATE manifestos SET municipality_code = ? WHERE path = ?{keep}",
                           [municipality_code, file.path])


def note_duplicate(db: Database, file: SeenFile, of: str) -> None:
    """Record that `file` holds the same bytes as the file at `of`, stored under that path only."""
    with db.atomic():
        db.execute("DELETE FROM failures WHERE path = ?", [file.path])
        _see(db, file, "duplicate", duplicate_of=of)


def note_moved(db: Database, file: SeenFile, old: str) -> None:
    """Record that the file stored from `old` (gone) is now `file`: its manifestos and duplicates follow it."""
    with db.atomic():
        _move(db, old, file.path)
        db.execute("UPDATE files SET outcome = 'removed', duplicate_of = NULL WHERE path = ?", [old])
        db.execute("UPDATE failures SET path = ? WHERE path = ? AND part > 0", [file.path, old])
        db.execute("DELETE FROM failures WHERE path = ? AND part = 0", [file.path])
        _see(db, file, "stored")


def mark_removed(db: Database, roots: Sequence[Path]) -> list[str]:
    """Mark the files once seen under `roots` that no longer exist as removed; return their paths, in one transaction.

    A stored file that is gone hands its manifestos to a duplicate of it that still exists, if any.
    """
    under = _under(roots)
    gone = [
        row["path"] for row in db.query("SELECT path FROM files WHERE outcome != 'removed' ORDER BY path")
        if under(Path(row["path"])) and not Path(row["path"]).exists()
    ]
    with db.atomic():
        for path in gone:
            [sha] = db.execute("SELECT sha256 FROM files WHERE path = ?", [path]).fetchone()
            heir = db.execute(
                "SELECT path FROM files WHERE sha256 = ? AND outcome = 'duplicate' AND duplicate_of = ? ORDER BY path",
                [sha, path],
            ).fetchall()
            heir = next((p for (p,) in heir if p not in gone), None)
            if heir is not None:
                _move(db, path, heir)
            db.execute("UPDATE files SET outcome = 'removed', duplicate_of = NULL WHERE path = ?", [path])
    return gone


def prune(db: Database, roots: Sequence[Path]) -> int:
    """Delete the manifestos stored from files under `roots` that are all removed; return how many, in one transaction."""
    rows = db.execute(
        "SELECT m.id, m.path FROM manifestos m JOIN files f ON f.path = m.path WHERE f.outcome = 'removed'"
    ).fetchall()
    under = _under(roots)
    doomed = [manifesto for manifesto, path in rows if under(Path(path))]
    with db.atomic():
        db.conn.executemany("DELETE FROM manifestos WHERE id = ?", ((manifesto,) for manifesto in doomed))
        db.execute("DELETE FROM failures WHERE path IN (SELECT path FROM files WHERE outcome = 'removed')")
    return len(doomed)


def get_setting(db: Database, name: str) -> str | None:
    """Return the archive's stored setting `name` (e.g. municipality_code), or None when never given."""
    row = db.execute("SELECT value FROM settings WHERE name = ?", [name]).fetchone()
    return row and row[0]


def put_setting(db: Database, name: str, value: str) -> None:
    """Store the archive's setting `name` (kept for every later run), in one transaction."""
    with db.atomic():
        _upsert(db, "settings", {"name": name, "value": value, "set_at": _now()}, key=("name",))


def code_counts(db: Database) -> tuple[int, int]:
    """Return how many manifestos have no municipality code, and how many have one."""
    return db.execute(
        "SELECT count(*) - count(municipality_code), count(municipality_code) FROM manifestos"
    ).fetchone()


def _release(db: Database, path: str, keep: str | None) -> None:
    """Let go of the manifestos stored from `path` with bytes other than `keep` (the file changed or failed).

    They go to a duplicate of the old bytes that still exists, if any; else they are deleted (children by cascade).
    """
    old = [sha for (sha,) in db.execute(
        "SELECT DISTINCT sha256 FROM manifestos WHERE path = ? AND sha256 IS NOT ?", [path, keep])]
    for sha in old:
        heirs = db.execute(
            "SELECT path FROM files WHERE sha256 = ? AND outcome = 'duplicate' ORDER BY path", [sha]
        ).fetchall()
        heir = next((p for (p,) in heirs if Path(p).exists()), None)
        if heir is None:
            db.execute("DELETE FROM manifestos WHERE sha256 = ? AND path = ?", [sha, path])
        else:
            _move(db, path, heir, sha=sha)


def _move(db: Database, old: str, new: str, *, sha: str | None = None) -> None:
    """Make the manifestos stored from `old` (those of bytes `sha`, or all) stored from `new`, with its duplicates."""
    only = "" if sha is None else " AND sha256 = ?"
    params = [] if sha is None else [sha]
    db.execute(f"UPDATE manifestos SET path = ? WHERE path = ?{only}", [new, old, *params])
    db.execute("UPDATE files SET outcome = 'stored', duplicate_of = NULL WHERE path = ?", [new])
    db.execute(f"UPDATE files SET duplicate_of = ? WHERE duplicate_of = ?{only}", [new, old, *params])


def _see(db: Database, file: SeenFile, outcome: str, *, duplicate_of: str | None = None) -> None:
    """Write the `files` row of `file` with its outcome, seen now (inside the caller's transaction)."""
    _upsert(db, "files", {"path": file.path, "sha256": file.sha256, "size": file.size, "mtime": file.mtime,
                          "outcome": outcome, "duplicate_of": duplicate_of, "seen_at": _now()}, key=("path",))


def _under(roots: Sequence[Path]) -> Callable[[Path], bool]:
    """Given roots, return the test whether a path is one of them or inside one of them (compared as absolute
    paths): a lookup of the path and each of its parents, as a batch may be given thousands of files as roots."""
    absolute = {root.absolute() for root in roots}

    def under(path: Path) -> bool:
        target = path.absolute()
        return target in absolute or not absolute.isdisjoint(target.parents)

    return under


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
