"""The reader-neutral layout a manifesto is read into: rows of cells of lines.

Both readers (PDF and text/HTML capture) produce this, so one block finder serves
both. Every line keeps its page and bounding box, which is how each value of a
record stays traceable to where it was printed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import ReadWarning

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points (text readers: column index)


def union(boxes: Iterable[BBox]) -> BBox:
    """Given boxes, return the smallest box holding them all."""
    x0s, tops, x1s, bottoms = zip(*boxes)
    return (min(x0s), min(tops), max(x1s), max(bottoms))


@dataclass(frozen=True)
class Line:
    """One printed line of text, as read (not yet normalized)."""

    text: str
    page: int
    bbox: BBox
    confidence: float | None = None  # OCR word confidence (0–100), None for a text layer


@dataclass(eq=False)
class Cell:
    """A table cell or a free-standing line group.

    Compared by identity: a merged cell that spans several rows is the same Cell
    object in each of them, which is how the block finder knows it was shared.
    """

    lines: tuple[Line, ...]
    page: int
    bbox: BBox
    _joined: tuple[tuple[Line, ...], str] | None = field(default=None, init=False, repr=False)  # text, of these lines

    @property
    def text(self) -> str:
        """The lines' texts joined by newlines (kept: the block finder asks for it many times, and OCR repair
        may give the cell new lines)."""
        if self._joined is None or self._joined[0] is not self.lines:
            self._joined = (self.lines, "\n".join(line.text for line in self.lines))
        return self._joined[1]

    @property
    def is_empty(self) -> bool:
        return not any(line.text.strip() for line in self.lines)


@dataclass(frozen=True)
class Row:
    """Cells side by side, left to right; `table` numbers the table (None for text outside tables)."""

    cells: tuple[Cell, ...]
    page: int
    table: int | None
    first_on_page: bool = False  # the table is the first one on its page (a page break may continue it)


def next_table_id(page_rows: Iterable[Row], first: int) -> int:
    """Given one page's rows, whose tables were numbered from `first`, return the next page's first number."""
    return max((row.table for row in page_rows if row.table is not None), default=first - 1) + 1


@dataclass
class Document:
    """A whole file's rows in reading order."""

    rows: list[Row]
    pages: int
    ocr: bool = False  # some pages were read by OCR
    warnings: list[ReadWarning] = field(default_factory=list)  # what the reader could read only in part, for the record
    furniture: list[Line] = field(default_factory=list)  # text the reader knows is no part of the manifesto (a site's menu)
