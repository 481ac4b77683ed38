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

from .layout import BAND_COVER, MIN_RULES, SPACE_GAP

INK_LEVEL = 140  # grey values below this are ink; light cell shading (0xD0 and up) stays paper
MAX_SKEW_DEGREES = 3.0  # a scan fed more crooked than this is not straightened
SKEW_STEP_DEGREES = 0.05
SKEW_SAMPLE_WIDTH = 1200  # px: the skew is measured on a reduced copy, for speed
RULE_PAD_PX = 1  # a rule is erased this many px beyond its measured thickness
MIN_INK_PIXELS = 20  # a box with less ink than this is empty (JPEG specks)
FRAGMENT_SHARE = 0.5  # a text band lower than this share of the typical line joins its neighbour ...
FRAGMENT_GAP_SHARE = 0.5  # ... if one is at most this share of a line away
TALL_SHARE = 1.7  # a text band this many typical lines high is lines that touch (tight leading, bold) ...
SPLIT_INK_SHARE = 0.3  # ... split at rows holding at most this share of the band's usual ink per row
SPECK_RADIUS_PX = 2  # a speck is an ink blob that fits in a square of 2 × this + 1 px ...
SPECK_RING_PX = 3  # ... with no other ink this far around it ...
MAX_SPECK_PIXELS = 12  # ... and at most this many ink pixels (dust and toner, not 、 or ・)
COLUMN_GAP_GLYPHS = 1.5  # in a table without vertical rules, a blank gap this many glyph heights wide may part columns

PixelBox = tuple[int, int, int, int]  # left, top, right, bottom in pixels


