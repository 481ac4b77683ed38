"""Schema versions: recognise a database, refuse one that is not ours or too new, upgrade an older one in place.

A database made by this tool carries `PRAGMA application_id` = APPLICATION_ID and
`PRAGMA user_version` = the schema version it was written with. Before anything is
written, `upgrade` reads both (and, for a database of release 0.1.0 (commit 2bafc28),
which set neither, the shape of its tables) and then either creates the schema in an
empty file, leaves a current one alone, migrates an older one in one transaction, or
refuses with a one-line UsageError naming the file and the versions. docs/database.md
lists what each migration does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from .errors import UsageError

APPLICATION_ID = 0x4D414E49  # "MANI": marks a manifesto-extract database (PRAGMA application_id)
SCHEMA_VERSION = 1
UNVERSIONED = 0  # release 0.1.0 (commit 2bafc28): no application_id, user_version 0

# The columns by which a database of release 0.1.0 is recognised (a foreign table of the same name lacks them).
_V0_SHAPE = {
    "manifestos": {"sha256", "path", "file", "pages", "title", "fiscal_year", "era", "department", "position", "head"},
    "goals": {"id", "manifesto", "number", "mission", "objective", "page"},
}
_V0_TABLES = ("manifestos", "goals", "milestones", "means", "rating_scale", "warnings", "provenance", "failures")

# Schema 0 → 1. The old tables are renamed aside, the new schema created, the rows copied (goal ids kept, each
# manifesto given an id), and the old tables dropped. Each copy names the old table it reads; a table an early
# 0.1 database lacks is skipped, and a column it lacks gets the default in _V0_DEFAULTS. Every insert names its
# columns, so that columns the current schema adds (NULL or a default for old rows) need no change here.
_FROM_V0 = (
    # a file of release 0.1 held one manifesto: part 1, on all its pages
    ("manifestos", """INSERT INTO manifestos (sha256, part, first_page, last_page, path, file, pages, title, fiscal_year,
        era, department, position, head, aspiration, ocr, coverage, municipality_code, extracted_at, tool_version)
        SELECT sha256, 1, 1, pages, path, file, pages, title, fiscal_year, era, department, position, head,
               {aspiration}, {ocr}, NULL, {municipality_code}, {extracted_at}, {tool_version}
        FROM v0_manifestos ORDER BY fiscal_year, department, path"""),
    # children before their goals, so that each goal's insert indexes its whole text once (store.py does the same)
    ("milestones", """INSERT INTO milestones (goal, seq, text, period, start, "end")
        SELECT goal, seq, text, period, start, "end" FROM v0_milestones"""),
    ("means", "INSERT INTO means (goal, seq, text) SELECT goal, seq, text FROM v0_means"),
    ("goals", """INSERT INTO goals (id, manifesto, number, mission, objective, current_state, target, achieved_state,
        self_rating, rating_reason, page)
        SELECT g.id, m.id, g.number, g.mission, g.objective, g.current_state, g.target, g.achieved_state,
               g.self_rating, g.rating_reason, g.page
        FROM v0_goals g JOIN manifestos m ON m.sha256 = g.manifesto"""),
    ("rating_scale", """INSERT INTO rating_scale (manifesto, seq, score, label) SELECT m.id, r.seq, r.score, r.label
        FROM v0_rating_scale r JOIN manifestos m ON m.sha256 = r.manifesto"""),
    ("warnings", """INSERT INTO warnings (manifesto, seq, kind, message, goal, page)
        SELECT m.id, w.seq, w.kind, w.message, w.goal, w.page
        FROM v0_warnings w JOIN manifestos m ON m.sha256 = w.manifesto"""),
    ("provenance", """INSERT INTO provenance (id, manifesto, path, goal, field, page, x0, top, x1, bottom, confidence)
        SELECT p.id, m.id, p.path, p.goal, p.field, p.page, p.x0, p.top, p.x1, p.bottom, p.confidence
        FROM v0_provenance p JOIN manifestos m ON m.sha256 = p.manifesto"""),
    ("failures", """INSERT INTO failures (path, sha256, kind, message, time)
        SELECT path, sha256, kind, message, time FROM v0_failures"""),
    # every path the old database knew becomes a `files` row; size and mtime are filled in when a batch sees it
    ("manifestos", """INSERT INTO files (path, sha256, size, mtime, outcome, duplicate_of, seen_at)
        SELECT path, sha256, NULL, NULL, 'stored', NULL, extracted_at FROM manifestos"""),
    ("failures", """INSERT OR IGNORE INTO files (path, sha256, size, mtime, outcome, duplicate_of, seen_at)
        SELECT path, sha256, NULL, NULL, 'failed', NULL, time FROM failures"""),
    # one municipality code throughout becomes the archive's setting
    ("manifestos", """INSERT INTO settings (name, value, set_at)
        SELECT 'municipality_code', min(municipality_code), max(extracted_at) FROM manifestos
        HAVING count(DISTINCT municipality_code) = 1 AND count(municipality_code) = count(*)"""),
)
# Defaults for the columns of `manifestos` added during the 0.1 series, when an older database lacks them.
_V0_DEFAULTS = {
    "aspiration": "NULL",
    "ocr": "0",
    "municipality_code": "NULL",
    "extracted_at": "'1970-01-01T00:00:00+00:00'",
    "tool_version": "'0.1.0 or earlier'",
}


def upgrade(db: Database, path: Path, schema: str) -> int | None:
    """Make the database at `path` hold the current schema; return the version it was migrated from, else None.

    `schema` is the current schema's SQL (store.SCHEMA). An empty file gets it; a current
    database is left as it is; an older one is migrated in one transaction. Raises
    UsageError, before writing anything, for a database of another application, one whose
    tables are not this tool's, or one newer than this tool.
    """
    version = schema_version(db, path)
    if version == SCHEMA_VERSION:
        return None
    if version is None:
        with db.atomic():
            _execute(db, schema)
            _mark(db)
        return None
    _migrate_from_v0(db, schema)
    return version


def schema_version(db: Database, path: Path) -> int | None:
    """Return the schema version of the database at `path` (None: an empty file); refuse one that is not ours."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = set(db.table_names()) | set(db.view_names())
    if application_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise UsageError(
                f"{path}: written by a newer manifesto-extract (schema version {version}; this one knows up to "
                f"{SCHEMA_VERSION}): upgrade manifesto-extract to open it"
            )
        return version
    if application_id != 0:
        raise UsageError(f"{path}: not a manifesto-extract database (application_id {application_id:#x})")
    if not tables:
        return None
    if version == 0 and all(table in tables and columns <= set(db[table].columns_dict)
                            for table, columns in _V0_SHAPE.items()):
        return UNVERSIONED
    raise UsageError(
        f"{path}: not a manifesto-extract database (schema version {version}, tables {', '.join(sorted(tables))}); "
        "give a new file to --db"
    )


