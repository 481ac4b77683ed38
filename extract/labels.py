"""The vocabulary's labels, markers and page furniture as compiled patterns, and how a label is recognised.

Given a vocabulary, `Labels.of` compiles its label forms once; a cell's text is matched in its
label form (NFKC, no whitespace, a trailing note dropped). `split_inline_labels` separates a label
from the value printed after it on the same line (`部局名　総務部`, `部局名：総務部`, `部局名……総務部`),
as text boxes, CMS pages and unruled Word documents print header fields.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

import regex

from .document import Cell, Line, Row
from .vocabulary import Vocabulary, alternation

NOTE = regex.compile(r"(?<=.)[(][^()]*[)]$")  # a trailing note on a label: 目標の達成水準(成果指標)
LABEL_LENGTH = 24  # a label cell is short; longer text that happens to end in 手段 or 理由 is content
LABEL_CACHE = 4096  # cells' texts seen by the label matchers of one batch worker, recent first
GOAL_NUMBER = r"(\d{1,2})"  # goals are numbered 1–99
NOTHING = regex.compile(r"(?!)")  # the pattern of an empty list of forms


@lru_cache(maxsize=LABEL_CACHE)
def label_key(text: str) -> str:
    """Given a cell's raw text, return the form its label is matched in (NFKC, no whitespace)."""
    return regex.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _whole(forms: list[str]) -> regex.Pattern[str]:
    """Given label forms, return the pattern matching a label that is one of them, whole."""
    return regex.compile(rf"^(?:{alternation(forms, literal=False)})$")


