"""Table cells straight from a page's ruling lines: snap, join, intersections, cells, tables.

This is the mechanism of pdfplumber's `table.py` under the "lines" strategy (itself after
Nurminen's thesis), kept to what the reader uses: the same arithmetic, so the same cells
to the last bit, without its general-purpose overhead — no dict copied per edge moved,
intersections found by bisection rather than by testing every vertical edge against every
horizontal one, and connections between points looked up by edge number rather than by
comparing sets of edge boxes. tests/test_cells.py checks it against pdfplumber's
TableFinder on every page of every PDF we have.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from .document import BBox

# pdfplumber's defaults for the "lines" strategy (TableSettings)
SNAP_TOLERANCE = 3.0  # edges this close across are moved onto their average
JOIN_TOLERANCE = 3.0  # collinear edges whose ends are this close become one
MIN_LENGTH_BEFORE = 1.0  # edges shorter than this are ignored from the start
MIN_LENGTH = 3.0  # joined edges shorter than this are dropped
CROSS_TOLERANCE = 3.0  # a vertical and a horizontal edge this close meet

Edge = dict[str, Any]  # as the readers make them (layout.Edge): orientation, x0, x1, top, bottom, width, height
Segment = list[float]  # [position across, start, end, length]: x, top, bottom of a vertical edge; top, x0, x1 of a horizontal
Point = tuple[float, float]


@dataclass(frozen=True)
class CellGroup:
    """A row or column of a table: its cells left to right (or top to bottom), None where a merged cell covers it."""

    cells: list[BBox | None]

    @property
    def bbox(self) -> BBox:
        present = [cell for cell in self.cells if cell is not None]
        return (min(c[0] for c in present), min(c[1] for c in present),
                max(c[2] for c in present), max(c[3] for c in present))


@dataclass(frozen=True)
class Table:
    """Cells that share corners, in the order they were gathered, as pdfplumber's Table holds them."""

    cells: list[BBox]

    @property
    def bbox(self) -> BBox:
        return CellGroup(list(self.cells)).bbox

    @property
    def rows(self) -> list[CellGroup]:
        return self._groups(across=0)

    @property
    def columns(self) -> list[CellGroup]:
        return self._groups(across=1)

    def _groups(self, across: int) -> list[CellGroup]:
        """Rows (across=0: cells grouped by top, slotted by left edge) or columns (across=1: the converse)."""
        along = 1 - across
        slots = sorted({cell[across] for cell in self.cells})
        groups = []
        for _, members in groupby(sorted(self.cells, key=itemgetter(along, across)), key=itemgetter(along)):
            by_slot = {cell[across]: cell for cell in members}
            groups.append(CellGroup([by_slot.get(slot) for slot in slots]))
        return groups


def find_tables(edges: Iterable[Edge]) -> list[Table]:
    """Given a page's edges, return the tables their ruling lines draw, as pdfplumber's TableFinder finds them."""
    vertical, horizontal = [], []
    for edge in edges:
        if edge["orientation"] == "v" and edge["height"] >= MIN_LENGTH_BEFORE:
            vertical.append([edge["x0"], edge["top"], edge["bottom"], edge["height"]])
        elif edge["orientation"] == "h" and edge["width"] >= MIN_LENGTH_BEFORE:
            horizontal.append([edge["top"], edge["x0"], edge["x1"], edge["width"]])
    vertical, horizontal = _merge(vertical, keep_length=True), _merge(horizontal, keep_length=False)
    return [Table(cells) for cells in cells_to_tables(intersections_to_cells(*intersections(vertical, horizontal)))]


def _merge(segments: list[Segment], keep_length: bool) -> list[Segment]:
    """Snap segments onto the average position of their cluster, then join those on one line that touch.

    `keep_length`: a vertical edge's length is updated by the change of its end (pdfplumber
    resizes `height` so), a horizontal one's recomputed from its ends (its `width`).
    """
    snapped = _snap(segments)
    joined: list[Segment] = []
    for _, line in groupby(sorted(snapped, key=itemgetter(0)), key=itemgetter(0)):
        run: list[Segment] = []
        for segment in sorted(line, key=itemgetter(1)):
            if run and segment[1] <= run[-1][2] + JOIN_TOLERANCE:
                last = run[-1]
                if segment[2] > last[2]:
                    length = last[3] + (segment[2] - last[2]) if keep_length else segment[2] - last[1]
                    run[-1] = [last[0], last[1], segment[2], length]
            else:
                run.append(segment)
        joined += run
    return [segment for segment in joined if segment[3] >= MIN_LENGTH]


