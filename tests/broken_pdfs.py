"""Small PDFs made on the spot, one per way a file can fail (and a few that read), for the error tests."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw
from pikepdf import Array, Dictionary, Name

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PAGE = (595, 842)  # A4 in points


def _save(pdf: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


def _text_page(pdf: pikepdf.Pdf, font: Dictionary, content: bytes) -> None:
    page = Dictionary(
        Type=Name.Page,
        MediaBox=Array([0, 0, *PAGE]),
        Resources=Dictionary(Font=Dictionary(F1=pdf.make_indirect(font))),
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))


def text_pdf(text: str = "Hello, this is not a manifesto") -> bytes:
    """A valid one-page PDF with a line of Latin text in Helvetica."""
    pdf = pikepdf.new()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    _text_page(pdf, font, b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET")
    return _save(pdf)


def garbled_pdf(glyphs: int = 40) -> bytes:
    """A PDF whose font has no ToUnicode map and glyph names no reader knows: it extracts as (cid:NN)."""
    pdf = pikepdf.new()
    codes = bytes(range(1, glyphs + 1))
    encoding = Dictionary(
        Type=Name.Encoding, Differences=Array([1, *(Name(f"/glyph{n:03d}") for n in range(1, glyphs + 1))])
    )
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=encoding)
    escaped = b"".join(b"\\%03o" % code for code in codes)
    _text_page(pdf, font, b"BT /F1 12 Tf 72 720 Td (" + escaped + b") Tj ET")
    return _save(pdf)


def encrypted_pdf(user: str = "secret") -> bytes:
    """A valid text PDF encrypted with AES-256 under a user password."""
    with pikepdf.open(io.BytesIO(text_pdf())) as pdf:
        return _save(pdf, encryption=pikepdf.Encryption(user=user, owner=user + "-owner", R=6))


def image_only_pdf() -> bytes:
    """A PDF of one scanned-looking page: an image with some marks, no text layer and no table."""
    image = Image.new("L", (850, 1100), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((200, 300, 600, 700), outline=0, width=4)
    draw.text((300, 150), "It doesn't work", fill=0)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=100)
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """A valid PDF of blank pages."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=PAGE)
    return _save(pdf)


def truncated_sample(share: float = 0.9) -> bytes:
    """The first `share` of a real manifesto PDF: its cross-reference table is gone, qpdf can rebuild it."""
    data = (SAMPLES / "sample-2020-kenko.pdf").read_bytes()
    return data[: int(len(data) * share)]


def junk_pdf() -> bytes:
    """A PDF header followed by bytes no reader can make anything of."""
    return b"%PDF-1.4\n" + bytes(range(256)) * 40


def _page_content(data: bytes, page: int) -> tuple[int, int]:
    """Where a page's (single) content stream lies in the file's bytes: its offset and length."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        raw = pdf.pages[page - 1].obj.Contents.read_raw_bytes()
    return data.index(raw), len(raw)


def flipped_content_byte(page: int = 2) -> bytes:
    """The Iga sample with one byte of page `page`'s compressed content stream inverted (a damaged copy)."""
    data = bytearray((SAMPLES / "iga-2021-digital.pdf").read_bytes())
    offset, length = _page_content(bytes(data), page)
    data[offset + length // 3] ^= 0xFF
    return bytes(data)


def unreadable_content(page: int = 2) -> bytes:
    """The Iga sample with page `page`'s content replaced by 4 KB that draws nothing readable (junk operators)."""
    with pikepdf.open(SAMPLES / "iga-2021-digital.pdf") as pdf:
        pdf.pages[page - 1].obj.Contents = pdf.make_stream(b"1 0 0 1 0 0 cm q Q " * 200)
        return _save(pdf)
