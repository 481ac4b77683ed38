"""extract.batch: a folder mixing good and broken files stores every good one and records every broken one."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sqlite_utils import Database

from conftest import DB_SAMPLES, SAMPLES
from hostile import slow_content
from extract import batch as batch_module
from extract.batch import Job, ParseSettings, bursts, collect, run_batch, see
from extract.cli import main
from extract.errors import ExtractionError
from extract.limits import Worker
from extract.pipeline import extract_file
from extract.work import Failed

BROKEN = {
    "empty.pdf": lambda pdf: b"",
    "text.pdf": lambda pdf: "これはPDFではありません\n".encode(),
    "truncated.pdf": lambda pdf: pdf[:300],  # cut before the page tree: beyond any repair
}


def failure_kind(path) -> str:
    """The oracle: the kind the extractor itself gives this file (a non-ExtractionError is a bug: internal)."""
    try:
        extract_file(path)
    except ExtractionError as error:
        return error.kind
    except Exception:
        return "internal"
    raise AssertionError(f"{path} parses")


@pytest.fixture
def mixed(tmp_path):
    """Good samples (one in a subfolder), broken files, and a non-PDF file that is not collected."""
    folder = tmp_path / "mixed"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES / DB_SAMPLES[0], folder / DB_SAMPLES[0])
    shutil.copy(SAMPLES / DB_SAMPLES[1], folder / "sub" / DB_SAMPLES[1].upper().replace(".PDF", ".Pdf"))
    pdf = (SAMPLES / DB_SAMPLES[0]).read_bytes()
    for name, make in BROKEN.items():
        (folder / name).write_bytes(make(pdf))
    (folder / "notes.txt").write_text("not collected")
    return folder


def test_collect_finds_pdfs_recursively_in_any_case_once_each(mixed):
    files = collect([mixed, mixed / DB_SAMPLES[0]])
    assert sorted(p.name.lower() for p in files) == sorted([*DB_SAMPLES, *BROKEN])
    assert len(files) == len(set(files))


def test_good_files_are_stored_and_broken_ones_recorded(tmp_path, mixed, capsys):
    db_path = tmp_path / "m.db"

    code = main(["batch", str(mixed), "--db", str(db_path)])

    assert code == 3
    out = capsys.readouterr().out
    assert f"{len(DB_SAMPLES) + len(BROKEN)} files: {len(DB_SAMPLES)} stored, 0 unchanged, 0 duplicates, 0 moved, {len(BROKEN)} failed" in out
    db = Database(db_path)
    stored = {row["file"] for row in db.query("SELECT file FROM manifestos")}
    assert {name.lower() for name in stored} == set(DB_SAMPLES)
    failures = {row["path"]: row for row in db.query("SELECT * FROM failures")}
    assert set(failures) == {str(mixed / name) for name in BROKEN}
    for name in BROKEN:
        row = failures[str(mixed / name)]
        assert row["kind"] == failure_kind(mixed / name)
        assert row["message"] and row["time"]
    assert failures[str(mixed / "empty.pdf")]["kind"] == "empty"
    assert failures[str(mixed / "text.pdf")]["kind"] == "not_pdf"
    assert failures[str(mixed / "truncated.pdf")]["kind"] == "corrupt"
    assert failures[str(mixed / "empty.pdf")]["sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_fixed_files_are_stored_or_noted_as_duplicates_and_their_failures_forgotten(tmp_path, mixed):
    db_path = tmp_path / "m.db"
    run_batch([mixed], db_path)
    shutil.copy(SAMPLES / DB_SAMPLES[0], mixed / "truncated.pdf")  # the bytes of a stored file: a duplicate
    shutil.copy(SAMPLES / DB_SAMPLES[1], mixed / "empty.pdf")  # likewise
    (mixed / "text.pdf").write_bytes((SAMPLES / DB_SAMPLES[0]).read_bytes() + b"\n%fixed\n")  # new bytes: stored

    summary = run_batch([mixed], db_path)

    assert (summary.stored, summary.unchanged, summary.duplicates, summary.failed, summary.exit_code) == (1, 2, 2, 0, 0)
    db = Database(db_path)
    assert db["failures"].count == 0
    outcomes = {Path(row["path"]).name: (row["outcome"], row["duplicate_of"] and Path(row["duplicate_of"]).name)
                for row in db["files"].rows}
    assert outcomes == {
        DB_SAMPLES[0]: ("stored", None), DB_SAMPLES[1].upper().replace(".PDF", ".Pdf"): ("stored", None),
        "text.pdf": ("stored", None),
        "truncated.pdf": ("duplicate", DB_SAMPLES[0]), "empty.pdf": ("duplicate", DB_SAMPLES[1].upper().replace(".PDF", ".Pdf")),
    }
    assert db["manifestos"].count == len(DB_SAMPLES) + 1


def test_all_good_exits_0_and_a_missing_path_exits_2(tmp_path, sample_dir, capsys):
    assert main(["batch", str(sample_dir), "--db", str(tmp_path / "m.db"), "-j", "1"]) == 0
    assert main(["batch", str(tmp_path / "missing"), "--db", str(tmp_path / "m.db")]) == 2
    assert capsys.readouterr().err.endswith("no such file or folder\n")


def test_bad_jobs_is_a_usage_error(tmp_path, sample_dir):
    with pytest.raises(SystemExit) as exit:
        main(["batch", str(sample_dir), "-j", "0"])
    assert exit.value.code == 2


# Per-file limit of the test below: far above a real sample's parse (0.25 s alone; over 0.5 s with two workers on a
# loaded machine), far below the slow PDF's (minutes).
TIME_LIMIT_SECONDS = 2.0


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_past_the_time_limit_fails_as_timeout_and_the_rest_is_stored(tmp_path, workers):
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in DB_SAMPLES:
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "hangs.pdf").write_bytes(slow_content())  # minutes of pdfminer; a good file, under a second
    summary = run_batch([folder], tmp_path / "m.db", workers=workers, settings=ParseSettings(timeout=5))
    db = Database(tmp_path / "m.db")
    assert (summary.stored, summary.failed) == (len(DB_SAMPLES), 1)
    assert [(row["path"].rsplit("/", 1)[-1], row["kind"]) for row in db["failures"].rows] == [("hangs.pdf", "timeout")]
    assert db["manifestos"].count == len(DB_SAMPLES)


def test_coverage_is_stored_and_files_below_it_are_counted_and_listed(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    partial = SAMPLES / "hard2" / "docx-page-header-no-markers-legend-bottom-r5-machi.pdf"  # level text before any marker
    for source in (SAMPLES / DB_SAMPLES[0], partial):
        shutil.copy(source, folder / source.name)
    summary = run_batch([folder], tmp_path / "m.db", workers=1)
    assert (summary.stored, summary.partial) == (2, 1)
    assert "1 below full coverage" in str(summary)
    db = Database(tmp_path / "m.db")
    listed = list(db.query(
        "SELECT m.file, m.coverage, w.page, w.x0, w.message FROM manifestos m JOIN warnings w "
        "ON w.manifesto = m.id AND w.kind = 'unplaced_text' WHERE m.coverage < 1.0"))
    assert {row["file"] for row in listed} == {partial.name}
    assert all(row["coverage"] < 1.0 and row["page"] and row["x0"] is not None for row in listed)
    assert any("駅から半径500m" in row["message"] for row in listed)


def test_a_burst_closes_with_the_first_file_parsed_commit_seconds_after_the_last(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(batch_module.time, "monotonic", lambda: now[0])

    def parsed_at(*times: float):
        for name, at in zip("abcdef", times):
            now[0] = at
            yield name

    assert list(bursts(parsed_at(0.0, 0.2, 0.5, 0.6, 1.2, 1.3), 0.5, 10)) == [["a", "b", "c"], ["d", "e"], ["f"]]
    assert list(bursts(parsed_at(2.0, 2.0, 2.0), 0, 10)) == [["a"], ["b"], ["c"]]  # a burst a file
    assert list(bursts(parsed_at(), 0.5, 10)) == []


def test_a_burst_closes_when_it_holds_its_most_files(monkeypatch):
    monkeypatch.setattr(batch_module.time, "monotonic", lambda: 0.0)  # all parsed at once: time never closes one
    assert list(bursts(iter("abcde"), 0.5, 2)) == [["a", "b"], ["c", "d"], ["e"]]


def test_a_file_parsed_is_stored_on_time_whatever_the_next_one_takes(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(batch_module.time, "monotonic", lambda: now[0])
    stored_at = []

    def quick_then_slow():
        yield "quick"  # at 0.0
        for tick in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6):  # nothing else for a while: the outcomes say so (None)
            now[0] = tick
            yield None
        now[0] = 120.0
        yield "slow"

    for burst in bursts(quick_then_slow(), 0.5, 10):
        stored_at.append((burst, now[0]))
    assert stored_at == [(["quick"], 0.5), (["slow"], 120.0)]


def test_the_workers_wait_while_the_writer_is_behind_and_never_with_a_file_unread(tmp_path, monkeypatch):
    """At most WAITING_FILES files are handed out and not yet stored; a worker waits for the writer only once it has
    answered (a file it read while waiting would be read with nobody watching its limits); a stop ends the waits."""
    pulled, answered = [], []

    class Counting(Worker):  # counts the files each worker took and answered
        def map(self, function, arguments, **options):
            def counted():
                for args in arguments:
                    pulled.append(args)
                    yield args
            for answer in super().map(function, counted(), **options):
                answered.append(answer)
                yield answer

    def settled() -> int:  # the count of answers once it has not moved for a while (the pool waits)
        seen, since = -1, time.monotonic()
        while time.monotonic() - since < 1.5:
            if len(answered) != seen:
                seen, since = len(answered), time.monotonic()
            time.sleep(0.05)
        return seen

    monkeypatch.setattr(batch_module, "WAITING_FILES", 2)
    jobs = []
    for number in range(14):
        path = Path(shutil.copy(SAMPLES / DB_SAMPLES[0], tmp_path / f"{number}.pdf"))
        jobs.append(Job(path, see(path)))
    parsed = batch_module.outcomes(jobs, ParseSettings(), [Counting(), Counting()])
    stored = []
    for item in parsed:
        if item is not None:
            stored.append(item)
        if len(stored) == 3:
            break
    assert settled() == 3 + 2 and len(pulled) == len(answered)  # two more, and none of them still being read
    started = time.monotonic()
    parsed.close()  # stopped while both workers wait for the writer
    assert time.monotonic() - started < 5
    assert len({job for job, _ in stored}) == 3 and not any(isinstance(outcome, Failed) for _, outcome in stored)
