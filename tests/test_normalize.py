"""Specification of extract.normalize: the contract's text rules, case by case."""

import unicodedata

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from extract.vocabulary import load_vocabulary

CALENDAR = load_vocabulary().words.calendar
ERAS, ERA_ABBREVIATIONS = CALENDAR.eras, CALENDAR.abbreviations

from extract.normalize import (
    RADICAL_SUPPLEMENT_TO_IDEOGRAPH,
    Era,
    Period,
    clean,
    join_lines,
    parse_era,
    split_milestone,
)

# --- clean: NFKC -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＤＸ", "DX"),
        ("（ＩＤＸ）", "(IDX)"),
        ("１２月", "12月"),
        ("１月～２月", "1月~2月"),
        ("４１．２％", "41.2%"),
        ("：", ":"),
        ("ｱｸｼｮﾝﾌﾟﾗﾝ", "アクションプラン"),  # half-width katakana
        ("㈱", "(株)"),
        ("㍻", "平成"),
    ],
)
def test_clean_applies_nfkc(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u2f45", "方"),  # KANGXI RADICAL SQUARE
        ("\u2f8f", "行"),  # KANGXI RADICAL WALK ENCLOSURE
        ("\u2f08", "人"),  # KANGXI RADICAL MAN
        ("⾏政サービス", "行政サービス"),
        ("市⺠の⽅々", "市民の方々"),
    ],
)
def test_clean_repairs_kangxi_radicals(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_repairs_the_whole_kangxi_block_to_unified_ideographs() -> None:
    for code_point in range(0x2F00, 0x2FD6):
        repaired = clean(chr(code_point))
        assert unicodedata.name(repaired).startswith("CJK UNIFIED IDEOGRAPH-"), hex(code_point)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("⺠", "民"),
        ("⻑", "長"),
        ("⻄", "西"),
        ("⻘", "青"),
        ("⻝", "食"),
        ("⻤", "鬼"),
        ("⺟", "母"),  # repaired by NFKC itself, hence not in the table
        ("⻲", "亀"),
        ("⻩", "黄"),
        ("⻭", "歯"),
        ("⺢", "氺"),  # WATER TWO has the shape 氺, not 水
        ("⺾", "艹"),  # GRASS ONE has the shape 艹, not 艸
        ("市⺠", "市民"),
        ("部⻑", "部長"),
        ("関⻄", "関西"),
        ("⻘少年", "青少年"),
        ("⻝育", "食育"),
    ],
)
def test_clean_repairs_cjk_radicals_supplement(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(("radical", "ideograph"), sorted(RADICAL_SUPPLEMENT_TO_IDEOGRAPH.items()))
def test_radical_table_maps_supplement_radicals_to_unified_ideographs(radical: str, ideograph: str) -> None:
    assert 0x2E80 <= ord(radical) <= 0x2EF3
    assert unicodedata.name(radical).startswith("CJK RADICAL ")
    assert unicodedata.name(ideograph).startswith("CJK UNIFIED IDEOGRAPH-")
    assert unicodedata.normalize("NFKC", radical) == radical  # else NFKC would already repair it


@pytest.mark.parametrize(
    ("radical", "name"),
    [
        ("⺠", "CJK RADICAL CIVILIAN"),
        ("⻑", "CJK RADICAL LONG ONE"),
        ("⻄", "CJK RADICAL WEST TWO"),
        ("⻝", "CJK RADICAL EAT ONE"),
        ("⻲", "CJK RADICAL J-SIMPLIFIED TURTLE"),
        ("⻭", "CJK RADICAL J-SIMPLIFIED TOOTH"),
    ],
)
def test_radical_table_keys_are_the_named_radicals(radical: str, name: str) -> None:
    assert unicodedata.name(radical) == name


# --- clean: whitespace -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DX  推進", "DX 推進"),
        ("DX\t推進", "DX 推進"),
        ("DX\u3000推進", "DX 推進"),  # ideographic space
        ("DX\u00a0推進", "DX 推進"),  # no-break space
        ("DX \t\u3000 推進", "DX 推進"),
        ("  公表 9月  ", "公表 9月"),
        ("", ""),
        (" \t\u3000 ", ""),
    ],
)
def test_clean_collapses_whitespace_runs_to_one_space(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("・外部知見の活用\n・本部内への設置", "・外部知見の活用\n・本部内への設置"),
        ("公表 9月 \n  策定 12月", "公表 9月\n策定 12月"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\n\nb", "a\n\nb"),
        ("\n\na\n\n", "a"),
    ],
)
def test_clean_keeps_newlines_and_strips_each_line(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("部 局 名", "部局名"),  # letter-spaced Han
        ("氏　名", "氏名"),
        ("こ れ か ら", "これから"),
        ("ア ク シ ョ ン", "アクション"),
        ("検討 ・ 取り組み", "検討・取り組み"),
        ("連携 、 協議", "連携、協議"),
        ("構築します 。", "構築します。"),
        ("「 事業仕分け 」", "「事業仕分け」"),
        ("ス ピ ー ド 感", "スピード感"),
        ("防火対象物の立入検査 年300件以上", "防火対象物の立入検査 年300件以上"),  # one author's space stays
        ("産業 振興部", "産業 振興部"),
        ("デジタルトランスフォーメ ーション", "デジタルトランスフォーメーション"),
        ("市 (DX)", "市(DX)"),  # （ became ( under NFKC and still counts as CJK punctuation
        ("（ＤＸ） を", "(DX)を"),
        ("伊賀市 ［案］", "伊賀市[案]"),
    ],
)
def test_clean_removes_spaces_a_pdf_put_between_cjk(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "公表 9月",  # CJK + digit
        "45.3% (速報値)",  # digit/sign + bracket
        "優先実行 DX 事業",  # CJK + Latin
        "Digital Transformation",
        "(A) (B)",  # two brackets, no CJK
        "PPP 関連事業",
    ],
)
def test_clean_keeps_spaces_next_to_digits_latin_or_between_brackets(raw: str) -> None:
    assert clean(raw) == raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("宮崎　寿", "宮崎 寿"),
        ("森川 智子", "森川 智子"),
        ("森川\u3000\u3000智子 ", "森川 智子"),
        ("⻑谷川　花⼦", "長谷川 花子"),
    ],
)
def test_clean_keep_spaces_keeps_the_space_in_personal_names(raw: str, expected: str) -> None:
    assert clean(raw, keep_spaces=True) == expected


