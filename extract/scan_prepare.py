"""Make a rendered scan fit for OCR: turned upright, and cleaned for the kind of scan it is.

Archives hold scans made every way: sheets fed sideways or upside down, faxes (bilevel,
150 dpi, pixels and whole scan lines lost), photocopies (paper shading unevenly, a dark
shadow band where the lid was open). Each is put right before the rules and text lines
are looked for (ocr.py):

- the page is turned upright by the quarter turn Tesseract's orientation detection
  (`--psm 0`, Debian's tesseract-ocr-osd) reports, when it is confident of one;
- a bilevel scan (a fax) is read twice over: its ruling lines from a smoothed,
  closed copy (a morphological closing bridges the pixels and scan lines a fax lost),
  its text from a median-filtered copy (closing would clog dense and bold kanji);
- a greyscale scan whose paper is uneven is flattened against its own paper (the
  adaptive threshold's idea: each pixel against the paper around it);
- a shadow band at a page edge (mostly ink from edge to edge of the sheet) is whitened,
  so it becomes neither a rule nor a text line.

OCRmyPDF does rotation and cleaning for whole PDFs, but it writes a new PDF with its own
text layer; here the steps run on the one page image the table reader needs, and the
orientation step is the same Tesseract call OCRmyPDF makes.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import regex
from PIL import Image, ImageFilter

OSD_DPI = 150  # orientation is detected on a copy this fine: as sure as at 300 dpi, in half the time
MIN_OSD_CONFIDENCE = 2.0  # Tesseract's orientation confidence from which a turn is applied (upright pages: 10–20)
OSD_ROTATE = regex.compile(r"^Rotate:\s*(\d+)", regex.MULTILINE)
OSD_CONFIDENCE = regex.compile(r"^Orientation confidence:\s*([\d.]+)", regex.MULTILINE)
CLOSING_PX = 3  # the closing's square, in px of the rendered page: bridges a lost 150-dpi pixel (2 px)
MEDIAN_PX = 3  # the median filter's square for reading a fax's text
SMOOTHING_PX = 1.0  # Gaussian radius that rounds an upscaled bilevel scan's stair-step edges
PAPER_BLOCKS = 8  # paper is measured in blocks of an eighth of the page each way ...
PAPER_PERCENTILE = 99  # ... as this percentile of the block's grey (the paper, not the ink or a shaded cell)
UNEVEN_PAPER = 15  # ... and a page is flattened when its paper is this many grey levels darker than its lightest ...
UNEVEN_SHARE = 0.25  # ... over at least this share of the page
SHADOW_INK_SHARE = 0.6  # a column (row) at the page's edge that is more than this share ink is shadow ...
SHADOW_REACH = 0.15  # ... looked for this share of the page into it (text never fills a column so) ...
SHADOW_START = 0.02  # ... starting this close to the edge (a scanner may leave a white border)
SHADOW_MARGIN_PX = 8  # the shadow's soft edge: this many px past the last shadow column are whitened too


@dataclass(frozen=True)
class ScanKind:
    """What the page's largest image says of how it was scanned."""

    bilevel: bool
    dpi: float  # the image's own resolution on the page (0 for a page drawn as vectors)


def scan_kind(page: Any) -> ScanKind:
    """Given a pdfplumber page, return how its largest image was scanned (bits per pixel, resolution)."""
    images = [image for image in page.images if image.get("srcsize") and image["x1"] > image["x0"]]
    if not images:
        return ScanKind(bilevel=False, dpi=0.0)
    image = max(images, key=lambda i: (i["x1"] - i["x0"]) * (i["bottom"] - i["top"]))
    dpi = image["srcsize"][0] / ((image["x1"] - image["x0"]) / 72)
    return ScanKind(bilevel=image.get("bits") == 1, dpi=dpi)


