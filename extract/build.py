"""Build a validated Manifesto from found Blocks: normalize text, split sections, read milestones.

Pure: given the blocks and the source description, return the record and, for every
value, where it was printed (page and bounding box) — the provenance a later stage stores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex
from pydantic import ValidationError

from .blocks import Blocks, GoalBlock
from .coverage import Unplaced, account
from .document import BBox, Line, union
from .errors import ExtractionError
from .models import Goal, Manifesto, Milestone, RatingLevel, Source, ReadWarning
from .normalize import Era, clean, is_period, join_lines, parse_era, split_milestone
from .vocabulary import Vocabulary, alternation, resolve

WORD_END = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}ー\p{Pe}]")  # a wrap after this (or a closing bracket) and before a period lost a space
RATING = regex.compile(r"(?<!\d)(\d)(?!\d)")
SECTIONS = ("current", "target", "achieved")


def _chars(marks: list[str]) -> str:
    """Given single marks, return a regex character class matching any of them."""
    return "[" + "".join(regex.escape(mark) for mark in marks) + "]"


@dataclass(frozen=True)
class Marks:
    """The section, bullet and placeholder patterns of one vocabulary, compiled once."""

    vocabulary: Vocabulary
    section: regex.Pattern[str]
    word: regex.Pattern[str]  # a section word filling a line alone
    bullet: regex.Pattern[str]
    circled: regex.Pattern[str] | None
    placeholder: regex.Pattern[str]
    note: regex.Pattern[str] | None  # a footnote's reference mark ending a value

    @staticmethod
    @lru_cache(maxsize=16)
    def of(vocabulary: Vocabulary) -> Marks:
        """Given a vocabulary, return its compiled marks (cached per vocabulary)."""
        words = vocabulary.words
        sections, bullets = words.sections, words.bullets
        opens = _chars([pair[0] for pair in sections.brackets])
        closes = _chars([pair[1] for pair in sections.brackets])
        symbols = _chars(sections.symbols) if sections.symbols else "(?!)"
        colon = f"(?:{alternation(sections.colons)})"
        alternatives = []
        for name in SECTIONS:
            word = rf"(?P<{name}>{alternation(getattr(sections, name), literal=False)})"
            alternatives += [
                rf"{opens}\s*{word}\s*(?:{closes}|(?=\s|{colon}|$))\s*{colon}?",  # 〈現在の状態〉, 【現状】, (目標)
                rf"{symbols}\s*{word}\s*(?:{closes})?\s*{colon}?",  # ■現状, ※目標が達成した状態
                rf"(?:^|(?<=\s)){word}\s*{colon}",  # 現状: …
                rf"^\s*{word}\s*$",  # 現状 alone: a sub-labelled cell
            ]
        if sections.arrows:
            alternatives.append(rf"(?<!\S)(?P<arrow>{_chars(sections.arrows)}+)(?!\S)")
        numbered = "".join(f"|{form}" for form in bullets.numbered)
        words_alone = alternation([form for name in SECTIONS for form in getattr(sections, name)], literal=False)
        return Marks(
            vocabulary=vocabulary,
            section=regex.compile("(?p)" + "|".join(alternatives)),  # leftmost longest: ※目標が達成した状態, not ※目標
            word=regex.compile(rf"^\s*(?:{words_alone})\s*$"),
            bullet=regex.compile(rf"^\s*(?:{_chars(bullets.marks)}{numbered})\s*"),
            circled=regex.compile(rf"^\s*[{bullets.circled}]") if bullets.circled else None,
            placeholder=regex.compile(rf"^(?:{alternation(words.placeholders.forms, literal=False)})$"),
            note=regex.compile(rf"(?<=\S)(?:\s*[,、]?\s*(?:{alternation(words.notes.references, literal=False)}))+$")
            if words.notes.references else None,
        )


@dataclass(frozen=True)
class Trace:
    """Where one value of a record was printed."""

    path: str  # e.g. "goals[0].mission"
    page: int
    bbox: BBox
    confidence: float | None = None


@dataclass(frozen=True)
class _Fragment:
    """A cleaned piece of one printed line."""

    text: str
    line: Line
    ends_line: bool = True

    @property
    def author_space_after(self) -> bool:
        """The printed line ended in a space before it wrapped: the author's space, kept as one."""
        return self.ends_line and self.line.text[-1:].isspace()


