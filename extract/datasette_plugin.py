"""The project's Datasette plugin: short search words, goals labelled by year and department, Japanese column
labels, charts, and each value beside the crop of the PDF page where it was printed.

Installed with the package (entry point `datasette` in pyproject.toml), so it works in
`manifesto serve`, in a plain `datasette manifestos.db` and, with `datasette publish
--install manifesto-extract`, on a published copy. The search function and the labels script
act on manifesto databases only (those with the view goal_search), the cells on the tables
named as ours; other databases are left as Datasette shows them.

Pages it adds (DB is the database's name, the file's stem):
- /-/manifesto/source/DB/GOAL_ID: a goal's values, each beside its highlighted crop;
- /-/manifesto/crop/DB/PROVENANCE_ID.png: the crop itself (crop.py), rendered from the
  stored file, refused when the file has changed since it was stored;
- /-/manifesto/charts/DB: the charts of report.py (self-ratings by department and year, milestone months).
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import sqlite3
import threading
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from . import fts
from .catalog import GOALS, MEANS
from .crop import crop_png
from .errors import UsageError

PREFIX = "/-/manifesto"
# Tables whose rows are goals, and the column holding the goal's id in each.
GOAL_ID_COLUMN = {"goals": "id", "goal_overview": "goal_id"}
FIELD_TITLES = {field.name: field.title for field in GOALS.fields} | {"means": MEANS.title}
_PDFIUM = threading.Lock()  # pdfium is not thread-safe: one crop is rendered at a time

# Shows each column's Japanese title (the part of its description before ": ") under its name, and folds
# the list of column descriptions into one line that opens on a click, so the rows start on the first screen.
_LABELS_SCRIPT = """
document.querySelectorAll('th[data-column-description]').forEach(function (th) {
  var label = document.createElement('div');
  label.className = 'manifesto-label';
  label.textContent = th.dataset.columnDescription.split(': ')[0];
  label.style.cssText = 'font-weight: normal; font-size: 0.8em; color: #555';
  th.appendChild(label);
});
var list = document.querySelector('dl.column-descriptions');
if (list) {
  var folded = document.createElement('details');
  var summary = document.createElement('summary');
  summary.textContent = '列の説明 (' + list.querySelectorAll('dt').length + ' columns)';
  list.replaceWith(folded);
  folded.append(summary, list);
}
"""


def _is_manifesto_db(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = 'goal_search'").fetchone() is not None


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """On a manifesto database, make the search box's escape_fts find words under three characters too (fts.py)."""
    if _is_manifesto_db(conn):
        conn.create_function("escape_fts", 1, fts.escape_fts, deterministic=True)


@hookimpl
def extra_body_script(view_name: str, database: str | None, datasette):
    """On the table pages of a manifesto database, Japanese column labels and folded descriptions."""
    async def script() -> str:
        if view_name == "table" and database and await datasette.get_database(database).execute_fn(_is_manifesto_db):
            return _LABELS_SCRIPT
        return ""

    return script


@hookimpl
def render_cell(row: sqlite3.Row, value: object, column: str, table: str | None, database: str, datasette):
    """Label a manifesto by fiscal year and department; link a goal's page number to its source, a provenance row's to its crop."""
    if table in GOAL_ID_COLUMN and column == "page" and GOAL_ID_COLUMN[table] in row.keys():  # not hidden by ?_nocol=
        goal_id = row[GOAL_ID_COLUMN[table]]
        return Markup(f'<a href="{PREFIX}/source/{html.escape(database)}/{int(goal_id)}" title="原文の該当箇所">'
                      f"p.{int(value)} 原文</a>")
    if table == "provenance" and column == "page" and "id" in row.keys():
        return Markup(f'<a href="{PREFIX}/crop/{html.escape(database)}/{int(row["id"])}.png">p.{int(value)} 画像</a>')
    if column == "manifesto" and table in ("goals", "goal_overview", "rating_scale", "warnings", "provenance"):
        manifesto = value["value"] if isinstance(value, dict) else value
        return _manifesto_label(datasette, database, str(manifesto))
    return None


async def _manifesto_label(datasette, database: str, manifesto: str) -> Markup | None:
    found = (await datasette.get_database(database).execute(
        "SELECT fiscal_year, department, sha256 FROM manifestos WHERE id = ?", [manifesto])).first()
    if found is None:
        return None
    url = datasette.urls.row(database, "manifestos", manifesto)
    return Markup(f'<a href="{url}" title="{html.escape(found["sha256"])}">{found["fiscal_year"]} {html.escape(found["department"])}</a>')


