"""Faults of the machine, not of a file — a database locked, full or read-only, a missing input, a closed pipe,
file names that are not UTF-8, a password given to files that need none — each get their own one-line message
and documented exit code, and never exit 1 (a bug)."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess

import pikepdf
import pytest
from sqlite_utils import Database

from conftest import DB_SAMPLES, ROOT, SAMPLES
from extract import batch, store
from extract.cli import main
from extract.errors import DATABASE_FAULTS, ERROR_KINDS

MANIFESTO = ROOT / ".venv" / "bin" / "manifesto"


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.splitlines()
    return next(line for line in err if line.startswith("error: "))


def test_fault_exit_codes_are_distinct_and_clear_of_every_other_code():
    codes = list(DATABASE_FAULTS.values())
    assert len(set(codes)) == len(codes) and not {0, 1, 2, 3} & set(codes) and not set(ERROR_KINDS.values()) & set(codes)


def test_a_database_locked_by_another_process_is_its_own_error(tmp_path, sample_dir, capsys):
    db_path = tmp_path / "m.db"
    store.open_db(db_path).close()
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code = main(["batch", str(sample_dir), "--db", str(db_path), "-j", "1"])
    finally:
        holder.rollback()
        holder.close()
    assert code == DATABASE_FAULTS["database_locked"]
    assert one_line_error(capsys).startswith(f"error: {db_path}: the database is locked by another process")


def test_a_full_disk_stops_the_batch_with_its_error_and_keeps_what_was_stored(tmp_path, sample_dir, capsys, monkeypatch):
    db_path = tmp_path / "m.db"
    first = sample_dir / DB_SAMPLES[0]
    assert main(["batch", str(first), "--db", str(db_path), "-j", "1"]) == 0
    pages = Database(db_path).execute("PRAGMA page_count").fetchone()[0]

    def full_after_this(path):
        db = store.open_db(path)
        db.execute(f"PRAGMA max_page_count = {pages}")  # as a disk with no room left behaves
        return db

    monkeypatch.setattr(batch, "open_db", full_after_this)
    code = main(["batch", str(sample_dir), "--db", str(db_path), "-j", "1"])

    assert code == DATABASE_FAULTS["disk_full"]
    assert one_line_error(capsys).startswith(f"error: {db_path}: the disk is full; free some space")
    assert [row["file"] for row in Database(db_path)["manifestos"].rows] == [DB_SAMPLES[0]]


def test_a_read_only_database_is_its_own_error(tmp_path, sample_dir, capsys, monkeypatch):
    db_path = tmp_path / "m.db"
    store.open_db(db_path).close()
    monkeypatch.setattr(batch, "open_db", lambda path: Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True)))
    code = main(["batch", str(sample_dir), "--db", str(db_path), "-j", "1"])
    assert code == DATABASE_FAULTS["database_read_only"]
    assert one_line_error(capsys).startswith(f"error: {db_path}: the database cannot be written")


def test_a_database_folder_that_cannot_be_made_is_its_own_error(tmp_path, sample_dir, capsys):
    (tmp_path / "file").write_text("a file where a folder should be")
    code = main(["batch", str(sample_dir), "--db", str(tmp_path / "file" / "m.db")])
    assert code == DATABASE_FAULTS["database_read_only"]
    assert "cannot create its folder" in one_line_error(capsys)


def test_output_cut_short_by_head_ends_quietly_with_success(sample_db):
    sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT i FROM n"
    result = subprocess.run(
        ["bash", "-c", f'"{MANIFESTO}" query --db "{sample_db}" "{sql}" | head -n 2; exit ${{PIPESTATUS[0]}}'],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert len(result.stdout.splitlines()) == 2


NOT_UTF8 = os.fsdecode(b"\xe9t\xe9-\x82\xa0.pdf")  # Latin-1 and Shift_JIS bytes, as old archives hold


def test_file_names_that_are_not_utf8_are_stored_losslessly_and_shown_readably(tmp_path, capsys):
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(SAMPLES / DB_SAMPLES[0], folder / NOT_UTF8)
    (folder / ("junk-" + NOT_UTF8)).write_bytes(b"%PDF-1.4 junk")
    db_path = tmp_path / "m.db"

    assert main(["batch", str(folder), "--db", str(db_path)]) == 3
    db = Database(db_path)
    [manifesto] = db["manifestos"].rows
    assert manifesto["path"] == str(folder) + "/\\xe9t\\xe9-\\x82\\xa0.pdf"
    assert manifesto["file"] == "\ufffdt\ufffd-\ufffd\ufffd.pdf"
    assert [row["kind"] for row in db["failures"].rows] == ["corrupt"]
    assert "failed " + str(folder) + "/junk-\ufffdt\ufffd" in capsys.readouterr().err
    assert main(["batch", str(folder), "--db", str(db_path)]) == 3  # the rerun finishes too: one unchanged, one failed
    assert db["manifestos"].count == 1


def owner_password_only(source, owner: str = "owner-secret") -> bytes:
    """A PDF with restrictions under an owner password and an empty user password: it opens without one."""
    out = io.BytesIO()
    with pikepdf.open(source) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user="", owner=owner, R=6, allow=pikepdf.Permissions(extract=False)))
    return out.getvalue()


@pytest.mark.parametrize("reader", ["pdfplumber", "pdfium"])
def test_a_password_is_tried_only_on_files_that_need_one(tmp_path, reader):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "restricted.pdf").write_bytes(owner_password_only(SAMPLES / DB_SAMPLES[0]))
    out = io.BytesIO()
    with pikepdf.open(SAMPLES / DB_SAMPLES[1]) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user="P", owner="P-owner", R=6))
    (folder / "locked.pdf").write_bytes(out.getvalue())

    code = main(["batch", str(folder), "--db", str(tmp_path / "m.db"), "--password", "P", "--reader", reader])

    assert code == 0
    assert Database(tmp_path / "m.db")["manifestos"].count == 2
