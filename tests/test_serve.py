"""extract.serve: Datasette on the database searches Japanese, facets, and answers the canned queries."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from datasette.app import Datasette
from sqlite_utils import Database

from conftest import samples_database
from extract.cli import main
from extract.catalog import TABLES
from extract.municipality import lookup
from extract.serve import QUERIES, VIEWS, metadata


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    return samples_database(tmp_path_factory.mktemp("serve"), municipality_code="242161")


def view_columns(db_path: Path) -> dict[str, list[str]]:
    db = Database(db_path)
    return {view: list(db[view].columns_dict) for view in VIEWS}


@pytest.fixture(scope="module")
def get(db_path):
    """GET a path of the Datasette app serving the database (in process) and return the JSON."""
    datasette = Datasette([str(db_path)], metadata=metadata("manifestos", [lookup("242161")], view_columns(db_path)))

    def fetch(path: str) -> dict | list:
        response = asyncio.run(datasette.client.get(path))
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()

    return fetch


def test_search_finds_a_japanese_term_through_the_trigram_index(get, db_path):
    rows = get("/manifestos/goal_overview.json?_search=公民連携&_shape=array")
    expected = Database(db_path).execute(
        "SELECT count(*) FROM goal_overview o JOIN goals_fts ON goals_fts.rowid = o.goal_id "
        "WHERE goals_fts MATCH '\"公民連携\"'"
    ).fetchone()[0]
    assert len(rows) == expected >= 1
    assert {row["department"] for row in rows} == {"デジタル自治推進局"}
    assert get("/manifestos/goals.json?_search=公民連携&_shape=array")[0]["id"] in {row["goal_id"] for row in rows}


def test_goal_overview_facets_on_year_department_and_rating(get):
    page = get("/manifestos/goal_overview.json")
    facets = page["facet_results"]
    facets = facets.get("results", facets)  # the shape differs between Datasette versions
    assert {"fiscal_year", "department", "self_rating"} <= set(facets)
    years = {item["value"]: item["count"] for item in facets["fiscal_year"]["results"]}
    assert years == {2020: 3, 2021: 4}


def test_canned_queries_answer_from_the_latest_versions(get, db_path):
    db = Database(db_path)
    ratings = get("/manifestos/ratings_by_department_and_year.json?_shape=array")
    assert [(r["fiscal_year"], r["department"], r["goals"]) for r in ratings] == [
        (row["fiscal_year"], row["department"], row["n"]) for row in db.query(
            "SELECT fiscal_year, department, count(*) AS n FROM goal_overview GROUP BY 1, 2 ORDER BY 1, 2")
    ]
    low = get("/manifestos/goals_rated_2_or_lower.json?_shape=array")
    assert len(low) == db.execute("SELECT count(*) FROM goal_overview WHERE self_rating <= 2").fetchone()[0] >= 1
    assert all(row["self_rating"] <= 2 for row in low)
    december = get("/manifestos/milestones_by_month.json?month=2021-12&_shape=array")
    assert december and {row["month"] for row in december} == {"2021-12"}
    every = get("/manifestos/milestones_by_month.json?month=&_shape=array")
    assert len(every) >= db["milestones"].count  # a milestone over several months appears in each


def test_metadata_describes_every_column_and_names_licence_and_source(db_path):
    meta = metadata("manifestos", [lookup("242161")], view_columns(db_path))
    assert (meta["license"], meta["source"]) == ("CC BY 4.0", "三重県伊賀市の部局マニフェスト (PDF)")
    database = meta["databases"]["manifestos"]
    assert set(QUERIES) <= set(database["queries"])
    for table in TABLES:
        described = database["tables"][table.name]
        assert described["title"] and described["description"]
        assert set(described["columns"]) == {field.name for field in table.fields}
    for view, columns in view_columns(db_path).items():
        assert database["tables"][view]["title"]
        assert list(database["tables"][view]["columns"]) == columns, view  # each of its columns, and no other


def test_a_port_in_use_or_a_missing_database_is_a_one_line_usage_error(db_path, tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--db", str(db_path), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 127.0.0.1:") and "--port" in err and err.count("\n") == 1, err
    assert main(["serve", "--db", str(tmp_path / "missing.db"), "--port", str(port)]) == 2
    assert "no such database" in capsys.readouterr().err
