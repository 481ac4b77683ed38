"""OCR of scanned manifestos: the image steps on synthetic pictures, then the scanned fixtures end to end.

The fixtures (samples/scanned, made by scripts/make_scanned.py) must come back with
their structure exact (fiscal year, era, goal numbers, ratings, pages, milestone dates)
and their text above MIN_CHAR_ACCURACY: measured 0.992 and 0.995, less a margin for
another Tesseract build.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata

import numpy as np
import pytest
import regex
from PIL import Image, ImageDraw

from conftest import SAMPLES
from extract import ocr, scan_image
from extract.document import Line
from extract.pipeline import extract_file

SCANNED = SAMPLES / "scanned"
FIXTURES = ["sample-2020-kenko", "iga-2021-digital"]
MIN_CHAR_ACCURACY = 0.97
TEXT_FIELDS = ("department", "position", "head", "aspiration")
GOAL_TEXT_FIELDS = ("mission", "objective", "current_state", "target", "achieved_state", "rating_reason")

needs_tesseract = pytest.mark.skipif(
    not ocr.ocr_available(), reason="Tesseract with its jpn model is not installed (`make ocr` installs it)"
)


# --- the image steps -----------------------------------------------------------------------


def grid_image(skew: float = 0.0) -> Image.Image:
    """A white page with a ruled 3-row × 2-column table, a filled disc and a few short strokes."""
    image = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(image)
    for y in (100, 250, 400, 550):
        draw.line((100, y, 900, y), fill=0, width=3)
    for x in (100, 500, 900):
        draw.line((x, 100, x, 550), fill=0, width=3)
    draw.ellipse((950, 650, 1150, 850), fill=0)  # a thick shape is no rule
    for x in range(150, 450, 30):
        draw.line((x, 150, x + 15, 150), fill=0, width=3)  # glyph-sized strokes are no rules
    return image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255) if skew else image


def test_skew_angle_undoes_a_crooked_scan():
    ink = scan_image.ink_mask(np.asarray(grid_image(skew=1.2)))
    assert scan_image.skew_angle(ink) == pytest.approx(-1.2, abs=0.1)


def test_skew_angle_of_a_blank_page_is_zero():
    assert scan_image.skew_angle(np.zeros((100, 100), dtype=bool)) == 0.0


def test_rules_are_long_thin_runs_of_ink():
    ink = scan_image.ink_mask(np.asarray(grid_image()))
    horizontal = scan_image.horizontal_rules(ink, min_length=60, max_thickness=10)
    vertical = scan_image.vertical_rules(ink, min_length=60, max_thickness=10)
    assert [round((r.first + r.last) / 2) for r in horizontal] == [100, 250, 400, 550]
    assert [round((r.first + r.last) / 2) for r in vertical] == [100, 500, 900]
    assert all(r.start <= 101 and r.end >= 899 for r in horizontal)


def test_erased_rules_leave_no_ink():
    grey = np.asarray(grid_image())
    ink = scan_image.ink_mask(grey)
    rules = scan_image.horizontal_rules(ink, 60, 10), scan_image.vertical_rules(ink, 60, 10)
    clean = scan_image.ink_mask(scan_image.erase_rules(grey, *rules))
    assert not clean[90:110, 200:450].any() and clean[140:160, 150:450].any()  # the strokes stay


def test_rule_lines_are_pdfplumber_lines_in_points():
    flat, upright = ocr.rule_lines([scan_image.Rule(10, 110, 20, 22)], [scan_image.Rule(5, 55, 30, 30)], scale=0.5)
    assert flat == [
        {"object_type": "line", "x0": 5.0, "x1": 55.0, "top": 10.5, "bottom": 10.5, "width": 50.0, "height": 0.0}
    ]
    assert (upright[0]["x0"], upright[0]["top"], upright[0]["bottom"]) == (15.0, 2.5, 27.5)


def test_text_bands_split_at_blank_rows_and_keep_split_glyphs_whole():
    rows = np.zeros(100, dtype=bool)
    rows[10:30] = True  # a line
    rows[35:55] = True  # a line
    rows[60:64] = rows[66:70] = True  # 二: two strokes, each a low band
    assert scan_image.text_bands(rows) == [(10, 30), (35, 55), (60, 70)]


def test_cell_text_lines_are_trimmed_to_their_ink():
    ink = np.zeros((100, 200), dtype=bool)
    ink[10:30, 20:120] = ink[40:60, 30:80] = True
    assert scan_image.cell_text_lines(ink, (0, 0, 200, 100)) == [(20, 10, 120, 30), (30, 40, 80, 60)]


def test_ink_box_is_none_for_specks():
    ink = np.zeros((50, 50), dtype=bool)
    ink[5, 5] = True
    assert scan_image.ink_box(ink, (0, 0, 50, 50)) is None


def test_loose_text_lines_split_at_wide_gaps():
    ink = np.zeros((100, 1000), dtype=bool)
    ink[10:30, 10:200] = ink[10:30, 600:700] = True
    assert scan_image.loose_text_lines(ink, cell_gap=2.5) == [[(10, 10, 200, 30), (600, 10, 700, 30)]]


TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "1\t1\t0\t0\t0\t0\t0\t0\t300\t40\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t10\t5\t40\t30\t90.0\t部局\n"
    "5\t1\t1\t1\t1\t2\t52\t5\t20\t30\t80.0\t名\n"
    "5\t2\t1\t1\t1\t1\t10\t5\t20\t30\t70.5\t4\n"
    "5\t2\t1\t1\t1\t2\t40\t5\t20\t30\t70.5\t \n"
)


def test_parse_tsv_keeps_words_per_image():
    words = ocr.parse_tsv(TSV)
    assert [w.text for w in words[1]] == ["部局", "名"] and [w.text for w in words[2]] == ["4"]
    assert words[1][0] == ocr.Word((1, 1, 1), 10, 5, 40, 30, 90.0, "部局")


def test_words_join_with_a_space_only_across_a_wide_ink_gap():
    words = [ocr.Word((1, 1, 1), 10, 5, 40, 30, 90.0, "設置"), ocr.Word((1, 1, 1), 52, 5, 20, 30, 80.0, "完了"),
             ocr.Word((1, 1, 1), 150, 5, 20, 30, 70.0, "5月")]
    [line] = ocr.words_to_lines(words, spaces=[(190, 240)], origin=(100, 200), scale=0.5, page=2)
    assert line.text == "設置完了 5月" and line.page == 2 and line.confidence == 80.0
    assert line.bbox == (55.0, 102.5, 135.0, 117.5)


def test_space_gaps_are_measured_on_the_ink():
    ink = np.zeros((20, 200), dtype=bool)
    ink[:, 0:30] = ink[:, 33:60] = ink[:, 100:130] = True
    assert scan_image.space_gaps(ink, (0, 0, 130, 20)) == [(60, 100)]


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("く現在の状態> 感染症に関する", "〈現在の状態〉 感染症に関する"),
        ("《達成目標〉", "〈達成目標〉"),
        ("現在の状態〉", "〈現在の状態〉"),
        ("@⑥部局目標1", "◎部局目標1"),
        ("!", "↓"),
        (")", "↓"),
        ("・休日健診の実施9月一11月", "・休日健診の実施9月～11月"),
        ("達成目標が高い", "達成目標が高い"),  # running text starting with the word: untouched
        ("一人ひとり", "一人ひとり"),
        ("4", "4"),
        ("部局目標", "部局目標"),
    ],
)
def test_repair_markers(read, repaired):
    assert ocr.repair_markers(read) == repaired


def line(text: str, confidence: float = 90.0) -> Line:
    return Line(text, 1, (0.0, 0.0, 10.0, 10.0), confidence)


def test_repair_label_reads_a_near_miss_as_the_label():
    [fixed] = ocr.repair_label([line("組織使命轄成に向けて", 80.0), line("の目標", 70.0)])
    assert fixed.text == "組織使命達成に向けての目標" and fixed.confidence == 70.0


@pytest.mark.parametrize("text", ["◎部局目標1", "部局目標", "健康福祉部", "4", "市民の健康を守る"])
def test_repair_label_leaves_markers_labels_and_content_alone(text):
    assert ocr.repair_label([line(text)])[0].text == text


# --- the scanned fixtures, end to end -------------------------------------------------------


def test_scanned_fixtures_expect_the_originals_record():
    for stem in FIXTURES:
        scan = SCANNED / f"{stem}-scanned.pdf"
        expected = json.loads((SCANNED / f"{stem}-scanned.expected.json").read_text(encoding="utf-8"))
        original = json.loads((SAMPLES / f"{stem}.expected.json").read_text(encoding="utf-8"))
        assert {**expected, "source": original["source"]} == original
        assert expected["source"]["sha256"] == hashlib.sha256(scan.read_bytes()).hexdigest()
        assert expected["source"]["file"] == scan.name


def structure(record: dict) -> dict:
    """What OCR must get exactly right: score_ocr.py's structure."""
    return {
        "fiscal_year": record["fiscal_year"],
        "era": record["era"],
        "goals": [
            (g["number"], g["self_rating"], g["page"], [(m["start"], m["end"]) for m in g["milestones"]])
            for g in record["goals"]
        ],
    }


