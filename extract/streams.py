"""Check a PDF's compressed streams before any reader inflates them: refuse bombs, name damaged pages.

pdfminer inflates a stream whole (`zlib.decompress`), and so do pdfium and qpdf, all
in C where no timer can stop them: a 7 KB stream that inflates to 4 GiB would take
that memory before any limit could act. Here each stream's Flate data is inflated in
small pieces and only counted (memory: one piece), so that a stream decoding to more
than MAX_STREAM_BYTES, or a file to more than MAX_DECODED_BYTES, is refused as
too_large in a fraction of a second. The same pass finds the streams that do not
inflate at all (a flipped byte): readers skip those silently, so the pages that draw
them get a `damaged_page` warning.

A stream no page draws (a font program, a ToUnicode map: most of a file's compressed bytes)
is not inflated when Flate's largest expansion (FLATE_RATIO) of its bytes is no bomb and leaves
the file within MAX_DECODED_BYTES: that bound is then what it is counted as.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf

from .errors import ExtractionError
from .models import ReadWarning

# A page's content is tens of KiB; a Flate image of an A4 page at 300 dpi in colour, 26 MB (scans are mostly JPEG).
MAX_STREAM_BYTES = 64 * 2**20
MAX_DECODED_BYTES = 128 * 2**20  # all streams of one file together (the samples': 1 MiB at most, scans included)
PIECE = 2**20  # bytes inflated at a time
INPUT_PIECE = 2**16  # compressed bytes fed to zlib at a time
FLATE = {"/FlateDecode", "/Fl"}
FLATE_RATIO = 1032  # deflate's largest expansion (zlib's documented limit): a 258-byte match in two bits, RFC 1951
FLATE_SLACK = 1024  # bytes added to every bound, for a tiny stream
EMPTY_PAGE_CONTENT = 1024  # decoded bytes of content above which a page that reads empty has lost something


@dataclass
class StreamReport:
    """What the check found: each damaged stream's reason by (object, generation), and each page's content size."""

    damaged: dict[tuple[int, int], str] = field(default_factory=dict)
    content_bytes: dict[int, int] = field(default_factory=dict)  # page number → decoded bytes of its content
    page_damage: dict[int, str] = field(default_factory=dict)  # page number → why its content is damaged


def check_streams(pdf: pikepdf.Pdf | None) -> StreamReport:
    """Given a PDF opened by qpdf (open_qpdf), return what its streams hold; raise too_large for a decompression bomb.

    A file qpdf cannot open (None) is left to the readers (which say why, or repair it): the report is then empty.
    """
    report = StreamReport()
    if pdf is None:
        return report
    sizes: dict[tuple[int, int], int] = {}
    pages = list(_pages(pdf))
    drawn_by_page = [_drawn_streams(page) for page in pages]
    drawn = {stream.objgen for page_streams in drawn_by_page for stream in page_streams}
    streams = list(_streams(pdf))
    bounds = {stream.objgen: bound for stream in streams
              if stream.objgen not in drawn and (bound := flate_bound(stream)) is not None}
    measured = [stream for stream in streams if stream.objgen not in bounds]
    total = 0
    for stream in measured:
        total = _count(stream, total, sizes, report)
    if total + sum(bounds.values()) > MAX_DECODED_BYTES:  # no room to take them on trust: measure them too
        for stream in streams:
            if stream.objgen in bounds:
                total = _count(stream, total, sizes, report)
    for number, (page, page_streams) in enumerate(zip(pages, drawn_by_page), 1):
        report.content_bytes[number] = sum(sizes.get(s.objgen, 0) for s in _contents(page))
        problems = [f"stream {s.objgen[0]}: {report.damaged[s.objgen]}" for s in page_streams
                    if s.objgen in report.damaged]
        if problems:
            report.page_damage[number] = "; ".join(problems)
    return report


def _count(stream: pikepdf.Stream, total: int, sizes: dict[tuple[int, int], int], report: StreamReport) -> int:
    """Inflate one stream to measure it (its size into `sizes`, its damage into `report`); return the file's
    total so far with it, or raise too_large for a stream or a total past the limits."""
    size, problem = inflated_size(stream)
    key = stream.objgen
    sizes[key] = size
    total += size
    if size > MAX_STREAM_BYTES:
        raise ExtractionError(
            "too_large", f"stream {key[0]} inflates to more than {MAX_STREAM_BYTES // 2**20} MiB "
            "(a decompression bomb?); not read")
    if total > MAX_DECODED_BYTES:
        raise ExtractionError(
            "too_large", f"its streams inflate to more than {MAX_DECODED_BYTES // 2**20} MiB together; not read")
    if problem:
        report.damaged[key] = problem
    return total


def damage_warnings(report: StreamReport, read_pages: set[int]) -> list[ReadWarning]:
    """Given the check's report and the pages a reader got text from, return a `damaged_page` warning for each page
    whose content does not inflate, or that reads empty though it has content."""
    warnings = []
    for page, size in sorted(report.content_bytes.items()):
        if page in report.page_damage:
            reason = f"its content cannot be fully decoded ({report.page_damage[page]}); what it shows may be missing"
        elif page not in read_pages and size > EMPTY_PAGE_CONTENT:
            reason = f"it reads empty though its content holds {size} bytes; what it shows may be missing"
        else:
            continue
        warnings.append(ReadWarning(kind="damaged_page", message=f"page {page}: {reason}", page=page))
    return warnings


def inflated_size(stream: pikepdf.Stream) -> tuple[int, str | None]:
    """Given a stream, return its decoded size (as far as it is Flate: other filters are counted as stored) and
    why it does not inflate (None when it does), inflating in pieces and stopping past MAX_STREAM_BYTES."""
    names = _filter_names(stream.get("/Filter"))
    try:
        data = stream.read_raw_bytes()
    except (pikepdf.PdfError, RuntimeError) as error:
        return 0, f"unreadable ({error})"
    for stage, name in enumerate(names):
        if name not in FLATE:
            break
        last = stage == len(names) - 1 or names[stage + 1] not in FLATE
        size, kept, problem = _inflate(data, keep=not last)
        if problem or last:
            return size, problem
        data = kept  # a Flate stage feeding another: at most MAX_STREAM_BYTES, or refused above
    return len(data), None


def flate_bound(stream: pikepdf.Stream) -> int | None:
    """Given a stream, return the most its one Flate stage (or no filter) can decode to, when that is no bomb
    (at most MAX_STREAM_BYTES); None for other filters, several stages, or a larger bound."""
    names = _filter_names(stream.get("/Filter"))
    if len(names) > 1 or (names and names[0] not in FLATE):
        return None
    try:
        stored = len(stream.read_raw_bytes())
    except (pikepdf.PdfError, RuntimeError):
        return None
    bound = stored * FLATE_RATIO + FLATE_SLACK if names else stored
    return bound if bound <= MAX_STREAM_BYTES else None


def _inflate(data: bytes, *, keep: bool) -> tuple[int, bytes, str | None]:
    """Inflate in pieces: the size (stopping once past MAX_STREAM_BYTES), the bytes if `keep`, and any zlib error.

    The input is fed a slice at a time, so that what zlib leaves unconsumed (copied on every call) stays small.
    """
    inflater = zlib.decompressobj()
    size, kept = 0, []
    view = memoryview(data)
    try:
        for start in range(0, len(data), INPUT_PIECE):
            pending: bytes | memoryview = view[start : start + INPUT_PIECE]
            while pending and size <= MAX_STREAM_BYTES and not inflater.eof:
                piece = inflater.decompress(pending, PIECE)
                size += len(piece)
                if keep:
                    kept.append(piece)
                pending = inflater.unconsumed_tail
            if size > MAX_STREAM_BYTES or inflater.eof:
                break
    except zlib.error as error:
        return size, b"".join(kept), f"zlib: {error}"
    if not inflater.eof and size <= MAX_STREAM_BYTES:
        return size, b"".join(kept), "zlib: the data ends before the stream does"
    return size, b"".join(kept), None


def _filter_names(value: object) -> list[str]:
    """A stream's /Filter as names ("?" for anything that is not a readable name: a damaged file's)."""
    items = list(value) if isinstance(value, pikepdf.Array) else [] if value is None else [value]
    names = []
    for item in items:
        try:
            names.append(str(item) if isinstance(item, pikepdf.Name) else "?")
        except ValueError:  # a name whose bytes are not UTF-8
            names.append("?")
    return names


def open_qpdf(data: bytes, password: str | None) -> pikepdf.Pdf | None:
    """Given PDF bytes, return them opened by qpdf (pikepdf), without a password first, then with `password`;
    None when they cannot be. The caller closes it."""
    for attempt in ("", password):
        if attempt is None:
            break
        try:
            return pikepdf.open(io.BytesIO(data), password=attempt)
        except pikepdf.PasswordError:
            continue
        except (pikepdf.PdfError, RuntimeError, ValueError):
            break
    return None


def _streams(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Stream]:
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            yield obj


def _pages(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Page]:
    try:
        yield from pdf.pages
    except (pikepdf.PdfError, RuntimeError):  # a damaged page tree: the readers say what they make of it
        return


def _contents(page: pikepdf.Page) -> list[pikepdf.Stream]:
    """A page's content streams."""
    contents = page.obj.get("/Contents")
    return [item for item in (contents if isinstance(contents, pikepdf.Array) else [contents])
            if isinstance(item, pikepdf.Stream)]


def _drawn_streams(page: pikepdf.Page) -> list[pikepdf.Stream]:
    """A page's content streams and the form and image XObjects its resources name."""
    found = _contents(page)
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if isinstance(xobjects, pikepdf.Dictionary):
        found += [x for x in xobjects.values() if isinstance(x, pikepdf.Stream)]
    return found
