"""`manifesto serve`: the database in Datasette, for researchers who browse, search and facet without SQL.

The metadata (titles, descriptions, licence, source, every column's meaning) comes
from catalog.py, the same descriptions as the export's data package. The goal tables
search the Japanese full-text index goals_fts (fts.py: words of any length, through
datasette_plugin.py's escape_fts), facet on fiscal year, department and
self-rating, and canned queries answer the common questions. datasette_plugin.py adds the
rest: goals labelled by year and department, Japanese column labels, the charts, and each
value beside the crop of its PDF page.
"""

from __future__ import annotations

import html
import json
import socket
from collections.abc import Sequence
from pathlib import Path
from tempfile import TemporaryDirectory

from .catalog import GOALS, MANIFESTOS, TABLES, Field
from .errors import UsageError
from .export import LICENSE, dataset_title, places_of
from .municipality import Municipality, place_names
from .query import QUERY_TIME_LIMIT_SECONDS
from .store import reading

HOST = "127.0.0.1"  # by default this machine only: `--host 0.0.0.0` serves a network, `datasette publish` the world

# The views of docs/database.md: (title, description), and what their own columns mean.
VIEWS = {
    "goal_overview": ("部局目標一覧 (最新版)",
                      "Every goal of the latest version of each department and fiscal year, with its manifesto: start here"),
    "goal_versions": ("部局目標一覧 (全版)", "Every goal of every version, with its version and whether it is the latest"),
    "versions": ("版の一覧", "The versions (start-of-year, year-end, repaired copy, OCR scan) of one department and year"),
    "goal_texts": ("検索対象テキスト", "The goal texts the full-text index goals_fts holds"),
}
VIEW_COLUMNS = {
    "goal": "部局目標の番号: N of ◎部局目標N",
    "rating_label": "評価: the legend's label for the self-rating",
    "version": "版: 1, 2, … within the department and year, the latest last (docs/database.md gives the order)",
    "versions": "版の数: how many versions the department and year has",
    "latest": "最新版: 1 for the version shown in goal_overview",
    "evaluated": "評価済み: 1 when any goal is rated",
    "rated_goals": "評価済みの目標数: how many goals carry a self-rating",
    "manifesto": "マニフェストID: the manifesto's id (manifestos.id)",
    "intact": "完全: 1 unless the file was read after repair or is partly unreadable",
    "file_mtime": "更新日時: modification time of the manifesto's file when the batch last saw it",
    "series": "系列ID: the goal's series across fiscal years (goal_series.series)",
    "goal_id": "部局目標ID: goals.id, to join milestones and means",
    "means": "目標を達成するための手段: the goal's means joined by newlines",
}

_MONTHS = """WITH RECURSIVE months(goal, seq, month, last) AS (
  SELECT goal, seq, start, coalesce("end", start) FROM milestones WHERE start IS NOT NULL
  UNION ALL
  SELECT goal, seq, strftime('%Y-%m', month || '-01', '+1 month'), last FROM months WHERE month < last
)
SELECT months.month, o.fiscal_year, o.department, o.goal, ms.text, ms.period
FROM months
JOIN milestones ms ON ms.goal = months.goal AND ms.seq = months.seq
JOIN goal_overview o ON o.goal_id = ms.goal
WHERE :month = '' OR months.month = :month
ORDER BY months.month, o.fiscal_year, o.department, o.goal, ms.seq"""

QUERIES = {
    "ratings_by_department_and_year": {
        "title": "部局・年度別の自己評価",
        "description": "Average self-rating, rated goals and goals per department and fiscal year (latest versions)",
        "sql": "SELECT fiscal_year, department, round(avg(self_rating), 2) AS average_rating,\n"
               "       count(self_rating) AS rated_goals, count(*) AS goals\n"
               "FROM goal_overview GROUP BY fiscal_year, department ORDER BY fiscal_year, department",
    },
    "goals_rated_2_or_lower": {
        "title": "自己評価が2以下の部局目標",
        "description": "Goals whose self-rating is 2 or lower, with the reason given (latest versions)",
        "sql": "SELECT fiscal_year, department, goal, self_rating, rating_label, objective, rating_reason\n"
               "FROM goal_overview WHERE self_rating <= 2 ORDER BY fiscal_year, department, goal",
    },
    "milestones_by_month": {
        "title": "月別の達成目標",
        "description": "Each month with the milestones that fall in it (a period of several months appears in each); "
                       "give a month as YYYY-MM, or leave it empty for all",
        "sql": _MONTHS,
    },
}


