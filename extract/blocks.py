"""Find a manifesto's blocks in a Document, keyed on the document's own labels and markers.

Given rows of cells (from either reader) this finds the title, the header fields
(部局名/役職/氏名/…年度の抱負), the 業績目標の達成状況 legend, and one GoalBlock per
◎部局目標N holding the lines of each of its fields. Nothing here depends on
coordinates of a particular file: columns get their meaning from header rows
(組織使命 | 組織使命達成に向けての目標 | …) or, in label | value tables, from the
label on the left; evaluation rows in a table of their own go to the goals still
waiting for one, in order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from .document import Cell, Document, Line, Row

GOAL_LABELS: dict[str, regex.Pattern[str]] = {
    "marker": regex.compile(r"^部局目標(番号)?$|^(目標)?番号$|^No\.?$", regex.IGNORECASE),
    "mission": regex.compile(r"^(組織の?)?使命$"),
    "objective": regex.compile(r"^組織使命の?達成に向け[てた]の?目標$|^(業績|取組|部局の)?目標$"),
    "level": regex.compile(r"達成水準$"),
    "means": regex.compile(r"手段$"),
    "rating": regex.compile(r"自己評価\)?$|^達成状況$|^評価$"),
    "reason": regex.compile(r"理由$"),
}
LABEL_LENGTH = 24  # a label cell is short; longer text that happens to end in 手段 or 理由 is content
NOTE = regex.compile(r"(?<=.)[(][^()]*[)]$")  # a trailing note on a label: 目標の達成水準(成果指標)
HEADER_LABELS: dict[str, regex.Pattern[str]] = {
    "department": regex.compile(r"^(部局|部署|所属)名?$"),
    "position": regex.compile(r"^(役職|職名)(名)?$"),
    "head": regex.compile(r"^(氏名|部局長名?)$"),
    "aspiration": regex.compile(r"抱負$"),
}
LEGEND_LABEL = regex.compile(r"業績目標の達成状況|達成状況の(区分|基準)")
LEGEND_SPLIT = regex.compile(r"(?<=\S)\s*(?=(?<!\d)\d[.:、)](?![\d.]))")  # `5:… 4:…` printed on one line
LEGEND_ENTRY = regex.compile(r"^\s*(\d)(?!\d)[\s.:、)…‥・-]*(.*)$")  # 5.label, 5:label, 5…label
GOAL_MARKER = regex.compile(r"^[◎○●◉]\s*(?:部局)?目標\s*(\d{1,2})|^部局目標\s*(\d{1,2})$")
BARE_NUMBER = regex.compile(r"^(?:No\.?|目標)?(\d{1,2})$")  # a goal's number in a 部局目標 column
TITLE = regex.compile(r"マニフェスト")
TITLE_YEAR = regex.compile(r"年度")
PAGE_NUMBER = regex.compile(r"^[-‐－―—\s]*\d+[-‐－―—\s]*$|^\d+\s*/\s*\d+$")  # - 2 -, 1 / 2
EVALUATION_ROLES = {"rating", "reason"}
LABEL_CACHE = 4096  # cells' texts seen by the label matchers of one batch worker, recent first


@lru_cache(maxsize=LABEL_CACHE)
def label_key(text: str) -> str:
    """Given a cell's raw text, return the form its label is matched in (NFKC, no whitespace)."""
    return regex.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def goal_role(cell: Cell) -> str | None:
    """Given a cell, return the goal field its text labels (組織使命 → 'mission'), or None."""
    key = label_key(cell.text)
    if len(key) > LABEL_LENGTH:
        return None
    for candidate in (key, NOTE.sub("", key)):
        role = next((role for role, pattern in GOAL_LABELS.items() if pattern.search(candidate)), None)
        if role:
            return role
    return None


def goal_number(cell: Cell) -> int | None:
    """Given a cell, return N when it is a ◎部局目標N marker."""
    match = GOAL_MARKER.search(label_key(cell.text))
    return int(match.group(1) or match.group(2)) if match else None


