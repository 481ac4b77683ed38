"""The command line's Unix habits: -q/-v/--debug anywhere, `-` for standard input, --jsonl, defaults from
MANIFESTO_DB / MANIFESTO_MUNICIPALITY and manifesto.toml (option > environment > file > built-in)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlite_utils import Database

from conftest import SAMPLES
from extract.cli import main, parser

IGA = SAMPLES / "iga-2021-digital.pdf"


def manifesto(*args: str, stdin: bytes = b"", cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract.cli", *args], input=stdin, capture_output=True,
                          cwd=cwd, env=env)


@pytest.mark.parametrize("argv", [
    ["--debug", "-q", "query", "SELECT 1"], ["query", "SELECT 1", "--debug", "-q"], ["-v", "query", "--debug", "SELECT 1"],
])
def test_debug_quiet_and_verbose_go_before_or_after_the_command(argv):
    args = parser().parse_args(argv)
    assert args.debug and (getattr(args, "quiet", False) or getattr(args, "verbose", False))


def test_quiet_and_verbose_together_are_bad_usage():
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(["query", "-q", "-v", "SELECT 1"])
    assert exited.value.code == 2


def test_quiet_batch_prints_the_summary_only(tmp_path):
    done = manifesto("batch", str(IGA), "--db", str(tmp_path / "m.db"), "-j", "1", "-q")
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout.decode().strip() == "1 files: 1 stored, 0 unchanged, 0 duplicates, 0 moved, 0 failed, 0 warnings, 0 below full coverage"


def test_a_dash_reads_a_file_paths_or_sql_from_standard_input(tmp_path):
    extracted = manifesto("extract", "-", stdin=IGA.read_bytes())
    assert extracted.returncode == 0, extracted.stderr
    assert json.loads(extracted.stdout)["department"] == "デジタル自治推進局"
    web = SAMPLES / "web" / next(p.name for p in (SAMPLES / "web").iterdir() if p.suffix == ".html")
    assert json.loads(manifesto("extract", "-", stdin=web.read_bytes()).stdout)["goals"]  # a page, by its content
    db = tmp_path / "m.db"
    stored = manifesto("-q", "batch", "-", "--db", str(db), "-j", "1", stdin=f"{IGA}\n\n{SAMPLES / 'sample-2020-kenko.pdf'}\n".encode())
    assert stored.returncode == 0 and Database(db)["manifestos"].count == 2
    queried = manifesto("query", "--db", str(db), "-", "--format", "csv", stdin=b"SELECT count(*) AS n FROM goals")
    assert queried.stdout.decode().splitlines() == ["n", "7"]


def test_jsonl_prints_one_object_a_line_and_nothing_for_no_rows(sample_db, capsys):
    assert main(["query", "--db", str(sample_db), "SELECT number, department FROM goals g "
                 "JOIN manifestos m ON m.id = g.manifesto ORDER BY 2, 1", "--jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["number"] for line in lines] == [1, 2, 3, 4, 1, 2, 3]  # デジタル… sorts before 健康…
    assert main(["search", "--db", str(sample_db), "DX", "--format", "jsonl"]) == 0
    assert sorted(json.loads(line)["goal"] for line in capsys.readouterr().out.splitlines()) == [1, 2]
    assert main(["query", "--db", str(sample_db), "SELECT * FROM goals WHERE 0", "--jsonl"]) == 0
    assert capsys.readouterr().out == ""


def test_extract_provenance_adds_page_and_bbox_of_each_value(capsys):
    assert main(["extract", str(IGA), "--provenance"]) == 0
    data = json.loads(capsys.readouterr().out)
    where = {p["path"]: p for p in data["provenance"]}
    assert where["goals[3].objective"]["page"] == 2 and len(where["goals[3].objective"]["bbox"]) == 4
    assert main(["extract", str(IGA)]) == 0
    assert "provenance" not in json.loads(capsys.readouterr().out)


def test_db_and_municipality_come_from_the_environment_then_manifesto_toml(tmp_path):
    (tmp_path / "manifesto.toml").write_text('db = "file.db"\nmunicipality = "011002"\n', encoding="utf-8")
    env = {**os.environ, "MANIFESTO_DB": str(tmp_path / "env.db")}
    assert manifesto("-q", "batch", str(IGA), "-j", "1", cwd=tmp_path, env=env).returncode == 0
    assert Database(tmp_path / "env.db").execute("SELECT municipality_code FROM manifestos").fetchall() == [("011002",)]
    del env["MANIFESTO_DB"]
    assert manifesto("-q", "batch", str(IGA), "-j", "1", "--municipality", "242161", cwd=tmp_path, env=env).returncode == 0
    assert Database(tmp_path / "file.db").execute("SELECT municipality_code FROM manifestos").fetchall() == [("242161",)]
    (tmp_path / "manifesto.toml").write_text("db = ", encoding="utf-8")
    broken = manifesto("query", "SELECT 1", cwd=tmp_path, env=env)
    assert broken.returncode == 2 and broken.stderr.decode().count("\n") == 1 and b"not valid TOML" in broken.stderr


def test_a_batch_process_imports_no_reader_model_or_dataframe(tmp_path):
    """The batch's one writer spends its time storing: the readers, pydantic and pandas are the workers' or nobody's."""
    code = ("import sys; from extract.cli import main; "
            f"code = main(['-q', 'batch', {str(IGA)!r}, '--db', {str(tmp_path / 'm.db')!r}, '-j', '1']); "
            "print(code, ' '.join(sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    exit_code, *modules = done.stdout.splitlines()[-1].split()  # after the batch's summary line
    assert exit_code == "0"
    heavy = {"pdfplumber", "pdfminer", "pypdfium2", "pdf_oxide", "pikepdf", "pydantic", "pandas", "numpy", "tabulate"}
    assert heavy.isdisjoint(name.split(".")[0] for name in modules)
