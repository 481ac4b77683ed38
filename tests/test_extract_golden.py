"""Each sample's record equals its golden expected JSON exactly, field by field of the contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES, expected_path, golden_samples, one_manifesto_source
from extract.errors import ExtractionError
from extract.pipeline import extract_file

ADDED_FIELDS = {"ocr", "warnings", "coverage"}  # fields beyond the golden files (coverage: checked on its own)
KNOWN_LIMITS = {  # samples the parser is known to misread, kept so that a fix shows (strict xfail)
    "xlsx-portrait-long-means-mixed-target-r4-kyodo.pdf": "a wrap right before an inner ・ reads as a new bullet",
    "xlsx-eval-columns-printed-on-own-page-title-column-r6-senkyo.pdf":
        "a sheet printed down, then over: the pages of its right-hand columns repeat the header labels and read as a "
        "second manifesto",
    "docx-strikethrough-corrections-white-on-dark-heads-indented-bullets-r3-toshi.pdf":
        "text struck through (見え消し) is read as text: the correction after it follows the words it replaces",
    "xlsx-white-on-navy-head-row-sup-note-struck-indent-10pt5-h31-hoken.pdf":
        "text struck through (見え消し) is read as text: the correction after it follows the words it replaces",
}


UNREAD_AS_ONE = {"xlsx-eval-columns-printed-on-own-page-title-column-r6-senkyo.pdf"}  # of those: not one record at all


def _golden_params(limits: set[str] | dict[str, str] = KNOWN_LIMITS) -> list:
    return [
        pytest.param(
            path,
            marks=[pytest.mark.xfail(reason=KNOWN_LIMITS[path.name], strict=True)] if path.name in limits else [],
            id=str(path.relative_to(SAMPLES)),
        )
        for path in golden_samples()
    ]


def _vocabulary(source):
    """A sample's own vocabulary (NAME.vocabulary.toml beside it): the city's wordings it is read with."""
    path = source.with_name(source.stem + ".vocabulary.toml")
    return path if path.exists() else None


@pytest.mark.parametrize("source", _golden_params())
def test_record_equals_golden(source, load_expected):
    expected = load_expected(source)
    (extraction,) = extract_file(source, vocabulary=_vocabulary(source))
    record = extraction.record.model_dump(mode="json")
    assert set(record) - set(expected) <= ADDED_FIELDS
    assert {key: record[key] for key in expected} == {**expected, "source": one_manifesto_source(expected["source"])}


@pytest.mark.parametrize("source", _golden_params(UNREAD_AS_ONE))
def test_every_printed_character_is_accounted_for(source, load_expected):
    """Coverage is 1.0 on a golden sample, unless its golden file says which share a correct reading
    leaves unplaced (level text printed before any marker); each unplaced run is a warning."""
    expected = load_expected(source)
    (extraction,) = extract_file(source, vocabulary=_vocabulary(source))
    record = extraction.record
    unplaced = [w for w in record.warnings if w.kind == "unplaced_text"]
    assert record.coverage == expected.get("coverage", 1.0)
    assert bool(unplaced) == (record.coverage < 1.0)
    assert all(w.page and w.bbox for w in unplaced)


def test_golden_set_covers_both_shared_samples():
    names = {path.name for path in golden_samples()}
    assert {"iga-2021-digital.pdf", "sample-2020-kenko.pdf", "iga-2021-digital.html"} <= names


@pytest.mark.parametrize("name", ["iga-2021-digital.pdf", "sample-2020-kenko.pdf"])
def test_cli_prints_the_expected_record(name):
    result = subprocess.run(
        [sys.executable, "-m", "extract.cli", "extract", str(SAMPLES / name)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    printed = json.loads(result.stdout)  # one JSON document, as before booklets were split
    expected = json.loads(expected_path(SAMPLES / name).read_text(encoding="utf-8"))
    expected["source"] = one_manifesto_source(expected["source"])
    assert {key: printed[key] for key in expected} == expected
    assert printed["ocr"] is False and printed["warnings"] == []


def test_a_sample_with_its_own_vocabulary_does_not_read_without_it():
    """The city-wording sample is read only with its vocabulary: the built-in one lacks its words."""
    custom = [path for path in golden_samples() if _vocabulary(path)]
    assert custom
    for path in custom:
        with pytest.raises(ExtractionError) as raised:
            extract_file(path)
        assert raised.value.kind == "incomplete"
