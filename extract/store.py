"""The SQLite database that batches fill and researchers query: schema, writes, reads.

Every list in a record becomes its own table keyed back to its manifesto, with
foreign keys that cascade, so one DELETE of a manifesto removes all its rows.
Each file is written in one transaction: a batch killed at any moment leaves every
manifesto stored whole or not at all. `manifesto_rows` (pure) turns an Extraction
into rows; the functions around it are the I/O. docs/database.md documents the schema.
"""

from __future__ import annotations

import errno
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from . import __version__
from .errors import DatabaseFault, UsageError
from .models import Manifesto
from .pipeline import Extraction

# The goal texts that full-text search covers; `means` is the goal's means joined by newlines.
SEARCHABLE = ("mission", "objective", "current_state", "target", "achieved_state", "means", "rating_reason")

# The record's header fields, stored as they are in columns of `manifestos`.
_HEADER_FIELDS = ("title", "fiscal_year", "era", "department", "position", "head", "aspiration")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS manifestos (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
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
    municipality_code TEXT,
    extracted_at TEXT NOT NULL,
    tool_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS goals (
    id INTEGER PRIMARY KEY,
    manifesto TEXT NOT NULL REFERENCES manifestos(sha256) ON DELETE CASCADE,
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
    manifesto TEXT NOT NULL REFERENCES manifestos(sha256) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    score INTEGER NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (manifesto, seq)
);
CREATE TABLE IF NOT EXISTS warnings (
    manifesto TEXT NOT NULL REFERENCES manifestos(sha256) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    goal INTEGER,
    page INTEGER,
    PRIMARY KEY (manifesto, seq)
);
CREATE TABLE IF NOT EXISTS provenance (
    id INTEGER PRIMARY KEY,
    manifesto TEXT NOT NULL REFERENCES manifestos(sha256) ON DELETE CASCADE,
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
    path TEXT PRIMARY KEY,
    sha256 TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS manifestos_fiscal_year ON manifestos (fiscal_year);
CREATE INDEX IF NOT EXISTS manifestos_department ON manifestos (department);
CREATE INDEX IF NOT EXISTS manifestos_version_key ON manifestos (municipality_code, fiscal_year, department);
CREATE INDEX IF NOT EXISTS goals_self_rating ON goals (self_rating);
CREATE INDEX IF NOT EXISTS provenance_manifesto ON provenance (manifesto, goal);

CREATE VIEW IF NOT EXISTS versions AS
SELECT manifesto, municipality_code, fiscal_year, department, path, rated_goals, rated_goals > 0 AS evaluated,
       row_number() OVER key_in_order AS version,
       count(*) OVER key AS versions,
       row_number() OVER key_in_order = count(*) OVER key AS latest
FROM (
    SELECT m.sha256 AS manifesto, m.municipality_code, m.fiscal_year, m.department, m.path, m.ocr, m.extracted_at,
           (SELECT count(g.self_rating) FROM goals g WHERE g.manifesto = m.sha256) AS rated_goals
    FROM manifestos m
)
WINDOW key AS (PARTITION BY municipality_code, fiscal_year, department),
       key_in_order AS (key ORDER BY rated_goals > 0, ocr DESC, extracted_at, manifesto);

CREATE VIEW IF NOT EXISTS goal_overview AS
SELECT m.municipality_code, m.fiscal_year, m.era, m.department, m.position, m.head,
       g.number AS goal, g.mission, g.objective, g.current_state, g.target, g.achieved_state,
       g.self_rating,
       (SELECT r.label FROM rating_scale r WHERE r.manifesto = m.sha256 AND r.score = g.self_rating
        ORDER BY r.seq LIMIT 1) AS rating_label,
       g.rating_reason, g.page, v.version, v.versions, m.path, m.sha256 AS manifesto, g.id AS goal_id
FROM versions v
JOIN manifestos m ON m.sha256 = v.manifesto
JOIN goals g ON g.manifesto = m.sha256
WHERE v.latest;

CREATE VIEW IF NOT EXISTS goal_texts AS
SELECT g.id, g.mission, g.objective, g.current_state, g.target, g.achieved_state,
       (SELECT group_concat(text, char(10)) FROM (SELECT text FROM means WHERE goal = g.id ORDER BY seq)) AS means,
       g.rating_reason
FROM goals g;

CREATE VIRTUAL TABLE IF NOT EXISTS goals_fts USING fts5({columns}, tokenize = 'trigram');
"""


def _refresh_fts(goal_id: str) -> str:
    """SQL that makes goals_fts hold goal `goal_id`'s current texts (or nothing, if it is gone)."""
    columns = ", ".join(SEARCHABLE)
    return (
        f"DELETE FROM goals_fts WHERE rowid = {goal_id}; "
        f"INSERT INTO goals_fts (rowid, {columns}) SELECT id, {columns} FROM goal_texts WHERE id = {goal_id};"
    )


# Triggers that keep goals_fts in step with goals and means, however they are changed.
_FTS_TRIGGERS = {
    "goals_fts_insert": ("AFTER INSERT ON goals", _refresh_fts("new.id")),
    "goals_fts_update": ("AFTER UPDATE ON goals", _refresh_fts("old.id") + _refresh_fts("new.id")),
    "goals_fts_delete": ("AFTER DELETE ON goals", _refresh_fts("old.id")),
    "means_fts_insert": ("AFTER INSERT ON means", _refresh_fts("new.goal")),
    "means_fts_update": ("AFTER UPDATE ON means", _refresh_fts("old.goal") + _refresh_fts("new.goal")),
    "means_fts_delete": ("AFTER DELETE ON means", _refresh_fts("old.goal")),
}

SCHEMA = _SCHEMA.format(columns=", ".join(SEARCHABLE)) + "".join(
    f"CREATE TRIGGER IF NOT EXISTS {name} {event} BEGIN {body} END;\n" for name, (event, body) in _FTS_TRIGGERS.items()
)

_GOAL_PATH = re.compile(r"^goals\[(\d+)\]\.(.+)$")


@dataclass(frozen=True)
class GoalRows:
    """A goal's row and its children's rows (which get the goal's id when inserted)."""

    goal: dict
    milestones: list[dict]
    means: list[dict]


@dataclass(frozen=True)
class ManifestoRows:
    """Every row one Extraction becomes, table by table."""

    manifesto: dict
    goals: list[GoalRows]
    rating_scale: list[dict]
    warnings: list[dict]
    provenance: list[dict]


def manifesto_rows(
    extraction: Extraction, path: str, *, municipality_code: str | None, extracted_at: str, tool_version: str
) -> ManifestoRows:
    """Given an Extraction and where its file lies, return its rows for every table (pure)."""
    record = extraction.record
    sha = record.source.sha256
    manifesto = {
        "sha256": sha,
        "path": path,
        "file": record.source.file,
        "pages": record.source.pages,
        **record.model_dump(include=set(_HEADER_FIELDS)),
        "ocr": int(record.ocr),
        "municipality_code": municipality_code,
        "extracted_at": extracted_at,
        "tool_version": tool_version,
    }
    goals = [
        GoalRows(
            goal={"manifesto": sha, **goal.model_dump(exclude={"milestones", "means"})},
            milestones=[{"seq": seq, **m.model_dump()} for seq, m in enumerate(goal.milestones, 1)],
            means=[{"seq": seq, "text": text} for seq, text in enumerate(goal.means, 1)],
        )
        for goal in record.goals
    ]
    provenance = []
    for trace in extraction.traces:
        found = _GOAL_PATH.match(trace.path)
        goal, field = (record.goals[int(found[1])].number, found[2]) if found else (None, trace.path)
        x0, top, x1, bottom = trace.bbox
        provenance.append(
            {"manifesto": sha, "path": trace.path, "goal": goal, "field": field, "page": trace.page,
             "x0": x0, "top": top, "x1": x1, "bottom": bottom, "confidence": trace.confidence}
        )
    return ManifestoRows(
        manifesto=manifesto,
        goals=goals,
        rating_scale=[{"manifesto": sha, "seq": seq, **level.model_dump()} for seq, level in enumerate(record.rating_scale, 1)],
        warnings=[{"manifesto": sha, "seq": seq, **w.model_dump()} for seq, w in enumerate(record.warnings, 1)],
        provenance=provenance,
    )


def record_from_rows(rows: ManifestoRows) -> Manifesto:
    """Given a manifesto's rows (as manifesto_rows makes them, or as read back), return its record (pure).

    The inverse of manifesto_rows: every contract field is stored, so the record comes back whole.
    """
    row = rows.manifesto
    return Manifesto(
        source={"file": row["file"], "sha256": row["sha256"], "pages": row["pages"]},
        **{field: row[field] for field in _HEADER_FIELDS},
        rating_scale=[{"score": level["score"], "label": level["label"]} for level in rows.rating_scale],
        goals=[
            {
                **{k: v for k, v in goal.goal.items() if k not in ("id", "manifesto")},
                "milestones": [{k: v for k, v in m.items() if k not in ("goal", "seq")} for m in goal.milestones],
                "means": [means["text"] for means in goal.means],
            }
            for goal in rows.goals
        ],
        ocr=bool(row["ocr"]),
        warnings=[{k: v for k, v in w.items() if k not in ("manifesto", "seq")} for w in rows.warnings],
    )


def read_records(db: Database) -> Iterator[Manifesto]:
    """Yield the record of every stored manifesto, rebuilt from its rows, by fiscal year, department and path."""
    for manifesto in db.query("SELECT * FROM manifestos ORDER BY fiscal_year, department, path"):
        sha = [manifesto["sha256"]]
        goals = [
            GoalRows(
                goal=goal,
                milestones=list(db.query("SELECT * FROM milestones WHERE goal = ? ORDER BY seq", [goal["id"]])),
                means=list(db.query("SELECT * FROM means WHERE goal = ? ORDER BY seq", [goal["id"]])),
            )
            for goal in db.query("SELECT * FROM goals WHERE manifesto = ? ORDER BY number", sha)
        ]
        rows = ManifestoRows(
            manifesto=manifesto,
            goals=goals,
            rating_scale=list(db.query("SELECT * FROM rating_scale WHERE manifesto = ? ORDER BY seq", sha)),
            warnings=list(db.query("SELECT * FROM warnings WHERE manifesto = ? ORDER BY seq", sha)),
            provenance=[],  # not part of the record
        )
        yield record_from_rows(rows)


def open_db(path: str | Path) -> Database:
    """Open (creating if needed) the database at `path` with its schema and foreign keys on.

    Raises DatabaseFault when its folder cannot be created (read-only, no space).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fault = "disk_full" if error.errno == errno.ENOSPC else "database_read_only"
        raise DatabaseFault(fault, f"{path}: cannot create its folder ({error.strerror}); choose another --db") from None
    db = Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    db.conn.executescript(SCHEMA)
    return db


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
    """Open an existing database for queries only; SQLite errors inside become one-line UsageErrors."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such database (create it with `manifesto batch`)")
    db = Database(sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True))
    try:
        db.execute("PRAGMA query_only = ON")
        yield db
    except sqlite3.Error as error:
        raise UsageError(f"{path}: {error}") from None
    finally:
        db.close()


