"""A scan made fit for OCR: its kind read from the PDF, turned upright, cleaned of shadows and uneven paper."""

from __future__ import annotations

import numpy as np
import pdfplumber
import pytest
from PIL import Image

from conftest import SAMPLES
from extract import ocr, scan_prepare
from extract.scan_image import ink_mask

SCANNED = SAMPLES / "scanned"
needs_tesseract = pytest.mark.skipif(not ocr.ocr_available(), reason="Tesseract is not installed (`make ocr`)")


def test_the_kind_of_scan_comes_from_the_page_image():
    with pdfplumber.open(SCANNED / "iga-2021-digital-fax.pdf") as pdf:
        fax = scan_prepare.scan_kind(pdf.pages[0])
    with pdfplumber.open(SCANNED / "sample-2020-kenko-scanned.pdf") as pdf:
        grey = scan_prepare.scan_kind(pdf.pages[0])
    with pdfplumber.open(SCANNED / "xlsx-landscape-eval-table-shared-mission-r4-somu-outlines.pdf") as pdf:
        vector = scan_prepare.scan_kind(pdf.pages[0])
    assert fax.bilevel and fax.dpi == pytest.approx(150, abs=1)
    assert not grey.bilevel and grey.dpi == pytest.approx(200, abs=1)
    assert vector == scan_prepare.ScanKind(bilevel=False, dpi=0.0)


@needs_tesseract
def test_orientation_gives_the_quarter_turn_that_sets_a_page_upright():
    with pdfplumber.open(SCANNED / "sample-2020-kenko-sideways.pdf") as pdf:
        first, second = (ocr.render(page) for page in pdf.pages)
    assert scan_prepare.orientation(first, ocr.RENDER_DPI) == 90  # fed turned a quarter counter-clockwise
    assert scan_prepare.orientation(second, ocr.RENDER_DPI) == 270
    upright = scan_prepare.turned(first, 90)
    assert scan_prepare.orientation(upright, ocr.RENDER_DPI) == 0
    assert scan_prepare.orientation(upright.rotate(180), ocr.RENDER_DPI) == 180


@needs_tesseract
def test_a_blank_page_stays_as_it_is():
    assert scan_prepare.orientation(Image.new("L", (1200, 1600), 255), 300) == 0


def page_with_text() -> np.ndarray:
    grey = np.full((800, 600), 255, dtype=np.uint8)
    for top in range(100, 700, 60):
        for left in range(100, 500, 12):
            grey[top : top + 20, left : left + 4] = 0  # lines of "glyph" strokes
    return grey


def test_a_shadow_band_at_the_edge_is_whitened_and_the_text_kept():
    grey = page_with_text()
    grey[:, :40] = 30  # the copier's shadow along the left edge
    clean = scan_prepare.without_edge_shadows(grey, ink_mask(grey))
    assert (clean[:, :40] == 255).all()
    assert (clean[100:700, 100:500] == grey[100:700, 100:500]).all()


def test_a_page_without_shadow_is_left_alone():
    grey = page_with_text()
    assert (scan_prepare.without_edge_shadows(grey, ink_mask(grey)) == grey).all()


def test_uneven_paper_is_flattened_to_white():
    grey = page_with_text().astype(np.float32)
    grey *= np.linspace(1.0, 0.75, grey.shape[1])[None, :]  # paper from white to grey 191 across the page
    flat = scan_prepare.flattened(grey.astype(np.uint8))
    assert flat[50, 560] > 240 and flat[110, 101] < 60  # the paper is white again, the ink is still ink


def test_shaded_cells_are_no_uneven_paper():
    grey = page_with_text()
    grey[100:200, 100:175] = 210  # one shaded block
    assert (scan_prepare.flattened(grey) == grey).all()


def test_a_coarse_scan_is_despeckled_for_its_text_and_closed_for_its_rules():
    grey = np.full((60, 200), 255, dtype=np.uint8)
    grey[28:32, 10:190] = 0  # a rule ...
    grey[28:32, 100:102] = 255  # ... that lost a pixel of a 150-dpi fax (2 px here)
    grey[10:20, 40:44] = 0  # a stroke ...
    grey[14, 41] = 255  # ... with a lost pixel inside
    closed = np.asarray(scan_prepare.closed(Image.fromarray(grey)))
    text = np.asarray(scan_prepare.despeckled(Image.fromarray(grey)))
    assert (closed[29:31, 10:190] < 140).all()
    assert text[14, 41] == 0 and (text[10:20, 46:50] == 255).all()  # filled, not thickened


def test_a_coarse_scans_second_image_for_its_text_is_smoothed_within_a_stroke_of_its_edges():
    grey = np.full((40, 40), 255, dtype=np.uint8)
    grey[10:30, 18:22] = 0  # a stroke
    smooth = np.asarray(scan_prepare.smoothed(Image.fromarray(grey)))
    assert 0 < smooth[20, 17] < 255 and 0 < smooth[20, 22] < 255  # its stair-step edges grey ...
    assert smooth[20, 19] < 128 and smooth[20, 10] == 255  # ... its core still ink, paper away from it untouched
