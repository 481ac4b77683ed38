"""extract.fts and extract.search: Japanese full-text search over goal texts, words of any length,
through `manifesto search`, sqlite-utils and Datasette's search box alike."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database
from sqlite_utils.cli import cli as sqlite_utils_cli

from conftest import DB_SAMPLES, fts_index
from extract import fts
from extract.cli import main
from extract.fts import (
    GRAMS_CHUNK, HASH_BYTES, PAD, SEARCH_VIEW, SEARCHABLE, deferred_index, escape_fts, grams_of, is_deferring, match_query,
)
from extract.pipeline import extract_file
from extract.search import excerpt, search
from extract.store import open_db, store

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


def test_dx_finds_goals_1_and_2_of_iga_2021_through_the_grams(sample_db):
    db = Database(sample_db)
    # trigram cannot answer a 2-character word as typed: the plain phrase finds nothing ...
    assert db.execute("SELECT count(*) FROM goals_fts WHERE goals_fts MATCH '\"DX\"'").fetchone()[0] == 0
    # ... its padded gram does
    assert match_query(["DX"]) == f'"D{PAD}X"'
    assert found(sample_db, "DX") == {(IGA, 1), (IGA, 2)}
    assert found(sample_db, "dx") == {(IGA, 1), (IGA, 2)}


@pytest.mark.parametrize("length", [1, 2, GRAMS_CHUNK - 1, GRAMS_CHUNK, GRAMS_CHUNK + 1, 2 * GRAMS_CHUNK + 1, 300])
def test_grams_hold_the_texts_with_pad_around_every_character_whatever_their_length(length):
    db = Database(memory=True)
    db["goal_texts"].insert({"id": 1, **dict.fromkeys(SEARCHABLE, "")}, pk="id")
    mission = "".join(chr(0x4E00 + i % 500) for i in range(length))
    db["goal_texts"].update(1, {"mission": mission})
    db.execute(SEARCH_VIEW)
    whole = "\n".join([mission, *[""] * (len(SEARCHABLE) - 1)])  # the searchable fields, a line each
    expected = PAD + "".join(char + PAD for char in whole)
    assert db.execute("SELECT grams FROM goal_search WHERE id = 1").fetchone()[0] == expected


def tokens(db: Database, text: str) -> list[tuple[str, int]]:
    """What the trigram tokenizer indexes of `text`: (token, offset) in order."""
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.one USING fts5(text, tokenize='trigram')")
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.one_vocab USING fts5vocab(temp, one, instance)")
    db.execute("DELETE FROM temp.one")
    db.execute("INSERT INTO temp.one (rowid, text) VALUES (1, ?)", [text])
    return db.execute("SELECT term, offset FROM temp.one_vocab ORDER BY offset").fetchall()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",))),
                          st.text("ab\0防災\n" + PAD)), min_size=len(SEARCHABLE), max_size=len(SEARCHABLE)))
def test_grams_computed_in_python_index_as_the_views_do_for_any_text(texts):
    db = Database(memory=True)
    db["goal_texts"].insert({"id": 1, **dict(zip(SEARCHABLE, texts))}, pk="id")
    db.execute(SEARCH_VIEW)
    view = db.execute("SELECT grams FROM goal_search WHERE id = 1").fetchone()[0]
    if "\0" not in "".join(filter(None, texts)):
        assert grams_of(texts) == view
    assert tokens(db, grams_of(texts)) == tokens(db, view)  # what the triggers remove is what was indexed


def test_a_pending_goal_another_tool_gave_a_number_for_a_text_is_indexed_as_the_view_gives_it(sample_db, sample_dir):
    db = open_db(sample_db)
    with deferred_index(db):
        store(db, extract_file(sample_dir / "sample-2020-kenko.pdf")[0], "copy/sample-2020-kenko.pdf")
        db.execute("UPDATE goals SET current_state = 2024 WHERE id = (SELECT max(goal) FROM goals_fts_pending)")
        db.conn.commit()
    assert fts_index(db) == fts_index(db, rebuilt=True) and len(fts_index(db)) == db["goals"].count
    assert {goal for _, goal in found(sample_db, "2024")} >= {3}


def test_the_index_gathers_hash_bytes_in_memory_before_writing_and_an_older_database_gets_it(sample_db):
    db = Database(sample_db)
    assert db.execute("SELECT v FROM goals_fts_config WHERE k = 'hashsize'").fetchone() == (HASH_BYTES,)
    db.execute("DELETE FROM goals_fts_config WHERE k = 'hashsize'")
    db.conn.commit()
    open_db(sample_db).close()
    assert db.execute("SELECT v FROM goals_fts_config WHERE k = 'hashsize'").fetchone() == (HASH_BYTES,)


def test_match_query_quotes_each_word_and_pads_short_ones():
    assert match_query(["公民連携", "防災", "X", 'a"b']) == f'"公民連携" AND "防{PAD}災" AND "{PAD}X{PAD}" AND "a""b"'


def test_escape_fts_reads_datasette_search_syntax():
    assert escape_fts('防災 "公民 連携" DX') == f'"防{PAD}災" AND "公民 連携" AND "D{PAD}X"'
    assert escape_fts('"unbalanced') == '"unbalanced"'
    assert escape_fts("   ") == ""


@pytest.mark.parametrize(
    "query", ["公民連携", "DX", "防災", "健康", "アクションプラン", "アクションプラン 策定", "市民 DX", "PPP", "100%", 'a"b', "_", "市", "d", "化"]
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
        db.execute("UPDATE means SET text = 'ZQ連絡会' WHERE seq = 1")
        db.execute("DELETE FROM means WHERE seq = 2")
        db.execute("INSERT INTO means (goal, seq, text) SELECT id, 9, 'QZ会議' FROM goals WHERE number = 2")
    assert {goal for _, goal in found(sample_db, "ZQ")} == {goal for (goal,) in db.execute(
        "SELECT DISTINCT g.number FROM goals g JOIN means m ON m.goal = g.id WHERE m.seq = 1")}
    assert {goal for _, goal in found(sample_db, "QZ")} == {2}
    assert fts_index(db) == fts_index(db, rebuilt=True)  # every goal's tokens exactly, none left over
    with db.atomic():
        db.execute("DELETE FROM manifestos WHERE path LIKE ?", [f"%{IGA}"])
    assert found(sample_db, "公民連携") == set()
    assert fts_index(db) == fts_index(db, rebuilt=True)
    assert set(fts_index(db)) == {goal_id for (goal_id,) in db.execute("SELECT id FROM goals")}


def test_sqlite_utils_detects_the_index_and_searches_it(sample_db):
    db = Database(sample_db)
    assert db["goals"].detect_fts() == "goals_fts"
    result = CliRunner().invoke(sqlite_utils_cli, ["search", str(sample_db), "goals", "公民連携", "-c", "number"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"number": 4}]
    # a 2-character word, as the Python API passes it: sqlite-utils' search with match_query
    assert sorted(row["number"] for row in db["goals"].search(match_query(["DX"]), columns=["number"])) == [1, 2]


def datasette_search(db_path, table: str, words: str) -> list[dict]:
    datasette = Datasette([str(db_path)])
    response = asyncio.run(datasette.client.get(f"/manifestos/{table}.json", params={"_search": words, "_shape": "array"}))
    assert response.status_code == 200, response.text[:500]
    return response.json()


@pytest.mark.parametrize("words", ["健康", "DX", "公民連携", "市民 DX", "アクションプラン 策定"])
def test_datasette_search_box_finds_words_of_2_and_4_characters(sample_db, sample_dir, words):
    """What the search box of the goals table sends (`?_search=`), through Datasette's JSON API."""
    paths = {row["id"]: row["file"] for row in Database(sample_db)["manifestos"].rows}
    rows = datasette_search(sample_db, "goals", words)
    assert {(paths[row["manifesto"]], row["number"]) for row in rows} == goals_containing(sample_dir, words.split())
    assert rows


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


