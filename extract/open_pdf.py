"""Open PDF bytes with pdfplumber and classify what cannot be read.

Turns pdfminer's many exceptions into the user-facing error kinds (not_pdf,
encrypted, corrupt, no_text_layer) before the text layer is read.
"""

from __future__ import annotations

import io

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError

from .document import Document
from .errors import ExtractionError
from .read_pdf import read_pdf

PDF_MAGIC = b"%PDF"
MAGIC_WINDOW = 1024  # the header may follow some junk bytes, as readers tolerate


def read_pdf_bytes(data: bytes, *, password: str | None = None) -> Document:
    """Given PDF bytes, return their Document, or raise ExtractionError of the right kind."""
    if PDF_MAGIC not in data[:MAGIC_WINDOW]:
        raise ExtractionError("not_pdf", "no %PDF header: not a PDF file")
    try:
        with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
            document = read_pdf(pdf)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        hint = "wrong password" if password else "password protected; pass --password"
        raise ExtractionError("encrypted", f"the PDF is encrypted ({hint})") from None
    except PDFSyntaxError as error:
        raise ExtractionError("corrupt", f"the PDF is damaged ({error})") from None
    if not any(row.cells for row in document.rows):
        raise ExtractionError("no_text_layer", "no text layer (scanned pages?)")
    return document
