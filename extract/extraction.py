"""What parsing a file gives for each manifesto in it: an Extraction (its record and where each value was printed),
or a FailedPart (a booklet's manifesto that gave none, and why).

Kept apart from pipeline.py, which imports every reader, so that the batch's main process,
which stores these and parses nothing, starts without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import ExtractionError

if TYPE_CHECKING:  # the models and the builder, which the batch's main process does not import
    from .build import Trace
    from .models import Manifesto


@dataclass(frozen=True)
class Extraction:
    """A record with the provenance of its values."""

    record: Manifesto
    traces: list[Trace]

    def as_json(self, *, provenance: bool = False) -> dict:
        """Return the record as JSON-ready data (what `manifesto extract` prints).

        With `provenance`, the record also carries `provenance`: where each value was
        printed, `{"path": "goals[0].mission", "page": 1, "bbox": [x0, top, x1, bottom],
        "confidence": null}` (PDF points from the page's top-left; OCR confidence 0-100).
        """
        data = self.record.model_dump(mode="json")
        if provenance:
            data["provenance"] = [
                {"path": trace.path, "page": trace.page, "bbox": list(trace.bbox), "confidence": trace.confidence}
                for trace in self.traces
            ]
        return data


@dataclass(frozen=True)
class FailedPart:
    """A manifesto of a booklet that gave no record: where it lies in the file and why."""

    part: int
    first_page: int
    last_page: int
    error: ExtractionError

    @property
    def message(self) -> str:
        """The failure's reason, naming the part and its pages."""
        first, last = self.first_page, self.last_page
        pages = f"page {first}" if first == last else f"pages {first}–{last}"
        return f"part {self.part} ({pages}): {self.error.reason}"
