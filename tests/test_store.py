"""extract.store: a database built from the samples holds exactly each record's contents, with provenance."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from conftest import DB_SAMPLES, expected_rows, stored_rows
from extract import __version__
from extract.pipeline import extract_file
from extract.catalog import TABLES
from extract.store import batch_writing, open_db, store


@pytest.mark.parametrize("name", DB_SAMPLES)
def test_row_counts_equal_the_record(sample_db, sample_dir, name):
    extraction = extract_file(sample_dir / name)[0]
    db = Database(sample_db)
    assert stored_rows(db, extraction.record.source.sha256) == expected_rows(extraction)


def test_tables_hold_both_samples_and_nothing_else(sample_db, sample_dir):
    extractions = [extract_file(sample_dir / name)[0] for name in DB_SAMPLES]
    db = Database(sample_db)
    for table, count in expected_rows(extractions[0]).items():
        assert db[table].count == count + expected_rows(extractions[1])[table], table
    assert db["failures"].count == 0


@pytest.mark.parametrize("name", DB_SAMPLES)
def test_values_equal_the_record(sample_db, sample_dir, name):
    extraction = extract_file(sample_dir / name)[0]
    record = extraction.record
    db = Database(sample_db)
    [manifesto] = db.query("SELECT * FROM manifestos WHERE sha256 = ?", [record.source.sha256])
    assert manifesto["path"] == str(sample_dir / name)
    assert (manifesto["file"], manifesto["pages"]) == (record.source.file, record.source.pages)
    for field in ("title", "fiscal_year", "era", "department", "position", "head", "aspiration"):
        assert manifesto[field] == getattr(record, field)
    assert manifesto["ocr"] == int(record.ocr)
    assert manifesto["tool_version"] == __version__
    assert manifesto["municipality_code"] is None
    scale = list(db.query("SELECT score, label FROM rating_scale WHERE manifesto = (SELECT id FROM manifestos WHERE sha256 = ?) ORDER BY seq", [record.source.sha256]))
    assert scale == [level.model_dump() for level in record.rating_scale]
    for goal in record.goals:
        [row] = db.query("SELECT * FROM goals WHERE manifesto = (SELECT id FROM manifestos WHERE sha256 = ?) AND number = ?", [record.source.sha256, goal.number])
        assert {k: row[k] for k in goal.model_dump(exclude={"milestones", "means"})} == goal.model_dump(
            exclude={"milestones", "means"}
        )
        means = [r["text"] for r in db.query("SELECT text FROM means WHERE goal = ? ORDER BY seq", [row["id"]])]
        assert means == goal.means
        milestones = list(
            db.query('SELECT text, period, start, "end" FROM milestones WHERE goal = ? ORDER BY seq', [row["id"]])
        )
        assert milestones == [m.model_dump() for m in goal.milestones]


@pytest.mark.parametrize("name", DB_SAMPLES)
def test_provenance_gives_page_and_box_of_every_traced_value(sample_db, sample_dir, name):
    extraction = extract_file(sample_dir / name)[0]
    db = Database(sample_db)
    rows = list(
        db.query(
            "SELECT path, page, x0, top, x1, bottom, confidence FROM provenance WHERE manifesto = (SELECT id FROM manifestos WHERE sha256 = ?) ORDER BY id",
            [extraction.record.source.sha256],
        )
    )
    assert rows == [
        {"path": t.path, "page": t.page, "x0": t.bbox[0], "top": t.bbox[1], "x1": t.bbox[2], "bottom": t.bbox[3],
         "confidence": t.confidence}
        for t in extraction.traces
    ]
    assert all(row["page"] >= 1 and row["x0"] < row["x1"] and row["top"] < row["bottom"] for row in rows)


def test_provenance_names_the_goal_by_number(sample_db, sample_dir):
    record = extract_file(sample_dir / "iga-2021-digital.pdf")[0].record
    db = Database(sample_db)
    for goal in record.goals:
        [row] = db.query(
            "SELECT page FROM provenance WHERE manifesto = (SELECT id FROM manifestos WHERE sha256 = ?) AND goal = ? AND field = 'mission'",
            [record.source.sha256, goal.number],
        )
        assert row["page"] == goal.page


def test_goal_overview_has_one_row_per_goal_with_its_rating_label(sample_db, sample_dir):
    records = [extract_file(sample_dir / name)[0].record for name in DB_SAMPLES]
    db = Database(sample_db)
    rows = list(db.query("SELECT department, goal, self_rating, rating_label FROM goal_overview"))
    expected = [
        {
            "department": r.department,
            "goal": g.number,
            "self_rating": g.self_rating,
            "rating_label": next((s.label for s in r.rating_scale if s.score == g.self_rating), None),
        }
        for r in records
        for g in r.goals
    ]
    assert sorted(rows, key=repr) == sorted(expected, key=repr)


def test_schema_has_foreign_keys_on_and_filter_indexes(tmp_path):
    db = open_db(tmp_path / "new" / "m.db")
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {table.name for table in TABLES} <= set(db.table_names())
    assert {"versions", "goal_overview"} <= set(db.view_names())
    indexed = {(table, index.columns[0]) for table in ("manifestos", "goals") for index in db[table].indexes}
    assert {("manifestos", "fiscal_year"), ("manifestos", "department"), ("goals", "self_rating")} <= indexed
    assert open_db(tmp_path / "new" / "m.db").schema == db.schema  # opening again changes nothing


def test_a_batch_writes_ahead_without_waiting_for_the_disk_and_leaves_the_rollback_journal(tmp_path, sample_dir):
    db = open_db(tmp_path / "m.db")
    with batch_writing(db):
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: a commit does not fsync
        store(db, extract_file(sample_dir / DB_SAMPLES[0])[0], DB_SAMPLES[0])
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()
    assert not list(tmp_path.glob("m.db-*"))  # no -wal or -shm file left beside it
    assert Database(tmp_path / "m.db")["manifestos"].count == 1


def test_a_reader_holding_the_database_at_the_batchs_end_keeps_it_in_wal_mode(tmp_path, sample_dir):
    db = open_db(tmp_path / "m.db")
    with batch_writing(db):
        store(db, extract_file(sample_dir / DB_SAMPLES[0])[0], DB_SAMPLES[0])
        reader = Database(tmp_path / "m.db")
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM manifestos").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reader.execute("COMMIT")
