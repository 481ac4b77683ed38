"""Build the scanned fixtures: each sample rasterized like a scan, rebuilt as an image-only PDF.

    .venv/bin/python scripts/make_scanned.py

For each SOURCES scan this renders every page of a committed sample in grey at
its dpi (SCAN_DPI unless given), turns it by its skew (a sheet fed slightly
crooked), adds scanner noise where asked (grain and dark specks, from a fixed
seed), saves the pages as JPEG images in a PDF with no text layer, and writes the
expected record: the original's expected JSON with only the source fields (file,
sha256, pages) of the new file. The output is deterministic (fixed dates, fixed
JPEG quality, fixed noise seed), so rerunning it changes nothing.

The first two scans are the layouts OCR was developed on; the others are other
layouts (Word portrait, label | value tables, evaluation columns with milestones,
rules between rows only, a goal split over a page break), made to check that OCR
generalises beyond them.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OUT = SAMPLES / "scanned"
SCAN_DPI = 200
SKEW_DEGREES = 0.7  # counter-clockwise, as a sheet fed slightly crooked
JPEG_QUALITY = 80
PDF_DATE = time.gmtime(0)  # fixed creation/modification date: same input, same bytes
POINTS_PER_INCH = 72
NOISE_SEED = 20240601  # noise is pseudo-random from this seed: the same bytes on every run
SPECK_SHARE = 0.0004  # with noise, this share of the pixels gets a dark speck (dust, toner)


@dataclass(frozen=True)
class Scan:
    """One fixture to make: a committed sample (path under samples/, no suffix) and how it is scanned."""

    source: str
    dpi: int = SCAN_DPI
    skew: float = SKEW_DEGREES  # degrees, counter-clockwise
    noise: float = 0.0  # standard deviation of the grey grain added to each pixel (0: a clean scan)

    @property
    def stem(self) -> str:
        return Path(self.source).name


SOURCES = (
    Scan("sample-2020-kenko"),
    Scan("iga-2021-digital"),
    Scan("variants/docx-portrait-3goals-r4-kyoiku", dpi=150, skew=-0.5, noise=12.0),
    Scan("variants/docx-goal-label-value-tables-r2-toshi", skew=0.0),
    Scan("variants/xlsx-landscape-eval-columns-milestones-r5-kensetsu", skew=-1.0),
    Scan("hard/docx-horizontal-rules-no-marker-r4-bunka", skew=0.4),
    Scan("variants/docx-landscape-row-split-no-header-r4-shobo", skew=0.3),
)


def add_noise(image: Image.Image, sigma: float, seed: int) -> Image.Image:
    """Given a grey page, return it with Gaussian grain of `sigma` grey levels and sparse dark specks."""
    random = np.random.default_rng(seed)
    grey = np.asarray(image).astype(np.float64)
    grey += random.normal(0.0, sigma, grey.shape)
    specks = random.random(grey.shape) < SPECK_SHARE
    grey[specks] = random.uniform(0, 100, int(specks.sum()))
    return Image.fromarray(np.clip(grey, 0, 255).round().astype(np.uint8))


def scan_page(page: pdfium.PdfPage, scan: Scan = Scan(""), number: int = 0) -> Image.Image:
    """Given a PDF page (the `number`th, from 0) and how to scan it, return it as a crooked grey scan."""
    image = page.render(scale=scan.dpi / POINTS_PER_INCH, grayscale=True).to_pil().convert("L")
    image = image.rotate(scan.skew, resample=Image.Resampling.BICUBIC, fillcolor=255) if scan.skew else image
    return add_noise(image, scan.noise, NOISE_SEED + number) if scan.noise else image


def scanned_pdf(source: Path, scan: Scan = Scan("")) -> bytes:
    """Given a text PDF and how to scan it, return an image-only PDF of its pages as scans."""
    pages = [scan_page(page, scan, number) for number, page in enumerate(pdfium.PdfDocument(source))]
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        resolution=scan.dpi,
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
    for scan in SOURCES:
        stem = scan.stem
        data = scanned_pdf(SAMPLES / f"{scan.source}.pdf", scan)
        name = f"{stem}-scanned.pdf"
        (OUT / name).write_bytes(data)
        original = json.loads((SAMPLES / f"{scan.source}.expected.json").read_text(encoding="utf-8"))
        pages = len(pdfium.PdfDocument(data))
        record = expected_record(original, name, data, pages)
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        (OUT / f"{stem}-scanned.expected.json").write_text(text, encoding="utf-8")
        print(f"{OUT / name}: {len(data) // 1024} KiB, {pages} pages")


if __name__ == "__main__":
    main()
