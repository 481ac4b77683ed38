"""files: every path a batch saw is accounted for: stored, duplicate of another, failed, moved, or removed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlite_utils import Database

from conftest import DB_SAMPLES, SAMPLES
from extract.batch import run_batch
from extract.cli import main

IGA, KENKO = DB_SAMPLES


@pytest.fixture
def archive(tmp_path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in DB_SAMPLES:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def files(db_path) -> dict[str, tuple[str, str | None]]:
    """Each path's file name → (outcome, file name it duplicates)."""
    return {
        Path(row["path"]).name: (row["outcome"], row["duplicate_of"] and Path(row["duplicate_of"]).name)
        for row in Database(db_path)["files"].rows
    }


def test_the_same_bytes_at_a_second_path_is_a_named_duplicate_on_a_fresh_database(archive, tmp_path, capsys):
    (archive / "later").mkdir()
    shutil.copy(SAMPLES / IGA, archive / "later" / "UPPER.PDF")  # found after the first: a duplicate of it

    assert main(["batch", str(archive), "--db", str(tmp_path / "m.db"), "-j", "1"]) == 0

    assert "3 files: 2 stored, 0 unchanged, 1 duplicates, 0 moved, 0 failed" in capsys.readouterr().out
    assert files(tmp_path / "m.db") == {IGA: ("stored", None), KENKO: ("stored", None), "UPPER.PDF": ("duplicate", IGA)}
    row = Database(tmp_path / "m.db")["files"].get(str(archive / "later" / "UPPER.PDF"))
    assert (row["size"], row["sha256"]) == ((SAMPLES / IGA).stat().st_size, Database(tmp_path / "m.db").execute(
        "SELECT sha256 FROM manifestos WHERE file = ?", [IGA]).fetchone()[0])
    assert row["mtime"] and row["seen_at"]


def test_a_failed_file_is_in_files_too(archive, tmp_path):
    (archive / "broken.pdf").write_bytes(b"not a pdf")
    run_batch([archive], tmp_path / "m.db", workers=1)
    assert files(tmp_path / "m.db")["broken.pdf"] == ("failed", None)


def test_a_deleted_file_is_marked_removed_and_its_rows_kept_until_prune(archive, tmp_path, capsys):
    db_path = tmp_path / "m.db"
    run_batch([archive], db_path, workers=1)
    (archive / KENKO).unlink()

    assert main(["batch", str(archive), "--db", str(db_path)]) == 0
    assert "1 gone from the archive (rows kept: --prune deletes them)" in capsys.readouterr().out
    assert files(db_path)[KENKO] == ("removed", None)
    assert Database(db_path)["manifestos"].count == 2

    assert main(["batch", str(archive), "--db", str(db_path), "--prune"]) == 0
    assert "; 1 manifestos pruned" in capsys.readouterr().out
    db = Database(db_path)
    assert [row["file"] for row in db.query("SELECT file FROM manifestos")] == [IGA]
    assert db.execute("SELECT count(*) FROM goals_fts_docsize").fetchone()[0] == db["goals"].count


def test_prune_only_looks_under_the_paths_given(archive, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.move(archive / KENKO, other / KENKO)
    db_path = tmp_path / "m.db"
    run_batch([archive, other], db_path, workers=1)
    shutil.rmtree(other)

    summary = run_batch([archive], db_path, workers=1, prune_removed=True)  # `other` is not under the paths

    assert (summary.removed, summary.pruned) == (0, 0)
    assert Database(db_path)["manifestos"].count == 2


def test_a_moved_file_updates_its_path_without_parsing_again(archive, tmp_path):
    db_path = tmp_path / "m.db"
    run_batch([archive], db_path, workers=1)
    (archive / "2020").mkdir()
    shutil.move(archive / KENKO, archive / "2020" / KENKO)

    summary = run_batch([archive], db_path, workers=1)

    assert (summary.stored, summary.unchanged, summary.moved, summary.removed) == (0, 1, 1, 0)
    db = Database(db_path)
    assert {row["path"] for row in db.query("SELECT path FROM manifestos")} == {
        str(archive / IGA), str(archive / "2020" / KENKO)
    }
    outcomes = {row["path"]: row["outcome"] for row in db["files"].rows}
    assert outcomes[str(archive / KENKO)] == "removed" and outcomes[str(archive / "2020" / KENKO)] == "stored"


def test_a_stored_file_that_goes_hands_its_manifesto_to_its_duplicate(archive, tmp_path):
    db_path = tmp_path / "m.db"
    shutil.copy(SAMPLES / IGA, archive / "zz-copy.pdf")
    run_batch([archive], db_path, workers=1)
    (archive / IGA).unlink()

    summary = run_batch([archive], db_path, workers=1, prune_removed=True)

    assert (summary.moved, summary.removed, summary.pruned) == (1, 0, 0)  # the copy is now where the bytes are
    db = Database(db_path)
    assert {Path(row["path"]).name for row in db.query("SELECT path FROM manifestos")} == {"zz-copy.pdf", KENKO}
    assert files(db_path)["zz-copy.pdf"] == ("stored", None)


def test_a_changed_file_with_a_duplicate_of_its_old_bytes_keeps_that_manifesto(archive, tmp_path):
    db_path = tmp_path / "m.db"
    shutil.copy(SAMPLES / IGA, archive / "zz-copy.pdf")
    run_batch([archive], db_path, workers=1)
    (archive / IGA).write_bytes((SAMPLES / IGA).read_bytes() + b"\n%edited\n")

    run_batch([archive], db_path, workers=1)

    db = Database(db_path)
    assert sorted(Path(row["path"]).name for row in db.query("SELECT path FROM manifestos")) == sorted(
        ["zz-copy.pdf", IGA, KENKO])
    assert files(db_path)["zz-copy.pdf"] == ("stored", None)
