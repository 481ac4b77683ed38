"""What a scanned page shows, found in its pixels: ink, skew, ruling lines and text lines.

Pure functions over numpy images (True = ink in a mask), returning angles and boxes
in pixels; ocr.py turns them into tables, crops and PDF points. No OpenCV: the rules
of a printed table are straight, axis-parallel, long and thin, and the text lines of a
cell are separated by blank pixel rows, so runs and projections of dark pixels are all
it takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .read_pdf import SPACE_GAP

INK_LEVEL = 140  # grey values below this are ink; light cell shading (0xD0 and up) stays paper
MAX_SKEW_DEGREES = 3.0  # a scan fed more crooked than this is not straightened
SKEW_STEP_DEGREES = 0.05
SKEW_SAMPLE_WIDTH = 1200  # px: the skew is measured on a reduced copy, for speed
RULE_PAD_PX = 1  # a rule is erased this many px beyond its measured thickness
MIN_INK_PIXELS = 20  # a box with less ink than this is empty (JPEG specks)
FRAGMENT_SHARE = 0.5  # a text band lower than this share of the typical line joins its neighbour

PixelBox = tuple[int, int, int, int]  # left, top, right, bottom in pixels


# --- ink and skew ------------------------------------------------------------------------


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Given a grey image, return where the ink is (True = dark)."""
    return grey < INK_LEVEL


def skew_angle(ink: np.ndarray) -> float:
    """Given an ink mask, return the rotation (degrees, counter-clockwise) that levels its lines.

    The angle is the one under which ink gathers into the fewest rows (the largest sum
    of squared row counts): text lines and rules all run level. For angles this small a
    rotation is a shear, so each candidate costs one histogram of the ink's rows.
    """
    factor = max(1, ink.shape[1] // SKEW_SAMPLE_WIDTH)
    ys, xs = np.nonzero(ink[::factor, ::factor])
    if not len(ys):
        return 0.0
    angles = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + SKEW_STEP_DEGREES / 2, SKEW_STEP_DEGREES)

    def levelness(angle: float) -> float:
        rows = np.round(ys - xs * np.tan(np.radians(angle))).astype(np.int64)
        return float(np.square(np.bincount(rows - rows.min()).astype(np.float64)).sum())

    return round(float(max(angles, key=levelness)), 2)


# --- ruling lines --------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A ruling line found in the image: along-axis span and across-axis thickness, in pixels."""

    start: int  # first pixel along the line
    end: int  # one past the last
    first: int  # first row (horizontal) or column (vertical) across it
    last: int  # last row or column across it


def long_runs(ink: np.ndarray, min_length: int) -> list[tuple[int, int, int]]:
    """Given an ink mask, return (row, start, end) of every horizontal run of ink at least `min_length` long."""
    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    steps = np.diff(padded, axis=1)
    starts = np.argwhere(steps == 1)
    ends = np.argwhere(steps == -1)
    keep = ends[:, 1] - starts[:, 1] >= min_length
    return [(int(row), int(start), int(end)) for (row, start), (_, end) in zip(starts[keep], ends[keep])]


def horizontal_rules(ink: np.ndarray, min_length: int, max_thickness: int) -> list[Rule]:
    """Given an ink mask, return its horizontal rules: runs at least `min_length` long, at most `max_thickness` thick.

    A rule's rows may step by a pixel where it is not perfectly level, so each row is
    first merged with its neighbours; runs in adjacent rows that overlap are one rule.
    """
    thick = ink.copy()
    thick[1:] |= ink[:-1]
    thick[:-1] |= ink[1:]
    rules: list[list[int]] = []  # [start, end, first row, last row]
    open_rules: list[list[int]] = []
    for row, start, end in long_runs(thick, min_length):
        open_rules = [r for r in open_rules if r[3] >= row - 1]
        for rule in open_rules:
            if start < rule[1] and rule[0] < end:
                rule[0], rule[1], rule[3] = min(rule[0], start), max(rule[1], end), row
                break
        else:
            rule = [start, end, row, row]
            rules.append(rule)
            open_rules.append(rule)
    # the neighbour merge widened each rule by a row on either side
    return [
        Rule(start, end, first + 1, last - 1)
        for start, end, first, last in rules
        if 2 <= last - first <= max_thickness + 2
    ]


def vertical_rules(ink: np.ndarray, min_length: int, max_thickness: int) -> list[Rule]:
    """Given an ink mask, return its vertical ruling lines (start/end are rows, first/last columns)."""
    return horizontal_rules(ink.T, min_length, max_thickness)