def test_clean_without_keep_spaces_joins_a_personal_name() -> None:
    assert clean("宮崎　寿") == "宮崎寿"


_REALISTIC_TEXT = st.text(
    alphabet=st.sampled_from(list("市民のアクションプラン公表・、。「」()（）ＤＸDigital12９月 \u3000\t\n⽅⺠⻑")),
    max_size=40,
)


@given(_REALISTIC_TEXT, st.booleans())
def test_clean_is_idempotent(raw: str, keep_spaces: bool) -> None:
    once = clean(raw, keep_spaces=keep_spaces)
    assert clean(once, keep_spaces=keep_spaces) == once


@given(_REALISTIC_TEXT, st.booleans())
def test_clean_leaves_only_single_inner_spaces_and_newlines(raw: str, keep_spaces: bool) -> None:
    cleaned = clean(raw, keep_spaces=keep_spaces)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert all(line == line.strip() for line in cleaned.split("\n"))
    assert not any(char.isspace() and char not in " \n" for char in cleaned)


# --- join_lines ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Digital", "Transformation"], "Digital Transformation"),
        (["1", "2月"], "12月"),
        (["市", "民の"], "市民の"),
        (["デジタルトランスフォーメー", "ション(DX)を推進し、市"], "デジタルトランスフォーメーション(DX)を推進し、市"),
        (["事業", "DX"], "事業DX"),  # CJK + Latin: no space
        (["DX", "事業"], "DX事業"),
        (["PDCA", "2回"], "PDCA2回"),  # Latin + digit: no space
        (["実行されたり", "、検討されている。"], "実行されたり、検討されている。"),
        (["  市民の  ", "\t意見 "], "市民の意見"),  # each line stripped
        (["市民の", "", "  ", "意見"], "市民の意見"),  # empty lines dropped
        (["", "Digital", "", "Transformation", ""], "Digital Transformation"),
        ([], ""),
        (["a b", "c"], "a b c"),  # inner spaces are left alone
    ],
)
def test_join_lines(lines: list[str], expected: str) -> None:
    assert join_lines(lines) == expected


def test_join_lines_accepts_any_iterable() -> None:
    assert join_lines(line for line in ["市", "民"]) == "市民"


