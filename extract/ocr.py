"""Read a scanned (image-only) PDF page by OCR into the same rows of cells a text layer gives.

Structure comes from the image, text from each cell. OCR of a whole page loses the
table and reads poorly; instead the page is rendered and deskewed, its ruling lines
are found in the pixels (scan_image.py) and handed to pdfplumber's table finder as
explicit lines, so merged cells and reading order come out exactly as for a text PDF.
Then, with the rules erased, each text line of each cell (and each line outside the
tables) is cut out and recognised on its own by Tesseract (Japanese, --psm 6):
Tesseract's own layout analysis merges a cell's tight lines and misreads them.
Spaces come from the gaps in the ink; misread markers (〈〉, ◎, ↓) and near-miss labels
are put back. Positions are PDF points of the deskewed page; every line keeps the mean
confidence of its words.

`read_scanned_page` is the page reader `read_pdf` calls for pages with images and
no text; `ocr_available` says whether Tesseract and its Japanese model are installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import regex
from PIL import Image

from .document import BBox, Cell, Line, Row, union
from .errors import ExtractionError
from .read_pdf import CELL_GAP, reading_order
from .scan_image import (
    SKEW_STEP_DEGREES,
    PixelBox,
    Rule,
    cell_text_lines,
    erase_rules,
    horizontal_rules,
    ink_mask,
    loose_text_lines,
    skew_angle,
    space_gaps,
    vertical_rules,
)

TESSERACT = "tesseract"
LANGUAGE = "jpn"
PAGE_SEGMENTATION = "6"  # --psm 6, one uniform block: a crop is a text line, or two that touch
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-jpn"

RENDER_DPI = 300  # Tesseract reads 7–10 pt glyphs best ~30 px high: on the fixtures 300 beat 200 and 400
MAX_RENDER_PIXELS = 100_000_000  # a page larger than this (A0 at 300 dpi is 140 M) is refused, to bound memory
POINTS_PER_INCH = 72
MIN_RULE_POINTS = 14.0  # a ruling line is a run of ink at least this long (longer than any glyph stroke)
MAX_RULE_POINTS = 3.0  # ... and at most this thick (a filled shape is not a rule)
MIN_TABLE_POINTS = 24.0  # a table is at least this wide and high, two text lines (smaller ones are drawings)
CELL_INSET_POINTS = 0.5  # a cell is cut this far inside its rules
CROP_MARGIN_PX = 12  # white border around each crop: Tesseract misreads glyphs touching the edge
TABLE_MARGIN_POINTS = 2.0  # ink this close to a table belongs to the table, not to loose text
MIN_CROPS_PER_PROCESS = 8  # Tesseract runs in parallel only when each run gets at least this many crops


@cache
def ocr_available() -> bool:
    """Whether Tesseract and its Japanese model are installed (asked once per process)."""
    if shutil.which(TESSERACT) is None:
        return False
    listed = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True, check=False)
    return LANGUAGE in (listed.stdout + listed.stderr).split()


def missing_ocr_hint() -> str:
    """What to do to read scanned pages: install Tesseract and its Japanese model."""
    return f"to read scanned pages by OCR install Tesseract with its Japanese model ({INSTALL_HINT})"


# --- the image: render, deskew ----------------------------------------------------------


def render(page: Any) -> Image.Image:
    """Given a pdfplumber page, return it rendered in grey at RENDER_DPI, or raise too_large."""
    pixels = page.width * page.height * (RENDER_DPI / POINTS_PER_INCH) ** 2
    if pixels > MAX_RENDER_PIXELS:
        raise ExtractionError(
            "too_large", f"page {page.page_number} ({page.width:.0f}×{page.height:.0f} pt) is too large to OCR"
        )
    return page.to_image(resolution=RENDER_DPI).original.convert("L")


def deskew(grey: Image.Image) -> np.ndarray:
    """Given a grey page image, return it (as an array) turned so its lines run level."""
    angle = skew_angle(ink_mask(np.asarray(grey)))
    if abs(angle) < SKEW_STEP_DEGREES / 2:
        return np.asarray(grey)
    return np.asarray(grey.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))


# --- tables from the ruling lines ----------------------------------------------------


def rule_lines(horizontal: Sequence[Rule], vertical: Sequence[Rule], scale: float) -> tuple[list[dict], list[dict]]:
    """Given rules in pixels and points per pixel, return them as pdfplumber line objects in points."""

    def line(x0: float, top: float, x1: float, bottom: float) -> dict:
        return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                "width": x1 - x0, "height": bottom - top}

    flat = [line(r.start * scale, y, r.end * scale, y) for r in horizontal for y in [(r.first + r.last) / 2 * scale]]
    upright = [line(x, r.start * scale, x, r.end * scale) for r in vertical for x in [(r.first + r.last) / 2 * scale]]
    return flat, upright


def find_tables(page: Any, horizontal: list[dict], vertical: list[dict]) -> list[Any]:
    """Given a pdfplumber page and ruling lines in points, return the tables they draw (MIN_TABLE_POINTS and up)."""
    if len(horizontal) < 2 or len(vertical) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": vertical,
        "explicit_horizontal_lines": horizontal,
    }
    tables = page.find_tables(settings)
    return [t for t in tables if min(t.bbox[2] - t.bbox[0], t.bbox[3] - t.bbox[1]) >= MIN_TABLE_POINTS]


# --- Tesseract ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One word of Tesseract's TSV output, in the pixels of its crop."""

    key: tuple[int, int, int]  # block, paragraph, line
    left: int
    top: int
    width: int
    height: int
    confidence: float
    text: str


