"""One file in, one record out: the I/O edge that runs reader → blocks → build.

`extract_file` reads the bytes once, picks the reader by content (PDF or web page),
and turns every failure into an ExtractionError naming the file and the reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .blocks import find_blocks
from .build import Trace, build
from .document import Document
from .errors import ExtractionError
from .limits import check_file_size
from .models import Manifesto, Source
from .open_pdf import DEFAULT_READER, read_pdf_bytes
from .read_text import read_web
from .readable import check_readable

WEB_SUFFIXES = {".html", ".htm", ".txt"}


@dataclass(frozen=True)
class Extraction:
    """A record with the provenance of its values."""

    record: Manifesto
    traces: list[Trace]


def extract_bytes(data: bytes, name: str, *, password: str | None = None, reader: str = DEFAULT_READER) -> Extraction:
    """Given a file's bytes and name, return its Extraction or raise ExtractionError (`reader`: open_pdf.READERS)."""
    if not data.strip():
        raise ExtractionError("empty", "the file is empty", name)
    try:
        document = _read(data, name, password, reader)
        document.warnings.extend(check_readable(document))
        source = Source(file=Path(name).name, sha256=hashlib.sha256(data).hexdigest(), pages=document.pages)
        record, traces = build(find_blocks(document), source, ocr=document.ocr, reader_warnings=document.warnings)
    except ExtractionError as error:
        error.file = error.file or name
        raise
    return Extraction(record, traces)


def _read(data: bytes, name: str, password: str | None, reader: str) -> Document:
    if Path(name).suffix.lower() in WEB_SUFFIXES and not data.lstrip().startswith(b"%PDF"):
        return read_web(data)
    return read_pdf_bytes(data, password=password, reader=reader)


def extract_file(path: str | Path, *, password: str | None = None, reader: str = DEFAULT_READER) -> Extraction:
    """Given a path, return its Extraction or raise ExtractionError naming the file."""
    path = Path(path)
    try:
        check_file_size(path.stat().st_size)
        data = path.read_bytes()
    except OSError as error:
        raise ExtractionError("not_pdf", f"cannot read the file ({error.strerror})", str(path)) from None
    except ExtractionError as error:
        error.file = str(path)
        raise
    return extract_bytes(data, str(path), password=password, reader=reader)  # its errors name the file already