# --- eras ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("era", "first_year"),
    [("明治", 1868), ("大正", 1912), ("昭和", 1926), ("平成", 1989), ("令和", 2019)],
)
def test_era_table(era: str, first_year: int) -> None:
    assert ERAS[era] == first_year
    assert parse_era(f"{era}元年") == Era(f"{era}元", first_year)
    assert parse_era(f"{era}1年") == Era(f"{era}1", first_year)


def test_era_abbreviations_name_known_eras() -> None:
    assert ERA_ABBREVIATIONS == {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}


@pytest.mark.parametrize(
    ("text", "label", "fiscal_year"),
    [
        ("令和3年度", "令和3", 2021),
        ("令和元年度", "令和元", 2019),
        ("令和2年度", "令和2", 2020),
        ("平成30年度", "平成30", 2018),
        ("平成31年度", "平成31", 2019),
        ("平成32年度", "平成32", 2020),  # written before the era changed
        ("昭和64年", "昭和64", 1989),
        ("大正15年", "大正15", 1926),
        ("明治45年", "明治45", 1912),
        ("令和3年", "令和3", 2021),  # 年 without 度
        ("R3年度", "R3", 2021),
        ("H30年度", "H30", 2018),
        ("R元年度", "R元", 2019),
        ("令和 3 年度", "令和3", 2021),
        ("令和\u30003\u3000年度", "令和3", 2021),
        ("令和３年度", "令和3", 2021),  # full-width digit
        ("2021(令和3)年度 部局マニフェスト", "令和3", 2021),
        ("２０２１（令和３）年度 部局マニフェスト", "令和3", 2021),
        ("2020（令和２）年度の抱負", "令和2", 2020),
        ("令和3(2021)年度", "令和3", 2021),
        ("2022(令和3)年度", "令和3", 2021),  # Gregorian disagrees: the era is trusted
        ("令和3年度の抱負と令和4年度", "令和3", 2021),  # the first one
        ("令和0年 平成2年", "平成2", 1990),  # year 0 is not an era year
    ],
)
def test_parse_era(text: str, label: str, fiscal_year: int) -> None:
    assert parse_era(text) == Era(label=label, fiscal_year=fiscal_year)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "部局マニフェスト",
        "2021年度",  # Gregorian only
        "令和",
        "令和3",  # no 年
        "令和3月",
        "令和123年度",  # not a one- or two-digit year
        "VR3年",  # R inside a Latin word is not an era
        "R 年度",
    ],
)
def test_parse_era_finds_nothing(text: str) -> None:
    assert parse_era(text) is None


@given(st.text(max_size=30))
def test_parse_era_never_raises(text: str) -> None:
    result = parse_era(text)
    assert result is None or isinstance(result, Era)