def parse_tsv(tsv: str) -> dict[int, list[Word]]:
    """Given Tesseract's TSV output for a list of images, return each image's words (by 1-based image number)."""
    words: dict[int, list[Word]] = {}
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5" or not fields[11].strip():
            continue
        page, block, paragraph, line = (int(f) for f in fields[1:5])
        left, top, width, height = (int(f) for f in fields[6:10])
        words.setdefault(page, []).append(
            Word((block, paragraph, line), left, top, width, height, float(fields[10]), fields[11].strip())
        )
    return words


def words_to_lines(
    words: Sequence[Word], spaces: Sequence[tuple[int, int]], origin: tuple[int, int], scale: float, page: int
) -> list[Line]:
    """Given one crop's words, its space gaps, its origin on the page (px) and points per pixel, return its Lines.

    Two words join with a space when a space gap lies between their centres; a line's
    confidence is the mean of its words'.
    """
    x, y = origin
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        grouped.setdefault(word.key, []).append(word)
    lines = []
    for group in grouped.values():
        group = sorted(group, key=lambda w: w.left)
        parts = [group[0].text]
        for before, word in zip(group, group[1:]):
            left_centre, right_centre = x + before.left + before.width / 2, x + word.left + word.width / 2
            if any(left_centre < (start + end) / 2 < right_centre for start, end in spaces):
                parts.append(" ")
            parts.append(word.text)
        bbox = (
            (x + group[0].left) * scale,
            (y + min(w.top for w in group)) * scale,
            (x + max(w.left + w.width for w in group)) * scale,
            (y + max(w.top + w.height for w in group)) * scale,
        )
        confidence = sum(w.confidence for w in group) / len(group)
        lines.append(Line("".join(parts), page, bbox, round(confidence, 1)))
    return lines


