"""Build the scanned fixtures: each sample rasterized like a scan, rebuilt as an image-only PDF.

    .venv/bin/python scripts/make_scanned.py

For each SOURCES scan this renders every page of a committed sample in grey at
its dpi (SCAN_DPI unless given), turns it by its skew (a sheet fed slightly
crooked), adds scanner noise where asked (grain and dark specks, from a fixed
seed), saves the pages as JPEG images in a PDF with no text layer, and writes the
expected record: the original's expected JSON with only the source fields (file,
sha256, pages) of the new file. The output is deterministic (fixed dates, fixed
JPEG quality, fixed noise seed), so rerunning it changes nothing.

The first two scans are the layouts OCR was developed on; the next five are other
layouts (Word portrait, label | value tables, evaluation columns with milestones,
rules between rows only, a goal split over a page break), made to check that OCR
generalises beyond them. The last five are the kinds of scan archives hold (KINDS):
pages fed sideways, a bilevel fax, a photocopy with a shadow band, a searchable scan
(the image under Tesseract's own invisible text layer) and text turned into vector
outlines by Ghostscript (`gs -dNoOutputFonts`; the only kind that needs `gs`).
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

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
FAX_THRESHOLD = 150  # a fax is bilevel: grey below this is black
FAX_DROPOUT_SHARE = 0.06  # ... this share of its black pixels is lost in transmission
FAX_LOST_ROWS = 4  # ... and this many scan lines per page come through white
FAX_HEADER = "2021/04/05 10:42  FAX 0595-22-9600  伊賀市 デジタル自治推進局  P.{page:03d}/{pages:03d}"
FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"  # Debian fonts-ipaexfont
SHADOW_SHARE = 0.05  # a photocopy's shadow band is this share of the page's width, at its left edge
PAPER_DARKEST = 200  # ... and its paper shades from white to this grey across the page
KINDS = ("sideways", "fax", "photocopy", "searchable", "outlines")  # the fixture kinds beyond a plain scan


@dataclass(frozen=True)
class Scan:
    """One fixture to make: a committed sample (path under samples/, no suffix) and how it is scanned."""

    source: str
    dpi: int = SCAN_DPI
    skew: float = SKEW_DEGREES  # degrees, counter-clockwise
    noise: float = 0.0  # standard deviation of the grey grain added to each pixel (0: a clean scan)
    kind: str = "scanned"  # or one of KINDS
    turns: tuple[int, ...] = ()  # sideways: each page's quarter turn, degrees counter-clockwise

    @property
    def stem(self) -> str:
        return Path(self.source).name

    @property
    def name(self) -> str:
        """The fixture's file name: the sample's stem and the kind of scan."""
        return f"{self.stem}-{self.kind}.pdf"


SOURCES = (
    Scan("sample-2020-kenko"),
    Scan("iga-2021-digital"),
    Scan("variants/docx-portrait-3goals-r4-kyoiku", dpi=150, skew=-0.5, noise=12.0),
    Scan("variants/docx-goal-label-value-tables-r2-toshi", skew=0.0),
    Scan("variants/xlsx-landscape-eval-columns-milestones-r5-kensetsu", skew=-1.0),
    Scan("hard/docx-horizontal-rules-no-marker-r4-bunka", skew=0.4),
    Scan("variants/docx-landscape-row-split-no-header-r4-shobo", skew=0.3),
    Scan("sample-2020-kenko", skew=0.5, kind="sideways", turns=(90, 270)),  # landscape sheets fed portrait, both ways
    Scan("iga-2021-digital", dpi=150, skew=0.4, kind="fax"),
    Scan("variants/docx-goal-label-value-tables-r2-toshi", skew=-0.3, kind="photocopy"),
    Scan("variants/docx-landscape-row-split-no-header-r4-shobo", skew=0.2, kind="searchable"),
    Scan("variants/xlsx-landscape-eval-table-shared-mission-r4-somu", skew=0.0, kind="outlines"),
)


def add_noise(image: Image.Image, sigma: float, seed: int) -> Image.Image:
    """Given a grey page, return it with Gaussian grain of `sigma` grey levels and sparse dark specks."""
    random = np.random.default_rng(seed)
    grey = np.asarray(image).astype(np.float64)
    grey += random.normal(0.0, sigma, grey.shape)
    specks = random.random(grey.shape) < SPECK_SHARE
    grey[specks] = random.uniform(0, 100, int(specks.sum()))
    return Image.fromarray(np.clip(grey, 0, 255).round().astype(np.uint8))


def as_fax(image: Image.Image, page: int, pages: int) -> Image.Image:
    """Given a grey page (the `page`th of `pages`, from 1), return it as a fax receives it: a header line at
    the top, bilevel, with black pixels and whole scan lines lost in transmission (from a fixed seed)."""
    image = image.copy()
    font = ImageFont.truetype(FONT, round(image.height * 0.009))
    ImageDraw.Draw(image).text((image.width * 0.04, image.height * 0.006), FAX_HEADER.format(page=page, pages=pages),
                               fill=0, font=font)
    random = np.random.default_rng(NOISE_SEED + page)
    black = np.asarray(image) < FAX_THRESHOLD
    black &= random.random(black.shape) >= FAX_DROPOUT_SHARE
    black[random.integers(0, black.shape[0], FAX_LOST_ROWS)] = False
    return Image.fromarray(~black).convert("1")


def as_photocopy(image: Image.Image, seed: int) -> Image.Image:
    """Given a grey page, return it photocopied: paper shading unevenly across the page, a dark shadow band
    with a soft inner edge at the left (the copier's lid left open), two punch holes in it, and light grain."""
    grey = np.asarray(image).astype(np.float64)
    height, width = grey.shape
    across = np.linspace(0.0, 1.0, width)[None, :] * np.linspace(0.6, 1.0, height)[:, None]
    grey *= 1.0 - (1.0 - PAPER_DARKEST / 255.0) * across
    band = round(SHADOW_SHARE * width)
    edge = np.clip((np.arange(width) - band) / (0.3 * band), 0.0, 1.0)  # 0 in the band, 1 past its soft edge
    grey = grey * edge[None, :] + 40.0 * (1.0 - edge[None, :])
    shadowed = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
    draw, radius = ImageDraw.Draw(shadowed), round(0.012 * width)
    for share in (0.3, 0.7):
        x, y = round(0.6 * band), round(share * height)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=15)
    return add_noise(shadowed, 4.0, seed)


