"""Read a manifesto published as a web page — an HTML file or its tab-separated text capture — into a Document.

HTML tables keep their structure (rowspan/colspan cells become one shared Cell, like
a merged PDF cell); in a text capture each line is a row and each tab a cell
boundary, with the HTML tags the capture left behind turned back into line breaks.
A web page has no pages, so everything is page 1; a cell's bbox is its column span.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

import regex

from .document import Cell, Document, Line, Row

BLOCKS = {"p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}  # tags that break a line
BLOCK_TAG = regex.compile(rf"</?(?:{'|'.join(sorted(BLOCKS))})\b[^>]*>", regex.IGNORECASE)
LIST_ITEM = regex.compile(r"<li\b[^>]*>\s*(?![・•●◆■])", regex.IGNORECASE)
ANY_TAG = regex.compile(r"<[^>]+>")
INLINE_BULLET = regex.compile(r"\s+(?=[・•●◆■])")  # a capture flattens a list to "・a ・b"
HIDDEN = {"head", "script", "style", "title"}
HTML_HINT = regex.compile(r"<(?:table|tr|td|th)\b", regex.IGNORECASE)
PAGE = 1


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
    """Given a tab-separated text capture, return its Document: a blank line ends a table."""
    rows: list[Row] = []
    table = 0
    for number, raw in enumerate(text.splitlines()):
        if "\t" not in raw and not raw.strip():
            table += 1
            continue
        parts = raw.split("\t")
        cells = tuple(_cell(cell_lines(part), column, 1, number) for column, part in enumerate(parts))
        rows.append(Row(cells, PAGE, table if len(parts) > 1 else None))
    return Document(rows, 1)


class _TableParser(HTMLParser):
    """Collects the rows of every <table> (spans filled) and the text blocks outside tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[Row] = []
        self.table = -1
        self.depth = 0
        self.grid: dict[tuple[int, int], Cell] = {}  # (row, column) → cell, spans filled
        self.row = -1
        self.markup: list[str] | None = None  # the open cell's inner markup
        self.span = (1, 1)
        self.outside: list[str] = []
        self.hidden = 0  # inside <head>/<script>/<style>, whose text is not the page's

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "table":
            self._flush_outside()
            self.depth += 1
            if self.depth == 1:
                self.table, self.grid, self.row = self.table + 1, {}, -1
        elif self.depth == 1 and tag == "tr":
            self.row += 1
        elif self.depth == 1 and tag in ("td", "th"):
            values = dict(attrs)
            self.span = (_int(values.get("rowspan")), _int(values.get("colspan")))
            self.markup = []
        elif self.markup is not None:
            self.markup.append(self.get_starttag_text() or "")
        elif not self.depth and tag in BLOCKS:
            self._flush_outside()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "table" and self.depth:
            self.depth -= 1
            if not self.depth:
                self._emit_table()
        elif self.depth == 1 and tag in ("td", "th") and self.markup is not None:
            self._close_cell()
        elif self.markup is not None:
            self.markup.append(f"</{tag}>")
        elif not self.depth and tag in BLOCKS:
            self._flush_outside()

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.markup is not None:
            self.markup.append(html.escape(data))
        elif not self.depth:
            self.outside.append(data)

    def _close_cell(self) -> None:
        """Place the finished cell in the first free slot of its row and in every slot it spans."""
        row = max(self.row, 0)
        rowspan, colspan = self.span
        column = next(c for c in range(len(self.grid) + 1) if (row, c) not in self.grid)
        cell = _cell(cell_lines("".join(self.markup or [])), column, colspan, len(self.rows) + row)
        for r in range(row, row + rowspan):
            for c in range(column, column + colspan):
                self.grid[(r, c)] = cell
        self.markup = None

    def _emit_table(self) -> None:
        for r in sorted({r for r, _ in self.grid}):
            cells: list[Cell] = []
            for c in sorted(c for rr, c in self.grid if rr == r):
                cell = self.grid[(r, c)]
                if not cells or cells[-1] is not cell:
                    cells.append(cell)
            self.rows.append(Row(tuple(cells), PAGE, self.table))

    def _flush_outside(self) -> None:
        text = " ".join("".join(self.outside).split())
        self.outside = []
        if text:
            line = Line(text, PAGE, (0.0, 0.0, 1.0, 1.0))
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
    return Document(parser.rows, 1)


def read_web(data: bytes) -> Document:
    """Given a web page's bytes (HTML, or a tab-separated capture of one), return its Document."""
    text = decode(data)
    return read_html(text) if HTML_HINT.search(text) else read_capture(text)