# --- split_milestone ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "fiscal_year", "expected"),
    [
        # the samples
        ("アクションプランの中間案の公表 9月", 2021, Period("アクションプランの中間案の公表", "9月", "2021-09", "2021-09")),
        ("アクションプランの策定 12月", 2021, Period("アクションプランの策定", "12月", "2021-12", "2021-12")),
        ("市民周知・職員研修 1月~2月", 2021, Period("市民周知・職員研修", "1月~2月", "2022-01", "2022-02")),
        ("市新型コロナウイルス相談窓口の設置 5月", 2020, Period("市新型コロナウイルス相談窓口の設置", "5月", "2020-05", "2020-05")),
        ("高齢者施設等への衛生資材の配布 6月~8月", 2020, Period("高齢者施設等への衛生資材の配布", "6月~8月", "2020-06", "2020-08")),
        ("地域外来・検査センターの開設 10月", 2020, Period("地域外来・検査センターの開設", "10月", "2020-10", "2020-10")),
        ("休日健診の実施 9月~11月", 2020, Period("休日健診の実施", "9月~11月", "2020-09", "2020-11")),
        # fiscal year: April–December in it, January–March in the next calendar year
        ("公表 4月", 2021, Period("公表", "4月", "2021-04", "2021-04")),
        ("公表 3月", 2021, Period("公表", "3月", "2022-03", "2022-03")),
        ("公表 1月", 2019, Period("公表", "1月", "2020-01", "2020-01")),
        # suffixes
        ("策定 12月末", 2021, Period("策定", "12月末", "2021-12", "2021-12")),
        ("公表 9月上旬", 2021, Period("公表", "9月上旬", "2021-09", "2021-09")),
        ("公表 9月中旬", 2021, Period("公表", "9月中旬", "2021-09", "2021-09")),
        ("公表 9月下旬", 2021, Period("公表", "9月下旬", "2021-09", "2021-09")),
        ("公表 9月頃", 2021, Period("公表", "9月頃", "2021-09", "2021-09")),
        ("公表 9月中", 2021, Period("公表", "9月中", "2021-09", "2021-09")),
        ("公表 9月まで", 2021, Period("公表", "9月まで", "2021-09", "2021-09")),
        ("策定 12月末まで", 2021, Period("策定", "12月末まで", "2021-12", "2021-12")),
        # ranges and their separators
        ("研修 1月〜2月", 2021, Period("研修", "1月〜2月", "2022-01", "2022-02")),  # wave dash
        ("研修 1月～2月", 2021, Period("研修", "1月~2月", "2022-01", "2022-02")),  # full-width tilde, NFKC'd
        ("研修 1月-2月", 2021, Period("研修", "1月-2月", "2022-01", "2022-02")),
        ("研修 1月から2月", 2021, Period("研修", "1月から2月", "2022-01", "2022-02")),
        ("研修 1月 ~ 2月", 2021, Period("研修", "1月 ~ 2月", "2022-01", "2022-02")),
        ("研修 10月~3月", 2021, Period("研修", "10月~3月", "2021-10", "2022-03")),  # crosses the calendar year
        ("研修 4月~3月", 2021, Period("研修", "4月~3月", "2021-04", "2022-03")),
        ("研修 1月~4月", 2021, Period("研修", "1月~4月", "2022-01", "2022-04")),  # end never before start
        ("配布 6~8月", 2020, Period("配布", "6~8月", "2020-06", "2020-08")),  # one 月 for the range
        ("配布 11~1月", 2020, Period("配布", "11~1月", "2020-11", "2021-01")),
        ("研修 9月上旬~10月中旬", 2021, Period("研修", "9月上旬~10月中旬", "2021-09", "2021-10")),
        # explicit years, used as printed
        ("公表 令和4年1月", 2021, Period("公表", "令和4年1月", "2022-01", "2022-01")),
        ("公表 令和4年10月", 2021, Period("公表", "令和4年10月", "2022-10", "2022-10")),
        ("公表 2022年1月", 2021, Period("公表", "2022年1月", "2022-01", "2022-01")),
        ("公表 R4年1月", 2021, Period("公表", "R4年1月", "2022-01", "2022-01")),
        ("公表 令和元年12月", 2021, Period("公表", "令和元年12月", "2019-12", "2019-12")),
        ("研修 令和4年1月~3月", 2021, Period("研修", "令和4年1月~3月", "2022-01", "2022-03")),
        ("研修 令和3年10月~令和4年3月", 2021, Period("研修", "令和3年10月~令和4年3月", "2021-10", "2022-03")),
        ("研修 10月~2022年3月", 2021, Period("研修", "10月~2022年3月", "2021-10", "2022-03")),
        # what precedes the expression
        ("中間案の公表: 9月", 2021, Period("中間案の公表", "9月", "2021-09", "2021-09")),
        ("中間案の公表：9月", 2021, Period("中間案の公表", "9月", "2021-09", "2021-09")),
        ("中間案の公表、9月", 2021, Period("中間案の公表", "9月", "2021-09", "2021-09")),
        ("中間案の公表…9月", 2021, Period("中間案の公表", "9月", "2021-09", "2021-09")),
        ("中間案の公表9月", 2021, Period("中間案の公表", "9月", "2021-09", "2021-09")),  # no space
        ("中間案の公表(9月)", 2021, Period("中間案の公表", "9月", "2021-09", "2021-09")),
        ("中間案の公表 9 月", 2021, Period("中間案の公表", "9 月", "2021-09", "2021-09")),  # letter-spaced
        ("中間案の公表 ９月  ", 2021, Period("中間案の公表", "9月", "2021-09", "2021-09")),
        ("9月", 2021, Period("", "9月", "2021-09", "2021-09")),
        # months outside 1–12: the period is kept for a warning, no dates
        ("公表 13月", 2021, Period("公表", "13月", None, None, understood=False)),
        ("公表 0月", 2021, Period("公表", "0月", None, None, understood=False)),
        ("研修 11月~13月", 2021, Period("研修", "11月~13月", None, None, understood=False)),
        # periods named by a word: the fiscal year's halves and quarters, its end
        ("調査 上半期", 2024, Period("調査", "上半期", "2024-04", "2024-09")),
        ("調査 下半期", 2024, Period("調査", "下半期", "2024-10", "2025-03")),
        ("報告 第1四半期", 2024, Period("報告", "第1四半期", "2024-04", "2024-06")),
        ("報告 第3四半期", 2024, Period("報告", "第3四半期", "2024-10", "2024-12")),
        ("報告 第４四半期", 2024, Period("報告", "第4四半期", "2025-01", "2025-03")),
        ("公表 年度末", 2024, Period("公表", "年度末", "2025-03", "2025-03")),
        # ... or naming no month: still a milestone, its dates null, not guessed
        ("検討 年度内", 2024, Period("検討", "年度内", None, None)),
        ("相談 通年", 2024, Period("相談", "通年", None, None)),
        ("更新 随時", 2024, Period("更新", "随時", None, None)),
        ("受付 4月～随時", 2024, Period("受付", "4月~随時", "2024-04", None)),  # an open end
        ("受付 4月〜随時", 2024, Period("受付", "4月〜随時", "2024-04", None)),
        # a year and a month joined by a dot or slash, and more month suffixes
        ("公表 R7.2", 2024, Period("公表", "R7.2", "2025-02", "2025-02")),
        ("公表 2025/1", 2024, Period("公表", "2025/1", "2025-01", "2025-01")),
        ("公表 令和7年2月", 2024, Period("公表", "令和7年2月", "2025-02", "2025-02")),
        ("公表 9月初旬", 2024, Period("公表", "9月初旬", "2024-09", "2024-09")),
        ("公表 9月ごろ", 2024, Period("公表", "9月ごろ", "2024-09", "2024-09")),
        ("公表 9月までに", 2024, Period("公表", "9月までに", "2024-09", "2024-09")),
        # a day: the milestone is its month's
        ("開設 10月1日", 2024, Period("開設", "10月1日", "2024-10", "2024-10")),
        ("調査 1月15日まで", 2024, Period("調査", "1月15日まで", "2025-01", "2025-01")),
        # 翌年: the calendar year after the one the fiscal year begins in
        ("確保 4月~翌年3月", 2024, Period("確保", "4月~翌年3月", "2024-04", "2025-03")),
        ("還元 12月～翌年2月", 2024, Period("還元", "12月~翌年2月", "2024-12", "2025-02")),
        ("見直し 翌年4月", 2024, Period("見直し", "翌年4月", "2025-04", "2025-04")),
        ("改定 令和7年4月~翌年3月", 2024, Period("改定", "令和7年4月~翌年3月", "2025-04", "2026-03")),  # after the start's year
        # a closing bracket the text opened stays; one that closes nothing it opened is a trailer
        ("送付(過去3年間の未受診者) 4月", 2024, Period("送付(過去3年間の未受診者)", "4月", "2024-04", "2024-04")),
        ("1) 計画の策定(案) 4月", 2024, Period("1) 計画の策定(案)", "4月", "2024-04", "2024-04")),
    ],
)
def test_split_milestone(item: str, fiscal_year: int, expected: Period) -> None:
    assert split_milestone(item, fiscal_year) == expected