def erase_rules(grey: np.ndarray, horizontal: Sequence[Rule], vertical: Sequence[Rule]) -> np.ndarray:
    """Given a grey image and its rules, return a copy with the rules painted white (they are not text)."""
    clean = grey.copy()
    pad = RULE_PAD_PX
    for rule in horizontal:
        clean[max(0, rule.first - pad) : rule.last + pad + 1, rule.start : rule.end] = 255
    for rule in vertical:
        clean[rule.start : rule.end, max(0, rule.first - pad) : rule.last + pad + 1] = 255
    return clean


# --- text lines ----------------------------------------------------------------------


def _spans(flags: np.ndarray, gap: int = 0) -> list[tuple[int, int]]:
    """Given a run of booleans, return (start, end) of its True spans, joining spans apart by at most `gap`."""
    padded = np.concatenate(([0], flags.astype(np.int8), [0]))
    steps = np.diff(padded)
    spans: list[list[int]] = []
    for start, end in zip(np.flatnonzero(steps == 1), np.flatnonzero(steps == -1)):
        if spans and start - spans[-1][1] <= gap:
            spans[-1][1] = int(end)
        else:
            spans.append([int(start), int(end)])
    return [(start, end) for start, end in spans]


def text_bands(rows: np.ndarray) -> list[tuple[int, int]]:
    """Given which pixel rows hold ink, return the text lines as (top, bottom) row spans.

    Lines are split at blank rows. A band much lower than the others (a glyph such as
    二 or 三 whose strokes leave blank rows, or a stray mark) joins its nearer neighbour.
    """
    bands = _spans(rows)
    if len(bands) < 2:
        return bands
    typical = float(np.median([bottom - top for top, bottom in bands]))
    merged = list(bands)
    while len(merged) > 1:
        heights = [bottom - top for top, bottom in merged]
        low = min(range(len(merged)), key=lambda i: heights[i])
        if heights[low] >= FRAGMENT_SHARE * typical:
            break
        gap_above = merged[low][0] - merged[low - 1][1] if low > 0 else None
        gap_below = merged[low + 1][0] - merged[low][1] if low + 1 < len(merged) else None
        other = low - 1 if gap_below is None or (gap_above is not None and gap_above <= gap_below) else low + 1
        first, second = sorted((low, other))
        merged[first : second + 1] = [(merged[first][0], merged[second][1])]
    return merged


def ink_box(ink: np.ndarray, box: PixelBox) -> PixelBox | None:
    """Given an ink mask and a box, return the box shrunk to its ink, or None when it holds (almost) none."""
    left, top, right, bottom = box
    region = ink[top:bottom, left:right]
    if region.sum() < MIN_INK_PIXELS:
        return None
    rows, columns = np.flatnonzero(region.any(axis=1)), np.flatnonzero(region.any(axis=0))
    return (left + int(columns[0]), top + int(rows[0]), left + int(columns[-1]) + 1, top + int(rows[-1]) + 1)


def cell_text_lines(ink: np.ndarray, box: PixelBox) -> list[PixelBox]:
    """Given an ink mask and a cell's box, return the box of each text line in it, top to bottom."""
    left, top, right, bottom = box
    bands = text_bands(ink[top:bottom, left:right].any(axis=1))
    found = (ink_box(ink, (left, top + band_top, right, top + band_bottom)) for band_top, band_bottom in bands)
    return [line for line in found if line is not None]


def loose_text_lines(ink: np.ndarray, cell_gap: float) -> list[list[PixelBox]]:
    """Given an ink mask with the tables blanked, return its text lines, each as boxes split at wide gaps.

    Within a line, a gap wider than `cell_gap` times the line's height separates two
    cells, as read_pdf splits loose text.
    """
    lines = []
    for top, bottom in text_bands(ink.any(axis=1)):
        columns = _spans(ink[top:bottom].any(axis=0), int(cell_gap * (bottom - top)))
        found = [box for box in (ink_box(ink, (left, top, right, bottom)) for left, right in columns) if box]
        if found:
            lines.append(found)
    return lines


def space_gaps(ink: np.ndarray, box: PixelBox) -> list[tuple[int, int]]:
    """Given an ink mask and a text line's box, return the x spans (page px) of the gaps that read as spaces.

    A space is a blank gap wider than SPACE_GAP of the line's height, the text-layer
    reader's rule. It is measured on the ink, because Tesseract's word boxes for
    Japanese overlap and gape at random.
    """
    left, top, right, bottom = box
    blank = ~ink[top:bottom, left:right].any(axis=0)
    return [(left + start, left + end) for start, end in _spans(blank) if end - start > SPACE_GAP * (bottom - top)]
