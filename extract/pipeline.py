"""One file in, its records out: the I/O edge that runs reader → segments → blocks → build.

`extract_file` reads the bytes once (from standard input for the path `-`), picks the reader by content (PDF or web page),
splits the file into the manifestos it holds (segment.py: one, or a booklet's many),
and turns every failure into an ExtractionError naming the file and the reason. A file
of one manifesto fails as a whole; in a booklet, a manifesto that fails is a FailedPart
beside the others' records, so that one damaged department loses nothing else.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from .blocks import find_blocks
from .build import Marks, build
from .document import Document
from .errors import ExtractionError
from .extraction import Extraction, FailedPart
from .labels import Labels
from .limits import check_file_size, check_manifesto_pages
from .models import ReadWarning, Source
from .normalize import Calendar
from .open_pdf import DEFAULT_READER, read_pdf_bytes
from .paths import STDIN, shown_path
from .read_text import read_web
from .readable import check_readable
from .segment import Part, segment
from .vocabulary import Vocabulary, resolve

WEB_SUFFIXES = {".html", ".htm", ".txt"}


def prepare(vocabulary: Vocabulary | str | Path | None = None) -> Vocabulary:
    """Given a vocabulary (None: the built-in one; a path: a user's file), load it and compile every
    pattern the readers use from it, once per process: a batch worker does this before its first
    file, so no file's time limit pays for it."""
    loaded = resolve(vocabulary)
    Labels.of(loaded), Marks.of(loaded), Calendar.of(loaded)
    return loaded


def extract_bytes(
    data: bytes,
    name: str,
    *,
    password: str | None = None,
    reader: str = DEFAULT_READER,
    vocabulary: Vocabulary | str | Path | None = None,
) -> list[Extraction | FailedPart]:
    """Given a file's bytes and name, return one Extraction per manifesto it holds, in file order
    (`reader`: open_pdf.READERS; `vocabulary`: a user's vocabulary file extending the built-in one,
    or a loaded Vocabulary). Raises ExtractionError when the file cannot be read, or when it holds
    one manifesto and that fails; in a booklet, a manifesto that fails is a FailedPart."""
    vocabulary = resolve(vocabulary)
    if not data.strip():
        raise ExtractionError("empty", "the file is empty", name)
    try:
        document = _read(data, name, password, reader, vocabulary)
        document.warnings.extend(check_readable(document))
        parts = segment(document, vocabulary)
        source = {"file": shown_path(Path(name).name), "sha256": hashlib.sha256(data).hexdigest(), "pages": document.pages}
        if len(parts) == 1:
            return [_extract_part(parts[0], source, document.warnings, vocabulary, whole_file=True)]
        return [_extract_or_fail(part, source, document.warnings, vocabulary) for part in parts]
    except ExtractionError as error:
        error.file = error.file or name
        raise


def _extract_part(
    part: Part, source: dict[str, str | int], reader_warnings: list[ReadWarning], vocabulary: Vocabulary,
    *, whole_file: bool = False,
) -> Extraction:
    """Given one manifesto's Part, return its Extraction, or raise ExtractionError.

    Of the reader's warnings it takes those about its own pages and those about the whole file
    (all of them for the one manifesto of a file: a damaged page after its last read page is its loss).
    """
    check_manifesto_pages(part.first_page, part.last_page)
    pages = range(part.first_page, part.last_page + 1)
    warnings = [w for w in reader_warnings if whole_file or w.page is None or w.page in pages] + part.warnings()
    where = Source(**source, part=part.number, first_page=part.first_page, last_page=part.last_page)
    blocks = part.blocks or find_blocks(part.document, vocabulary)
    record, traces = build(blocks, where, ocr=part.document.ocr, reader_warnings=warnings, vocabulary=vocabulary)
    if part.document.ocr:
        from .ocr_repair import low_confidence_warnings  # with the scan code: only for pages read by OCR

        record.warnings += low_confidence_warnings(traces)
    return Extraction(record, traces)


def _extract_or_fail(
    part: Part, source: dict[str, str | int], reader_warnings: list[ReadWarning], vocabulary: Vocabulary
) -> Extraction | FailedPart:
    try:
        return _extract_part(part, source, reader_warnings, vocabulary)
    except ExtractionError as error:
        return FailedPart(part.number, part.first_page, part.last_page, error)


def _read(data: bytes, name: str, password: str | None, reader: str, vocabulary: Vocabulary) -> Document:
    web = Path(name).suffix.lower() in WEB_SUFFIXES or name == STDIN  # standard input: a PDF or a page, by content
    if web and not data.lstrip().startswith(b"%PDF"):
        return read_web(data)
    return read_pdf_bytes(data, password=password, reader=reader, vocabulary=vocabulary)


def extract_file(
    path: str | Path,
    *,
    password: str | None = None,
    reader: str = DEFAULT_READER,
    vocabulary: Vocabulary | str | Path | None = None,
) -> list[Extraction | FailedPart]:
    """Given a path, return its manifestos' Extractions (options as extract_bytes) or raise ExtractionError naming the file."""
    if str(path) == STDIN:
        return extract_bytes(sys.stdin.buffer.read(), STDIN, password=password, reader=reader, vocabulary=vocabulary)
    path = Path(path)
    try:
        check_file_size(path.stat().st_size)
        data = path.read_bytes()
    except OSError as error:
        raise ExtractionError("not_pdf", f"cannot read the file ({error.strerror})", str(path)) from None
    except ExtractionError as error:
        error.file = str(path)
        raise
    return extract_bytes(data, str(path), password=password, reader=reader, vocabulary=vocabulary)  # errors name the file
