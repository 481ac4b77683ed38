"""bench/: the corpus copies are distinct files with the same pages; the machine and the targets are read right."""

from __future__ import annotations

import hashlib

from conftest import SAMPLES
from bench.corpus import build_corpus, sample_pdfs
from bench.machine import cpu_model, memory_gib
from bench.run import ratios
from extract.pipeline import extract_file


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


def test_machine_description_reads_proc_files():
    assert cpu_model("processor\t: 0\nmodel name\t: AMD EPYC 7B13\n") == "AMD EPYC 7B13"
    assert cpu_model("") == "unknown"
    assert memory_gib("MemTotal:       24641536 kB\n") == 23.5


def test_targets_are_ratios_of_wall_times():
    results = {
        "cores": 2,
        "baselines": {"words": {"wall": 10.0}},
        "batches": [{"label": "batch -j1", "wall": 12.0}, {"label": "batch -j2", "wall": 6.5}],
        "scaling": [{"files": 100, "peak_tree_mib": 300.0}, {"files": 1000, "peak_tree_mib": 360.0}],
    }

    found = ratios(results)

    assert found["over_words"]["batch -j1"] == 1.2
    targets = found["targets"]
    assert (targets["j1_over_words"]["met"], targets["speedup_all_cores"]["met"], targets["rss_growth"]["met"]) == (
        True, True, False
    )
