"""extract.series: a goal is followed across fiscal years by its wording, not its number."""

from __future__ import annotations

import re

import pytest
from sqlite_utils import Database

from conftest import ROOT, SAMPLES
from extract.pipeline import Extraction, extract_file
from extract.query import run_query
from extract.series import SERIES_THRESHOLD, GoalText, dice, link, relink_goals, similarity
from extract.store import open_db, reading, store

DX_MISSION_GOAL, REFORM_MISSION_GOAL = 0, 2  # indexes of Iga 2021 goals with each of its two missions

# Iga's デジタル自治推進局 over three years: (number, the 2021 goal whose mission it has, objective, self-rating).
YEARS = {
    2021: [
        (1, 0, "伊賀市デジタルトランスフォーメーション(IDX)実行計画(アクションプラン)の策定と共有", 4),
        (2, 1, "各所属におけるアクションプラン実施意識の醸成", 3),
        (3, 2, "伊賀流「事業仕分け」制度による行政改革推進", 4),
        (4, 3, "公民連携(PPP)事業の推進支援", 5),
    ],
    2022: [
        (1, 0, "IDX実行計画(アクションプラン)の推進と進捗管理", 3),  # goal 1 reworded; rated lower
        (2, 1, "行政手続のオンライン化の推進", 4),  # a new goal under the old goal 2's number and mission
        (3, 2, "伊賀流「事業仕分け」制度による行政改革の推進", 4),
        (4, 3, "公民連携(PPP)事業の推進と民間提案制度の導入", 4),  # reworded; rated lower
    ],
    2023: [
        (1, 0, "IDX実行計画に基づくDXの推進と進捗管理", 3),
        (2, 1, "行政手続オンライン化の推進と利用促進", 5),
        (3, 3, "公民連携(PPP)による事業の推進", 4),  # the PPP goal, now number 3
    ],
}
ERAS = {2021: "令和3", 2022: "令和4", 2023: "令和5"}


def manifesto_of(year: int, base: Extraction) -> Extraction:
    """The Iga manifesto as it might read in `year`: YEARS' goals, the 2021 missions."""
    record = base.record
    goals = [
        record.goals[mission_of].model_copy(update={"number": number, "objective": objective, "self_rating": rating})
        for number, mission_of, objective, rating in YEARS[year]
    ]
    source = record.source.model_copy(update={"sha256": str(year - 2020) * 64})
    title = record.title.replace("2021", str(year)).replace("令和3", ERAS[year])
    return Extraction(
        record.model_copy(update={"source": source, "fiscal_year": year, "era": ERAS[year], "title": title,
                                  "goals": goals}),
        [],
    )


@pytest.fixture
def three_years(tmp_path):
    base = extract_file(SAMPLES / "iga-2021-digital.pdf")[0]
    db = open_db(tmp_path / "m.db")
    for year in YEARS:
        store(db, manifesto_of(year, base), f"{year}.pdf")
    store(db, extract_file(SAMPLES / "sample-2020-kenko.pdf")[0], "kenko.pdf")  # another department: its own series
    relink_goals(db)
    db.close()
    return tmp_path / "m.db"


def series_of(db_path) -> dict[tuple[int, int], tuple[int, int] | None]:
    """(fiscal year, goal number) → the (year, number) it continues, for デジタル自治推進局."""
    rows = Database(db_path).query(
        "SELECT o.fiscal_year, o.goal, p.fiscal_year AS previous_year, p.goal AS previous_goal "
        "FROM goal_series s JOIN goal_overview o ON o.goal_id = s.goal "
        "LEFT JOIN goal_overview p ON p.goal_id = s.previous WHERE o.department = 'デジタル自治推進局'"
    )
    return {(r["fiscal_year"], r["goal"]): r["previous_year"] and (r["previous_year"], r["previous_goal"]) for r in rows}


