"""Turn a page's characters and ruling lines into rows: table cells (merged spans filled) and loose lines (pure).

Whichever library read the page (read_oxide.py, the default; read_pdf.py, pdfplumber's
own; read_pdfium.py), its characters and edges come here in one form. Cells come from the
edges (cells.py, pdfplumber's table finder made lean), with the edges a table ruled between
rows only lacks added first, and cell text is assembled from the characters directly, as the
page shows it: a word spread over its cell (均等割り付け) without the spaces of its spread, a
character drawn twice (faked bold, a shadow) once, a sub- or superscript on its line, text
turned a quarter along its turn, and a stamp laid over a table as loose text, not the text
of the cells it covers. Kept apart from the readers so that a batch's worker, reading with pdf_oxide, imports
neither pdfplumber nor pdfminer.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

import regex

from .cells import find_tables
from .document import BBox, Cell, Line, Row

Char = dict[str, Any]  # text, x0, x1, top, bottom (points from the page's top left), size, upright, upward (turned left)
Edge = dict[str, Any]  # a ruling line's edge as pdfplumber's table finder reads it

LINE_TOLERANCE = 0.5  # chars whose tops differ by less than this share of their size share a line
SPACE_GAP = 0.6  # a horizontal gap wider than this share of the font size reads as a space
CELL_GAP = 2.5  # outside tables, a gap wider than this many font sizes separates two cells
EVEN_GAPS = 0.1  # font sizes: wide gaps this close to one another are the spacing of 均等割り付け, not spaces
SPREADABLE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}ー々\s]")  # what 均等割り付け spreads: Japanese words
SPREAD_PAIR = 2.0  # font sizes: two characters this far apart are one word spread over its cell (氏　　名), not two
DOUBLE_STRIKE = 0.3  # of its width (across) and size (down): the same character drawn again this close is one (faked bold, a shadow)
SCRIPT_INSIDE = 0.5  # a smaller character with this share of its height within a line's is its sub- or superscript
SCRIPT_SIZE = 0.85  # ... if at most this share of the line's height (a sub- or superscript is clearly smaller)
STAMP_SIZE = 3.0  # times the page's median size: a character this large sticking out of a cell is a stamp (取扱注意)
LONG_RULE = 100.0  # points: a horizontal rule this long may bound the rows of a table without vertical rules
RULE_SNAP = 2.0  # points: rule ends and edges this close are the same line
MIN_RULES = 3  # rules of one extent that make a table (two rows)
BAND_COVER = 0.5  # vertical segments at one x covering this share of a band's height rule it (Word breaks them per row)
COLUMN_GAP = 1.1  # font sizes: an empty gap this wide through a whole band separates two columns


def in_reading_order(chars: Iterable[Char]) -> list[Char]:
    """Given characters, return them in reading order: rows of 0.1 pt from the top, then x (ties as given)."""
    chars = list(chars)
    rows = {top: round(top, 1) for top in {char["top"] for char in chars}}  # a line's characters share a top
    keys = [(rows[char["top"]], char["x0"]) for char in chars]
    return [chars[index] for index in sorted(range(len(chars)), key=keys.__getitem__)]


def cluster_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Given characters, return them grouped into lines, top to bottom, each in x order."""
    return _clustered(in_reading_order(chars))


def _clustered(ordered: Sequence[Char]) -> list[list[Char]]:
    """Given characters in reading order (in_reading_order), return them grouped into lines, each in x order."""
    lines: list[list[Char]] = []
    line_top = line_bottom = 0.0  # the top and bottom of the current line's first character
    for char in ordered:
        top = char["top"]
        if lines and (abs(top - line_top) <= LINE_TOLERANCE * char["size"] or _script(char, lines[-1], line_top, line_bottom)):
            lines[-1].append(char)
        else:
            lines.append([char])
            line_top, line_bottom = top, char["bottom"]
    return [sorted(line, key=_X0) for line in lines]


def _script(char: Char, line: Sequence[Char], line_top: float, line_bottom: float) -> bool:
    """Whether a character is a sub- or superscript of `line` (from line_top to line_bottom: CO₂, m²), where its own
    top is too far from the line's for its size: clearly smaller than the line's characters, mostly within their
    height, and in a slot of its own right beside one of them (a second line of small text beside a tall character
    lies under the first one's characters, not beside them)."""
    height = char["bottom"] - char["top"]
    inside = min(char["bottom"], line_bottom) - max(char["top"], line_top)
    if height > SCRIPT_SIZE * (line_bottom - line_top) or inside < SCRIPT_INSIDE * height:
        return False
    x0, x1, near = char["x0"], char["x1"], SPACE_GAP * char["size"]
    beside = False
    for other in line:
        if min(x1, other["x1"]) - max(x0, other["x0"]) > near:  # under or over one of them: a line of its own
            return False
        beside = beside or abs(x0 - other["x1"]) <= near or abs(other["x0"] - x1) <= near
    return beside


