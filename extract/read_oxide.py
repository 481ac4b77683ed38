"""The fast reader (the default): read_pdf's Document from pdf_oxide, with pdfminer's characters and edges.

pdfminer interprets a page's content in Python; pdf_oxide (Rust) does it in one call per
page that returns every character with its box, and one that returns every painted path.
This module turns both into exactly what read_pdf.plumber_objects makes of the same page —
the same characters (text, box, size), the same ruling-line edges — so that
layout.layout_rows gives the same rows, and the records are the pdfplumber reader's
(tests/test_read_oxide.py checks every PDF under samples/ and tests/fixtures/).

Where pdf_oxide sees a page differently from pdfminer, the difference is fixed here:

- pdfminer's box runs from the font's descent below the baseline; pdf_oxide's from the
  baseline. The descent of each font (its FontDescriptor's /Descent, read with pikepdf,
  or the standard-14 metrics pdfminer ships) moves the box down as pdfminer does.
- WinAnsi code 240 is a space (PDF 1.7, D.2); pdf_oxide reports it as U+00A0.
- pdf_oxide makes a space of a TJ offset (a word space, justified text, 均等割り付け), named by
  the font's resource key; pdfminer does not, and the layout reads the gap as pdfplumber's
  characters show it: those spaces are dropped.
- A path is split into subpaths and each one classed as a line, a rectangle or a curve by
  pdfminer's rules (converter.paint_path), then turned into edges by pdfplumber's.

What it cannot make exact it leaves to pdfplumber: `read_oxide` returns None — and
open_pdf.py reads the file with pdfplumber, OCR and error kinds included — for a file that
is damaged (qpdf or pdf_oxide warn while reading it), encrypted with a password it does
not accept, scanned or with an empty page, rotated (/Rotate) or with a MediaBox not at the
origin, with vertical-writing or Type 3 fonts, CID fonts without a ToUnicode map (pdf_oxide's
own CID table reads 長 as the radical ⻑) or fonts naming their own glyphs without one
(pdfminer reads `(cid:NN)`, pdf_oxide other text), with turned text (whether pdfminer takes it as
upright hangs on rounding in its matrix), where pdf_oxide merged overlapping characters
(pdfminer keeps both), or with more than `max_pages` pages.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from operator import attrgetter
from typing import Any

import pdf_oxide
import pikepdf
import regex

from .document import Document, Row, next_table_id
from .layout import Char, Edge, layout_rows

OXIDE_LOGGER = "pdf_oxide"
MERGED = regex.compile(r"Deduplicated (\d+) overlapping characters")  # pdf_oxide's debug line per page
TEXT_LOGGER = "pdf_oxide.extractors.text"  # where that line is logged
NBSP = "\u00a0"  # pdf_oxide's reading of WinAnsi 240, which is a space (pdfminer's reading)
FONT_SCALE = 0.001  # glyph space units per text space unit (PDF 1.7, 9.2.4), as pdfminer scales /Descent
VERTICAL = regex.compile(r"-V$")  # a predefined vertical CMap (Identity-V, UniJIS-UCS2-V, …)
MAX_FORM_DEPTH = 8  # form XObjects searched this deep for fonts (a cycle stops here too)


class Unserved(Exception):
    """A file this reader cannot read exactly as pdfminer does; pdfplumber reads it."""


class _Listener(logging.Handler):
    """Collects what pdf_oxide logs while one file is read: any warning, and merged characters."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.trouble: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        merged = MERGED.search(message)
        if record.levelno >= logging.WARNING or (merged and merged.group(1) != "0"):
            self.trouble.append(message)


@contextmanager
def _listening() -> Iterator[_Listener]:
    """Attach a _Listener to pdf_oxide's loggers for the duration (its warnings stay off the user's stderr)."""
    root, text = logging.getLogger(OXIDE_LOGGER), logging.getLogger(TEXT_LOGGER)
    saved = (root.level, root.propagate, text.level)
    listener = _Listener()
    root.addHandler(listener)
    root.setLevel(logging.WARNING)
    root.propagate = False
    text.setLevel(logging.DEBUG)
    try:
        yield listener
    finally:
        root.removeHandler(listener)
        root.setLevel(saved[0])
        root.propagate = saved[1]
        text.setLevel(saved[2])