def scan_page(page: pdfium.PdfPage, scan: Scan = Scan(""), number: int = 0, pages: int = 1) -> Image.Image:
    """Given a PDF page (the `number`th of `pages`, from 0) and how to scan it, return it as a crooked scan."""
    image = page.render(scale=scan.dpi / POINTS_PER_INCH, grayscale=True).to_pil().convert("L")
    image = image.rotate(scan.skew, resample=Image.Resampling.BICUBIC, fillcolor=255) if scan.skew else image
    if scan.turns:
        image = image.rotate(scan.turns[number], expand=True)
    if scan.kind == "fax":
        return as_fax(image, number + 1, pages)
    if scan.kind == "photocopy":
        return as_photocopy(image, NOISE_SEED + number)
    return add_noise(image, scan.noise, NOISE_SEED + number) if scan.noise else image


def scanned_pdf(source: Path, scan: Scan = Scan("")) -> bytes:
    """Given a text PDF and how to scan it, return an image-only PDF of its pages as scans (JPEG; a fax CCITT G4)."""
    if scan.kind == "outlines":
        return outlined_pdf(source)
    document = pdfium.PdfDocument(source)
    pages = [scan_page(page, scan, number, len(document)) for number, page in enumerate(document)]
    if scan.kind == "searchable":
        return searchable_pdf(pages, scan.dpi)
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        resolution=scan.dpi,
        save_all=True,
        append_images=pages[1:],
        **({} if scan.kind == "fax" else {"quality": JPEG_QUALITY}),  # a bilevel page is CCITT G4, not JPEG
        creationDate=PDF_DATE,
        modDate=PDF_DATE,
    )
    return out.getvalue()


def searchable_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """Given page scans, return a searchable scan: each page image under the invisible text (render mode 3)
    Tesseract's own `pdf` output puts there, as scanners and Acrobat make them."""
    with tempfile.TemporaryDirectory() as folder:
        parts = []
        for number, image in enumerate(pages):
            picture, base = Path(folder, f"page-{number}.png"), Path(folder, f"page-{number}")
            image.save(picture, dpi=(dpi, dpi))
            subprocess.run(["tesseract", str(picture), str(base), "-l", "jpn", "pdf"], check=True, capture_output=True)
            parts.append(base.with_suffix(".pdf"))
        return merged_pdf(parts)


def outlined_pdf(source: Path) -> bytes:
    """Given a text PDF, return it with every glyph turned into vector outlines by Ghostscript: no text, no images."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "outlined.pdf")
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dNoOutputFonts", "-sDEVICE=pdfwrite",
                        f"-sOutputFile={out}", str(source)], check=True, capture_output=True)
        return merged_pdf([out])


def merged_pdf(parts: list[Path]) -> bytes:
    """Given PDFs, return their pages as one PDF without dates, metadata or a random ID: the same bytes each run."""
    merged, out = pikepdf.new(), io.BytesIO()
    with ExitStack() as open_parts:  # a copied page reads its streams from its file when saved
        for part in parts:
            merged.pages.extend(open_parts.enter_context(pikepdf.open(part)).pages)
        merged.save(out, deterministic_id=True)
    return out.getvalue()


def expected_record(original: dict, name: str, data: bytes, pages: int) -> dict:
    """Given the original's expected record, return the scan's: only the source fields change."""
    return {**original, "source": {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "pages": pages}}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for scan in SOURCES:
        stem = scan.stem
        data = scanned_pdf(SAMPLES / f"{scan.source}.pdf", scan)
        name = scan.name
        (OUT / name).write_bytes(data)
        original = json.loads((SAMPLES / f"{scan.source}.expected.json").read_text(encoding="utf-8"))
        pages = len(pdfium.PdfDocument(data))
        record = expected_record(original, name, data, pages)
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        (OUT / name.replace(".pdf", ".expected.json")).write_text(text, encoding="utf-8")
        print(f"{OUT / name}: {len(data) // 1024} KiB, {pages} pages")


if __name__ == "__main__":
    main()
