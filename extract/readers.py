"""The PDF readers a user can choose (`--reader`), by name.

Kept apart from open_pdf.py, which imports every one of them, so that a command that
only names a reader (the batch's main process hands the name to its workers) imports none.
"""

# read_oxide.py, the default (pdfplumber's records, 5× faster); read_pdf.py, pdfplumber's own;
# read_pdfium.py, faster than pdfplumber but not golden-exact
READERS = ("oxide", "pdfplumber", "pdfium")
DEFAULT_READER = READERS[0]