def _norm(text: str | None) -> str:
    return regex.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def char_accuracy(got: str | None, want: str | None) -> float:
    """1 - edit distance / length of the wanted text, after NFKC and removing whitespace."""
    a, b = _norm(got), _norm(want)
    if not b:
        return 1.0 if not a else 0.0
    previous = list(range(len(a) + 1))
    for j, wanted in enumerate(b, 1):
        current = [j] + [0] * len(a)
        for i, read in enumerate(a, 1):
            current[i] = min(previous[i] + 1, current[i - 1] + 1, previous[i - 1] + (read != wanted))
        previous = current
    return max(0.0, 1 - previous[len(a)] / len(b))


def text_accuracy(record: dict, truth: dict) -> float:
    """Mean character accuracy over the text fields and means items, as score_ocr.py averages them."""
    scores = [char_accuracy(record.get(k), truth.get(k)) for k in TEXT_FIELDS]
    for index, want in enumerate(truth["goals"]):
        got = record["goals"][index] if index < len(record["goals"]) else {}
        scores += [char_accuracy(got.get(k), want.get(k)) for k in GOAL_TEXT_FIELDS]
        means = got.get("means") or []
        scores += [char_accuracy(means[i] if i < len(means) else "", m) for i, m in enumerate(want["means"])]
    return sum(scores) / len(scores)