def read_oxide(data: bytes, password: str | None, max_pages: int, qpdf: pikepdf.Pdf | None = None) -> Document | None:
    """Given PDF bytes, return their Document read with pdf_oxide, or None when pdfplumber must read them.

    `qpdf`: the file as qpdf has it open already (open_pdf's stream check), else it is opened here.
    """
    try:
        with _listening() as listener:
            with nullcontext(qpdf) if qpdf is not None else pikepdf.open(io.BytesIO(data), password=password or "") as pdf:
                descents, heights = font_descents(pdf, max_pages)
            doc = pdf_oxide.PdfDocument.from_bytes(data, password or None)
            rows: list[Row] = []
            table_id = 0
            for index, height in enumerate(heights):
                chars = page_chars(doc.extract_chars(index), height, descents)
                if not chars:
                    raise Unserved("a page without text (a scan or an empty page)")
                page_rows = layout_rows(chars, page_edges(doc.extract_paths(index), height), index + 1, table_id)
                rows.extend(page_rows)
                table_id = next_table_id(page_rows, table_id)
            if listener.trouble:
                raise Unserved(listener.trouble[0])
        return Document(rows, len(heights))
    except (Unserved, pikepdf.PdfError, pikepdf.PasswordError, OSError, RuntimeError, ValueError, KeyError,
            TypeError, AttributeError, RecursionError):
        return None  # pdf_oxide raises OSError for what it cannot parse; a malformed font dictionary the others


def font_descents(pdf: pikepdf.Pdf, max_pages: int) -> tuple[dict[str, float], list[float]]:
    """Given a PDF opened by qpdf, return each font's descent by the name pdf_oxide gives it, and each page's height.

    Raises Unserved for what this reader leaves to pdfplumber (see the module's docstring).
    """
    if len(pdf.pages) > max_pages:
        raise Unserved("too many pages")
    descents: dict[str, float] = {}
    heights = []
    for page in pdf.pages:
        x0, y0, _, y1 = (float(v) for v in page.mediabox)
        if page.rotation % 360 or x0 or y0:
            raise Unserved("a rotated page or a MediaBox off the origin")
        heights.append(y1)
        for font in _fonts(page.obj.get("/Resources"), MAX_FORM_DEPTH):
            name, descent = _descent(font)
            if descents.setdefault(name, descent) != descent:
                raise Unserved(f"two fonts named {name} with different descents")
    warnings = pdf.get_warnings()
    if warnings:
        raise Unserved(f"qpdf: {warnings[0]}")
    return descents, heights


def _fonts(resources: Any, depth: int) -> Iterator[Any]:
    """The font dictionaries of a resource dictionary and of the form XObjects it names, `depth` forms deep."""
    if not isinstance(resources, pikepdf.Dictionary) or depth < 0:
        return
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        yield from fonts.values()
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for xobject in xobjects.values():
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                yield from _fonts(xobject.get("/Resources"), depth - 1)


def _descent(font: Any) -> tuple[str, float]:
    """Given a font dictionary, return the name pdf_oxide reports for it and pdfminer's descent (text space units)."""
    subtype = str(font.get("/Subtype", ""))
    if subtype == "/Type3":
        raise Unserved("a Type 3 font")
    name = str(font.get("/BaseFont", ""))[1:] or "Unknown"  # pdf_oxide's name for a font without one
    described = font
    encoding = font.get("/Encoding")
    if isinstance(encoding, pikepdf.Dictionary) and "/Differences" in encoding and "/ToUnicode" not in font:
        raise Unserved("glyph names of its own and no ToUnicode map")  # pdfminer: (cid:NN); pdf_oxide: other text
    if subtype == "/Type0":
        vertical = encoding.get("/WMode", 0) == 1 if isinstance(encoding, pikepdf.Stream) else (
            VERTICAL.search(str(encoding)) is not None)
        if vertical:
            raise Unserved("a vertical-writing font")
        if "/ToUnicode" not in font:  # pdf_oxide's CID→Unicode table differs (長 read as the radical ⻑)
            raise Unserved("a CID font without a ToUnicode map")
        described = font.DescendantFonts[0]
    descriptor = described.get("/FontDescriptor")
    if isinstance(descriptor, pikepdf.Dictionary):
        descent = float(descriptor.get("/Descent", 0))
    else:
        descent = _standard_descent(str(described.get("/BaseFont", ""))[1:])
    return name, -abs(descent) * FONT_SCALE  # pdfminer forces a positive /Descent negative


def _standard_descent(name: str) -> float:
    """The descent pdfminer uses for a font without a descriptor: its standard-14 metrics, else 0."""
    from pdfminer.fontmetrics import FONT_METRICS  # a large table, needed only for such fonts

    metrics = FONT_METRICS.get(name)
    return float(metrics[0].get("Descent", 0)) if metrics else 0.0


_CHAR_FIELDS = attrgetter("bbox", "rotation_degrees", "char")  # what page_chars reads of each, in one call


