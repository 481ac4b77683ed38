"""Open PDF bytes with the chosen reader and classify what cannot be read.

The default reader (read_oxide.py) serves what it can read exactly as pdfplumber does;
everything else is opened with pdfplumber, whose failures give the error kinds.

Turns pdfminer's many exceptions into the user-facing error kinds: not_pdf (no PDF
header), encrypted (a password is missing or wrong), too_large (more than limits.MAX_FILE_PAGES
pages), corrupt (damaged beyond repair), no_text_layer (nothing to read: scanned
pages while OCR is not installed, or images showing no table). A damaged file is
not given up at once: qpdf (through pikepdf) rebuilds it and it is read again, and
the record then carries a `repaired` warning. Scanned pages are read by OCR when
Tesseract is installed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import nullcontext
from functools import partial
from typing import TYPE_CHECKING

import pikepdf
import regex

from .document import Document
from .errors import ExtractionError
from .limits import MAX_FILE_PAGES, check_file_pages
from .models import ReadWarning
from .read_oxide import read_oxide
from .readers import DEFAULT_READER
from .streams import check_streams, damage_warnings, open_qpdf
from .vocabulary import Vocabulary

if TYPE_CHECKING:  # pdfplumber is imported for the files the default reader leaves to it
    import pdfplumber

PDF_MAGIC = b"%PDF"
MAGIC_WINDOW = 1024  # the header may follow some junk bytes, as readers tolerate
REASON_LENGTH = 80  # a library's error message is cut to this in the one-line reason
QPDF_STREAM_NAME = regex.compile(r"^stream <[^>]*>:\s*")  # qpdf names the in-memory file it read: noise


def read_pdf_bytes(
    data: bytes, *, password: str | None = None, reader: str = DEFAULT_READER, vocabulary: Vocabulary | None = None
) -> Document:
    """Given PDF bytes, return their Document, or raise ExtractionError of the right kind.

    A file pdfminer cannot parse is repaired with qpdf and read again; the Document
    then carries a `repaired` warning naming the damage. `reader` is one of READERS;
    `vocabulary` the one OCR repairs scans toward (None: the built-in one).
    """
    if PDF_MAGIC not in data[:MAGIC_WINDOW]:
        raise ExtractionError("not_pdf", "no %PDF header: not a PDF file")
    qpdf = open_qpdf(data, password)  # opened once, for the stream check and the fast reader
    with qpdf if qpdf is not None else nullcontext():
        streams = check_streams(qpdf)
        if reader == "oxide":
            read = partial(_read_oxide, vocabulary=vocabulary, qpdf=qpdf)
        else:
            read = partial(_read_pdfium if reader == "pdfium" else _read, vocabulary=vocabulary)
        document = _read_and_repair(read, data, password)
    document.warnings.extend(damage_warnings(streams, {row.page for row in document.rows}))
    return document


def _damaged() -> tuple[type[BaseException], ...]:
    """What pdfminer, pdfplumber and pdfium raise for a file they cannot parse (pdfminer resolves
    objects recursively, so hostile nesting ends in RecursionError).

    Imported when an error is to be told apart: the default reader needs neither library, so a
    batch's worker starts without them.
    """
    import pypdfium2
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    return (PdfminerException, MalformedPDFException, PSException, pypdfium2.PdfiumError, RecursionError)


def _read_and_repair(read: Callable[[bytes, str | None], Document], data: bytes, password: str | None) -> Document:
    """Read with `read`, without a password first; with `password` only if the file needs one; else repaired by qpdf."""
    try:
        return _with_password(read, data, password)
    except _damaged() as error:
        damage = _damage(error, password)
    repaired = repair(data, password, damage)
    try:
        document = read(repaired, None)
    except _damaged() as error:
        raise ExtractionError(
            "corrupt", f"the PDF is damaged ({damage}) and unreadable even after repair with qpdf ({_reason(error)})"
        ) from None
    document.warnings.append(
        ReadWarning(kind="repaired", message=f"the PDF was damaged ({damage}) and was read after repair with qpdf; "
                "parts of it may be missing")
    )
    return document


def _with_password(read: Callable[[bytes, str | None], Document], data: bytes, password: str | None) -> Document:
    """Read without a password, then with `password` if one is given and the file asks for it (a file with only
    an owner password, restrictions, opens without one and may refuse a wrong one)."""
    if password is None:
        return read(data, None)
    try:
        return read(data, None)
    except _damaged() as error:
        if not _needs_password(error):
            raise
    return read(data, password)


def _needs_password(error: Exception) -> bool:
    """Whether a reader's error says the file needs a (user) password."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    cause = error.args[0] if isinstance(error, PdfminerException) and error.args else error
    return isinstance(cause, PDFPasswordIncorrect) or (
        isinstance(cause, pypdfium2.PdfiumError) and getattr(cause, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD
    )


def repair(data: bytes, password: str | None, damage: str) -> bytes:
    """Given damaged PDF bytes, return them rebuilt by qpdf (pikepdf), or raise corrupt/encrypted."""
    try:
        with pikepdf.open(io.BytesIO(data), password=password or "") as pdf:
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    except pikepdf.PasswordError:
        raise _encrypted(password) from None
    except (pikepdf.PdfError, RuntimeError, ValueError) as error:
        raise ExtractionError(
            "corrupt", f"the PDF is damaged ({damage}) and qpdf could not repair it ({_reason(error)})"
        ) from None


def _read(data: bytes, password: str | None, vocabulary: Vocabulary | None = None) -> Document:
    """Given PDF bytes, return their Document: text pages read from the text layer, scans by OCR (repaired
    toward `vocabulary`)."""
    import pdfplumber  # with pdfminer: only for files the fast reader does not serve

    from . import ocr  # numpy, Pillow and the scan code: the same
    from .read_pdf import read_pdf

    with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
        check_pages(pdf)
        read_scanned = partial(ocr.read_scanned_page, vocabulary=vocabulary) if ocr.ocr_available() else None
        document = read_pdf(pdf, read_scanned)
        if not any(row.cells for row in document.rows):
            raise _no_text(pdf, ocr_ran=read_scanned is not None)
    if document.ocr:
        from .ocr_repair import repair_document  # with the scan code: only for pages read by OCR

        document.warnings += repair_document(document, vocabulary)
    return document


def _read_oxide(
    data: bytes, password: str | None, vocabulary: Vocabulary | None = None, qpdf: pikepdf.Pdf | None = None
) -> Document:
    """Given PDF bytes (and qpdf's view of them, or of the file they repair), return their Document read by
    pdf_oxide; by pdfplumber where it cannot be exact (read_oxide.py)."""
    document = read_oxide(data, password, MAX_FILE_PAGES, qpdf)
    if document is None or not any(row.cells for row in document.rows):
        return _read(data, password, vocabulary)  # pdfplumber's reading, with its OCR and error kinds
    return document


def _read_pdfium(data: bytes, password: str | None, vocabulary: Vocabulary | None = None) -> Document:
    """Given PDF bytes, return their Document read by pdfium; by pdfplumber where pdfium cannot serve (scans, empty pages)."""
    from .read_pdfium import read_pdfium  # with pypdfium2: only when asked for

    document = read_pdfium(data, password, MAX_FILE_PAGES)
    return document if document is not None else _read(data, password, vocabulary)


def check_pages(pdf: pdfplumber.PDF) -> None:
    """Raise too_large when the PDF has more than MAX_FILE_PAGES pages (the declared count is checked first: it is free)."""
    from pdfminer.pdftypes import resolve1

    pages = resolve1(pdf.doc.catalog.get("Pages"))
    declared = resolve1(pages.get("Count")) if isinstance(pages, dict) else None
    check_file_pages(declared if isinstance(declared, int) and declared > MAX_FILE_PAGES else len(pdf.pages))


def _no_text(pdf: pdfplumber.PDF, *, ocr_ran: bool) -> ExtractionError:
    """The no_text_layer error for a PDF that gave no text, saying why and what to do."""
    from .read_pdf import is_scanned

    scans = sum(is_scanned(page) for page in pdf.pages)
    if not scans:
        return ExtractionError("no_text_layer", "no text layer: the pages hold no text and no scanned images")
    of = f"{scans} of {len(pdf.pages)} pages are scanned images"
    if ocr_ran:
        return ExtractionError("no_text_layer", f"no text layer: {of}, and OCR found no table on them")
    from . import ocr

    return ExtractionError("no_text_layer", f"no text layer: {of}; {ocr.missing_ocr_hint()}")


def _damage(error: Exception, password: str | None) -> str:
    """Given what pdfminer raised, return the damage it names, or raise encrypted when it is a password matter."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    cause = error.args[0] if isinstance(error, PdfminerException) and error.args else error
    if isinstance(cause, PDFPasswordIncorrect):
        raise _encrypted(password) from None
    if isinstance(cause, PDFEncryptionError):
        raise ExtractionError("encrypted", f"the PDF's encryption is not supported ({_reason(cause)})") from None
    return _reason(cause)


def _encrypted(password: str | None) -> ExtractionError:
    """The encrypted error for a missing or wrong password."""
    hint = "wrong password" if password else "password protected; pass --password"
    return ExtractionError("encrypted", f"the PDF is encrypted ({hint})")


def _reason(error: object) -> str:
    """A library exception as a short one-line reason: its message (without qpdf's stream name), else its type."""
    text = QPDF_STREAM_NAME.sub("", " ".join(str(error).split())) or type(error).__name__
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"