@dataclass(eq=False)
class GoalBlock:
    """One goal's lines per field, as found (still raw text)."""

    number: int
    page: int
    fields: dict[str, list[Line]] = field(default_factory=dict)
    evaluated: bool = False  # an evaluation row or column has been given to this goal
    _seen: set[tuple[str, int]] = field(default_factory=set)

    def add(self, role: str, cell: Cell) -> None:
        """Append a cell's lines to a field, once per cell (a merged cell recurs in every row it spans)."""
        if (role, id(cell)) in self._seen or cell.is_empty:
            return
        self._seen.add((role, id(cell)))
        self.fields.setdefault(role, []).extend(cell.lines)
        if role in EVALUATION_ROLES:
            self.evaluated = True


@dataclass
class Blocks:
    """Everything the block finder located in one document."""

    title: list[Line]
    header: dict[str, list[Line]]
    aspiration_label: list[Line]
    legend: list[tuple[int, list[str]]]
    goals: list[GoalBlock]
    preamble: list[Line] = field(default_factory=list)
    shared_mission: list[Line] = field(default_factory=list)


def find_title(rows: list[Row]) -> list[Line]:
    """Given rows, return the line that names the document a マニフェスト: the first one naming
    its year too (a page header or breadcrumb `さくら台市 部局マニフェスト` comes before it), else the first."""
    named = [line for row in rows for cell in row.cells for line in cell.lines if TITLE.search(line.text)]
    dated = [line for line in named if TITLE_YEAR.search(line.text)]
    return (dated or named)[:1]


def find_header(rows: list[Row]) -> tuple[dict[str, list[Line]], list[Line]]:
    """Given rows, return the header fields and the 抱負 label itself.

    A field's value is the cell right of its label (部局名 | 総務部) or, where labels
    stand in a row of their own, the cell under it.
    """
    header: dict[str, list[Line]] = {}
    aspiration_label: list[Line] = []
    for index, row in enumerate(rows):
        for position, label in enumerate(row.cells):
            key = label_key(label.text)
            name = next((n for n, p in HEADER_LABELS.items() if n not in header and p.search(key)), None)
            if name is None:
                continue
            value = _value_beside(row, position) or _value_below(rows[index + 1 : index + 2], label)
            if value is not None:
                header[name] = list(value.lines)
                if name == "aspiration":
                    aspiration_label = list(label.lines)
    return header, aspiration_label


def _is_value(cell: Cell) -> bool:
    """A cell that can be a header field's value: not empty and not itself a label or marker."""
    return not cell.is_empty and not _is_front_matter(cell) and goal_role(cell) is None and goal_number(cell) is None


def _value_beside(row: Row, position: int) -> Cell | None:
    following = row.cells[position + 1 : position + 2]
    return following[0] if following and _is_value(following[0]) else None


def _value_below(rows: list[Row], label: Cell) -> Cell | None:
    for row in rows:
        under = [c for c in row.cells if _overlaps(c, label) and c is not label]
        if len(under) == 1 and _is_value(under[0]):
            return under[0]
    return None


def find_shared_mission(rows: list[Row]) -> list[Line]:
    """Given rows, return a 組織使命 printed once before the goals (label | value), for goals that print none."""
    for row in rows:
        if any(goal_number(c) is not None for c in row.cells):
            break
        for position, cell in enumerate(row.cells):
            value = _value_beside(row, position)
            if goal_role(cell) == "mission" and value is not None:
                return list(value.lines)
    return []


def find_preamble(rows: list[Row]) -> list[Line]:
    """Given rows, return the lines before the first goal: where the fiscal year is printed when the title lacks it."""
    lines: list[Line] = []
    for row in rows:
        if any(goal_number(c) is not None for c in row.cells):
            break
        lines.extend(line for cell in row.cells for line in cell.lines)
    return lines


def find_legend(rows: list[Row]) -> list[tuple[int, list[str]]]:
    """Given rows, return the 業績目標の達成状況 legend as (score, label lines) in printed order.

    The legend is read from the lines under (or after) its label cell: one cell of
    `5.label` lines, or rows of score | label cells. A line that does not start
    with a score continues the label above it.
    """
    for index, row in enumerate(rows):
        for position, cell in enumerate(row.cells):
            if LEGEND_LABEL.search(label_key(cell.text)):
                rest = [line.text for line in cell.lines if not LEGEND_LABEL.search(label_key(line.text))]
                beside = [line.text for c in row.cells[position + 1 :] for line in c.lines]
                below = [] if _legend_entries(beside) else _lines_below(rows[index + 1 :], cell)
                return _legend_entries(rest + beside + below)
    return []


