"""Find goals by words in their texts: FTS5 trigram index for words of 3+ characters, LIKE below that.

Japanese has no spaces for a tokenizer to split on, so goals_fts indexes every run of
three characters (the trigram tokenizer). A shorter word (`DX`, `防災`) contains no
trigram and the index silently answers nothing, so such a query scans the goal texts
with LIKE instead. Both paths match case-insensitively (ASCII) and AND the words.
"""

from __future__ import annotations

from sqlite_utils import Database

from .store import SEARCHABLE

TRIGRAM = 3
COLUMNS = ("fiscal_year", "department", "goal", "self_rating", "field", "excerpt", "path")
EXCERPT_CONTEXT = 20  # characters shown on each side of the match

_SELECT = f"""
SELECT m.fiscal_year, m.department, g.number AS goal, g.self_rating, m.path, {", ".join(f"t.{c}" for c in SEARCHABLE)}
FROM goal_texts t JOIN goals g ON g.id = t.id JOIN manifestos m ON m.id = g.manifesto
"""
# The condition that keeps the latest version of each manifesto only (search's default).
LATEST = "m.id IN (SELECT manifesto FROM versions WHERE latest)"
# SQL for all of a goal's searchable texts (a row `t` of goal_texts) as one text, a line per field.
ALL_TEXT = " || char(10) || ".join(f"coalesce(t.{c}, '')" for c in SEARCHABLE)


def fts_query(words: list[str]) -> str:
    """Given words, return an FTS5 query that matches each as a literal phrase (no FTS syntax leaks through)."""
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def like_pattern(word: str) -> str:
    """Given a word, return a LIKE pattern (escape `\\`) that finds it anywhere in a text."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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

    Ranked by FTS5's bm25 when every word has 3+ characters; otherwise (LIKE) by year,
    department and goal number. Only the latest version of each manifesto, unless `all_versions`.
    """
    words = query.split()
    if not words:
        return []
    versions = "" if all_versions else f" AND {LATEST}"
    if all(len(word) >= TRIGRAM for word in words):
        sql = (_SELECT + f"JOIN goals_fts ON goals_fts.rowid = t.id WHERE goals_fts MATCH ?{versions} "
               "ORDER BY goals_fts.rank LIMIT ?")
        params = [fts_query(words), limit]
    else:
        sql = (
            _SELECT + "WHERE " + " AND ".join(f"({ALL_TEXT}) LIKE ? ESCAPE '\\'" for _ in words) + versions
            + " ORDER BY m.fiscal_year, m.department, g.number LIMIT ?"
        )
        params = [*map(like_pattern, words), limit]
    return [_result(row, words[0]) for row in db.query(sql, params)]


def _result(row: dict, word: str) -> dict:
    field, text = excerpt(row, word)
    return {
        "fiscal_year": row["fiscal_year"], "department": row["department"], "goal": row["goal"],
        "self_rating": row["self_rating"], "field": field, "excerpt": text, "path": row["path"],
    }
