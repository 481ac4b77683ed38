"""The optional pdfium reader: the golden record of both real-format samples; pdfplumber where pdfium cannot serve."""

from __future__ import annotations

import json

import pytest

from conftest import SAMPLES, expected_path, one_manifesto_source
from extract.cli import main
from extract.pipeline import extract_file
from extract.read_pdfium import read_pdfium

REAL_FORMAT = ("iga-2021-digital.pdf", "sample-2020-kenko.pdf")


@pytest.mark.parametrize("name", REAL_FORMAT)
def test_pdfium_reads_the_golden_record(name):
    expected = json.loads(expected_path(SAMPLES / name).read_text(encoding="utf-8"))

    record = extract_file(SAMPLES / name, reader="pdfium")[0].record.model_dump(mode="json")

    assert {key: record[key] for key in expected} == {**expected, "source": one_manifesto_source(expected["source"])}


@pytest.mark.parametrize("name", REAL_FORMAT)
def test_pdfium_finds_the_same_table_rows_as_pdfplumber(name):
    by_pdfium = extract_file(SAMPLES / name, reader="pdfium")[0]
    by_pdfplumber = extract_file(SAMPLES / name)[0]

    assert [(t.path, t.page) for t in by_pdfium.traces] == [(t.path, t.page) for t in by_pdfplumber.traces]
    for mine, theirs in zip(by_pdfium.traces, by_pdfplumber.traces):
        assert mine.bbox == pytest.approx(theirs.bbox, abs=3), mine.path  # pdfium measures from the baseline


def test_rotated_and_scanned_pages_are_left_to_pdfplumber():
    rotated = SAMPLES / "hard" / "xlsx-rotated-pages-r3-kanko.pdf"
    scanned = SAMPLES / "scanned" / "iga-2021-digital-scanned.pdf"
    for path in (rotated, scanned):
        assert read_pdfium(path.read_bytes(), None, 100) is None, path.name


def test_cli_extract_with_pdfium_prints_the_record(capsys):
    code = main(["extract", str(SAMPLES / REAL_FORMAT[0]), "--reader", "pdfium"])

    assert code == 0
    assert json.loads(capsys.readouterr().out)["department"] == "デジタル自治推進局"


def test_pdfium_leaves_a_searchable_scan_to_the_ocr_reader():
    data = (SAMPLES / "scanned" / "docx-landscape-row-split-no-header-r4-shobo-searchable.pdf").read_bytes()
    assert read_pdfium(data, None, 10) is None  # its invisible text is another program's OCR: not read as text
    assert read_pdfium((SAMPLES / "iga-2021-digital.pdf").read_bytes(), None, 10) is not None
