"""Read a manifesto published as a web page — an HTML file or its tab-separated text capture — into a Document.

HTML tables keep their structure (rowspan/colspan cells become one shared Cell, like
a merged PDF cell); in a text capture each line is a row and each tab a cell
boundary, with the HTML tags the capture left behind turned back into line breaks.
A web page has no pages, so everything is page 1; a cell's bbox is its column span.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import regex

from .document import Cell, Document, Line, Row

BLOCKS = {"p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}  # tags that break a line
BLOCK_TAG = regex.compile(rf"</?(?:{'|'.join(sorted(BLOCKS))})\b[^>]*>", regex.IGNORECASE)
LIST_ITEM = regex.compile(r"<li\b[^>]*>\s*(?![・•●◆■])", regex.IGNORECASE)
ANY_TAG = regex.compile(r"<[^>]+>")
INLINE_BULLET = regex.compile(r"\s+(?=[・•●◆■])")  # a capture flattens a list to "・a ・b"
BULLET_START = regex.compile(r"[・•●◆■]")  # a list item that prints its own bullet
ITEM = "\x00"  # marks where a list item outside any table began, until its text is emitted
HIDDEN = {"head", "script", "style", "title", "template", "noscript"}
# A site's own parts around the page's content: read, but as furniture, never as the manifesto.
# <header>/<footer> are the site's only outside <main> and <article> (an article's own header holds its title).
FURNITURE_TAGS = {"nav", "aside"}
SITE_TAGS = {"header", "footer"}
CONTENT_TAGS = {"main", "article"}
FURNITURE_NAMES = regex.compile(r"crumb|pankuzu|topicpath|gnav|global-?nav|site-?menu|sidebar|side-?nav|skip-?link",
                                regex.IGNORECASE)
TERM_TAGS = {"dt", "dd"}  # a <dl>'s terms and descriptions read as a two-column table: 部局名 | 総務部
HTML_HINT = regex.compile(r"<(?:!doctype\s+html|html|body|table|tr|td|th)\b", regex.IGNORECASE)  # a page, not a capture
PAGE = 1
VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source"}  # elements with no end tag


def decode(data: bytes) -> str:
    """Given a web page's bytes, return its text (UTF-8, else Shift_JIS or EUC-JP as older Japanese sites use)."""
    for encoding in ("utf-8-sig", "cp932", "euc-jp"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def cell_lines(markup: str) -> list[str]:
    """Given a cell's markup, return its text lines: block tags and flattened bullets become line breaks,
    and a list item is a bullet (`・`) whether or not it prints one."""
    text = LIST_ITEM.sub("\n・", markup)
    text = BLOCK_TAG.sub("\n", text)
    text = html.unescape(ANY_TAG.sub("", text))
    text = INLINE_BULLET.sub("\n", text)
    return [line.strip() for line in text.split("\n") if line.strip()]


def _cell(lines: list[str], column: int, span: int, row: int) -> Cell:
    bbox = (float(column), float(row), float(column + span), float(row + 1))
    return Cell(tuple(Line(text, PAGE, bbox) for text in lines), PAGE, bbox)


def read_capture(text: str) -> Document:
    """Given a tab-separated text capture, return its Document: a blank line ends a table. A cell in
    double quotes may hold line breaks, as Excel puts a range with multi-line cells on the clipboard."""
    rows: list[Row] = []
    table = 0
    for number, parts in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"')):
        if not any(part.strip() for part in parts) and len(parts) <= 1:
            table += 1
            continue
        cells = tuple(_cell(cell_lines(part), column, 1, number) for column, part in enumerate(parts))
        rows.append(Row(cells, PAGE, table if len(parts) > 1 else None))
    return Document(rows, 1)


@dataclass(frozen=True)
class _Pending:
    """A cell read, not yet placed: its row in the table, its spans as written, its text lines."""

    row: int
    rowspan: int
    colspan: int
    lines: list[str]


@dataclass
class _Table:
    """A table being read: its cells in document order (placed when it closes), and the cell still open."""

    id: int
    cells: list[_Pending] = field(default_factory=list)
    row: int = -1
    markup: list[str] | None = None  # the open cell's inner markup
    span: tuple[int, int] = (1, 1)  # the open cell's rowspan, colspan


def place_cells(cells: list[_Pending]) -> dict[int, dict[int, int]]:
    """Given a table's cells in document order, return row → column → index of the cell covering that slot.

    Each cell takes the first free column of its row and every slot it spans, with the
    spans cut to the table's real size: a rowspan to the rows the table has, a colspan to
    as many columns as its widest row has cells. A hostile `rowspan=999999 colspan=1000`
    then costs no more than the table's own cells.
    """
    rows = max((cell.row for cell in cells), default=-1) + 1
    widest = max(Counter(cell.row for cell in cells).values(), default=0)
    grid: dict[int, dict[int, int]] = {}
    for index, cell in enumerate(cells):
        slots = grid.setdefault(cell.row, {})
        column = next(c for c in itertools.count() if c not in slots)
        for r in range(cell.row, min(cell.row + cell.rowspan, rows)):
            covered = grid.setdefault(r, {})
            for c in range(column, column + min(cell.colspan, widest)):
                covered.setdefault(c, index)
    return grid


class _TableParser(HTMLParser):
    """Collects the rows of every <table> (spans filled) and the text blocks outside tables.

    Tables nest (old city sites lay pages out in tables): each table's rows are its own,
    and an outer cell's text before a nested table is emitted as loose text in reading order.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[Row] = []
        self.open: list[_Table] = []  # the tables being read, innermost last
        self.tables = 0
        self.outside: list[str] = []
        self.hidden = 0  # inside <head>/<script>/<style>, whose text is not the page's
        self.furniture: list[Line] = []  # text of the site's header, menu, breadcrumb and footer
        self.around: list[list] = []  # the furniture elements open: [tag, how many of that tag are open]
        self.content = 0  # <main>/<article> elements open

    @property
    def cell(self) -> list[str] | None:
        """The markup of the innermost open cell, if one is open."""
        return self.open[-1].markup if self.open else None

    def _enter_furniture(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Count furniture elements (a <nav>, a <div class="breadcrumb">) and what nests inside them."""
        if self.around and self.around[-1][0] == tag:
            self.around[-1][1] += 1
            return
        names = " ".join(value or "" for key, value in attrs if key in ("class", "id", "role"))
        site = tag in SITE_TAGS and not self.content
        if tag in FURNITURE_TAGS or site or FURNITURE_NAMES.search(names):
            self._flush_outside()
            self.around.append([tag, 1])

    def _leave_furniture(self, tag: str) -> None:
        if self.around and self.around[-1][0] == tag:
            self.around[-1][1] -= 1
            if self.around[-1][1] == 0:
                self._flush_outside()
                self.around.pop()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.content += tag in CONTENT_TAGS
        if tag not in VOID:
            self._enter_furniture(tag, attrs)
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in ("table", "dl"):
            if self.cell is not None:
                self._loose(cell_lines("".join(self.cell)))
                self.open[-1].markup = []
            self._flush_outside()
            self.open.append(_Table(self.tables))
            self.tables += 1
        elif self.open and tag == "caption":
            self.open[-1].markup = []  # a table's caption (a legend's 業績目標の達成状況) reads as a line above it
        elif self.open and tag in TERM_TAGS:
            table = self.open[-1]
            if table.markup is not None:
                self._close_cell(table)
            table.row += tag == "dt"
            table.span, table.markup = (1, 1), []
        elif self.open and tag == "tr":
            self.open[-1].row += 1
        elif self.open and tag in ("td", "th"):
            values = dict(attrs)
            self.open[-1].span = (_int(values.get("rowspan")), _int(values.get("colspan")))
            self.open[-1].markup = []
        elif self.cell is not None:
            self.cell.append(self.get_starttag_text() or "")
        elif not self.open and tag in BLOCKS:
            self._flush_outside()
            if tag == "li":
                self.outside.append(ITEM)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._end(tag)
        self._leave_furniture(tag)
        self.content -= tag in CONTENT_TAGS and self.content > 0

    def _end(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("table", "dl") and self.open:
            table = self.open.pop()
            if table.markup is not None:
                self._close_cell(table)
            self._emit(table)
        elif tag == "caption" and self.cell is not None:
            self._loose(cell_lines("".join(self.cell)))
            self.open[-1].markup = None
        elif tag in ("td", "th", *TERM_TAGS) and self.cell is not None:
            self._close_cell(self.open[-1])
        elif self.cell is not None:
            self.cell.append(f"</{tag}>")
        elif not self.open and tag in BLOCKS:
            self._flush_outside()

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.cell is not None:
            self.cell.append(html.escape(data))
        elif not self.open:
            self.outside.append(data)

    def _close_cell(self, table: _Table) -> None:
        rowspan, colspan = table.span
        table.cells.append(_Pending(max(table.row, 0), rowspan, colspan, cell_lines("".join(table.markup or []))))
        table.markup = None

    def _emit(self, table: _Table) -> None:
        """Emit a closed table's rows: each cell one Cell object in every row it spans."""
        grid = place_cells(table.cells)
        first_row = len(self.rows)
        made: dict[int, Cell] = {}
        for r in sorted(grid):
            cells: list[Cell] = []
            for c in sorted(grid[r]):
                index = grid[r][c]
                if index not in made:
                    pending = table.cells[index]
                    span = sum(1 for i in grid[pending.row].values() if i == index)
                    made[index] = _cell(pending.lines, c, span, first_row + pending.row)
                if not cells or cells[-1] is not made[index]:
                    cells.append(made[index])
            if self.around:
                self.furniture.extend(line for cell in cells for line in cell.lines)
            else:
                self.rows.append(Row(tuple(cells), PAGE, table.id))

    def _flush_outside(self) -> None:
        """Emit the text gathered outside tables as one loose line; a list item is a bullet whether or not it prints one."""
        text = " ".join("".join(self.outside).split())
        self.outside = []
        if text.startswith(ITEM):
            text = text[1:].strip()
            text = text if not text or BULLET_START.match(text) else "・" + text
        self._loose([text] if text else [])

    def _loose(self, lines: list[str]) -> None:
        """Emit text outside any table's cells as loose rows, a line each."""
        for text in lines:
            line = Line(text, PAGE, (0.0, 0.0, 1.0, 1.0))
            if self.around:
                self.furniture.append(line)
            else:
                self.rows.append(Row((Cell((line,), PAGE, line.bbox),), PAGE, None))

    def close(self) -> None:
        super().close()
        self._flush_outside()


def _int(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def read_html(text: str) -> Document:
    """Given an HTML page, return its Document: each table's rows, and text blocks outside tables."""
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    return Document(parser.rows, 1, furniture=parser.furniture)


def read_web(data: bytes) -> Document:
    """Given a web page's bytes (HTML, or a tab-separated capture of one), return its Document."""
    text = decode(data)
    return read_html(text) if HTML_HINT.search(text) else read_capture(text)
