"""extract.streams: streams are measured before anything inflates them (bombs refused), and a page whose content
is damaged or reads empty is named in a `damaged_page` warning, not silently lost."""

from __future__ import annotations

import random
import zlib

import pikepdf
import pytest
from sqlite_utils import Database

import broken_pdfs
import hostile
from conftest import DB_SAMPLES, SAMPLES
from extract.batch import run_batch
from extract.errors import ExtractionError
from extract.pipeline import extract_bytes
from extract.streams import FLATE_RATIO, FLATE_SLACK, MAX_DECODED_BYTES, MAX_STREAM_BYTES, check_streams, flate_bound, inflated_size, open_qpdf


HOLDER = pikepdf.new()  # the PDF the test streams belong to (a stream lives only as long as its PDF)


def stream(data: bytes, *filters: str) -> pikepdf.Stream:
    return pikepdf.Stream(HOLDER, data, Filter=pikepdf.Array([pikepdf.Name(f) for f in filters]))


@pytest.mark.parametrize(
    ("data", "filters", "size", "problem"),
    [
        (zlib.compress(b"BT ET " * 100), ("/FlateDecode",), 600, None),
        (zlib.compress(zlib.compress(b"q Q " * 100)), ("/FlateDecode", "/FlateDecode"), 400, None),
        (b"q Q", (), 3, None),
        (b"\xff\xd8 jpeg", ("/DCTDecode",), 7, None),  # not inflated: counted as stored
        (zlib.compress(bytes(range(256)) * 4)[:100], ("/FlateDecode",), None, "ends before"),
        (b"\x78\x9c garbage", ("/FlateDecode",), None, "zlib: Error"),
    ],
    ids=["flate", "flate-twice", "plain", "jpeg", "truncated", "garbage"],
)
def test_inflated_size(data, filters, size, problem):
    measured, found = inflated_size(stream(data, *filters))
    assert (found is None) if problem is None else (problem in found)
    if size is not None:
        assert measured == size


def test_a_bomb_is_counted_only_up_to_the_cap():
    measured, problem = inflated_size(stream(hostile.zeros_deflated(2**30), "/FlateDecode"))
    assert MAX_STREAM_BYTES < measured <= MAX_STREAM_BYTES + 2**20 and problem is None


def test_a_bomb_file_is_too_large_before_any_reader_inflates_it():
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(hostile.content_bomb(), "bomb.pdf")
    assert raised.value.kind == "too_large" and "decompression bomb" in raised.value.reason


@pytest.mark.parametrize(
    ("data", "filters", "bound"),
    [
        (b"x" * 1000, ("/FlateDecode",), 1000 * FLATE_RATIO + FLATE_SLACK),
        (b"q Q", (), 3),
        (b"x" * 1000, ("/FlateDecode", "/FlateDecode"), None),  # Flate of Flate: no bound of one stage holds
        (b"\xff\xd8 jpeg", ("/DCTDecode",), None),
        (bytes(MAX_STREAM_BYTES // FLATE_RATIO + 1), ("/FlateDecode",), None),  # it might be a bomb: measure it
    ],
    ids=["flate", "plain", "flate-twice", "jpeg", "too-large-to-trust"],
)
def test_flate_bound(data, filters, bound):
    assert flate_bound(stream(data, *filters)) == bound


@pytest.mark.parametrize("mib", [16, 48])
def test_the_bound_holds_for_the_most_compressible_data(mib):
    zeros = stream(hostile.zeros_deflated(mib * 2**20), "/FlateDecode")
    assert mib * 2**20 == inflated_size(zeros)[0] <= flate_bound(zeros)


def test_a_bomb_in_a_stream_no_page_draws_is_refused_all_the_same():
    with pytest.raises(ExtractionError) as raised:
        check_streams(open_qpdf(hostile.undrawn_streams(hostile.zeros_deflated(2**30)), None))
    assert raised.value.kind == "too_large"


def test_streams_no_page_draws_are_inflated_only_when_their_bounds_could_pass_the_files_limit():
    noise = random.Random(0).randbytes(60_000)  # deflate cannot shrink it: its bound is about 62 MB
    garbage = b"\x78\x9c" + noise  # does not inflate: the report names it only if it was inflated
    assert check_streams(open_qpdf(hostile.undrawn_streams(garbage), None)).damaged == {}  # trusted: its bound fits
    many = [zlib.compress(noise), zlib.compress(noise[::-1]), garbage]
    assert 3 * 60_000 * FLATE_RATIO > MAX_DECODED_BYTES
    [problem] = check_streams(open_qpdf(hostile.undrawn_streams(*many), None)).damaged.values()  # measured: the garbage found
    assert problem.startswith("zlib:")


def damaged_pages(data: bytes, reader: str = "pdfplumber") -> list[tuple[int | None, str]]:
    return [(w.page, w.message) for w in extract_bytes(data, "m.pdf", reader=reader)[0].record.warnings
            if w.kind == "damaged_page"]


def test_a_flipped_byte_in_page_2_gives_a_damaged_page_warning_on_page_2():
    [extraction] = extract_bytes(broken_pdfs.flipped_content_byte(page=2), "m.pdf")
    [warning] = extraction.record.warnings
    assert (warning.kind, warning.page) == ("damaged_page", 2)
    assert "cannot be fully decoded" in warning.message and "zlib" in warning.message
    assert len(extraction.record.goals) < 4  # what page 2 held is lost: the warning says so


def test_a_page_that_reads_empty_though_it_has_content_is_named():
    [(page, message)] = damaged_pages(broken_pdfs.unreadable_content(page=2))
    assert page == 2 and "reads empty" in message


@pytest.mark.parametrize("name", DB_SAMPLES)
@pytest.mark.parametrize("reader", ["pdfplumber", "pdfium"])
def test_intact_samples_have_no_damaged_page(name, reader):
    assert damaged_pages((SAMPLES / name).read_bytes(), reader) == []


def test_a_batch_stores_the_damaged_copy_with_its_warning(tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "flipped.pdf").write_bytes(broken_pdfs.flipped_content_byte(page=2))
    summary = run_batch([folder], tmp_path / "m.db", workers=1)
    assert (summary.stored, summary.warnings) == (1, 1)
    assert [(w["kind"], w["page"]) for w in Database(tmp_path / "m.db")["warnings"].rows] == [("damaged_page", 2)]


def test_a_filter_name_that_is_not_utf8_is_no_crash():  # found by `make fuzz`
    data = (SAMPLES / DB_SAMPLES[0]).read_bytes().replace(b"/FlateDecode", b"/FlateDec\xefde", 1)
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(data, "m.pdf")
    assert raised.value.kind == "corrupt"
