"""OCR text repaired against the manifesto's logic and words: goal markers, labels, spacing, confidence."""

from __future__ import annotations

import pytest

from extract.build import Trace
from extract.document import Cell, Document, Line, Row
from extract.ocr_repair import (
    NO_PAGE_WORDS,
    OcrWords,
    candidates,
    edit_distance,
    low_confidence_warnings,
    marker_reading,
    page_words,
    reading_cost,
    repair_document,
    repair_goal_markers,
    repair_label,
    repair_legend_scores,
    repair_section_marker,
    repaired_line,
    tidy_spacing,
)
from extract.vocabulary import load_vocabulary

BUILT_IN = OcrWords.of(load_vocabulary())


def line(text: str, confidence: float = 90.0) -> Line:
    return Line(text, 1, (0.0, 0.0, 10.0, 10.0), confidence)


def test_edit_distance_counts_changes_insertions_and_deletions():
    assert edit_distance("部局目標", "部選目標") == 1
    assert edit_distance("部局目標", "部局目") == 1
    assert edit_distance("部局目標", "組織使命") == 4


@pytest.mark.parametrize(
    ("read", "reading"),
    [
        ("◎部局目標1", (True, 1)),
        ("@部選目標3", (False, 3)),  # ◎ read as @, 局 as 選
        ("人づ部局目標2 .", (False, 2)),
        ("の部司目標", (False, None)),  # the digit lost: the sequence gives it
        ("部局目標", None),  # the 部局目標 column's label: no mark, no number
        ("組織使命", None),
        ("一部局目標1の達成", None),  # running text
        ("業績目標を達成した", None),
        ("3", None),
    ],
)
def test_goal_markers_are_read_within_two_edits_of_the_marker_word(read, reading):
    assert marker_reading(read) == reading


def document(*texts: str) -> Document:
    """A document of one-cell rows, one per text, all on page 1."""
    return Document([Row((Cell((line(text),), 1, (0.0, 0.0, 1.0, 1.0)),), 1, 0) for text in texts], 1, ocr=True)


def test_misread_goal_markers_take_their_number_from_the_sequence():
    doc = document("◎部局目標1", "組織使命", "@部選目標7", "理由", "の部司目標", "◎部局目標4")
    warnings = repair_goal_markers(doc)
    assert [row.cells[0].text for row in doc.rows] == ["◎部局目標1", "組織使命", "◎部局目標2", "理由", "◎部局目標3",
                                                      "◎部局目標4"]
    assert [(w.kind, w.goal) for w in warnings] == [("goal_marker_inferred", 2), ("goal_marker_inferred", 3)]
    assert "'@部選目標7'" in warnings[0].message


def test_a_merged_cell_is_repaired_once():
    shared = Cell((line("@部局目標1"),), 1, (0.0, 0.0, 1.0, 1.0))
    doc = Document([Row((shared,), 1, 0), Row((shared,), 1, 0)], 1, ocr=True)
    assert len(repair_goal_markers(doc)) == 1 and shared.text == "◎部局目標1"


@pytest.mark.parametrize(("read", "label"), [("都局目標", "部局目標"), ("目標を連成するための手自", "目標を達成するための手段"),
                                             ("都局名", "部局名")])
def test_repair_label_reads_one_or_two_misread_characters_as_the_label(read, label):
    assert repair_label([line(read)])[0].text == label


def test_repair_label_reads_a_near_miss_as_the_label():
    [fixed] = repair_label([line("組織使命轄成に向けて", 80.0), line("の目標", 70.0)])
    assert fixed.text == "組織使命達成に向けての目標" and fixed.confidence == 70.0


@pytest.mark.parametrize("text", ["◎部局目標1", "部局目標", "健康福祉部", "4", "市民の健康を守る", "都市部"])
def test_repair_label_leaves_markers_labels_and_content_alone(text):
    assert repair_label([line(text)])[0].text == text


