"""Building records from blocks: sections, bullets, milestones, ratings, and clear errors for what is missing."""

from __future__ import annotations

import pytest

from extract.blocks import find_blocks
from extract.build import build
from extract.errors import ExtractionError
from extract.models import Source
from extract.read_text import read_capture

SOURCE = Source(file="t.txt", sha256="0" * 64, pages=1)
HEADER = "2022(令和4)年度 部局マニフェスト\n\n部局名\t総務部\n役職\t部長\n氏名\t山田 太郎\n\n業績目標の達成状況\n5. 先進的\n3. 達成\n1. 取り組まず\n\n"
COLUMNS = "組織使命\t組織使命達成に向けての目標\t目標の達成水準\t目標を達成するための手段\n"


def record(text: str):
    return build(find_blocks(read_capture(text)), SOURCE)[0]


def one_goal(level: str = "〈現在の状態〉 今", means: str = "・手段", rating: str = "", number: int = 1):
    text = HEADER + COLUMNS + f"◎部局目標{number}\n市民の安全を守る\t防災力の向上\t{level}\t{means}\n"
    if rating:
        text += f"\n達成状況(自己評価)\t理由\n{rating}\t説明\n"
    return record(text)


@pytest.mark.parametrize(
    "level, current, target, achieved",
    [
        ("<p>〈現在の状態〉 現状</p><p>↓</p><p>〈達成目標〉 目標</p><p>※目標が達成した状態 姿</p>", "現状", "目標", "姿"),
        ("<p>〈現在の状態〉</p><p>窓口が混</p><p>雑している</p><p>↓</p><p>〈達成目標〉</p><p>・公表 9月</p><p>・策定 12月</p>",
         "窓口が混雑している", "・公表 9月\n・策定 12月", None),
        ("<p>【現在の状態】 現状</p><p>【達成目標】 目標</p><p>※目標が達成した状態：姿</p>", "現状", "目標", "姿"),
        ("<p>〈達成目標〉 目標だけ</p>", None, "目標だけ", None),
        ("<p>■現在の状態</p><p>計画が古い</p><p>⇩</p><p>■達成目標</p><p>計画の改定</p><p>※目標を達成した状態</p><p>安心</p>",
         "計画が古い", "計画の改定", "安心"),
        ("<p>現在の状態：現状</p><p>達成目標：目標</p>", "現状", "目標", None),
        ("<p>段差の解消と拡幅を進める。</p>", None, None, None),  # the contract's fields are the text after markers
    ],
    ids=["inline-markers", "wrapped-and-bullets", "square-brackets-and-colon", "target-only", "square-bullets",
         "colon-labels", "no-markers"],
)
def test_level_cell_splits_into_sections(level, current, target, achieved):
    goal = one_goal(level).goals[0]
    assert (goal.current_state, goal.target, goal.achieved_state) == (current, target, achieved)


def test_bulleted_target_items_ending_in_a_month_are_milestones():
    goal = one_goal("<p>〈達成目標〉</p><p>・中間案の公表 ９月</p><p>・周知 １月～２月</p><p>・受診率 45％以上</p>").goals[0]
    assert [(m.text, m.period, m.start, m.end) for m in goal.milestones] == [
        ("中間案の公表", "9月", "2022-09", "2022-09"), ("周知", "1月~2月", "2023-01", "2023-02")]
    assert goal.target == "・中間案の公表 9月\n・周知 1月~2月\n・受診率 45%以上"


def test_a_milestone_keeps_its_own_brackets_and_a_wrapped_period_its_space():
    goal = one_goal("<p>〈達成目標〉</p><p>・通知の送付（過去3年間の未受診者）　４月</p><p>・修繕計画の見直し（緊急度順）</p>"
                    "<p>12月～翌年3月</p>").goals[0]
    assert [(m.text, m.period) for m in goal.milestones] == [
        ("通知の送付(過去3年間の未受診者)", "4月"), ("修繕計画の見直し(緊急度順)", "12月~翌年3月")]
    assert goal.target == "・通知の送付(過去3年間の未受診者) 4月\n・修繕計画の見直し(緊急度順) 12月~翌年3月"