def test_a_database_with_the_earlier_index_gets_the_current_one(sample_db):
    db = Database(sample_db)
    with db.conn:  # the self-contained index of earlier versions, and one of its triggers
        db.execute("DROP TABLE goals_fts")
        db.execute(f"CREATE VIRTUAL TABLE goals_fts USING fts5({', '.join(SEARCHABLE)}, tokenize = 'trigram')")
        db.execute("CREATE TRIGGER goals_fts_insert AFTER INSERT ON goals BEGIN SELECT 1; END")
    db.close()
    db = open_db(sample_db)
    assert db["goals"].detect_fts() == "goals_fts"
    assert "goals_fts_insert" not in {trigger.name for trigger in db.triggers}
    assert fts_index(db) == fts_index(db, rebuilt=True) and len(fts_index(db)) == db["goals"].count
    assert found(sample_db, "DX") == {(IGA, 1), (IGA, 2)}


def test_a_database_whose_grams_are_of_an_earlier_form_gets_its_index_filled_anew(sample_db):
    db = Database(sample_db)
    with db.conn:  # another form of grams (none), the index filled with it
        db.execute("DROP VIEW goal_search")
        db.execute("CREATE VIEW goal_search AS SELECT t.*, '' AS grams FROM goal_texts t")
        db.execute("INSERT INTO goals_fts (goals_fts) VALUES ('delete-all')")
        db.execute("INSERT INTO goals_fts (rowid, mission, objective, current_state, target, achieved_state, means, "
                   "rating_reason, grams) SELECT * FROM goal_search")
    assert found(sample_db, "DX") == set()
    db.close()
    db = open_db(sample_db)
    assert fts_index(db) == fts_index(db, rebuilt=True) and len(fts_index(db)) == db["goals"].count
    assert found(sample_db, "DX") == {(IGA, 1), (IGA, 2)}


