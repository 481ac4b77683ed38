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


@pytest.fixture(scope="module")
def client(db_path):
    """GET a path of the Datasette app (in process) and return the whole response."""
    datasette = Datasette([str(db_path)], metadata=metadata("manifestos", [lookup("242161")], view_columns(db_path)))
    return lambda path: asyncio.run(datasette.client.get(path))


def test_a_goal_page_links_to_its_source_where_every_traced_value_has_its_crop(client, db_path):
    db = Database(db_path)
    goal_id, sha, number = db.execute(
        "SELECT goal_id, manifesto, goal FROM goal_overview WHERE department = 'デジタル自治推進局' AND goal = 4").fetchone()
    table = client("/manifestos/goal_overview").text
    assert f'href="/-/manifesto/source/manifestos/{goal_id}"' in table
    source = client(f"/-/manifesto/source/manifestos/{goal_id}")
    assert source.status_code == 200 and "2021年度 デジタル自治推進局 ◎部局目標4" in source.text
    places = db.execute("SELECT id, field FROM provenance WHERE manifesto = ? AND goal = ?", [sha, number]).fetchall()
    assert len(places) >= 7
    for place_id, field in places:
        assert f'data-field="{field}"' in source.text
        assert f'src="/-/manifesto/crop/manifestos/{place_id}.png"' in source.text
    crop = client(f"/-/manifesto/crop/manifestos/{places[0][0]}.png")
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/png" and crop.content[:4] == b"\x89PNG"


def test_a_crop_of_a_file_changed_since_it_was_stored_is_refused(client, db_path, tmp_path):
    db = Database(db_path)
    place_id, path = db.execute("SELECT p.id, m.path FROM provenance p JOIN manifestos m ON m.id = p.manifesto").fetchone()
    original = Path(path).read_bytes()
    try:
        Path(path).write_bytes(original + b"\n%changed\n")
        refused = client(f"/-/manifesto/crop/manifestos/{place_id}.png")
    finally:
        Path(path).write_bytes(original)
    assert refused.status_code == 409 and "changed since it was stored" in refused.text
    assert client("/-/manifesto/crop/manifestos/999999.png").status_code == 404


def test_goals_are_labelled_by_year_and_department_and_columns_in_japanese(client):
    page = client("/manifestos/goals").text
    assert ">2021 デジタル自治推進局</a>" in page and ">2020 健康福祉部</a>" in page
    assert 'data-column-description="達成状況(自己評価): ' in page  # the label the plugin's script shows
    assert "manifesto-label" in page and "列の説明" in page


def test_the_charts_page_has_both_charts(client):
    charts = client("/-/manifesto/charts/manifestos")
    assert charts.status_code == 200
    assert charts.text.count("data:image/png;base64,") == 2 and "部局・年度別の自己評価" in charts.text


def test_an_address_that_cannot_be_bound_is_a_one_line_usage_error(db_path, capsys):
    assert main(["serve", "--db", str(db_path), "--host", "no-such-host.invalid", "--port", "8123"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no-such-host.invalid: not an address") and err.count("\n") == 1
