"""Tell garbled text from readable text, before any block is looked for.

A font without a ToUnicode map extracts as `(cid:NN)` placeholders, private-use code
points, replacement characters or mojibake (bytes decoded in the wrong code page:
`™—›œ` for digits). Such text is not wrong in a way the block finder could notice: it
would only find nothing, and the user would be told `not_a_manifesto`. So the share
of unreadable characters is measured first: past GARBLED_SHARE the file is refused as
garbled_text; past PARTLY_GARBLED_SHARE on a page, the record carries a warning.
"""

from __future__ import annotations

import regex

from .document import Document
from .errors import ExtractionError
from .models import ReadWarning

CID = regex.compile(r"\(cid:\d+\)")  # pdfminer's placeholder for a glyph it cannot map
# Unreadable on its own: private use, unassigned, surrogate, U+FFFD, control characters
# other than line breaks and tabs, and the cp1252/Latin-1 symbols and accented letters
# that text decoded in the wrong code page turns into (Japanese text has no use for them).
UNREADABLE = regex.compile(
    r"[\p{Co}\p{Cn}\p{Cs}\uFFFD\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F"
    r"ƒ†‡ˆ‰Š‹ŒŽ˜™š›œžŸ¤¦¨¯¸¹²³¼½¾¿À-ÖØ-öø-ÿ]"
)
WHITESPACE = regex.compile(r"\s+")
GARBLED_SHARE = 0.3  # past this share of unreadable characters the document cannot be read
PARTLY_GARBLED_SHARE = 0.02  # past this on a page, its values may be wrong: warn


def unreadable_share(text: str) -> float:
    """Given text, return the share of its non-space characters that are unreadable (0 for no text).

    Each `(cid:NN)` placeholder counts as one unreadable character, as it stands for one glyph.
    """
    return _share(*_counts(text))


def _share(unreadable: int, visible: int) -> float:
    return unreadable / visible if visible else 0.0


def _counts(text: str) -> tuple[int, int]:
    """Given text, return how many of its non-space characters are unreadable, and how many there are."""
    visible = WHITESPACE.sub("", CID.sub("\uFFFD", text))
    return len(UNREADABLE.findall(visible)), len(visible)


def check_readable(document: Document) -> list[ReadWarning]:
    """Given a Document, return a garbled_text warning per partly garbled page.

    Raises ExtractionError('garbled_text') when the document's text as a whole is
    garbled past GARBLED_SHARE.
    """
    pages: dict[int, list[str]] = {}
    for row in document.rows:
        for cell in row.cells:
            for line in cell.lines:
                pages.setdefault(line.page, []).append(line.text)
    counts = {page: _counts("".join(texts)) for page, texts in pages.items()}  # each page's text measured once
    share = _share(*map(sum, zip(*counts.values()))) if counts else 0.0
    if share > GARBLED_SHARE:
        raise ExtractionError(
            "garbled_text",
            f"{share:.0%} of the text is unreadable ((cid:NN), private-use or mojibake characters): "
            "its fonts have no usable ToUnicode map",
        )
    warnings = []
    for page, count in sorted(counts.items()):
        page_share = _share(*count)
        if page_share > PARTLY_GARBLED_SHARE:
            warnings.append(
                ReadWarning(kind="garbled_text", page=page,
                        message=f"{page_share:.0%} of the text on page {page} is unreadable; its values may be wrong")
            )
    return warnings
