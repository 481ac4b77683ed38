"""extract.segment: a file holding several manifestos (a booklet) yields one record each, and nothing else.

The first tests spell out the rules on small hand-made documents; the rest read the generated
booklets of samples/booklets/ (scripts/make_booklets.py), whose expected records were written from
the content, and check that `manifesto extract` and `batch` both give exactly those records.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlite_utils import Database

from conftest import BOOKLETS, ROOT, expected_path
from extract import limits
from extract.batch import run_batch
from extract.document import Cell, Document, Line, Row
from extract.pipeline import Extraction, FailedPart, extract_bytes, extract_file
from extract.vocabulary import load_vocabulary
from extract.segment import segment
from extract.store import read_records

sys.path.insert(0, str(ROOT / "scripts"))
from make_booklets import FORTY, assemble  # noqa: E402  (pikepdf only: the 40-department booklet is made here)

BOOKLET_FILES = sorted(BOOKLETS.glob("*.pdf"))

VOCABULARY = load_vocabulary()


# --- the rules, on hand-made pages ------------------------------------------------------------


def _cell(text: str, page: int, x: float) -> Cell:
    box = (x, 0.0, x + 10, 10.0)
    return Cell((Line(text, page, box),), page, box)


def _row(page: int, *texts: str) -> Row:
    return Row(tuple(_cell(text, page, 20.0 * i) for i, text in enumerate(texts)), page, None)


def page(number: int, department: str | None = None, goals: tuple[int, ...] = (), text: str = "") -> list[Row]:
    """One page's rows: a 部局名 header naming `department`, a label | value goal per number, free `text`."""
    rows = [_row(number, "部局名", department)] if department else []
    for goal in goals:
        rows += [_row(number, f"◎部局目標{goal}"), _row(number, "組織使命達成に向けての目標", f"目標{goal}の文")]
    return rows + ([_row(number, text)] if text else [])


def document(*pages: list[Row], count: int | None = None) -> Document:
    rows = [row for rows in pages for row in rows]
    return Document(rows, count or len(pages))


def ranges(doc: Document) -> list[tuple[int, int, tuple[int, ...]]]:
    return [(part.first_page, part.last_page, part.skipped) for part in segment(doc, VOCABULARY)]


def test_one_manifesto_over_several_pages_is_one_part():
    assert ranges(document(page(1, "総務部", (1, 2)), page(2, goals=(3,)))) == [(1, 2, ())]


def test_each_department_header_starts_a_manifesto():
    doc = document(page(1, "総務部", (1, 2)), page(2, goals=(3,)), page(3, "建設部", (1,)), page(4, "消防本部", (1, 2)))
    assert ranges(doc) == [(1, 2, ()), (3, 3, ()), (4, 4, ())]


def test_a_header_repeated_on_each_page_continues_its_manifesto():
    assert ranges(document(page(1, "総務部", (1, 2)), page(2, "総務部", (3, 4)))) == [(1, 2, ())]


def test_the_same_department_numbering_goals_from_1_again_is_a_new_manifesto():
    assert ranges(document(page(1, "総務部", (1, 2)), page(2, "総務部", (1, 2)))) == [(1, 1, ()), (2, 2, ())]


def test_pages_of_no_manifesto_are_skipped_and_named_by_the_next_record_or_the_last():
    doc = document(
        page(1, text="部局マニフェスト集"), page(2, text="目次"), page(3, "総務部", (1,)),
        page(4, text="議案第15号"), page(5, "建設部", (1,)), page(6, text="報告第3号"), page(7),
    )
    assert ranges(doc) == [(3, 3, (1, 2)), (5, 5, (4, 6))]  # page 7 is blank: nothing was lost there
    (warning,) = segment(doc, VOCABULARY)[1].warnings()
    assert (warning.kind, warning.page) == ("skipped_pages", 4) and "4, 6" in warning.message


def test_a_file_without_a_department_header_is_one_part_of_every_page():
    assert ranges(document(page(1, text="Hello"), page(2, goals=(1,)))) == [(1, 2, ())]


def test_parts_keep_the_files_page_numbers():
    doc = document(page(1, "総務部", (1,)), page(2, "建設部", (1,)))
    second = segment(doc, VOCABULARY)[1].document
    assert {row.page for row in second.rows} == {2} and second.pages == 2


# --- the generated booklets ---------------------------------------------------------------------


def expected_of(path) -> dict:
    return json.loads(expected_path(path).read_text(encoding="utf-8"))


def contract_fields(record: dict, expected: dict) -> dict:
    """The record's fields that its expected record names (ocr and warnings are the tool's own)."""
    return {key: record[key] for key in expected}


def skipped_pages(records: list[dict]) -> list[int]:
    return sorted(
        int(page) for record in records for warning in record["warnings"] if warning["kind"] == "skipped_pages"
        for page in warning["message"].split(" of the file")[0].removeprefix("page(s) ").split(", ")
    )