def orientation(grey: Image.Image, dpi: int) -> int:
    """Given a grey page image at `dpi`, return the quarter turn (degrees clockwise) that sets it upright.

    Tesseract's orientation and script detection reads a reduced copy; a page it cannot
    judge (too little text) or judges with low confidence stays as it is (0).
    """
    small = grey.resize((max(1, grey.width * OSD_DPI // dpi), max(1, grey.height * OSD_DPI // dpi)))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="manifesto-osd-") as folder:
        name = Path(folder, "page.png")
        small.save(name, dpi=(OSD_DPI, OSD_DPI))
        found = subprocess.run(["tesseract", str(name), "stdout", "--psm", "0"],
                               capture_output=True, text=True, check=False, env=env)
    rotate, confidence = OSD_ROTATE.search(found.stdout), OSD_CONFIDENCE.search(found.stdout)
    if found.returncode != 0 or rotate is None or confidence is None or float(confidence.group(1)) < MIN_OSD_CONFIDENCE:
        return 0
    return int(rotate.group(1)) % 360


def turned(grey: Image.Image, clockwise: int) -> Image.Image:
    """Given a page image and a quarter turn (degrees clockwise), return it turned."""
    return grey.rotate(-clockwise, expand=True) if clockwise else grey


def despeckled(grey: Image.Image) -> Image.Image:
    """Given a bilevel scan rendered in grey, return it for reading its text: a median filter fills
    the pixels a fax lost inside strokes and drops lone black ones, without thickening strokes."""
    return grey.filter(ImageFilter.MedianFilter(MEDIAN_PX))


def smoothed(grey: Image.Image) -> Image.Image:
    """Given a bilevel scan rendered in grey, return it with its stair-step edges rounded (a Gaussian blur of
    SMOOTHING_PX). Despeckled after this, it is a second image of a fax's text: the two differ where a glyph
    lost pixels, and a glyph one misreads the other often reads right (ocr.likelier_readings)."""
    return grey.filter(ImageFilter.GaussianBlur(SMOOTHING_PX))


def closed(grey: Image.Image) -> Image.Image:
    """Given a bilevel scan (or flattened paper) rendered in grey, return it for finding its ruling lines: smoothed and
    closed (a morphological closing: MinFilter spreads the ink, MaxFilter takes it back), so a rule that
    lost pixels and scan lines is one run of ink again. Its text is clogged: it is read from `despeckled`."""
    return smoothed(grey).filter(ImageFilter.MinFilter(CLOSING_PX)).filter(ImageFilter.MaxFilter(CLOSING_PX))


def paper(grey: np.ndarray) -> np.ndarray:
    """Given a grey page, return the paper's grey under every pixel: a light percentile of each of
    PAPER_BLOCKS × PAPER_BLOCKS blocks, spread smoothly over the page. A block is larger than any shaded
    cell, so shading stays ink-free paper's business and only the sheet's own unevenness is measured."""
    height, width = grey.shape
    rows, cols = np.array_split(np.arange(height), PAPER_BLOCKS), np.array_split(np.arange(width), PAPER_BLOCKS)
    levels = np.array([[np.percentile(grey[r[0] : r[-1] + 1, c[0] : c[-1] + 1], PAPER_PERCENTILE) for c in cols]
                       for r in rows], dtype=np.float32)
    return np.asarray(Image.fromarray(levels, mode="F").resize((width, height), Image.Resampling.BILINEAR))


def flattened(grey: np.ndarray) -> np.ndarray:
    """Given a grey page, return it with uneven paper brought to white (each pixel over its paper's grey) and
    then smoothed and closed (the grain of dark paper is stretched with it: on the fixtures this read 0.993 of
    the characters against 0.93 unsmoothed); a page whose paper is even comes back as it is."""
    under = paper(grey)
    if float(np.percentile(under, UNEVEN_SHARE * 100)) >= float(under.max()) - UNEVEN_PAPER:
        return grey  # only a few blocks darker: shaded cells, not the sheet
    flat = np.clip(grey.astype(np.float32) * (255.0 / np.maximum(under, 1.0)), 0, 255).astype(np.uint8)
    return np.asarray(closed(Image.fromarray(flat)))


def without_edge_shadows(grey: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Given a grey page and its ink, return it with shadow bands at its edges whitened: runs of columns
    (rows) near an edge that are mostly ink, the way a page's edge or a book's gutter copies."""
    clean = grey.copy()
    for axis in (0, 1):  # 0: columns, for bands at the left and right; 1: rows, at the top and bottom
        share = ink.mean(axis=axis)
        for first, last in _edge_bands(share):
            if axis == 0:
                clean[:, first:last] = 255
            else:
                clean[first:last, :] = 255
    return clean


def _edge_bands(share: np.ndarray) -> list[tuple[int, int]]:
    """Given the ink share of each column (row) of a page, return the spans [first, last) of the shadow
    bands at its two ends: mostly-ink columns starting within SHADOW_START of the edge, widened by
    SHADOW_MARGIN_PX for their soft inner edge."""
    size, reach = len(share), round(SHADOW_REACH * len(share))
    bands = []
    for flip in (False, True):
        near = (share[::-1] if flip else share)[:reach] > SHADOW_INK_SHARE
        if not near[: max(1, round(SHADOW_START * size))].any():
            continue
        start = int(np.argmax(near))
        width = int(np.argmin(near[start:])) if not near[start:].all() else reach - start
        end = start + width + SHADOW_MARGIN_PX
        bands.append((size - end, size) if flip else (0, end))
    return bands