@pytest.mark.parametrize(
    "item",
    [
        "特定健康診査受診率 45%以上",
        "市有温泉2施設の民間移譲が完了し、現在検討中のPPP関連事業が進捗している。",
        "介護予防サポーター養成講座の開催(年3回)",
        "9月に公表",  # the month is not at the end
        "3か月ごとの進捗確認 毎月",
        "研修期間 3ヶ月",
        "研修 6~8",  # no 月
        "目標値 120月",  # 120 is not a month that lost its digits
        "公表 9月以降",  # not a recognised suffix
        "公表 令和4年度",
        "改訂版 Ver.2.1",  # a dotted number that is no year and month
        "",
    ],
)
def test_split_milestone_returns_none_without_trailing_time_expression(item: str) -> None:
    assert split_milestone(item, 2021) is None


@given(st.text(max_size=30), st.integers(min_value=1989, max_value=2200))
def test_split_milestone_never_raises_and_dates_are_year_month(item: str, fiscal_year: int) -> None:
    result = split_milestone(item, fiscal_year)
    if result is not None:
        assert result.period
        assert result.start is not None or result.end is None or result.period.startswith(tuple(
            named.form for named in load_vocabulary().words.time.named))
        for date in (result.start, result.end):
            assert date is None or regex.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", date)
