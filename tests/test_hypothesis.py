"""Property: whatever rows the block finder and the builder are given, they return a record or raise ExtractionError.

Random documents are made of the manifesto's own vocabulary (markers, labels, section
marks, era years, legend entries, months) mixed with arbitrary text, in random tables,
pages and positions, with merged cells shared between rows; real samples are fed back
shuffled and with rows dropped (missing markers). Any other exception is a parser bug.
"""

from __future__ import annotations

import random

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from extract.blocks import find_blocks
from extract.build import build
from extract.document import Cell, Document, Line, Row
from extract.errors import ExtractionError
from extract.models import Manifesto, Source
from extract.read_pdf import read_pdf
from extract.read_text import read_capture

SOURCE = Source(file="random.pdf", sha256="0" * 64, pages=1)
VOCABULARY = [
    "◎部局目標1", "◎部局目標2", "○部局目標 3", "◎部局目標10", "◎部局目標0", "●目標99",
    "部局目標", "部局目標1", "目標番号", "1",
    "組織使命", "組織使命達成に向けての目標", "目標の達成水準", "目標を達成するための手段", "達成状況(自己評価)",
    "達成状況（\n自己評価）", "理由", "評価", "手段", "目標",
    "部局名", "役職", "氏名", "2021(令和3)年度の抱負", "抱負", "２０２１（令和３）年度　部局マニフェスト",
    "令和元年度", "平成30年度", "R3年度", "令和0年度", "昭和99年度",
    "業績目標の達成状況", "5.先進的", "4 達成水準を上回る", "3", "2、取り組んだ", "1)", "9. 範囲外",
    "〈現在の状態〉", "〈達成目標〉", "↓", "※目標が達成した状態", "【達成目標】", "<現在の状態>",
    "・公表 9月", "・策定 12月末", "・周知 1月～2月", "・範囲外 13月", "・10月~3月", "・0月", "(1) 項目",
    "4", "５", "済", "(cid:12)", "\ue000", "", " ", "\n", "　",
]
TEXT = st.one_of(
    st.sampled_from(VOCABULARY),
    st.text(max_size=12),
    st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=4).map(" ".join),
)


@st.composite
def boxes(draw: st.DrawFn) -> tuple[float, float, float, float]:
    x0, top = draw(st.floats(0, 800)), draw(st.floats(0, 580))
    return (x0, top, x0 + draw(st.floats(0, 300)), top + draw(st.floats(0, 100)))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """Rows drawn from a pool of cells, so the same Cell (a merged cell) may recur in several rows."""
    pages = draw(st.integers(1, 3))
    pool = [
        Cell(tuple(Line(text, page, draw(boxes())) for text in draw(st.lists(TEXT, max_size=4))), page, draw(boxes()))
        for page in draw(st.lists(st.integers(1, pages), min_size=1, max_size=15))
    ]
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        cells = draw(st.lists(st.sampled_from(pool), max_size=6))
        page = draw(st.integers(1, pages))
        rows.append(Row(tuple(cells), page, draw(st.none() | st.integers(0, 3)), draw(st.booleans())))
    return Document(rows, pages)


def record_or_clean_error(document: Document) -> Manifesto | ExtractionError:
    """Run the block finder and the builder: a record, or the ExtractionError they raised (anything else fails)."""
    try:
        record, traces = build(find_blocks(document), SOURCE, ocr=document.ocr)
    except ExtractionError as error:
        assert error.kind in {"not_a_manifesto", "incomplete"}
        return error
    assert record.goals and all(t.path for t in traces)
    return record


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_rows_give_a_record_or_a_clean_error(document):
    record_or_clean_error(document)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(TEXT, min_size=1, max_size=5).map("\t".join), max_size=30).map("\n".join))
def test_random_text_captures_give_a_record_or_a_clean_error(text):
    record_or_clean_error(read_capture(text))


def sample_document(name: str) -> Document:
    with pdfplumber.open(SAMPLES / name) as pdf:
        return read_pdf(pdf)


SAMPLE_DOCUMENTS = {name: sample_document(name) for name in ("sample-2020-kenko.pdf", "iga-2021-digital.pdf")}


@pytest.mark.parametrize("name", list(SAMPLE_DOCUMENTS))
@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), keep=st.floats(0.0, 1.0), shuffle=st.booleans())
def test_real_rows_shuffled_or_dropped_give_a_record_or_a_clean_error(name, seed, keep, shuffle):
    document = SAMPLE_DOCUMENTS[name]
    chance = random.Random(seed)
    rows = [row for row in document.rows if chance.random() < keep]
    if shuffle:
        chance.shuffle(rows)
    record_or_clean_error(Document(rows, document.pages))


@pytest.mark.parametrize("name", list(SAMPLE_DOCUMENTS))
@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), share=st.floats(0.0, 1.0))
def test_real_rows_with_cells_blanked_give_a_record_or_a_clean_error(name, seed, share):
    """Cells emptied at random: markers, labels and values go missing while the layout stays."""
    document = SAMPLE_DOCUMENTS[name]
    chance = random.Random(seed)
    blank: dict[int, Cell] = {}
    rows = []
    for row in document.rows:
        cells = []
        for cell in row.cells:
            if id(cell) not in blank:
                blank[id(cell)] = Cell((), cell.page, cell.bbox) if chance.random() < share else cell
            cells.append(blank[id(cell)])
        rows.append(Row(tuple(cells), row.page, row.table, row.first_on_page))
    record_or_clean_error(Document(rows, document.pages))
