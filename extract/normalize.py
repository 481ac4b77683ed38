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
from functools import lru_cache

import regex

from .vocabulary import Vocabulary, VocabularyWords, alternation, resolve

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
# Other code points fonts emit for an ordinary character: Chromium's print of a web page maps the
# katakana middle dot's glyph to U+2027 HYPHENATION POINT; Word's Symbol-font bullets are handled as bullets.
GLYPH_LOOKALIKES: dict[str, str] = {
    "\u2027": "・",  # U+2027 HYPHENATION POINT → U+30FB KATAKANA MIDDLE DOT
}
_RADICAL_TRANSLATION = str.maketrans({**RADICAL_SUPPLEMENT_TO_IDEOGRAPH, **GLYPH_LOOKALIKES})

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
CLEAN_CACHE = 4096  # lines of text whose clean form a worker keeps (a manifesto has a few hundred)
_LETTER_SPACING = regex.compile(
    rf"(?<={_CJK}) (?={_CJK}|{_BRACKET})|(?<={_BRACKET}) (?={_CJK})"
)


@lru_cache(maxsize=CLEAN_CACHE)
def clean(text: str, *, keep_spaces: bool = False) -> str:
    """Return `text` as the contract stores text values (pure, and remembered: the block finder and the
    builder clean each printed line about three times).

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


# --- eras and time expressions ---------------------------------------------------------


@dataclass(frozen=True)
class Era:
    """A Japanese era year and the fiscal year it names."""

    label: str  # as printed after NFKC, spaces removed: '令和3', '令和元', '平成30', 'R3'
    fiscal_year: int  # Gregorian year the fiscal year starts in


@dataclass(frozen=True)
class Period:
    """A target's bullet item split into what is to be done and when."""

    text: str  # the item without its time expression, stripped
    period: str  # the time expression as printed (after NFKC)
    start: str | None  # 'YYYY-MM'; None where the expression names no month (随時) or a month outside 1–12
    end: str | None  # 'YYYY-MM'; equals start for a single month; None for an open end (4月~随時)
    understood: bool = True  # False where a month is outside 1–12: the caller warns


@dataclass(frozen=True)
class Calendar:
    """The time vocabulary of one vocabulary file, compiled: eras, month words, named periods."""

    vocabulary: VocabularyWords
    era: regex.Pattern[str]
    period: regex.Pattern[str]
    named: dict[str, tuple[int | None, int | None]]  # 上半期 → (4, 9); 随時 → (None, None)

    @staticmethod
    @lru_cache(maxsize=16)
    def of(vocabulary: Vocabulary) -> Calendar:
        """Given a vocabulary, return its time patterns (cached per vocabulary)."""
        words = vocabulary.words
        time = words.time
        named = {unicodedata.normalize("NFKC", n.form): (n.start, n.end) for n in time.named}
        return Calendar(
            vocabulary=words,
            era=regex.compile(rf"{_era_year(words)}\s*(?:\(\s*\d{{4}}\s*\)\s*|\)\s*)?{regex.escape(time.year_word)}"),
            period=regex.compile(_period_pattern(words, list(named)), regex.VERBOSE),
            named=named,
        )

    def gregorian_year(self, era: str, number: str) -> int:
        """Convert an era name or abbreviation and its year number (digits or 元) to a Gregorian year."""
        calendar = self.vocabulary.calendar
        start = calendar.eras[calendar.abbreviations.get(era, era)]
        return start - 1 + (1 if number == calendar.first_year_word else int(number))


def _era_year(words: VocabularyWords, prefix: str = "") -> str:
    """Pattern of an era name and its year number, in groups `{prefix}era` and `{prefix}num`.

    A Latin letter before an abbreviation makes it part of a word, not an era (VR3年).
    """
    calendar = words.calendar
    names = alternation([*calendar.eras, *calendar.abbreviations])
    first = regex.escape(calendar.first_year_word)
    return rf"(?<!\p{{Script=Latin}})(?P<{prefix}era>{names})\s*(?P<{prefix}num>{first}|\d{{1,2}})(?!\d)"


