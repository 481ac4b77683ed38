"""Repair a document read by OCR against the manifesto's own logic and words.

A misread can cost a character, never a goal: a goal marker OCR garbled (`@部選目標3`,
`人づ部局目標2 .`) is found by its edit distance to the marker word, and its number is
taken from its place in the sequence of goals when the digit read does not fit; a table
cell reading close to one of the format's labels is read as that label; a number and
the CJK word after it lose the space OCR put between them. The words matched against
(the vocabulary's `[ocr]` words: the marker word, the labels, the legend texts, the section
markers, the characters OCR confuses) are those of the vocabulary the pipeline was given,
compiled once per vocabulary (`OcrWords.of`). Then running text is repaired against a
Japanese dictionary (SudachiPy's, an optional dependency loaded on the first OCR'd file):
a character OCR confuses with another is replaced where that turns the line into words the
dictionary, or the document itself, knows. Every inferred marker and every word repaired is
reported in a warning, and so is every value read with low confidence (`low_confidence`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

import regex

from .build import Trace
from .document import Document, Line, union
from .labels import Labels
from .models import ReadWarning
from .vocabulary import Vocabulary, load_vocabulary

MAX_MARKER_EDITS = 2  # a line within this many edits of the marker word is a goal marker ...
MAX_MARKER_LINE = 10  # ... when the line is this short (NFKC, no spaces): a marker stands alone
MAX_JUNK = 2  # characters OCR may read around a marker (a ◎ as @ or の, a speck as .)
FUZZY_MARKER = regex.compile(r"^(?P<before>.{0,%d}?)(?P<word>\p{Han}.{1,4}\p{Han})(?P<digits>\d{0,2})(?P<after>.{0,%d})$"
                             % (MAX_JUNK, MAX_JUNK))
LABEL_EDIT_SHARE = 0.25  # a cell this share of whose characters differ from a label's is that label misread ...
MIN_LABEL_LENGTH = 3  # ... when the label is this long (都局名 for 部局名; 組織使命連成に向けての旧根 for …目標)
SECTION_OPENING = regex.compile(r"^\s*([〈<《«(（\[【く※*＊]?)\s*")  # what OCR reads a marker's 〈 or ※ as
SECTION_CLOSING = regex.compile(r"^\s*[〉>》»)）\]】]")
SCORE_START = regex.compile(r"^\s*(\d)(?!\d)\s*[.:、)．]?")  # a legend line: 5. 先進的な…
SCORE_MISREAD = regex.compile(r"^\s*[^\d\s\p{Han}\p{Hiragana}\p{Katakana}]{1,2}\s*[.:、,．]?\s*")  # i 、 for 1.
MIN_LEGEND_SCORES = 3  # a cell with this many lines starting with consecutive scores is a legend
LOW_CONFIDENCE = 60.0  # a field whose lowest OCR line confidence is below this gets a warning


@dataclass(frozen=True)
class OcrWords:
    """The `[ocr]` words of one vocabulary, compiled once: what OCR's misreads are restored toward."""

    marker: regex.Pattern[str]  # ◎部局目標N, as the block finder reads it
    marker_word: str  # 部局目標
    mark: str  # ◎, printed before it
    labels: tuple[str, ...]  # the labels a manifesto's tables are keyed on
    legend: tuple[str, ...]  # the legend's texts
    sections: tuple[tuple[str, str], ...]  # a section word OCR may misread, and the marker restored
    confusable: dict[str, str]  # each character, and the characters OCR reads in its place

    @staticmethod
    @lru_cache(maxsize=16)
    def of(vocabulary: Vocabulary) -> OcrWords:
        """Given a vocabulary, return its OCR words (cached per vocabulary)."""
        ocr = vocabulary.words.ocr
        confusable: dict[str, str] = {}
        for group in ocr.confusable:
            for char in group:
                confusable[char] = confusable.get(char, "") + "".join(c for c in group if c != char)
        return OcrWords(Labels.of(vocabulary).marker, ocr.goal_marker, ocr.goal_symbol, tuple(ocr.labels),
                        tuple(ocr.legend), tuple(ocr.sections), confusable)