_X0, _TOP, _X1, _BOTTOM = (itemgetter(key) for key in ("x0", "top", "x1", "bottom"))


def group_lines(chars: Iterable[Char], page: int) -> list[Line]:
    """Given characters, return them as Lines, top to bottom, each left to right."""
    return [_line(line, page) for line in cluster_lines(chars)]


def _line(chars: Sequence[Char], page: int) -> Line:
    """Given one line's characters in x order, return its Line with gaps read as spaces, unless the line is evenly
    spread (its gaps are then the layout's, and a space typed in it is a character of its own), and each character
    drawn twice in place (faked bold, a shadow) once."""
    box = (chars[0]["x0"], min(map(_TOP, chars)), max(map(_X1, chars)), max(map(_BOTTOM, chars)))  # in x order
    chars = _once(chars)
    before = chars[0]
    parts = [before["text"]]
    tight = len(chars) < 2 or chars[1]["x0"] - chars[0]["x1"] <= SPACE_GAP * chars[1]["size"]  # the usual line
    spaced = tight or not evenly_spread(chars)
    for char in chars[1:]:
        text = char["text"]
        if spaced and char["x0"] - before["x1"] > SPACE_GAP * char["size"] and not (before["text"] + text).isspace():
            parts.append(" ")
        parts.append(text)
        before = char
    return Line("".join(parts), page, box)


def _in_place(before: Char, char: Char) -> bool:
    """Whether `char` is `before` (the same text) drawn again where it stands."""
    return (char["x0"] - before["x0"] <= DOUBLE_STRIKE * (before["x1"] - before["x0"])
            and abs(char["top"] - before["top"]) <= DOUBLE_STRIKE * before["size"])


def _once(chars: Sequence[Char]) -> Sequence[Char]:
    """Given one line's characters in x order, return them with each character drawn twice in place (faked bold, a
    shadow) once; as given when none is (the usual line, without a copy)."""
    kept: list[Char] = []
    for char in chars:
        if not (kept and char["text"] == kept[-1]["text"] and _in_place(kept[-1], char)):
            kept.append(char)
    return kept if len(kept) < len(chars) else chars


def evenly_spread(chars: Sequence[Char]) -> bool:
    """Given one line's characters in x order, return whether distributed alignment (均等割り付け) spaced them out:
    every gap wider than a space and all of them equal (the cell's width shared out), or two characters
    SPREAD_PAIR font sizes apart. A name's typed space is then a character, with the same gaps around it. Only
    Japanese letters are spread so: digits, Latin letters and marks set one to a column (5 4 3 2 1) are not."""
    if len(chars) < 2 or not all(SPREADABLE.match(char["text"]) for char in chars):
        return False
    gaps = [char["x0"] - before["x1"] for before, char in zip(chars, chars[1:])]
    size = max(char["size"] for char in chars)
    if len(gaps) == 1:
        return gaps[0] > SPREAD_PAIR * size
    return min(gaps) > SPACE_GAP * size and max(gaps) - min(gaps) <= EVEN_GAPS * size


def split_cells(line_chars: Sequence[Char], page: int) -> list[Cell]:
    """Given one loose line's characters in x order, return cells split at wide gaps (borderless tables); a line
    evenly spread is one cell."""
    line_chars = _once(line_chars)
    spread: bool | None = None  # asked once, at the first wide gap
    groups: list[list[Char]] = [[line_chars[0]]]
    for before, char in zip(line_chars, line_chars[1:]):
        if char["x0"] - before["x1"] > CELL_GAP * char["size"]:
            spread = evenly_spread(line_chars) if spread is None else spread
            if not spread:
                groups.append([])
        groups[-1].append(char)
    cells = []
    for group in groups:
        line = _line(group, page)
        if line.text.strip():
            cells.append(Cell((line,), page, line.bbox))
    return cells


