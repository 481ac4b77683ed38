"""Find goals by words in their texts, through the full-text index goals_fts (fts.py).

Words of any length are found the same way (a word under three characters through the
index's grams), case-insensitively (ASCII), every word required, best matches first (bm25).
"""

from __future__ import annotations

from sqlite_utils import Database

from .fts import SEARCHABLE, match_query

COLUMNS = ("fiscal_year", "department", "goal", "self_rating", "field", "excerpt", "path")
EXCERPT_CONTEXT = 20  # characters shown on each side of the match

_SELECT = f"""
SELECT m.fiscal_year, m.department, g.number AS goal, g.self_rating, m.path, {", ".join(f"t.{c}" for c in SEARCHABLE)}
FROM goal_texts t JOIN goals g ON g.id = t.id JOIN manifestos m ON m.id = g.manifesto
"""
# The condition that keeps the latest version of each manifesto only (search's default).
LATEST = "m.id IN (SELECT manifesto FROM versions WHERE latest)"


def excerpt(texts: dict[str, str | None], word: str) -> tuple[str, str]:
    """Given a goal's texts by field, return the first field holding `word` and the word in context, marked «»."""
    for field in SEARCHABLE:
        text = (texts.get(field) or "").replace("\n", " ")
        at = text.lower().find(word.lower())
        if at >= 0:
            end = at + len(word)
            before = text[max(0, at - EXCERPT_CONTEXT) : at]
            after = text[end : end + EXCERPT_CONTEXT]
            return field, (
                ("…" if at > EXCERPT_CONTEXT else "") + before + "«" + text[at:end] + "»" + after
                + ("…" if end + EXCERPT_CONTEXT < len(text) else "")
            )
    return "", ""


def search(db: Database, query: str, *, limit: int = 50, all_versions: bool = False) -> list[dict]:
    """Return up to `limit` goals whose texts contain every word of `query`, as rows of COLUMNS.

    Ranked by FTS5's bm25. Only the latest version of each manifesto, unless `all_versions`.
    """
    words = query.split()
    if not words:
        return []
    versions = "" if all_versions else f" AND {LATEST}"
    sql = (_SELECT + f"JOIN goals_fts ON goals_fts.rowid = t.id WHERE goals_fts MATCH ?{versions} "
           "ORDER BY goals_fts.rank LIMIT ?")
    return [_result(row, words[0]) for row in db.query(sql, [match_query(words), limit])]


def _result(row: dict, word: str) -> dict:
    field, text = excerpt(row, word)
    return {
        "fiscal_year": row["fiscal_year"], "department": row["department"], "goal": row["goal"],
        "self_rating": row["self_rating"], "field": field, "excerpt": text, "path": row["path"],
    }
