"""Build (or reuse) the benchmark corpus: N copies of the committed sample PDFs, each with distinct bytes.

The batch skips a file whose sha256 it has seen, so each copy gets a comment after
%%EOF naming its number: the same pages (readers ignore bytes after %%EOF), other
bytes. The samples mix both real-format files and every generated variant; the OCR
scans are left out (they measure Tesseract, not the reader).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def sample_pdfs(samples: Path) -> list[Path]:
    """Given the samples folder, return its text-layer PDFs: samples/*.pdf and samples/variants/*.pdf, sorted."""
    return sorted(samples.glob("*.pdf")) + sorted((samples / "variants").glob("*.pdf"))


def copy_bytes(source: bytes, number: int) -> bytes:
    """Given a PDF's bytes and a copy number, return the bytes of that copy (a comment after %%EOF)."""
    return source + f"\n%bench copy {number}\n".encode()


def build_corpus(folder: Path, count: int, sources: Sequence[Path]) -> list[Path]:
    """Write (where missing or different) `count` copies cycling through `sources` into `folder`; return their paths.

    Copy i is made from sources[i % len(sources)], so any prefix of the corpus mixes every variant.
    """
    folder.mkdir(parents=True, exist_ok=True)
    originals = [path.read_bytes() for path in sources]
    paths = []
    for number in range(count):
        source = number % len(sources)
        path = folder / f"{number:05d}-{sources[source].name}"
        data = copy_bytes(originals[source], number)
        if not path.is_file() or path.stat().st_size != len(data):
            path.write_bytes(data)
        paths.append(path)
    return paths