def build(
    blocks: Blocks,
    source: Source,
    *,
    ocr: bool = False,
    reader_warnings: Sequence[ReadWarning] = (),
    vocabulary: Vocabulary | str | None = None,
) -> tuple[Manifesto, list[Trace]]:
    """Given a document's blocks and its source, return the validated record and its provenance.

    `reader_warnings` (a repaired file, partly garbled text) come first in the record's warnings.
    A goal missing a part is kept with a warning naming the part; a goal that cannot be read at
    all is left out with a warning, never costing the others. Raises
    ExtractionError('not_a_manifesto') when nothing manifesto-like was found and
    ExtractionError('incomplete') naming what is missing when the department, the fiscal year or
    every goal is absent.
    """
    marks = Marks.of(resolve(vocabulary))
    if not blocks.goals and not blocks.header:
        raise ExtractionError("not_a_manifesto", "no goal markers and no header labels (department, head) found")
    traces: list[Trace] = []
    warnings: list[ReadWarning] = list(reader_warnings)
    header = {name: _text(lines, marks, keep_spaces=True) for name, lines in blocks.header.items()}
    for name, lines in blocks.header.items():
        traces += _trace(name, lines)
    title = _text(blocks.title, marks, keep_spaces=True)
    traces += _trace("title", blocks.title)
    era, era_lines = _first_era(
        [blocks.title, blocks.aspiration_label, *([line] for line in blocks.preamble)], marks.vocabulary
    )
    if not title:
        warnings.append(ReadWarning(kind="section_missing", message="no title line naming the document"))
    for name in ("position", "head"):
        if not header.get(name):
            warnings.append(ReadWarning(kind="section_missing", message=f"no {name} in the header"))
    scale = [RatingLevel(score=score, label=join_lines(clean(text) for text in label)) for score, label in blocks.legend]
    if not scale:
        warnings.append(ReadWarning(kind="section_missing", message="no rating legend"))
    goals: list[Goal] = []
    unplaced: list[Unplaced] = []
    for block in blocks.goals:
        read = _goal(block, f"goals[{len(goals)}]", era.fiscal_year if era else 0, scale, blocks.shared_mission, marks)
        warnings += read.warnings
        unplaced += read.unplaced
        if read.goal is not None:
            goals.append(read.goal)
            traces += read.traces
    missing = [label for label, ok in (("department", header.get("department")), ("usable goal", goals), ("fiscal year", era)) if not ok]
    if missing:
        raise ExtractionError("incomplete", "no " + ", no ".join(missing) + " found")
    assert era is not None
    numbers = [g.number for g in goals]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        warnings.append(ReadWarning(kind="goal_numbers", message=f"goal numbers are not consecutive: {numbers}"))
    placed = [
        *blocks.title, *era_lines, *blocks.recognised, *blocks.shared_mission,
        *(line for lines in blocks.header.values() for line in lines),
        *(line for block in blocks.goals for lines in block.fields.values() for line in lines),
    ]
    coverage, coverage_warnings = account(blocks.printed, blocks.furniture, placed, unplaced)
    try:
        record = Manifesto(
            source=source,
            title=title,
            fiscal_year=era.fiscal_year,
            era=era.label,
            department=header["department"],
            position=header.get("position", ""),
            head=header.get("head", ""),
            aspiration=header.get("aspiration") or None,
            rating_scale=scale,
            goals=goals,
            coverage=coverage,
            ocr=ocr,
            warnings=warnings + coverage_warnings,
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ExtractionError("incomplete", f"{where}: {first['msg']}") from None
    return record, traces


def _first_era(candidates: list[list[Line]], vocabulary: Vocabulary) -> tuple[Era | None, list[Line]]:
    """Given candidate texts' lines (title first), return the first era year found in them and the lines it was read from."""
    for lines in candidates:
        era = parse_era("\n".join(line.text for line in lines), vocabulary)
        if era:
            return era, lines
    return None, []


@dataclass
class _ReadGoal:
    """One goal as read: its record (None when unreadable), provenance, warnings and text it left unplaced."""

    goal: Goal | None
    traces: list[Trace]
    warnings: list[ReadWarning]
    unplaced: list[Unplaced]


def _goal(
    block: GoalBlock, path: str, fiscal_year: int, scale: list[RatingLevel], shared_mission: list[Line], marks: Marks
) -> _ReadGoal:
    """Given one goal block, return it read (a goal printing no mission takes the one printed once
    for all goals). A missing part is warned about, naming the goal and the part."""
    warnings: list[ReadWarning] = []

    def warn(kind: str, message: str) -> None:
        warnings.append(ReadWarning(kind=kind, message=message, goal=block.number, page=block.page))

    if not any(block.fields.values()):
        warn("goal_unreadable", f"goal {block.number} left out: its marker stands alone, with no text")
        return _ReadGoal(None, [], warnings, [])
    fields = {"mission": shared_mission, **block.fields} if shared_mission else block.fields
    traces = [t for role in ("mission", "objective", "means") for t in _trace(f"{path}.{role}", fields.get(role, []))]
    sections = split_sections(fields.get("level", []), marks)
    unplaced = [Unplaced(fragment.text, fragment.line, block.number) for fragment in sections.pop("unmarked", [])]
    if unplaced:
        warn("section_missing", "text of the level cell before any section marker is in no field")
    for role in ("objective", "mission"):
        if not fields.get(role):
            warn("goal_incomplete", f"goal {block.number} has no {role}")
    target_items = _items(sections.get("target", []), marks, keep_bullet=True)
    milestones = []
    for item in target_items:
        if not item.startswith("・"):
            continue
        found = split_milestone(item[1:].strip(), fiscal_year, marks.vocabulary)
        if found is None:
            continue
        if not found.understood:
            warn("milestone_period", f"period {found.period!r} not understood")
        milestones.append(Milestone(text=found.text, period=found.period, start=found.start, end=found.end))
    rating_text = _unless_placeholder(_text(fields.get("rating", []), marks), marks)
    rating = _rating(rating_text, scale, warn) if rating_text else None
    for role, section in (("current_state", "current"), ("target", "target"), ("achieved_state", "achieved")):
        traces += _trace(f"{path}.{role}", [f.line for f in sections.get(section, [])])
    traces += _trace(f"{path}.self_rating", fields.get("rating", []))
    traces += _trace(f"{path}.rating_reason", fields.get("reason", []))
    try:
        goal = Goal(
            number=block.number,
            mission=_text(fields.get("mission", []), marks),
            objective=_text(fields.get("objective", []), marks),
            current_state="\n".join(_items(sections.get("current", []), marks, keep_bullet=True)) or None,
            target="\n".join(target_items) or None,
            milestones=milestones,
            achieved_state="\n".join(_items(sections.get("achieved", []), marks, keep_bullet=True)) or None,
            means=_items(_fragments(fields.get("means", []), marks), marks, keep_bullet=False),
            self_rating=rating,
            rating_reason=_unless_placeholder(_text(fields.get("reason", []), marks), marks) or None,
            page=block.page,
        )
    except ValidationError as error:
        warn("goal_unreadable", f"goal {block.number} left out: {error.errors()[0]['msg']}")
        return _ReadGoal(None, [], warnings, unplaced)
    return _ReadGoal(goal, traces, warnings, unplaced)


def _rating(text: str, scale: list[RatingLevel], warn: Callable[[str, str], None]) -> int | None:
    """Given a rating cell's text, return its score: a lone digit (`3`, `評価:3`, `5点`,
    `4(達成水準を上回る成果があった)`), or the score of the legend label it prints alone."""
    scores = {level.score for level in scale}
    match = RATING.search(text)
    if match is None:
        key = regex.sub(r"[\s()]", "", text)
        by_label = [level.score for level in scale if regex.sub(r"\s", "", level.label) == key]
        if by_label:
            return by_label[0]
        warn("rating_unreadable", f"self-rating {text!r} is not a score")
        return None
    score = int(match.group(1))
    if scores and score not in scores:
        warn("rating_outside_legend", f"self-rating {score} is not in the legend {sorted(scores)}")
        return None
    return score


def split_sections(lines: list[Line], marks: Marks) -> dict[str, list[_Fragment]]:
    """Given the 目標の達成水準 lines, return their cleaned pieces per section.

    Sections start at the vocabulary's section markers: 〈現在の状態〉 ('current'), ↓ or
    〈達成目標〉 ('target') and ※目標が達成した状態 ('achieved'). The contract defines each field
    as the text after its marker, so text before any marker is kept apart ('unmarked') and
    reaches no field.
    """
    sections: dict[str, list[_Fragment]] = {}
    section = "unmarked"
    for line in _join_wrapped_words(lines, marks):
        text = _clean_line(line.text, marks)
        position = 0
        for match in marks.section.finditer(text):
            _append(sections, section, _Fragment(text[position : match.start()].strip(), line, ends_line=False))
            section = "target" if match.lastgroup == "arrow" else match.lastgroup  # type: ignore[assignment]
            position = match.end()
        _append(sections, section, _Fragment(text[position:].strip(), line))
    return sections


WRAPPED_WORD_LINES = 3  # a section word in a narrow label cell wraps over at most this many lines


def _join_wrapped_words(lines: list[Line], marks: Marks) -> list[Line]:
    """Given a level cell's lines, return them with a section word that a narrow sub-label cell
    wrapped (`目標が達成` / `した状態`) joined back into one line, so it reads as the marker it is."""
    cleaned = [_clean_line(line.text, marks) for line in lines]
    joined: list[Line] = []
    index = 0
    while index < len(lines):
        for count in range(WRAPPED_WORD_LINES, 1, -1):
            group = lines[index : index + count]
            text = "".join(cleaned[index : index + count])
            if len(group) == count and marks.word.match(text) and not marks.word.match(cleaned[index]):
                joined.append(Line(text, group[0].page, union(line.bbox for line in group), group[0].confidence))
                index += count
                break
        else:
            joined.append(lines[index])
            index += 1
    return joined


def _append(sections: dict[str, list[_Fragment]], section: str, fragment: _Fragment) -> None:
    if fragment.text:
        sections.setdefault(section, []).append(fragment)


def _items(fragments: list[_Fragment], marks: Marks, *, keep_bullet: bool) -> list[str]:
    """Given cleaned pieces of lines, return paragraphs: a bulleted line starts an item, others continue it."""
    items: list[list[_Fragment]] = []
    bulleted: list[bool] = []
    for fragment in fragments:
        bullet = marks.bullet.match(fragment.text)
        if bullet or not items:
            text = fragment.text[bullet.end() :] if bullet else fragment.text
            items.append([_Fragment(text, fragment.line, fragment.ends_line)])
            bulleted.append(bool(bullet))
        else:
            items[-1].append(fragment)
    joined = [_join(parts, marks) for parts in items]
    if keep_bullet:
        return ["・" + text if mark else text for text, mark in zip(joined, bulleted)]
    return [text for text in joined if text]


def _unless_placeholder(text: str, marks: Marks) -> str:
    """Given a cell's text, return it, or "" where it only holds a placeholder (―, 未評価) for a value to come."""
    return "" if marks.placeholder.match(text) else text


def _text(lines: list[Line], marks: Marks, *, keep_spaces: bool = False) -> str:
    """Given wrapped lines, return their cleaned text joined by the contract's rule."""
    return _join(_fragments(lines, marks, keep_spaces=keep_spaces), marks)


def _fragments(lines: list[Line], marks: Marks, *, keep_spaces: bool = False) -> list[_Fragment]:
    return [_Fragment(_clean_line(line.text, marks, keep_spaces=keep_spaces), line) for line in lines]


def _clean_line(text: str, marks: Marks, *, keep_spaces: bool = False) -> str:
    """Given a printed line, return it cleaned, a leading circled number (①) read as a bullet."""
    if marks.circled is not None:
        text = marks.circled.sub("・", text, count=1)
    return clean(text, keep_spaces=keep_spaces)


def _join(fragments: list[_Fragment], marks: Marks) -> str:
    """Given pieces of wrapped lines, join them the contract's way: with nothing, except one space
    where the author's space fell at the wrap — a space printed at the line's end, a milestone's
    period wrapped onto a line of its own (`…の確立` / `4月`) — or between two Latin words
    printed half-width (`Digital` / `Transformation`; full-width `Ｎ` / `ＰＯ` wraps like kana).
    A footnote's reference mark ending the text (`…の改善※1`, the mark perhaps wrapped onto a
    line of its own) is left out.
    """
    parts = [fragments[0].text] if fragments else []
    for before, after in zip(fragments, fragments[1:]):
        spaced = (
            before.author_space_after
            or (is_period(after.text, marks.vocabulary) and WORD_END.match(before.text[-1:]) is not None)
            or (_half_width_letter(before.line.text.rstrip()[-1:]) and _half_width_letter(after.line.text.lstrip()[:1]))
        )
        parts.append((" " if spaced else "") + after.text)
    joined = "".join(parts)
    return marks.note.sub("", joined) if marks.note is not None else joined


def _half_width_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _trace(path: str, lines: list[Line]) -> list[Trace]:
    """Given a value's lines, return one Trace per page it is printed on (the union of its lines' boxes)."""
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    traces = []
    for page, group in by_page.items():
        confidences = [line.confidence for line in group if line.confidence is not None]
        traces.append(Trace(path, page, union(line.bbox for line in group), min(confidences, default=None)))
    return traces
