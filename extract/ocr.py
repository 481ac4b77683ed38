"""Read a scanned (image-only) PDF page by OCR into the same rows of cells a text layer gives.

Structure comes from the image, text from each cell. OCR of a whole page loses the
table and reads poorly; instead the page is rendered (a fax at twice its own resolution),
made fit for OCR (scan_prepare.py: turned upright, a fax despeckled, edge shadows and uneven
paper cleaned), deskewed and cleared of specks, its ruling lines are found in the pixels
(scan_image.py; a fax's pieces of one rule joined across its lost scan lines; a table ruled between rows only
gets its columns from the blank gaps its rows share) and handed to pdfplumber's table
finder as explicit lines, so merged cells and reading order come out exactly as for a
text PDF. Then, with the rules erased, each text line of each cell (and each line outside
the tables) is cut out and recognised on its own by Tesseract (Japanese, --psm 6):
Tesseract's own layout analysis merges a cell's tight lines and misreads them. A line
that is short or read with low confidence is read again three ways (raw line, beside
another line of its cell, with its cell stacked) and the most confident reading kept.
A fax's line holding a weak word is read once more from the page smoothed before
despeckling, and the reading the dictionary finds likelier kept (likelier_readings).
Spaces come from the gaps in the ink; characters Tesseract read with low confidence are
repaired against a Japanese dictionary and the page's own words (ocr_repair.repaired_line);
misread markers (〈〉, ◎, ↓, the wave dash of a month range, a light ・ bullet) and near-miss
labels are put back, toward the vocabulary the page is read with. Positions are PDF
points of the deskewed page; every line keeps the mean confidence of its words.

`read_scanned_page` is the page reader `read_pdf` calls for pages with images and
no text (and for searchable scans and outlined text); `ocr_available` says whether
Tesseract and its Japanese model are installed. The OCR'd words are then repaired against
the format's own words (ocr_repair.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import regex
from PIL import Image

from .document import BBox, Cell, Line, Row, union
from .errors import ExtractionError
from .models import ReadWarning
from .ocr_repair import (
    WEAK_CONFIDENCE,
    OcrWords,
    page_words,
    reading_cost,
    repair_label,
    repair_section_marker,
    repaired_line,
    tidy_spacing,
)
from .layout import CELL_GAP, LONG_RULE, RULE_SNAP, reading_order
from .scan_prepare import (
    ScanKind,
    closed,
    despeckled,
    flattened,
    orientation,
    scan_kind,
    smoothed,
    turned,
    without_edge_shadows,
)
from .scan_image import (
    INK_LEVEL,
    RULE_PAD_PX,
    SKEW_STEP_DEGREES,
    PixelBox,
    Rule,
    between_row_rules,
    cell_text_lines,
    erase_rules,
    erase_specks,
    extended_rules,
    horizontal_rules,
    ink_mask,
    lone_vertical_rules,
    loose_text_lines,
    skew_angle,
    space_gaps,
    starts_with_dot,
    typical_line_height,
    vertical_rules,
)
from .vocabulary import Vocabulary, load_vocabulary

TESSERACT = "tesseract"
LANGUAGE = "jpn"
PAGE_SEGMENTATION = "6"  # --psm 6, one uniform block: a crop is a text line, or two that touch
RAW_LINE = "13"  # --psm 13, a raw line without Tesseract's layout steps: the second reading of a doubtful crop
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-jpn"

RENDER_DPI = 300  # Tesseract reads 7–10 pt glyphs best ~30 px high: on the fixtures 300 beat 200 and 400
BILEVEL_SCALE = 2  # ... but a coarser bilevel scan (a fax) is rendered at twice its own resolution (coarse_dpi)
MAX_RENDER_PIXELS = 100_000_000  # a page larger than this (A0 at 300 dpi is 140 M) is refused, to bound memory
POINTS_PER_INCH = 72
MIN_RULE_POINTS = 14.0  # a ruling line is a run of ink at least this long (longer than any glyph stroke)
MAX_RULE_POINTS = 3.0  # ... and at most this thick (a filled shape is not a rule)
MIN_TABLE_POINTS = 12.0  # a table is at least this wide and high, one text line (a label | value row); less is a drawing
CELL_INSET_POINTS = 0.5  # a cell is cut this far inside its rules
CROP_MARGIN_PX = 12  # white border around each crop: Tesseract misreads glyphs touching the edge
TABLE_MARGIN_POINTS = 2.0  # ink this close to a table belongs to the table, not to loose text
MIN_CROPS_PER_PROCESS = 8  # Tesseract runs in parallel only when each run gets at least this many crops
SHORT_LINE_HEIGHTS = 4.0  # a line narrower than this many times its height (a few glyphs) is read again ...
DOUBTFUL_CONFIDENCE = 80.0  # ... and so is one whose words' mean confidence is below this
PAPER_PERCENTILE = 75  # a crop's paper is this percentile of its pixels that are not ink ...
SHADED_PAPER = 245  # ... and a crop on paper darker than this (a shaded cell) is brightened to white paper
LONE_GLYPH_HEIGHTS = 1.5  # a cell's only line, narrower than this many times its height, is one glyph
BESIDE_GAP_SHARE = 0.3  # a doubtful line read beside another of its cell is this share of a crop's height from it
STACK_GAP_SHARE = 0.5  # a cell's lines read as one block are this share of a line apart
MAX_LOST_LINE_POINTS = 36.0  # a fax's rule is joined across a gap at most this long (lost_line_gap)
COARSE_RULE_PAD_PX = 4  # a fax's rules are ragged: erased this far beyond their thickness (measured when closed)
BROKEN_PERIOD = regex.compile(r"月\s*[一ー－―~〜～-]\s*月")  # a month range without its second month's number
EDGE_BAND = 0.025  # loose text within this share of the page's height from its top or bottom is a fax header
DIGIT_GAP_SHARE = 1.5  # two digits join with a space only across an ink gap wider than this many line heights


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


def render(page: Any, dpi: int = RENDER_DPI) -> Image.Image:
    """Given a pdfplumber page, return it rendered in grey at `dpi`, or raise too_large."""
    pixels = page.width * page.height * (dpi / POINTS_PER_INCH) ** 2
    if pixels > MAX_RENDER_PIXELS:
        raise ExtractionError(
            "too_large", f"page {page.page_number} ({page.width:.0f}×{page.height:.0f} pt) is too large to OCR"
        )
    return page.to_image(resolution=dpi).original.convert("L")


def render_dpi(kind: ScanKind) -> int:
    """Given how a page was scanned, return the resolution to render it at: RENDER_DPI, but a bilevel scan
    coarser than that at BILEVEL_SCALE times its own resolution (150 → 300, 200 → 400 dpi). Each scan pixel
    is then a whole square of rendered pixels, which the fax clean-up (scan_prepare.py) is sized for; a
    200-dpi fax rendered at 300 has its strokes resampled 1, 2, 1, 2 px wide, and read 0.94 of its
    characters against 0.99 at 400."""
    if kind.bilevel and 0 < kind.dpi < RENDER_DPI:
        return round(BILEVEL_SCALE * kind.dpi)
    return RENDER_DPI


def deskewed(grey: np.ndarray, angle: float) -> np.ndarray:
    """Given a grey page image and its skew (skew_angle), return it turned so its lines run level."""
    if abs(angle) < SKEW_STEP_DEGREES / 2:
        return grey
    return np.asarray(Image.fromarray(grey).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))


@dataclass(frozen=True)
class PreparedPage:
    """A scanned page's image ready for OCR, the ink its rules are found in, and the turn that set it upright."""

    grey: np.ndarray
    rule_ink: np.ndarray
    second: np.ndarray | None  # a coarse scan's text smoothed before despeckling, for weak lines (likelier_readings)
    dpi: int  # what it was rendered at (render_dpi)
    turn: int  # degrees clockwise
    coarse: bool  # a bilevel scan (a fax)
    lost_line_gap: int = 0  # px: the longest stretch of a rule a fax's lost scan line can take (lost_line_gap)


