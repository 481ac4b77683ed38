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

import regex

from .document import Cell, Document, Line, Row
from .labels import Labels, join_wrapped_labels, label_key, split_inline_labels
from .vocabulary import Vocabulary, resolve

EVALUATION_ROLES = {"rating", "reason"}
MERGED_ROLES = ("mission",)  # a field one cell often holds for several goals (merged down over their rows)
TITLE_HEIGHT = 0.9  # a title candidate this close to the tallest one's height is printed as large
RUNNING_PAGES = 2  # a loose line printed on this many pages, but for its numbers, is a running header or footer


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
    """Everything the block finder located in one document, and what it recognised on the way."""

    title: list[Line]
    header: dict[str, list[Line]]
    aspiration_label: list[Line]
    legend: list[tuple[int, list[str]]]
    goals: list[GoalBlock]
    preamble: list[Line] = field(default_factory=list)
    shared_mission: list[Line] = field(default_factory=list)
    recognised: list[Line] = field(default_factory=list)  # labels, markers and legend lines: read, holding no value
    furniture: list[Line] = field(default_factory=list)  # page numbers, print headers: not the manifesto's text
    printed: list[Line] = field(default_factory=list)  # every line of the document, in reading order


def find_title(rows: list[Row], labels: Labels, running: set[int] = frozenset()) -> list[Line]:
    """Given rows, return the line that names the document a マニフェスト: among those naming its year
    too (a page header or breadcrumb `さくら台市 部局マニフェスト` names none), the first printed in the
    largest type (a site's menu naming the page comes before the heading, in smaller type).
    Page furniture (a browser's print header) is never the title, and a running header (`running`:
    ids of lines repeated on every page) only where no other line names the document."""
    named = [
        line
        for row in rows
        for cell in row.cells
        for line in cell.lines
        if labels.title.search(line.text) and not labels.is_furniture(line.text)
    ]
    dated = [line for line in named if labels.title_year.search(line.text)]
    candidates = [line for line in dated or named if id(line) not in running] or dated or named
    tallest = max((_height(line) for line in candidates), default=0.0)
    return [line for line in candidates if _height(line) >= tallest * TITLE_HEIGHT][:1]


def _height(line: Line) -> float:
    return line.bbox[3] - line.bbox[1]


def find_header(rows: list[Row], labels: Labels) -> tuple[dict[str, list[Line]], list[Line], list[Line]]:
    """Given rows, return the header fields, the 抱負 label itself, and every label read.

    A field's value is the cell right of its label (部局名 | 総務部) or, where labels
    stand in a row of their own, the cell under it.
    """
    header: dict[str, list[Line]] = {}
    aspiration_label: list[Line] = []
    read: list[Line] = []
    for index, row in enumerate(rows):
        for position, label in enumerate(row.cells):
            name = labels.role(labels.header, label.text)
            if name is None or name in header:
                continue
            read.extend(label.lines)
            value = _value_beside(row, position, labels) or _value_below(rows[index + 1 : index + 2], label, labels)
            if value is not None:
                header[name] = list(value.lines)
                if name == "aspiration":
                    aspiration_label = list(label.lines)
    return header, aspiration_label, read


def _is_value(cell: Cell, labels: Labels) -> bool:
    """A cell that can be a header field's value: not empty and not itself a label or marker."""
    return (
        not cell.is_empty
        and not labels.is_front_matter(cell)
        and labels.goal_role(cell) is None
        and labels.goal_number(cell) is None
    )


def _value_beside(row: Row, position: int, labels: Labels) -> Cell | None:
    following = row.cells[position + 1 : position + 2]
    return following[0] if following and _is_value(following[0], labels) else None


def _value_below(rows: list[Row], label: Cell, labels: Labels) -> Cell | None:
    for row in rows:
        under = [c for c in row.cells if _overlaps(c, label) and c is not label]
        if len(under) == 1 and _is_value(under[0], labels):
            return under[0]
    return None


def _before_goals(rows: list[Row], labels: Labels) -> list[Row]:
    """Given rows, return those before the first goal marker."""
    for index, row in enumerate(rows):
        if any(labels.goal_number(c) is not None for c in row.cells):
            return rows[:index]
    return rows


def find_shared_mission(rows: list[Row], labels: Labels) -> tuple[list[Line], list[Line]]:
    """Given rows, return a 組織使命 printed once before the goals (label | value), for goals that
    print none, and its label."""
    for row in _before_goals(rows, labels):
        for position, cell in enumerate(row.cells):
            value = _value_beside(row, position, labels)
            if labels.goal_role(cell) == "mission" and value is not None:
                return list(value.lines), list(cell.lines)
    return [], []


