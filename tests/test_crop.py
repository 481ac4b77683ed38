"""extract.crop: the highlighted piece of the page where a value was printed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from conftest import SAMPLES
from extract.crop import HIGHLIGHT, MARGIN, SCALE, crop_box, crop_png
from extract.errors import UsageError
from extract.pipeline import extract_file

IGA = SAMPLES / "iga-2021-digital.pdf"


def test_crop_box_adds_the_margin_and_stays_on_the_page():
    assert crop_box((100, 200, 300, 220), (842, 595)) == (100 - MARGIN, 200 - MARGIN, 300 + MARGIN, 220 + MARGIN)
    assert crop_box((5, 2, 840, 594), (842, 595)) == (0.0, 0.0, 842, 595)


def test_the_crop_of_goal_4_objective_shows_its_box_highlighted_with_ink_inside():
    trace = next(t for t in extract_file(IGA)[0].traces if t.path == "goals[3].objective")
    image = Image.open(io.BytesIO(crop_png(IGA.read_bytes(), trace.page, trace.bbox))).convert("RGB")
    x0, top, x1, bottom = trace.bbox
    width, height = (x1 - x0 + 2 * MARGIN) * SCALE, (bottom - top + 2 * MARGIN) * SCALE
    assert abs(image.size[0] - width) <= 1 and abs(image.size[1] - height) <= 1  # pixels rounded at each edge
    inside = image.crop((round(MARGIN * SCALE) + 4, round(MARGIN * SCALE) + 4,
                         image.size[0] - round(MARGIN * SCALE) - 4, image.size[1] - round(MARGIN * SCALE) - 4))
    colours = {colour for _, colour in inside.getcolors(1 << 20)}
    tinted_paper = tuple(round(255 * (1 - HIGHLIGHT[3] / 255) + c * HIGHLIGHT[3] / 255) for c in HIGHLIGHT[:3])
    assert any(max(abs(a - b) for a, b in zip(colour, tinted_paper)) <= 2 for colour in colours)  # the tint
    assert any(sum(colour) < 200 for colour in colours)  # dark glyphs: the text is there
    outside = image.getpixel((2, 2))
    assert min(outside) > 240  # the margin is untinted paper


def test_a_web_page_or_a_missing_page_is_a_usage_error():
    with pytest.raises(UsageError, match="not a readable PDF"):
        crop_png(b"<html></html>", 1, (0, 0, 1, 1))
    with pytest.raises(UsageError, match="page 9 is not in the document"):
        crop_png(IGA.read_bytes(), 9, (0, 0, 1, 1))