def prepared(page: Any) -> PreparedPage:
    """Given a pdfplumber page, return its image rendered, turned upright, cleared of edge shadows, its uneven
    paper flattened, deskewed and cleared of specks; a coarse scan's text despeckled and its rules found
    in a closed copy (scan_prepare.py)."""
    kind = scan_kind(page)
    dpi = render_dpi(kind)
    image = render(page, dpi)
    turn = orientation(image, dpi)
    image = turned(image, turn)
    raw = np.asarray(image)
    raw = flattened(without_edge_shadows(raw, ink_mask(raw)))
    angle = skew_angle(ink_mask(raw))
    coarse = kind.bilevel  # a greyscale scan keeps its grey edges when rendered finer: it needs neither step
    if coarse:  # the median filter is a fax's despeckling: erase_specks, sized for 300 dpi, would take its ・ too
        grey = deskewed(np.asarray(despeckled(Image.fromarray(raw))), angle)
        second = deskewed(np.asarray(despeckled(smoothed(Image.fromarray(raw)))), angle)
        rule_ink = ink_mask(deskewed(np.asarray(closed(Image.fromarray(raw))), angle))
    else:
        grey, rule_ink, second = erase_specks(deskewed(raw, angle)), None, None
    return PreparedPage(grey, ink_mask(grey) if rule_ink is None else rule_ink, second, dpi, turn, coarse,
                        lost_line_gap(angle, kind.dpi, dpi) if coarse else 0)


