"""Where a -j1 batch's time goes: cProfile over parse and store of the corpus, summed by stage.

    python -m bench.profile [--files 100] [--reader oxide] [--out output/bench]

Each stage is a function whose cumulative time is read from the profile (stages nest:
a stage's own share is its time less the stages inside it). Writes OUT/profile-READER.json
and prints the shares; the raw profile goes to OUT/profile-READER.prof for snakeviz or pstats.
cProfile slows pure-Python code more than C code, so shares are indicative, not exact.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tabulate import tabulate

from extract.readers import DEFAULT_READER
from extract.rows import ManifestoRows
from extract.store import open_db, store_rows
from extract.work import Failed, ParseSettings, parse_one

from .corpus import build_corpus, sample_pdfs
from .run import ROOT

# stage → (the function it is: file suffix and name), and the stages that run inside it
OXIDE_METHOD = "<method '{}' of 'pdf_oxide.pdf_oxide.PdfDocument' objects>"  # how cProfile names a Rust method
STAGES: dict[str, tuple[tuple[str, str], tuple[str, ...]]] = {
    "parse (one file)": (("extract/work.py", "parse_one"), ("read PDF", "find blocks", "build + validate", "rows to send")),
    "read PDF": (("extract/open_pdf.py", "read_pdf_bytes"), (
        "ours: chars and rules of a pdfplumber page", "pdf_oxide: characters", "pdf_oxide: paths",
        "pikepdf: pages and fonts", "ours: chars of a pdf_oxide page", "ours: edges of a pdf_oxide page",
        "pdfium: chars", "pdfium: rules", "ours: cells and lines")),
    "ours: chars and rules of a pdfplumber page": (("extract/read_pdf.py", "plumber_objects"),
                                                   ("pdfminer: interpret pages",)),
    "pdfminer: interpret pages": (("pdfplumber/page.py", "layout"), ()),
    "pdf_oxide: characters": (("~", OXIDE_METHOD.format("extract_chars")), ()),
    "pdf_oxide: paths": (("~", OXIDE_METHOD.format("extract_paths")), ()),
    "pikepdf: pages and fonts": (("extract/read_oxide.py", "font_descents"), ()),
    "ours: chars of a pdf_oxide page": (("extract/read_oxide.py", "page_chars"), ()),
    "ours: edges of a pdf_oxide page": (("extract/read_oxide.py", "page_edges"), ()),
    "pdfium: chars": (("extract/read_pdfium.py", "page_chars"), ()),
    "pdfium: rules": (("extract/read_pdfium.py", "page_edges"), ()),
    "ours: cells and lines": (("extract/layout.py", "layout_rows"), ("cells: find tables",)),
    "cells: find tables": (("extract/cells.py", "find_tables"), ()),
    "find blocks": (("extract/blocks.py", "find_blocks"), ()),
    "build + validate": (("extract/build.py", "build"), ()),
    "rows to send": (("extract/rows.py", "manifesto_rows"), ()),
    "store": (("extract/store.py", "store_rows"), ()),
}


def cumulative(stats: pstats.Stats, where: tuple[str, str]) -> float:
    """Return the cumulative seconds of the function named by (file suffix, name) in the profile (0 if absent)."""
    suffix, name = where
    return sum(
        entry[3] for (file, _, function), entry in stats.stats.items()  # type: ignore[attr-defined]
        if function == name and file.endswith(suffix)
    )


def shares(stats: pstats.Stats) -> dict[str, dict[str, float]]:
    """Return each stage's cumulative seconds, its own (less the stages inside it), and its own share of the total."""
    times = {stage: cumulative(stats, where) for stage, (where, _) in STAGES.items()}
    total = stats.total_tt or 1.0  # type: ignore[attr-defined]
    found = {}
    for stage, (_, inner) in STAGES.items():
        own = times[stage] - sum(times[name] for name in inner)
        found[stage] = {"seconds": times[stage], "own_seconds": own, "own_share": own / total}
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Profile parse and store of the corpus; print and write each stage's share."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100, help="files profiled (default 100)")
    parser.add_argument("--reader", default=DEFAULT_READER, help=f"PDF reader (default {DEFAULT_READER})")
    parser.add_argument("--out", default=str(ROOT / "output" / "bench"), help="where the corpus and profile go")
    args = parser.parse_args(argv)
    out = Path(args.out)
    files = build_corpus(out / "corpus", args.files, sample_pdfs(ROOT / "samples"))
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "profile.db")
        profile = cProfile.Profile()
        profile.enable()
        for path in files:
            outcome = parse_one(str(path), ParseSettings(reader=args.reader))
            if isinstance(outcome, Failed):
                raise SystemExit(f"{path}: {outcome.kind}: {outcome.message}")
            for part in outcome:
                if isinstance(part, ManifestoRows):
                    store_rows(db, part, str(path))
        profile.disable()
        db.close()
    profile.dump_stats(out / f"profile-{args.reader}.prof")
    found = shares(pstats.Stats(profile))
    (out / f"profile-{args.reader}.json").write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n")
    rows = [[stage, f["seconds"], f["own_seconds"], f"{f['own_share']:.0%}"] for stage, f in found.items() if f["seconds"]]
    print(tabulate(rows, ["stage", "cumulative s", "own s", "own share"], floatfmt=".2f", tablefmt="github"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
