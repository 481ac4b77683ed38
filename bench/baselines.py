"""The floors the pipeline is measured against, timed in this process over the same files.

(a) `words`: bare pdfplumber, `page.extract_words()` on every page — the cost of
merely reading the characters with the library the tool started on. (c) `oxide_chars`:
bare pdf_oxide, every page's characters with the text and box of each — the physical
floor of the default reader. Also `parse`: our reader, block finder and validation
(`extract_file`) without storing, and `pdfium_chars`: pypdfium2's text page, every
character's box — the floor of a pdfium reader. Each opens every file once and reads
every page, as the pipeline does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pdf_oxide
import pdfplumber
import pypdfium2

from extract.pipeline import extract_file


@dataclass(frozen=True)
class Timing:
    """How long some work took over `files` files of `pages` pages: wall clock and CPU seconds."""

    files: int
    pages: int
    wall: float
    cpu: float

    def as_dict(self) -> dict:
        return {**asdict(self), "pages_per_s": self.pages / self.wall, "files_per_s": self.files / self.wall}


def _timed(files: Sequence[Path], read: Callable[[Path], int]) -> Timing:
    """Run `read` (which returns the file's page count) on every file; return the totals."""
    wall, cpu = time.perf_counter(), time.process_time()
    pages = sum(read(path) for path in files)
    return Timing(len(files), pages, time.perf_counter() - wall, time.process_time() - cpu)


def _plumber_pages(path: Path, work: Callable[[pdfplumber.page.Page], object]) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            work(page)
            page.close()
        return len(pdf.pages)


def words(files: Sequence[Path]) -> Timing:
    """Baseline (a): pdfplumber's extract_words on every page."""
    return _timed(files, lambda path: _plumber_pages(path, lambda page: page.extract_words()))


def parse(files: Sequence[Path], reader: str) -> Timing:
    """The pipeline without the database: extract_file on every file (its record's page count)."""
    return _timed(files, lambda path: extract_file(path, reader=reader)[0].record.source.pages)


def _pdfium_chars(path: Path) -> int:
    pdf = pypdfium2.PdfDocument(path)
    try:
        for page in pdf:
            text = page.get_textpage()
            for index in range(text.count_chars()):
                text.get_charbox(index, loose=True)
            text.get_text_range()
            text.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def pdfium_chars(files: Sequence[Path]) -> Timing:
    """The pdfium floor: every character's text and loose box from pypdfium2's text page."""
    return _timed(files, _pdfium_chars)


def _oxide_chars(path: Path) -> int:
    doc = pdf_oxide.PdfDocument.from_bytes(path.read_bytes())
    pages = doc.page_count()
    for index in range(pages):
        for char in doc.extract_chars(index):
            char.char, char.bbox  # noqa: B018 - reading each character's text and box is the work measured
    return pages


def oxide_chars(files: Sequence[Path]) -> Timing:
    """The default reader's floor (c): every character's text and box from pdf_oxide."""
    return _timed(files, _oxide_chars)