def lost_line_gap(angle: float, scan_dpi: float, dpi: int) -> int:
    """Given a page's skew (degrees), its scan's resolution and the one it is rendered at, return how long a gap
    (rendered px) a lost scan line can leave in a ruling line: a rule skewed by `angle` keeps to one scan line
    for 1 / tan(angle) scan pixels, and a fax that lost that line lost that stretch of the rule (at most
    MAX_LOST_LINE_POINTS)."""
    if scan_dpi <= 0:
        return 0
    run = dpi / scan_dpi / np.tan(np.radians(max(abs(angle), SKEW_STEP_DEGREES)))
    return round(min(run, MAX_LOST_LINE_POINTS * dpi / POINTS_PER_INCH))


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
) -> list[tuple[Line, frozenset[int]]]:
    """Given one crop's words, its space gaps, its origin on the page (px) and points per pixel, return its Lines,
    each with the positions of its weak characters (those of words read with less than WEAK_CONFIDENCE).

    Two words join with a space when a space gap lies between their centres (between two
    digits, only a gap DIGIT_GAP_SHARE line heights wide: full-width digits are narrow glyphs
    in wide boxes, １２ is no `1 2`); a line's confidence is the mean of its words'.
    """
    x, y = origin
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        grouped.setdefault(word.key, []).append(word)
    lines = []
    for group in _same_rows(list(grouped.values())):
        # Tesseract's order, not by left edge: its boxes of Japanese words overlap (が inside 達成's)
        height = max(w.top + w.height for w in group) - min(w.top for w in group)
        parts, weak = [group[0].text], set(range(len(group[0].text)) if group[0].confidence < WEAK_CONFIDENCE else ())
        for before, word in zip(group, group[1:]):
            left_centre, right_centre = x + before.left + before.width / 2, x + word.left + word.width / 2
            widest = DIGIT_GAP_SHARE * height if before.text[-1].isdigit() and word.text[0].isdigit() else 0
            if any(left_centre < (start + end) / 2 < right_centre and end - start > widest for start, end in spaces):
                parts.append(" ")
            if word.confidence < WEAK_CONFIDENCE:
                offset = sum(map(len, parts))
                weak.update(range(offset, offset + len(word.text)))
            parts.append(word.text)
        bbox = (
            (x + group[0].left) * scale,
            (y + min(w.top for w in group)) * scale,
            (x + max(w.left + w.width for w in group)) * scale,
            (y + max(w.top + w.height for w in group)) * scale,
        )
        confidence = sum(w.confidence for w in group) / len(group)
        lines.append((Line("".join(parts), page, bbox, round(confidence, 1)), frozenset(weak)))
    return lines


def _same_rows(groups: list[list[Word]]) -> list[list[Word]]:
    """Given a crop's words grouped in Tesseract's lines, in its order, return them with consecutive lines
    that lie side by side (overlapping by half the lower one's height) joined: Tesseract now and then
    breaks one printed line into several."""
    rows: list[list[Word]] = []
    for group in groups:
        if rows:
            top, bottom = min(w.top for w in group), max(w.top + w.height for w in group)
            last_top, last_bottom = min(w.top for w in rows[-1]), max(w.top + w.height for w in rows[-1])
            if min(bottom, last_bottom) - max(top, last_top) >= 0.5 * min(bottom - top, last_bottom - last_top):
                rows[-1] = rows[-1] + group
                continue
        rows.append(group)
    return rows


def recognise(crops: Sequence[Image.Image], dpi: int, psm: str = PAGE_SEGMENTATION) -> list[list[Word]]:
    """Given cut-out images, return the words Tesseract reads in each (one list per crop, in order)."""
    return recognise_batches([(crops, psm)], dpi)[0]


