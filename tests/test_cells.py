"""The lean cell finder: pdfplumber's tables from ruling lines, cell for cell, on every page we have."""

from __future__ import annotations

from dataclasses import dataclass

import pdfplumber
import pytest
from pdfplumber.table import TableFinder, TableSettings

from conftest import ROOT, SAMPLES
from extract.cells import find_tables
from extract.layout import rules_at_cut_ends, rules_between_rows
from extract.read_pdf import plumber_objects
from test_layout import column, rule

PDFS = [p for p in sorted(SAMPLES.rglob("*.pdf")) + sorted((ROOT / "tests" / "fixtures").rglob("*.pdf"))
        if "scanned" not in p.parts]
LINES = TableSettings.resolve({"vertical_strategy": "lines", "horizontal_strategy": "lines"})


@dataclass(frozen=True)
class Ruled:
    """What pdfplumber's TableFinder reads of a page: its edges."""

    edges: list[dict]


def plumbers(edges: list[dict]) -> list[tuple]:
    """pdfplumber's own tables for these edges: each table's cells, rows and columns."""
    return [(t.cells, [r.cells for r in t.rows], [c.cells for c in t.columns], t.bbox)
            for t in TableFinder(Ruled(edges), LINES).tables]


def ours(edges: list[dict]) -> list[tuple]:
    return [(t.cells, [r.cells for r in t.rows], [c.cells for c in t.columns], t.bbox) for t in find_tables(edges)]


@pytest.mark.parametrize("path", PDFS, ids=[str(p.relative_to(ROOT)) for p in PDFS])
def test_cells_are_pdfplumbers_on_every_page(path):
    try:
        pdf = pdfplumber.open(path)
        pages = pdf.pages
    except Exception:  # an encrypted or broken fixture: no page to compare
        pytest.skip("pdfplumber cannot open it")
    with pdf:
        for page in pages:
            objects = plumber_objects(page)
            upright = [c for c in objects.chars if c["upright"]]
            edges = objects.edges + rules_between_rows(objects.edges, upright) + rules_at_cut_ends(objects.edges)
            assert ours(edges) == plumbers(edges), f"page {page.page_number}"


def test_a_grid_gives_its_cells_row_by_row():
    edges = [rule(0, 200, y) for y in (0, 20, 40)] + [column(x, 0, 40) for x in (0, 100, 200)]

    (table,) = find_tables(edges)

    assert table.cells == [(0, 0, 100, 20), (0, 20, 100, 40), (100, 0, 200, 20), (100, 20, 200, 40)]
    assert [row.cells for row in table.rows] == [[(0, 0, 100, 20), (100, 0, 200, 20)],
                                                 [(0, 20, 100, 40), (100, 20, 200, 40)]]


def test_rules_a_little_apart_snap_together_and_broken_rules_join():
    edges = [rule(0, 90, 0), rule(92, 200, 1.5), rule(0, 200, 40)] + [column(x, 0, 40) for x in (0, 101, 200)]

    assert ours(edges) == plumbers(edges)
    (table,) = find_tables(edges)
    assert table.cells == [(0, 0.75, 101, 40), (101, 0.75, 200, 40)]  # top rules snapped to their mean, joined


def test_a_merged_cell_leaves_its_other_slots_empty():
    edges = [rule(0, 200, 0), rule(100, 200, 20), rule(0, 200, 40)] + [column(x, 0, 40) for x in (0, 100, 200)]

    (table,) = find_tables(edges)

    assert [row.cells for row in table.rows] == [[(0, 0, 100, 40), (100, 0, 200, 20)], [None, (100, 20, 200, 40)]]


def test_short_and_lone_lines_make_no_table():
    assert find_tables([rule(0, 2, 0), column(0, 0, 2)]) == []
    assert find_tables([rule(0, 200, 0), rule(0, 200, 40)]) == []