def test_a_reworded_goal_continues_over_three_years_and_a_reused_number_starts_a_new_series(three_years):
    assert series_of(three_years) == {
        (2021, 1): None, (2021, 2): None, (2021, 3): None, (2021, 4): None,
        (2022, 1): (2021, 1),
        (2022, 2): None,  # number 2 again, but another goal: the old goal 2 ended in 2021
        (2022, 3): (2021, 3), (2022, 4): (2021, 4),
        (2023, 1): (2022, 1), (2023, 2): (2022, 2),
        (2023, 3): (2022, 4),  # the PPP goal under a new number
    }
    db = Database(three_years)
    [(series,)] = db.execute(
        "SELECT DISTINCT s.series FROM goal_series s JOIN goal_overview o ON o.goal_id = s.goal "
        "WHERE o.objective LIKE '%IDX%'").fetchall()
    first = db.execute("SELECT goal_id FROM goal_overview WHERE fiscal_year = 2021 AND goal = 1").fetchone()[0]
    assert series == first
    scores = [score for (score,) in db.execute("SELECT score FROM goal_series WHERE previous IS NOT NULL")]
    assert scores and all(SERIES_THRESHOLD <= score <= 1 for score in scores)
    assert db.execute("SELECT count(*) FROM goal_series").fetchone()[0] == db["goals"].count


def documented_query(title: str) -> str:
    """The SQL of the example in docs/database.md headed by the line `title`."""
    text = (ROOT / "docs" / "database.md").read_text(encoding="utf-8")
    found = re.search(re.escape(title) + r"\n\n```sql\n(.*?)```", text, re.S)
    assert found, title
    return found[1]


def test_the_documented_rating_dropped_query_finds_the_two_drops(three_years):
    with reading(three_years) as db:
        columns, rows = run_query(db, documented_query("Goals whose self-rating dropped from one year to the next:"))
    found = [dict(zip(columns, row)) for row in rows]
    assert [(r["department"], r["year"], r["goal"], r["previous_rating"], r["self_rating"]) for r in found] == [
        ("デジタル自治推進局", 2022, 1, 4, 3),
        ("デジタル自治推進局", 2022, 4, 5, 4),
    ]


def test_the_documented_how_long_query_gives_each_series_years(three_years):
    with reading(three_years) as db:
        columns, rows = run_query(db, documented_query("How long each goal ran (its series over the fiscal years):"))
    runs = {(r["department"], r["first_year"], r["first_goal"]): (r["last_year"], r["years"])
            for r in (dict(zip(columns, row)) for row in rows)}
    assert runs[("デジタル自治推進局", 2021, 1)] == (2023, 3)
    assert runs[("デジタル自治推進局", 2021, 4)] == (2023, 3)
    assert runs[("デジタル自治推進局", 2021, 2)] == (2021, 1)
    assert runs[("デジタル自治推進局", 2022, 2)] == (2023, 2)
    assert runs[("健康福祉部", 2020, 1)] == (2020, 1)


def test_dice_is_one_for_the_same_text_and_zero_for_nothing_in_common():
    assert dice("公民連携の推進", "公民連携の推進") == 1.0
    assert dice("公民連携", "健康寿命") == 0.0
    assert dice("", "") == 0.0
    assert dice("公民 連携", "公民連携") == 1.0  # spaces do not count
    assert 0 < dice("公民連携の推進", "公民連携による推進") < 1


def goal(id: int, year: int, objective: str, mission: str = "使命", owner=("242161", "部")) -> GoalText:
    return GoalText(id, owner, year, objective, mission)


def test_link_matches_one_to_one_best_first_within_a_department_only():
    goals = [
        goal(1, 2021, "防災訓練の実施"), goal(2, 2021, "防災訓練の実施と検証"),
        goal(3, 2022, "防災訓練の実施と検証"),
        goal(4, 2022, "防災訓練の実施", owner=("242161", "別の部")),
    ]
    rows = {row.goal: row for row in link(goals)}
    assert (rows[3].previous, rows[3].series) == (2, 2)  # the closer of two candidates, once
    assert rows[1].previous is None and rows[4].previous is None
    assert rows[3].score == round(similarity(goals[1], goals[2]), 4) == 1.0


def test_a_department_skipping_a_year_links_to_its_previous_stored_year():
    rows = {row.goal: row for row in link([goal(1, 2019, "公民連携の推進"), goal(2, 2021, "公民連携の推進")])}
    assert rows[2].previous == 1