# --- ink and skew ------------------------------------------------------------------------


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Given a grey image, return where the ink is (True = dark)."""
    return grey < INK_LEVEL


def window_sums(mask: np.ndarray, radius: int) -> np.ndarray:
    """Given a mask, return for each pixel how many True pixels the square of 2 × radius + 1 around it holds."""
    size = 2 * radius + 1
    padded = np.pad(mask.astype(np.int32), radius + 1)[: mask.shape[0] + size, : mask.shape[1] + size]
    table = padded.cumsum(axis=0).cumsum(axis=1)
    return table[size:, size:] - table[:-size, size:] - table[size:, :-size] + table[:-size, :-size]


def specks(ink: np.ndarray) -> np.ndarray:
    """Given an ink mask, return its specks: small blobs with no other ink close around them (scanner dust).

    A pixel is a speck's when all ink within SPECK_RADIUS_PX + SPECK_RING_PX of it lies within
    SPECK_RADIUS_PX and is at most MAX_SPECK_PIXELS: a glyph's parts (the dot of ・, the strokes
    of a dakuten) are larger or have ink near them.
    """
    inner = window_sums(ink, SPECK_RADIUS_PX)
    outer = window_sums(ink, SPECK_RADIUS_PX + SPECK_RING_PX)
    return ink & (inner == outer) & (inner <= MAX_SPECK_PIXELS)


def erase_specks(grey: np.ndarray) -> np.ndarray:
    """Given a grey image, return it with its specks (and the grey fringe a pixel around them) painted white."""
    found = specks(ink_mask(grey))
    if not found.any():
        return grey
    fringe = window_sums(found, 1) > 0
    clean = grey.copy()
    clean[fringe] = 255
    return clean


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


SIDE_GAP_PX = 2  # a rule's sides are looked at this many px beyond its thickness ...
SIDE_WIDTH_PX = 3  # ... over this width
MAX_SIDE_INK_SHARE = 0.75  # a "rule" with ink beside it along more than this share of its length is glyph strokes


def lone_vertical_rules(ink: np.ndarray, rules: Sequence[Rule]) -> list[Rule]:
    """Given an ink mask and vertical rules, return those that stand alone: a rule has blank paper beside it
    but where other rules cross it or text touches it, while the upright strokes of bold glyphs stacked
    in tight rows (部 over 役 over 氏, joined through the rules between the rows) have ink beside them all along."""
    kept = []
    for rule in rules:
        near, far = rule.first - SIDE_GAP_PX, rule.last + 1 + SIDE_GAP_PX
        left = ink[rule.start : rule.end, max(0, near - SIDE_WIDTH_PX) : max(0, near)]
        right = ink[rule.start : rule.end, far : far + SIDE_WIDTH_PX]
        beside = np.zeros(rule.end - rule.start, dtype=bool)
        for side in (left, right):
            if side.size:
                beside |= side.any(axis=1)
        if not len(beside) or beside.mean() <= MAX_SIDE_INK_SHARE:
            kept.append(rule)
    return kept


RULE_BREAK_PX = 6  # a rule is followed on across breaks in its ink this long (a fax's lost pixels and scan lines)
RULE_ALIGN_PX = 3  # pieces of one rule lie at most this far apart across it


def extended_rules(ink: np.ndarray, rules: Sequence[Rule], vertical: bool, max_gap: int = 0) -> list[Rule]:
    """Given an ink mask and rules found in it, return the rules followed on through the ink at each end, and
    pieces of one rule that then overlap, or lie at most `max_gap` px apart, joined: where text touched a rule
    (and its piece was dropped as a glyph stroke) or a fax lost a stretch of it, the rule is whole again."""
    along = ink if vertical else ink.T  # rows along the rule
    grown = []
    for rule in rules:
        line = along[:, rule.first : rule.last + 1].any(axis=1)
        start, end = rule.start, rule.end
        while start > 0 and line[max(0, start - RULE_BREAK_PX) : start].any():
            start -= 1
        while end < len(line) and line[end : end + RULE_BREAK_PX].any():
            end += 1
        grown.append(Rule(start, end, rule.first, rule.last))
    joined: list[Rule] = []
    for rule in sorted(grown, key=lambda r: (r.first, r.start)):
        same = next((index for index, r in enumerate(joined) if abs(r.first - rule.first) <= RULE_ALIGN_PX
                     and rule.start <= r.end + max_gap and r.start <= rule.end + max_gap), None)
        if same is None:
            joined.append(rule)
        else:
            r = joined[same]
            joined[same] = Rule(min(r.start, rule.start), max(r.end, rule.end), min(r.first, rule.first), max(r.last, rule.last))
    return joined


def erase_rules(grey: np.ndarray, horizontal: Sequence[Rule], vertical: Sequence[Rule], pad: int = RULE_PAD_PX) -> np.ndarray:
    """Given a grey image and its rules, return a copy with the rules painted white (they are not text),
    `pad` px beyond their measured thickness."""
    clean = grey.copy()
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


def text_bands(rows: np.ndarray, typical: float | None = None) -> list[tuple[int, int]]:
    """Given how much ink each pixel row holds (or whether it holds any), return the text lines as (top, bottom) row spans.

    Lines are split at blank rows. A band much lower than the others (a glyph such as
    二 or 三 whose strokes leave blank rows, or a stray mark) joins its nearer neighbour
    when that is close (FRAGMENT_GAP_SHARE of a line): a speck far from any line stays alone.
    Given the page's `typical` line height, a band TALL_SHARE of it or more is split where
    its rows hold little ink: lines set so tight (bold headers) that no blank row parts them.
    """
    bands = _spans(rows > 0)
    if typical:
        bands = [part for band in bands for part in split_tall_band(rows, band, typical)]
    if len(bands) < 2:
        return bands
    usual = float(np.median([bottom - top for top, bottom in bands]))
    merged = list(bands)
    while len(merged) > 1:
        joins = []  # (height, band, the neighbour it joins) of each fragment close to a neighbour
        for index, (top, bottom) in enumerate(merged):
            if bottom - top >= FRAGMENT_SHARE * usual:
                continue
            gaps = [(merged[index][0] - merged[index - 1][1], index - 1)] if index else []
            gaps += [(merged[index + 1][0] - merged[index][1], index + 1)] if index + 1 < len(merged) else []
            gap, other = min(gaps)
            if gap <= FRAGMENT_GAP_SHARE * usual:
                joins.append((bottom - top, index, other))
        if not joins:
            break
        _, low, other = min(joins)
        first, second = sorted((low, other))
        merged[first : second + 1] = [(merged[first][0], merged[second][1])]
    return merged


def split_tall_band(rows: np.ndarray, band: tuple[int, int], typical: float) -> list[tuple[int, int]]:
    """Given ink per row, one band and the typical line height, return the band as the lines it holds.

    A band about k typical lines high is cut at the least-inked row near each of its k - 1
    line boundaries, if that row holds at most SPLIT_INK_SHARE of the band's median row ink
    (two touching lines thin out between them; one large line does not).
    """
    top, bottom = band
    parts = round((bottom - top) / typical)
    if (bottom - top) < TALL_SHARE * typical or parts < 2 or rows.dtype == bool:
        return [band]
    usual = float(np.median(rows[top:bottom]))
    cuts = []
    for k in range(1, parts):
        expected = top + round(k * (bottom - top) / parts)
        lo, hi = max(top + 1, expected - round(typical / 3)), min(bottom - 1, expected + round(typical / 3))
        if lo >= hi:
            continue
        cut = lo + int(np.argmin(rows[lo:hi]))
        if rows[cut] <= SPLIT_INK_SHARE * usual:
            cuts.append(cut)
    edges = [top, *cuts, bottom]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


def ink_box(ink: np.ndarray, box: PixelBox) -> PixelBox | None:
    """Given an ink mask and a box, return the box shrunk to its ink, or None when it holds (almost) none."""
    left, top, right, bottom = box
    region = ink[top:bottom, left:right]
    if region.sum() < MIN_INK_PIXELS:
        return None
    rows, columns = np.flatnonzero(region.any(axis=1)), np.flatnonzero(region.any(axis=0))
    return (left + int(columns[0]), top + int(rows[0]), left + int(columns[-1]) + 1, top + int(rows[-1]) + 1)


def cell_text_lines(ink: np.ndarray, box: PixelBox, typical: float | None = None) -> list[PixelBox]:
    """Given an ink mask, a cell's box and the page's typical line height, return the box of each text line in it."""
    left, top, right, bottom = box
    bands = text_bands(ink[top:bottom, left:right].sum(axis=1), typical)
    found = (ink_box(ink, (left, top + band_top, right, top + band_bottom)) for band_top, band_bottom in bands)
    return [line for line in found if line is not None]


def loose_text_lines(ink: np.ndarray, cell_gap: float) -> list[list[PixelBox]]:
    """Given an ink mask with the tables blanked, return its text lines, each as boxes split at wide gaps.

    Within a line, a gap wider than `cell_gap` times the line's height separates two
    cells, as layout.py splits loose text.
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


