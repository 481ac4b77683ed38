"""Build a validated Manifesto from found Blocks: normalize text, split sections, read milestones.

Pure: given the blocks and the source description, return the record and, for every
value, where it was printed (page and bounding box) — the provenance a later stage stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex
from pydantic import ValidationError

from .blocks import Blocks, GoalBlock
from .document import BBox, Line, union
from .errors import ExtractionError
from .models import Goal, Manifesto, Milestone, RatingLevel, Source, ReadWarning
from .normalize import Era, clean, is_period, join_lines, parse_era, split_milestone

SECTION_MARKER = regex.compile(
    r"[〈<【\[(■◆●]\s*(?P<current>現在の状態|現状)\s*[〉>】\])]?\s*[:：]?"
    r"|(?:^|(?<=\s))(?P<current>現在の状態|現状)\s*[:：]"
    r"|[〈<【\[(■◆●]\s*(?P<target>達成目標)\s*[〉>】\])]?\s*[:：]?"
    r"|(?:^|(?<=\s))(?P<target>達成目標)\s*[:：]"
    r"|(?P<achieved>※\s*目標[がを]達成(?:した|された)(?:時の)?状態)\s*[:：]?"
    r"|(?<!\S)(?P<arrow>[↓⇓⇩▼]+)(?!\S)"
)
BULLET = regex.compile(  # ・, (1), and the ア/イ/ウ of official Japanese lists (ア followed by a space, or (ア))
    r"^\s*(?:[・•●○◆◇■□▪◦‣-]|\(\d{1,2}\)|[アイウエオカキクケコ](?=[\s.)])\.?|\([アイウエオカキクケコ]\))\s*"
)
CIRCLED_NUMBER = regex.compile(r"^\s*[\u2460-\u2473\u3251-\u325f]")  # ①… as a bullet: NFKC would make it a digit
WORD_END = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}ー]")  # a wrap after this and before a period lost a space
PLACEHOLDER = regex.compile(r"^[-‐―—–ー~/・.*]*$|^(未評価|未記入|未実施|評価前|-)$")  # a cell left to fill at year end
RATING = regex.compile(r"(?<!\d)(\d)(?!\d)")


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
    blocks: Blocks, source: Source, *, ocr: bool = False, reader_warnings: Sequence[ReadWarning] = ()
) -> tuple[Manifesto, list[Trace]]:
    """Given a document's blocks and its source, return the validated record and its provenance.

    `reader_warnings` (a repaired file, partly garbled text) come first in the record's warnings.
    Raises ExtractionError('not_a_manifesto') when nothing manifesto-like was found and
    ExtractionError('incomplete') naming what is missing when a required part is absent.
    """
    if not blocks.goals and not blocks.header:
        raise ExtractionError("not_a_manifesto", "no ◎部局目標 goals and no 部局名/氏名 header found")
    traces: list[Trace] = []
    warnings: list[ReadWarning] = list(reader_warnings)
    header = {name: _text(lines, keep_spaces=True) for name, lines in blocks.header.items()}
    for name, lines in blocks.header.items():
        traces += _trace(name, lines)
    title = _text(blocks.title, keep_spaces=True)
    traces += _trace("title", blocks.title)
    era = _first_era([title, _text(blocks.aspiration_label), *(line.text for line in blocks.preamble)])
    missing = [label for label, ok in (("部局名", header.get("department")), ("◎部局目標", blocks.goals), ("年度", era)) if not ok]
    if missing:
        raise ExtractionError("incomplete", "no " + ", no ".join(missing) + " found")
    assert era is not None
    if not title:
        warnings.append(ReadWarning(kind="section_missing", message="no title line naming the マニフェスト"))
    for name in ("position", "head"):
        if not header.get(name):
            warnings.append(ReadWarning(kind="section_missing", message=f"no {name} in the header"))
    scale = [RatingLevel(score=score, label=join_lines(map(clean, label))) for score, label in blocks.legend]
    if not scale:
        warnings.append(ReadWarning(kind="section_missing", message="no 業績目標の達成状況 legend"))
    goals = []
    for index, block in enumerate(blocks.goals):
        goal, goal_traces, goal_warnings = _goal(
            block, f"goals[{index}]", era.fiscal_year, {s.score for s in scale}, blocks.shared_mission
        )
        goals.append(goal)
        traces += goal_traces
        warnings += goal_warnings
    numbers = [g.number for g in goals]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        warnings.append(ReadWarning(kind="goal_numbers", message=f"goal numbers are not consecutive: {numbers}"))
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
            ocr=ocr,
            warnings=warnings,
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ExtractionError("incomplete", f"{where}: {first['msg']}") from None
    return record, traces


def _first_era(texts: list[str]) -> Era | None:
    """Given candidate texts (title first), return the first era year found in them."""
    return next((era for era in map(parse_era, texts) if era), None)


def _goal(
    block: GoalBlock, path: str, fiscal_year: int, scores: set[int], shared_mission: list[Line]
) -> tuple[Goal, list[Trace], list[ReadWarning]]:
    """Given one goal block, return its Goal, provenance and warnings (a goal printing no mission
    takes the one printed once for all goals)."""
    warnings: list[ReadWarning] = []

    def warn(kind: str, message: str) -> None:
        warnings.append(ReadWarning(kind=kind, message=message, goal=block.number, page=block.page))

    fields = {"mission": shared_mission, **block.fields} if shared_mission else block.fields
    traces = [t for role in ("mission", "objective", "means") for t in _trace(f"{path}.{role}", fields.get(role, []))]
    sections = split_sections(fields.get("level", []))
    if "unmarked" in sections:
        warn("section_missing", "text of the 目標の達成水準 before any 〈現在の状態〉/〈達成目標〉 marker is in no field")
    if not fields.get("objective"):
        raise ExtractionError("incomplete", f"◎部局目標{block.number} has no 組織使命達成に向けての目標 (objective)")
    if not fields.get("mission"):
        warn("section_missing", f"goal {block.number} has no 組織使命 (mission)")
    target_items = _items(sections.get("target", []), keep_bullet=True)
    milestones = []
    for item in target_items:
        if not item.startswith("・"):
            continue
        found = split_milestone(item[1:].strip(), fiscal_year)
        if found is None:
            continue
        if found.start is None:
            warn("milestone_period", f"period {found.period!r} not understood")
        milestones.append(Milestone(text=found.text, period=found.period, start=found.start, end=found.end))
    rating_text = _unless_placeholder(_text(fields.get("rating", [])))
    rating = None
    if rating_text:
        match = RATING.search(rating_text)
        if match is None:
            warn("rating_unreadable", f"self-rating {rating_text!r} is not a score")
        elif scores and int(match.group(1)) not in scores:
            warn("rating_outside_legend", f"self-rating {match.group(1)} is not in the legend {sorted(scores)}")
        else:
            rating = int(match.group(1))
    for role, section in (("current_state", "current"), ("target", "target"), ("achieved_state", "achieved")):
        traces += _trace(f"{path}.{role}", [f.line for f in sections.get(section, [])])
    traces += _trace(f"{path}.self_rating", fields.get("rating", []))
    traces += _trace(f"{path}.rating_reason", fields.get("reason", []))
    goal = Goal(
        number=block.number,
        mission=_text(fields.get("mission", [])),
        objective=_text(fields.get("objective", [])),
        current_state="\n".join(_items(sections.get("current", []), keep_bullet=True)) or None,
        target="\n".join(target_items) or None,
        milestones=milestones,
        achieved_state="\n".join(_items(sections.get("achieved", []), keep_bullet=True)) or None,
        means=_items(_fragments(fields.get("means", [])), keep_bullet=False),
        self_rating=rating,
        rating_reason=_unless_placeholder(_text(fields.get("reason", []))) or None,
        page=block.page,
    )
    return goal, traces, warnings


def split_sections(lines: list[Line]) -> dict[str, list[_Fragment]]:
    """Given the 目標の達成水準 lines, return their cleaned pieces per section.

    Sections start at 〈現在の状態〉 ('current'), ↓ or 〈達成目標〉 ('target') and
    ※目標が達成した状態 ('achieved'). The contract defines each field as the text after its
    marker, so text before any marker is kept apart ('unmarked') and reaches no field.
    """
    sections: dict[str, list[_Fragment]] = {}
    section = "unmarked"
    for line in lines:
        text = _clean_line(line.text)
        position = 0
        for match in SECTION_MARKER.finditer(text):
            _append(sections, section, _Fragment(text[position : match.start()].strip(), line, ends_line=False))
            section = "target" if match.lastgroup == "arrow" else match.lastgroup  # type: ignore[assignment]
            position = match.end()
        _append(sections, section, _Fragment(text[position:].strip(), line))
    return sections


def _append(sections: dict[str, list[_Fragment]], section: str, fragment: _Fragment) -> None:
    if fragment.text:
        sections.setdefault(section, []).append(fragment)


def _items(fragments: list[_Fragment], *, keep_bullet: bool) -> list[str]:
    """Given cleaned pieces of lines, return paragraphs: a bulleted line starts an item, others continue it."""
    items: list[list[_Fragment]] = []
    bulleted: list[bool] = []
    for fragment in fragments:
        bullet = BULLET.match(fragment.text)
        if bullet or not items:
            text = fragment.text[bullet.end() :] if bullet else fragment.text
            items.append([_Fragment(text, fragment.line, fragment.ends_line)])
            bulleted.append(bool(bullet))
        else:
            items[-1].append(fragment)
    joined = [_join(parts) for parts in items]
    if keep_bullet:
        return ["・" + text if mark else text for text, mark in zip(joined, bulleted)]
    return [text for text in joined if text]


def _unless_placeholder(text: str) -> str:
    """Given a cell's text, return it, or "" where it only holds a placeholder (―, 未評価) for a value to come."""
    return "" if PLACEHOLDER.match(text) else text


