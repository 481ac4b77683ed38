"""Shared fixtures: the committed samples and their expected records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def expected_path(source: Path) -> Path:
    """Given a sample file, return its golden record's path (NAME.expected.json beside it)."""
    return source.with_name(source.stem.removesuffix(".seed") + ".expected.json")


def golden_samples() -> list[Path]:
    """Every committed sample that has a golden record, PDFs and web pages alike."""
    return sorted(
        path
        for path in SAMPLES.rglob("*")
        if path.suffix in {".pdf", ".html"} and expected_path(path).exists() and "scanned" not in path.parts
    )


@pytest.fixture
def load_expected():
    def load(source: Path) -> dict:
        return json.loads(expected_path(source).read_text(encoding="utf-8"))

    return load