def recognise_batches(batches: Sequence[tuple[Sequence[Image.Image], str]], dpi: int) -> list[list[list[Word]]]:
    """Given batches of cut-out images, each with its page segmentation mode, return the words of each crop.

    All crops go through a few Tesseract runs (a list file each), one per core and mode,
    all at once, rather than a process per crop: loading the Japanese model costs more
    than reading a cell.
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread per run: the runs are the parallelism
    words: list[list[list[Word]]] = [[[] for _ in crops] for crops, _ in batches]
    with tempfile.TemporaryDirectory(prefix="manifesto-ocr-") as folder:
        runs = []  # (batch, crop indices, process)
        for batch, (crops, psm) in enumerate(batches):
            if not crops:
                continue
            processes = max(1, min(os.cpu_count() or 1, len(crops) // MIN_CROPS_PER_PROCESS))
            for number in range(processes):
                chunk = list(range(number, len(crops), processes))
                names = []
                for index in chunk:
                    name = Path(folder, f"crop-{batch}-{index}.png")
                    crops[index].save(name, dpi=(dpi, dpi))
                    names.append(str(name))
                listing = Path(folder, f"list-{batch}-{number}.txt")
                listing.write_text("\n".join(names) + "\n", encoding="utf-8")
                command = [TESSERACT, str(listing), "stdout", "-l", LANGUAGE, "--psm", psm, "tsv"]
                runs.append((batch, chunk, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)))
        try:
            outputs = [run.communicate() for _, _, run in runs]
        finally:
            for _, _, run in runs:
                if run.poll() is None:
                    run.kill()
                    run.wait()
    for (batch, chunk, run), (out, err) in zip(runs, outputs):
        if run.returncode != 0:
            reason = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise ExtractionError("no_text_layer", f"OCR failed: tesseract exited {run.returncode}: {reason[0]}")
        for number, found in parse_tsv(out.decode("utf-8", "replace")).items():
            words[batch][chunk[number - 1]] = found
    return words


def mean_confidence(words: Sequence[Word]) -> float:
    """Given one crop's words, return their mean confidence (-1 when Tesseract read nothing)."""
    return sum(w.confidence for w in words) / len(words) if words else -1.0


def impossible(words: Sequence[Word]) -> bool:
    """Given one crop's words, return whether they read as no manifesto can print: a month range that lost
    a month's number (6月一月 for 6月～8月)."""
    return BROKEN_PERIOD.search("".join(w.text for w in words)) is not None


def beside(crop: Image.Image, other: Image.Image, after: bool) -> tuple[Image.Image, int, int]:
    """Given a crop and another line of its cell, return one image of both side by side (the crop `after` the
    other, or before it), BESIDE_GAP_SHARE of a line apart and aligned at the bottom, and where the crop's
    pixels start in it (x, y)."""
    height = max(crop.height, other.height)
    gap = round(BESIDE_GAP_SHARE * height)
    image = Image.new("L", (crop.width + gap + other.width, height), 255)
    x_crop, x_other = (other.width + gap, 0) if after else (0, crop.width + gap)
    image.paste(other, (x_other, height - other.height))
    image.paste(crop, (x_crop, height - crop.height))
    return image, x_crop, height - crop.height


def stacked(crops: Sequence[Image.Image]) -> tuple[Image.Image, list[tuple[int, int]]]:
    """Given the crops of one cell's lines, return them as one image, left-aligned, top to bottom,
    STACK_GAP_SHARE of a line apart, and where each crop's pixels start and end in it (y)."""
    margin = CROP_MARGIN_PX
    lines = [crop.crop((0, margin, crop.width, crop.height - margin)) for crop in crops]
    gap = round(STACK_GAP_SHARE * float(np.median([line.height for line in lines])))
    height = sum(line.height for line in lines) + gap * (len(lines) - 1) + 2 * margin
    image = Image.new("L", (max(crop.width for crop in crops), height), 255)
    spans, y = [], margin
    for line in lines:
        image.paste(line, (0, y))
        spans.append((y - margin, y + line.height + margin))  # the crop's own frame, margins included
        y += line.height + gap
    return image, spans


