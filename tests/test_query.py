"""extract.query: `manifesto query` reads and only reads: no PRAGMA writes, no ATTACH, no pointers, a time limit."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from sqlite_utils import Database

from extract.cli import main
from extract.errors import UsageError
from extract.query import QUERY_TIME_LIMIT_SECONDS, allowed, run_query
from extract.store import reading


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("sql, refused", [
    ("PRAGMA journal_mode = WAL", "PRAGMA journal_mode WAL"),
    ("PRAGMA user_version = 7", "PRAGMA user_version 7"),
    ("PRAGMA optimize", "PRAGMA optimize"),
    ("SELECT hex(fts3_tokenizer('simple'))", "FUNCTION fts3_tokenizer"),
    ("SELECT load_extension('x')", "FUNCTION load_extension"),
    ("DELETE FROM goals", "DELETE goals"),
    ("CREATE TEMP TABLE t (x)", "INSERT sqlite_temp_master"),  # the temp schema is written first
    ("BEGIN", "TRANSACTION BEGIN"),
])
def test_statements_that_would_change_or_leak_are_refused_and_the_file_is_unchanged(sample_db, sql, refused, capsys):
    before = digest(sample_db)
    assert main(["query", "--db", str(sample_db), sql]) == 2
    error = capsys.readouterr().err
    assert error == f"error: query: not allowed, the database is read-only here: {refused}\n"
    assert digest(sample_db) == before
    assert not sample_db.with_name(sample_db.name + "-wal").exists()


def test_attach_is_refused_and_creates_no_file(sample_db, tmp_path, capsys):
    target = tmp_path / "created.db"
    assert main(["query", "--db", str(sample_db), f"ATTACH DATABASE '{target}' AS x"]) == 2
    assert "ATTACH" in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.parametrize("sql", [
    "SELECT count(*) FROM goal_overview",
    "SELECT name FROM pragma_table_info('goals')",
    "PRAGMA table_info(goals)",
    "PRAGMA user_version",
    "SELECT rowid, rank FROM goals_fts WHERE goals_fts MATCH '\"公民連携\"'",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT * FROM n",
])
def test_reading_statements_run(sample_db, sql):
    with reading(sample_db) as db:
        columns, rows = run_query(db, sql)
    assert columns and rows


def test_a_statement_past_the_time_limit_is_stopped(sample_db, capsys):
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    assert main(["query", "--db", str(sample_db), "--time-limit", "0.2", endless]) == 2
    assert capsys.readouterr().err == "error: query: stopped after the time limit of 0.2 s (--time-limit)\n"


def test_the_guards_are_lifted_after_each_statement(sample_db):
    with reading(sample_db) as db:
        with pytest.raises(UsageError):
            run_query(db, "PRAGMA journal_mode = WAL")
        assert db.execute("SELECT count(*) FROM goals").fetchone()[0] > 0


def test_the_database_is_opened_read_only_even_past_the_authorizer(sample_db):
    with reading(sample_db) as db:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.conn.execute("DELETE FROM goals")


def test_allowed_reads_only():
    assert allowed(sqlite3.SQLITE_SELECT, None, None)
    assert allowed(sqlite3.SQLITE_PRAGMA, "table_info", "goals")
    assert allowed(sqlite3.SQLITE_PRAGMA, "journal_mode", None)
    assert not allowed(sqlite3.SQLITE_PRAGMA, "journal_mode", "WAL")
    assert not allowed(sqlite3.SQLITE_ATTACH, "/any/path", None)
    assert not allowed(sqlite3.SQLITE_DETACH, "x", None)
    assert not allowed(sqlite3.SQLITE_FUNCTION, None, "fts3_tokenizer")
    assert allowed(sqlite3.SQLITE_FUNCTION, None, "snippet")


def test_serve_gives_datasette_the_same_time_limit(sample_db, monkeypatch):
    from datasette.cli import cli

    from extract.serve import serve

    given = []
    monkeypatch.setattr(cli, "main", lambda args, **options: given.extend(args))
    serve(sample_db, 8765)
    at = given.index("sql_time_limit_ms")
    assert given[at - 1] == "--setting" and given[at + 1] == str(round(QUERY_TIME_LIMIT_SECONDS * 1000))
    assert Database(sample_db)["goals"].count
