"""Hostile files, made on the spot to attack the reader as fuzzers attack pdf.js and PDFium.

Each maker returns a file's bytes; HOSTILE names each file with the failure kind the
tool must answer it with. `python tests/hostile.py DIR` writes them all into DIR (with
copies of the good samples) for a batch by hand.
"""

from __future__ import annotations

import io
import shutil
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
GOOD = ("iga-2021-digital.pdf", "sample-2020-kenko.pdf")
PIECE = 2**24


def zeros_deflated(size: int) -> bytes:
    """A zlib stream of `size` zero bytes (a multiple of 16 MiB), ~1/1000 of that, made without holding them.

    One 16 MiB block is compressed, ended with a full flush (which resets the history, so
    the next block compresses to the same bytes), and repeated; the checksum of n zeros
    is computed (Adler-32: a = 1, b = n mod 65521).
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflate.compress(bytes(PIECE))
    deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(bytes(PIECE)) + deflate.flush(zlib.Z_FULL_FLUSH)
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = first.compress(bytes(PIECE)) + first.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush(zlib.Z_FINISH)
    return b"\x78\xda" + head + block * (size // PIECE - 1) + end + struct.pack(">I", ((size % 65521) << 16) | 1)


def _save(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def _page_with_content(content: bytes, filters: list[str]) -> bytes:
    """A one-page PDF whose content stream holds `content` as it is, declared with `filters`."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, content)
    if filters:
        stream.Filter = Array([Name(f) for f in filters])
    page.Contents = pdf.make_indirect(stream)
    return _save(pdf)


def content_bomb(gib: int = 4) -> bytes:
    """A content stream that inflates to `gib` GiB, compressed twice (Flate of Flate): a few KB of file."""
    return _page_with_content(zlib.compress(zeros_deflated(gib * 2**30), 9), ["/FlateDecode", "/FlateDecode"])


def plain_bomb(gib: int = 1) -> bytes:
    """A content stream of one Flate stage inflating to `gib` GiB (about 1 MB of file)."""
    return _page_with_content(zeros_deflated(gib * 2**30), ["/FlateDecode"])


def many_streams_bomb(streams: int = 3, mib: int = 48) -> bytes:
    """Many streams each under the per-stream cap, past the per-file one together."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    data = zeros_deflated(mib * 2**20)
    page.Contents = Array([pdf.make_indirect(pikepdf.Stream(pdf, data, Filter=Name.FlateDecode)) for _ in range(streams)])
    return _save(pdf)


def undrawn_streams(*streams: bytes) -> bytes:
    """A blank page whose fonts' programs are the given Flate streams: streams no page draws."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.Resources = Dictionary(Font=Dictionary({
        f"/F{n}": Dictionary(Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name(f"/Font{n}"), FontDescriptor=Dictionary(
            FontFile2=pdf.make_indirect(pikepdf.Stream(pdf, data, Filter=Name.FlateDecode))))
        for n, data in enumerate(streams)
    }))
    return _save(pdf)


def page_tree_cycle() -> bytes:
    """A page tree whose /Kids holds its own /Pages node."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pages = pdf.Root.Pages
    pages.Kids.append(pages)
    pages.Count = 2
    return _save(pdf)


def form_cycle() -> bytes:
    """A page drawing a form XObject that draws itself."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    form = pdf.make_indirect(pikepdf.Stream(pdf, b"/X Do", Type=Name.XObject, Subtype=Name.Form,
                                            BBox=Array([0, 0, 10, 10])))
    form.Resources = Dictionary(XObject=Dictionary(X=form))
    page.Resources = Dictionary(XObject=Dictionary(X=form))
    page.Contents = pdf.make_stream(b"/X Do")
    return _save(pdf)


def deep_nesting(depth: int = 20_000) -> bytes:
    """A PDF whose content stream opens `depth` arrays inside each other."""
    return _page_with_content(b"[" * depth + b"]" * depth + b" Tj", [])


def deep_dictionary(depth: int = 20_000) -> bytes:
    """A PDF whose catalog holds a dictionary nested `depth` deep (pdfminer resolves objects recursively)."""
    text = _save(pikepdf.new())
    nested = b"<< /A " * depth + b"1" + b" >>" * depth
    return text.replace(b"/Type /Catalog", b"/Type /Catalog /Deep " + nested, 1)


def span_bomb() -> bytes:
    """A web page (8 KB) with one `rowspan=999999 colspan=1000` cell in a table of a few rows."""
    rows = "".join(f"<tr><td>行{n}</td><td>値{n}</td></tr>" for n in range(200))
    return (f"<html><body><table><tr><td rowspan=999999 colspan=1000>x</td></tr>{rows}</table></body></html>").encode()


def deep_tables(depth: int = 5_000) -> bytes:
    """A web page of tables nested `depth` deep."""
    return ("<html><body>" + "<table><tr><td>" * depth + "x" + "</td></tr></table>" * depth + "</body></html>").encode()


def slow_content(operations: int = 2_000_000) -> bytes:
    """A valid page whose content takes pdfminer minutes to interpret: a hang, in Python."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.Contents = pdf.make_stream(b"".join(b"%d 0 m %d 1 l S\n" % (i % 500, i % 500) for i in range(operations)))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


# file name → (maker, the failure kind it must get: a limit's kind, or any clean kind when None)
HOSTILE: dict[str, tuple[Callable[[], bytes], str | None]] = {
    "content-bomb-4g.pdf": (content_bomb, "too_large"),
    "plain-bomb-1g.pdf": (plain_bomb, "too_large"),
    "many-streams-bomb.pdf": (many_streams_bomb, "too_large"),
    "page-tree-cycle.pdf": (page_tree_cycle, None),
    "form-cycle.pdf": (form_cycle, None),
    "deep-nesting.pdf": (deep_nesting, None),
    "deep-dictionary.pdf": (deep_dictionary, None),
    "span-bomb.html": (span_bomb, None),
    "deep-tables.html": (deep_tables, None),
    "slow-content.pdf": (slow_content, "timeout"),
}


def write_all(folder: Path) -> list[Path]:
    """Write every hostile file and copies of the good samples into `folder`; return the hostile files' paths."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in GOOD:
        shutil.copy(SAMPLES / name, folder / name)
    paths = []
    for name, (make, _) in HOSTILE.items():
        (folder / name).write_bytes(make())
        paths.append(folder / name)
    return paths


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1])):
        print(path, path.stat().st_size)
