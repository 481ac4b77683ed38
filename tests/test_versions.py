"""versions: among copies of one manifesto, `latest` never picks a worse copy; search, export and report use it."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest
from sqlite_utils import Database

from broken_pdfs import truncated_sample
from conftest import SAMPLES
from extract.batch import run_batch
from extract.cli import main
from extract.export import export
from extract.models import ReadWarning
from extract.pipeline import Extraction, extract_file
from extract.search import search
from extract.store import open_db, store

IGA, KENKO = "iga-2021-digital.pdf", "sample-2020-kenko.pdf"


def copy_of(extraction: Extraction, tag: str, **changes) -> Extraction:
    """Another copy of the same manifesto: other bytes (sha256 of `tag`'s digit), with `changes` to the record."""
    record = extraction.record
    source = record.source.model_copy(update={"sha256": tag * 64})
    return Extraction(record.model_copy(update={"source": source, **changes}), extraction.traces)


def unrated(extraction: Extraction) -> list:
    return [g.model_copy(update={"self_rating": None, "rating_reason": None}) for g in extraction.record.goals]


REPAIRED = [ReadWarning(kind="repaired", message="the PDF was damaged and was read after repair with qpdf")]


def latest_path(db: Database) -> str:
    [row] = db.query("SELECT path FROM versions WHERE latest")
    return row["path"]


def test_an_intact_pdf_stays_latest_over_a_repaired_copy_stored_later(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(SAMPLES / KENKO, archive / KENKO)
    (archive / "kenko-copy.pdf").write_bytes(truncated_sample())  # read after qpdf repair, a newer file
    os.utime(archive / KENKO, (1_600_000_000, 1_600_000_000))

    summary = run_batch([archive], tmp_path / "m.db", workers=1)

    db = Database(tmp_path / "m.db")
    assert summary.stored == 2
    assert [w["kind"] for w in db.query("SELECT kind FROM warnings")] == ["repaired"]
    assert latest_path(db) == str(archive / KENKO)
    assert [row["intact"] for row in db.query("SELECT intact FROM versions ORDER BY version")] == [0, 1]


def test_the_order_evaluated_then_intact_then_text_layer_then_coverage_then_newest(tmp_path):
    text = extract_file(SAMPLES / IGA)[0]
    db = open_db(tmp_path / "m.db")
    copies = {  # stored in this order: each later one is worse by one step than all before it
        "evaluated": text,
        "unevaluated": copy_of(text, "1", goals=unrated(text)),
    }
    for path, extraction in copies.items():
        store(db, extraction, path)
    assert latest_path(db) == "evaluated"  # an evaluated version beats a later start-of-year one

    store(db, copy_of(text, "2", warnings=REPAIRED), "repaired")
    assert latest_path(db) == "evaluated"  # ... and intact beats repaired, though the repaired one is newer
    store(db, copy_of(text, "4", goals=unrated(text)), "unevaluated-2")
    assert latest_path(db) == "evaluated"

    store(db, copy_of(text, "5", ocr=True), "scan")
    assert latest_path(db) == "evaluated"  # text layer beats OCR

    store(db, copy_of(text, "6"), "text-2")  # a second intact text copy, the same in every way but newer
    assert latest_path(db) == "text-2"
    db.execute("UPDATE manifestos SET coverage = 0.9 WHERE path = 'evaluated'")
    db.execute("UPDATE manifestos SET coverage = 0.7 WHERE path = 'text-2'")
    assert latest_path(db) == "evaluated"  # higher coverage beats newer
    db.execute("UPDATE manifestos SET coverage = 0.9 WHERE path = 'text-2'")
    db.execute("UPDATE files SET mtime = '2020-01-01T00:00:00+00:00' WHERE path = 'text-2'")
    db.execute("UPDATE files SET mtime = '2021-01-01T00:00:00+00:00' WHERE path = 'evaluated'")
    assert latest_path(db) == "evaluated"  # the newer file wins a tie on everything else
    [count] = db.execute("SELECT DISTINCT versions FROM versions").fetchone()
    assert count == 6


@pytest.fixture
def with_scan(tmp_path):
    """The two samples' database plus an OCR copy of the Iga manifesto, stored last."""
    db_path = tmp_path / "m.db"
    db = open_db(db_path)
    for name in (IGA, KENKO):
        store(db, extract_file(SAMPLES / name)[0], name)
    store(db, copy_of(extract_file(SAMPLES / IGA)[0], "7", ocr=True), "scans/iga-2021-digital.pdf")
    db.close()
    return db_path


def test_search_shows_latest_versions_only_unless_all_versions(with_scan, capsys):
    db = Database(with_scan)
    assert {row["path"] for row in search(db, "公民連携")} == {IGA}
    assert {row["path"] for row in search(db, "DX")} == {IGA}  # the LIKE path too
    assert {row["path"] for row in search(db, "公民連携", all_versions=True)} == {IGA, "scans/iga-2021-digital.pdf"}
    assert main(["search", "--db", str(with_scan), "--all-versions", "--format", "csv", "公民連携"]) == 0
    assert capsys.readouterr().out.count("iga-2021-digital.pdf") == 2


def test_export_holds_the_latest_goals_and_each_goal_row_says_its_version(with_scan, tmp_path):
    latest_goals = sum(len(extract_file(SAMPLES / name)[0].record.goals) for name in (IGA, KENKO))
    export(with_scan, tmp_path / "latest", ["csv"])
    goals = pd.read_csv(tmp_path / "latest" / "goals.csv")
    overview = pd.read_csv(tmp_path / "latest" / "goal_overview.csv")
    assert len(goals) == len(overview) == latest_goals
    assert set(goals["最新版"]) == {True}  # the CSV headers are Japanese (the data package names each in English)
    assert set(zip(goals["年度"], goals["和暦年度"], goals["部局名"])) == {
        (2021, "令和3", "デジタル自治推進局"), (2020, "令和2", "健康福祉部")
    }

    export(with_scan, tmp_path / "all", ["csv"], all_versions=True)
    goals = pd.read_csv(tmp_path / "all" / "goals.csv")
    iga = goals[goals["年度"] == 2021]
    assert len(goals) == latest_goals + len(extract_file(SAMPLES / IGA)[0].record.goals)
    assert sorted(set(zip(iga["版"], iga["最新版"]))) == [(1, False), (2, True)]


def test_report_charts_latest_goals_unless_all_versions(with_scan, tmp_path):
    from extract.report import write_report

    latest = write_report(with_scan, tmp_path / "latest.html").read_text(encoding="utf-8")
    every = write_report(with_scan, tmp_path / "all.html", all_versions=True).read_text(encoding="utf-8")
    assert "<th>部局目標 (最新版)</th><td>7</td>" in latest
    assert "<th>部局目標 (全版)</th><td>11</td>" in every
