"""settings: the municipality code given once is the archive's; a rerun without it reuses it, another is refused."""

from __future__ import annotations

import shutil

import pytest
from sqlite_utils import Database

from conftest import DB_SAMPLES, SAMPLES
from extract.batch import municipality_for, run_batch
from extract.cli import main
from extract.errors import UsageError

IGA, KENKO = DB_SAMPLES


@pytest.fixture
def first(tmp_path):
    """An archive folder whose first file was batched with --municipality 242161; the second arrives later."""
    (tmp_path / "2021").mkdir()
    (tmp_path / "2020").mkdir()
    shutil.copy(SAMPLES / IGA, tmp_path / "2021" / IGA)
    assert main(["batch", str(tmp_path / "2021"), "--db", str(tmp_path / "m.db"), "--municipality", "242161"]) == 0
    shutil.copy(SAMPLES / KENKO, tmp_path / "2020" / KENKO)
    return tmp_path


def codes(db_path) -> dict[str, str | None]:
    return {row["file"]: row["municipality_code"] for row in Database(db_path).query("SELECT file, municipality_code FROM manifestos")}


def test_a_rerun_without_municipality_reuses_the_stored_code(first, capsys):
    assert main(["batch", str(first / "2021"), str(first / "2020"), "--db", str(first / "m.db")]) == 0
    assert codes(first / "m.db") == {IGA: "242161", KENKO: "242161"}
    assert "warning:" not in capsys.readouterr().out
    db = Database(first / "m.db")
    assert db.execute("SELECT value FROM settings WHERE name = 'municipality_code'").fetchone() == ("242161",)
    overview = db.execute("SELECT department, count(DISTINCT municipality_code) FROM goal_overview GROUP BY 1").fetchall()
    assert [count for _, count in overview] == [1, 1]


def test_another_code_is_refused_with_both_codes_named_and_nothing_stored(first, capsys):
    assert main(["batch", str(first / "2020"), "--db", str(first / "m.db"), "--municipality", "011002"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {first / 'm.db'}: ") and "242161" in error and "011002" in error
    assert "--mixed" in error and error.count("\n") == 1
    assert codes(first / "m.db") == {IGA: "242161"}


def test_mixed_stores_another_code_for_these_files_and_keeps_the_archives(first):
    run_batch([first / "2020"], first / "m.db", workers=1, municipality_code="011002", mixed=True)
    assert codes(first / "m.db") == {IGA: "242161", KENKO: "011002"}
    assert Database(first / "m.db").execute("SELECT value FROM settings").fetchall() == [("242161",)]


def test_a_null_code_beside_coded_manifestos_is_warned_in_the_summary(tmp_path, capsys):
    for year, name in (("2020", KENKO), ("2021", IGA)):
        (tmp_path / year).mkdir()
        shutil.copy(SAMPLES / name, tmp_path / year / name)
    run_batch([tmp_path / "2020"], tmp_path / "m.db", workers=1)  # no code yet: stored with none

    assert main(["batch", str(tmp_path / "2021"), "--db", str(tmp_path / "m.db"), "--municipality", "242161"]) == 0

    out = capsys.readouterr().out
    assert "warning: 1 manifestos have no municipality code beside 1 with one" in out
    assert codes(tmp_path / "m.db") == {KENKO: None, IGA: "242161"}


def test_municipality_for_uses_the_given_code_else_the_stored_one():
    assert municipality_for("m.db", None, None, mixed=False) is None
    assert municipality_for("m.db", None, "242161", mixed=False) == "242161"
    assert municipality_for("m.db", "242161", None, mixed=False) == "242161"
    assert municipality_for("m.db", "242161", "242161", mixed=False) == "242161"
    assert municipality_for("m.db", "242161", "011002", mixed=True) == "011002"
    with pytest.raises(UsageError, match="m.db: this archive's municipality is 242161, not 011002"):
        municipality_for("m.db", "242161", "011002", mixed=False)
