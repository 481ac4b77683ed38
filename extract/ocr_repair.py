"""Repair a document read by OCR against the manifesto's own logic and words.

A misread can cost a character, never a goal: a goal marker OCR garbled (`@部選目標3`,
`人づ部局目標2 .`) is found by its edit distance to the marker word, and its number is
taken from its place in the sequence of goals when the digit read does not fit; a table
cell reading close to one of the format's labels is read as that label; a number and
the CJK word after it lose the space OCR put between them. The words matched against
(the vocabulary's `[ocr]` words: the marker word, the labels, the legend texts, the section
markers) are parameters of the functions, taken from the built-in vocabulary by default. Every inferred marker is reported in a warning,
and so is every value read with low confidence (`low_confidence`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import replace

import regex

from .build import Trace
from .document import Document, Line, union
from .labels import Labels
from .models import ReadWarning
from .vocabulary import load_vocabulary

_OCR = load_vocabulary().words.ocr  # the built-in vocabulary's canonical spellings
GOAL_MARKER = Labels.of(load_vocabulary()).marker  # ◎部局目標N, as the block finder reads it
GOAL_MARKER_WORD = _OCR.goal_marker
GOAL_MARK = _OCR.goal_symbol  # ... and the mark printed before it
MAX_MARKER_EDITS = 2  # a line within this many edits of the marker word is a goal marker ...
MAX_MARKER_LINE = 10  # ... when the line is this short (NFKC, no spaces): a marker stands alone
MAX_JUNK = 2  # characters OCR may read around a marker (a ◎ as @ or の, a speck as .)
FUZZY_MARKER = regex.compile(r"^(?P<before>.{0,%d}?)(?P<word>\p{Han}.{1,4}\p{Han})(?P<digits>\d{0,2})(?P<after>.{0,%d})$"
                             % (MAX_JUNK, MAX_JUNK))
# The labels a manifesto's tables are keyed on; a cell without digits reading close to one of
# them (OCR dropped or changed a character) is read as that label. The legend's texts likewise.
LABEL_WORDS = tuple(_OCR.labels)
LEGEND_WORDS = tuple(_OCR.legend)
LABEL_EDIT_SHARE = 0.25  # a cell this share of whose characters differ from a label's is that label misread ...
MIN_LABEL_LENGTH = 3  # ... when the label is this long (都局名 for 部局名; 組織使命連成に向けての旧根 for …目標)
# The section markers of the level cell: the word OCR may misread, and the marker restored.
SECTION_WORDS = tuple(_OCR.sections)
SECTION_OPENING = regex.compile(r"^\s*([〈<《«(（\[【く※*＊]?)\s*")  # what OCR reads a marker's 〈 or ※ as
SECTION_CLOSING = regex.compile(r"^\s*[〉>》»)）\]】]")
SCORE_START = regex.compile(r"^\s*(\d)(?!\d)\s*[.:、)．]?")  # a legend line: 5. 先進的な…
SCORE_MISREAD = regex.compile(r"^\s*[^\d\s\p{Han}\p{Hiragana}\p{Katakana}]{1,2}\s*[.:、,．]?\s*")  # i 、 for 1.
MIN_LEGEND_SCORES = 3  # a cell with this many lines starting with consecutive scores is a legend
LOW_CONFIDENCE = 60.0  # a field whose lowest OCR line confidence is below this gets a warning


def edit_distance(a: str, b: str) -> int:
    """Given two strings, return their Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def marker_reading(text: str, word: str = GOAL_MARKER_WORD) -> tuple[bool, int | None] | None:
    """Given a cell's first OCR'd line, return whether it is a goal marker read exactly and the number read
    (None when unreadable), or None when the line is no goal marker at all."""
    key = regex.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    exact = GOAL_MARKER.search(key)
    if exact and len(key) <= MAX_MARKER_LINE:
        return True, int(exact.group(1) or exact.group(2))
    if len(key) > MAX_MARKER_LINE:
        return None
    found = FUZZY_MARKER.match(key)
    if found is None or edit_distance(found["word"], word) > MAX_MARKER_EDITS:
        return None
    if not found["digits"] and not found["before"]:
        return None  # the 部局目標 column's label, not a marker: a marker has a mark or a number
    if regex.search(r"[\p{Han}\p{Hiragana}\p{Katakana}]{2}", found["after"]):
        return None  # running text goes on after the word
    return False, int(found["digits"]) if found["digits"] else None


