"""Split a Document into the manifestos it holds: one file may be a booklet of a city's whole year.

Pages are the unit, as every department of a booklet starts a page of its own. A
manifesto starts on a page whose header names a department (部局名 | 総務部) — a
department other than the one being read, or the same one with its goals numbered
from 1 again (a header repeated on every page, as Excel's print titles do, continues
its manifesto). It ends on the last page holding text the block finder placed in it
(a goal's field, a header value, the title, the legend): pages after that and before
the next start, and pages before the first start (a cover, a 目次, other agenda items),
belong to no manifesto and are skipped; those holding text are listed in a warning of the
record they precede (trailing ones: of the last record). Every signal is the block finder's own
(find_header, goal_number, find_blocks, find_legend): no wording is repeated here.

A file without any department header is one part holding every page, so a file that
is no manifesto fails exactly as it did before segmentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .blocks import Blocks, find_blocks, find_header, find_legend
from .document import Document, Line, Row
from .labels import Labels, join_wrapped_labels, label_key, split_inline_labels
from .models import ReadWarning
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Part:
    """One manifesto's pages of a file: its 1-based number, page range, rows, and the pages skipped before it."""

    number: int
    first_page: int
    last_page: int
    document: Document
    skipped: tuple[int, ...] = ()  # pages with text skipped before this part (and after it, for the last)
    blocks: Blocks | None = field(default=None, compare=False)  # found already while segmenting, when they are the part's

    def warnings(self) -> list[ReadWarning]:
        """The skipped_pages warning of this part's record, if pages next to it were skipped."""
        if not self.skipped:
            return []
        listed = ", ".join(map(str, self.skipped))
        return [
            ReadWarning(
                kind="skipped_pages", page=self.skipped[0],
                message=f"page(s) {listed} of the file belong to no manifesto (a cover, contents or other matter) "
                "and were not read",
            )
        ]


def segment(document: Document, vocabulary: Vocabulary) -> list[Part]:
    """Given a whole file's Document and the vocabulary it is read with, return its manifestos' Parts
    in file order (at least one)."""
    labels = Labels.of(vocabulary)
    pages = _rows_by_page(document)
    starts = _starts(pages, labels)
    if not starts:
        return [Part(1, 1, document.pages, _subdocument(document, pages, range(1, document.pages + 1)))]
    parts: list[Part] = []
    before = range(1, starts[0])
    ends = [*(start - 1 for start in starts[1:]), document.pages]
    for number, (start, end) in enumerate(zip(starts, ends), 1):
        candidate = _subdocument(document, pages, range(start, end + 1))
        last, blocks = _last_used_page(candidate, pages, start, vocabulary)
        after = range(last + 1, end + 1)
        skipped = tuple(p for p in ([*before, *after] if number == len(starts) else before) if _has_text(pages[p]))
        if last == end:  # the part is the whole candidate: its blocks are found already
            parts.append(Part(number, start, last, candidate, skipped, blocks))
        else:
            parts.append(Part(number, start, last, _subdocument(document, pages, range(start, last + 1)), skipped))
        before = after
    return parts


def _rows_by_page(document: Document) -> dict[int, list[Row]]:
    """Given a Document, return its rows by page, every page of the file present (a blank one without rows)."""
    pages: dict[int, list[Row]] = {page: [] for page in range(1, document.pages + 1)}
    for row in document.rows:
        pages.setdefault(row.page, []).append(row)
    return pages


def _starts(pages: dict[int, list[Row]], labels: Labels) -> list[int]:
    """Given each page's rows, return the pages on which a manifesto starts."""
    starts: list[int] = []
    department: str | None = None
    goals_seen = False
    for page, rows in pages.items():
        named = _department(rows, labels)
        numbers = [n for row in rows for cell in row.cells if (n := labels.goal_number(cell)) is not None]
        if named is not None and (named != department or (goals_seen and numbers[:1] == [1])):
            starts.append(page)
            department, goals_seen = named, False
        goals_seen = goals_seen or bool(numbers)
    return starts


def _has_text(rows: list[Row]) -> bool:
    return any(not cell.is_empty for row in rows for cell in row.cells)


def _department(rows: list[Row], labels: Labels) -> str | None:
    """Given a page's rows, return the department its header names (in label form), or None."""
    lines = find_header(split_inline_labels(join_wrapped_labels(rows, labels), labels), labels)[0].get("department")
    return label_key("".join(line.text for line in lines)) if lines else None


def _last_used_page(
    candidate: Document, pages: dict[int, list[Row]], start: int, vocabulary: Vocabulary
) -> tuple[int, Blocks]:
    """Given the pages from a manifesto's start to the next one's, return the last page whose text
    the block finder placed in the manifesto (or where its legend stands), and the blocks found."""
    labels = Labels.of(vocabulary)
    blocks = find_blocks(candidate, vocabulary)
    lines: list[Line] = [*blocks.title, *blocks.aspiration_label, *blocks.shared_mission]
    lines += [line for value in blocks.header.values() for line in value]
    lines += [line for goal in blocks.goals for field in goal.fields.values() for line in field]
    last = max({line.page for line in lines} | {goal.page for goal in blocks.goals} | {start})
    later = sorted({row.page for row in candidate.rows if row.page > last}, reverse=True)
    return next((page for page in later if find_legend(pages[page], labels)[0]), last), blocks


def _subdocument(document: Document, pages: dict[int, list[Row]], numbers: range) -> Document:
    """The Document of some of a file's pages: their rows, the file's page count, no warnings, and
    OCR set when some of these pages were read by OCR (their lines carry a word confidence)."""
    rows = [row for page in numbers for row in pages.get(page, [])]
    ocr = document.ocr and any(line.confidence is not None for row in rows for cell in row.cells for line in cell.lines)
    furniture = [line for line in document.furniture if line.page in numbers]
    return Document(rows, document.pages, ocr=ocr, furniture=furniture)
