"""Every error kind, on a file made to fail that way: its kind, its one-line message, its exit code.

Each case is run through the real command line in a subprocess, as a user meets it:
exit code of its kind, exactly one line on stderr naming the file and the reason, no
traceback; `--debug` adds the traceback.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

import broken_pdfs
from conftest import ROOT, SAMPLES
from extract import ocr
from extract.errors import ERROR_KINDS, ExtractionError
from extract.limits import MAX_FILE_PAGES
from extract.pipeline import extract_bytes, extract_file

MANIFESTO = ROOT / ".venv" / "bin" / "manifesto"
SCANNED = SAMPLES / "scanned" / "iga-2021-digital-scanned.pdf"
TEXT_CAPTURE_WITHOUT_GOALS = "2022(令和4)年度 部局マニフェスト\n\n部局名\t総務部\n氏名\t山田 太郎\n".encode()
TEXT_CAPTURE_WITHOUT_DEPARTMENT = "◎部局目標1\n".encode()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MANIFESTO), *args], capture_output=True, text=True, timeout=60, cwd=ROOT, env=env, check=False
    )


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# kind → (file name, how to make its bytes, extra arguments, words the message must hold)
CASES: dict[str, tuple[str, Callable[[], bytes], tuple[str, ...], tuple[str, ...]]] = {
    "empty": ("empty.pdf", lambda: b"", (), ("empty",)),
    "not_pdf": ("photo.pdf", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, (), ("not a PDF",)),
    "encrypted": ("locked.pdf", broken_pdfs.encrypted_pdf, (), ("encrypted", "--password")),
    "corrupt": ("junk.pdf", broken_pdfs.junk_pdf, (), ("damaged", "qpdf could not repair")),
    "no_text_layer": ("scan.pdf", broken_pdfs.image_only_pdf, (), ("no text layer", "scanned images")),
    "garbled_text": ("cid.pdf", broken_pdfs.garbled_pdf, (), ("unreadable", "(cid:NN)", "ToUnicode")),
    "not_a_manifesto": ("hello.pdf", broken_pdfs.text_pdf, (), ("no goal markers",)),
    "incomplete": ("partial.txt", lambda: TEXT_CAPTURE_WITHOUT_GOALS, (), ("no usable goal",)),
    "timeout": ("scan.pdf", SCANNED.read_bytes, ("--timeout", "0.2"), ("0.2 s",)),
    "too_large": ("book.pdf", lambda: broken_pdfs.many_pages_pdf(MAX_FILE_PAGES + 1), (), (f"{MAX_FILE_PAGES + 1} pages",)),
}


def test_every_error_kind_has_a_case():
    # crashed: no file kills its reader on purpose; tests/test_limits.py and test_hostile.py kill one
    assert set(CASES) == set(ERROR_KINDS) - {"crashed"}


def test_exit_codes_are_distinct_and_clear_of_success_bug_and_usage():
    codes = list(ERROR_KINDS.values())
    assert len(set(codes)) == len(codes) and not {0, 1, 2} & set(codes)


@pytest.mark.parametrize("kind", list(CASES))
def test_cli_answers_each_kind_in_one_line_with_its_exit_code(kind, tmp_path):
    name, make, args, words = CASES[kind]
    path = write(tmp_path, name, make())
    result = run_cli("extract", str(path), *args)
    lines = result.stderr.splitlines()
    assert result.returncode == ERROR_KINDS[kind], result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"error: {path}: {kind}: ")
    for word in words:
        assert word in lines[0]
    assert result.stdout == ""


def test_debug_shows_the_traceback_as_well(tmp_path):
    path = write(tmp_path, "hello.pdf", broken_pdfs.text_pdf())
    result = run_cli("--debug", "extract", str(path))
    assert result.returncode == ERROR_KINDS["not_a_manifesto"]
    assert "Traceback" in result.stderr and result.stderr.splitlines()[-1].startswith("error: ")


# --- each kind in process: the kind, the reason, and the cases around it -----------------


@pytest.mark.parametrize("data", [b"", b"  \n\t "], ids=["zero-bytes", "whitespace"])
def test_empty(data):
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(data, "x.pdf")
    assert raised.value.kind == "empty" and str(raised.value) == "x.pdf: empty: the file is empty"


@pytest.mark.parametrize("data", [b"just some words", b"\x89PNG\r\n\x1a\n\0\0", b"<html>hi</html>"])
def test_not_pdf(data):
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(data, "x.pdf")
    assert raised.value.kind == "not_pdf"


def test_unreadable_path_is_not_pdf_naming_why(tmp_path):
    with pytest.raises(ExtractionError) as raised:
        extract_file(tmp_path / "missing.pdf")  # a file gone between listing and reading, in a batch
    assert raised.value.kind == "not_pdf" and "missing.pdf" in str(raised.value)


def test_a_missing_file_on_the_command_line_is_a_usage_error(tmp_path):
    result = run_cli("extract", str(tmp_path / "missing.pdf"))
    assert result.returncode == 2 and result.stderr == f"error: {tmp_path / 'missing.pdf'}: no such file\n"


def test_encrypted_without_password_asks_for_one():
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(broken_pdfs.encrypted_pdf(user="s3"), "x.pdf")
    assert raised.value.kind == "encrypted" and "pass --password" in raised.value.reason


def test_encrypted_with_wrong_password_says_so():
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(broken_pdfs.encrypted_pdf(user="s3"), "x.pdf", password="nope")
    assert raised.value.kind == "encrypted" and "wrong password" in raised.value.reason


def test_encrypted_with_its_password_is_read(tmp_path):
    path = write(tmp_path, "locked.pdf", broken_pdfs.encrypted_pdf(user="s3"))
    result = run_cli("extract", str(path), "--password", "s3")
    assert result.returncode == ERROR_KINDS["not_a_manifesto"]  # opened and read: it just is not a manifesto


def test_corrupt_when_qpdf_cannot_repair():
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(broken_pdfs.junk_pdf(), "x.pdf")
    assert raised.value.kind == "corrupt"
    assert "damaged" in raised.value.reason and "object at 0x" not in raised.value.reason


@pytest.mark.parametrize("share", [0.3, 0.6, 0.9])
def test_truncated_manifesto_is_repaired_and_read_with_a_warning(share):
    record = extract_bytes(broken_pdfs.truncated_sample(share), "cut.pdf")[0].record
    assert [g.number for g in record.goals] == [1, 2, 3]
    assert [w.kind for w in record.warnings] == ["repaired"]
    assert "repair with qpdf" in record.warnings[0].message


def test_no_text_layer_when_ocr_finds_no_table():
    if not ocr.ocr_available():
        pytest.skip("Tesseract with jpn is not installed (make ocr installs it)")
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(broken_pdfs.image_only_pdf(), "x.pdf")
    assert raised.value.kind == "no_text_layer" and "OCR found no table" in raised.value.reason


def test_no_text_layer_without_tesseract_says_how_to_enable_ocr(monkeypatch):
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(SCANNED.read_bytes(), "scan.pdf")
    assert raised.value.kind == "no_text_layer"
    assert "apt-get install tesseract-ocr tesseract-ocr-jpn" in raised.value.reason


def test_cli_without_tesseract_on_path_says_how_to_enable_ocr(tmp_path):
    path = write(tmp_path, "scan.pdf", SCANNED.read_bytes())
    result = run_cli("extract", str(path), env={**os.environ, "PATH": str(tmp_path)})
    assert result.returncode == ERROR_KINDS["no_text_layer"]
    assert len(result.stderr.splitlines()) == 1 and "install Tesseract" in result.stderr


def test_blank_pages_have_no_text_layer():
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(broken_pdfs.many_pages_pdf(2), "x.pdf")
    assert raised.value.kind == "no_text_layer" and "no text and no scanned images" in raised.value.reason


def test_garbled_text_names_the_cause():
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(broken_pdfs.garbled_pdf(), "x.pdf")
    assert raised.value.kind == "garbled_text" and "ToUnicode" in raised.value.reason


def test_incomplete_names_what_is_missing():
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(TEXT_CAPTURE_WITHOUT_DEPARTMENT, "x.txt")
    assert raised.value.kind == "incomplete" and "department" in raised.value.reason


def test_too_large_by_pages_is_answered_before_reading_them():
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(broken_pdfs.many_pages_pdf(MAX_FILE_PAGES + 1), "x.pdf")
    assert raised.value.kind == "too_large" and f"more than the {MAX_FILE_PAGES} a file" in raised.value.reason


def test_too_large_by_bytes_is_answered_before_reading_the_file(tmp_path, monkeypatch):
    import extract.limits

    monkeypatch.setattr(extract.limits, "MAX_FILE_BYTES", 1000)
    path = write(tmp_path, "big.pdf", broken_pdfs.text_pdf() + b"%" * 2000)
    with pytest.raises(ExtractionError) as raised:
        extract_file(path)
    assert raised.value.kind == "too_large" and raised.value.file == str(path)


def test_too_large_page_is_not_rendered_for_ocr(monkeypatch):
    if not ocr.ocr_available():
        pytest.skip("Tesseract with jpn is not installed (make ocr installs it)")
    monkeypatch.setattr(ocr, "MAX_RENDER_PIXELS", 1000)
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(SCANNED.read_bytes(), "scan.pdf")
    assert raised.value.kind == "too_large" and "too large to OCR" in raised.value.reason
