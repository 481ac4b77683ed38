"""Read a PDF's text layer into a Document: table cells (merged spans filled) and loose lines.

The PDF is opened once and each page's characters and ruling lines are extracted
once; cell text is assembled from the characters directly, so a page costs one
character parse plus pdfplumber's table finder.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pdfplumber

from .document import BBox, Cell, Document, Line, Row

Char = dict[str, Any]

LINE_TOLERANCE = 0.5  # chars whose tops differ by less than this share of their size share a line
SPACE_GAP = 0.6  # a horizontal gap wider than this share of the font size reads as a space
CELL_GAP = 2.5  # outside tables, a gap wider than this many font sizes separates two cells
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def cluster_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Given characters, return them grouped into lines, top to bottom, each in x order."""
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= LINE_TOLERANCE * char["size"]:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def group_lines(chars: Iterable[Char], page: int) -> list[Line]:
    """Given characters, return them as Lines, top to bottom, each left to right."""
    return [_line(line, page) for line in cluster_lines(chars)]


def _line(chars: Sequence[Char], page: int) -> Line:
    """Given one line's characters in x order, return its Line with gaps read as spaces."""
    parts = [chars[0]["text"]]
    for before, char in zip(chars, chars[1:]):
        if char["x0"] - before["x1"] > SPACE_GAP * char["size"] and not (before["text"] + char["text"]).isspace():
            parts.append(" ")
        parts.append(char["text"])
    return Line("".join(parts), page, _union(_bbox(c) for c in chars))


def split_cells(line_chars: Sequence[Char], page: int) -> list[Cell]:
    """Given one loose line's characters in x order, return cells split at wide gaps (borderless tables)."""
    groups: list[list[Char]] = [[line_chars[0]]]
    for before, char in zip(line_chars, line_chars[1:]):
        if char["x0"] - before["x1"] > CELL_GAP * char["size"]:
            groups.append([])
        groups[-1].append(char)
    cells = []
    for group in groups:
        line = _line(group, page)
        if line.text.strip():
            cells.append(Cell((line,), page, line.bbox))
    return cells


def _bbox(obj: Char) -> BBox:
    return (obj["x0"], obj["top"], obj["x1"], obj["bottom"])


def _union(boxes: Iterable[BBox]) -> BBox:
    x0s, tops, x1s, bottoms = zip(*boxes)
    return (min(x0s), min(tops), max(x1s), max(bottoms))


def _contains(box: BBox, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _centre(char: Char) -> tuple[float, float]:
    return ((char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2)


def assign_chars(cell_boxes: Sequence[BBox], chars: Iterable[Char]) -> tuple[list[list[Char]], list[Char]]:
    """Given cell boxes and characters, return each cell's characters and those in no cell."""
    inside: list[list[Char]] = [[] for _ in cell_boxes]
    order = sorted(range(len(cell_boxes)), key=lambda i: cell_boxes[i][1])
    tops = [cell_boxes[i][1] for i in order]
    outside = []
    for char in chars:
        x, y = _centre(char)
        for i in order[: bisect_left(tops, y + 0.01)]:
            if _contains(cell_boxes[i], x, y):
                inside[i].append(char)
                break
        else:
            outside.append(char)
    return inside, outside


def table_rows(table: Any, cells: dict[BBox, Cell], page: int, table_id: int, first: bool) -> list[Row]:
    """Given a pdfplumber table and its filled cells, return its rows with merged spans filled.

    pdfplumber leaves a slot covered by a merged cell as None; the slot is given the
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
    """Given a pdfplumber table, return the cell boxes of each column (grouped by left edge)."""
    return [[c for c in col.cells if c is not None] for col in table.columns]


def page_rows(page: Any, page_no: int, first_table_id: int) -> list[Row]:
    """Given a pdfplumber page, return its tables' rows and its loose lines, top to bottom."""
    chars = [c for c in page.chars if c.get("upright", True)]
    tables = page.find_tables(TABLE_SETTINGS)
    boxes = [box for table in tables for box in table.cells]
    inside, outside = assign_chars(boxes, chars)
    cells = {
        box: Cell(tuple(group_lines(own, page_no)), page_no, box) for box, own in zip(boxes, inside)
    }
    placed: list[tuple[float, int, Row]] = []
    for n, table in enumerate(tables):
        for row in table_rows(table, cells, page_no, first_table_id + n, n == 0):
            placed.append((table.bbox[1], len(placed), row))
    for line_chars in cluster_lines(outside):
        row_cells = split_cells(line_chars, page_no)
        if row_cells:
            placed.append((row_cells[0].bbox[1], len(placed), Row(tuple(row_cells), page_no, None)))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in placed]


PageReader = Callable[[Any, int, int], list[Row]]  # (pdfplumber page, page number, first table id) → rows


def is_scanned(page: Any) -> bool:
    """Given a pdfplumber page, return whether it is an image without a text layer (a scan)."""
    return not page.chars and bool(page.images)


def read_pdf(pdf: pdfplumber.PDF, read_scanned: PageReader | None = None) -> Document:
    """Given an open pdfplumber PDF, return its Document (rows of every page in reading order).

    Scanned pages go to `read_scanned` (OCR) when one is given; the Document is marked
    `ocr` when any of its rows were read that way.
    """
    rows: list[Row] = []
    table_id = 0
    ocr = False
    for page in pdf.pages:
        if read_scanned is not None and is_scanned(page):
            page_table_rows = read_scanned(page, page.page_number, table_id)
            ocr = ocr or bool(page_table_rows)
        else:
            page_table_rows = page_rows(page, page.page_number, table_id)
        rows.extend(page_table_rows)
        table_id = max([r.table for r in rows if r.table is not None], default=table_id - 1) + 1
        page.close()
    return Document(rows, len(pdf.pages), ocr=ocr)
