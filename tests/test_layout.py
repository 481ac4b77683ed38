"""The layout step (characters and ruling lines → rows), specified on hand-made characters and ruling lines."""

from __future__ import annotations

import pytest

from extract.layout import (
    assign_chars, group_lines, layout_rows, rules_at_cut_ends, rules_between_rows, turned_lines,
)

SIZE = 10.0


def char(text: str, x0: float, top: float) -> dict:
    return {"text": text, "x0": x0, "x1": x0 + SIZE, "top": top, "bottom": top + SIZE, "size": SIZE, "upright": True}


def word(text: str, x0: float, top: float) -> list[dict]:
    return [char(c, x0 + i * SIZE, top) for i, c in enumerate(text)]


def rule(x0: float, x1: float, top: float) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": top, "width": x1 - x0, "height": 0, "orientation": "h",
            "object_type": "line"}


def column(x: float, top: float, bottom: float) -> dict:
    return {"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0, "height": bottom - top, "orientation": "v",
            "object_type": "line"}


RULES = [rule(0, 300, y) for y in (0, 20, 40, 60)]
CELLS = [*word("部局名", 5, 5), *word("総務部", 105, 5), *word("役職", 5, 25), *word("部長", 105, 25),
         *word("氏名", 5, 45), *word("山田太郎", 105, 45)]


def test_lines_group_characters_by_top_and_read_gaps_as_spaces():
    lines = group_lines([*word("宮崎", 0, 0), *word("寿", 30, 0), *word("次", 0, 15)], page=1)
    assert [line.text for line in lines] == ["宮崎 寿", "次"]
    assert lines[0].bbox == (0, 0, 40, SIZE)


def spread(text: str, x0: float, pitch: float, top: float = 0) -> list[dict]:
    """A word as distributed alignment (均等割り付け) prints it: its characters `pitch` points apart."""
    return [char(c, x0 + i * pitch, top) for i, c in enumerate(text)]


def test_a_word_spread_evenly_over_its_cell_reads_without_spaces_and_keeps_its_typed_one():
    assert [line.text for line in group_lines(spread("部局名", 0, 60), page=1)] == ["部局名"]
    assert [line.text for line in group_lines(spread("石川\u3000直樹", 0, 40), page=1)] == ["石川\u3000直樹"]
    assert [line.text for line in group_lines(spread("部長", 0, 100), page=1)] == ["部長"]  # two, far apart


def test_uneven_gaps_and_a_pair_a_space_apart_stay_spaced():
    uneven = [*word("宮崎", 0, 0), *word("寿", 30, 0), *word("次", 60, 0)]  # gaps of 10 and 20: not a spread word
    assert [line.text for line in group_lines(uneven, page=1)] == ["宮崎 寿 次"]
    assert [line.text for line in group_lines(spread("山田", 0, 18), page=1)] == ["山 田"]  # a typed space's gap


def test_a_character_drawn_twice_in_place_reads_once():
    bold = [c for i, x in enumerate((0, 10)) for c in (char("業績"[i], x, 0), char("業績"[i], x + 0.4, 0.3))]
    assert [line.text for line in group_lines(bold, page=1)] == ["業績"]
    assert [line.text for line in group_lines(word("・・", 0, 0), page=1)] == ["・・"]  # the same character, side by side


def test_a_subscript_stays_on_its_line():
    sub = {"text": "2", "x0": 20, "x1": 26, "top": 4.5, "bottom": 10.5, "size": 6.0, "upright": True}
    assert [line.text for line in group_lines([*word("CO", 0, 0), sub, *word("排出", 26, 0)], page=1)] == ["CO2排出"]
    below = {**sub, "top": 12.0, "bottom": 18.0}  # a small line under the line, not a subscript
    assert [line.text for line in group_lines([*word("CO", 0, 0), below], page=1)] == ["CO", "2"]


def turned(text: str, x0: float, top: float, *, upward: bool) -> list[dict]:
    """A word set sideways in a column: turned left it reads from the bottom up, turned right from the top down."""
    tops = [top + i * SIZE for i in range(len(text))]
    return [{**char(c, x0, y), "upright": False, "upward": upward} for c, y in zip(text, tops[::-1] if upward else tops)]


def test_text_turned_a_quarter_reads_along_its_turn():
    assert [line.text for line in turned_lines(turned("達成状況", 0, 0, upward=True), page=1)] == ["達成状況"]
    assert [line.text for line in turned_lines(turned("達成状況", 0, 0, upward=False), page=1)] == ["達成状況"]
    two = [*turned("達成", 0, 0, upward=True), *turned("状況", 12, 0, upward=True)]  # a second line to its right
    assert [line.text for line in turned_lines(two, page=1)] == ["達成", "状況"]


def test_a_header_turned_sideways_is_its_cells_text():
    edges = [rule(0, 60, 0), rule(0, 60, 60), column(0, 0, 60), column(20, 0, 60), column(60, 0, 60)]
    rows = layout_rows([*turned("評価", 5, 10, upward=True), *word("理由", 25, 10)], edges, 1, 0)
    assert [cell.text for row in rows for cell in row.cells] == ["評価", "理由"]


