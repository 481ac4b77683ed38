"""The full-text index goals_fts, built so that sqlite-utils and Datasette find it, and found by words of any length.

goals_fts is an FTS5 table with the trigram tokenizer (Japanese has no spaces to split
on, so every run of three characters is a token) and `content="goals"`: the spelling by
which `sqlite-utils` (`db["goals"].detect_fts()`, `sqlite-utils search DB goals 語句`) and
Datasette (the goals table's search box) recognise a table's index. It holds each goal's
texts (SEARCHABLE: the goal's columns and its means, joined by newlines) and one more
column, `grams`, for words the trigram tokenizer cannot see.

A word of one or two characters (`DX`, `防災`) has no trigram, and FTS5 answers nothing for
it. `grams` therefore holds the goal's texts with PAD before, after and between every two
characters (`␟D␟X␟`). PAD never occurs in a text, so the trigram `D␟X` is in the index exactly
where `DX` is in the texts, and `␟X␟` exactly where the character `X` is; match_query turns a
short word into that trigram. The grams are two characters, so two trigrams, for each
character of the texts (half what pairs of neighbours each followed by PAD would cost).

The index is kept by triggers in plain SQL (any tool that edits goals or means keeps it
right): before a change, the goal's indexed texts are removed with FTS5's `delete` command
(given the values as indexed, read from the view goal_search); after it, the new texts are
added. The index has no copy of the texts: read them from the view goal_texts, not from
goals_fts (whose `means` and `grams` are not columns of goals). While a batch stores, the
triggers leave the goals it adds pending (goals_fts_pending), and deferred_index indexes
them many at a time: the batch's one writer is what bounds its speed. Those are given their grams
computed here (`grams_of`, the view's text at a hundredth of its cost in SQL), and FTS5 gathers
HASH_BYTES of them in memory before it writes a segment (its default, 1 MiB, makes it write and
merge segments for twice the time it takes to index them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import regex
from sqlite_utils import Database

# The goal texts that full-text search covers; `means` is the goal's means joined by newlines.
SEARCHABLE = ("mission", "objective", "current_state", "target", "achieved_state", "means", "rating_reason")
TABLE = "goals_fts"
GRAMS = "grams"
TRIGRAM = 3  # characters in a token of the trigram tokenizer
PAD = "\x1f"  # between the characters of `grams`: a control character that normalized text never holds

COLUMNS = (*SEARCHABLE, GRAMS)
# SQL for all of a goal's searchable texts (a row `t` of goal_texts) as one text, a line per field.
ALL_TEXT = " || char(10) || ".join(f"coalesce(t.{column}, '')" for column in SEARCHABLE)

_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(COLUMNS)}, "
    "content=\"goals\", content_rowid=\"id\", tokenize=\"trigram\")"
)
HASH_BYTES = 2 * 2**20  # FTS5's `hashsize`: the pending index data it holds in memory before writing a segment (8 MiB: no faster, 5 MiB more)
_HASH_SIZE = f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('hashsize', {HASH_BYTES})"
GRAMS_CHUNK = 16  # characters one step of the recursion below spaces: fewer steps than one a character, and a view small enough to compile fast into each trigger


def _spaced_chunk() -> str:
    """SQL for `chunk` (at most GRAMS_CHUNK characters) with PAD after each of its characters."""
    return " || ".join(
        f"CASE WHEN length(chunk) > {i} THEN substr(chunk, {i + 1}, 1) || char(31) ELSE '' END"
        for i in range(GRAMS_CHUNK)
    )


# Each goal's texts and grams, as the index holds them (PAD is char(31)). The goal's whole text is
# computed once and cut into chunks of GRAMS_CHUNK characters: a step per character, each finding
# its place in the whole text, would cost the square of the text's length.
SEARCH_VIEW = f"""CREATE VIEW goal_search AS
SELECT {', '.join(f't.{column}' for column in ('id', *SEARCHABLE))},
       (WITH RECURSIVE at(chunk, rest) AS (
          SELECT substr(whole, 1, {GRAMS_CHUNK}), substr(whole, {GRAMS_CHUNK + 1})
          FROM (SELECT {ALL_TEXT} AS whole)
          UNION ALL SELECT substr(rest, 1, {GRAMS_CHUNK}), substr(rest, {GRAMS_CHUNK + 1}) FROM at WHERE rest != '')
        SELECT char(31) || group_concat({_spaced_chunk()}, '') FROM at
       ) AS {GRAMS}