def reread_doubtful(
    crops: Sequence[Image.Image], boxes: Sequence[PixelBox], cells: Sequence[Sequence[int]],
    words: list[list[Word]], dpi: int,
) -> list[list[Word]]:
    """Given the crops, their boxes, the crops of each cell (indices, top to bottom) and the words read,
    return the words with doubtful crops read again and the most confident reading kept.

    Tesseract misreads a line of a few glyphs (上 as 雪, した。 as 層宏。, a lone 3 as に1) and,
    now and then, reads nothing at all on a clean line. Such a crop, short or read with low
    confidence, is read again three ways: as a raw line (--psm 13); beside another line of its
    cell (the same type size gives a short line its scale; the words over its own pixels are
    kept); and with its whole cell, the lines stacked with room between them (one block of one
    type size). Of the readings the one with the highest mean confidence wins: single readings
    err either way, but a misreading rarely comes with high confidence.
    """
    doubtful = [
        index for index, (left, top, right, bottom) in enumerate(boxes)
        if right - left < SHORT_LINE_HEIGHTS * (bottom - top) or mean_confidence(words[index]) < DOUBTFUL_CONFIDENCE
        or impossible(words[index])
    ]
    if not doubtful:
        return words
    cell_of = {index: cell for cell in cells for index in cell}
    neighbours = {}
    for index in doubtful:
        cell = cell_of[index]
        if len(cell) > 1:
            position = cell.index(index)
            neighbours[index] = cell[position - 1] if position else cell[1]
    paired = list(neighbours)
    joined = [beside(crops[i], crops[neighbours[i]], after=neighbours[i] < i) for i in paired]
    shared = list({id(cell_of[i]): cell_of[i] for i in doubtful if len(cell_of[i]) > 1}.values())
    stacks = [stacked([crops[i] for i in cell]) for cell in shared]
    raw, together = recognise_batches(
        [([crops[i] for i in doubtful], RAW_LINE),
         ([image for image, _, _ in joined] + [image for image, _ in stacks], PAGE_SEGMENTATION)],
        dpi,
    )
    readings: dict[int, list[list[Word]]] = {index: [words[index], found] for index, found in zip(doubtful, raw)}
    for index, (image, x, y), found in zip(paired, joined, together):
        own = [replace(w, left=w.left - x, top=w.top - y) for w in found
               if x <= w.left + w.width / 2 < x + crops[index].width]
        readings[index].append(own)
    for cell, (image, spans), found in zip(shared, stacks, together[len(joined):]):
        lines: list[list[Word]] = [[] for _ in cell]
        for w in found:
            middle = w.top + w.height / 2
            line = min(range(len(cell)), key=lambda k: max(spans[k][0] - middle, middle - spans[k][1], 0))
            lines[line].append(replace(w, top=w.top - spans[line][0]))
        for index, own in zip(cell, lines):
            if index in readings:
                readings[index].append(own)
    best = list(words)
    for index, candidates in readings.items():
        left, top, right, bottom = boxes[index]
        if len(cell_of[index]) == 1 and right - left < LONE_GLYPH_HEIGHTS * (bottom - top):
            digits = [c for c in candidates if len(c) == 1 and regex.fullmatch(r"\d", c[0].text)]
            candidates = digits or candidates  # a cell of one glyph is a score or a goal's number: 2, not る
        # a possible reading first, then the most confident; the first of equals: psm 6's own reading
        best[index] = max(candidates, key=lambda words: (not impossible(words), mean_confidence(words)))
    return best


# --- OCR's misreadings of the document's own markers and labels -----------------------------

# Tesseract reads the section brackets 〈〉 as く/</《, the ◎ before 部局目標N as @ or ⑥,
# an arrow alone on its line as a thin glyph, and the wave dash of a month range
# (6月～8月) as 一. The block finder keys on these markers, so they are put back; only
# whole markers are touched, never running text.
BULLET_READ = regex.compile(r"^\s*[・･•●○◆◇■□※]")  # a line that starts with a bullet read as one
DOT_READ = regex.compile(r"^\s*[.,·、。\-‐]\s*")  # what Tesseract reads a ・ bullet as, when it reads it at all
WAVE_DASH_READ = r"[一ー－―~〜～てへンソシノ]"  # what Tesseract reads the wave dash of 6月～8月 as
# between two months, any one or two marks but a word that joins them (と, や, から, 、) are the wave dash: 5月ご6月
BETWEEN_MONTHS = rf"(?:{WAVE_DASH_READ}|[^\d\s月とやか、・,\p{{Han}}])"