def _migrate_from_v0(db: Database, schema: str) -> None:
    """Schema 0 (release 0.1.0, commit 2bafc28) → 1, in one transaction: all of it happens, or none."""
    present = set(db.table_names()) & set(_V0_TABLES)
    columns = set(db["manifestos"].columns_dict)
    defaults = {name: name if name in columns else default for name, default in _V0_DEFAULTS.items()}
    db.execute("PRAGMA foreign_keys = OFF")  # the copy goes table by table (the pragma is a no-op in a transaction)
    try:
        with db.atomic():
            for kind, name in list(db.execute(
                    "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') "
                    "OR (type = 'index' AND sql IS NOT NULL)")):
                db.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')  # the new schema recreates them
            if "goals_fts" in db.table_names():
                db.execute("DROP TABLE goals_fts")  # refilled by the new schema's triggers as the goals are copied
            for table in present:
                db.execute(f'ALTER TABLE "{table}" RENAME TO "v0_{table}"')
            _execute(db, schema)
            for table, sql in _FROM_V0:
                if table in present:
                    db.execute(sql.format(**defaults))
            for table in present:
                db.execute(f'DROP TABLE "v0_{table}"')
            _mark(db)
    finally:
        db.execute("PRAGMA foreign_keys = ON")


def _mark(db: Database) -> None:
    """Stamp the database as this tool's, at the current schema version (inside the caller's transaction)."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _execute(db: Database, script: str) -> None:
    """Run an SQL script statement by statement, inside the caller's transaction (executescript would commit)."""
    for statement in statements(script):
        db.execute(statement)


def statements(script: str) -> Iterator[str]:
    """Yield the complete SQL statements of a script, one at a time (a trigger's body stays whole)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()
