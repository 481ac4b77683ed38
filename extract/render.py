"""Turn result rows into text: a table for people to read, CSV or JSON for programs.

Only the table shortens anything: each cell is put on one line (runs of whitespace
become one space) and cut to CELL_WIDTH display columns (a Japanese character takes
two), so rows stay one line wide. Columns of numbers align right; a column holding
text is never read as numbers (a code like 0123 keeps its zero). CSV, JSON and JSON
Lines (one object a line, for `jq` and streaming readers) carry every value whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from itertools import accumulate

FORMATS = ("table", "csv", "json", "jsonl")
CELL_WIDTH = 48


def render(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt: str = "table") -> str:
    """Given column names and rows, return them as text in format `fmt` (one of FORMATS)."""
    if fmt == "jsonl":
        return "\n".join(json.dumps(dict(zip(columns, row)), ensure_ascii=False) for row in rows)
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    if fmt == "table":
        from tabulate import tabulate  # with wcwidth and importlib.metadata, 0.05 s: only for tables, not every command

        cells = [[table_cell(value) for value in row] for row in rows]
        texts = [index for index in range(len(columns)) if any(isinstance(row[index], str) for row in cells)]
        count = f"({len(rows)} row{'' if len(rows) == 1 else 's'})"
        return tabulate(cells, headers=list(columns), disable_numparse=texts) + "\n" + count
    raise ValueError(f"unknown format {fmt!r}, expected one of {FORMATS}")


def table_cell(value: object) -> object:
    """Given a value, return a number or None as it is, else text on one line cut with … to CELL_WIDTH display columns."""
    if value is None or isinstance(value, int | float):
        return value
    from wcwidth import wcwidth

    text = " ".join(str(value).split())
    widths = [max(wcwidth(char), 0) for char in text]
    if sum(widths) <= CELL_WIDTH:
        return text
    cut = next(index for index, total in enumerate(accumulate(widths)) if total > CELL_WIDTH - 1)
    return text[:cut] + "…"