@dataclass(frozen=True)
class MarkerRepairs:
    """The marker repairs of one vocabulary's [ocr] words, compiled once."""

    lines: tuple[tuple[regex.Pattern[str], str], ...]  # each line's misread markers: pattern, replacement
    target: regex.Pattern[str]  # a line starting 〈達成目標〉, read well enough to place the arrow before it
    words: OcrWords

    @staticmethod
    @lru_cache(maxsize=16)
    def of(vocabulary: Vocabulary) -> MarkerRepairs:
        """Given a vocabulary, return its marker repairs (cached per vocabulary)."""
        words = OcrWords.of(vocabulary)
        section = "|".join(regex.escape(word) for word, _ in words.sections[:2])  # 現在の状態, 達成目標: bracketed
        target = regex.escape(words.sections[1][0]) if len(words.sections) > 1 else "(?!)"
        marker, symbol = regex.escape(words.marker_word), words.mark
        lines = (
            (regex.compile(rf"^\s*[く<〈《«(（\[【]\s*({section})\s*[>〉》»)）\]】]?"), r"〈\1〉"),
            (regex.compile(rf"^(〈(?:{section})〉)\s*[^\s〉]$"), r"\1"),  # 〉 read as a glyph: 〈達成目標ヶ
            (regex.compile(rf"^\s*({section})\s*[>〉》»)）\]】]"), r"〈\1〉"),
            (regex.compile(rf"^\s*[^\p{{Han}}\p{{Hiragana}}\p{{Katakana}}\s]{{1,3}}\s*({marker}\s*\d{{1,2}})"), symbol + r"\1"),
            (regex.compile(rf"^\s*[^{symbol}\s]{{1,3}}\s*({marker}\s*\d{{1,2}})\s*$"), symbol + r"\1"),  # alone: ぐ⑥部局目標2
            (regex.compile(r"^\s*[!！|｜¦lIi\\)）↓]\s*$"), "↓"),
            (regex.compile(rf"(\d\s*月)\s*{BETWEEN_MONTHS}{{0,2}}\s*(?=\d{{1,2}}\s*月)"), r"\1～"),
        )
        return MarkerRepairs(lines, regex.compile(rf"^\s*[〈<【\[(（■◆●《«]?\s*{target}"), words)


# Within a cell: a line of a few non-Japanese marks right before 〈達成目標〉 is the arrow ↓
# misread (|, }, J, 1!); a month range wrapped after its first month (…派遣 4月 / ～9月)
# lost its wave dash at the start of the second line, or had it read as て or 一 (also where
# the wrap is a page break, and the first month is in another cell); one wrapped after the
# dash (…支援 4月～ / 3月) had it read as て.
ARROW_MISREAD = regex.compile(r"^[^\p{Han}\p{Hiragana}\p{Katakana}\s]{1,3}$")
MONTH_AT_END = regex.compile(r"\d\s*月\s*$")
DASH_AT_END = regex.compile(rf"(\d\s*月)\s*{WAVE_DASH_READ}{{1,2}}\s*$")  # …支援 4月～ / 3月, ～ read as て
MONTH_AT_START = regex.compile(rf"^\s*{WAVE_DASH_READ}{{0,2}}\s*(?=\d{{1,2}}\s*月)")
DASH_MISREAD = regex.compile(rf"^\s*{WAVE_DASH_READ.replace('～', '')}{{1,2}}\s*(?=\d{{1,2}}\s*月)")  # no line starts so


def repair_markers(text: str, repairs: MarkerRepairs | None = None) -> str:
    """Given one OCR'd line (and the vocabulary's marker repairs: None, the built-in ones), return it with
    misread section, goal, arrow and range markers restored."""
    for pattern, replacement in (repairs or MarkerRepairs.of(load_vocabulary())).lines:
        text = pattern.sub(replacement, text)
    return text


def repair_cell(lines: Sequence[Line], repairs: MarkerRepairs | None = None) -> list[Line]:
    """Given one cell's OCR'd lines (markers repaired; the vocabulary's marker repairs, None: the built-in ones),
    return them with a misread arrow line and a wrapped month range's lost wave dash restored."""
    target = (repairs or MarkerRepairs.of(load_vocabulary())).target
    fixed = list(lines)
    for index, line in enumerate(fixed):
        text = line.text
        before = fixed[index - 1].text if index else ""
        after = fixed[index + 1].text if index + 1 < len(fixed) else ""
        if before and target.match(after) and ARROW_MISREAD.match(text.strip()):
            text = "↓"
        elif MONTH_AT_START.match(text) and (MONTH_AT_END.search(before) or DASH_MISREAD.match(text)):
            text = MONTH_AT_START.sub("～", text, count=1)
        elif DASH_AT_END.search(text) and MONTH_AT_START.match(after):
            text = DASH_AT_END.sub(r"\1～", text)
        if text != line.text:
            fixed[index] = replace(line, text=text)
    return fixed


# --- one page ------------------------------------------------------------------------------