def find_preamble(rows: list[Row], labels: Labels) -> list[Line]:
    """Given rows, return the lines before the first goal: where the fiscal year is printed when the title lacks it."""
    return [line for row in _before_goals(rows, labels) for cell in row.cells for line in cell.lines]


Printed = tuple[str, list[Line]]  # a text as read and the lines it was read from


def find_legend(rows: list[Row], labels: Labels) -> tuple[list[tuple[int, list[str]]], list[Line]]:
    """Given rows, return the 業績目標の達成状況 legend as (score, label lines) in printed order,
    and the lines it was read from (its label, a 評価 | 内容 header row, its entries).

    The legend is read from the lines under (or after) its label cell: one cell of
    `5.label` lines, or rows of score | label cells. A line that does not start
    with a score continues the label above it.
    """
    for index, row in enumerate(rows):
        for position, cell in enumerate(row.cells):
            if labels.is_legend_label(cell.text):
                own = [line for line in cell.lines if labels.is_legend_label(line.text)]
                rest = [(line.text, [line]) for line in cell.lines if line not in own]
                beside = [(line.text, [line]) for c in row.cells[position + 1 :] for line in c.lines]
                below: list[Printed] = []
                header: list[Line] = []
                if not _legend_entries(beside, labels)[0]:
                    below, header = _lines_below(rows[index + 1 :], cell, labels)
                entries, used = _legend_entries(rest + beside + below, labels)
                return entries, own + header + used
    return [], []


def _lines_below(rows: list[Row], label: Cell, labels: Labels) -> tuple[list[Printed], list[Line]]:
    """Given the rows after a legend label, return the texts lying under it (the cells of one row
    read as one text: score | label; page numbers left out) and the lines of a 評価 | 内容 header row."""
    texts: list[Printed] = []
    header: list[Line] = []
    seen: set[int] = set()
    for row in rows:
        if all(labels.is_furniture(c.text) or labels.is_page_number(c.text) for c in row.cells):
            continue
        start = next((i for i, c in enumerate(row.cells) if _overlaps(c, label)), len(row.cells))
        under = [c for c in row.cells[start:] if id(c) not in seen and not c.is_empty]
        if not texts and _is_legend_header(under, labels):
            header.extend(line for c in under for line in c.lines)
            continue
        if not under or any(labels.goal_role(c) or labels.goal_number(c) for c in row.cells):
            if texts:
                break
            continue
        seen.update(id(c) for c in under)
        if len(under) == 1:
            texts.extend((line.text, [line]) for line in under[0].lines)
        else:
            texts.append((" ".join("".join(line.text for line in c.lines) for c in under),
                          [line for c in under for line in c.lines]))
    return texts, header


def _is_legend_header(cells: list[Cell], labels: Labels) -> bool:
    """The header row of a legend printed as a table (評価 | 内容)."""
    return len(cells) > 1 and all(label_key(c.text) in labels.legend_headers for c in cells)


def _overlaps(cell: Cell, other: Cell) -> bool:
    return cell.bbox[0] < other.bbox[2] and other.bbox[0] < cell.bbox[2]


def _legend_entries(texts: list[Printed], labels: Labels) -> tuple[list[tuple[int, list[str]]], list[Line]]:
    """Given legend texts, return (score, label lines) and the lines read; stop at the first
    text that fits neither an entry nor a continuation of the entry above."""
    entries: list[tuple[int, list[str]]] = []
    used: list[Line] = []
    for raw, lines in texts:
        raw = labels.bullet.sub("", unicodedata.normalize("NFKC", raw), count=1)  # a list's item: ・5.…
        for text in map(str.strip, labels.legend_split.split(raw)):
            match = labels.legend_entry.match(text)
            if match and match.group(2):
                entries.append((int(match.group(1)), [match.group(2)]))
            elif entries and text and not match:
                entries[-1][1].append(text)
            elif entries:
                return entries, used
        if entries:
            used.extend(lines)
    return entries, used


@dataclass
class _Columns:
    """The meaning of each column of a goals table, from its header row (None: a label the vocabulary lacks)."""

    spans: list[tuple[float, float, str | None]]

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
        return {name for _, _, name in self.spans if name} <= EVALUATION_ROLES | {"marker"}

    def inherit(self, before: _Columns) -> _Columns:
        """Given the columns of the header before, return these with each unknown column taking the role
        of the column before that it overlaps most (a header repeated on the next page, whose label a
        cut merged cell's text overprints)."""
        spans = []
        for x0, x1, name in self.spans:
            if name is None:
                name = before.role(Cell((), 0, (x0, 0.0, x1, 0.0)))
            spans.append((x0, x1, name))
        return _Columns(spans)


