"""The fast reader (pdf_oxide, the default) gives exactly the pdfplumber reader's records, on every PDF we have.

Every PDF under samples/ and tests/fixtures/ — including sets added later — is read with
both readers and must give the same outcome: the same record, value for value, with its
values traced to the same pages and (within pdf_oxide's single-precision floats) boxes;
or the same error kind and message. A file the fast reader leaves to pdfplumber (a scan,
a rotated page, an encrypted or damaged file) is read by pdfplumber by construction.
"""

from __future__ import annotations

import io

import pikepdf
import pytest

import broken_pdfs
from conftest import ROOT, SAMPLES
from extract.errors import ExtractionError
from extract.limits import MAX_FILE_PAGES
from extract.readers import DEFAULT_READER
from extract.pipeline import extract_bytes
from extract import read_oxide as read_oxide_module
from extract.read_oxide import page_edges, read_oxide

PDFS = sorted(SAMPLES.rglob("*.pdf")) + sorted((ROOT / "tests" / "fixtures").rglob("*.pdf"))
MADE = {  # hand-made files of the error tests, each a way a file can fail or read
    "text": broken_pdfs.text_pdf, "garbled": broken_pdfs.garbled_pdf, "encrypted": broken_pdfs.encrypted_pdf,
    "image-only": broken_pdfs.image_only_pdf, "truncated": broken_pdfs.truncated_sample, "junk": broken_pdfs.junk_pdf,
}
BOX_TOLERANCE = 0.01  # points: pdf_oxide's coordinates are single-precision floats, pdfminer's double


def outcome(data: bytes, name: str, reader: str, password: str | None = None) -> tuple:
    """The records (with each value's path, page and box) a reader makes of a file, or its error."""
    try:
        found = extract_bytes(data, name, reader=reader, password=password)
    except ExtractionError as error:
        return ("error", error.kind, error.reason)
    records = [part.record.model_dump(mode="json") if hasattr(part, "record") else repr(part) for part in found]
    traces = [(t.path, t.page, t.bbox) for part in found for t in getattr(part, "traces", [])]
    return ("record", records, traces)


def assert_same(fast: tuple, plumber: tuple) -> None:
    assert fast[:2] == plumber[:2]
    if fast[0] == "record":
        assert [t[:2] for t in fast[2]] == [t[:2] for t in plumber[2]]
        for mine, theirs in zip(fast[2], plumber[2]):
            assert mine[2] == pytest.approx(theirs[2], abs=BOX_TOLERANCE), mine[0]
    else:
        assert fast[2] == plumber[2]


def test_the_fast_reader_is_the_default():
    assert DEFAULT_READER == "oxide"


@pytest.mark.parametrize("path", PDFS, ids=[str(p.relative_to(ROOT)) for p in PDFS])
def test_every_pdf_gives_the_pdfplumber_readers_record(path):
    data = path.read_bytes()
    if "scanned" in path.parts:  # OCR: both readers hand scans to the same OCR reader
        assert read_oxide(data, None, MAX_FILE_PAGES) is None
        return

    assert_same(outcome(data, path.name, "oxide"), outcome(data, path.name, "pdfplumber"))


@pytest.mark.parametrize("kind", MADE)
def test_every_made_file_gives_the_pdfplumber_readers_outcome(kind):
    data = MADE[kind]()

    assert_same(outcome(data, f"{kind}.pdf", "oxide"), outcome(data, f"{kind}.pdf", "pdfplumber"))


@pytest.mark.parametrize("password", ["secret", "wrong"])
def test_an_encrypted_file_with_a_password_gives_the_pdfplumber_readers_outcome(password):
    data = broken_pdfs.encrypted_pdf("secret")

    mine = outcome(data, "encrypted.pdf", "oxide", password)

    assert mine[:2] == ("error", "not_a_manifesto" if password == "secret" else "encrypted")
    assert_same(mine, outcome(data, "encrypted.pdf", "pdfplumber", password))


def test_a_file_encrypted_for_its_permissions_only_is_read_by_pdf_oxide_as_by_pdfplumber():
    with pikepdf.open(io.BytesIO(broken_pdfs.text_pdf())) as pdf:  # an empty user password: opens without one
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="", owner="owner", R=6))
    data = out.getvalue()

    assert read_oxide(data, None, MAX_FILE_PAGES) is not None
    assert_same(outcome(data, "permissions.pdf", "oxide"), outcome(data, "permissions.pdf", "pdfplumber"))


def test_text_pages_are_read_by_pdf_oxide_and_scans_rotated_pages_damage_left_to_pdfplumber():
    served = read_oxide((SAMPLES / "iga-2021-digital.pdf").read_bytes(), None, MAX_FILE_PAGES)
    assert served is not None and served.pages == 2 and served.rows
    for left in ("scanned/iga-2021-digital-scanned.pdf", "hard/xlsx-rotated-pages-r3-kanko.pdf"):
        assert read_oxide((SAMPLES / left).read_bytes(), None, MAX_FILE_PAGES) is None, left
    assert read_oxide(broken_pdfs.truncated_sample(), None, MAX_FILE_PAGES) is None
    for _ in range(2):  # pdf_oxide logs its warning about this file once a process: the font decides, not the log
        assert read_oxide(broken_pdfs.garbled_pdf(), None, MAX_FILE_PAGES) is None
    assert read_oxide(broken_pdfs.encrypted_pdf(), None, MAX_FILE_PAGES) is None
    assert read_oxide((SAMPLES / "iga-2021-digital.pdf").read_bytes(), None, 1) is None  # past the page limit


def test_paths_become_pdfplumbers_edges():
    height = 100.0
    line = {"operations": [{"op": "move_to", "x": 10, "y": 90}, {"op": "line_to", "x": 50, "y": 90}]}
    box = {"operations": [{"op": "rectangle", "x": 10, "y": 50, "width": 40, "height": 20}]}
    slanted = {"operations": [{"op": "move_to", "x": 0, "y": 0}, {"op": "line_to", "x": 5, "y": 5},
                              {"op": "line_to", "x": 5, "y": 20}]}

    edges = page_edges([slanted, box, line], height)

    found = [(e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges]
    assert found == [
        ("h", 10, 10, 50, 10),  # the line first, as pdfplumber lists lines, rectangles, curves
        ("h", 10, 30, 50, 30), ("h", 10, 50, 50, 50), ("v", 10, 30, 10, 50), ("v", 50, 30, 50, 50),
        (None, 0, 95, 5, 100), ("v", 5, 80, 5, 95),  # a curve's segments: slanted, then plumb
    ]


def test_a_file_pdf_oxide_cannot_parse_is_read_by_pdfplumber(monkeypatch):
    def refuse(data, password=None):
        raise OSError("PDF parse error")  # what pdf_oxide raises for a file it cannot parse

    monkeypatch.setattr(read_oxide_module.pdf_oxide.PdfDocument, "from_bytes", refuse)
    path = SAMPLES / "iga-2021-digital.pdf"

    assert read_oxide(path.read_bytes(), None, MAX_FILE_PAGES) is None
    assert outcome(path.read_bytes(), path.name, "oxide")[1][0]["department"] == "デジタル自治推進局"
