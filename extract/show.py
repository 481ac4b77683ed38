"""`manifesto show`: each value of a goal (or of the header) beside the crop of the page where it was printed.

The values and their provenance come from the Extraction (pure: `shown_values`); the
crops are rendered by crop.py and written as PNG files a reader opens next to the
values (`write_crops`), so a value can be checked against its document at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex

from .crop import BBox, crop_png
from .errors import UsageError
from .pipeline import Extraction

COLUMNS = ("field", "page", "bbox", "crop", "value")  # crop: the file name in the folder of crops
_PATH = regex.compile(r"^goals\[(\d+)\]\.(.+)$")


@dataclass(frozen=True)
class ShownValue:
    """One printed value: its field, where it was printed, and its text as the record holds it."""

    field: str
    page: int
    bbox: BBox
    value: str


def shown_values(extraction: Extraction, goal: int | None) -> list[ShownValue]:
    """Given an Extraction, return the traced values of goal number `goal` (None: the header's), in printed order (pure).

    Raises UsageError for a goal number the record does not have.
    """
    data = extraction.record.model_dump(mode="json")
    numbers = [g["number"] for g in data["goals"]]
    if goal is not None and goal not in numbers:
        raise UsageError(f"{extraction.record.source.file}: no goal {goal} (goals: {', '.join(map(str, numbers))})")
    shown = []
    for trace in extraction.traces:
        found = _PATH.match(trace.path)
        if goal is None and found is None:
            shown.append(ShownValue(trace.path, trace.page, trace.bbox, _text(data[trace.path])))
        elif goal is not None and found and numbers[int(found[1])] == goal:
            field = found[2]
            shown.append(ShownValue(field, trace.page, trace.bbox, _text(data["goals"][int(found[1])][field])))
    return shown


def _text(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(map(str, value))
    return "" if value is None else str(value)


def write_crops(pdf: bytes, values: list[ShownValue], out: Path, stem: str, *, password: str | None = None) -> list[Path]:
    """Write the crop of each value into folder `out` as STEM-FIELD-pPAGE.png and return the paths, in order."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for value in values:
        path = out / f"{stem}-{value.field}-p{value.page}.png"
        path.write_bytes(crop_png(pdf, value.page, value.bbox, password=password))
        paths.append(path)
    return paths