def stored_sha256(db: Database) -> set[str]:
    """Return the sha256 of every stored manifesto (a file with one of these is unchanged)."""
    return {row["sha256"] for row in db.query("SELECT sha256 FROM manifestos")}


def store(db: Database, extraction: Extraction, path: str, *, municipality_code: str | None = None) -> None:
    """Store one Extraction in one transaction, replacing what `path` or the same bytes had stored before."""
    rows = manifesto_rows(
        extraction, path, municipality_code=municipality_code, extracted_at=_now(), tool_version=__version__
    )
    with db.atomic():
        _forget(db, path)
        db.execute("DELETE FROM manifestos WHERE sha256 = ?", [rows.manifesto["sha256"]])
        db["manifestos"].insert(rows.manifesto)
        # Each means row inserted after its goal would index the goal's whole text again (a
        # trigger per row): the children go first, their key checked at COMMIT, so that each
        # goal's insert indexes its text once. Ids are given as SQLite would (the largest + 1).
        db.execute("PRAGMA defer_foreign_keys = ON")
        first_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM goals").fetchone()[0]
        ids = range(first_id, first_id + len(rows.goals))
        db["milestones"].insert_all({"goal": i, **row} for i, goal in zip(ids, rows.goals) for row in goal.milestones)
        db["means"].insert_all({"goal": i, **row} for i, goal in zip(ids, rows.goals) for row in goal.means)
        db["goals"].insert_all({"id": i, **goal.goal} for i, goal in zip(ids, rows.goals))
        for table in ("rating_scale", "warnings", "provenance"):
            db[table].insert_all(getattr(rows, table))