def header_columns(row: Row, labels: Labels) -> _Columns | None:
    """Given a row, return its column meanings when it is a goals or evaluation table header: at least
    two cells, most of them labels, none twice. A column whose label the vocabulary lacks keeps no
    role, so its cells reach no field and are reported, while the other columns are read."""
    roles = [(cell, labels.goal_role(cell)) for cell in row.cells if not cell.is_empty]
    known = [role for _, role in roles if role]
    if len(known) < 2 or len(known) * 2 <= len(roles) or len(set(known)) < len(known):
        return None
    return _Columns([(cell.bbox[0], cell.bbox[2], role) for cell, role in roles])


@dataclass
class _Finder:
    """The walk over rows that assigns cells to goals (state kept between rows)."""

    labels: Labels
    consumed: set[int]
    goals: list[GoalBlock] = field(default_factory=list)
    recognised: list[Line] = field(default_factory=list)  # header rows, markers and row labels read
    columns: _Columns | None = None
    label_role: tuple[str, Cell | None] | None = None  # last label and its value cell (None: the lines below it)
    table: int | None = None
    ruled: bool = False  # the column header sits in a ruled table, so loose lines (page numbers) are not content
    marked: bool = False  # the last row was a goal marker outside any table
    interrupted: _Columns | None = None  # evaluation columns a repeated goals header has just replaced
    carry_over: tuple[GoalBlock, GoalBlock] | None = None  # the goal before a page break, the first after it

    @property
    def goal(self) -> GoalBlock | None:
        return self.goals[-1] if self.goals else None

    def walk(self, rows: list[Row]) -> list[GoalBlock]:
        for row in rows:
            self.enter_table(row)
            self.read_row(row)
        self.settle_carry_over()
        return self.goals

    def recognise(self, cell: Cell) -> None:
        self.recognised.extend(cell.lines)

    def enter_table(self, row: Row) -> None:
        """A new table keeps the column meanings when it may continue the last one past a page
        break, or when a goal marker starts it or stands just above it (Word documents often set
        each goal in a table of its own under one header); any other table needs its own header."""
        has_marker = any(self.labels.goal_number(c) is not None for c in row.cells)
        if row.table is None or row.table == self.table:
            self.marked = row.table is None and has_marker
            return
        self.table = row.table
        marked, self.marked = self.marked or has_marker, False
        if not row.first_on_page and not marked:
            self.columns = None
            self.label_role = None

    def read_row(self, row: Row) -> None:
        cells = [c for c in row.cells if id(c) not in self.consumed and not c.is_empty]
        columns = header_columns(row, self.labels)
        if columns is not None:
            evaluating = self.columns is not None and self.columns.evaluation_only
            if row.first_on_page and self.columns is not None:
                columns = columns.inherit(self.columns)  # a repeated header whose label text a cut cell overprints
            self.interrupted = self.columns if evaluating and row.first_on_page else None
            self.columns, self.label_role, self.ruled = columns, None, row.table is not None
            for cell in cells:
                if self.labels.goal_role(cell):
                    self.recognise(cell)
            return
        marker, number = self.find_marker(cells)
        self.resume_evaluation(cells, marker)
        if marker is not None and row.table is None and self.columns and self.columns.evaluation_only:
            self.columns = None
        evaluating = bool(self.columns and self.columns.evaluation_only)
        if number is not None and not evaluating and not (self.goal and self.goal.number == number):
            self.settle_carry_over()
            self.goals.append(GoalBlock(number, row.page))  # a repeated marker continues its goal
            if row.first_on_page and self.columns and len(self.goals) > 1 and self.goals[-2].page < row.page:
                self.carry_over = self.goals[-2], self.goals[-1]
        if marker is not None:
            self.recognise(marker)
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
            number = self.labels.goal_number(cell)
            if number is None and self.columns and self.columns.role(cell) == "marker":
                bare = self.labels.bare_number.match(label_key(cell.text))
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

    def settle_carry_over(self) -> None:
        """Once the first goal on a continued page has all its rows, join what a page break cut."""
        if self.carry_over is not None:
            self.continue_merged(*self.carry_over)
            self.carry_over = None

    def continue_merged(self, before: GoalBlock, goal: GoalBlock) -> None:
        """The first goal on a page of a table continued from the last: a cell merged over goals and cut
        by the page break belongs to every goal it spans. Where the goal's cell of a shared field is
        empty, it is the merged cell's continuation (Word moves a row whole, leaving its part empty);
        where the cell before the break stops mid-sentence, the goal's cell holds the rest of its text
        (Excel prints a merged cell's text cut in two), which every goal of that cell gets."""
        for role in MERGED_ROLES:
            above = before.fields.get(role)
            if not above:
                continue
            here = goal.fields.get(role, [])
            if not here:
                goal.fields[role] = list(above)
            elif not self.labels.ends_sentence(above[-1].text):
                rest = list(here)
                for other in self.goals[:-1]:
                    if other.fields.get(role) == above:
                        other.fields[role] = above + rest
                goal.fields[role] = above + rest

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
        """Label | value rows (Word-style tables): the label on the left names the field. A label
        standing alone on a loose line (a CMS page's <h4>組織使命</h4>) names the loose lines after it."""
        if self.goal is None:
            return
        role = self.labels.goal_role(cells[0])
        if role and role != "marker" and (len(cells) > 1 or row.table is None):
            self.label_role = (role, cells[1] if len(cells) > 1 else None)
            self.recognise(cells[0])
            for cell in cells[1:]:
                self.goal.add(role, cell)
        elif self.label_role and self.label_role[1] is None and row.table is None:
            for cell in cells:
                self.goal.add(self.label_role[0], cell)
        elif self.label_role and self.label_role[1] is not None and row.first_on_page and row.table is not None:
            role, value = self.label_role
            if all(_overlaps(c, value) for c in cells):
                for cell in cells:
                    self.goal.add(role, cell)


