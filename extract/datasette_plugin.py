"""The project's Datasette plugin: search words of any length in goals_fts (more hooks below as they come).

Installed with the package (entry point `datasette` in pyproject.toml), so it works in
`manifesto serve`, in a plain `datasette manifestos.db` and, with `datasette publish
--install manifesto-extract`, on a published copy.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from . import fts


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """On a manifesto database, make the search box's escape_fts find words under three characters too.

    Other databases keep Datasette's own escape_fts.
    """
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = 'goal_search'").fetchone():
        conn.create_function("escape_fts", 1, fts.escape_fts, deterministic=True)