def _lines_below(rows: list[Row], label: Cell) -> list[str]:
    """Given the rows after a legend label, return their text lines lying under it (page numbers left out)."""
    lines: list[str] = []
    seen: set[int] = set()
    for row in rows:
        if all(PAGE_NUMBER.match(unicodedata.normalize("NFKC", c.text)) for c in row.cells):
            continue
        start = next((i for i, c in enumerate(row.cells) if _overlaps(c, label)), len(row.cells))
        under = [c for c in row.cells[start:] if id(c) not in seen and not c.is_empty]
        if not under or any(goal_role(c) or goal_number(c) for c in row.cells):
            if lines:
                break
            continue
        seen.update(id(c) for c in under)
        if len(under) == 1:
            lines.extend(line.text for line in under[0].lines)
        else:
            lines.append(" ".join("".join(line.text for line in c.lines) for c in under))
    return lines


def _overlaps(cell: Cell, other: Cell) -> bool:
    return cell.bbox[0] < other.bbox[2] and other.bbox[0] < cell.bbox[2]


def _legend_entries(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Given legend text lines, return (score, label lines); stop at the first line that fits neither."""
    entries: list[tuple[int, list[str]]] = []
    pieces = (piece for raw in lines for piece in LEGEND_SPLIT.split(unicodedata.normalize("NFKC", raw)))
    for text in map(str.strip, pieces):
        match = LEGEND_ENTRY.match(text)
        if match and match.group(2):
            entries.append((int(match.group(1)), [match.group(2)]))
        elif entries and text and not LEGEND_ENTRY.match(text):
            entries[-1][1].append(text)
        elif entries:
            break
    return entries


@dataclass
class _Columns:
    """The meaning of each column of a goals table, from its header row."""

    spans: list[tuple[float, float, str]]

    def role(self, cell: Cell) -> str | None:
        """Given a cell, return the role of the header column it overlaps most."""
        best, role = 0.0, None
        for x0, x1, name in self.spans:
            overlap = min(x1, cell.bbox[2]) - max(x0, cell.bbox[0])
            if overlap > best:
                best, role = overlap, name
        return role

    @property
    def evaluation_only(self) -> bool:
        return {name for _, _, name in self.spans} <= EVALUATION_ROLES | {"marker"}


def header_columns(row: Row) -> _Columns | None:
    """Given a row, return its column meanings when it is a goals or evaluation table header."""
    roles = [(cell, goal_role(cell)) for cell in row.cells if not cell.is_empty]
    names = [role for _, role in roles]
    if len(roles) < 2 or None in names or len(set(names)) < len(names):
        return None
    return _Columns([(cell.bbox[0], cell.bbox[2], role) for cell, role in roles if role])


@dataclass
class _Finder:
    """The walk over rows that assigns cells to goals (state kept between rows)."""

    consumed: set[int]
    goals: list[GoalBlock] = field(default_factory=list)
    columns: _Columns | None = None
    label_role: tuple[str, Cell] | None = None  # last label of a label | value table, for continued rows
    table: int | None = None
    ruled: bool = False  # the column header sits in a ruled table, so loose lines (page numbers) are not content
    marked: bool = False  # the last row was a goal marker outside any table
    interrupted: _Columns | None = None  # evaluation columns a repeated goals header has just replaced

    @property
    def goal(self) -> GoalBlock | None:
        return self.goals[-1] if self.goals else None

    def walk(self, rows: list[Row]) -> list[GoalBlock]:
        for row in rows:
            self.enter_table(row)
            self.read_row(row)
        return self.goals

    def enter_table(self, row: Row) -> None:
        """A new table keeps the column meanings when it may continue the last one past a page
        break, or when a goal marker starts it or stands just above it (Word documents often set
        each goal in a table of its own under one header); any other table needs its own header."""
        if row.table is None or row.table == self.table:
            self.marked = row.table is None and any(goal_number(c) is not None for c in row.cells)
            return
        self.table = row.table
        marked, self.marked = self.marked or any(goal_number(c) is not None for c in row.cells), False
        if not row.first_on_page and not marked:
            self.columns = None
            self.label_role = None

    def read_row(self, row: Row) -> None:
        cells = [c for c in row.cells if id(c) not in self.consumed and not c.is_empty]
        columns = header_columns(row)
        if columns is not None:
            evaluating = self.columns is not None and self.columns.evaluation_only
            self.interrupted = self.columns if evaluating and row.first_on_page else None
            self.columns, self.label_role, self.ruled = columns, None, row.table is not None
            return
        marker, number = self.find_marker(cells)
        self.resume_evaluation(cells, marker)
        if marker is not None and row.table is None and self.columns and self.columns.evaluation_only:
            self.columns = None
        evaluating = bool(self.columns and self.columns.evaluation_only)
        if number is not None and not evaluating and not (self.goal and self.goal.number == number):
            self.goals.append(GoalBlock(number, row.page))  # a repeated marker continues its goal
        if self.ruled and row.table is None:
            return  # a loose line beside ruled tables (a page number, a note) holds no goal content
        content = [c for c in cells if c is not marker]
        if evaluating:
            self.read_evaluation(content, number)
        elif self.columns:
            self.read_columns(content)
        elif content:
            self.read_labelled(row, content)

    def resume_evaluation(self, cells: list[Cell], marker: Cell | None) -> None:
        """After a goals header repeated at a page's top (Excel's print titles) in the middle of an
        evaluation table, a row shaped like that table (one cell per evaluation column, no marker)
        continues it; anything else starts the goals the header announces."""
        interrupted, self.interrupted = self.interrupted, None
        if interrupted is None or marker is not None or self.columns is None:
            return
        if len(cells) == len(interrupted.spans) < len(self.columns.spans):
            self.columns = interrupted

    def find_marker(self, cells: list[Cell]) -> tuple[Cell | None, int | None]:
        """The cell naming a goal: a ◎部局目標N marker, or a bare number in a 部局目標 column."""
        for cell in cells:
            number = goal_number(cell)
            if number is None and self.columns and self.columns.role(cell) == "marker":
                bare = BARE_NUMBER.match(label_key(cell.text))
                number = int(bare.group(1)) if bare else None
            if number is not None:
                return cell, number
        return None, None

    def read_columns(self, cells: list[Cell]) -> None:
        if self.goal is None or self.columns is None:
            return
        for cell in cells:
            role = self.columns.role(cell)
            if role and role != "marker":
                self.goal.add(role, cell)

    def read_evaluation(self, cells: list[Cell], number: int | None) -> None:
        """An evaluation table row goes to the goal it names, else to the first goal still without one."""
        if self.columns is None:
            return
        waiting = [g for g in self.goals if (g.number == number if number else not g.evaluated)]
        if not waiting:
            return
        goal = waiting[0]
        goal.evaluated = True
        for cell in cells:
            role = self.columns.role(cell)
            if role in EVALUATION_ROLES:
                goal.add(role, cell)

    def read_labelled(self, row: Row, cells: list[Cell]) -> None:
        """Label | value rows (Word-style tables): the label on the left names the field."""
        if self.goal is None:
            return
        role = goal_role(cells[0])
        if role and role != "marker" and len(cells) > 1:
            self.label_role = (role, cells[1])
            for cell in cells[1:]:
                self.goal.add(role, cell)
        elif self.label_role and row.first_on_page and row.table is not None:
            role, value = self.label_role
            if all(_overlaps(c, value) for c in cells):
                for cell in cells:
                    self.goal.add(role, cell)


def find_blocks(document: Document) -> Blocks:
    """Given a Document, return its Blocks: title, header fields, legend and goals."""
    rows = document.rows
    header, aspiration_label = find_header(rows)
    consumed = {id(c) for row in rows for c in row.cells if _is_front_matter(c)}
    goals = _Finder(consumed).walk(rows)
    return Blocks(
        find_title(rows), header, aspiration_label, find_legend(rows), goals, find_preamble(rows), find_shared_mission(rows)
    )


def _is_front_matter(cell: Cell) -> bool:
    """Header-table and legend cells never hold goal content."""
    key = label_key(cell.text)
    return bool(LEGEND_LABEL.search(key)) or any(p.search(key) for p in HEADER_LABELS.values())
