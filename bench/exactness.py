"""Which library reads the characters pdfminer reads? pdf_oxide and pypdfium2 against pdfminer, page by page.

    python -m bench.exactness [PDF...]        # default: every PDF under samples/ and tests/fixtures/, scans aside

For each file, each library's characters (text and box, through this tool's readers:
read_oxide.page_chars, read_pdfium.page_chars) are matched with pdfminer's
(read_pdf.plumber_objects) by text and position to 0.01 pt. Counted per kind of
character that Japanese manifestos depend on — spaces, ideographic spaces, the middle dot
`・`, Kangxi and CJK radical code points, everything else — as found by both, or by one
only; a file the fast reader leaves to pdfplumber is listed with the reason.
"""

from __future__ import annotations

import argparse
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pdf_oxide
import pikepdf
import pdfplumber
import pypdfium2
import regex
from tabulate import tabulate

from extract import read_oxide, read_pdfium
from extract.limits import MAX_FILE_PAGES
from extract.layout import Char
from extract.read_pdf import plumber_objects

ROOT = Path(__file__).resolve().parent.parent
KINDS = {  # kind → its characters (the first that matches names a character's kind)
    "space": regex.compile(r"[ \u00a0]"),
    "ideographic space": regex.compile(r"\u3000"),
    "middle dot ・": regex.compile(r"[\u30fb\uff65]"),
    "Kangxi / CJK radical": regex.compile(r"[\u2e80-\u2fdf]"),
    "(cid:N): no Unicode": regex.compile(r"\(cid:\d+\)"),
    "other": regex.compile(r"(?s).+"),
}
TOLERANCE = 0.01  # points: boxes agree to this (pdf_oxide's floats are single precision, pdfminer's double)


def kind(text: str) -> str:
    """Given a character's text, return its kind (a key of KINDS)."""
    return next(name for name, pattern in KINDS.items() if pattern.fullmatch(text))


def _boxes(chars: Sequence[Char]) -> dict[str, list[tuple[float, float, float]]]:
    """Upright characters by text, each as its (x0, top, bottom)."""
    found: dict[str, list[tuple[float, float, float]]] = {}
    for c in chars:
        if c["upright"]:
            found.setdefault(c["text"], []).append((c["x0"], c["top"], c["bottom"]))
    return found


def matched(reference: Sequence[Char], chars: Sequence[Char]) -> tuple[Counter, Counter, Counter]:
    """Given pdfminer's characters of a page and a library's, return per text those found by both (boxes within
    TOLERANCE), by pdfminer only and by the library only."""
    both, only_reference, only_library = Counter(), Counter(), Counter()
    theirs = _boxes(chars)
    for text, boxes in _boxes(reference).items():
        left = list(theirs.pop(text, []))
        for box in boxes:
            near = next((i for i, other in enumerate(left) if all(abs(a - b) <= TOLERANCE for a, b in zip(box, other))),
                        None)
            if near is None:
                only_reference[text] += 1
            else:
                both[text] += 1
                del left[near]
        only_library[text] += len(left)
    for text, boxes in theirs.items():
        only_library[text] += len(boxes)
    return both, only_reference, only_library


def _pdfium_pages(data: bytes) -> list[list[Char]]:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return [read_pdfium.page_chars(pdf[index]) for index in range(len(pdf))]
    finally:
        pdf.close()


def _oxide_pages(data: bytes) -> list[list[Char]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        descents, heights = read_oxide.font_descents(pdf, MAX_FILE_PAGES)
    doc = pdf_oxide.PdfDocument.from_bytes(data)
    return [read_oxide.page_chars(doc.extract_chars(i), height, descents) for i, height in enumerate(heights)]


def compare_file(path: Path) -> dict:
    """Given a PDF, return per library and kind the characters found by both it and pdfminer, or by one only."""
    data = path.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        reference = [plumber_objects(page).chars for page in pdf.pages]
    found: dict = {}
    for library, read in (("pdf_oxide", _oxide_pages), ("pypdfium2", _pdfium_pages)):
        try:
            pages = read(data)
        except read_oxide.Unserved as why:  # left to pdfplumber: nothing to compare
            found[library] = {"left to pdfplumber": str(why)}
            continue
        counts: Counter = Counter()
        for theirs, ours in zip(reference, pages):
            for label, texts in zip(("both", "pdfminer only", "library only"), matched(theirs, ours)):
                for text, n in texts.items():
                    if n:
                        counts[(kind(text), label)] += n
        found[library] = dict(counts)
    return found


def totals(per_file: dict[str, dict]) -> dict[str, Counter]:
    """Given compare_file's result for each file, return each library's counts summed over the files."""
    summed: dict[str, Counter] = {}
    for found in per_file.values():
        for library, counts in found.items():
            if "left to pdfplumber" not in counts:
                summed.setdefault(library, Counter()).update(counts)
    return summed


def main(argv: Sequence[str] | None = None) -> int:
    """Compare every given PDF; print the totals per library and kind, and the files left to pdfplumber."""
    parser = argparse.ArgumentParser(prog="python -m bench.exactness", description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path, help="PDFs to compare (default: every sample and fixture)")
    args = parser.parse_args(argv)
    paths = args.pdfs or [p for p in sorted(ROOT.glob("samples/**/*.pdf")) + sorted(ROOT.glob("tests/fixtures/**/*.pdf"))
                          if "scanned" not in p.parts]
    per_file = {}
    for path in paths:
        try:
            per_file[path.name] = compare_file(path)
        except Exception as error:  # pdfminer cannot open it (encrypted, damaged): no reference to compare with
            print(f"{path.name}: not compared ({type(error).__name__})")
    rows = [[library, name, counts.get((name, "both"), 0), counts.get((name, "pdfminer only"), 0),
             counts.get((name, "library only"), 0)]
            for library, counts in totals(per_file).items() for name in KINDS]
    print(tabulate(rows, ["library", "characters", "same as pdfminer", "pdfminer only", "library only"],
                   tablefmt="github"))
    for name, found in per_file.items():
        if "left to pdfplumber" in found.get("pdf_oxide", {}):
            print(f"{name}: left to pdfplumber ({found['pdf_oxide']['left to pdfplumber']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
