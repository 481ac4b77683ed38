"""Reruns: unchanged files are skipped untouched, a changed file replaces its rows, versions stay linked."""

from __future__ import annotations

from sqlite_utils import Database

from conftest import DB_SAMPLES, changed_copy, expected_rows, fts_index, stored_rows
from extract.batch import run_batch
from extract.pipeline import Extraction, extract_file
from extract.catalog import TABLES
from extract.store import open_db, store

IGA = "iga-2021-digital.pdf"


def snapshot(db_path) -> dict[str, list[str]]:
    """Every row of every table and of the search index (each as its repr), in a stable order.

    Only when a batch last saw each file (files.seen_at) is left out: a rerun sees them again.
    """
    db = Database(db_path)
    rows = {table: list(db[table].rows) for table in (t.name for t in TABLES)}
    rows["files"] = [{k: v for k, v in row.items() if k != "seen_at"} for row in rows["files"]]
    tables = {table: sorted(map(repr, found)) for table, found in rows.items()}
    return tables | {"goals_fts": sorted(map(repr, fts_index(db).items()))}


def test_second_run_inserts_nothing_and_touches_nothing(sample_db, sample_dir):
    before = snapshot(sample_db)
    summary = run_batch([sample_dir], sample_db, workers=1)
    assert (summary.files, summary.stored, summary.unchanged, summary.failed) == (2, 0, 2, 0)
    assert snapshot(sample_db) == before


def test_a_changed_file_replaces_its_rows(sample_db, sample_dir):
    old = extract_file(sample_dir / IGA)[0]
    old_goal_ids = {row["id"] for row in Database(sample_db).query("SELECT id FROM goals WHERE manifesto = (SELECT id FROM manifestos WHERE sha256 = ?)", [old.record.source.sha256])}
    changed_copy(sample_dir / IGA, sample_dir / IGA, "edited")
    new = extract_file(sample_dir / IGA)[0]
    assert new.record.source.sha256 != old.record.source.sha256

    summary = run_batch([sample_dir], sample_db, workers=1)

    assert (summary.stored, summary.unchanged) == (1, 1)
    db = Database(sample_db)
    assert stored_rows(db, old.record.source.sha256) == dict.fromkeys(expected_rows(old), 0)
    assert stored_rows(db, new.record.source.sha256) == expected_rows(new)
    assert [r["path"] for r in db.query("SELECT path FROM manifestos WHERE path = ?", [str(sample_dir / IGA)])] == [
        str(sample_dir / IGA)
    ]
    placeholders = ", ".join("?" * len(old_goal_ids))
    for table, column in (("milestones", "goal"), ("means", "goal"), ("goals_fts_docsize", "id")):
        orphans = f"SELECT count(*) FROM {table} WHERE {column} IN ({placeholders})"
        assert db.execute(orphans, sorted(old_goal_ids)).fetchone()[0] == 0, table
    assert fts_index(db) == fts_index(db, rebuilt=True)
    assert db["manifestos"].count == len(DB_SAMPLES)


def start_of_year(extraction: Extraction) -> Extraction:
    """The same manifesto as published before the evaluation: no ratings, other bytes."""
    record = extraction.record
    return Extraction(
        record.model_copy(
            update={
                "source": record.source.model_copy(update={"sha256": "0" * 64}),
                "goals": [g.model_copy(update={"self_rating": None, "rating_reason": None}) for g in record.goals],
            }
        ),
        extraction.traces,
    )


def test_versions_of_one_manifesto_are_kept_and_linked_and_overview_shows_the_evaluated_one(sample_db, sample_dir):
    year_end = extract_file(sample_dir / IGA)[0]
    db = open_db(sample_db)
    store(db, start_of_year(year_end), "early/iga-2021-digital.pdf")
    changed_copy(sample_dir / IGA, sample_dir / IGA, "reissued")  # the year-end file changes: it is replaced, not added
    run_batch([sample_dir], sample_db, workers=1)
    reissued = extract_file(sample_dir / IGA)[0].record.source.sha256

    versions = list(
        db.query(
            "SELECT sha256 AS manifesto, evaluated, version, versions, latest FROM versions WHERE fiscal_year = 2021 ORDER BY version"
        )
    )
    assert versions == [
        {"manifesto": "0" * 64, "evaluated": 0, "version": 1, "versions": 2, "latest": 0},
        {"manifesto": reissued, "evaluated": 1, "version": 2, "versions": 2, "latest": 1},
    ]
    overview = list(db.query("SELECT sha256 AS manifesto, goal, self_rating FROM goal_overview WHERE fiscal_year = 2021"))
    assert overview == [
        {"manifesto": reissued, "goal": g.number, "self_rating": g.self_rating} for g in year_end.record.goals
    ]


def test_overview_shows_the_latest_version_when_none_is_evaluated(tmp_path, sample_dir):
    early = start_of_year(extract_file(sample_dir / IGA)[0])
    db = open_db(tmp_path / "m.db")
    store(db, early, "early.pdf")
    assert [r["manifesto"] for r in db.query("SELECT DISTINCT sha256 AS manifesto FROM goal_overview")] == ["0" * 64]


def test_storing_the_same_extraction_again_replaces_it(tmp_path, sample_dir):
    extraction = extract_file(sample_dir / IGA)[0]
    db = open_db(tmp_path / "m.db")
    store(db, extraction, "a.pdf")
    store(db, extraction, "a.pdf")
    assert stored_rows(db, extraction.record.source.sha256) == expected_rows(extraction)


def test_a_text_layer_version_is_shown_before_an_ocr_scan_of_it(tmp_path, sample_dir):
    text = extract_file(sample_dir / IGA)[0]
    record = text.record
    scan = Extraction(
        record.model_copy(update={"ocr": True, "source": record.source.model_copy(update={"sha256": "1" * 64})}),
        text.traces,
    )
    db = open_db(tmp_path / "m.db")
    store(db, text, "text.pdf")
    store(db, scan, "scan.pdf")  # stored later, yet read by OCR
    assert [r["manifesto"] for r in db.query("SELECT DISTINCT sha256 AS manifesto FROM goal_overview")] == [record.source.sha256]
