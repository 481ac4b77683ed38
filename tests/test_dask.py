"""`manifesto batch --dask`: a LocalCluster of 2 worker processes fills the same database as a local batch, and a
cluster of real `dask scheduler` / `dask worker` processes obeys the same per-file limits."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlite_utils import Database

import hostile
from conftest import ROOT, SAMPLES, fts_index
from extract.batch import ParseSettings, run_batch
from extract.errors import ERROR_KINDS
from extract import cluster
from extract.cli import main

distributed = pytest.importorskip("distributed")

# Every table's rows by their natural keys: manifesto and goal ids (and so the order of storing) and times may differ.
_SHA = "(SELECT sha256 FROM manifestos WHERE id = {}) AS sha"
CONTENTS = {
    "manifestos": "SELECT * FROM manifestos",
    "goals": f"SELECT {_SHA.format('t.manifesto')}, t.* FROM goals t",
    "milestones": f"SELECT {_SHA.format('g.manifesto')}, g.number, s.* FROM milestones s JOIN goals g ON g.id = s.goal",
    "means": f"SELECT {_SHA.format('g.manifesto')}, g.number, s.* FROM means s JOIN goals g ON g.id = s.goal",
    "rating_scale": f"SELECT {_SHA.format('t.manifesto')}, t.* FROM rating_scale t",
    "warnings": f"SELECT {_SHA.format('t.manifesto')}, t.* FROM warnings t",
    "provenance": f"SELECT {_SHA.format('t.manifesto')}, t.* FROM provenance t",
    "failures": "SELECT * FROM failures",
    "files": "SELECT * FROM files",
}
VOLATILE = {"id", "goal", "manifesto", "extracted_at", "time", "seen_at"}


def contents(path) -> dict[str, list[tuple]]:
    """Every table's rows without ids and times, sorted."""
    db = Database(path)
    tables = {}
    for table, sql in CONTENTS.items():
        rows = [{k: v for k, v in row.items() if k not in VOLATILE} for row in db.query(sql)]
        tables[table] = sorted(tuple(sorted(row.items(), key=lambda item: item[0])) for row in rows)
    return tables


@pytest.fixture
def archive(tmp_path):
    """Both real-format samples, every variant, and a truncated file that fails."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for pdf in [*SAMPLES.glob("*.pdf"), *(SAMPLES / "variants").glob("*.pdf")]:
        shutil.copy(pdf, folder / pdf.name)
    (folder / "truncated.pdf").write_bytes((SAMPLES / "iga-2021-digital.pdf").read_bytes()[:300])
    return folder


def test_dask_batch_stores_the_same_rows_as_a_local_batch(tmp_path, archive):
    local = run_batch([archive], tmp_path / "local.db", workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run_batch([archive], tmp_path / "dask.db", dask=cluster.scheduler_address)

    assert (remote.stored, remote.failed) == (local.stored, local.failed) == (len(list(archive.iterdir())) - 1, 1)
    assert contents(tmp_path / "dask.db") == contents(tmp_path / "local.db")
    dask_db = Database(tmp_path / "dask.db")
    assert fts_index(dask_db) == fts_index(dask_db, rebuilt=True)


def test_unreachable_scheduler_is_a_usage_error(tmp_path, archive, capsys, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    code = main(["batch", str(archive), "--db", str(tmp_path / "m.db"), "--dask", "tcp://127.0.0.1:9"])

    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


# --- a real cluster: `dask scheduler` and `dask worker` started as processes, as a user runs them -------------

DASK = ROOT / ".venv" / "bin" / "dask"
TIMEOUT = 5.0
WORKERS = 2


@pytest.fixture(scope="module")
def real_cluster(tmp_path_factory):
    """A scheduler and 2 single-threaded workers, each its own process; yields the scheduler's address."""
    folder = tmp_path_factory.mktemp("cluster")
    scheduler_file = folder / "scheduler.json"
    common = ["--scheduler-file", str(scheduler_file), "--no-dashboard"]
    started = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", *common],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        started.append(subprocess.Popen(
            [str(DASK), "worker", "--nthreads", "1", "--nworkers", str(WORKERS), *common],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        address = json.loads(scheduler_file.read_text())["address"]
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(WORKERS, timeout=60)
        yield address
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_a_real_cluster_obeys_the_same_limits_and_stores_every_good_file(tmp_path, real_cluster):
    folder = tmp_path / "mixed"
    hostile.write_all(folder)
    start = time.monotonic()
    summary = run_batch([folder], tmp_path / "m.db", dask=real_cluster, settings=ParseSettings(timeout=TIMEOUT))
    seconds = time.monotonic() - start

    db = Database(tmp_path / "m.db")
    assert sorted(row["file"] for row in db["manifestos"].rows) == sorted(hostile.GOOD)
    failed = {Path(row["path"]).name: row["kind"] for row in db["failures"].rows}
    expected = {name: kind for name, (_, kind) in hostile.HOSTILE.items() if name.endswith(".pdf")}
    assert {name: failed[name] for name, kind in expected.items() if kind} == {k: v for k, v in expected.items() if v}
    assert set(failed.values()) <= ERROR_KINDS.keys() - {"crashed"}
    assert seconds < summary.files * TIMEOUT / WORKERS + 15