@pytest.fixture(scope="module")
def scanned_extractions():
    return {stem: extract_file(SCANNED / f"{stem}-scanned.pdf") for stem in FIXTURES}


@needs_tesseract
@pytest.mark.parametrize("stem", FIXTURES)
def test_ocr_reads_the_structure_exactly(stem, scanned_extractions):
    record = scanned_extractions[stem].record.model_dump(mode="json")
    truth = json.loads((SCANNED / f"{stem}-scanned.expected.json").read_text(encoding="utf-8"))
    assert structure(record) == structure(truth)
    assert record["source"] == truth["source"]
    assert record["ocr"] is True


@needs_tesseract
@pytest.mark.parametrize("stem", FIXTURES)
def test_ocr_reads_the_text_accurately(stem, scanned_extractions):
    record = scanned_extractions[stem].record.model_dump(mode="json")
    truth = json.loads((SCANNED / f"{stem}-scanned.expected.json").read_text(encoding="utf-8"))
    assert text_accuracy(record, truth) >= MIN_CHAR_ACCURACY
    assert [(s["score"], _norm(s["label"])) for s in record["rating_scale"]] == [
        (s["score"], _norm(s["label"])) for s in truth["rating_scale"]
    ]


@needs_tesseract
def test_ocr_values_keep_their_word_confidence_in_provenance(scanned_extractions):
    traces = scanned_extractions["iga-2021-digital"].traces
    missions = [t for t in traces if t.path.endswith(".mission")]
    assert missions and all(t.confidence is not None and 0 <= t.confidence <= 100 for t in traces)
    assert {t.page for t in missions} == {1, 2}