def _text(lines: list[Line], *, keep_spaces: bool = False) -> str:
    """Given wrapped lines, return their cleaned text joined by the contract's rule."""
    return _join(_fragments(lines, keep_spaces=keep_spaces))


def _fragments(lines: list[Line], *, keep_spaces: bool = False) -> list[_Fragment]:
    return [_Fragment(_clean_line(line.text, keep_spaces=keep_spaces), line) for line in lines]


def _clean_line(text: str, *, keep_spaces: bool = False) -> str:
    """Given a printed line, return it cleaned, a leading circled number (①) read as a bullet."""
    return clean(CIRCLED_NUMBER.sub("・", text, count=1), keep_spaces=keep_spaces)


def _join(fragments: list[_Fragment]) -> str:
    """Given pieces of wrapped lines, join them the contract's way: with nothing, except one space
    where the author's space fell at the wrap — a space printed at the line's end, a milestone's
    period wrapped onto a line of its own (`…の確立` / `4月`) — or between two Latin words
    printed half-width (`Digital` / `Transformation`; full-width `Ｎ` / `ＰＯ` wraps like kana).
    """
    parts = [fragments[0].text] if fragments else []
    for before, after in zip(fragments, fragments[1:]):
        spaced = (
            before.author_space_after
            or (is_period(after.text) and WORD_END.match(before.text[-1:]) is not None)
            or (_half_width_letter(before.line.text.rstrip()[-1:]) and _half_width_letter(after.line.text.lstrip()[:1]))
        )
        parts.append((" " if spaced else "") + after.text)
    return "".join(parts)


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