def find_blocks(document: Document, vocabulary: Vocabulary | str | None = None) -> Blocks:
    """Given a Document (and the vocabulary its wordings are read with; None: the built-in one),
    return its Blocks: title, header fields, legend and goals, and what was recognised or is furniture."""
    labels = Labels.of(resolve(vocabulary))
    rows = split_inline_labels(join_wrapped_labels(document.rows, labels), labels)
    named, running = find_furniture(rows, labels)
    title = find_title(rows, labels, {id(line) for line in running})
    titles = {label_key(line.text) for line in title}
    furniture = named + [line for line in running if label_key(line.text) not in titles]
    header, aspiration_label, header_labels = find_header(rows, labels)
    furniture_ids = {id(line) for line in furniture}
    consumed = {
        id(c) for row in rows for c in row.cells
        if labels.is_front_matter(c) or (c.lines and all(id(line) in furniture_ids for line in c.lines))
    }
    finder = _Finder(labels, consumed)
    goals = finder.walk(rows)
    legend, legend_lines = find_legend(rows, labels)
    shared_mission, mission_label = find_shared_mission(rows, labels)
    printed = [line for row in rows for cell in row.cells for line in cell.lines]
    recognised = [line for line in printed if label_key(line.text) in titles or labels.is_boilerplate(line.text)]
    return Blocks(
        title=title,
        header=header,
        aspiration_label=aspiration_label,
        legend=legend,
        goals=goals,
        preamble=find_preamble(rows, labels),
        shared_mission=shared_mission,
        recognised=header_labels + legend_lines + mission_label + finder.recognised + recognised,
        furniture=document.furniture + furniture,
        printed=document.furniture + printed,
    )


def find_furniture(rows: list[Row], labels: Labels) -> tuple[list[Line], list[Line]]:
    """Given rows, return the loose lines that are page furniture by the vocabulary's forms (page
    numbers, print headers) and the running ones: a line printed on several pages but for its
    numbers, that is no label or goal marker (`さくら台市 部局マニフェスト - 2 -`)."""
    loose = [(line, cell) for row in rows if row.table is None for cell in row.cells for line in cell.lines]
    pages: dict[str, set[int]] = {}
    for line, _ in loose:
        pages.setdefault(_running_key(line.text), set()).add(line.page)
    edges = _page_edges(rows)
    named = [line for line, _ in loose
             if labels.is_furniture(line.text) or (id(line) in edges and labels.is_page_number(line.text))]
    running = [
        line
        for line, cell in loose
        if len(pages[_running_key(line.text)]) >= RUNNING_PAGES and not labels.is_furniture(line.text)
        and labels.goal_number(cell) is None and labels.goal_role(cell) is None
    ]
    return named, running


def _page_edges(rows: list[Row]) -> set[int]:
    """Given rows, return the ids of each page's first and last lines, where page numbers stand."""
    by_page: dict[int, list[Line]] = {}
    for row in rows:
        by_page.setdefault(row.page, []).extend(line for cell in row.cells for line in cell.lines)
    return {id(lines[index]) for lines in by_page.values() if lines for index in (0, -1)}


def _running_key(text: str) -> str:
    return regex.sub(r"\d+", "#", label_key(text))
