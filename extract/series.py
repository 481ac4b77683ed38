"""Goals across years: link each goal to the goal of the department's previous fiscal year that it continues.

Goal numbers are per manifesto (goal 2 of one year may be a new goal the next), so a
goal is identified across years by its wording. A department's goals of one fiscal
year are compared with those of its previous stored year by the similarity of their
objective (and, with a small weight, their mission: several goals often share one):
the Dice coefficient of their character bigrams, which suits Japanese (no spaces to
split words on) and short texts that get reworded. Pairs at or above SERIES_THRESHOLD
are linked best first, one to one. Only the latest version of each manifesto takes
part. `goal_series` is rebuilt whole after every batch (and migration); a series' id
is the `goals.id` of its first goal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import groupby

import regex
from sqlite_utils import Database

OBJECTIVE_WEIGHT = 0.8  # the objective names the goal; the mission (often shared by several goals) only helps
SERIES_THRESHOLD = 0.5  # a reworded objective of the same goal scores 0.55-0.9; another goal under the same mission < 0.4
NGRAM = 2  # character bigrams: most Japanese words are two or more characters

_SPACE = regex.compile(r"\s+")


@dataclass(frozen=True)
class GoalText:
    """A goal as series linking sees it: its id, whose it is (municipality, department), its year and its texts."""

    id: int
    owner: tuple[str | None, str]
    fiscal_year: int
    objective: str
    mission: str


@dataclass(frozen=True)
class SeriesRow:
    """A row of `goal_series`: the goal, its series, the goal it continues (None: it starts one) and their score."""

    goal: int
    series: int
    previous: int | None
    score: float | None


def ngrams(text: str) -> Counter:
    """Return the multiset of character n-grams (NGRAM) of `text`, whitespace removed (a shorter text is one gram)."""
    text = _SPACE.sub("", text)
    if len(text) <= NGRAM:
        return Counter([text]) if text else Counter()
    return Counter(text[i : i + NGRAM] for i in range(len(text) - NGRAM + 1))


def dice(a: str, b: str) -> float:
    """Return the Dice coefficient of two texts' character n-grams: 1 for the same text, 0 for none in common."""
    grams_a, grams_b = ngrams(a), ngrams(b)
    total = sum(grams_a.values()) + sum(grams_b.values())
    return 2 * sum((grams_a & grams_b).values()) / total if total else 0.0


def similarity(earlier: GoalText, later: GoalText) -> float:
    """Return how likely `later` continues `earlier` (0-1): mostly the objective's wording, a little the mission's."""
    return OBJECTIVE_WEIGHT * dice(earlier.objective, later.objective) + (1 - OBJECTIVE_WEIGHT) * dice(
        earlier.mission, later.mission
    )


def link(goals: Iterable[GoalText]) -> list[SeriesRow]:
    """Given goals, return each one's series row (pure).

    Each department's goals of a year are matched with those of its previous year present,
    best score first, one to one, at or above SERIES_THRESHOLD; an unmatched goal starts a series.
    """
    rows: list[SeriesRow] = []
    ordered = sorted(goals, key=lambda g: (g.owner[0] or "", g.owner[1], g.fiscal_year, g.id))
    for _, owned in groupby(ordered, key=lambda g: g.owner):
        series: dict[int, int] = {}
        previous: Sequence[GoalText] = ()
        for _, year in groupby(owned, key=lambda g: g.fiscal_year):
            current = list(year)
            matches = _best_pairs(previous, current)
            for goal in current:
                earlier, score = matches.get(goal.id, (None, None))
                series[goal.id] = series[earlier] if earlier is not None else goal.id
                rows.append(SeriesRow(goal.id, series[goal.id], earlier, score))
            previous = current
    return rows


def _best_pairs(earlier: Sequence[GoalText], later: Sequence[GoalText]) -> dict[int, tuple[int, float]]:
    """Match goals of `later` to goals of `earlier`, best score first, one to one: {later id: (earlier id, score)}."""
    scored = sorted(
        ((round(similarity(a, b), 4), a.id, b.id) for a in earlier for b in later),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    matched: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for score, a, b in scored:
        if score >= SERIES_THRESHOLD and a not in taken and b not in matched:
            matched[b] = (a, score)
            taken.add(a)
    return matched


def relink_goals(db: Database) -> None:
    """Rebuild `goal_series` from the latest version of every manifesto, in one transaction."""
    goals = [
        GoalText(row["goal_id"], (row["municipality_code"], row["department"]), row["fiscal_year"],
                 row["objective"], row["mission"])
        for row in db.query("SELECT goal_id, municipality_code, department, fiscal_year, objective, mission FROM goal_overview")
    ]
    rows = link(goals)
    with db.atomic():
        db.execute("DELETE FROM goal_series")
        db["goal_series"].insert_all(map(asdict, rows))