def repair_document(document: Document) -> list[ReadWarning]:
    """Given a document read by OCR, repair its goal markers and legend scores in place (the two things its
    structure is keyed on) and return a warning for each repair that had to infer something."""
    return repair_goal_markers(document) + repair_legend_scores(document)


def repair_legend_scores(document: Document) -> list[ReadWarning]:
    """Given a document read by OCR, restore in place the misread score of a legend line: in a cell whose lines
    mostly start with consecutive scores counting down (5. … 4. … 3. …), a line starting with a mark or two
    that are no digit (`i 、…` for `1.…`) where the count-down puts a score takes that score."""
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
                    lines[index] = replace(line, text=f"{found.group(1)}. {legend_text(line.text[found.end():])}")
                    continue
                junk = SCORE_MISREAD.match(line.text)
                if junk and 1 <= expected:
                    lines[index] = replace(line, text=f"{expected}. {legend_text(line.text[junk.end():])}")
                    warnings.append(ReadWarning(kind="legend_score_inferred", page=cell.page, message=(
                        f"legend line read as {line.text!r} taken for score {expected} (the scores count down)")))
                    expected -= 1
            cell.lines = tuple(lines)
    return warnings


def legend_text(text: str, words: Sequence[str] = LEGEND_WORDS) -> str:
    """Given the text of a legend line after its score, return it, or the legend text it misreads."""
    key = regex.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return nearest_word(key, words) or text.strip() if key else text


def repair_goal_markers(document: Document, word: str = GOAL_MARKER_WORD, mark: str = GOAL_MARK) -> list[ReadWarning]:
    """Given a document read by OCR, rewrite its misread goal markers as `◎部局目標N` in place and return a
    warning for each one inferred.

    Markers are taken in reading order; a misread one gets the number its place in the
    sequence gives (the previous goal's plus one) unless the digit read is that number.
    Markers read exactly keep their number.
    """
    warnings = []
    seen: set[int] = set()
    previous = 0
    for row in document.rows:
        for cell in row.cells:
            if id(cell) in seen or not cell.lines:
                continue
            seen.add(id(cell))
            reading = marker_reading(cell.lines[0].text, word)
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


def repair_label(lines: Sequence[Line], labels: Sequence[str] = LABEL_WORDS + LEGEND_WORDS) -> tuple[Line, ...]:
    """Given a table cell's OCR'd lines, return them, or one line of the label or legend text they misread."""
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


def repair_section_marker(text: str, markers: Sequence[tuple[str, str]] = SECTION_WORDS) -> str:
    """Given one OCR'd line, return it with a section marker at its start whose word OCR misread restored
    (`(達成妊標>` → `〈達成目標〉`, `※月欄が達成した状態` → `※目標が達成した状態`): the line starts with a
    marker's opening mark, or the word is followed by a closing one, and the word is at most LABEL_EDIT_SHARE
    (at least one character) off. Running text that merely starts with the word has neither mark."""
    opening = SECTION_OPENING.match(text)
    assert opening is not None  # the pattern matches any line
    rest = text[opening.end():]
    for word, marker in markers:
        allowed = max(1, int(LABEL_EDIT_SHARE * len(word)))
        for size in (len(word), len(word) - 1, len(word) + 1):
            head, after = rest[:size], rest[size:]
            closing = SECTION_CLOSING.match(after)
            if (opening.group(1) or closing) and edit_distance(head, word) <= allowed:
                return marker + (after[closing.end():] if closing else after)
    return text


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