def built_in() -> OcrWords:
    """The built-in vocabulary's OCR words: the default of the functions below."""
    return OcrWords.of(load_vocabulary())


def edit_distance(a: str, b: str) -> int:
    """Given two strings, return their Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def marker_reading(text: str, words: OcrWords | None = None) -> tuple[bool, int | None] | None:
    """Given a cell's first OCR'd line (and the vocabulary's OCR words: None, the built-in ones), return whether
    it is a goal marker read exactly and the number read (None when unreadable), or None when the line is no
    goal marker at all."""
    words = words or built_in()
    key = regex.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    exact = words.marker.search(key)
    if exact and len(key) <= MAX_MARKER_LINE:
        return True, int(exact.group(1) or exact.group(2))
    if len(key) > MAX_MARKER_LINE:
        return None
    found = FUZZY_MARKER.match(key)
    if found is None or edit_distance(found["word"], words.marker_word) > MAX_MARKER_EDITS:
        return None
    if not found["digits"] and not found["before"]:
        return None  # the 部局目標 column's label, not a marker: a marker has a mark or a number
    if regex.search(r"[\p{Han}\p{Hiragana}\p{Katakana}]{2}", found["after"]):
        return None  # running text goes on after the word
    return False, int(found["digits"]) if found["digits"] else None


def repair_document(document: Document, vocabulary: Vocabulary | None = None) -> list[ReadWarning]:
    """Given a document read by OCR (and the vocabulary it is read with: None, the built-in one), repair its goal
    markers and legend scores in place (the two things its structure is keyed on) and return a warning for
    each repair that had to infer something."""
    words = OcrWords.of(vocabulary or load_vocabulary())
    return repair_goal_markers(document, words) + repair_legend_scores(document, words)


def repair_legend_scores(document: Document, words: OcrWords | None = None) -> list[ReadWarning]:
    """Given a document read by OCR, restore in place the misread score of a legend line: in a cell whose lines
    mostly start with consecutive scores counting down (5. … 4. … 3. …), a line starting with a mark or two
    that are no digit (`i 、…` for `1.…`) where the count-down puts a score takes that score."""
    legend = (words or built_in()).legend
    warnings = []
    seen: set[int] = set()
    for row in document.rows:
        for cell in row.cells:
            if id(cell) in seen:
                continue
            seen.add(id(cell))
            scores = [SCORE_START.match(line.text) for line in cell.lines]
            read = [int(found.group(1)) for found in scores if found]
            if len(read) < MIN_LEGEND_SCORES or read != list(range(read[0], read[0] - len(read), -1)):
                continue
            lines, expected = list(cell.lines), read[0]
            for index, (line, found) in enumerate(zip(cell.lines, scores)):
                if found:
                    expected = int(found.group(1)) - 1
                    lines[index] = replace(line, text=f"{found.group(1)}. {legend_text(line.text[found.end():], legend)}")
                    continue
                junk = SCORE_MISREAD.match(line.text)
                if junk and 1 <= expected:
                    lines[index] = replace(line, text=f"{expected}. {legend_text(line.text[junk.end():], legend)}")
                    warnings.append(ReadWarning(kind="legend_score_inferred", page=cell.page, message=(
                        f"legend line read as {line.text!r} taken for score {expected} (the scores count down)")))
                    expected -= 1
            cell.lines = tuple(lines)
    return warnings


def legend_text(text: str, words: Sequence[str]) -> str:
    """Given the text of a legend line after its score, return it, or the legend text it misreads."""
    key = regex.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return nearest_word(key, words) or text.strip() if key else text


def repair_goal_markers(document: Document, words: OcrWords | None = None) -> list[ReadWarning]:
    """Given a document read by OCR, rewrite its misread goal markers as `◎部局目標N` in place and return a
    warning for each one inferred.

    Markers are taken in reading order; a misread one gets the number its place in the
    sequence gives (the previous goal's plus one) unless the digit read is that number.
    Markers read exactly keep their number.
    """
    words = words or built_in()
    word, mark = words.marker_word, words.mark
    warnings = []
    seen: set[int] = set()
    previous = 0
    for row in document.rows:
        for cell in row.cells:
            if id(cell) in seen or not cell.lines:
                continue
            seen.add(id(cell))
            reading = marker_reading(cell.lines[0].text, words)
            if reading is None:
                continue
            exact, number = reading
            if exact and number is not None:
                previous = number
                continue
            inferred, read_as = previous + 1, cell.lines[0].text
            cell.lines = (replace(cell.lines[0], text=f"{mark}{word}{inferred}"), *cell.lines[1:])
            how = "its number from the goals before it" if number != inferred else "the marker word"
            warnings.append(ReadWarning(
                kind="goal_marker_inferred", page=cell.page, goal=inferred,
                message=f"goal marker read as {read_as!r} taken for {mark}{word}{inferred} ({how})",
            ))
            previous = inferred
    return warnings


def nearest_word(text: str, words: Sequence[str]) -> str | None:
    """Given a text (NFKC, no whitespace) and words, return the word it misreads: the nearest by edit distance,
    when at most LABEL_EDIT_SHARE of its characters (and at least one) differ; None when it is a word or none."""
    edits, best = min((edit_distance(text, word), word) for word in words)
    if edits == 0 or len(best) < MIN_LABEL_LENGTH or edits > max(1, int(LABEL_EDIT_SHARE * len(best))):
        return None
    return best


def repair_label(lines: Sequence[Line], labels: Sequence[str] | None = None) -> tuple[Line, ...]:
    """Given a table cell's OCR'd lines and the words it may misread (None: the built-in labels and legend texts),
    return them, or one line of the label or legend text they misread."""
    if labels is None:
        labels = built_in().labels + built_in().legend
    if not lines:
        return ()
    key = regex.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(line.text for line in lines)))
    if regex.search(r"\d", key):  # labels hold no digits; ◎部局目標1 and scores are not labels
        return tuple(lines)
    best = nearest_word(key, labels)
    if best is None:
        return tuple(lines)
    confidences = [line.confidence for line in lines if line.confidence is not None]
    return (Line(best, lines[0].page, union(line.bbox for line in lines), min(confidences, default=None)),)


def repair_section_marker(text: str, markers: Sequence[tuple[str, str]] | None = None) -> str:
    """Given one OCR'd line, return it with a section marker at its start whose word OCR misread restored
    (`(達成妊標>` → `〈達成目標〉`, `※月欄が達成した状態` → `※目標が達成した状態`): the line starts with a
    marker's opening mark, or the word is followed by a closing one, and the word is at most LABEL_EDIT_SHARE
    (at least one character) off. Running text that merely starts with the word has neither mark.
    `markers`: (word, marker) pairs, None for the built-in vocabulary's."""
    opening = SECTION_OPENING.match(text)
    assert opening is not None  # the pattern matches any line
    rest = text[opening.end():]
    for word, marker in built_in().sections if markers is None else markers:
        allowed = max(1, int(LABEL_EDIT_SHARE * len(word)))
        for size in (len(word), len(word) - 1, len(word) + 1):
            head, after = rest[:size], rest[size:]
            closing = SECTION_CLOSING.match(after)
            if (opening.group(1) or closing) and edit_distance(head, word) <= allowed:
                return marker + (after[closing.end():] if closing else after)
    return text


# --- running text against the dictionary ------------------------------------------------------

WEAK_CONFIDENCE = 75.0  # a character of an OCR word read with less confidence than this may be a misread ...
MIN_COST_GAIN = 4000  # ... and is replaced where the line's dictionary cost falls by at least this much ...
MAX_WORD_REPAIRS = 4  # ... at most this many times a line
MIN_WORD_READS = 1  # a word of the page's own is one read this many times, with no weak character
JAPANESE_WORD = regex.compile(r"^[\p{Han}\p{Katakana}ー]{2,}$")  # what a word of the page's own is made of
REPAIRABLE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")  # a character a repair may take out or put in


@cache
def dictionary() -> Any | None:
    """SudachiPy's tokenizer over its core dictionary, loaded once, on the first line OCR repairs; None when
    the optional dependency is not installed (then running text stays as read)."""
    try:
        from sudachipy import Dictionary, SplitMode
    except ImportError:
        return None
    return Dictionary(dict="core").tokenizer(SplitMode.C)


def line_cost(tokenizer: Any, text: str) -> tuple[int, int, int]:
    """Given the tokenizer and a line, return how unlikely the dictionary finds it: the words it does not
    know, how many words it splits into, and the cost of its best split (Sudachi's path cost: rare words
    and odd joins cost more)."""
    morphemes = tokenizer.tokenize(text)
    return sum(m.is_oov() for m in morphemes), len(morphemes), morphemes.get_internal_cost()


def reading_cost(text: str) -> float:
    """Given a line as OCR read it, return how unlikely the dictionary finds it: its path cost (line_cost; an
    unknown word costs more than any known one) per character, so readings of one crop that differ in length
    compare; 0 without the dictionary (then no reading is preferred)."""
    tokenizer = dictionary()
    return 0.0 if tokenizer is None or not text else line_cost(tokenizer, text)[2] / len(text)


@dataclass(frozen=True)
class PageWords:
    """What a page itself prints with confidence: the evidence a weak character is judged against."""

    masked: dict[str, list[str]]  # its words (and the format's), by each form with one character masked: ?携, 連?
    pairs: frozenset[str]  # the pairs of kanji it prints with neither weak (増隊, which the dictionary lacks)


NO_PAGE_WORDS = PageWords({}, frozenset())
KANJI_PAIR = regex.compile(r"^\p{Han}{2}$")


def own_words(tokenizer: Any, lines: Sequence[tuple[str, frozenset[int]]], words: OcrWords) -> PageWords:
    """Given the tokenizer, a page's OCR'd lines with the positions of their weak characters and the vocabulary's
    OCR words, return what the page prints with confidence: its words (MIN_WORD_READS times, no character
    weak) and the format's own (labels, legend texts, section and marker words), and its pairs of kanji."""
    format_words = words.labels + words.legend + tuple(word for word, _ in words.sections) + (words.marker_word,)
    counts: Counter[str] = Counter({word: MIN_WORD_READS for word in format_words})
    pairs = set()
    for text, weak in lines:
        for m in tokenizer.tokenize(text):
            if JAPANESE_WORD.match(m.surface()) and not weak.intersection(range(m.begin(), m.end())):
                counts[m.surface()] += 1
        pairs.update(text[i : i + 2] for i in range(len(text) - 1)
                     if KANJI_PAIR.match(text[i : i + 2]) and i not in weak and i + 1 not in weak)
    masked: dict[str, list[str]] = {}
    for word, count in counts.items():
        if count >= MIN_WORD_READS:
            for k in range(len(word)):
                masked.setdefault(word[:k] + "?" + word[k + 1:], []).append(word)
    return PageWords(masked, frozenset(pairs))


SCRIPTS = (regex.compile(r"\p{Han}"), regex.compile(r"\p{Hiragana}"), regex.compile(r"[\p{Katakana}ー]"))


def script(char: str) -> int:
    """Given a character, return its script: kanji 0, hiragana 1, katakana 2, anything else 3."""
    return next((index for index, pattern in enumerate(SCRIPTS) if pattern.match(char)), len(SCRIPTS))


def candidates(text: str, weak: frozenset[int], loose: frozenset[int], words: OcrWords, own: PageWords) -> set[str]:
    """Given a line, the positions of its weak characters and of those in no word of the line (`loose`), the
    vocabulary's OCR words and what the page prints (own_words), return the line with one weak character
    replaced each way OCR may have misread it: by a character it is confused with (the vocabulary's [ocr]
    confusable groups; a kana for a kanji only beside its script), or, where it is also loose, so that it spells one of the page's own words (a weak
    character inside a word, such as 制 of 制度, is no word of the page's misread)."""
    found = set()
    weak = frozenset(i for i in weak if REPAIRABLE.match(text[i]))  # a digit or a mark is never a misread kanji
    for i in weak:
        beside = {script(char) for char in text[max(0, i - 1) : i] + text[i + 1 : i + 2]}
        for other in words.confusable.get(text[i], ""):
            if script(other) == script(text[i]) or script(other) in beside:  # カ → 力 in 協カ, タ stays in パークタ
                found.add(text[:i] + other + text[i + 1:])
    for size in {len(key) for key in own.masked}:
        for i in weak & loose:
            for start in range(max(0, i - size + 1), min(i, len(text) - size) + 1):
                window = text[start : start + size]
                for word in own.masked.get(window[: i - start] + "?" + window[i - start + 1 :], ()):
                    if REPAIRABLE.match(word[i - start]):
                        found.add(text[:start] + word + text[start + size :])
    found.discard(text)
    return found


def repaired_line(text: str, weak: frozenset[int], words: OcrWords, own: PageWords = NO_PAGE_WORDS) -> str:
    """Given an OCR'd line, the positions of its weak characters, the OCR words and what the page prints
    (own_words), return the line with its misread characters replaced. A weak character the page prints
    with confidence beside the same neighbour is no misread; of the rest, greedily, the replacement
    (candidates) that makes the dictionary find the line likeliest, while that knows more of its words,
    or splits it into no more words and costs MIN_COST_GAIN less (a misread glyph breaks a word into odd
    pieces: 評価製度, 策極的). Without the dictionary (SudachiPy not installed) the line stays as read."""
    tokenizer = dictionary()
    weak = frozenset(i for i in weak if text[max(0, i - 1) : i + 1] not in own.pairs and text[i : i + 2] not in own.pairs)
    if tokenizer is None or not weak:
        return text
    best = line_cost(tokenizer, text)
    for _ in range(MAX_WORD_REPAIRS):
        loose = frozenset(i for m in tokenizer.tokenize(text) if m.end() - m.begin() == 1 or m.is_oov()
                          for i in range(m.begin(), m.end()))
        scored = [(line_cost(tokenizer, other), other) for other in candidates(text, weak, loose, words, own)]
        better = [(cost, other) for cost, other in scored if cost[0] < best[0]
                  or (cost[0] == best[0] and cost[1] <= best[1] and best[2] - cost[2] >= MIN_COST_GAIN)]
        if not better:
            break
        best, text = min(better)
    return text


def page_words(lines: Sequence[tuple[str, frozenset[int]]], words: OcrWords) -> PageWords:
    """Given a page's OCR'd lines, their weak characters and the vocabulary's OCR words, return what the page
    prints with confidence (own_words); nothing without the dictionary."""
    tokenizer = dictionary()
    return NO_PAGE_WORDS if tokenizer is None else own_words(tokenizer, lines, words)


def low_confidence_warnings(traces: Sequence[Trace], threshold: float = LOW_CONFIDENCE) -> list[ReadWarning]:
    """Given a record's provenance, return a `low_confidence` warning for each value read by OCR with a line
    whose confidence is below `threshold` (the value may hold misread characters)."""
    return [
        ReadWarning(kind="low_confidence", page=trace.page,
                    message=f"{trace.path} was read by OCR with confidence {trace.confidence:.0f} (of 100)")
        for trace in traces
        if trace.confidence is not None and trace.confidence < threshold
    ]


DIGIT_THEN_SPACE = regex.compile(r"(?<=\d) +(?=[\p{Han}\p{Hiragana}\p{Katakana}])")  # 12 月末: a number and its unit
DOUBLED_PERCENT = regex.compile(r"[%％]{2,}")


def tidy_spacing(text: str) -> str:
    """Given one OCR'd line, return it without the spaces OCR puts between a number and the CJK word after it
    (`12 月末`, `156 時間`: the contract's text has none), and with a doubled % read as one."""
    return DOUBLED_PERCENT.sub("%", DIGIT_THEN_SPACE.sub("", text))