def typical_line_height(ink: np.ndarray, boxes: Sequence[PixelBox]) -> float | None:
    """Given an ink mask and boxes (cells), return the median height of the text lines in them (None: no text)."""
    heights = [
        bottom - top
        for left, top, right, bottom in boxes
        for top, bottom in text_bands(ink[top:bottom, left:right].any(axis=1))
    ]
    return float(np.median(heights)) if heights else None


def glyph_height(region: np.ndarray) -> float | None:
    """Given the ink of a region, return the median height of its ink in each run of inked columns (≈ a glyph's)."""
    heights = [
        bottom - top
        for left, right in _spans(region.any(axis=0))
        for top, bottom in _spans(region[:, left:right].any(axis=1))
    ]
    return float(np.median(heights)) if heights else None


# --- tables ruled between rows only ---------------------------------------------------


def _extent_groups(rules: Sequence[Rule], snap: int) -> list[list[Rule]]:
    """Given horizontal rules, return them grouped by extent (both ends within `snap` px), each top to bottom."""
    groups: list[list[Rule]] = []
    for rule in sorted(rules, key=lambda r: (r.start, r.first)):
        group = next((g for g in groups if abs(g[0].start - rule.start) <= snap and abs(g[0].end - rule.end) <= snap), None)
        if group is None:
            groups.append([rule])
        else:
            group.append(rule)
    return [sorted(group, key=lambda r: r.first) for group in groups]