def _contains(box: BBox, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _within(char: Char, box: BBox) -> bool:
    return box[0] <= char["x0"] and char["x1"] <= box[2] and box[1] <= char["top"] and char["bottom"] <= box[3]


def _area(box: BBox) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def assign_chars(cell_boxes: Sequence[BBox], chars: Sequence[Char]) -> tuple[list[list[Char]], list[Char]]:
    """Given cell boxes and characters, return each cell's characters and those in no cell, in the given order.

    A character belongs to the smallest cell that contains its centre — a table nested in a
    cell (Word's 現状 | … sub-table inside 目標の達成水準) keeps its own text — then the highest
    (by top; the first given among equals). Cells are taken in that order, each claiming the unclaimed
    characters whose centre lies in its band of the page (found by bisection), so a page
    costs about characters × columns tests rather than characters × cells.
    """
    xs = [(char["x0"] + char["x1"]) / 2 for char in chars]
    centre_ys = [(char["top"] + char["bottom"]) / 2 for char in chars]
    by_y = sorted(range(len(chars)), key=centre_ys.__getitem__)
    ys = [centre_ys[i] for i in by_y]
    owner = [-1] * len(chars)
    for cell in sorted(range(len(cell_boxes)), key=lambda i: (_area(cell_boxes[i]), cell_boxes[i][1])):
        x0, top, x1, bottom = cell_boxes[cell]
        for i in by_y[bisect_left(ys, top) : bisect_right(ys, bottom)]:
            if owner[i] < 0 and x0 <= xs[i] <= x1:
                owner[i] = cell
    inside: list[list[Char]] = [[] for _ in cell_boxes]
    outside = []
    for char, cell in zip(chars, owner):
        (inside[cell] if cell >= 0 else outside).append(char)
    return inside, outside


def table_rows(table: Any, cells: dict[BBox, Cell], page: int, table_id: int, first: bool) -> list[Row]:
    """Given a table (cells.Table, or pdfplumber's for OCR) and its filled cells, return its rows with merged spans filled.

    A table leaves a slot covered by a merged cell as None; the slot is given the
    Cell whose box covers its centre, so a merged cell appears (as the same object)
    in every row it spans.
    """
    columns = [(min(c[0] for c in col), min(c[2] for c in col)) for col in _columns(table)]
    rows = []
    for row in table.rows:
        top, bottom = row.bbox[1], row.bbox[3]
        slots: list[Cell] = []
        for i, box in enumerate(row.cells):
            if box is None and i < len(columns):
                x, y = (columns[i][0] + columns[i][1]) / 2, (top + bottom) / 2
                box = next((b for b in cells if _contains(b, x, y)), None)
            cell = cells.get(box) if box is not None else None
            if cell is not None and (not slots or slots[-1] is not cell):
                slots.append(cell)
        rows.append(Row(tuple(slots), page, table_id, first))
    return rows


def _columns(table: Any) -> list[list[BBox]]:
    """Given a table, return the cell boxes of each column (grouped by left edge)."""
    return [[c for c in col.cells if c is not None] for col in table.columns]


def rules_between_rows(edges: list[Edge], chars: Sequence[Char]) -> list[Edge]:
    """Given a page's edges and characters, return the vertical edges a table ruled between rows only lacks.

    Word's and Excel's lighter table styles draw horizontal rules and no vertical ones, so
    the table finder sees no cells. Long rules of the same extent, three or more, are taken
    as such a table. A band between two of them gets edges at the rules' ends where it has
    none and, where no vertical edge crosses it at all, in the gaps that stay empty of
    characters through the whole band (the cell padding between columns). A band between
    two ruled tables is left alone.
    """
    vertical = [e for e in edges if e["orientation"] == "v"]
    groups: dict[tuple[int, int], set[float]] = {}
    for edge in edges:
        if edge["orientation"] == "h" and edge["x1"] - edge["x0"] >= LONG_RULE:
            key = (round(edge["x0"] / RULE_SNAP), round(edge["x1"] / RULE_SNAP))
            groups.setdefault(key, set()).add(round(edge["top"], 1))
    added: list[Edge] = []
    for (left, right), tops in groups.items():
        x0, x1 = left * RULE_SNAP, right * RULE_SNAP
        ys = sorted(tops)
        if len(ys) < MIN_RULES:
            continue
        near = [v for v in vertical if x0 - RULE_SNAP <= v["x0"] <= x1 + RULE_SNAP]
        reaching = _reaching(near)
        for top, bottom in zip(ys, ys[1:]):
            added += _band_edges(x0, x1, top, bottom, reaching(top, bottom), chars)
    return added


def _reaching(vertical: list[Edge]) -> Callable[[float, float], list[Edge]]:
    """Given vertical edges, return the lookup of those that reach a band (top, bottom), RULE_SNAP around it
    included, in the given order (so that sums over them are the same): found by bisection of their tops,
    as a table of many rows has many short vertical edges."""
    order = sorted(range(len(vertical)), key=lambda i: vertical[i]["top"])
    tops = [vertical[i]["top"] for i in order]
    longest = max((v["bottom"] - v["top"] for v in vertical), default=0.0)

    def reaching(top: float, bottom: float) -> list[Edge]:
        found = order[bisect_left(tops, top - longest - RULE_SNAP) : bisect_right(tops, bottom + RULE_SNAP)]
        return [vertical[i] for i in sorted(found)]

    return reaching


def _band_edges(x0: float, x1: float, top: float, bottom: float, near: list[Edge], chars: Sequence[Char]) -> list[Edge]:
    """Given one band between two rules and the vertical edges within its width that reach it, return the
    vertical edges it needs (none if it has its own)."""
    cover: dict[int, float] = {}  # how much of the band the vertical segments at each x cover
    for v in near:
        key = round(v["x0"] / RULE_SNAP)
        cover[key] = cover.get(key, 0.0) + max(0.0, min(v["bottom"], bottom) - max(v["top"], top))
    crossing = [key * RULE_SNAP for key, length in cover.items() if length >= BAND_COVER * (bottom - top)]
    xs = [x for x in (x0, x1) if all(abs(x - s) > RULE_SNAP for s in crossing)]
    if not xs:  # a ruled band (the usual grid): nothing to add, and no need to look at its characters
        return []
    from_above = any(abs(v["bottom"] - top) <= RULE_SNAP and v["top"] < top - RULE_SNAP for v in near)
    from_below = any(abs(v["top"] - bottom) <= RULE_SNAP and v["bottom"] > bottom + RULE_SNAP for v in near)
    inside = [c for c in chars if top < (c["top"] + c["bottom"]) / 2 < bottom and x0 < (c["x0"] + c["x1"]) / 2 < x1]
    if not inside or (not crossing and from_above and from_below):
        return []
    if not crossing:  # drawn columns, even only a box, are the author's; only a rules-only band is split by gaps
        xs += _empty_gaps(inside, x0, x1)
    return [
        {"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0, "height": bottom - top,
         "orientation": "v", "object_type": "line"}
        for x in xs
    ]


def _empty_gaps(chars: Sequence[Char], x0: float, x1: float) -> list[float]:
    """Given a band's characters, return the middle of each gap between them, through the whole band,
    wider than COLUMN_GAP font sizes (cell padding, not a space within a line)."""
    size = sorted(c["size"] for c in chars)[len(chars) // 2]
    gaps, reach = [], x0
    for start, end in sorted((c["x0"], c["x1"]) for c in chars):
        if start - reach >= COLUMN_GAP * size and reach > x0:
            gaps.append((reach + start) / 2)
        reach = max(reach, end)
    return gaps


def rules_at_cut_ends(edges: list[Edge]) -> list[Edge]:
    """Given a page's edges, return the horizontal rules that close a table cut by a page break.

    A row that runs on to the next page has its vertical rules end (or start) at the
    page's break with no rule across them; without one the table finder forms no cells
    there and the cut row's text is lost. Three or more vertical rules ending at the same
    height with no horizontal rule across them get one.
    """
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    added: list[Edge] = []
    for end in ("top", "bottom"):
        ends: dict[int, list[float]] = {}
        for v in vertical:
            ends.setdefault(round(v[end] / RULE_SNAP), []).append(v["x0"])
        for key, xs in ends.items():
            if len(xs) < MIN_RULES:
                continue
            y, x0, x1 = key * RULE_SNAP, min(xs), max(xs)
            covered = _covered(
                [(max(h["x0"], x0), min(h["x1"], x1)) for h in horizontal if abs(h["top"] - y) <= RULE_SNAP]
            )
            if covered < (x1 - x0) - RULE_SNAP:
                added.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0,
                              "orientation": "h", "object_type": "line"})
    return added