def _described(field: Field) -> str:
    return f"{field.title}: {field.description}"


def metadata(database: str, places: Sequence[Municipality], view_columns: dict[str, Sequence[str]]) -> dict:
    """Return Datasette's metadata for the database named `database` (its file's stem) (pure).

    `places` are the municipalities whose manifestos it holds, named in the title and source;
    `view_columns` the columns of each view in VIEWS, each described like the column it shows.
    """
    # a view's column is described as the table column it shows, or in VIEW_COLUMNS
    described = {field.name: _described(field) for table in (MANIFESTOS, GOALS) for field in table.fields} | VIEW_COLUMNS
    tables: dict[str, dict] = {
        table.name: {"title": table.title, "description": table.description,
                     "columns": {field.name: _described(field) for field in table.fields}}
        for table in TABLES
    }
    for view, (title, description) in VIEWS.items():
        tables[view] = {"title": title, "description": description,
                        "columns": {name: described[name] for name in view_columns[view] if name in described}}
    tables["manifestos"] |= {"facets": ["fiscal_year", "department", "municipality_code"], "sort_desc": "fiscal_year"}
    tables["goals"] |= {"fts_table": "goals_fts", "fts_pk": "id", "facets": ["self_rating"]}
    tables["goal_overview"] |= {"fts_table": "goals_fts", "fts_pk": "goal_id",
                                "facets": ["fiscal_year", "department", "self_rating"]}
    tables["goals_fts"] = {"hidden": True}
    tables["goals_fts_pending"] = {"hidden": True}  # goals a running batch has yet to index: empty at rest
    title = dataset_title(places)
    description = ("部局マニフェスト (departmental manifestos): each department's goals for a fiscal year and their "
                   "year-end self-evaluation, extracted from the published PDFs. Search the goals in goal_overview.")
    return {
        "title": title,
        "description": description,
        "license": "CC BY 4.0",
        "license_url": LICENSE["path"],
        "source": f"{place_names(places) or '各自治体'}の部局マニフェスト (PDF)",
        "databases": {database: {
            "title": title, "tables": tables, "queries": QUERIES,
            "description_html": f"<p>{html.escape(description)}</p><p><a href=\"/-/manifesto/charts/{html.escape(database)}\">"
                                "グラフ: 部局・年度別の自己評価と達成目標の時期</a> · each goal's <em>page</em> links to "
                                "the PDF crop of every value (原文)</p>",
        }},
    }


def check_port_free(host: str, port: int) -> None:
    """Raise UsageError (one line) when `host`:`port` cannot be bound, before Datasette would fail on it."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as error:
        raise UsageError(f"{host}: not an address to listen on ({error.strerror}): check --host") from None
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds it
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UsageError(f"{host}:{port}: {error.strerror}: choose another port with --port") from None


def serve(db_path: str | Path, port: int, *, host: str = HOST, metadata_out: str | Path | None = None) -> None:
    """Serve the database at `db_path` with Datasette on `host`:`port` until interrupted.

    Datasette runs in this process (its own command, given the metadata file), so stopping
    this process stops the server. The metadata is written to `metadata_out` when given
    (for `datasette publish … --metadata FILE`), else to a temporary folder. Raises
    UsageError for a missing database, an address that cannot be bound or a port in use.
    """
    from datasette.cli import cli  # imported here: only `serve` needs the web stack

    path = Path(db_path)
    check_port_free(host, port)
    with reading(path) as db:
        places = places_of(db)
        view_columns = {view: list(db[view].columns_dict) for view in VIEWS}
    text = json.dumps(metadata(path.stem, places, view_columns), ensure_ascii=False, indent=2)
    with TemporaryDirectory() as folder:
        metadata_file = Path(metadata_out) if metadata_out else Path(folder) / "metadata.json"
        metadata_file.parent.mkdir(parents=True, exist_ok=True)
        metadata_file.write_text(text + "\n", encoding="utf-8")
        cli.main(
            ["serve", str(path), "--metadata", str(metadata_file), "--host", host, "--port", str(port),
             "--setting", "sql_time_limit_ms", str(round(QUERY_TIME_LIMIT_SECONDS * 1000))],
            prog_name="datasette", standalone_mode=False,
        )
