"""Read a PDF's text layer with pdfplumber into a Document.

The PDF is opened once and each page's content is interpreted once (pdfminer, through
pdfplumber's `page.layout`). Of each character only the seven values the reader uses
are kept — pdfplumber's `page.chars` would resolve some twenty for each, a quarter of
the page's cost — while ruling lines go through pdfplumber's own conversion into edges.
layout.py turns both into rows, as it does for the other readers (read_oxide.py, the
default, and read_pdfium.py). Pages without a usable text layer go to OCR.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from unicodedata import normalize as normalize_unicode

import pdfplumber
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTCurve, LTImage
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.psparser import PSEOF, PSKeyword
from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

from .document import Document, Row, next_table_id
from .layout import Char, Edge, layout_rows
from .models import ReadWarning

MIN_OUTLINE_CURVES = 50  # a page of no text and no image but this many curved paths shows text drawn as outlines
INVISIBLE = 3  # text render mode 3 (Tr): neither filled nor stroked, the hidden layer of a searchable scan
SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}  # the content-stream operators that show text


@dataclass(frozen=True)
class PageObjects:
    """What the reader uses of a page: its characters, its ruling lines' edges, whether it shows an image,
    how many curved paths it draws, and whether all its text is invisible."""

    chars: list[Char]
    edges: list[Edge]
    has_images: bool
    curves: int = 0
    invisible_text: bool = False

    @property
    def ocr_reason(self) -> str | None:
        """Why the page must be read from its pixels, or None when its text layer serves: a scan (an image
        without text, as `is_scanned` says of a pdfplumber page), a searchable scan (an image under text
        that is only invisible: another program's OCR, never trusted as is), or text drawn as outlines."""
        if self.has_images and (not self.chars or self.invisible_text):
            return "scan" if not self.chars else "invisible_text"
        if not self.chars and self.curves >= MIN_OUTLINE_CURVES:
            return "outlines"
        return None


def _leaves(objects: Iterable[LTComponent]) -> Iterator[LTComponent]:
    """The layout's objects in content order, figures opened, as pdfplumber walks them."""
    for obj in objects:
        if isinstance(obj, LTContainer):
            yield from _leaves(obj)
        else:
            yield obj


def plumber_objects(page: Any) -> PageObjects:
    """Given a pdfplumber page, return its characters, edges and images from one pass over its layout.

    A character's values are computed as pdfplumber's `process_object` computes them
    (the same floats); lines, rectangles and curves are converted by it, and their
    edges listed in the order of pdfplumber's `page.edges`.
    """
    height = page.height
    left, top = page.mediabox[:2]
    norm = page.pdf.unicode_norm
    chars: list[Char] = []
    ruled: dict[str, list[dict]] = {"line": [], "rect": [], "curve": []}
    has_images = False
    for obj in _leaves(page.layout):
        if isinstance(obj, LTChar):
            char_top, char_bottom = (height - obj.y1) + top, (height - obj.y0) + top
            if not 0 <= (char_top + char_bottom) / 2 <= height:
                continue  # drawn outside the page (LibreOffice repeats a cut cell's text there): no viewer shows it
            text = obj.get_text()
            chars.append({
                "text": normalize_unicode(norm, text) if norm is not None else text,
                "x0": obj.x0 + left if left else obj.x0,
                "x1": obj.x1 + left if left else obj.x1,
                "top": char_top,
                "bottom": char_bottom,
                "size": obj.size,
                "upright": obj.upright,
                "upward": obj.matrix[1] > 0,  # turned a quarter left: it reads from the bottom up
            })
        elif isinstance(obj, LTCurve):
            found = page.process_object(obj)
            ruled[found["object_type"]].append(found)
        elif isinstance(obj, LTImage):
            has_images = True
    edges = [line_to_edge(line) for line in ruled["line"]]
    edges += [edge for rect in ruled["rect"] for edge in rect_to_edges(rect)]
    edges += [edge for curve in ruled["curve"] for edge in curve_to_edges(curve)]
    invisible = bool(chars) and has_images and text_render_modes(page) == {INVISIBLE}
    return PageObjects(chars, edges, has_images, len(ruled["curve"]), invisible)


def text_render_modes(page: Any) -> set[int]:
    """Given a pdfplumber page, return the text render modes (Tr) its content stream shows text in.

    pdfminer does not keep a character's render mode, so the page's own content stream is
    walked for it (q/Q save and restore it; text in form XObjects is not seen).
    """
    parser = PDFContentParser(page.page_obj.contents)
    mode, saved, shown, operands = 0, [], set(), []
    while True:
        try:
            _, token = parser.nextobject()
        except PSEOF:
            return shown
        if not isinstance(token, PSKeyword):
            operands.append(token)
            continue
        if token.name == b"Tr" and operands and isinstance(operands[-1], int):
            mode = operands[-1]
        elif token.name == b"q":
            saved.append(mode)
        elif token.name == b"Q" and saved:
            mode = saved.pop()
        elif token.name in SHOW_TEXT:
            shown.add(mode)
        operands = []


PageReader = Callable[[Any, int, int], tuple[list[Row], list[ReadWarning]]]  # (pdfplumber page, page number, first table id) → rows, warnings


def is_scanned(page: Any) -> bool:
    """Given a pdfplumber page, return whether it is an image without a text layer (a scan)."""
    return not page.chars and bool(page.images)


def read_pdf(pdf: pdfplumber.PDF, read_scanned: PageReader | None = None) -> Document:
    """Given an open pdfplumber PDF, return its Document (rows of every page in reading order).

    Scanned pages go to `read_scanned` (OCR) when one is given, and so do searchable scans
    (their invisible text is another program's OCR) and pages of text drawn as outlines,
    each of these with a warning saying why; the Document is marked `ocr` when any of its
    rows were read that way.
    """
    rows: list[Row] = []
    warnings: list[ReadWarning] = []
    table_id = 0
    ocr = False
    for page in pdf.pages:
        objects = plumber_objects(page)
        reason = objects.ocr_reason
        if read_scanned is not None and reason is not None:
            page_table_rows, page_warnings = read_scanned(page, page.page_number, table_id)
            ocr = ocr or bool(page_table_rows)
            warnings += page_warnings
            if reason != "scan" and page_table_rows:
                warnings.append(ReadWarning(kind="ocr_page", page=page.page_number, message=OCR_REASONS[reason]))
        else:
            page_table_rows = layout_rows(objects.chars, objects.edges, page.page_number, table_id)
        rows.extend(page_table_rows)
        table_id = next_table_id(page_table_rows, table_id)
        page.close()
    return Document(rows, len(pdf.pages), ocr=ocr, warnings=warnings)


OCR_REASONS = {  # what the warning of a page read by OCR though it holds a text layer or vector text says
    "invisible_text": "a searchable scan: its text layer is invisible (another program's OCR), so the page image "
    "was read by OCR instead",
    "outlines": "the page's text is drawn as vector outlines (no characters): it was rendered and read by OCR",
}
