"""The block finder, specified on small tab-separated documents (one line a row, a tab between cells)."""

from __future__ import annotations

import pytest

from extract.blocks import find_blocks, find_legend
from extract.labels import Labels
from extract.document import Row
from extract.read_text import read_capture

HEADER = "令和4年度 部局マニフェスト\n\n部局名\t総務部\n役職\t部長\n氏名\t山田 太郎\n令和4年度の抱負\t前へ\n\n"
COLUMNS = "組織使命\t組織使命達成に向けての目標\t目標の達成水準\t目標を達成するための手段\n"
from extract.vocabulary import load_vocabulary

LABELS = Labels.of(load_vocabulary())


def blocks(text: str):
    return find_blocks(read_capture(text))


def field(goal, role: str) -> str:
    return "|".join(line.text for line in goal.fields.get(role, []))


def test_header_fields_come_from_label_value_cells():
    found = blocks(HEADER)
    assert {k: "|".join(l.text for l in v) for k, v in found.header.items()} == {
        "department": "総務部", "position": "部長", "head": "山田 太郎", "aspiration": "前へ"}
    assert found.title[0].text == "令和4年度 部局マニフェスト"


@pytest.mark.parametrize(
    "legend",
    [
        "業績目標の達成状況\n5. 先進的\n4. 上回る\n3. 達成\n",
        "業績目標の達成状況\n5\t先進的\n4\t上回る\n3\t達成\n",
        "業績目標の達成状況\n５．先進的\n４．上回\nる\n３．達成\n",
        "業績目標の達成状況\n５…先進的\n４…上回る\n３…達成\n",
        "業績目標の達成状況\n⑤先進的\n④上回る\n③達成\n",
    ],
    ids=["dotted-lines", "score-cells", "full-width-wrapped", "leader", "circled"],
)
def test_legend_is_read_in_printed_order(legend):
    entries = find_legend(read_capture(legend).rows, LABELS)[0]
    assert [score for score, _ in entries] == [5, 4, 3]
    assert "".join(entries[1][1]) in {"上回る"}


def test_marker_rows_start_goals_and_columns_give_fields():
    found = blocks(HEADER + COLUMNS + "◎部局目標1\n使命A\t目標A\t〈現在の状態〉 今\t・手段\n◎部局目標2\n使命B\t目標B\t水準B\t・手段B\n")
    assert [g.number for g in found.goals] == [1, 2]
    assert field(found.goals[1], "mission") == "使命B"
    assert field(found.goals[0], "level") == "〈現在の状態〉 今"


def test_evaluation_table_rows_go_to_goals_in_order():
    text = (HEADER + COLUMNS + "◎部局目標1\n使A\t目A\t水A\t手A\n◎部局目標2\n使B\t目B\t水B\t手B\n\n"
            "達成状況(自己評価)\t理由\n4\t理由A\n\t\n\n" + COLUMNS + "◎部局目標3\n使C\t目C\t水C\t手C\n\n"
            "達成状況(自己評価)\t理由\n2\t理由C\n")
    goals = blocks(text).goals
    assert [(field(g, "rating"), field(g, "reason")) for g in goals] == [("4", "理由A"), ("", ""), ("2", "理由C")]


def test_evaluation_row_naming_its_goal_goes_to_that_goal():
    text = (HEADER + COLUMNS + "◎部局目標1\n使A\t目A\t水A\t手A\n◎部局目標2\n使B\t目B\t水B\t手B\n\n"
            "部局目標\t達成状況(自己評価)\t理由\n2\t3\t理由B\n")
    goals = blocks(text).goals
    assert field(goals[1], "rating") == "3" and field(goals[0], "rating") == ""


def test_evaluation_columns_beside_each_goal():
    text = HEADER + "部局目標\t組織使命\t目標\t達成水準\t手段\t達成状況(自己評価)\t理由\n◎部局目標1\t使\t目\t水\t手\t5\t良\n"
    (goal,) = blocks(text).goals
    assert (field(goal, "mission"), field(goal, "rating"), field(goal, "reason")) == ("使", "5", "良")


def test_label_value_tables_under_marker_paragraphs():
    text = HEADER + "◎部局目標1\n\n組織使命\t安全を守る\n組織使命達成に向けての目標\t防災力\n目標の達成水準\t水準\n目標を達成するための手段\t・訓練\n達成状況(自己評価)\t3\n理由\t説明\n"
    (goal,) = blocks(text).goals
    assert {role: field(goal, role) for role in goal.fields} == {
        "mission": "安全を守る", "objective": "防災力", "level": "水準", "means": "・訓練", "rating": "3", "reason": "説明"}


def test_a_new_table_without_header_is_not_read_as_goal_content():
    text = HEADER + COLUMNS + "◎部局目標1\n使\t目\t水\t手\n\n別表\tメモ\t備考\t他\n"
    (goal,) = blocks(text).goals
    assert field(goal, "mission") == "使"