def _point_pattern(words: VocabularyWords, named: list[str], side: str) -> str:
    """Pattern of one end of a time expression, in groups named `{side}_…`: [year 年 | 翌年] month [月 [day 日]
    [suffix] [まで]], a named period (上半期, 随時), or a year and month joined by a dot or slash (R7.2, 2025/1)."""
    time = words.time
    next_year = rf"|(?P<{side}_next>{alternation(time.next_year)})\s*" if time.next_year else ""
    year = rf"(?:(?:{_era_year(words, f'{side}_')}|(?P<{side}_ad>\d{{4}}))\s*{regex.escape(time.year_word)}\s*{next_year})?"
    day = rf"(?:\s*\d{{1,2}}\s*{regex.escape(time.day_word)})?" if time.day_word else ""
    suffixes = f"(?:{alternation(time.month_suffixes)})?" if time.month_suffixes else ""
    until = f"(?:{alternation(time.until)})?" if time.until else ""
    month = rf"{year}(?P<{side}_month>\d{{1,2}})(?:\s*(?P<{side}_word>{regex.escape(time.month_word)}){day}{suffixes}{until})?"
    points = [month]
    if named:
        points.append(rf"(?P<{side}_named>{alternation(named)}){until}")
    if time.year_month_separators:
        dotted_year = rf"(?:{_era_year(words, f'{side}_d')}|(?P<{side}_dad>\d{{4}}))"
        separator = alternation(time.year_month_separators)
        points.append(
            rf"{dotted_year}(?:{separator})(?P<{side}_dmonth>\d{{1,2}})(?!\d)(?:\s*{regex.escape(time.month_word)})?{until}"
        )
    return "(?:" + "|".join(points) + ")"


def _period_pattern(words: VocabularyWords, named: list[str]) -> str:
    """A single time expression or a range, at the end of an item: 9月, 12月末, 1月~2月, 6~8月, 上半期,
    4月~随時, R7.2; the whole may be bracketed (公表(9月))."""
    separators = alternation(words.time.range_separators)
    return rf"""
    (?P<open>\()?
    (?<!\d)(?<!\d\.)            # 120月 is not 20月, Ver.2.1 is not a year and month
    (?P<period>
        {_point_pattern(words, named, "start")}
        (?:\s*(?:{separators})\s*{_point_pattern(words, named, "end")})?
    )
    (?(open)\))
    \s*$
    """


def parse_era(text: str, vocabulary: Vocabulary | None = None) -> Era | None:
    """Find the first Japanese era year (`令和3年度`, `平成元年`, `R3年度`) in `text`.

    NFKC is applied first, so full-width digits and brackets are fine. Year 0 is skipped.
    A Gregorian year printed beside the era (`2021(令和3)年度`) is ignored: the era is
    trusted, including years written before an era ended (`平成32年度` → 2020).
    Returns None when the text holds no era year.
    """
    calendar = Calendar.of(resolve(vocabulary))
    for match in calendar.era.finditer(unicodedata.normalize("NFKC", text)):
        if match["num"] == "0":
            continue
        return Era(label=match["era"] + match["num"], fiscal_year=calendar.gregorian_year(match["era"], match["num"]))
    return None


def _closed(match: regex.Match[str]) -> bool:
    """A time expression ends in a month word, a named period or a dotted month: `6~8月` is one, `6~8` is not."""
    side = "end" if match["end_month"] or match["end_named"] or match["end_dmonth"] else "start"
    return bool(match[f"{side}_word"] or match[f"{side}_named"] or match[f"{side}_dmonth"])