def record_failure(db: Database, path: str, sha256: str | None, kind: str, message: str) -> None:
    """Record that `path` could not be stored, in one transaction; what it had stored before is now stale and goes."""
    with db.atomic():
        _forget(db, path)
        db["failures"].insert(
            {"path": path, "sha256": sha256, "kind": kind, "message": message, "time": _now()}
        )


def forget_failures(db: Database, paths: Iterable[str]) -> None:
    """Delete the failures recorded for `paths` (files that now hold stored bytes), in one transaction."""
    with db.atomic():
        db.conn.executemany("DELETE FROM failures WHERE path = ?", ((path,) for path in paths))


def set_municipality(db: Database, paths: Iterable[str], code: str) -> None:
    """Record `code` as the municipality of the manifestos stored under `paths`, in one transaction.

    A batch given --municipality labels the unchanged files it skips too, so a database
    first built without a code gets one on the next run, without parsing anything again.
    """
    with db.atomic():
        db.conn.executemany(
            "UPDATE manifestos SET municipality_code = ? WHERE path = ?", ((code, path) for path in paths)
        )


def run_query(db: Database, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one SQL statement and return its column names and rows."""
    cursor = db.execute(sql)
    columns = [column[0] for column in cursor.description or ()]
    return columns, cursor.fetchall()


def _forget(db: Database, path: str) -> None:
    """Delete the manifesto and the failure recorded for `path` (children go by cascade)."""
    db.execute("DELETE FROM manifestos WHERE path = ?", [path])
    db.execute("DELETE FROM failures WHERE path = ?", [path])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
