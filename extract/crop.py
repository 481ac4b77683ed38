"""The piece of a PDF page where a value was printed, highlighted: to check a value against its document.

Given the provenance the record carries (page and bbox in PDF points from the page's
top-left corner, as pdfplumber measures), pypdfium2 renders the page, the box is tinted
and outlined, and the crop keeps MARGIN points of the page around it so the value is
seen in its cell. `manifesto show` writes these crops; the Datasette plugin serves them.
"""

from __future__ import annotations

import io

import pypdfium2
from PIL import Image, ImageDraw

from .errors import UsageError

SCALE = 2.0  # pixels per PDF point (144 dpi): small print stays legible
MARGIN = 24.0  # points of the page shown on each side of the value's box
HIGHLIGHT = (255, 214, 0, 80)  # the tint laid over the value's box (RGBA)
OUTLINE = (230, 90, 0, 255)  # and its outline
OUTLINE_WIDTH = 3  # pixels

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


def crop_box(bbox: BBox, page_size: tuple[float, float]) -> BBox:
    """Given a value's box and the page's width and height (points), return the region shown: the box and MARGIN, on the page (pure)."""
    x0, top, x1, bottom = bbox
    width, height = page_size
    return max(0.0, x0 - MARGIN), max(0.0, top - MARGIN), min(width, x1 + MARGIN), min(height, bottom + MARGIN)


def crop_png(pdf: bytes, page: int, bbox: BBox, *, password: str | None = None) -> bytes:
    """Given PDF bytes, a 1-based page and a value's box on it, return the PNG of the highlighted crop.

    Raises UsageError for bytes that are no PDF (a web page has no page to show) or a page not in it.
    """
    try:
        document = pypdfium2.PdfDocument(pdf, password=password)
    except pypdfium2.PdfiumError as error:
        raise UsageError(f"no page image to show: not a readable PDF ({error})") from None
    try:
        if not 1 <= page <= len(document):
            raise UsageError(f"page {page} is not in the document ({len(document)} pages)")
        pdf_page = document[page - 1]
        image = pdf_page.render(scale=SCALE).to_pil().convert("RGBA")
        region = crop_box(bbox, pdf_page.get_size())
    finally:
        document.close()
    tint = Image.new("RGBA", image.size, (0, 0, 0, 0))
    box = [round(value * SCALE) for value in bbox]
    ImageDraw.Draw(tint).rectangle(box, fill=HIGHLIGHT, outline=OUTLINE, width=OUTLINE_WIDTH)
    shown = Image.alpha_composite(image, tint).crop(tuple(round(value * SCALE) for value in region))
    out = io.BytesIO()
    shown.convert("RGB").save(out, format="PNG")
    return out.getvalue()