def test_a_footnotes_reference_mark_ending_a_value_is_left_out():
    text = HEADER + COLUMNS + "◎部局目標1\n市民の安全を守る\t<p>大気環境の改善※</p><p>１</p>\t〈現在の状態〉 今\t・手段※2\n"
    goal = record(text).goals[0]
    assert (goal.objective, goal.means) == ("大気環境の改善", ["手段"])  # the mark wrapped onto a line of its own too
    assert record(text.replace("・手段※2", "・手段※1,※2")).goals[0].means == ["手段"]  # two marks


def test_means_are_bullet_items_with_wrapped_lines_joined():
    goal = one_goal(means="<p>・市民ワークショップによる市</p><p>民の意見聴取</p><p>・ＳＮＳでの周知</p>").goals[0]
    assert goal.means == ["市民ワークショップによる市民の意見聴取", "SNSでの周知"]


def test_rating_and_reason_from_the_evaluation_table():
    goal = one_goal(rating="５").goals[0]
    assert (goal.self_rating, goal.rating_reason) == (5, "説明")


def test_rating_outside_the_legend_is_a_warning_not_a_value():
    manifesto = one_goal(rating="4")
    assert manifesto.goals[0].self_rating is None
    assert [w.kind for w in manifesto.warnings] == ["rating_outside_legend"]


def test_unevaluated_goal_has_null_rating():
    goal = one_goal().goals[0]
    assert (goal.self_rating, goal.rating_reason) == (None, None)


def test_non_consecutive_goal_numbers_warn():
    text = HEADER + COLUMNS + "◎部局目標1\n使\t目\t〈達成目標〉水\t手\n◎部局目標3\n使\t目\t〈達成目標〉水\t手\n"
    assert [w.kind for w in record(text).warnings] == ["goal_numbers"]


def test_header_and_era_fields():
    manifesto = one_goal()
    assert (manifesto.title, manifesto.fiscal_year, manifesto.era) == ("2022(令和4)年度 部局マニフェスト", 2022, "令和4")
    assert (manifesto.department, manifesto.position, manifesto.head) == ("総務部", "部長", "山田 太郎")
    assert [(s.score, s.label) for s in manifesto.rating_scale] == [(5, "先進的"), (3, "達成"), (1, "取り組まず")]


@pytest.mark.parametrize(
    "text, kind, names",
    [
        ("議事録\n\n出席者\t5名\n", "not_a_manifesto", "goal markers"),
        (HEADER.replace("部局名\t総務部\n", "") + COLUMNS + "◎部局目標1\n使\t目\t〈達成目標〉水\t手\n", "incomplete", "department"),
        (HEADER, "incomplete", "usable goal"),
        (HEADER.replace("2022(令和4)年度 ", "") + COLUMNS + "◎部局目標1\n使\t目\t〈達成目標〉水\t手\n", "incomplete", "fiscal year"),
        (HEADER + COLUMNS + "◎部局目標1\n◎部局目標2\n", "incomplete", "usable goal"),
    ],
    ids=["not-a-manifesto", "no-department", "no-goals", "no-era", "no-usable-goal"],
)
def test_malformed_documents_fail_naming_what_is_missing(text, kind, names):
    with pytest.raises(ExtractionError) as raised:
        record(text)
    assert raised.value.kind == kind
    assert names in str(raised.value)


def test_goal_without_mission_is_kept_with_a_warning():
    manifesto = record(HEADER + COLUMNS + "◎部局目標1\n\t目\t〈達成目標〉水\t手\n")
    assert manifesto.goals[0].mission == ""
    assert [(w.kind, w.goal) for w in manifesto.warnings] == [("goal_incomplete", 1)]


def test_a_goal_missing_its_objective_is_kept_and_costs_no_other_goal():
    manifesto = record(HEADER + COLUMNS + "◎部局目標1\n使\t\t〈達成目標〉水\t手\n◎部局目標2\n使\t目\t〈達成目標〉水\t手\n")
    assert [(g.number, g.objective, g.target) for g in manifesto.goals] == [(1, "", "水"), (2, "目", "水")]
    assert [(w.kind, w.goal, "objective" in w.message) for w in manifesto.warnings] == [("goal_incomplete", 1, True)]