@hookimpl
def register_routes() -> list[tuple[str, object]]:
    return [
        (rf"^{PREFIX}/source/(?P<database>[^/]+)/(?P<goal_id>\d+)$", source_page),
        (rf"^{PREFIX}/crop/(?P<database>[^/]+)/(?P<id>\d+)\.png$", crop_image),
        (rf"^{PREFIX}/charts/(?P<database>[^/]+)$", charts_page),
    ]


async def source_page(datasette, request) -> Response:
    """A goal's values, each beside the crop of the page where it was printed."""
    database = request.url_vars["database"]
    db = datasette.get_database(database)
    goal_id = int(request.url_vars["goal_id"])
    goal = (await db.execute(
        "SELECT g.number, g.self_rating, m.fiscal_year, m.department, m.id AS manifesto, t.* FROM goals g "
        "JOIN manifestos m ON m.id = g.manifesto JOIN goal_texts t ON t.id = g.id WHERE g.id = ?", [goal_id])).first()
    if goal is None:
        return Response.html(f"<p>No goal {goal_id} in {html.escape(database)}.</p>", status=404)
    places = (await db.execute(
        "SELECT id, field, page FROM provenance WHERE manifesto = ? AND goal = ? ORDER BY page, top, x0",
        [goal["manifesto"], goal["number"]])).rows
    values = {key: goal[key] for key in goal.keys()}
    return Response.html(source_html(database, goal_id, values, [(p["id"], p["field"], p["page"]) for p in places],
                                     datasette.urls.row(database, "goals", str(goal_id))))


def source_html(database: str, goal_id: int, goal: dict, places: list[tuple[int, str, int]], goal_url: str) -> str:
    """Return the page of a goal's values (`goal`: its columns) beside their crops (`places`: provenance id, field, page) (pure)."""
    title = f"{goal['fiscal_year']}年度 {goal['department']} ◎部局目標{goal['number']}"
    sections = "".join(
        f'<section class="value" data-field="{html.escape(field)}"><h2>{html.escape(FIELD_TITLES.get(field, field))}'
        f" <small>({html.escape(field)}, p.{page})</small></h2>"
        f'<p class="text">{html.escape(str(goal.get(field) if goal.get(field) is not None else "")).replace(chr(10), "<br>")}</p>'
        f'<img src="{PREFIX}/crop/{html.escape(database)}/{place_id}.png" alt="{html.escape(field)}: p.{page}"></section>'
        for place_id, field, page in places
    )
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}: 原文</title>"
        "<style>body{font-family:sans-serif;margin:1em auto;max-width:1100px;padding:0 1em}"
        "section{border-top:1px solid #ccc;padding:.5em 0}h2{font-size:1.05em}img{max-width:100%;border:1px solid #999}"
        ".text{white-space:normal}</style></head>"
        f'<body><p><a href="{html.escape(goal_url)}">← {html.escape(database)} / goals / {goal_id}</a></p>'
        f"<h1>{html.escape(title)}</h1><p>各値と、それが印刷されたPDFのページ (黄色の枠)。</p>{sections}</body></html>\n"
    )


async def crop_image(datasette, request) -> Response:
    """The PNG crop of the page where one provenance row's value was printed, from the file the batch stored."""
    database = request.url_vars["database"]
    found = (await datasette.get_database(database).execute(
        "SELECT p.page, p.x0, p.top, p.x1, p.bottom, m.path, m.sha256 FROM provenance p "
        "JOIN manifestos m ON m.id = p.manifesto WHERE p.id = ?", [int(request.url_vars["id"])])).first()
    if found is None:
        return Response.text("no such provenance row", status=404)
    path = Path(found["path"])
    try:
        data = path.read_bytes()
    except OSError as error:
        return Response.text(f"{path}: the stored file cannot be read here ({error.strerror})", status=404)
    if hashlib.sha256(data).hexdigest() != found["sha256"]:
        return Response.text(f"{path}: the file has changed since it was stored; run `manifesto batch` again", status=409)
    bbox = (found["x0"], found["top"], found["x1"], found["bottom"])
    try:
        png = await asyncio.to_thread(_locked_crop, data, found["page"], bbox)
    except UsageError as error:
        return Response.text(f"{path}: {error}", status=422)
    return Response(png, content_type="image/png", headers={"Cache-Control": "max-age=3600"})


def _locked_crop(data: bytes, page: int, bbox: tuple[float, float, float, float]) -> bytes:
    with _PDFIUM:
        return crop_png(data, page, bbox)


async def charts_page(datasette, request) -> Response:
    """The report's charts (self-ratings by department and year, milestone months) of this database."""
    from .report import report_html  # matplotlib: loaded only when charting

    path = datasette.get_database(request.url_vars["database"]).path
    try:
        return Response.html(await asyncio.to_thread(report_html, path))
    except UsageError as error:
        return Response.text(str(error), status=422)
