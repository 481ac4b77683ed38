"""bench/: the corpus copies are distinct files with the same pages; the machine and the targets are read right."""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import SAMPLES
from bench.corpus import build_corpus, sample_pdfs
from bench.exactness import compare_file, kind
from bench.identical import compare, first_difference
from bench.machine import cpu_ceiling, cpu_model, memory_gib
from bench.measure import time_batch
from bench.run import ratios
from bench import profile
from extract.pipeline import extract_file
from extract.readers import DEFAULT_READER


def test_corpus_cycles_the_text_samples_with_distinct_bytes_and_the_same_records(tmp_path):
    sources = sample_pdfs(SAMPLES)
    assert len(sources) >= 13 and not any("scanned" in path.parts for path in sources)

    corpus = build_corpus(tmp_path, len(sources) + 2, sources)

    assert len({hashlib.sha256(path.read_bytes()).hexdigest() for path in corpus}) == len(corpus)
    again = corpus[len(sources)]
    assert again.name.endswith(sources[0].name)
    assert extract_file(again)[0].record.model_dump(exclude={"source"}) == extract_file(sources[0])[0].record.model_dump(
        exclude={"source"}
    )
    assert build_corpus(tmp_path, 3, sources) == corpus[:3]  # reused


def test_the_machines_ceiling_for_several_processes_is_measured_against_one_alone():
    found = cpu_ceiling(2, rounds=1, loops=200_000)
    assert found["alone"] > 0 and found["together"] > 0
    assert found["ceiling"] == pytest.approx(2 * found["alone"] / found["together"])
    assert 0.5 < found["ceiling"] < 3  # two processes do at most about twice one's work


def test_machine_description_reads_proc_files():
    assert cpu_model("processor\t: 0\nmodel name\t: AMD EPYC 7B13\n") == "AMD EPYC 7B13"
    assert cpu_model("") == "unknown"
    assert memory_gib("MemTotal:       24641536 kB\n") == 23.5


def test_targets_are_ratios_of_wall_times():
    results = {
        "cores": 2,
        "baselines": {"words": {"wall": 60.0}, "oxide chars": {"wall": 2.0}},
        "batches": [{"label": "batch -j1", "wall": 10.0}, {"label": "batch -j2", "wall": 6.5}],
        "scaling": [{"files": 100, "peak_tree_mib": 300.0}, {"files": 1000, "peak_tree_mib": 360.0}],
        "identical": [{"against": "pdfplumber", "files": 13, "identical": 13},
                      {"against": "pdfium", "files": 13, "identical": 10}],
    }

    found = ratios(results)

    assert (found["over_words"]["batch -j1"], found["over_floor"]["batch -j1"]) == (10.0 / 60.0, 5.0)
    targets = found["targets"]
    assert targets["j1_speedup_over_words"]["value"] == 6.0
    assert [targets[name]["met"] for name in
            ("j1_speedup_over_words", "speedup_all_cores", "rss_growth", "identical_to_pdfplumber")] == [
        True, False, False, True  # 6× over words; -j2 only 1.54× -j1; memory +20 %; all 13 samples the same
    ]
    assert "identical_to_pdfium" not in targets  # pdfium is compared and reported, not a target


def test_the_writers_share_bounds_what_every_core_gains():
    results = {
        "cores": 2,
        "machine": {"cpu_ceiling": {"ceiling": 1.9}},
        "baselines": {"words": {"wall": 60.0}, "oxide chars": {"wall": 2.0}},
        "batches": [{"label": "batch -j1", "wall": 10.0, "cpu": 12.0, "writer_cpu": 2.0},
                    {"label": "batch -j2", "wall": 6.0, "cpu": 12.4, "writer_cpu": 2.1}],
        "scaling": [],
        "identical": [],
    }

    writer = ratios(results)["writer"]

    assert (writer["writer_cpu"], writer["workers_cpu"], writer["keeps_up_with"]) == (2.0, 10.0, 5.0)
    assert writer["expected_speedup_all_cores"] == pytest.approx(1.9 * 10 / 12)  # its share of the two cores
    results["batches"][0]["writer_cpu"] = None  # not readable: no figure rather than a wrong one
    assert "writer" not in ratios(results)


def test_identical_readers_are_told_apart_from_differing_ones():
    iga = SAMPLES / "iga-2021-digital.pdf"

    same = compare([iga], "oxide", "pdfplumber")

    assert (same["identical"], same["differing"]) == (1, {})
    assert first_difference(("record", {"title": "a", "head": "b"}, []), ("record", {"title": "a", "head": "c"}, [])) \
        == "head: 'b' against 'c'"
    assert first_difference(("error", "corrupt"), ("record", {}, [])).startswith("('error', 'corrupt') against")


def test_exactness_counts_pdf_oxides_characters_as_pdfminers_and_names_what_it_leaves():
    found = compare_file(SAMPLES / "iga-2021-digital.pdf")
    left = compare_file(SAMPLES / "hard" / "xlsx-rotated-pages-r3-kanko.pdf")

    oxide = found["pdf_oxide"]
    assert oxide[("ideographic space", "both")] > 0 and oxide[("other", "both")] > 1000
    assert not [key for key in oxide if key[1] != "both"]  # nothing read by one library only
    assert left["pdf_oxide"] == {"left to pdfplumber": "a rotated page or a MediaBox off the origin"}
    assert (kind("・"), kind("\u3000"), kind("⻑"), kind("(cid:12)"), kind("長")) == (
        "middle dot ・", "ideographic space", "Kangxi / CJK radical", "(cid:N): no Unicode", "other")


def test_a_timed_batch_tells_the_writers_cpu_time_from_its_workers(tmp_path):
    files = build_corpus(tmp_path / "corpus", 4, sample_pdfs(SAMPLES))

    run = time_batch(files, 0, tmp_path / "bench.db", 2)

    assert "4 stored" in run.summary
    assert 0 < run.writer_cpu < 0.6 * run.cpu  # the batch process's own time, not its two workers' with it


def test_the_profile_times_every_stage_of_parsing_and_storing(tmp_path):
    assert profile.main(["--files", "3", "--out", str(tmp_path)]) == 0

    found = json.loads((tmp_path / f"profile-{DEFAULT_READER}.json").read_text())
    assert all(found[stage]["seconds"] > 0 for stage in ("parse (one file)", "read PDF", "find blocks", "build + validate", "rows to send", "store"))