def test_a_goal_with_no_text_is_left_out_with_a_warning():
    manifesto = record(HEADER + COLUMNS + "◎部局目標1\n使\t目\t〈達成目標〉水\t手\n◎部局目標2\n")
    assert [g.number for g in manifesto.goals] == [1]
    assert [(w.kind, w.goal) for w in manifesto.warnings] == [("goal_unreadable", 2)]


def test_fiscal_year_from_the_preamble_when_the_title_has_none():
    text = HEADER.replace("2022(令和4)年度 部局マニフェスト", "部局マニフェスト\n令和元年度版") + COLUMNS + "◎部局目標1\n使\t目\t〈達成目標〉水\t手\n"
    manifesto = record(text)
    assert (manifesto.fiscal_year, manifesto.era) == (2019, "令和元")


def test_goals_without_a_mission_column_take_the_mission_printed_once():
    text = HEADER + "組織使命\t市民の安全を守ります\n\n目標\t達成水準\t手段\n◎部局目標1\n目\t〈達成目標〉水\t手\n◎部局目標2\n目2\t〈達成目標〉水\t手\n"
    manifesto = record(text)
    assert [g.mission for g in manifesto.goals] == ["市民の安全を守ります"] * 2
    assert manifesto.warnings == []


@pytest.mark.parametrize(
    "means, expected",
    [
        ("<p>・Digital</p><p>Transformationの推進</p>", "Digital Transformationの推進"),
        ("<p>・ＮＰＯ法人のＮ</p><p>ＰＯとの連携</p>", "NPO法人のNPOとの連携"),
        ("<p>・年1</p><p>2回の研修</p>", "年12回の研修"),
        ("<p>①相談会の開催</p><p>②改修費の補助</p>", ["相談会の開催", "改修費の補助"]),
        ("<p>（１）相談会の開催</p><p>（２）改修費の補助</p>", ["相談会の開催", "改修費の補助"]),
        ("<p>ア　相談会の開催</p><p>イ　改修費の補助</p>", ["相談会の開催", "改修費の補助"]),
        ("<p>・アクションプランの策定</p>", ["アクションプランの策定"]),
        ("<p>・市民ワークショップによる市</p><p>民の意見聴取</p>", "市民ワークショップによる市民の意見聴取"),
    ],
    ids=["half-width-words", "full-width-letters", "wrapped-number", "circled-numbers", "bracketed-numbers", "katakana-numbers",
         "katakana-word", "japanese"],
)
def test_means_items_and_their_wrapped_lines(means, expected):
    assert one_goal(means=means).goals[0].means == (expected if isinstance(expected, list) else [expected])


def test_a_period_wrapped_onto_its_own_line_keeps_its_space():
    goal = one_goal("<p>〈達成目標〉</p><p>・確認体制の確立</p><p>４月</p><p>・周知 ９月～</p><p>１１月</p>").goals[0]
    assert goal.target == "・確認体制の確立 4月\n・周知 9月~11月"
    assert [(m.text, m.period) for m in goal.milestones] == [("確認体制の確立", "4月"), ("周知", "9月~11月")]


@pytest.mark.parametrize("placeholder", ["―", "－", "未評価", "-"])
def test_a_placeholder_in_the_evaluation_is_no_evaluation(placeholder):
    text = HEADER + COLUMNS + f"◎部局目標1\n使\t目\t〈達成目標〉水\t手\n\n達成状況(自己評価)\t理由\n{placeholder}\t{placeholder}\n"
    manifesto = record(text)
    assert (manifesto.goals[0].self_rating, manifesto.goals[0].rating_reason, manifesto.warnings) == (None, None, [])


def test_level_text_outside_any_marker_is_warned_about():
    manifesto = one_goal("<p>段差の解消と拡幅を進める。</p>")
    assert [(w.kind, w.goal) for w in manifesto.warnings] == [("section_missing", 1), ("unplaced_text", 1)]
