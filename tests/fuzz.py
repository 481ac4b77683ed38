"""`make fuzz`: mutate the samples N times and read every mutant as a batch would, tallying the outcomes.

Each mutant is a sample (PDF or web page) with a few random mutations — bytes flipped,
a run overwritten, a chunk deleted or repeated, the file cut, hostile tokens inserted
(huge numbers, deep brackets, spans) — read in a worker process under the batch's
limits. What must never happen: an `internal` outcome (a bug) or a read that outlasts
its limit (a limit that did not hold). The tally goes to stdout and, as JSON, to
--out; docs/robustness.md keeps the figures. Not part of `make test`: it takes minutes.

    python tests/fuzz.py [--mutants 2000] [--seed 1] [--timeout 10] [--jobs 2] [--out output/fuzz/results.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.batch import INTERNAL, Failed, ParseSettings, parse_in  # noqa: E402
from extract.limits import Worker  # noqa: E402

SLACK_SECONDS = 2.0  # a read may end this long after its limit (the poll, the kill) and still have held it
TOKENS = (b"999999999999", b"-1", b"0", b"[" * 512, b"<<" * 256, b" obj ", b" R ", b"/FlateDecode",
          b"rowspan=999999 ", b"colspan=1000 ", b"<table><tr><td>" * 64, b"\xff\xfe", b"%%EOF", b"stream\n")


def seeds() -> list[Path]:
    """The samples with golden records, PDFs and web pages: what mutants are made from (not the scans, whose
    OCR takes seconds a page and whose mutations land in JPEG data)."""
    found = [p for p in (ROOT / "samples").rglob("*") if p.suffix in {".pdf", ".html", ".txt"} and p.is_file()]
    return sorted(p for p in found if p.with_name(p.stem + ".expected.json").exists() and "scanned" not in p.parts)


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """Given a file's bytes, return them with 1–4 random mutations, and the mutations' names."""
    out = bytearray(data)
    done = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(("flip", "overwrite", "delete", "repeat", "cut", "token"))
        at = rng.randrange(max(len(out), 1))
        if kind == "flip":
            for _ in range(rng.randint(1, 8)):
                out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
        elif kind == "overwrite":
            size = rng.randint(1, 256)
            out[at : at + size] = rng.randbytes(size)
        elif kind == "delete":
            del out[at : at + rng.randint(1, 4096)]
        elif kind == "repeat":
            chunk = bytes(out[at : at + rng.randint(1, 4096)])
            out[at:at] = chunk * rng.randint(2, 64)
        elif kind == "cut":
            del out[at:]
        else:
            out[at:at] = rng.choice(TOKENS)
        done.append(kind)
        if not out:
            break
    return bytes(out), done


def run(mutants: int, seed: int, timeout: float, jobs: int) -> dict:
    """Make and read `mutants` mutants; return the tally (outcomes, the slowest reads, anything that must not happen)."""
    rng = random.Random(seed)
    sources = seeds()
    settings = ParseSettings(timeout=timeout)
    outcomes: Counter[str] = Counter()
    warned: Counter[str] = Counter()  # warning kind → stored mutants carrying it
    bad: list[dict] = []
    slowest: list[float] = []
    lock = threading.Lock()
    local = threading.local()
    workers: list[Worker] = []

    def read(path: Path, source: Path, mutations: list[str]) -> None:
        if not hasattr(local, "worker"):
            local.worker = Worker()
            local.worker.call(int)  # started before its first file's clock, as a batch's workers are
            with lock:
                workers.append(local.worker)
        start = time.monotonic()
        outcome = parse_in(local.worker, str(path), settings)
        seconds = time.monotonic() - start
        kind = outcome.kind if isinstance(outcome, Failed) else "stored"
        if kind in ("timeout", "too_large", "crashed"):
            local.worker.call(int)  # its replacement started now, outside the next file's clock (as in a batch)
        with lock:
            outcomes[kind] += 1
            if not isinstance(outcome, Failed):
                warned.update({warning.kind for warning in outcome.record.warnings})
            slowest.append(seconds)
            if kind == INTERNAL or seconds > timeout + SLACK_SECONDS:
                bad.append({"source": source.name, "mutations": mutations, "kind": kind, "seconds": round(seconds, 2),
                            "message": getattr(outcome, "message", "")[:200], "mutant": str(path)})
        if kind != INTERNAL:
            path.unlink()  # kept only when it shows a bug, to be read again by hand

    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="manifesto-fuzz-"))
    try:
        with ThreadPoolExecutor(jobs) as threads:
            for number in range(mutants):
                source = rng.choice(sources)
                data, mutations = mutate(source.read_bytes(), rng)
                path = folder / f"{number:05d}-{source.name}"
                path.write_bytes(data)
                threads.submit(read, path, source, mutations)
    finally:
        for worker in workers:
            worker.close()
    slowest.sort()
    return {
        "mutants": mutants, "seed": seed, "timeout": timeout, "jobs": jobs, "seeds": len(sources),
        "seconds": round(time.monotonic() - started, 1),
        "outcomes": dict(outcomes.most_common()),
        "stored_with_warning": dict(warned.most_common()),
        "internal": outcomes[INTERNAL],
        "past_the_limit": sum(s > timeout + SLACK_SECONDS for s in slowest),
        "slowest_seconds": [round(s, 2) for s in slowest[-5:]],
        "median_seconds": round(slowest[len(slowest) // 2], 3) if slowest else None,
        "must_not_happen": bad,
        "kept": str(folder),
    }


def main() -> int:
    """Run the fuzz; print the tally; exit 1 when anything that must not happen happened."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--mutants", type=int, default=2000)
    options.add_argument("--seed", type=int, default=1)
    options.add_argument("--timeout", type=float, default=10.0)
    options.add_argument("--jobs", type=int, default=2)
    options.add_argument("--out", type=Path, default=ROOT / "output" / "fuzz" / "results.json")
    args = options.parse_args()
    result = run(args.mutants, args.seed, args.timeout, args.jobs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "must_not_happen"}, indent=2, ensure_ascii=False))
    for case in result["must_not_happen"]:
        print("MUST NOT HAPPEN:", json.dumps(case, ensure_ascii=False))
    return 1 if result["must_not_happen"] else 0


if __name__ == "__main__":
    sys.exit(main())
