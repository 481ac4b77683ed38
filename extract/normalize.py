"""Text normalisation shared by every extractor: the rules of ../shared/CONTRACT.md as pure functions.

- `clean`: NFKC, radical code points repaired, whitespace collapsed, letter-spacing undone.
- `join_lines`: lines a layout wrapped, joined the contract's way.
- `parse_era`: the first Japanese era year in a text (令和3年度 → fiscal year 2021).
- `split_milestone`: a target's bullet item split into its text and trailing time expression.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import regex

# --- clean -------------------------------------------------------------------

# CJK Radicals Supplement code points that Japanese PDF fonts emit for ordinary
# characters, mapped to the unified ideograph of the same shape (Unicode's own
# equivalence, which is why ⺢ WATER TWO is 氺 and ⺾ GRASS ONE is 艹, not 水/艸).
# The Kangxi Radicals block (U+2F00–U+2FD5) needs no table: NFKC repairs all of it,
# and of this block it repairs ⺟ MOTHER and ⻳ C-SIMPLIFIED TURTLE, so they are absent.
RADICAL_SUPPLEMENT_TO_IDEOGRAPH: dict[str, str] = {
    "⺠": "民",  # U+2EA0 CJK RADICAL CIVILIAN
    "⺢": "氺",  # U+2EA2 CJK RADICAL WATER TWO
    "⺩": "王",  # U+2EA9 CJK RADICAL JADE
    "⺬": "示",  # U+2EAC CJK RADICAL SPIRIT ONE
    "⺾": "艹",  # U+2EBE CJK RADICAL GRASS ONE
    "⻁": "虎",  # U+2EC1 CJK RADICAL TIGER
    "⻄": "西",  # U+2EC4 CJK RADICAL WEST TWO
    "⻆": "角",  # U+2EC6 CJK RADICAL SIMPLIFIED HORN
    "⻇": "角",  # U+2EC7 CJK RADICAL HORN
    "⻑": "長",  # U+2ED1 CJK RADICAL LONG ONE
    "⻘": "青",  # U+2ED8 CJK RADICAL BLUE
    "⻝": "食",  # U+2EDD CJK RADICAL EAT ONE
    "⻡": "首",  # U+2EE1 CJK RADICAL HEAD
    "⻣": "骨",  # U+2EE3 CJK RADICAL BONE
    "⻤": "鬼",  # U+2EE4 CJK RADICAL GHOST
    "⻨": "麦",  # U+2EE8 CJK RADICAL SIMPLIFIED WHEAT
    "⻩": "黄",  # U+2EE9 CJK RADICAL SIMPLIFIED YELLOW
    "⻫": "斉",  # U+2EEB CJK RADICAL J-SIMPLIFIED EVEN
    "⻭": "歯",  # U+2EED CJK RADICAL J-SIMPLIFIED TOOTH
    "⻯": "竜",  # U+2EEF CJK RADICAL J-SIMPLIFIED DRAGON
    "⻱": "龜",  # U+2EF1 CJK RADICAL TURTLE
    "⻲": "亀",  # U+2EF2 CJK RADICAL J-SIMPLIFIED TURTLE
}
_RADICAL_TRANSLATION = str.maketrans(RADICAL_SUPPLEMENT_TO_IDEOGRAPH)

_LINE_BREAK = regex.compile(r"\r\n?")
_INLINE_WHITESPACE = regex.compile(r"[^\S\n]+")
_SPACE_AT_LINE_END = regex.compile(r"^ | $", regex.MULTILINE)

# Characters Japanese is set in without spaces: Han (incl. 々〆〇), kana, the kana
# block's ・ and ー, and CJK punctuation (、。「」『』【】〈〉〜…).
_CJK = r"[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Block=Katakana}\p{Block=CJK_Symbols_And_Punctuation}]"
# Brackets NFKC turned ASCII (（）［］ → ()[]): spacing beside them is dropped when the
# other neighbour is CJK (`市 (DX)` → `市(DX)`), kept between two of them (`(A) (B)`).
_BRACKET = r"[()\[\]]"
_CJK_CHAR = regex.compile(_CJK)
LETTER_SPACED_SHARE = 0.5  # share of CJK neighbour pairs split by a space that marks a letter-spaced line
_PUNCTUATION = r"[\p{Block=CJK_Symbols_And_Punctuation}・()\[\]]"
_KATAKANA = r"[\p{Script=Katakana}ー]"
_STRAY_SPACE = regex.compile(
    rf"(?<={_PUNCTUATION}) (?={_CJK})|(?<={_CJK}) (?={_PUNCTUATION})|(?<={_KATAKANA}) (?={_KATAKANA})"
)
_LETTER_SPACING = regex.compile(
    rf"(?<={_CJK}) (?={_CJK}|{_BRACKET})|(?<={_BRACKET}) (?={_CJK})"
)


def clean(text: str, *, keep_spaces: bool = False) -> str:
    """Return `text` as the contract stores text values.

    NFKC-normalises (ＤＸ → DX), maps CJK radical code points PDFs emit to the ideograph
    they depict, collapses every whitespace run inside a line to one ASCII space (line
    breaks are kept, line ends stripped) and, unless `keep_spaces`, removes spaces between
    two CJK characters in a line PDFs letter-spaced (most CJK pairs split by a space). Spaces next to a
    digit or Latin letter stay (`公表 9月`). Use `keep_spaces=True` for personal names,
    whose one space separates family and given name (`宮崎　寿` → `宮崎 寿`).
    """
    text = unicodedata.normalize("NFKC", text).translate(_RADICAL_TRANSLATION)
    text = _LINE_BREAK.sub("\n", text)
    text = _INLINE_WHITESPACE.sub(" ", text)
    text = _SPACE_AT_LINE_END.sub("", text)
    if not keep_spaces:
        text = "\n".join(_undo_letter_spacing(line) for line in text.split("\n"))
    return text.strip()


def _undo_letter_spacing(line: str) -> str:
    """Remove the spaces a PDF put into Japanese text, keeping the author's.

    Spaces go when the line is letter-spaced (most CJK neighbours split by a space:
    `部 局 名`), or where they touch CJK punctuation or brackets (`構築します 。`), or
    split a katakana word (`トランスフォーメ ーション`). A single space between words
    is the author's (`立入検査 年300件以上`) and stays.
    """
    spaces = len(_LETTER_SPACING.findall(line))
    if spaces and spaces >= LETTER_SPACED_SHARE * (len(_CJK_CHAR.findall(line)) - 1):
        return _LETTER_SPACING.sub("", line)
    return _STRAY_SPACE.sub("", line)


# --- join_lines ----------------------------------------------------------------

_LATIN_LETTER = regex.compile(r"\p{Script=Latin}")


def join_lines(lines: Iterable[str]) -> str:
    """Join lines that a layout wrapped, per the contract: Japanese has no spaces.

    Each line is stripped and empty lines are dropped; lines join with nothing between
    them, except one space where the characters either side of the join are both Latin
    letters (`Digital` + `Transformation`). A number wrapped mid-way joins whole
    (`1` + `2月` → `12月`).
    """
    joined = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if joined and _LATIN_LETTER.fullmatch(joined[-1]) and _LATIN_LETTER.fullmatch(line[0]):
            joined += " "
        joined += line
    return joined


# --- eras ------------------------------------------------------------------------

# Gregorian year in which each era's first year (元年) falls: era year n is start - 1 + n.
ERAS: dict[str, int] = {
    "明治": 1868,
    "大正": 1912,
    "昭和": 1926,
    "平成": 1989,
    "令和": 2019,
}
# One-letter abbreviations printed in tables and forms: R3年度, H30年度.
ERA_ABBREVIATIONS: dict[str, str] = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

_ERA_NAME = "|".join([*ERAS, *ERA_ABBREVIATIONS])


def _era_year_pattern(prefix: str = "") -> str:
    """Pattern of an era name and its year number, in groups `{prefix}era` and `{prefix}num`.

    A Latin letter before an abbreviation makes it part of a word, not an era (VR3年).
    """
    return rf"(?<!\p{{Script=Latin}})(?P<{prefix}era>{_ERA_NAME})\s*(?P<{prefix}num>元|\d{{1,2}})(?!\d)"


# The era year, then 年 (or 年度), possibly after the closing bracket of
# `2021(令和3)年度` or after a Gregorian gloss `令和3(2021)年度`.
_ERA_RE = regex.compile(rf"{_era_year_pattern()}\s*(?:\(\s*\d{{4}}\s*\)\s*|\)\s*)?年")


@dataclass(frozen=True)
class Era:
    """A Japanese era year and the fiscal year it names."""

    label: str  # as printed after NFKC, spaces removed: '令和3', '令和元', '平成30', 'R3'
    fiscal_year: int  # Gregorian year the fiscal year starts in


def _gregorian_year(era: str, number: str) -> int:
    """Convert an era name or abbreviation and its year number (digits or 元) to a Gregorian year."""
    start = ERAS[ERA_ABBREVIATIONS.get(era, era)]
    return start - 1 + (1 if number == "元" else int(number))


def parse_era(text: str) -> Era | None:
    """Find the first Japanese era year (`令和3年度`, `平成元年`, `R3年度`) in `text`.

    NFKC is applied first, so full-width digits and brackets are fine. Year 0 is skipped.
    A Gregorian year printed beside the era (`2021(令和3)年度`) is ignored: the era is
    trusted, including years written before an era ended (`平成32年度` → 2020).
    Returns None when the text holds no era year.
    """
    for match in _ERA_RE.finditer(unicodedata.normalize("NFKC", text)):
        if match["num"] == "0":
            continue
        return Era(
            label=match["era"] + match["num"],
            fiscal_year=_gregorian_year(match["era"], match["num"]),
        )
    return None


# --- milestones ------------------------------------------------------------------

FISCAL_YEAR_START_MONTH = 4  # months before it belong to the fiscal year that began the year before
MONTH_SUFFIXES = ("末", "上旬", "中旬", "下旬", "頃", "中")  # each may be followed by まで
RANGE_SEPARATORS = ("~", "〜", "-", "‐", "−", "–", "—", "から")
# Trailing marks that separate an item's text from its time expression
# (`…` arrives as `...` after NFKC, `：` as `:`).
TEXT_TRAILERS = " :;、,.・~〜-‐−–—"
_MONTH_WORD = rf"月(?:{'|'.join(MONTH_SUFFIXES)})?(?:まで)?"


def _point_pattern(side: str) -> str:
    """Pattern of one end of a time expression: [year 年] month [月 [suffix]], in groups named `{side}_…`."""
    year = rf"(?:(?:{_era_year_pattern(f'{side}_')}|(?P<{side}_ad>\d{{4}}))\s*年\s*)?"
    return rf"{year}(?P<{side}_month>\d{{1,2}})(?:\s*{_MONTH_WORD})?"


# A single month or a range, at the end of the item: 9月, 12月末, 1月~2月, 6~8月, 令和4年1月.
_PERIOD_RE = regex.compile(
    rf"""
    (?P<open>\()?                   # the whole may be bracketed: 公表(9月)
    (?<!\d)                         # 120月 is not 20月
    (?P<period>
        {_point_pattern("start")}
        (?:\s*(?:{"|".join(regex.escape(separator) for separator in RANGE_SEPARATORS)})\s*
           {_point_pattern("end")})?
        (?<={_MONTH_WORD})          # ends in 月: 6~8月 yes, 6~8 no
    )
    (?(open)\))
    \s*$
    """,
    regex.VERBOSE,
)


@dataclass(frozen=True)
class Period:
    """A target's bullet item split into what is to be done and when."""

    text: str  # the item without its time expression, stripped
    period: str  # the time expression as printed (after NFKC)
    start: str | None  # 'YYYY-MM'; None when a month is outside 1–12
    end: str | None  # 'YYYY-MM'; equals start for a single month