def test_a_legend_label_cell_is_read_as_the_formats_legend_text():
    assert repair_label([line("達成水玲を 上回る成果があった”。")])[0].text == "達成水準を上回る成果があった"


def test_repair_label_takes_the_words_as_a_parameter():
    assert repair_label([line("部局各")], labels=("部局名",))[0].text == "部局名"
    assert repair_label([line("都局名")], labels=("組織使命",))[0].text == "都局名"


@pytest.mark.parametrize(
    ("read", "tidy"),
    [("年間 156時間", "年間 156時間"), ("12 月末", "12月末"), ("50%%", "50%"), ("・公表 9月", "・公表 9月"),
     ("DX 2 件", "DX 2件")],
)
def test_a_number_keeps_no_space_before_its_word(read, tidy):
    assert tidy_spacing(read) == tidy


def test_values_read_with_low_confidence_get_a_warning():
    traces = [Trace("goals[0].mission", 1, (0, 0, 1, 1), 92.0), Trace("goals[0].objective", 2, (0, 0, 1, 1), 41.5),
              Trace("title", 1, (0, 0, 1, 1), None)]
    [warning] = low_confidence_warnings(traces)
    assert (warning.kind, warning.page) == ("low_confidence", 2) and "goals[0].objective" in warning.message


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("(達成妊標>優先実行DX事業", "〈達成目標〉優先実行DX事業"),
        ("〈達成目粒〉", "〈達成目標〉"),
        ("※月欄が達成した状態", "※目標が達成した状態"),
        ("<現在の状態 >", "〈現在の状態〉"),
        ("現在の状態の文", "現在の状態の文"),  # running text: no marker's marks
        ("達成目標が高い", "達成目標が高い"),
        ("〈現在の状態〉令和3年", "〈現在の状態〉令和3年"),
        ("(1) 目標の", "(1) 目標の"),
    ],
)
def test_section_markers_misread_by_a_character_or_two_are_restored(read, repaired):
    assert repair_section_marker(read) == repaired


def test_a_legend_line_whose_score_ocr_misread_takes_its_place_in_the_count_down():
    legend = Cell(tuple(line(text) for text in ("5. 先進的な取り組み", "4. 達成水玲を上回る成果があった", "3. 達成した",
                                                "2. 達成しなかった", "i 、取り組まなかった")), 1, (0.0, 0.0, 1.0, 1.0))
    doc = Document([Row((legend,), 1, 0)], 1, ocr=True)
    [warning] = repair_legend_scores(doc)
    assert legend.lines[-1].text == "1. 取り組まなかった" and warning.kind == "legend_score_inferred"
    assert legend.lines[1].text == "4. 達成水準を上回る成果があった"  # the format's legend text, one character off


def test_cells_that_are_no_legend_keep_their_lines():
    means = Cell((line("・説明会の開催"), line("- 3回"), line("・広報")), 1, (0.0, 0.0, 1.0, 1.0))
    assert repair_legend_scores(Document([Row((means,), 1, 0)], 1, ocr=True)) == []
    assert [l.text for l in means.lines] == ["・説明会の開催", "- 3回", "・広報"]


# --- running text against the dictionary ------------------------------------------------------


def test_confusable_groups_are_read_both_ways():
    assert "制" in BUILT_IN.confusable["製"] and "製" in BUILT_IN.confusable["制"]
    assert OcrWords.of(load_vocabulary()) is BUILT_IN  # compiled once per vocabulary


def test_only_weak_japanese_characters_get_candidates():
    assert candidates("評価製度", frozenset({2}), frozenset(), BUILT_IN, NO_PAGE_WORDS) >= {"評価制度"}
    assert candidates("評価製度", frozenset(), frozenset(), BUILT_IN, NO_PAGE_WORDS) == set()
    assert "パーク夕マ" not in candidates("パークタマ", frozenset({4}), frozenset(), BUILT_IN, NO_PAGE_WORDS)  # kana
    assert "協力" in candidates("協カ", frozenset({1}), frozenset(), BUILT_IN, NO_PAGE_WORDS)  # ... beside kanji: 力
    own = page_words([("一部の", frozenset())], BUILT_IN)
    assert candidates("6月一8月", frozenset({3}), frozenset({3}), BUILT_IN, own) == set()  # a digit is no misread kanji


