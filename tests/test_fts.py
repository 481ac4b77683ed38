"""extract.search: Japanese full-text search over goal texts (trigram FTS5, LIKE for short words)."""

from __future__ import annotations

import json

import pytest
from sqlite_utils import Database

from conftest import DB_SAMPLES
from extract.cli import main
from extract.pipeline import extract_file
from extract.search import excerpt, fts_query, search
from extract.store import SEARCHABLE

IGA = "iga-2021-digital.pdf"


def goals_containing(sample_dir, words: list[str]) -> set[tuple[str, int]]:
    """The oracle: (file, goal number) of every goal whose texts contain all words (ASCII case ignored)."""
    found = set()
    for name in DB_SAMPLES:
        for goal in extract_file(sample_dir / name)[0].record.goals:
            texts = "\n".join(filter(None, [*(getattr(goal, f) for f in SEARCHABLE if f != "means"), *goal.means]))
            if all(word.lower() in texts.lower() for word in words):
                found.add((name, goal.number))
    return found


def found(db_path, query: str) -> set[tuple[str, int]]:
    return {(row["path"].rsplit("/", 1)[-1], row["goal"]) for row in search(Database(db_path), query)}


def test_koumin_renkei_finds_goal_4_of_iga_2021(sample_db):
    assert found(sample_db, "公民連携") == {(IGA, 4)}
    [row] = search(Database(sample_db), "公民連携")
    assert (row["fiscal_year"], row["department"]) == (2021, "デジタル自治推進局")
    assert "«公民連携»" in row["excerpt"]


def test_dx_finds_goals_1_and_2_of_iga_2021_by_like_fallback(sample_db):
    db = Database(sample_db)
    # trigram cannot answer a 2-character word: the index alone finds nothing ...
    assert db.execute("SELECT count(*) FROM goals_fts WHERE goals_fts MATCH ?", [fts_query(["DX"])]).fetchone()[0] == 0
    # ... so search falls back to LIKE on the base tables
    assert found(sample_db, "DX") == {(IGA, 1), (IGA, 2)}
    assert found(sample_db, "dx") == {(IGA, 1), (IGA, 2)}


@pytest.mark.parametrize(
    "query", ["公民連携", "DX", "防災", "健康", "アクションプラン", "アクションプラン 策定", "市民 DX", "PPP", "100%", 'a"b', "_"]
)
def test_search_finds_exactly_the_goals_containing_every_word(sample_db, sample_dir, query):
    assert found(sample_db, query) == goals_containing(sample_dir, query.split())


def test_means_are_searched(sample_db, sample_dir):
    means = extract_file(sample_dir / IGA)[0].record.goals[2].means[0]
    assert (IGA, 3) in found(sample_db, means[:6])


def test_index_follows_updates_and_deletes(sample_db):
    db = Database(sample_db)
    db.execute("PRAGMA foreign_keys = ON")
    with db.atomic():
        db.execute("UPDATE goals SET objective = '防災無線のデジタル化' WHERE number = 1")
    assert {goal for _, goal in found(sample_db, "防災無線")} == {1}
    with db.atomic():
        db.execute("DELETE FROM manifestos WHERE path LIKE ?", [f"%{IGA}"])
    assert found(sample_db, "公民連携") == set()
    assert db["goals_fts"].count == db["goals"].count


def test_excerpt_names_the_field_and_marks_the_word():
    field, text = excerpt({"mission": "市民のため", "objective": "x" * 30 + "DXの推進" + "y" * 30}, "dx")
    assert field == "objective"
    assert text == "…" + "x" * 20 + "«DX»の推進" + "y" * 17 + "…"


def test_cli_search_prints_json_and_csv(sample_db, capsys):
    assert main(["search", "--db", str(sample_db), "公民連携", "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["goal"], row["field"]) == (4, "objective")
    assert main(["search", "--db", str(sample_db), "DX", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "fiscal_year,department,goal,self_rating,field,excerpt,path"
    assert len(lines) == 3


def test_cli_search_of_a_missing_database_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["search", "--db", str(tmp_path / "none.db"), "DX"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert not (tmp_path / "none.db").exists()
