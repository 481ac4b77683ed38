"""pdfplumber's reading of a page: what it hands to the layout step, and when a page must be read by OCR."""

from __future__ import annotations

import pdfplumber
import pytest

from conftest import SAMPLES
from extract.read_pdf import PageObjects, plumber_objects, text_render_modes

# --- pages read from their pixels: scans, searchable scans, outlined text ------------------

SCANNED = SAMPLES / "scanned"


@pytest.mark.parametrize(
    ("chars", "images", "curves", "invisible", "reason"),
    [
        (0, True, 0, False, "scan"),
        (5, True, 0, True, "invisible_text"),  # a searchable scan: another program's OCR under the image
        (5, True, 0, False, None),  # a text PDF with a logo
        (0, False, 400, False, "outlines"),  # text turned into vector paths
        (0, False, 20, False, None),  # a drawing, or a blank table
        (5, False, 400, False, None),  # text with a chart
    ],
)
def test_a_page_is_read_by_ocr_when_its_text_layer_cannot_serve(chars, images, curves, invisible, reason):
    objects = PageObjects([{"text": "あ"}] * chars, [], images, curves, invisible)
    assert objects.ocr_reason == reason


def test_text_render_modes_tell_a_searchable_scan_from_a_text_pdf():
    with pdfplumber.open(SCANNED / "docx-landscape-row-split-no-header-r4-shobo-searchable.pdf") as pdf:
        assert text_render_modes(pdf.pages[0]) == {3}
        assert plumber_objects(pdf.pages[0]).ocr_reason == "invisible_text"
    with pdfplumber.open(SAMPLES / "iga-2021-digital.pdf") as pdf:
        assert 0 in text_render_modes(pdf.pages[0]) and plumber_objects(pdf.pages[0]).ocr_reason is None


def test_outlined_text_has_no_characters_but_many_paths():
    with pdfplumber.open(SCANNED / "xlsx-landscape-eval-table-shared-mission-r4-somu-outlines.pdf") as pdf:
        objects = plumber_objects(pdf.pages[0])
    assert not objects.chars and not objects.has_images and objects.ocr_reason == "outlines"