FROM goal_texts t"""


PENDING = "goals_fts_pending"  # goals stored while a batch defers their indexing (deferred_index)
DEFERRED = "fts_deferred"  # the row of `settings` that says a batch is deferring
_DEFERRING = f"EXISTS (SELECT 1 FROM settings WHERE name = '{DEFERRED}')"
INDEX_BATCH = 1000  # pending goals indexed together while a batch defers: nearly as fast as all at once (300: a fifth slower)
_CREATE_PENDING = f"CREATE TABLE IF NOT EXISTS {PENDING} (goal INTEGER PRIMARY KEY)"


def _insert(goal_ids: str) -> str:
    """SQL that puts the goals `goal_ids` (an SQL list) into the index, as they stand now."""
    return f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) SELECT id, {', '.join(COLUMNS)} FROM goal_search WHERE id IN ({goal_ids})"


def _remove(goal_ids: str) -> str:
    """SQL that takes the indexed goals of `goal_ids` (an SQL list) out of the index, as they stand now."""
    return (
        f"INSERT INTO {TABLE} ({TABLE}, rowid, {', '.join(COLUMNS)}) "
        f"SELECT 'delete', id, {', '.join(COLUMNS)} FROM goal_search WHERE id IN ({goal_ids}) "
        f"AND id NOT IN (SELECT goal FROM {PENDING});"
    )


def _add(goal_ids: str) -> str:
    """SQL that puts the goals of `goal_ids` (an SQL list) not pending into the index, as they stand now."""
    return f"{_insert(goal_ids)} AND id NOT IN (SELECT goal FROM {PENDING});"


# name: (when, what). A goal that does not exist (yet) is neither removed nor added, and one pending
# is left to deferred_index; a goal inserted while a batch defers is pending.
TRIGGERS = {
    "goals_fts_before_delete": ("BEFORE DELETE ON goals", _remove("old.id")),
    "goals_fts_after_delete": ("AFTER DELETE ON goals", f"DELETE FROM {PENDING} WHERE goal = old.id;"),
    "goals_fts_after_insert": (
        "AFTER INSERT ON goals", f"INSERT INTO {PENDING} (goal) SELECT new.id WHERE {_DEFERRING}; {_add('new.id')}"
    ),
    "goals_fts_before_update": ("BEFORE UPDATE ON goals", _remove("old.id")),
    "goals_fts_after_update": ("AFTER UPDATE ON goals", _add("new.id")),
    "means_fts_before_insert": ("BEFORE INSERT ON means", _remove("new.goal")),
    "means_fts_after_insert": ("AFTER INSERT ON means", _add("new.goal")),
    "means_fts_before_update": ("BEFORE UPDATE ON means", _remove("old.goal, new.goal")),
    "means_fts_after_update": ("AFTER UPDATE ON means", _add("old.goal, new.goal")),
    "means_fts_before_delete": ("BEFORE DELETE ON means", _remove("old.goal")),
    "means_fts_after_delete": ("AFTER DELETE ON means", _add("old.goal")),
}
# Triggers of the earlier, self-contained index: dropped when a database is brought up to date.
_OLD_TRIGGERS = ("goals_fts_insert", "goals_fts_update", "goals_fts_delete",
                 "means_fts_insert", "means_fts_update", "means_fts_delete")


def ensure_index(db: Database) -> None:
    """Create goals_fts, its view and triggers in `db` (which has goals, means, goal_texts and settings) if missing,
    and index the goals a batch that was stopped left pending.

    A database whose index or view is of an earlier form (other grams) gets the current ones,
    the index filled anew from its goals, in one transaction; a trigger of another form is replaced.
    """
    db.execute(_CREATE_PENDING)
    if _stored_sql(db, "goal_search") != SEARCH_VIEW or _stored_sql(db, TABLE) != _CREATE:
        with db.conn:
            for name in (*_OLD_TRIGGERS, *TRIGGERS):
                db.execute(f"DROP TRIGGER IF EXISTS {name}")
            db.execute(f"DROP TABLE IF EXISTS {TABLE}")
            db.execute("DROP VIEW IF EXISTS goal_search")
            db.execute(f"DELETE FROM {PENDING}")
            db.execute(SEARCH_VIEW)
            db.execute(_CREATE)
            db.execute(_HASH_SIZE)
            db.execute(_insert("SELECT id FROM goals"))
    if db.execute(f"SELECT v FROM {TABLE}_config WHERE k = 'hashsize'").fetchone() != (HASH_BYTES,):  # an older index
        with db.conn:
            db.execute(_HASH_SIZE)
    with db.conn:
        for name, (event, body) in TRIGGERS.items():
            sql = f"CREATE TRIGGER {name} {event} BEGIN {body} END"
            if _stored_sql(db, name) != sql:
                db.execute(f"DROP TRIGGER IF EXISTS {name}")
                db.execute(sql)
    index_pending(db)


def pending_goals(db: Database) -> int:
    """How many stored goals are not searchable yet (a batch is running, or stopped before its end)."""
    found = db.execute(f"SELECT count(*) FROM sqlite_master WHERE name = '{PENDING}'").fetchone()[0]
    return db.execute(f"SELECT count(*) FROM {PENDING}").fetchone()[0] if found else 0


def is_deferring(db: Database) -> bool:
    """Whether goals stored now wait for deferred_index's end (or the next ensure_index) to be searchable."""
    return db.execute(f"SELECT {_DEFERRING}").fetchone()[0] == 1


