"""Do two readers give the same records? Each sample of the corpus read with both, compared value for value.

A record counts as identical when its every value, and the page each value is traced
to, is the same (boxes may differ: readers measure them in different float precision);
a file that fails must fail with the same error kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from extract.errors import ExtractionError
from extract.pipeline import extract_file

CONTEXT = 12  # characters shown either side of where two values first differ


def outcome(path: Path, reader: str) -> tuple:
    """What a reader makes of a file: its record's values and their pages, or its error kind."""
    try:
        extraction = extract_file(path, reader=reader)[0]  # the file's first manifesto (a booklet's first part)
    except ExtractionError as error:
        return ("error", error.kind)
    record = extraction.record.model_dump(mode="json")
    return ("record", record, [(trace.path, trace.page) for trace in extraction.traces])


def first_difference(mine: tuple, theirs: tuple) -> str | None:
    """Given two outcomes, return where they first differ (a field name, 'provenance' or the error kinds), else None."""
    if mine == theirs:
        return None
    if mine[0] != theirs[0] or mine[0] == "error":
        return f"{mine[:2]} against {theirs[:2]}"
    for key in theirs[1]:
        if mine[1].get(key) != theirs[1][key]:
            a, b = str(mine[1].get(key)), str(theirs[1][key])
            at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            start = max(0, at - CONTEXT)
            return f"{key}: {a[start:at + CONTEXT]!r} against {b[start:at + CONTEXT]!r}"
    return "provenance (the pages values are traced to)"


def compare(files: Sequence[Path], reader: str, against: str) -> dict:
    """Read each file with `reader` and `against`; return how many agree and, per file that does not, where."""
    differing = {}
    for path in files:
        found = first_difference(outcome(path, reader), outcome(path, against))
        if found is not None:
            differing[path.name] = found
    return {"reader": reader, "against": against, "files": len(files), "identical": len(files) - len(differing),
            "differing": differing}