def test_no_markers_means_no_goals():
    assert blocks("ただの文書\n\n表\t値\n").goals == []


def test_header_labels_in_a_row_of_their_own_take_the_values_below():
    found = blocks("部局マニフェスト\n\n部局名\t役職\t氏名\n総務部\t部長\t山田 太郎\n")
    assert {k: v[0].text for k, v in found.header.items()} == {"department": "総務部", "position": "部長", "head": "山田 太郎"}


def test_preamble_holds_the_lines_before_the_first_goal():
    found = blocks("部局マニフェスト\n令和5年度版\n\n" + COLUMNS + "◎部局目標1\n使\t目\t水\t手\n")
    assert [line.text for line in found.preamble][:2] == ["部局マニフェスト", "令和5年度版"]


def test_a_bare_number_in_the_goal_column_starts_a_goal():
    text = HEADER + "部局目標\t組織使命\t目標\t達成水準\t手段\n1\t使\t目A\t水\t手\n2\t使\t目B\t水\t手\n"
    assert [(g.number, field(g, "objective")) for g in blocks(text).goals] == [(1, "目A"), (2, "目B")]


def test_a_repeated_marker_continues_its_goal():
    text = HEADER + COLUMNS + "◎部局目標1\n使\t目\t水\t手1\n\n" + "◎部局目標1(続き)\n\t\t\t手2\n"
    (goal,) = blocks(text).goals
    assert field(goal, "means") == "手1|手2"


def test_a_mission_printed_once_before_the_goals_is_kept_for_them():
    text = HEADER + "組織使命\t市民の安全を守ります\n\n" + "目標\t達成水準\t手段\n◎部局目標1\n目\t水\t手\n"
    found = blocks(text)
    assert [line.text for line in found.shared_mission] == ["市民の安全を守ります"]
    assert "mission" not in found.goals[0].fields


def test_legend_printed_on_one_line_beside_its_label():
    entries = find_legend(read_capture("業績目標の達成状況\t５：先進的 ４：上回る ３：達成\n").rows, LABELS)[0]
    assert [(score, "".join(label)) for score, label in entries] == [(5, "先進的"), (4, "上回る"), (3, "達成")]


@pytest.mark.parametrize("label", ["部局目標", "No.", "番号", "目標番号"])
def test_goal_number_column_labels(label):
    text = HEADER + f"{label}\t組織使命\t目標\t達成水準\t手段\n1\t使\t目A\t水\t手\n"
    assert [g.number for g in blocks(text).goals] == [1]


@pytest.mark.parametrize(
    "goals",
    ["\n◎部局目標1\n使A\t目A\t水A\t手A\n\n◎部局目標2\n使B\t目B\t水B\t手B\n",
     "\n◎部局目標1\t\t\t\n使A\t目A\t水A\t手A\n\n◎部局目標2\t\t\t\n使B\t目B\t水B\t手B\n"],
    ids=["marker-above-each-table", "marker-row-in-each-table"],
)
def test_goal_tables_under_one_header_keep_its_columns(goals):
    text = HEADER + COLUMNS + goals
    assert [(g.number, field(g, "objective")) for g in blocks(text).goals] == [(1, "目A"), (2, "目B")]


def test_the_title_is_the_line_naming_the_year_not_a_page_header():
    found = blocks("さくら台市 部局マニフェスト\n令和5年度 部局マニフェスト\n")
    assert found.title[0].text == "令和5年度 部局マニフェスト"


def test_page_numbers_under_the_legend_are_not_part_of_it():
    entries = find_legend(read_capture("業績目標の達成状況\n2. 未達成\n1. 取り組まず\n- 2 -\n").rows, LABELS)[0]
    assert [(score, "".join(label)) for score, label in entries] == [(2, "未達成"), (1, "取り組まず")]


def test_an_aspiration_label_with_an_era_gloss():
    found = blocks("平成31年度(令和元年度)の抱負\t学びでつながるまち\n")
    assert found.header["aspiration"][0].text == "学びでつながるまち"


def test_an_evaluation_table_continues_under_a_goals_header_repeated_on_the_next_page():
    document = read_capture(
        HEADER + COLUMNS + "◎部局目標1\n使A\t目A\t水A\t手A\n◎部局目標2\n使B\t目B\t水B\t手B\n\n"
        "達成状況(自己評価)\t理由\n4\t理由A\n\n" + COLUMNS + "3\t理由B\n"
    )
    last = document.rows[-2]  # the repeated header starts page 2's table
    document.rows[-2:] = [Row(last.cells, 2, last.table, first_on_page=True), document.rows[-1]]
    goals = find_blocks(document).goals
    assert [(field(g, "rating"), field(g, "reason"), field(g, "mission")) for g in goals] == [
        ("4", "理由A", "使A"), ("3", "理由B", "使B")]