@pytest.mark.parametrize(
    ("read", "weak", "repaired"),
    [
        ("評価製度は構築できた", {2}, "評価制度は構築できた"),  # a confusable kanji: 製 for 制
        ("デジタル白治体", {4}, "デジタル自治体"),
        ("評価製度は構築できた", set(), "評価製度は構築できた"),  # read with confidence: left as read
        ("伊賀流「事業仕分け」制度に", {10}, "伊賀流「事業仕分け」制度に"),  # a weak character of a word: kept
    ],
)
def test_a_weak_character_is_replaced_where_the_line_becomes_dictionary_words(read, weak, repaired):
    assert repaired_line(read, frozenset(weak), BUILT_IN) == repaired


def test_a_weak_character_takes_a_word_the_page_itself_prints():
    own = page_words([("策定と共有", frozenset())], BUILT_IN)  # 策定, read with confidence elsewhere on the page
    assert repaired_line("アクションプラン集定が遅れ", frozenset({8}), BUILT_IN, own) == "アクションプラン策定が遅れ"
    assert repaired_line("アクションプラン集定が遅れ", frozenset({8}), BUILT_IN) == "アクションプラン集定が遅れ"
    weakly = page_words([("策定と共有", frozenset({0}))], BUILT_IN)  # read weakly itself: no word of the page's
    assert repaired_line("アクションプラン集定が遅れ", frozenset({8}), BUILT_IN, weakly) == "アクションプラン集定が遅れ"


def test_a_weak_character_the_page_prints_with_confidence_beside_the_same_neighbour_is_kept():
    line = "・西分署への救急隊の増隊 10月"  # 増隊 is no dictionary word; the page prints 増加 and, elsewhere, 増隊
    own = page_words([("救急出動件数の増加に", frozenset())], BUILT_IN)
    assert repaired_line(line, frozenset({11}), BUILT_IN, own) == "・西分署への救急隊の増加 10月"
    own = page_words([("救急出動件数の増加に", frozenset()), ("救急隊を増隊", frozenset())], BUILT_IN)
    assert repaired_line(line, frozenset({11}), BUILT_IN, own) == line


def test_the_dictionary_finds_a_line_of_its_words_likelier_than_one_with_a_misread_glyph():
    assert reading_cost("行政サービス向上への期待が育まれている") < reading_cost("行政サービス向上への期等が育まれている")
    assert reading_cost("関係部局が連携した") < reading_cost("関係部局が之携した")
    assert reading_cost("") == 0.0


USER_OCR = """
[goal]
words = ["重点目標"]

[ocr]
goal_marker = "重点目標"
confusable = ["善喜"]
"""


def test_a_users_vocabulary_changes_ocr_repair(tmp_path):
    path = tmp_path / "city.toml"
    path.write_text(USER_OCR, encoding="utf-8")
    user = load_vocabulary(str(path))
    assert repaired_line("業務を改喜する", frozenset({4}), BUILT_IN) == "業務を改喜する"
    assert repaired_line("業務を改喜する", frozenset({4}), OcrWords.of(user)) == "業務を改善する"
    assert marker_reading("@重点日標2", BUILT_IN) is None
    assert marker_reading("@重点日標2", OcrWords.of(user)) == (False, 2)
    doc = document("◎重点目標1", "@重点日標7")
    [warning] = repair_document(doc, user)
    assert doc.rows[1].cells[0].text == "◎重点目標2" and warning.kind == "goal_marker_inferred"