def recognise(crops: Sequence[Image.Image], dpi: int) -> list[list[Word]]:
    """Given cut-out images, return the words Tesseract reads in each (one list per crop, in order).

    All crops go through a few Tesseract runs (a list file each), one per core, rather
    than a process per crop: loading the Japanese model costs more than reading a cell.
    """
    if not crops:
        return []
    processes = max(1, min(os.cpu_count() or 1, len(crops) // MIN_CROPS_PER_PROCESS))
    chunks = [list(range(n, len(crops), processes)) for n in range(processes)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread per run: the runs are the parallelism
    with tempfile.TemporaryDirectory(prefix="manifesto-ocr-") as folder:
        runs = []
        for number, chunk in enumerate(chunks):
            names = []
            for index in chunk:
                name = Path(folder, f"crop-{index}.png")
                crops[index].save(name, dpi=(dpi, dpi))
                names.append(str(name))
            listing = Path(folder, f"list-{number}.txt")
            listing.write_text("\n".join(names) + "\n", encoding="utf-8")
            command = [TESSERACT, str(listing), "stdout", "-l", LANGUAGE, "--psm", PAGE_SEGMENTATION, "tsv"]
            runs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env))
        try:
            outputs = [run.communicate() for run in runs]
        finally:
            for run in runs:
                if run.poll() is None:
                    run.kill()
                    run.wait()
    words: list[list[Word]] = [[] for _ in crops]
    for chunk, run, (out, err) in zip(chunks, runs, outputs):
        if run.returncode != 0:
            reason = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise ExtractionError("no_text_layer", f"OCR failed: tesseract exited {run.returncode}: {reason[0]}")
        for number, found in parse_tsv(out.decode("utf-8", "replace")).items():
            words[chunk[number - 1]] = found
    return words


# --- OCR's misreadings of the document's own markers and labels -----------------------------

# Tesseract reads the section brackets 〈〉 as く/</《, the ◎ before 部局目標N as @ or ⑥,
# an arrow alone on its line as a thin glyph, and the wave dash of a month range
# (6月～8月) as 一. The block finder keys on these markers, so they are put back; only
# whole markers are touched, never running text.
MARKER_REPAIRS: tuple[tuple[regex.Pattern[str], str], ...] = (
    (regex.compile(r"^\s*[く<〈《«(（\[【]\s*(現在の状態|達成目標)\s*[>〉》»)）\]】]?"), r"〈\1〉"),
    (regex.compile(r"^\s*(現在の状態|達成目標)\s*[>〉》»)）\]】]"), r"〈\1〉"),
    (regex.compile(r"^\s*[^\p{Han}\p{Hiragana}\p{Katakana}\s]{1,3}\s*(部局目標\s*\d{1,2})"), r"◎\1"),
    (regex.compile(r"^\s*[!！|｜¦lIi\\)）↓]\s*$"), "↓"),
    (regex.compile(r"(\d\s*月)\s*[一ー－]\s*(?=\d{1,2}\s*月)"), r"\1～"),
)
# The labels a manifesto's tables are keyed on (blocks.py); a cell without digits reading
# close to one of them (OCR dropped or changed a character) is read as that label.
KNOWN_LABELS = (
    "部局名", "業績目標の達成状況", "部局目標", "組織使命", "組織使命達成に向けての目標",
    "目標の達成水準", "目標を達成するための手段", "達成状況(自己評価)",
)
LABEL_SIMILARITY = 0.85  # difflib ratio from which a cell's text is taken for a label


def repair_markers(text: str) -> str:
    """Given one OCR'd line, return it with misread section, goal, arrow and range markers restored."""
    for pattern, replacement in MARKER_REPAIRS:
        text = pattern.sub(replacement, text)
    return text


def repair_label(lines: Sequence[Line]) -> tuple[Line, ...]:
    """Given a table cell's OCR'd lines, return them, or one line of the label they misread."""
    if not lines:
        return ()
    key = regex.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(line.text for line in lines)))
    if regex.search(r"\d", key):  # labels hold no digits; ◎部局目標1 and scores are not labels
        return tuple(lines)
    best = max(KNOWN_LABELS, key=lambda label: SequenceMatcher(None, key, label).ratio())
    if key == best or SequenceMatcher(None, key, best).ratio() < LABEL_SIMILARITY:
        return tuple(lines)
    confidences = [line.confidence for line in lines if line.confidence is not None]
    return (Line(best, lines[0].page, union(line.bbox for line in lines), min(confidences, default=None)),)