def read_scanned_page(
    page: Any, page_no: int, first_table_id: int, vocabulary: Vocabulary | None = None
) -> tuple[list[Row], list[ReadWarning]]:
    """Given a pdfplumber page with no text layer (and the vocabulary it is read with: None, the built-in one),
    return its rows read by OCR (like layout.layout_rows) and warnings (a page scanned turned, a fax header
    left out, words repaired).

    Returns no rows when the page shows no ruled table: a manifesto is a table, and OCR
    of anything else (a photo, a drawing) would only make noise. Positions are points of
    the page turned upright.
    """
    scan = prepared(page)
    grey, warnings = scan.grey, []
    if scan.turn:
        message = f"the page was scanned turned (read after turning it {scan.turn}° clockwise)"
        warnings.append(ReadWarning(kind="page_turned", page=page_no, message=message))
    scale = (page.height if scan.turn in (90, 270) else page.width) / grey.shape[1]  # points per pixel
    ink = scan.rule_ink
    length, thickness = round(MIN_RULE_POINTS / scale), round(MAX_RULE_POINTS / scale)
    horizontal = horizontal_rules(ink, length, thickness)
    vertical = lone_vertical_rules(ink, vertical_rules(ink, length, thickness))
    if scan.coarse:  # closing clogs bold text into runs like rules: a rule has paper beside most of its length
        horizontal = extended_rules(ink, lone_vertical_rules(ink_mask(grey).T, horizontal), False, scan.lost_line_gap)
        vertical = extended_rules(ink, vertical, True, scan.lost_line_gap)
    pad = COARSE_RULE_PAD_PX if scan.coarse else RULE_PAD_PX
    grey = erase_rules(grey, horizontal, vertical, pad)
    second = None if scan.second is None else erase_rules(scan.second, horizontal, vertical, pad)
    ink = ink_mask(grey)
    vertical += between_row_rules(horizontal, vertical, ink, round(LONG_RULE / scale), round(RULE_SNAP / scale))
    tables = find_tables(page, *rule_lines(horizontal, vertical, scale))
    if not tables:
        return [], warnings

    inset = CELL_INSET_POINTS
    cell_boxes: list[BBox] = [box for table in tables for box in table.cells]
    cell_pixels = [_pixels((x0 + inset, top + inset, x1 - inset, bottom - inset), scale, ink.shape)
                   for x0, top, x1, bottom in cell_boxes]
    typical = typical_line_height(ink, cell_pixels)
    cell_groups = [cell_text_lines(ink, box, typical) for box in cell_pixels]
    outside = ink.copy()
    for table in tables:
        x0, top, x1, bottom = table.bbox
        margin = TABLE_MARGIN_POINTS
        left, upper, right, lower = _pixels((x0 - margin, top - margin, x1 + margin, bottom + margin), scale, ink.shape)
        outside[upper:lower, left:right] = False
    loose, edge_text = at_page_edge(loose_text_lines(outside, CELL_GAP), ink.shape[0])
    if edge_text:
        warnings.append(ReadWarning(kind="edge_text", page=page_no, message=(
            f"{edge_text} line(s) of ink along the page's top or bottom edge (a fax or copier header) left out")))

    repairs = MarkerRepairs.of(vocabulary or load_vocabulary())
    groups = cell_groups + [[box] for line in loose for box in line]
    read, repaired = read_boxes(grey, ink, groups, scale, page_no, repairs, second)
    warnings += repaired
    labels = repairs.words.labels + repairs.words.legend
    cells = {box: Cell(repair_label(repair_cell(lines, repairs), labels), page_no, box)
             for box, lines in zip(cell_boxes, read)}
    loose_read = iter(read[len(cell_boxes) :])
    loose_cells = [
        [Cell(tuple(lines), page_no, union(item.bbox for item in lines)) for lines in (next(loose_read) for _ in line) if lines]
        for line in loose
    ]
    return reading_order(tables, cells, loose_cells, page_no, first_table_id), warnings


def at_page_edge(lines: list[list[PixelBox]], height: int) -> tuple[list[list[PixelBox]], int]:
    """Given the loose text lines of a page `height` px high, return those inside its edge bands (EDGE_BAND)
    and how many lay within them: the header a fax machine or copier prints there is not the document's."""
    band = EDGE_BAND * height
    inside = [line for line in lines if min(b[1] for b in line) > band and max(b[3] for b in line) < height - band]
    return inside, len(lines) - len(inside)