def _snap(segments: list[Segment]) -> list[Segment]:
    """Move each segment onto the mean position of its cluster (positions within SNAP_TOLERANCE, chained).

    The mean is summed in the segments' order and each is moved by (mean − its position),
    as pdfplumber's snap_objects does, so the positions it compares afterwards are the same floats.
    """
    positions = sorted({segment[0] for segment in segments})
    cluster: dict[float, int] = {}
    number = 0
    for before, position in zip([None, *positions], positions):
        if before is not None and position > before + SNAP_TOLERANCE:
            number += 1
        cluster[position] = number
    members: dict[int, list[Segment]] = {}
    for segment in segments:
        members.setdefault(cluster[segment[0]], []).append(segment)
    snapped = []
    for number in sorted(members):
        group = members[number]
        mean = sum(segment[0] for segment in group) / len(group)
        snapped += [[segment[0] + (mean - segment[0]), segment[1], segment[2], segment[3]] for segment in group]
    return snapped


def intersections(vertical: Sequence[Segment], horizontal: Sequence[Segment]) -> tuple[dict[Point, set[int]], dict[Point, set[int]]]:
    """Given merged vertical and horizontal segments, return the points where they meet within CROSS_TOLERANCE,
    each with the numbers of the vertical and of the horizontal segments through it."""
    across: dict[Point, set[int]] = {}
    down: dict[Point, set[int]] = {}
    by_top = sorted(range(len(horizontal)), key=lambda i: horizontal[i][0])
    tops = [horizontal[i][0] for i in by_top]
    for v, (x, top, bottom, _) in enumerate(vertical):
        low, high = bisect_left(tops, top - CROSS_TOLERANCE - 1), bisect_right(tops, bottom + CROSS_TOLERANCE + 1)
        for h in by_top[low:high]:
            y, x0, x1, _ = horizontal[h]
            if top <= y + CROSS_TOLERANCE and bottom >= y - CROSS_TOLERANCE and x0 - CROSS_TOLERANCE <= x <= x1 + CROSS_TOLERANCE:
                point = (x, y)
                down.setdefault(point, set()).add(v)
                across.setdefault(point, set()).add(h)
    return down, across


def intersections_to_cells(down: dict[Point, set[int]], across: dict[Point, set[int]]) -> list[BBox]:
    """Given the meeting points, return every smallest rectangle whose four sides run along ruling lines.

    For each point in (x, top) order: the nearest point below it on a shared vertical line
    and the nearest to its right on a shared horizontal line whose opposite corner is
    joined to both make its cell (pdfplumber's find_smallest_cell).
    """
    below: dict[float, list[float]] = {}
    right: dict[float, list[float]] = {}
    points = sorted(down)
    for x, y in points:
        below.setdefault(x, []).append(y)
        right.setdefault(y, []).append(x)

    def joined(p: Point, q: Point) -> bool:
        return (p[0] == q[0] and not down[p].isdisjoint(down[q])) or (p[1] == q[1] and not across[p].isdisjoint(across[q]))

    cells = []
    for point in points:
        x, y = point
        ys, xs = below[x], right[y]
        found = None
        for y2 in ys[bisect_right(ys, y):]:
            if not joined(point, (x, y2)):
                continue
            for x2 in xs[bisect_right(xs, x):]:
                corner = (x2, y2)
                if joined(point, (x2, y)) and corner in down and joined(corner, (x2, y)) and joined(corner, (x, y2)):
                    found = (x, y, x2, y2)
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def cells_to_tables(cells: Sequence[BBox]) -> list[list[BBox]]:
    """Given cells, return the groups of them that share corners (tables of two cells or more), top to bottom.

    Cells are gathered in passes over those left, each pass taking every cell with a corner
    among the table's so far, as pdfplumber does (the order of a table's cells is kept).
    """
    remaining = list(cells)
    tables: list[list[BBox]] = []
    while remaining:
        table = [remaining.pop(0)]
        corners = set(_corners(table[0]))
        grew = True
        while grew:
            grew = False
            left = []
            for cell in remaining:
                own = _corners(cell)
                if any(corner in corners for corner in own):
                    corners.update(own)
                    table.append(cell)
                    grew = True
                else:
                    left.append(cell)
            remaining = left
        tables.append(table)
    tables.sort(key=lambda table: min((c[1], c[0]) for c in table))
    return [table for table in tables if len(table) > 1]


def _corners(cell: BBox) -> tuple[Point, Point, Point, Point]:
    x0, top, x1, bottom = cell
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