# --- one page ------------------------------------------------------------------------------


def read_scanned_page(page: Any, page_no: int, first_table_id: int) -> list[Row]:
    """Given a pdfplumber page with no text layer, return its rows read by OCR (like read_pdf.layout_rows).

    Returns no rows when the page shows no ruled table: a manifesto is a table, and OCR
    of anything else (a photo, a drawing) would only make noise.
    """
    grey = deskew(render(page))
    scale = page.width / grey.shape[1]  # points per pixel
    ink = ink_mask(grey)
    length, thickness = round(MIN_RULE_POINTS / scale), round(MAX_RULE_POINTS / scale)
    horizontal, vertical = horizontal_rules(ink, length, thickness), vertical_rules(ink, length, thickness)
    tables = find_tables(page, *rule_lines(horizontal, vertical, scale))
    if not tables:
        return []
    grey = erase_rules(grey, horizontal, vertical)
    ink = ink_mask(grey)

    inset = CELL_INSET_POINTS
    cell_boxes: list[BBox] = [box for table in tables for box in table.cells]
    cell_groups = [
        cell_text_lines(ink, _pixels((x0 + inset, top + inset, x1 - inset, bottom - inset), scale, ink.shape))
        for x0, top, x1, bottom in cell_boxes
    ]
    outside = ink.copy()
    for table in tables:
        x0, top, x1, bottom = table.bbox
        margin = TABLE_MARGIN_POINTS
        left, upper, right, lower = _pixels((x0 - margin, top - margin, x1 + margin, bottom + margin), scale, ink.shape)
        outside[upper:lower, left:right] = False
    loose = loose_text_lines(outside, CELL_GAP)

    read = read_boxes(grey, ink, cell_groups + [[box] for line in loose for box in line], scale, page_no)
    cells = {box: Cell(repair_label(lines), page_no, box) for box, lines in zip(cell_boxes, read)}
    loose_read = iter(read[len(cell_boxes) :])
    loose_cells = [
        [Cell(tuple(lines), page_no, union(item.bbox for item in lines)) for lines in (next(loose_read) for _ in line) if lines]
        for line in loose
    ]
    return reading_order(tables, cells, loose_cells, page_no, first_table_id)


def read_boxes(
    grey: np.ndarray, ink: np.ndarray, groups: Sequence[Sequence[PixelBox]], scale: float, page_no: int
) -> list[list[Line]]:
    """Given the page image, its ink and groups of text-line boxes (one group per cell), return each group's Lines."""
    boxes = [box for group in groups for box in group]
    words = iter(recognise([_crop(grey, box) for box in boxes], round(POINTS_PER_INCH / scale)))
    read = []
    for group in groups:
        lines = [
            line
            for box in group
            for line in words_to_lines(
                next(words), space_gaps(ink, box), (box[0] - CROP_MARGIN_PX, box[1] - CROP_MARGIN_PX), scale, page_no
            )
        ]
        read.append([Line(repair_markers(line.text), line.page, line.bbox, line.confidence) for line in lines])
    return read


def _pixels(box: BBox, scale: float, shape: tuple[int, ...]) -> PixelBox:
    """Given a box in points, return it in pixels, clipped to the image."""
    height, width = shape[:2]
    left, top = max(0, int(box[0] / scale)), max(0, int(box[1] / scale))
    return (left, top, min(width, max(left, int(box[2] / scale))), min(height, max(top, int(box[3] / scale))))


def _crop(grey: np.ndarray, box: PixelBox) -> Image.Image:
    """Given the page and a box, return the box's image with a white margin around it."""
    left, top, right, bottom = box
    margin = CROP_MARGIN_PX
    framed = np.full((bottom - top + 2 * margin, right - left + 2 * margin), 255, dtype=np.uint8)
    framed[margin:-margin, margin:-margin] = grey[top:bottom, left:right]
    return Image.fromarray(framed)