def _covered(spans: list[tuple[float, float]]) -> float:
    """Given spans along a line, return the length their union covers (a rule drawn twice counts once)."""
    covered, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return covered


def stamp_size(chars: Sequence[Char]) -> float | None:
    """Given a page's characters, return the size above which one is a stamp laid over the page (取扱注意 or 案 in
    40 pt across the goals) rather than text of the cell it covers: STAMP_SIZE times their median size; None when
    none is that large."""
    sizes = [char["size"] for char in chars]
    if not sizes or max(sizes) <= STAMP_SIZE * min(sizes):  # the usual page, at once
        return None
    limit = STAMP_SIZE * sorted(sizes)[len(sizes) // 2]
    return limit if max(sizes) > limit else None


def turned_lines(chars: Sequence[Char], page: int) -> list[Line]:
    """Given characters turned a quarter (a narrow column's header, 達成状況 set sideways), return them as Lines in
    reading order: a line a run of them down one column, read bottom to top for text turned left (columns left to
    right), else top to bottom (columns right to left); a gap of more than a character's size ends a run."""
    if not chars:  # most cells
        return []
    lines: list[Line] = []
    for upward in (True, False):
        columns: list[list[Char]] = []
        for char in sorted((c for c in chars if c.get("upward", False) == upward), key=_X0):
            if columns and char["x0"] - columns[-1][0]["x0"] <= LINE_TOLERANCE * char["size"]:
                columns[-1].append(char)
            else:
                columns.append([char])
        runs = [run for column in (columns if upward else columns[::-1]) for run in _runs(column, upward)]
        lines += [
            Line("".join(char["text"] for char in run), page,
                 (min(map(_X0, run)), min(map(_TOP, run)), max(map(_X1, run)), max(map(_BOTTOM, run))))
            for run in runs
        ]
    return lines


def _runs(column: list[Char], upward: bool) -> list[list[Char]]:
    """Given one column of turned characters, return its runs in reading order, each in reading order."""
    runs: list[list[Char]] = []
    for char in sorted(column, key=_TOP, reverse=upward):
        before = runs[-1][-1] if runs else None
        if before is not None and max(char["top"] - before["bottom"], before["top"] - char["bottom"]) <= char["size"]:
            runs[-1].append(char)
        else:
            runs.append([char])
    return runs


def layout_rows(chars: Iterable[Char], edges: list[Edge], page_no: int, first_table_id: int) -> list[Row]:
    """Given a page's characters and edges, return its tables' rows and its loose lines, top to bottom; characters
    turned a quarter are read along their turn, after a cell's upright lines."""
    chars = list(chars)
    upright = in_reading_order(c for c in chars if c["upright"])  # once: each cell's share keeps the order
    turned = [c for c in chars if not c["upright"]] if len(upright) < len(chars) else []
    tables = find_tables(edges + rules_between_rows(edges, upright) + rules_at_cut_ends(edges))
    boxes = [box for table in tables for box in table.cells]
    inside, outside = assign_chars(boxes, upright)
    if boxes and (limit := stamp_size(upright)) is not None:  # a stamp laid over the table: loose text, not the cells' it covers
        def stamp(char: Char, box: BBox) -> bool:
            return char["size"] > limit and not _within(char, box)

        outside = in_reading_order([*outside, *(c for own, box in zip(inside, boxes) for c in own if stamp(c, box))])
        inside = [[c for c in own if not stamp(c, box)] for own, box in zip(inside, boxes)]
    turned_inside, turned_outside = assign_chars(boxes, turned) if turned else ([[] for _ in boxes], [])
    cells = {
        box: Cell((*(_line(line, page_no) for line in _clustered(own)), *turned_lines(sideways, page_no)), page_no, box)
        for box, own, sideways in zip(boxes, inside, turned_inside)
    }
    loose = [split_cells(line_chars, page_no) for line_chars in _clustered(outside)]
    loose += [[Cell((line,), page_no, line.bbox)] for line in turned_lines(turned_outside, page_no)]
    return reading_order(tables, cells, loose, page_no, first_table_id)


def reading_order(
    tables: list[Any], cells: dict[BBox, Cell], loose: Iterable[Sequence[Cell]], page_no: int, first_table_id: int
) -> list[Row]:
    """Given a page's tables with their cells and its loose lines' cells, return all its rows top to bottom
    (a table's rows stay together, placed by the table's top)."""
    placed: list[tuple[float, int, Row]] = []
    for n, table in enumerate(tables):
        for row in table_rows(table, cells, page_no, first_table_id + n, n == 0):
            placed.append((table.bbox[1], len(placed), row))
    for row_cells in loose:
        if row_cells:
            placed.append((row_cells[0].bbox[1], len(placed), Row(tuple(row_cells), page_no, None)))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in placed]
