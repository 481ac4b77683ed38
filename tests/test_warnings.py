"""Every kind of warning a record can carry, each on a document that earns it, and nothing on a clean one.

`test_every_warning_kind_in_the_code_is_tested` reads the kinds out of the source,
so a new kind without a case here fails the suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

import broken_pdfs
from conftest import BOOKLETS
from extract.document import Cell, Document, Line, Row
from extract.errors import ExtractionError
from extract.pipeline import extract_bytes
from extract.readable import GARBLED_SHARE, PARTLY_GARBLED_SHARE, check_readable, unreadable_share

SOURCE_DIR = Path(__file__).resolve().parent.parent / "extract"
HEADER = "2022(令和4)年度 部局マニフェスト\n\n部局名\t総務部\n役職\t部長\n氏名\t山田 太郎\n\n"
LEGEND = "業績目標の達成状況\n5. 先進的\n3. 達成\n1. 取り組まず\n\n"
COLUMNS = "組織使命\t組織使命達成に向けての目標\t目標の達成水準\t目標を達成するための手段\n"
LEVEL = "<p>〈現在の状態〉 今</p><p>〈達成目標〉</p><p>・公表 9月</p>"


def capture(goals: str = "", *, legend: str = LEGEND, rating: str = "") -> bytes:
    """A tab-separated text capture of a manifesto (the web reader's input), as bytes."""
    goals = goals or f"◎部局目標1\n市民の安全を守る\t防災力の向上\t{LEVEL}\t・手段\n"
    text = HEADER + legend + COLUMNS + goals
    if rating:
        text += f"\n達成状況(自己評価)\t理由\n{rating}\t説明\n"
    return text.encode()


def warnings_of(data: bytes, name: str = "m.txt") -> list[tuple[str, int | None]]:
    return [(w.kind, w.goal) for w in extract_bytes(data, name)[0].record.warnings]


def goal(number: int, level: str = LEVEL) -> str:
    return f"◎部局目標{number}\n市民の安全を守る\t防災力の向上\t{level}\t・手段\n"


# kind → a document earning exactly that warning (and no other), with the goal it names
CASES: dict[str, tuple[bytes, int | None]] = {
    "section_missing": (capture(legend=""), None),
    "goal_numbers": (capture(goal(1) + goal(3)), None),
    "milestone_period": (capture(goal(1, "<p>〈達成目標〉</p><p>・公表 13月</p>")), 1),
    "rating_unreadable": (capture(rating="済"), 1),
    "rating_outside_legend": (capture(rating="4"), 1),
    "garbled_text": (capture(goal(1, "<p>〈現在の状態〉 今(cid:3)(cid:4)(cid:5)(cid:6)(cid:7)</p>")), None),
    "goal_incomplete": (capture("◎部局目標1\n市民の安全を守る\t\t<p>〈達成目標〉 公表</p>\t・手段\n"), 1),
    "goal_unreadable": (capture(goal(1) + "◎部局目標2\n"), 2),
    "unplaced_text": (capture(goal(1) + "※予算は別に定める\n" + goal(2)), None),
    "outside_text": (capture(goal(1)) + "\nこの記事の担当 総務課\n".encode(), None),
    "skipped_pages": ((BOOKLETS / "council-agenda-manifesto-between-items.pdf").read_bytes(), None),  # agenda pages
}


def test_a_clean_document_has_no_warnings():
    assert warnings_of(capture()) == []


@pytest.mark.parametrize("kind", list(CASES))
def test_each_warning_kind(kind):
    data, goal_number = CASES[kind]
    assert warnings_of(data) == [(kind, goal_number)]


def test_repaired_warning_on_a_damaged_pdf_read_after_repair():
    assert warnings_of(broken_pdfs.truncated_sample(), "cut.pdf") == [("repaired", None)]


# kinds only a scan earns, each tested on the scanned fixtures or on OCR'd rows where it is made
OCR_KINDS = {
    "page_turned": "tests/test_ocr.py", "ocr_page": "tests/test_ocr.py", "edge_text": "tests/test_ocr.py",
    "goal_marker_inferred": "tests/test_ocr_repair.py", "legend_score_inferred": "tests/test_ocr_repair.py",
    "low_confidence": "tests/test_ocr_repair.py", "ocr_word_repaired": "tests/test_ocr.py",
}


def test_every_warning_kind_in_the_code_is_tested():
    source = "\n".join(path.read_text(encoding="utf-8") for path in SOURCE_DIR.glob("*.py"))
    kinds = set(regex.findall(r'ReadWarning\(\s*kind="(\w+)"', source)) | set(regex.findall(r'\bwarn\("(\w+)"', source))
    assert kinds == set(CASES) | {"repaired", "damaged_page"} | set(OCR_KINDS)  # damaged_page: tests/test_streams.py


# --- readable text: the measure behind garbled_text ------------------------------------------


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("", 0.0),
        ("部局マニフェスト 2021", 0.0),
        ("(cid:12)(cid:13)ab", 0.5),  # each placeholder is one glyph
        ("\ue000\ufffd読め", 0.5),  # private use, replacement character
        ("平成™—年›月", 2 / 7),  # cp1252 mojibake of digits (kampo.pdf): ™ › count, the em dash does not
        ("Ã©tÃ©", 0.4),  # UTF-8 read as Latin-1: Ã counts, © is a real symbol too
    ],
)
def test_unreadable_share(text, share):
    assert unreadable_share(text) == pytest.approx(share)


def document(*pages: str) -> Document:
    rows = [Row((Cell((Line(text, page, (0, 0, 1, 1)),), page, (0, 0, 1, 1)),), page, None)
            for page, text in enumerate(pages, 1)]
    return Document(rows, len(pages))


def test_garbled_document_is_refused():
    with pytest.raises(ExtractionError) as raised:
        check_readable(document("(cid:1)" * 40 + "あ" * 10))
    assert raised.value.kind == "garbled_text" and "80%" in raised.value.reason


def test_partly_garbled_page_is_named_in_its_warning():
    readable = "あ" * 100
    warnings = check_readable(document(readable, readable[:90] + "(cid:2)" * 10))
    assert [(w.kind, w.page) for w in warnings] == [("garbled_text", 2)]
    assert "10% of the text on page 2" in warnings[0].message


def test_thresholds_leave_room_between_warning_and_refusal():
    assert 0 < PARTLY_GARBLED_SHARE < GARBLED_SHARE < 1
