"""Build the scanned fixtures: each sample rasterized like a scan, rebuilt as an image-only PDF.

    .venv/bin/python scripts/make_scanned.py

For each SOURCES sample this renders every page at SCAN_DPI in grey, turns it by
SKEW_DEGREES (a sheet fed slightly crooked), saves the pages as JPEG images in a
PDF with no text layer, and writes the expected record: the original's expected
JSON with only the source fields (file, sha256, pages) of the new file. The output
is deterministic (fixed dates, fixed JPEG quality), so rerunning it changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OUT = SAMPLES / "scanned"
SOURCES = ("sample-2020-kenko", "iga-2021-digital")
SCAN_DPI = 200
SKEW_DEGREES = 0.7  # counter-clockwise, as a sheet fed slightly crooked
JPEG_QUALITY = 80
PDF_DATE = time.gmtime(0)  # fixed creation/modification date: same input, same bytes
POINTS_PER_INCH = 72


def scan_page(page: pdfium.PdfPage) -> Image.Image:
    """Given a PDF page, return it as a crooked grey scan at SCAN_DPI."""
    image = page.render(scale=SCAN_DPI / POINTS_PER_INCH, grayscale=True).to_pil().convert("L")
    return image.rotate(SKEW_DEGREES, resample=Image.Resampling.BICUBIC, fillcolor=255)


def scanned_pdf(source: Path) -> bytes:
    """Given a text PDF, return an image-only PDF of its pages as scans."""
    pages = [scan_page(page) for page in pdfium.PdfDocument(source)]
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        resolution=SCAN_DPI,
        save_all=True,
        append_images=pages[1:],
        quality=JPEG_QUALITY,
        creationDate=PDF_DATE,
        modDate=PDF_DATE,
    )
    return out.getvalue()


def expected_record(original: dict, name: str, data: bytes, pages: int) -> dict:
    """Given the original's expected record, return the scan's: only the source fields change."""
    return {**original, "source": {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "pages": pages}}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for stem in SOURCES:
        data = scanned_pdf(SAMPLES / f"{stem}.pdf")
        name = f"{stem}-scanned.pdf"
        (OUT / name).write_bytes(data)
        original = json.loads((SAMPLES / f"{stem}.expected.json").read_text(encoding="utf-8"))
        pages = len(pdfium.PdfDocument(data))
        record = expected_record(original, name, data, pages)
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        (OUT / f"{stem}-scanned.expected.json").write_text(text, encoding="utf-8")
        print(f"{OUT / name}: {len(data) // 1024} KiB, {pages} pages")


if __name__ == "__main__":
    main()