def _point(
    calendar: Calendar, match: regex.Match[str], side: str, year_of: int
) -> tuple[int | None, int | None, int | None]:
    """One end of a matched expression: (first month, last month, explicit year or None); 翌年 is the year after
    `year_of` (the one the fiscal year begins in, or the start's own year for a range's end)."""
    if match[f"{side}_named"]:
        first, last = calendar.named[match[f"{side}_named"]]
        return first, last, None
    if match[f"{side}_dmonth"]:
        month = int(match[f"{side}_dmonth"])
        year = int(match[f"{side}_dad"]) if match[f"{side}_dad"] else calendar.gregorian_year(
            match[f"{side}_dera"], match[f"{side}_dnum"]
        )
        return month, month, year
    month = int(match[f"{side}_month"])
    if match[f"{side}_next"]:
        year: int | None = year_of + 1
    elif match[f"{side}_ad"]:
        year = int(match[f"{side}_ad"])
    elif match[f"{side}_era"]:
        year = calendar.gregorian_year(match[f"{side}_era"], match[f"{side}_num"])
    else:
        year = None
    return month, month, year


def _trimmed(text: str, trailers: str) -> str:
    """Given an item's text before its time expression, return it without the trailers between them (a space, a
    colon, the bracket of `公表(9月)`), keeping a closing bracket that closes one the text opened (`…(3年間) 4月`)."""
    kept = text.rstrip(trailers)
    if text[len(kept) : len(kept) + 1] == ")" and kept.rfind("(") > kept.rfind(")"):
        kept += ")"
    return kept


def is_period(text: str, vocabulary: Vocabulary | None = None) -> bool:
    """Whether `text` is nothing but a time expression (`4月`, `1月~2月`): a milestone's period on a line of its own."""
    match = Calendar.of(resolve(vocabulary)).period.match(unicodedata.normalize("NFKC", text).strip())
    return match is not None and _closed(match)


def split_milestone(item: str, fiscal_year: int, vocabulary: Vocabulary | None = None) -> Period | None:
    """Split a bullet item that ends in a time expression into text and period.

    `item` is one bullet of a target, bullet mark removed (NFKC is applied again, harmlessly).
    Months 4–12 fall in `fiscal_year`, months 1–3 in the year after; an explicit year
    (`2022年1月`, `令和4年1月`, `R7.2`) is used as printed. A range's end lies at or after its
    start (`10月~3月` crosses into the next year). A named period takes its months from the
    vocabulary (上半期 → 4–9); one that names none (随時, 年度内) has start and end None, and an
    open end (`4月~随時`) has end None. A month outside 1–12 gives start and end None and
    `understood` False, for the caller to warn about. Returns None when the item does not end
    in a time expression (`特定健康診査受診率 45%以上`).
    """
    calendar = Calendar.of(resolve(vocabulary))
    item = unicodedata.normalize("NFKC", item).strip()
    match = calendar.period.search(item)
    if match is None or not _closed(match):
        return None
    text = _trimmed(item[: match.start()], calendar.vocabulary.time.text_trailers)
    period = match["period"]
    start_month, first_last, start_year = _point(calendar, match, "start", fiscal_year)
    ranged = bool(match["end_month"] or match["end_named"] or match["end_dmonth"])
    if ranged:
        _, end_month, end_year = _point(calendar, match, "end", fiscal_year if start_year is None else start_year)
    else:
        end_month, end_year = first_last, start_year
    if start_month is None and end_month is None:
        return Period(text=text, period=period, start=None, end=None)
    if any(month is not None and not 1 <= month <= 12 for month in (start_month, end_month)):
        return Period(text=text, period=period, start=None, end=None, understood=False)
    start_of_year = calendar.vocabulary.calendar.fiscal_year_start_month
    if start_month is not None:
        if start_year is None and end_year is not None and end_month is not None:
            start_year = end_year if start_month <= end_month else end_year - 1
        if start_year is None:
            start_year = fiscal_year if start_month >= start_of_year else fiscal_year + 1
    if end_month is not None and end_year is None:
        if start_month is None or start_year is None:
            end_year = fiscal_year if end_month >= start_of_year else fiscal_year + 1
        else:
            end_year = start_year if end_month >= start_month else start_year + 1
    return Period(
        text=text,
        period=period,
        start=f"{start_year:04d}-{start_month:02d}" if start_month is not None else None,
        end=f"{end_year:04d}-{end_month:02d}" if end_month is not None else None,
    )
