"""extract.migrate: a database of release 0.1.0 (commit 2bafc28) is migrated in place whole; others are refused untouched.

tests/fixtures/old-schema/schema-2bafc28.db was written by `manifesto batch` at commit 2bafc28
(see the README beside it): three manifestos (one an OCR scan), one failed file, code 242161.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from conftest import ROOT
from extract import migrate
from extract.cli import main
from extract.errors import UsageError
from extract.migrate import APPLICATION_ID, SCHEMA_VERSION
from extract.search import search
from extract.store import open_db, read_records

FIXTURE = ROOT / "tests" / "fixtures" / "old-schema" / "schema-2bafc28.db"
GOAL_COLUMNS = "id, number, mission, objective, current_state, target, achieved_state, self_rating, rating_reason, page"


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def old_contents(path: Path) -> dict[str, list]:
    """What the old database holds, keyed by sha256 where its rows were, read with plain sqlite3."""
    with sqlite3.connect(path) as db:
        return {
            "manifestos": db.execute("SELECT sha256, path, title, fiscal_year, department, ocr, municipality_code, "
                                     "extracted_at, tool_version FROM manifestos ORDER BY sha256").fetchall(),
            "goals": db.execute(f"SELECT manifesto, {GOAL_COLUMNS} FROM goals ORDER BY id").fetchall(),
            "milestones": db.execute("SELECT * FROM milestones ORDER BY goal, seq").fetchall(),
            "means": db.execute("SELECT * FROM means ORDER BY goal, seq").fetchall(),
            "rating_scale": db.execute("SELECT * FROM rating_scale ORDER BY manifesto, seq").fetchall(),
            "warnings": db.execute("SELECT * FROM warnings ORDER BY manifesto, seq").fetchall(),
            "provenance": db.execute("SELECT * FROM provenance ORDER BY id").fetchall(),
            "failures": db.execute("SELECT * FROM failures ORDER BY path").fetchall(),
        }


def new_contents(path: Path) -> dict[str, list]:
    """The same, read from the migrated database (each manifesto id turned back into its sha256)."""
    with sqlite3.connect(path) as db:
        sha = "(SELECT sha256 FROM manifestos WHERE id = t.manifesto)"
        return {
            "manifestos": db.execute("SELECT sha256, path, title, fiscal_year, department, ocr, municipality_code, "
                                     "extracted_at, tool_version FROM manifestos ORDER BY sha256").fetchall(),
            "goals": db.execute(f"SELECT {sha}, {GOAL_COLUMNS} FROM goals t ORDER BY id").fetchall(),
            "milestones": db.execute('SELECT goal, seq, text, period, start, "end" FROM milestones ORDER BY goal, seq').fetchall(),
            "means": db.execute("SELECT * FROM means ORDER BY goal, seq").fetchall(),
            "rating_scale": db.execute(f"SELECT {sha}, seq, score, label FROM rating_scale t ORDER BY 1, seq").fetchall(),
            "warnings": db.execute(f"SELECT {sha}, seq, kind, message, goal, page FROM warnings t ORDER BY 1, seq").fetchall(),
            "provenance": db.execute(f"SELECT id, {sha}, path, goal, field, page, x0, top, x1, bottom, confidence "
                                     "FROM provenance t ORDER BY id").fetchall(),
            "failures": db.execute("SELECT path, sha256, kind, message, time FROM failures ORDER BY path").fetchall(),
        }


def test_the_fixture_is_a_2bafc28_database():
    with sqlite3.connect(FIXTURE) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (0,)
        assert db.execute("SELECT count(*), count(DISTINCT tool_version) FROM manifestos").fetchone() == (3, 1)


def test_opening_a_2bafc28_database_migrates_every_row(old_db):
    before = old_contents(old_db)

    open_db(old_db).close()

    assert new_contents(old_db) == before
    db = Database(old_db)
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT DISTINCT part, first_page, last_page = pages, coverage FROM manifestos").fetchall() == [
        (1, 1, 1, None)]
    assert db.execute("SELECT outcome, count(*) FROM files GROUP BY 1 ORDER BY 1").fetchall() == [("failed", 1), ("stored", 3)]
    assert db.execute("SELECT name, value FROM settings").fetchall() == [("municipality_code", "242161")]
    assert db.execute("SELECT count(*) FROM goals_fts_docsize").fetchone()[0] == db["goals"].count
    assert {row["path"] for row in search(db, "公民連携", all_versions=True)} == {
        "archive/iga-2021-digital.pdf", "archive/iga-2021-digital-scanned.pdf"}
    assert {row["path"] for row in search(db, "公民連携")} == {"archive/iga-2021-digital.pdf"}  # text layer over scan
    assert db["goal_series"].count == db.execute("SELECT count(*) FROM goal_overview").fetchone()[0]
    assert len(list(read_records(db, all_versions=True))) == 3


def test_a_reader_migrates_too_and_a_second_open_changes_nothing(old_db, capsys):
    assert main(["query", "--db", str(old_db), "SELECT count(*) AS n FROM goal_overview", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "7"]
    migrated = digest(old_db)
    open_db(old_db).close()
    assert digest(old_db) == migrated


def test_a_0_1_database_without_tool_version_migrates_with_a_default(old_db):
    with sqlite3.connect(old_db) as db:
        db.execute("DROP VIEW goal_overview")
        db.execute("DROP VIEW versions")
        db.execute("ALTER TABLE manifestos DROP COLUMN tool_version")
    open_db(old_db).close()
    assert Database(old_db).execute("SELECT DISTINCT tool_version FROM manifestos").fetchall() == [("0.1.0 or earlier",)]


def test_a_migration_that_fails_leaves_the_old_database_as_it_was(old_db, monkeypatch):
    before = digest(old_db)
    monkeypatch.setattr(migrate, "_FROM_V0", (*migrate._FROM_V0, ("manifestos", "INSERT INTO no_such_table VALUES (1)")))
    with pytest.raises(sqlite3.OperationalError):
        open_db(old_db)
    assert digest(old_db) == before


@pytest.mark.parametrize("make, reason", [
    ("CREATE TABLE manifestos (id INTEGER PRIMARY KEY, name TEXT)", "not a manifesto-extract database"),
    ("CREATE TABLE notes (text TEXT)", "not a manifesto-extract database"),
    ("PRAGMA application_id = 1234", "not a manifesto-extract database (application_id 0x4d2)"),
    (f"PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION + 1}; CREATE TABLE x (y)",
     f"written by a newer manifesto-extract (schema version {SCHEMA_VERSION + 1}; this one knows up to {SCHEMA_VERSION})"),
])
def test_a_foreign_or_newer_database_is_refused_before_anything_is_written(tmp_path, make, reason, capsys):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.executescript(make)
    before = digest(path)

    with pytest.raises(UsageError, match=f"^{path}: ") as refused:
        open_db(path)
    assert reason in str(refused.value)
    assert digest(path) == before
    for command in (["batch", str(ROOT / "samples" / "iga-2021-digital.pdf")], ["query", "SELECT 1"]):
        assert main([*command, "--db", str(path)]) == 2
        assert reason in capsys.readouterr().err
    assert digest(path) == before
