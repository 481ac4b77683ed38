"""The web-page readers feed the same block parser: the seed capture agrees with the PDF."""

from __future__ import annotations

import pytest

from conftest import SAMPLES
from extract.read_text import cell_lines, read_capture, read_html
from extract.pipeline import extract_file

SEED = SAMPLES / "web" / "iga-2021-digital.seed.txt"


def test_seed_capture_yields_the_pdf_goals():
    from_pdf = extract_file(SAMPLES / "iga-2021-digital.pdf")[0].record
    from_seed = extract_file(SEED)[0].record
    # A web page has no pages, so `page` is the one goal field that cannot agree.
    strip_page = lambda goal: goal.model_dump(exclude={"page"})  # noqa: E731
    assert [strip_page(g) for g in from_seed.goals] == [strip_page(g) for g in from_pdf.goals]
    header = {"title", "fiscal_year", "era", "department", "position", "head", "aspiration", "rating_scale"}
    assert from_seed.model_dump(include=header) == from_pdf.model_dump(include=header)


@pytest.mark.parametrize(
    "markup, lines",
    [
        ("<p>〈現在の状態〉 a</p> <p>↓</p>", ["〈現在の状態〉 a", "↓"]),
        ('<ul style="x"> ・a 9月 ・b 12月 </ul>', ["・a 9月", "・b 12月"]),
        ("市民周知・職員研修", ["市民周知・職員研修"]),
        ("a&amp;b<br>c", ["a&b", "c"]),
        ("<ul><li>研修</li><li>・周知</li></ul>", ["・研修", "・周知"]),
        ("", []),
    ],
)
def test_cell_markup_becomes_lines(markup, lines):
    assert cell_lines(markup) == lines


def test_capture_rows_split_on_tabs_and_tables_on_blank_lines():
    document = read_capture("題\n\n部局名\t総務部\n役職\t部長\n\n達成状況(自己評価)\t理由\n")
    assert [[c.text for c in row.cells] for row in document.rows] == [
        ["題"], ["部局名", "総務部"], ["役職", "部長"], ["達成状況(自己評価)", "理由"]]
    assert [row.table for row in document.rows] == [None, 1, 1, 2]


def test_html_rowspan_is_one_shared_cell():
    document = read_html(
        "<table><tr><td rowspan='2'>使命</td><td>a</td></tr><tr><td>b</td></tr></table><p>後</p>"
    )
    first, second, after = document.rows
    assert first.cells[0] is second.cells[0]
    assert [c.text for c in second.cells] == ["使命", "b"]
    assert after.table is None and after.cells[0].text == "後"


def test_html_head_text_is_not_content():
    document = read_html("<html><head><title>マニフェスト</title></head><body><p>本文</p></body></html>")
    assert [row.cells[0].text for row in document.rows] == ["本文"]


def test_tables_nested_in_a_layout_table_keep_their_own_rows():
    document = read_html(
        "<table><tr><td>メニュー</td><td><p>題</p><table><tr><th>部局名</th><td>総務部</td></tr></table></td></tr></table>"
    )
    assert [([c.text for c in row.cells], row.table is None) for row in document.rows] == [
        (["題"], True), (["部局名", "総務部"], False), (["メニュー", ""], False)]