@pytest.mark.parametrize("path", BOOKLET_FILES, ids=[p.name for p in BOOKLET_FILES])
def test_each_booklet_yields_exactly_its_expected_records(path):
    expected = expected_of(path)
    outcomes = extract_file(path)
    records = [o.record.model_dump(mode="json") for o in outcomes if isinstance(o, Extraction)]
    failed = [{"part": o.part, "first_page": o.first_page, "last_page": o.last_page, "kind": o.error.kind}
              for o in outcomes if isinstance(o, FailedPart)]
    assert [contract_fields(r, e) for r, e in zip(records, expected["manifestos"])] == expected["manifestos"]
    assert len(records) == len(expected["manifestos"]) and failed == expected["failed"]
    assert skipped_pages(records) == expected["skipped_pages"]


@pytest.mark.parametrize("jsonl", [False, True], ids=["documents", "jsonl"])
def test_cli_prints_one_json_document_per_manifesto(jsonl):
    path = BOOKLETS / "booklet-xlsx-cover-toc-eight-departments.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "extract.cli", "extract", str(path), *(["--jsonl"] if jsonl else [])],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    decoder, position, printed = json.JSONDecoder(), 0, []
    while position < len(result.stdout.rstrip()):
        record, position = decoder.raw_decode(result.stdout, position)
        printed.append(record)
        position += 1
    assert [r["department"] for r in printed] == [e["department"] for e in expected_of(path)["manifestos"]]
    if jsonl:
        assert len(result.stdout.splitlines()) == len(printed)


def test_cli_prints_the_good_parts_and_one_line_per_failed_part():
    path = BOOKLETS / "booklet-cover-damaged-department.pdf"
    result = subprocess.run([sys.executable, "-m", "extract.cli", "extract", "--jsonl", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 3
    assert len(result.stdout.splitlines()) == len(expected_of(path)["manifestos"])
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {path}: incomplete: part 2 (page 4): ")


def test_batch_stores_every_part_and_records_the_failed_one(tmp_path):
    db_path = tmp_path / "m.db"
    summary = run_batch(BOOKLET_FILES, db_path, workers=1)
    db = Database(db_path)
    stored = {(r.source.file, r.source.part): r.model_dump(mode="json") for r in read_records(db, all_versions=True)}
    for path in BOOKLET_FILES:  # extract and batch agree, part for part
        for outcome in extract_file(path):
            if isinstance(outcome, Extraction):
                expected = outcome.record.model_dump(mode="json")
                assert stored[(path.name, outcome.record.source.part)] == expected
    assert len(stored) == sum(len(expected_of(path)["manifestos"]) for path in BOOKLET_FILES)
    failures = list(db.query("SELECT path, part, kind FROM failures"))
    damaged = BOOKLETS / "booklet-cover-damaged-department.pdf"
    assert failures == [{"path": str(damaged), "part": 2, "kind": "incomplete"}]
    assert (summary.stored, summary.failed) == (len(BOOKLET_FILES) - 1, 1)

    again = run_batch(BOOKLET_FILES, db_path, workers=1)  # unchanged: skipped, and the failed part still recorded
    assert again.unchanged == len(BOOKLET_FILES)
    assert list(db.query("SELECT path, part, kind FROM failures")) == failures


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    """A booklet of 40 departments (over 100 pages), assembled from the samples, and its expected record."""
    data, expected = assemble("forty-departments", FORTY, {})
    path = tmp_path_factory.mktemp("forty") / "forty-departments.pdf"
    path.write_bytes(data)
    return path, expected


def test_a_40_department_booklet_is_not_refused_by_the_manifesto_page_limit_and_is_stored_whole(forty, tmp_path):
    path, expected = forty
    assert expected["manifestos"][0]["source"]["pages"] > limits.MAX_MANIFESTO_PAGES
    summary = run_batch([path], tmp_path / "m.db", workers=1)
    assert (summary.stored, summary.failed) == (1, 0)
    records = [r.model_dump(mode="json") for r in read_records(Database(tmp_path / "m.db"), all_versions=True)]
    records.sort(key=lambda r: r["source"]["part"])
    assert [contract_fields(r, e) for r, e in zip(records, expected["manifestos"])] == expected["manifestos"]
    assert len(records) == 40


def test_the_page_limit_applies_to_each_manifesto(monkeypatch):
    monkeypatch.setattr(limits, "MAX_MANIFESTO_PAGES", 2)
    path = BOOKLETS / "booklet-xlsx-cover-toc-eight-departments.pdf"
    outcomes = extract_bytes(path.read_bytes(), path.name)
    too_long = [e["source"]["part"] for e in expected_of(path)["manifestos"]
                if e["source"]["last_page"] - e["source"]["first_page"] >= 2]
    assert [o.part for o in outcomes if isinstance(o, FailedPart) and o.error.kind == "too_large"] == too_long
    assert len([o for o in outcomes if isinstance(o, Extraction)]) == 8 - len(too_long)


def test_a_booklet_replaced_by_a_file_of_one_manifesto_leaves_no_stale_part(tmp_path):
    path, db_path = tmp_path / "year.pdf", tmp_path / "m.db"
    path.write_bytes((BOOKLETS / "booklet-xlsx-two-one-page-departments.pdf").read_bytes())
    run_batch([path], db_path, workers=1)
    assert Database(db_path).execute("SELECT count(*) FROM manifestos").fetchone()[0] == 2

    path.write_bytes((ROOT / "samples" / "iga-2021-digital.pdf").read_bytes())
    run_batch([path], db_path, workers=1)
    assert [(r.source.part, r.department) for r in read_records(Database(db_path))] == [(1, "デジタル自治推進局")]
