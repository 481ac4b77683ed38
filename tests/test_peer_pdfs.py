"""Real-world PDFs from another project's test suite (fixtures/peer-pdfs/README.md) each get their clean answer.

A clean answer is an error of an accepted kind, given by the command line as a user
meets it: its exit code, exactly one line on stderr naming the file, no traceback,
within 30 s (the self-referencing XObjects file is a hang trap).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT
from extract.errors import ERROR_KINDS

PEERS = Path(__file__).resolve().parent / "fixtures" / "peer-pdfs"
MANIFESTO = ROOT / ".venv" / "bin" / "manifesto"
TIME_LIMIT = 30.0

# file → the kinds its README accepts as a clean answer
ANSWERS: dict[str, set[str]] = {
    "kampo.pdf": {"garbled_text", "not_a_manifesto"},
    "jo.pdf": {"not_a_manifesto"},
    "nlp2004slides.pdf": {"not_a_manifesto"},
    "issue-449-vertical.pdf": {"not_a_manifesto"},
    "issue-625-identity-cmap.pdf": {"not_a_manifesto"},
    "issue-791-non-unicode-cmap.pdf": {"not_a_manifesto"},
    "zen_of_python_corrupted.pdf": {"corrupt", "not_a_manifesto"},
    "aes-256-r6.pdf": {"encrypted"},
    "rc4-40.pdf": {"encrypted"},
    "issue-1113-evil-xobjects.pdf": {"not_a_manifesto"},
    "matplotlib.pdf": {"not_a_manifesto"},
    "pdf-with-jbig2.pdf": {"no_text_layer"},
}
KIND_OF_EXIT = {code: kind for kind, code in ERROR_KINDS.items()}


def extract(path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    result = subprocess.run(
        [str(MANIFESTO), "extract", str(path), *args],
        capture_output=True, text=True, timeout=TIME_LIMIT + 10, cwd=ROOT, check=False,
    )
    return result, time.monotonic() - start


def test_every_peer_pdf_has_an_answer():
    assert {p.name for p in PEERS.glob("*.pdf")} == set(ANSWERS)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_peer_pdf_gets_its_clean_answer(name):
    result, seconds = extract(PEERS / name)
    lines = result.stderr.splitlines()
    assert KIND_OF_EXIT.get(result.returncode) in ANSWERS[name], result.stderr
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert lines[0].startswith(f"error: {PEERS / name}: {KIND_OF_EXIT[result.returncode]}: ")
    assert seconds < TIME_LIMIT


def test_self_referencing_xobjects_are_answered_quickly():
    result, seconds = extract(PEERS / "issue-1113-evil-xobjects.pdf")
    assert result.returncode == ERROR_KINDS["not_a_manifesto"] and seconds < 5


def test_rc4_with_its_password_opens_and_is_not_a_manifesto():
    result, _ = extract(PEERS / "rc4-40.pdf", "--password", "foo")
    assert result.returncode == ERROR_KINDS["not_a_manifesto"] and len(result.stderr.splitlines()) == 1