def read_boxes(
    grey: np.ndarray, ink: np.ndarray, groups: Sequence[Sequence[PixelBox]], scale: float, page_no: int,
    repairs: MarkerRepairs, second: np.ndarray | None = None,
) -> tuple[list[list[Line]], list[ReadWarning]]:
    """Given the page image, its ink, groups of text-line boxes (one group per cell) and the marker repairs,
    return each group's Lines, their markers and misread words repaired, and a warning for each line whose
    words were repaired (ocr_repair.repaired_line)."""
    boxes = [box for group in groups for box in group]
    cells, first = [], 0
    for group in groups:
        cells.append(list(range(first, first + len(group))))
        first += len(group)
    crops = [_crop(grey, box) for box in boxes]
    dpi = round(POINTS_PER_INCH / scale)
    words = reread_doubtful(crops, boxes, cells, recognise(crops, dpi), dpi)
    if second is not None:
        words = likelier_readings(words, [_crop(second, box) for box in boxes], dpi)
    words = iter(words)
    found = [[words_to_lines(next(words), space_gaps(ink, box), (box[0] - CROP_MARGIN_PX, box[1] - CROP_MARGIN_PX),
                             scale, page_no) for box in group] for group in groups]
    own = page_words([(line.text, weak) for group in found for box in group for line, weak in box], repairs.words)
    read, warnings = [], []
    for group, group_found in zip(groups, found):
        lines = []
        for box, box_lines in zip(group, group_found):
            fixed = []
            for line, weak in box_lines:
                text = repaired_line(line.text, weak, repairs.words, own)
                if text != line.text:
                    warnings.append(ReadWarning(kind="ocr_word_repaired", page=page_no, message=(
                        f"OCR read {line.text!r}, repaired to {text!r} (a weak character read as a word "
                        "the dictionary or the page knows)")))
                fixed.append(replace(line, text=text))
            if fixed and starts_with_dot(grey, box) and not BULLET_READ.match(fixed[0].text):
                fixed[0] = replace(fixed[0], text="・" + DOT_READ.sub("", fixed[0].text, count=1))
            lines += fixed
        sections = repairs.words.sections
        read.append([replace(line, text=tidy_spacing(repair_section_marker(repair_markers(line.text, repairs), sections)))
                     for line in lines])
    return read, warnings


def likelier_readings(words: list[list[Word]], crops: Sequence[Image.Image], dpi: int) -> list[list[Word]]:
    """Given each crop's words and the same crops cut from a second image of the page (a fax's text smoothed
    before despeckling: scan_prepare.smoothed), return the words with each crop holding a weak word
    (WEAK_CONFIDENCE) read again from its second image, and the reading the dictionary finds likelier kept
    (ocr_repair.reading_cost). A fax that lost pixels at random has glyphs only one of the two images
    shows whole, and a misread glyph costs the dictionary more than the word it breaks; Tesseract's own
    confidence tells them apart less often (it reads 期等 for 期待 with 93)."""
    weak = [i for i, found in enumerate(words) if any(w.confidence < WEAK_CONFIDENCE for w in found)]
    if not weak:
        return words
    best = list(words)
    for index, found in zip(weak, recognise([crops[i] for i in weak], dpi)):
        if found and reading_cost("".join(w.text for w in found)) < reading_cost("".join(w.text for w in words[index])):
            best[index] = found
    return best


def _pixels(box: BBox, scale: float, shape: tuple[int, ...]) -> PixelBox:
    """Given a box in points, return it in pixels, clipped to the image."""
    height, width = shape[:2]
    left, top = max(0, int(box[0] / scale)), max(0, int(box[1] / scale))
    return (left, top, min(width, max(left, int(box[2] / scale))), min(height, max(top, int(box[3] / scale))))


def _crop(grey: np.ndarray, box: PixelBox) -> Image.Image:
    """Given the page and a box, return the box's image with a white margin around it.

    A shaded cell's paper is brightened to white first: the edge between grey paper and the
    white margin throws off Tesseract's threshold.
    """
    left, top, right, bottom = box
    margin = CROP_MARGIN_PX
    region = grey[top:bottom, left:right]
    paper = region[region >= INK_LEVEL]
    level = float(np.percentile(paper, PAPER_PERCENTILE)) if paper.size else 255.0
    if level < SHADED_PAPER:
        region = np.clip(region.astype(np.float32) * (255.0 / level), 0, 255).astype(np.uint8)
    framed = np.full((bottom - top + 2 * margin, right - left + 2 * margin), 255, dtype=np.uint8)
    framed[margin:-margin, margin:-margin] = region
    return Image.fromarray(framed)