@dataclass(frozen=True)
class Labels:
    """The label, marker, legend and page-furniture patterns of one vocabulary, compiled once."""

    goal: dict[str, regex.Pattern[str]]
    header: dict[str, regex.Pattern[str]]
    legend: regex.Pattern[str]
    legend_split: regex.Pattern[str]
    legend_entry: regex.Pattern[str]
    legend_headers: frozenset[str]
    marker: regex.Pattern[str]
    bare_number: regex.Pattern[str]
    title: regex.Pattern[str]
    title_year: regex.Pattern[str]
    boilerplate: regex.Pattern[str]
    furniture: regex.Pattern[str]
    page_number: regex.Pattern[str]
    sentence_end: regex.Pattern[str]
    bullet: regex.Pattern[str]  # a list's bullet before a legend line (・5.…)
    # role()'s answers by (patterns, text): a batch worker meets the same label texts in every file
    _roles: dict[tuple[int, str], str | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    @staticmethod
    @lru_cache(maxsize=16)
    def of(vocabulary: Vocabulary) -> Labels:
        """Given a vocabulary, return its compiled patterns (cached per vocabulary)."""
        words = vocabulary.words
        legend, goal = words.legend, words.goal
        suffix = f"(?:{alternation(legend.score_suffixes)})?" if legend.score_suffixes else ""
        separator = alternation(legend.separators)
        standalone = rf"|^(?:{alternation(goal.standalone)})\s*{GOAL_NUMBER}$" if goal.standalone else ""
        prefixes = f"(?:{alternation(goal.number_prefixes)})?" if goal.number_prefixes else ""
        return Labels(
            goal={role: _whole(forms) for role, forms in words.goal.labels},
            header={name: _whole(forms) for name, forms in words.header},
            legend=_whole(legend.labels),
            # `5:… 4:…` printed on one line splits before each score
            legend_split=regex.compile(rf"(?<=\S)\s*(?=(?<!\d)\d{suffix}(?:{separator})(?![\d.]))"),
            # 5.label, 5:label, 5…label, 5点:label
            legend_entry=regex.compile(rf"^\s*(\d)(?!\d){suffix}(?:\s|{separator})*(.*)$"),
            legend_headers=frozenset(legend.table_headers),
            marker=regex.compile(
                rf"^(?:{alternation(goal.symbols)})\s*(?:{alternation(goal.words)})\s*{GOAL_NUMBER}{standalone}"
            ),
            bare_number=regex.compile(rf"^{prefixes}{GOAL_NUMBER}$", regex.IGNORECASE),
            title=regex.compile(alternation(words.title.words)),
            title_year=regex.compile(alternation(words.title.year_words)),
            boilerplate=_whole(words.title.boilerplate) if words.title.boilerplate else NOTHING,
            furniture=_whole(words.furniture.lines) if words.furniture.lines else NOTHING,
            page_number=_whole(words.furniture.page_numbers) if words.furniture.page_numbers else NOTHING,
            sentence_end=regex.compile(rf"(?:{alternation(words.cells.sentence_ends)})\s*$"),
            bullet=regex.compile(rf"^\s*(?:{alternation(words.bullets.marks)})\s*"),
        )

    def role(self, patterns: dict[str, regex.Pattern[str]], text: str) -> str | None:
        """Given patterns by name (self.goal or self.header) and a cell's text, return the name its label
        matches, or None."""
        memo = (id(patterns), text)
        if memo not in self._roles:
            if len(self._roles) >= LABEL_CACHE:
                self._roles.clear()
            self._roles[memo] = _role(patterns, label_key(text))
        return self._roles[memo]

    def goal_role(self, cell: Cell) -> str | None:
        """Given a cell, return the goal field its text labels (組織使命 → 'mission'), or None."""
        return self.role(self.goal, cell.text)

    def goal_number(self, cell: Cell) -> int | None:
        """Given a cell, return N when it is a ◎部局目標N marker."""
        match = self.marker.search(label_key(cell.text))
        return int(match.group(1) or match.group(2)) if match else None

    def is_legend_label(self, text: str) -> bool:
        return self.legend.match(label_key(text)) is not None

    def is_front_matter(self, cell: Cell) -> bool:
        """Header-table and legend cells never hold goal content."""
        return self.is_legend_label(cell.text) or self.role(self.header, cell.text) is not None

    def is_boilerplate(self, text: str) -> bool:
        """Given a line's text, whether the format prints it as it is (〜私たちの組織使命と目標〜)."""
        return self.boilerplate.match(label_key(text)) is not None

    def is_furniture(self, text: str) -> bool:
        """Given a loose line's text, whether it is page furniture wherever it stands (a print header, a URL)."""
        return self.furniture.match(unicodedata.normalize("NFKC", text).strip()) is not None

    def ends_sentence(self, text: str) -> bool:
        """Given a line, whether it ends a sentence (。): a cell cut by a page break before its end does not."""
        return self.sentence_end.search(unicodedata.normalize("NFKC", text)) is not None

    def is_page_number(self, text: str) -> bool:
        """Given a line's text, whether it reads as a page number (furniture at a page's top or foot)."""
        return self.page_number.match(unicodedata.normalize("NFKC", text).strip()) is not None


def _role(patterns: dict[str, regex.Pattern[str]], key: str) -> str | None:
    """Given patterns by name and a label key, return the first name matching it, with or without its trailing note."""
    if len(key) > LABEL_LENGTH:
        return None
    for candidate in (key, NOTE.sub("", key)):
        name = next((name for name, pattern in patterns.items() if pattern.match(candidate)), None)
        if name:
            return name
    return None


INLINE_SEPARATOR = regex.compile(r"[\s:]+|[.・…‥]{2,}")  # between a label and its value on one line (after NFKC)


def _inline_split(line: Line, labels: Labels, patterns: list[dict[str, regex.Pattern[str]]]) -> tuple[Line, Line] | None:
    """Given a line, return it split into its label and the value printed after it, when it starts
    with a label (the longest one) followed by a separator; None when it does not, or is a label whole."""
    text = unicodedata.normalize("NFKC", line.text).strip()
    if any(labels.role(group, text) for group in patterns):
        return None
    best = None
    for separator in INLINE_SEPARATOR.finditer(text):
        head, value = text[: separator.start()], text[separator.end() :].strip()
        if len(regex.sub(r"\s+", "", head)) > LABEL_LENGTH:
            break  # no longer head can be a label
        if value and any(labels.role(group, head) for group in patterns):
            best = (head, value)
    if best is None:
        return None
    head, value = best
    x0, top, x1, bottom = line.bbox
    cut = x0 + (x1 - x0) * len(head) / max(len(text), 1)
    return replace(line, text=head, bbox=(x0, top, cut, bottom)), replace(line, text=value, bbox=(cut, top, x1, bottom))


def split_inline_labels(rows: list[Row], labels: Labels) -> list[Row]:
    """Given rows, return them with every one-line cell that prints a header label and its value
    (`部局名　総務部`) split into a label cell and a value cell; a loose line does so for goal labels
    too (`組織使命：…` on a CMS page). Cells of tables keep goal labels whole: there a colon after a
    word is a section marker's."""
    split: dict[int, tuple[Cell, ...]] = {}
    for row in rows:
        groups = [labels.header, labels.goal] if row.table is None else [labels.header]
        for cell in row.cells:
            if id(cell) in split or len(cell.lines) != 1:
                continue
            parts = _inline_split(cell.lines[0], labels, groups)
            if parts is not None:
                split[id(cell)] = tuple(Cell((part,), cell.page, part.bbox) for part in parts)
    if not split:
        return rows
    return [replace(row, cells=tuple(part for cell in row.cells for part in split.get(id(cell), (cell,)))) for row in rows]


WRAP_ALIGN = 2.0  # points: a label's wrapped second line starts this close under its first


def join_wrapped_labels(rows: list[Row], labels: Labels) -> list[Row]:
    """Given rows, return them with a header or goal label that wrapped onto the next loose line
    (`２０２４年度の` / `抱負`, the value beside the first line) joined back into one label cell."""
    joined: list[Row] = []
    skip = False
    for row, below in zip(rows, [*rows[1:], None]):
        if skip:
            skip = False
            continue
        if below is not None and _wrapped_label(row, below, labels):
            first, rest = row.cells[0], below.cells[0]
            label = Cell(first.lines + rest.lines, first.page, (first.bbox[0], first.bbox[1], max(first.bbox[2], rest.bbox[2]), rest.bbox[3]))
            joined.append(replace(row, cells=(label, *row.cells[1:])))
            skip = True
        else:
            joined.append(row)
    return joined


def _wrapped_label(row: Row, below: Row, labels: Labels) -> bool:
    if row.table is not None or below.table is not None or len(below.cells) != 1 or len(row.cells) < 2:
        return False  # the wrapped label has its value beside its first line, and nothing beside its second
    first, rest = row.cells[0], below.cells[0]
    if first.page != rest.page or abs(first.bbox[0] - rest.bbox[0]) > WRAP_ALIGN:
        return False
    groups = [labels.header, labels.goal]
    if len(first.lines) != 1 or _inline_split(first.lines[0], labels, groups) is not None:
        return False  # `氏名　小野寺 潤` is a label with its value, not half a label
    whole = first.text + rest.text
    return any(labels.role(g, whole) for g in groups) and not any(labels.role(g, first.text) for g in groups)