@contextmanager
def deferred_index(db: Database) -> Iterator[Database]:
    """Defer indexing the goals stored inside (index_some indexes them INDEX_BATCH at a time), and index the
    rest at the end.

    FTS5 indexes many goals at once in about half the time it takes one transaction at a
    time, and the batch's single writer is what bounds its speed on every core. Goals stored
    meanwhile (by any tool) are searchable by the end; a batch stopped before it (by an error
    too) leaves them pending, for the next open_db. Goals changed or deleted meanwhile keep
    the index right.
    """
    with db.conn:
        _defer(db)
    yield db
    index_pending(db)  # not after an error (a full disk, an interrupt): its goals wait for the next open_db


@contextmanager
def indexed_at_end(db: Database) -> Iterator[Database]:
    """Inside the caller's transaction, leave the goals inserted inside pending and index them at its end, each once
    with its means (as a batch defers, unless one is deferring already).

    Otherwise each means row inserted would index its goal's whole text again, by trigger.
    """
    if is_deferring(db):
        yield db
        return
    _defer(db)
    yield db
    _index_pending(db, end=True)


def index_some(db: Database) -> None:
    """While a batch defers, index the goals pending once there are INDEX_BATCH of them: the end of the
    batch then has few left, and the work falls while the writer waits for the next file."""
    if db.execute(f"SELECT count(*) >= ? FROM {PENDING}", [INDEX_BATCH]).fetchone()[0]:
        index_pending(db, end=False)


def index_pending(db: Database, *, end: bool = True) -> None:
    """Index the goals pending and, with `end`, end any deferral, in one transaction (none when there is nothing to do)."""
    if not (end and is_deferring(db)) and db.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {PENDING})").fetchone()[0]:
        return
    with db.conn:
        _index_pending(db, end=end)


def _defer(db: Database) -> None:
    """Say, inside the caller's transaction, that goals stored from now on are left pending (the settings row)."""
    db.execute("INSERT OR REPLACE INTO settings (name, value, set_at) VALUES (?, '1', datetime('now'))", [DEFERRED])


def _index_pending(db: Database, *, end: bool) -> None:
    """Index the goals pending and, with `end`, end the deferral, inside the caller's transaction.

    Their grams are computed here (grams_of) rather than by the view goal_search, which the
    triggers remove: FTS5 finds the same tokens in both (a text holding a NUL character too,
    which both cut there). A goal with a value that is not text (another tool's integer or
    blob) is left to the view, which converts it as SQL does.
    """
    goals = db.execute(f"SELECT id, {', '.join(SEARCHABLE)} FROM goal_texts WHERE id IN (SELECT goal FROM {PENDING})")
    others: list[str] = []

    def texts_with_grams() -> Iterator[tuple]:
        for goal, *texts in goals:
            if all(text is None or isinstance(text, str) for text in texts):
                yield goal, *texts, grams_of(texts)
            else:
                others.append(str(goal))

    values = ", ".join("?" * (1 + len(COLUMNS)))
    db.conn.executemany(f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) VALUES ({values})", texts_with_grams())
    if others:
        db.execute(_insert(", ".join(others)))
    db.execute(f"DELETE FROM {PENDING}")
    if end:
        db.execute("DELETE FROM settings WHERE name = ?", [DEFERRED])


def grams_of(texts: Sequence[str | None]) -> str:
    """Given a goal's SEARCHABLE texts (None for none), return its `grams` as the view goal_search makes them (pure):
    the texts joined by newlines, with PAD before, after and between every two characters."""
    return PAD + PAD.join("\n".join(text or "" for text in texts)) + PAD


def _stored_sql(db: Database, name: str) -> str | None:
    found = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()
    return found and found[0]


def match_query(words: list[str]) -> str:
    """Given words, return the FTS5 query matching goals that contain every one (pure).

    A word of 3+ characters is a literal phrase (no FTS5 syntax leaks through); a shorter
    one becomes its gram (`D␟X`, `␟X␟`), which only the `grams` column holds.
    """
    return " AND ".join(_phrase(_gram(word) if len(word) < TRIGRAM else word) for word in words if word)


def _gram(word: str) -> str:
    """Given a word of one or two characters, return the trigram of `grams` that stands for it."""
    return word[0] + PAD + word[1] if len(word) == 2 else PAD + word + PAD


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# Datasette's search syntax: "quoted phrases" (spaces kept) and bare words.
_DATASETTE_TERMS = regex.compile(r'"([^"]*)"?|(\S+)')


def escape_fts(query: str) -> str:
    """Given what a user typed into Datasette's search box, return the FTS5 query for goals_fts (pure).

    Datasette's own escape_fts quotes each term; this one also finds terms under three characters.
    """
    terms = [phrase or word for phrase, word in _DATASETTE_TERMS.findall(query)]
    return match_query([term for term in terms if term.strip()])
