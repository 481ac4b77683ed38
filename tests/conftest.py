"""Shared fixtures: the committed samples and their expected records."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlite_utils import Database

from extract.batch import run_batch
from extract.pipeline import Extraction

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BOOKLETS = SAMPLES / "booklets"  # files of several manifestos (scripts/make_booklets.py)


def expected_path(source: Path) -> Path:
    """Given a sample file, return its golden record's path (NAME.expected.json beside it)."""
    return source.with_name(source.stem + ".expected.json")


def golden_samples() -> list[Path]:
    """Every committed sample that has a golden record, PDFs and web pages alike."""
    return sorted(
        path
        for path in SAMPLES.rglob("*")
        if path.suffix in {".pdf", ".html", ".txt"} and expected_path(path).exists()
        and not {"scanned", "booklets"} & set(path.parts)  # OCR'd (scored apart), several records a file
        and '"manifestos"' not in expected_path(path).read_text(encoding="utf-8")[:200]  # a booklet elsewhere
    )


def one_manifesto_source(source: dict) -> dict:
    """Given an expected record's source (file, sha256, pages), return it as a file of one manifesto prints it:
    part 1, on every page of the file."""
    return {**source, "part": 1, "first_page": 1, "last_page": source["pages"]}


@pytest.fixture
def load_expected():
    def load(source: Path) -> dict:
        return json.loads(expected_path(source).read_text(encoding="utf-8"))

    return load


# --- databases built from the two named samples (tests of store, search, batch) ----

DB_SAMPLES = ("iga-2021-digital.pdf", "sample-2020-kenko.pdf")  # by name: the variants others add stay out
_OF_SHA = "manifesto IN (SELECT id FROM manifestos WHERE sha256 = :sha)"
PER_MANIFESTO = {
    "manifestos": "sha256 = :sha",
    "goals": _OF_SHA,
    "milestones": f"goal IN (SELECT id FROM goals WHERE {_OF_SHA})",
    "means": f"goal IN (SELECT id FROM goals WHERE {_OF_SHA})",
    "rating_scale": _OF_SHA,
    "warnings": _OF_SHA,
    "provenance": _OF_SHA,
}


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A fresh folder holding copies of the two named sample PDFs."""
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for name in DB_SAMPLES:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


@pytest.fixture
def sample_db(tmp_path: Path, sample_dir: Path) -> Path:
    """A database that `run_batch` built from sample_dir."""
    path = tmp_path / "manifestos.db"
    run_batch([sample_dir], path, workers=1)
    return path


def samples_database(folder: Path, municipality_code: str | None = None) -> Path:
    """Copy the two named samples into `folder` and batch them into folder/manifestos.db; return its path."""
    for name in DB_SAMPLES:
        shutil.copy(SAMPLES / name, folder / name)
    path = folder / "manifestos.db"
    run_batch([folder], path, workers=1, municipality_code=municipality_code)
    return path


def fts_index(db: Database, *, rebuilt: bool = False) -> dict[int, list[tuple]]:
    """Return goals_fts's tokens (term, column, offset) per goal, read from the index itself (fts5vocab).

    `rebuilt`: those of an index built afresh from the view goal_search, which goals_fts must equal.
    """
    from extract.fts import COLUMNS

    index = "goals_fts"
    if rebuilt:
        index = "temp.rebuilt_fts"
        db.execute(f"DROP TABLE IF EXISTS {index}")
        db.execute(f"CREATE VIRTUAL TABLE {index} USING fts5({', '.join(COLUMNS)}, tokenize='trigram')")
        db.execute(f"INSERT INTO {index} (rowid, {', '.join(COLUMNS)}) SELECT id, {', '.join(COLUMNS)} FROM goal_search")
    db.execute("DROP TABLE IF EXISTS temp.vocab")
    db.execute(f"CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, {index.split('.')[-1]}, instance)"
               if not rebuilt else "CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(temp, rebuilt_fts, instance)")
    tokens: dict[int, list[tuple]] = {}
    for term, doc, column, offset in db.execute("SELECT term, doc, col, offset FROM temp.vocab ORDER BY 2, 3, 4, 1"):
        tokens.setdefault(doc, []).append((term, column, offset))
    return tokens


def changed_copy(source: Path, target: Path, tag: str) -> Path:
    """Copy a PDF with a comment appended after %%EOF: new bytes and sha256, the same record."""
    target.write_bytes(source.read_bytes() + f"\n%{tag}\n".encode())
    return target


def expected_rows(extraction: Extraction) -> dict[str, int]:
    """Given an Extraction, return how many rows each table should hold for it."""
    record = extraction.record
    return {
        "manifestos": 1,
        "goals": len(record.goals),
        "milestones": sum(len(goal.milestones) for goal in record.goals),
        "means": sum(len(goal.means) for goal in record.goals),
        "rating_scale": len(record.rating_scale),
        "warnings": len(record.warnings),
        "provenance": len(extraction.traces),
    }


def stored_rows(db: Database, sha256: str) -> dict[str, int]:
    """Return how many rows each table holds for the manifesto with this sha256."""
    return {
        table: db.execute(f"SELECT count(*) FROM {table} WHERE {where}", {"sha": sha256}).fetchone()[0]
        for table, where in PER_MANIFESTO.items()
    }