def test_a_manifesto_stored_outside_a_batch_is_indexed_with_its_means_when_stored(sample_db, sample_dir):
    db = open_db(sample_db)
    store(db, extract_file(sample_dir / "sample-2020-kenko.pdf")[0], "copy/sample-2020-kenko.pdf")
    assert not is_deferring(db) and db["goals_fts_pending"].count == 0  # its goals waited only for their means
    assert fts_index(db) == fts_index(db, rebuilt=True) and len(fts_index(db)) == db["goals"].count


def test_goals_stored_while_indexing_is_deferred_are_searchable_at_its_end(sample_db, sample_dir):
    db = open_db(sample_db)
    with deferred_index(db):
        assert is_deferring(db)
        store(db, extract_file(sample_dir / "sample-2020-kenko.pdf")[0], "copy/sample-2020-kenko.pdf")  # moved here
        stored = {i for (i,) in db.execute("SELECT g.id FROM goals g JOIN manifestos m ON m.id = g.manifesto "
                                           "WHERE m.path = 'copy/sample-2020-kenko.pdf'")}
        assert {r["goal"] for r in db["goals_fts_pending"].rows} == stored and len(stored) == 3
        assert not stored & {r["id"] for r in db["goals_fts_docsize"].rows}  # not indexed yet
    assert not is_deferring(db) and db["goals_fts_pending"].count == 0
    assert fts_index(db) == fts_index(db, rebuilt=True) and len(fts_index(db)) == db["goals"].count


def test_goals_changed_or_deleted_while_indexing_is_deferred_leave_the_index_right(sample_db, sample_dir):
    db = open_db(sample_db)
    with deferred_index(db):
        store(db, extract_file(sample_dir / "sample-2020-kenko.pdf")[0], "copy/sample-2020-kenko.pdf")
        with db.atomic():
            db.execute("UPDATE goals SET objective = '防災無線のデジタル化' WHERE number = 1")  # indexed and pending ones
            db.execute("DELETE FROM means WHERE seq = 1")
            db.execute("DELETE FROM manifestos WHERE path = ?", ["copy/sample-2020-kenko.pdf"])  # pending goals go
        assert db["goals_fts_pending"].count == 0
    assert fts_index(db) == fts_index(db, rebuilt=True) and len(fts_index(db)) == db["goals"].count
    assert {goal for _, goal in found(sample_db, "防災無線")} == {1}


def test_goals_a_stopped_batch_left_pending_are_indexed_when_the_database_is_next_opened(sample_db, sample_dir):
    db = open_db(sample_db)
    with db.conn:  # what a batch killed inside deferred_index leaves: the setting, and goals pending
        db.execute("INSERT INTO settings (name, value, set_at) VALUES ('fts_deferred', '1', '')")
    store(db, extract_file(sample_dir / "sample-2020-kenko.pdf")[0], "copy/sample-2020-kenko.pdf")
    assert db["goals_fts_pending"].count == 3 and found(sample_db, "DX") == {(IGA, 1), (IGA, 2)}
    db.close()
    db = open_db(sample_db)
    assert not is_deferring(db) and db["goals_fts_pending"].count == 0
    assert fts_index(db) == fts_index(db, rebuilt=True) and len(fts_index(db)) == db["goals"].count


def test_a_deferring_batch_indexes_its_pending_goals_once_there_are_index_batch_of_them(sample_db, sample_dir, monkeypatch):
    monkeypatch.setattr(fts, "INDEX_BATCH", 4)
    db = open_db(sample_db)
    with deferred_index(db):
        store(db, extract_file(sample_dir / "sample-2020-kenko.pdf")[0], "copy/sample-2020-kenko.pdf")
        fts.index_some(db)
        assert db["goals_fts_pending"].count == 3  # fewer than INDEX_BATCH: left for later
        store(db, extract_file(sample_dir / "iga-2021-digital.pdf")[0], "copy/iga-2021-digital.pdf")
        fts.index_some(db)
        assert db["goals_fts_pending"].count == 0 and is_deferring(db)
        assert fts_index(db) == fts_index(db, rebuilt=True) and len(fts_index(db)) == db["goals"].count


def test_search_says_when_goals_are_not_searchable_yet(sample_db, sample_dir, capsys):
    db = open_db(sample_db)
    with db.conn:  # a batch stopped inside deferred_index
        db.execute("INSERT INTO settings (name, value, set_at) VALUES ('fts_deferred', '1', '')")
    store(db, extract_file(sample_dir / "sample-2020-kenko.pdf")[0], "copy/sample-2020-kenko.pdf")
    db.close()
    assert main(["search", "--db", str(sample_db), "健康"]) == 0
    assert "note: 3 goals stored by a batch that is running, or stopped before its end, are not searchable yet" in (
        capsys.readouterr().err)
    open_db(sample_db).close()
    assert main(["search", "--db", str(sample_db), "健康"]) == 0
    assert "not searchable yet" not in capsys.readouterr().err