def page_chars(found: Sequence[Any], height: float, descents: dict[str, float]) -> list[Char]:
    """Given pdf_oxide's characters of a page, return them as layout's Chars, boxes as pdfminer draws them.

    Characters whose centre lies outside the page are left out, as plumber_objects does, and so are
    the spaces pdf_oxide makes of a TJ offset (word spacing, justified and 均等割り付け text), which no font
    of the page draws: pdfminer makes none, and the layout reads the gap.
    """
    shifted = {name: descent for name, descent in descents.items() if descent}  # most fonts have none
    chars: list[Char] = []
    for char, ((x, y, width, size), turned, text) in zip(found, map(_CHAR_FIELDS, found)):
        if text == " " and char.font_name not in descents:  # named by the font's resource key, not its /BaseFont
            continue
        bottom = height - y - (shifted.get(char.font_name, 0.0) * size if shifted else 0.0)
        top = bottom - size
        if not 0 <= (top + bottom) / 2 <= height:
            continue
        if turned:
            raise Unserved("turned text")  # whether pdfminer takes it as upright hangs on rounding in its matrix
        chars.append({
            "text": " " if text == NBSP else text, "x0": x, "x1": x + width, "top": top, "bottom": bottom,
            "size": size, "upright": True,
        })
    return chars


def page_edges(paths: Sequence[dict], height: float) -> list[Edge]:
    """Given pdf_oxide's painted paths of a page, return the edges pdfplumber makes of them, in its order.

    Each path is cut into subpaths at every move; a subpath of one segment is a line, of four
    axis-aligned segments closing on themselves a rectangle (four edges), anything else a
    curve (an edge per segment), as pdfminer classes them. pdfplumber lists lines' edges,
    then rectangles', then curves'.
    """
    lines: list[Edge] = []
    rects: list[Edge] = []
    curves: list[Edge] = []
    for path in paths:
        for shape, points in _subpaths(path["operations"], height):
            if shape in ("ml", "mlh"):
                lines.append(_line_edge(points[0], points[1]))
            elif shape in ("mlllh", "mllll") and _is_rectangle(points):
                rects += _rect_edges(points[0], points[2])
            else:
                curves += [_segment_edge(p, q) for p, q in zip(points, points[1:])]
    return lines + rects + curves


Point = tuple[float, float]


def _subpaths(operations: Sequence[dict], height: float) -> Iterator[tuple[str, list[Point]]]:
    """Given a path's operations, yield each subpath's shape (pdfminer's letters m, l, c, h) and end points,
    in page coordinates from the top (a rectangle is m l l l h, as pdfminer expands `re`)."""
    shape, points = "", []
    for op in operations:
        kind = op["op"]
        if kind == "rectangle":
            if shape:
                yield _tidy(shape, points)
            x, y, w, h = op["x"], op["y"], op["width"], op["height"]
            yield "mlllh", [(x, height - y), (x + w, height - y), (x + w, height - y - h), (x, height - y - h),
                            (x, height - y)]
            shape, points = "", []
        elif kind == "move_to":
            if shape:
                yield _tidy(shape, points)
            shape, points = "m", [(op["x"], height - op["y"])]
        elif kind in ("line_to", "curve_to") and shape:
            shape += "l" if kind == "line_to" else "c"
            points.append((op["x"], height - op["y"]))
        elif kind == "close_path" and shape:
            shape += "h"
            points.append(points[0])
    if shape:
        yield _tidy(shape, points)


def _tidy(shape: str, points: list[Point]) -> tuple[str, list[Point]]:
    """Drop a redundant last segment back to the start before a close, as pdfminer does."""
    if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
        return shape[:-2] + "h", points[:-1]
    return shape, points


def _is_rectangle(points: Sequence[Point]) -> bool:
    """Four axis-aligned segments that close on their start: pdfminer's LTRect."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points
    closed = points[0] == last
    return closed and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0))


def _line_edge(start: Point, end: Point) -> Edge:
    """pdfplumber's edge of a line: horizontal when level, else (even slanted) vertical."""
    edge = _box(start, end)
    edge["orientation"] = "h" if edge["top"] == edge["bottom"] else "v"
    edge["object_type"] = "line"
    return edge


def _rect_edges(corner: Point, opposite: Point) -> list[Edge]:
    """pdfplumber's four edges of a rectangle: top, bottom, left, right."""
    x0, x1 = min(corner[0], opposite[0]), max(corner[0], opposite[0])
    top, bottom = min(corner[1], opposite[1]), max(corner[1], opposite[1])
    return [
        _edge(x0, top, x1, top, "h"), _edge(x0, bottom, x1, bottom, "h"),
        _edge(x0, top, x0, bottom, "v"), _edge(x1, top, x1, bottom, "v"),
    ]


def _segment_edge(start: Point, end: Point) -> Edge:
    """pdfplumber's edge of one segment of a curve: vertical, horizontal, or neither (None)."""
    edge = _box(start, end)
    edge["orientation"] = "v" if start[0] == end[0] else ("h" if start[1] == end[1] else None)
    edge["object_type"] = "curve_edge"
    return edge


def _box(start: Point, end: Point) -> Edge:
    return _edge(min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), max(start[1], end[1]), None)


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str | None) -> Edge:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation, "object_type": "rect_edge"}
