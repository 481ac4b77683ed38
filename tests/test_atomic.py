"""A batch killed (SIGKILL) or interrupted in the middle of storing a file leaves only whole manifestos, those of the
bursts it committed; a rerun completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from sqlite_utils import Database

from conftest import SAMPLES, changed_copy, expected_rows, stored_rows
from extract import store
from extract import batch as batch_module
from extract.batch import run_batch
from extract.pipeline import extract_file

COPIES = 3  # of each named sample, each with other bytes: 6 distinct files
KILL_AT = 3  # the batch dies while storing its third file

# Runs `manifesto batch`, a burst every COMMIT_SECONDS, but SIGKILLs itself right after inserting
# the provenance rows of the KILL_AT-th file: every row of that file is written, its COMMIT is not.
KILLER = """
import os, signal, sys
from extract import store
from extract.cli import main

from extract import batch
batch.COMMIT_SECONDS = float(os.environ["COMMIT_SECONDS"])

insert = store._insert
stored = 0

def insert_then_die(db, table, rows):
    global stored
    result = insert(db, table, rows)
    if table == "provenance":
        stored += 1
        if stored == int(os.environ["KILL_AT"]):
            os.kill(os.getpid(), signal.SIGKILL)
    return result

store._insert = insert_then_die
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in ("iga-2021-digital.pdf", "sample-2020-kenko.pdf"):
        for copy in range(COPIES):
            changed_copy(SAMPLES / name, folder / f"{copy}-{name}", f"copy {copy}")
    return folder


def batch(*args: str, kill_at: int | None = None, commit_seconds: float = 0) -> subprocess.CompletedProcess:
    """Run `manifesto batch ARGS` in a fresh process; with `kill_at`, one that dies storing that file (KILLER),
    storing a burst every `commit_seconds`."""
    if kill_at is None:
        command, env = [sys.executable, "-m", "extract.cli", "batch", *args], None
    else:
        command = [sys.executable, "-c", KILLER, "batch", *args]
        env = {**os.environ, "KILL_AT": str(kill_at), "COMMIT_SECONDS": str(commit_seconds)}
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


def complete_manifestos(db: Database, expected: dict[str, dict[str, int]]) -> set[str]:
    """The stored sha256s, after checking that each one's rows are all there."""
    stored = {row["sha256"] for row in db.query("SELECT sha256 FROM manifestos")}
    for sha in stored:
        assert stored_rows(db, sha) == expected[sha]
    return stored


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_killed_batch_leaves_whole_manifestos_and_rerun_completes(tmp_path, archive, jobs):
    db_path = tmp_path / "m.db"
    extractions = [extract_file(path)[0] for path in sorted(archive.iterdir())]
    expected = {e.record.source.sha256: expected_rows(e) for e in extractions}

    killed = batch(str(archive), "--db", str(db_path), "-j", jobs, kill_at=KILL_AT)  # a burst a file

    assert killed.returncode == -signal.SIGKILL
    db = Database(db_path)
    assert len(complete_manifestos(db, expected)) == KILL_AT - 1  # the third file's rows were rolled back whole
    # each goal committed is waiting for the index, which the batch fills at its end (or the next one at its start)
    assert db["goals_fts_docsize"].count + db["goals_fts_pending"].count == db["goals"].count

    rerun = batch(str(archive), "--db", str(db_path), "-j", jobs)

    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(extractions)} files: {len(extractions) - KILL_AT + 1} stored, {KILL_AT - 1} unchanged" in rerun.stdout
    db = Database(db_path)
    assert complete_manifestos(db, expected) == set(expected)
    for table in expected_rows(extractions[0]):
        assert db[table].count == sum(rows[table] for rows in expected.values()), table
    assert db.execute("SELECT count(*) FROM (SELECT DISTINCT manifesto, number FROM goals)").fetchone()[0] == db["goals"].count
    assert db["goals_fts_docsize"].count == db["goals"].count and not db["goals_fts_pending"].count  # one entry a goal
    assert db["failures"].count == 0


def test_a_batch_killed_in_a_burst_loses_the_files_of_the_burst_whole_and_a_rerun_stores_them(tmp_path, archive):
    db_path = tmp_path / "m.db"
    killed = batch(str(archive), "--db", str(db_path), "-j", "1", kill_at=KILL_AT, commit_seconds=3600)  # one burst

    assert killed.returncode == -signal.SIGKILL
    db = Database(db_path)
    assert db["manifestos"].count == 0 and db["goals"].count == 0 and db["provenance"].count == 0
    assert batch(str(archive), "--db", str(db_path), "-j", "1").returncode == 0
    assert db["manifestos"].count == 2 * COPIES


@pytest.mark.parametrize("commit_seconds, kept", [(0, KILL_AT - 1), (3600, 0)])
def test_an_interrupted_batch_keeps_the_bursts_it_committed(tmp_path, archive, monkeypatch, commit_seconds, kept):
    extractions = [extract_file(path)[0] for path in sorted(archive.iterdir())]
    expected = {e.record.source.sha256: expected_rows(e) for e in extractions}
    insert, stored = store._insert, []

    def insert_then_interrupt(db, table, rows):
        result = insert(db, table, rows)
        if table == "provenance":
            stored.append(table)
            if len(stored) == KILL_AT:
                raise KeyboardInterrupt  # Ctrl-C, after the third file's last rows
        return result

    monkeypatch.setattr(batch_module, "COMMIT_SECONDS", commit_seconds)
    monkeypatch.setattr(store, "_insert", insert_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_batch([archive], tmp_path / "m.db", workers=1, progress=False)

    assert len(complete_manifestos(Database(tmp_path / "m.db"), expected)) == kept