def test_a_stamp_laid_over_a_table_is_no_cells_text():
    edges = [rule(0, 200, 0), rule(0, 200, 40), column(0, 0, 40), column(100, 0, 40), column(200, 0, 40)]
    stamp = {"text": "注", "x0": 50, "x1": 100, "top": 2, "bottom": 52, "size": 50.0, "upright": True}  # out of its row
    rows = layout_rows([*word("地域の防災", 5, 5), stamp, *word("向上", 105, 5)], edges, 1, 0)
    assert [[cell.text for cell in row.cells] for row in rows] == [["地域の防災", "向上"], ["注"]]  # a loose line


def sized(text: str, x0: float, top: float, size: float) -> list[dict]:
    return [{**char(c, x0 + i * size, top), "x1": x0 + (i + 1) * size, "bottom": top + size, "size": size}
            for i, c in enumerate(text)]


def test_small_lines_beside_a_tall_character_stay_lines_of_their_own():
    big = sized("1", 0, 0, 30)  # a drop cap, a large goal number or ◎ beside two lines of text
    lines = group_lines([*big, *sized("健康づくり", 31, 0, 9), *sized("の推進と", 31, 10, 9)], page=1)
    assert [line.text for line in lines] == ["1健康づくり", "の推進と"]


def test_digits_set_one_to_a_column_are_not_a_spread_word():
    legend = [char(d, x, 0) for d, x in zip("54321", (0, 40, 80, 120, 160))]  # scores heading a borderless legend
    assert [line.text for line in group_lines(legend, page=1)] == ["5 4 3 2 1"]
    rows = layout_rows(legend, [], 1, 0)
    assert [cell.text for row in rows for cell in row.cells] == list("54321")


def test_a_heading_faked_bold_and_spread_reads_as_one_word():
    bold = [c for x in (0, 60, 120) for c in (char("目標値"[x // 60], x, 0), char("目標値"[x // 60], x + 0.4, 0))]
    assert [line.text for line in group_lines(bold, page=1)] == ["目標値"]
    assert [cell.text for row in layout_rows(bold, [], 1, 0) for cell in row.cells] == ["目標値"]


def test_narrow_letters_side_by_side_are_not_drawn_twice():
    narrow = [{**char(c, x, 0), "x1": x + 0.9, "size": 4.0} for c, x in zip("Well", (0, 2.5, 4.6, 5.5))]
    assert [line.text for line in group_lines(narrow, page=1)] == ["Well"]


def test_turned_labels_apart_or_turned_other_ways_are_lines_of_their_own():
    left = [*turned("社外秘", 0, 0, upward=True), *turned("資料", 0, 200, upward=True)]  # one margin, far apart
    assert [line.text for line in turned_lines(left, page=1)] == ["資料", "社外秘"]  # read from the bottom up
    both = [*turned("社外秘", 0, 0, upward=True), *turned("資料", 2, 100, upward=False)]
    assert sorted(line.text for line in turned_lines(both, page=1)) == ["社外秘", "資料"]


def test_a_large_title_inside_its_cell_is_no_stamp():
    edges = [rule(0, 300, 0), rule(0, 300, 40), rule(0, 300, 60), column(0, 0, 60), column(300, 0, 60)]
    title = sized("部局マニフェスト", 5, 5, 30)[:4]  # 30 pt within a 40 pt row: 5 times the text below it
    rows = layout_rows([*title, *sized("総務部の目標", 5, 45, 6)], edges, 1, 0)
    assert [cell.text for row in rows for cell in row.cells] == ["部局マニ", "総務部の目標"]


def test_each_character_goes_to_the_cell_holding_its_centre():
    inside, outside = assign_chars([(0, 0, 50, 20), (50, 0, 100, 20)], [char("a", 10, 5), char("b", 60, 5), char("c", 10, 30)])
    assert [[c["text"] for c in cell] for cell in inside] == [["a"], ["b"]]
    assert [c["text"] for c in outside] == ["c"]


def test_a_table_ruled_between_rows_only_gets_its_columns():
    added = rules_between_rows(RULES, CELLS)
    assert sorted((e["top"], e["x0"]) for e in added) == [  # each band: both ends, and the middle of its empty gap
        (0, 0), (0, 70), (0, 300), (20, 0), (20, 65), (20, 300), (40, 0), (40, 65), (40, 300)]
    rows = layout_rows(CELLS, RULES, page_no=1, first_table_id=0)
    assert [[cell.text for cell in row.cells] for row in rows] == [["部局名", "総務部"], ["役職", "部長"], ["氏名", "山田太郎"]]


@pytest.mark.parametrize(
    "edges",
    [
        RULES + [column(x, 0, 60) for x in (0, 100, 300)],  # a full grid
        RULES + [column(x, 0, 60) for x in (0, 300)],  # a box: one column, as drawn
    ],
    ids=["grid", "box"],
)
def test_drawn_columns_are_left_as_they_are(edges):
    assert rules_between_rows(edges, CELLS) == []


def test_too_few_rules_make_no_table():
    assert rules_between_rows(RULES[:2], CELLS) == []


def test_a_table_cut_by_the_page_end_is_closed_there():
    edges = [rule(0, 300, 0), *[column(x, 0, 80) for x in (0, 100, 300)], rule(100, 300, 80)]
    (added,) = rules_at_cut_ends(edges)
    assert (added["x0"], added["x1"], added["top"]) == (0, 300, 80)


def test_a_closed_table_needs_no_rule():
    assert rules_at_cut_ends([rule(0, 300, 0), *[column(x, 0, 80) for x in (0, 100, 300)], rule(0, 300, 80)]) == []