def between_row_rules(
    horizontal: Sequence[Rule], vertical: Sequence[Rule], ink: np.ndarray, min_length: int, snap: int
) -> list[Rule]:
    """Given a page's rules and its ink (rules erased), return the vertical rules a table ruled between rows only lacks.

    The image counterpart of layout.rules_between_rows: horizontal rules at least
    `min_length` long sharing one extent, MIN_RULES or more, are such a table. A band between
    two of them gets rules at the table's ends where no vertical rule crosses it and, where
    none crosses it at all, in the gaps its ink leaves blank from rule to rule. The ink gives
    no space characters, so a gap counts only when it is wider than COLUMN_GAP_GLYPHS glyph
    heights and a neighbouring band has a gap there too (columns run through a table; a space
    in one name does not): the rule goes in the middle of the two gaps' common part. A band
    between two ruled tables (vertical rules end at its top and start at its bottom) is left alone.
    """
    added: list[Rule] = []
    for group in _extent_groups([r for r in horizontal if r.end - r.start >= min_length], snap):
        if len(group) < MIN_RULES:
            continue
        x0, x1 = min(r.start for r in group), max(r.end for r in group)
        near = [v for v in vertical if x0 - snap <= (v.first + v.last) / 2 <= x1 + snap]
        bands = [(above.last + 1, below.first) for above, below in zip(group, group[1:]) if below.first > above.last + 1]
        gaps: list[list[tuple[int, int]]] = []
        for top, bottom in bands:
            gaps.append(_band_gaps(ink[top:bottom, x0:x1], x0))
        for index, (top, bottom) in enumerate(bands):
            crossing = [(v.first + v.last) / 2 for v in near if min(v.end, bottom) - max(v.start, top) >= BAND_COVER * (bottom - top)]
            xs = [x for x in (x0, x1) if all(abs(x - c) > snap for c in crossing)]
            if not xs or not ink[top:bottom, x0:x1].any():
                continue
            from_above = any(abs(v.end - top) <= snap and v.start < top - snap for v in near)
            from_below = any(abs(v.start - bottom) <= snap and v.end > bottom + snap for v in near)
            if not crossing and from_above and from_below:
                continue
            if not crossing:
                neighbours = [g for i in (index - 1, index + 1) if 0 <= i < len(gaps) for g in gaps[i]]
                xs += _shared_gap_middles(gaps[index], neighbours)
            for x in sorted(set(xs)):
                if all(abs(x - r.first) > snap or r.start != top for r in added):
                    added.append(Rule(top, bottom, x, x))
    return added



def _shared_gap_middles(own: Sequence[tuple[int, int]], neighbours: Sequence[tuple[int, int]]) -> list[int]:
    """Given a band's gaps and its neighbouring bands' gaps, return one x per column boundary they share.

    Each common part of an own gap and a neighbour's is a boundary; common parts that overlap
    (the bands above and below agree, a little apart) are one, placed in the middle of their
    overlap. An own gap wider than a column (an empty cell) may share two boundaries.
    """
    commons = sorted(
        (max(start, other_start), min(end, other_end))
        for start, end in own
        for other_start, other_end in neighbours
        if max(start, other_start) < min(end, other_end)
    )
    merged: list[list[int]] = []  # [start, end] of the overlap of a run of overlapping common parts
    for start, end in commons:
        if merged and start < merged[-1][1]:
            merged[-1] = [max(merged[-1][0], start), min(merged[-1][1], end)]
        else:
            merged.append([start, end])
    return [(start + end) // 2 for start, end in merged]


def _band_gaps(region: np.ndarray, offset: int) -> list[tuple[int, int]]:
    """Given the ink of one band between two rules, return the x spans (page px) blank from its top to its bottom,
    with ink on both sides, wider than COLUMN_GAP_GLYPHS glyph heights."""
    height = glyph_height(region)
    if height is None:
        return []
    blank = _spans(~region.any(axis=0))
    return [
        (offset + start, offset + end)
        for start, end in blank
        if start > 0 and end < region.shape[1] and end - start > COLUMN_GAP_GLYPHS * height
    ]


DOT_SHARE = 0.35  # a middle dot is at most this share of its line's height wide and high, centred on the line
DOT_INK_LEVEL = 200  # a bullet dot is small: JPEG and resampling leave it lighter than other ink ...
MIN_DOT_PIXELS = 4  # ... but it is a blob of at least this many pixels, not a grain of noise


def starts_with_dot(grey: np.ndarray, box: PixelBox) -> bool:
    """Given a grey image and a text line's box, return whether the line starts with a middle dot (a ・ bullet):
    a small blob centred on the line, apart from the next glyph. The dot may be too light to count as
    ink (DOT_INK_LEVEL), so it is looked for up to a line height left of the box too."""
    left, top, right, bottom = box
    height = bottom - top
    reach = max(0, left - height)
    region = grey[top:bottom, reach:right] < DOT_INK_LEVEL
    columns = _spans(region.any(axis=0), gap=round(DOT_SHARE / 4 * height))  # a light dot may break up
    if len(columns) < 2 or height <= 0 or columns[0][0] == 0:
        return False
    (start, end), (following, _) = columns[0], columns[1]
    rows = np.flatnonzero(region[:, start:end].any(axis=1))
    blob_top, blob_bottom = int(rows[0]), int(rows[-1]) + 1
    middle = (blob_top + blob_bottom) / 2
    return (
        int(region[:, start:end].sum()) >= MIN_DOT_PIXELS
        and end - start <= DOT_SHARE * height
        and blob_bottom - blob_top <= DOT_SHARE * height
        and abs(middle - height / 2) <= DOT_SHARE / 2 * height
        and following - end >= DOT_SHARE / 2 * height
    )