def _explicit_year(match: regex.Match[str], side: str) -> int | None:
    """The year printed before one end's month (2022年, 令和4年), as a Gregorian year."""
    if match[f"{side}_ad"]:
        return int(match[f"{side}_ad"])
    if match[f"{side}_era"]:
        return _gregorian_year(match[f"{side}_era"], match[f"{side}_num"])
    return None


def is_period(text: str) -> bool:
    """Whether `text` is nothing but a time expression (`4月`, `1月~2月`): a milestone's period on a line of its own."""
    return _PERIOD_RE.match(unicodedata.normalize("NFKC", text).strip()) is not None


def split_milestone(item: str, fiscal_year: int) -> Period | None:
    """Split a bullet item that ends in a time expression into text and period.

    `item` is one bullet of a target, bullet mark removed (NFKC is applied again, harmlessly).
    Months 4–12 fall in `fiscal_year`, months 1–3 in the year after; an explicit year
    (`2022年1月`, `令和4年1月`) is used as printed. A range's end lies at or after its
    start (`10月~3月` crosses into the next year). A month outside 1–12 gives a Period with
    start and end None, for the caller to warn about. Returns None when the item does not
    end in a time expression (`特定健康診査受診率 45%以上`).
    """
    item = unicodedata.normalize("NFKC", item).strip()
    match = _PERIOD_RE.search(item)
    if match is None:
        return None
    text = item[: match.start()].rstrip(TEXT_TRAILERS)
    start_month = int(match["start_month"])
    end_month = int(match["end_month"]) if match["end_month"] else start_month
    if not (1 <= start_month <= 12 and 1 <= end_month <= 12):
        return Period(text=text, period=match["period"], start=None, end=None)

    start_year = _explicit_year(match, "start")
    end_year = _explicit_year(match, "end") if match["end_month"] else start_year
    if start_year is None and end_year is not None:
        start_year = end_year if start_month <= end_month else end_year - 1
    if start_year is None:
        start_year = fiscal_year if start_month >= FISCAL_YEAR_START_MONTH else fiscal_year + 1
    if end_year is None:
        end_year = start_year if end_month >= start_month else start_year + 1
    return Period(
        text=text,
        period=match["period"],
        start=f"{start_year:04d}-{start_month:02d}",
        end=f"{end_year:04d}-{end_month:02d}",
    )
