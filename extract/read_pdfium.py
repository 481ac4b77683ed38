"""The optional pdfium reader (`--reader pdfium`): read_pdf's Document from pypdfium2, parsed 2.4× faster.

pdfminer interprets a page's content in Python; pdfium does it in C. Characters come
from pdfium's text page (text, baseline origin, advance, font size, matrix), ruling
lines from its path objects, and layout.layout_rows turns both into rows exactly as
for pdfplumber. It is not the default because pdfium does not see the same characters
as pdfminer: it drops some spaces (a leading space, an ideographic space after text)
and measures a box from the baseline rather than the font's descent, so a few records
differ from the golden ones (docs/benchmark.md lists them). Pages it cannot serve — a
scan, a searchable scan (only invisible text over an image), a page without text, a
rotated page — make it return None, and the caller reads
the file with pdfplumber (which also gives the error kinds).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pypdfium2
import pypdfium2.raw as pdfium

from .document import Document, Row, next_table_id
from .layout import Char, Edge, layout_rows

Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]
HIGH_SURROGATES = range(0xD800, 0xDC00)


def read_pdfium(data: bytes, password: str | None, max_pages: int) -> Document | None:
    """Given PDF bytes, return their Document read with pdfium, or None when pdfplumber must read them.

    None for a file of more than `max_pages` pages or with a page that has no characters
    (a scan, an empty page) or is rotated: pdfplumber's reader then reads it, OCR and
    errors included.
    Raises pypdfium2.PdfiumError for a file pdfium cannot open.
    """
    pdf = pypdfium2.PdfDocument(data, password=password)
    try:
        if len(pdf) > max_pages:
            return None
        rows: list[Row] = []
        table_id = 0
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                chars = [] if page.get_rotation() or only_invisible_text(page) else page_chars(page)  # pdfium's coordinates ignore /Rotate
                if not chars:
                    return None
                page_rows = layout_rows(chars, page_edges(page), index + 1, table_id)
            finally:
                page.close()
            rows.extend(page_rows)
            table_id = next_table_id(page_rows, table_id)
        return Document(rows, len(pdf))
    finally:
        pdf.close()


def only_invisible_text(page: pypdfium2.PdfPage) -> bool:
    """Given a pdfium page, return whether it is a searchable scan: an image under text all of it invisible."""
    kinds = {}
    for obj in page.get_objects(filter=(pdfium.FPDF_PAGEOBJ_IMAGE, pdfium.FPDF_PAGEOBJ_TEXT)):
        mode = pdfium.FPDFTextObj_GetTextRenderMode(obj.raw) if obj.type == pdfium.FPDF_PAGEOBJ_TEXT else None
        kinds[obj.type] = kinds.get(obj.type, set()) | {mode}
    return pdfium.FPDF_PAGEOBJ_IMAGE in kinds and kinds.get(pdfium.FPDF_PAGEOBJ_TEXT) == {pdfium.FPDF_TEXTRENDERMODE_INVISIBLE}


def page_chars(page: pypdfium2.PdfPage) -> list[Char]:
    """Given a pdfium page, return its characters as layout's Chars (pdfium's generated spaces and breaks left out).

    A box runs from the character's baseline origin to the next character's origin in
    the same text object (its advance, as pdfminer measures it) — pdfium's own boxes
    hug the ink, so a narrow glyph would read as followed by a space — or to its ink's
    right edge for the last one; and from the baseline up by the font size.
    """
    height = page.get_height()
    text = page.get_textpage()
    box, matrix = pdfium.FS_RECTF(), pdfium.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    found: list[tuple[Char, object, float]] = []  # a character, its text object, its ink's right edge
    count = text.count_chars()
    index = 0
    try:
        while index < count:
            code = pdfium.FPDFText_GetUnicode(text, index)
            generated = pdfium.FPDFText_IsGenerated(text, index)
            step = 1
            if code in HIGH_SURROGATES and index + 1 < count:
                code = 0x10000 + ((code - 0xD800) << 10) + (pdfium.FPDFText_GetUnicode(text, index + 1) - 0xDC00)
                step = 2
            if not generated:
                pdfium.FPDFText_GetLooseCharBox(text, index, box)
                pdfium.FPDFText_GetCharOrigin(text, index, x, y)
                pdfium.FPDFText_GetMatrix(text, index, matrix)
                size = pdfium.FPDFText_GetFontSize(text, index)
                baseline = height - y.value
                char = {
                    "text": chr(code), "x0": x.value, "x1": box.right, "top": baseline - size, "bottom": baseline,
                    "size": size, "upright": matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0,
                    "upward": matrix.b > 0,
                }
                owner = ctypes.cast(pdfium.FPDFText_GetTextObject(text, index), ctypes.c_void_p).value
                found.append((char, owner, box.right))
            index += step
    finally:
        text.close()
    for (char, owner, _), (following, next_owner, _) in zip(found, found[1:]):
        if owner == next_owner and following["bottom"] == char["bottom"] and following["x0"] > char["x0"]:
            char["x1"] = following["x0"]
    return [char for char, _, _ in found]


def page_edges(page: pypdfium2.PdfPage) -> list[Edge]:
    """Given a pdfium page, return the horizontal and vertical edges of its painted paths, as pdfplumber makes them.

    Every straight segment of a stroked or filled path (a rectangle's four sides, a
    line) that runs level or plumb becomes an edge; curves and slanted segments cannot
    rule a table and are left out.
    """
    height = page.get_height()
    edges = []
    for obj in page.get_objects(filter=[pdfium.FPDF_PAGEOBJ_PATH]):
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        pdfium.FPDFPath_GetDrawMode(obj, fill, stroke)
        if fill.value == pdfium.FPDF_FILLMODE_NONE and not stroke.value:
            continue  # neither stroked nor filled: a clipping or invisible path
        matrix = _placement(obj)
        for (x0, y0), (x1, y1) in _segments(obj):
            (x0, y0), (x1, y1) = _apply(matrix, x0, y0), _apply(matrix, x1, y1)
            if x0 == x1 or y0 == y1:
                edges.append(_edge(x0, height - y0, x1, height - y1))
    return edges


def _segments(obj: pypdfium2.PdfObject) -> Iterator[tuple[Point, Point]]:
    """The straight segments of a path object (closing segments included), in its own coordinates."""
    x, y = ctypes.c_float(), ctypes.c_float()
    start = previous = None
    for i in range(pdfium.FPDFPath_CountSegments(obj)):
        segment = pdfium.FPDFPath_GetPathSegment(obj, i)
        pdfium.FPDFPathSegment_GetPoint(segment, x, y)
        point = (x.value, y.value)
        kind = pdfium.FPDFPathSegment_GetType(segment)
        if kind == pdfium.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium.FPDF_SEGMENT_LINETO and previous is not None:
            yield previous, point
        if pdfium.FPDFPathSegment_GetClose(segment) and start is not None and start != point:
            yield point, start
            point = start
        previous = point


def _placement(obj: pypdfium2.PdfObject) -> Matrix:
    """The matrix that takes a page object's coordinates to the page's (its own, then its forms')."""
    matrix: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    current = obj
    while current is not None:
        m = current.get_matrix()
        matrix = _compose(matrix, (m.a, m.b, m.c, m.d, m.e, m.f))
        current = current.container
    return matrix


def _compose(first: Matrix, then: Matrix) -> Matrix:
    """The matrix applying `first`, then `then` (PDF row-vector convention)."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _apply(matrix: Matrix, x: float, y: float) -> Point:
    a, b, c, d, e, f = matrix
    return (a * x + c * y + e, b * x + d * y + f)


def _edge(x0: float, top0: float, x1: float, top1: float) -> Edge:
    """The edge between two points (in points from the top left), with the keys pdfplumber's table finder reads."""
    left, right, top, bottom = min(x0, x1), max(x0, x1), min(top0, top1), max(top0, top1)
    return {
        "object_type": "line", "orientation": "h" if top == bottom else "v",
        "x0": left, "x1": right, "top": top, "bottom": bottom, "doctop": top,
        "width": right - left, "height": bottom - top,
    }
