"""The parser's vocabulary: every wording it recognises, as data (extract/vocabulary.toml).

Given the built-in vocabulary file and, optionally, a user's file that extends or replaces it,
return one validated `Vocabulary`. The modules that read a manifesto (blocks, build, normalize)
compile the patterns they need from its words once per vocabulary; no module spells a wording
itself. A user file extends the built-in one by default: its list entries come first (so a
city's own wordings win over the generic ones), its single values replace the built-in ones,
and `mode = "replace"` makes it stand alone.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import UsageError

BUILT_IN = "vocabulary.toml"


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(forms: list[str]) -> list[str]:
    """Reject a form that is not a valid regular expression, naming it."""
    for form in forms:
        try:
            regex.compile(form)
        except regex.error as error:
            raise ValueError(f"{form!r} is not a valid pattern ({error})") from None
    return forms


Forms = list[str]  # regular expressions matched against a whole label


class TitleWords(_Words):
    words: list[str] = Field(min_length=1)
    year_words: list[str] = Field(min_length=1)
    boilerplate: Forms = []

    _check = field_validator("boilerplate")(_compiles)


class HeaderWords(_Words):
    department: Forms = Field(min_length=1)
    position: Forms = Field(min_length=1)
    head: Forms = Field(min_length=1)
    aspiration: Forms = Field(min_length=1)

    _check = field_validator("*")(_compiles)


class LegendWords(_Words):
    kind: Literal["scores"]
    labels: Forms = Field(min_length=1)
    score_suffixes: list[str] = []
    separators: list[str] = Field(min_length=1)
    table_headers: list[str] = []

    _check = field_validator("labels")(_compiles)


class GoalLabels(_Words):
    marker: Forms = Field(min_length=1)
    mission: Forms = Field(min_length=1)
    objective: Forms = Field(min_length=1)
    level: Forms = Field(min_length=1)
    means: Forms = Field(min_length=1)
    rating: Forms = Field(min_length=1)
    reason: Forms = Field(min_length=1)

    _check = field_validator("*")(_compiles)


class GoalWords(_Words):
    symbols: list[str] = Field(min_length=1)
    words: list[str] = Field(min_length=1)
    standalone: list[str] = []
    number_prefixes: list[str] = []
    labels: GoalLabels


class CellWords(_Words):
    sentence_ends: list[str] = Field(min_length=1)


class SectionWords(_Words):
    current: Forms = Field(min_length=1)
    target: Forms = Field(min_length=1)
    achieved: Forms = Field(min_length=1)
    brackets: list[str] = Field(min_length=1)
    symbols: list[str] = []
    colons: list[str] = Field(min_length=1)
    arrows: list[str] = []

    _check = field_validator("current", "target", "achieved")(_compiles)

    @field_validator("brackets")
    @classmethod
    def _pairs(cls, brackets: list[str]) -> list[str]:
        bad = [pair for pair in brackets if len(pair) != 2]
        if bad:
            raise ValueError(f"a bracket is an opening and a closing character, got {bad}")
        return brackets


class BulletWords(_Words):
    marks: list[str] = Field(min_length=1)
    numbered: Forms = []
    circled: str = ""

    _check = field_validator("numbered")(_compiles)


class PlaceholderWords(_Words):
    forms: Forms = Field(min_length=1)

    _check = field_validator("forms")(_compiles)


class NoteWords(_Words):
    references: Forms = []

    _check = field_validator("references")(_compiles)


class FurnitureWords(_Words):
    lines: Forms = []
    page_numbers: Forms = []

    _check = field_validator("lines", "page_numbers")(_compiles)


class NamedPeriod(_Words):
    form: str = Field(min_length=1)
    start: int | None = Field(default=None, ge=1, le=12)
    end: int | None = Field(default=None, ge=1, le=12)


class TimeWords(_Words):
    month_word: str = Field(min_length=1)
    year_word: str = Field(min_length=1)
    day_word: str | None = None
    next_year: list[str] = []
    month_suffixes: list[str] = []
    until: list[str] = []
    range_separators: list[str] = Field(min_length=1)
    year_month_separators: list[str] = []
    text_trailers: str = ""
    named: list[NamedPeriod] = []


class OcrWords(_Words):
    goal_marker: str = Field(min_length=1)
    goal_symbol: str = Field(min_length=1)
    labels: list[str] = []
    legend: list[str] = []
    sections: list[tuple[str, str]] = []
    confusable: list[str] = []


class CalendarWords(_Words):
    first_year_word: str = Field(min_length=1)
    eras: dict[str, int] = Field(min_length=1)
    abbreviations: dict[str, str] = {}
    fiscal_year_start_month: int = Field(ge=1, le=12)


class VocabularyWords(_Words):
    """The whole vocabulary file, validated."""

    name: str
    mode: Literal["extend", "replace"] = "extend"
    title: TitleWords
    header: HeaderWords
    legend: LegendWords
    goal: GoalWords
    cells: CellWords
    sections: SectionWords
    bullets: BulletWords
    placeholders: PlaceholderWords
    notes: NoteWords = NoteWords()
    furniture: FurnitureWords
    time: TimeWords
    ocr: OcrWords
    calendar: CalendarWords


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """A loaded vocabulary and the user's file it was read from (None: the built-in one alone).
    Compared by identity, so the modules that compile patterns from it cache them per vocabulary."""

    words: VocabularyWords
    user_file: str | None = None

    @property
    def source(self) -> str:
        """The files it was read from, for messages: `vocabulary.toml + city.toml`."""
        if self.user_file is None:
            return BUILT_IN
        return self.user_file if self.words.mode == "replace" else f"{BUILT_IN} + {self.user_file}"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (to a batch worker) as the file it was read from, loaded again there."""
        return (load_vocabulary, (self.user_file,))


def merge(base: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    """Given the built-in vocabulary's data and a user's, return the user's extending it:
    lists are the user's entries then the built-in ones, tables merge, other values replace."""
    merged = dict(base)
    for key, value in extension.items():
        old = base.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = value + [item for item in old if item not in value]
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"{path}: cannot read the vocabulary ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: not a valid TOML vocabulary ({error})") from None


def _validated(data: dict[str, Any], source: str) -> VocabularyWords:
    try:
        return VocabularyWords.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UsageError(f"{source}: vocabulary entry {where}: {first['msg']}") from None


@lru_cache(maxsize=16)
def load_vocabulary(path: str | None = None) -> Vocabulary:
    """Given a user's vocabulary file (or None), return the built-in vocabulary extended or
    replaced by it. Raises UsageError naming the file and the entry when it is not valid."""
    built_in = resources.files(__package__).joinpath(BUILT_IN)
    data = tomllib.loads(built_in.read_text(encoding="utf-8"))
    if path is None:
        return Vocabulary(_validated(data, BUILT_IN))
    user = _read_toml(Path(path))
    if user.get("mode", "extend") == "replace":
        return Vocabulary(_validated(user, path), path)
    user.setdefault("name", f"{data['name']} + {Path(path).name}")
    return Vocabulary(_validated(merge(data, user), path), path)


def resolve(vocabulary: Vocabulary | str | Path | None) -> Vocabulary:
    """Given what a caller passed as `vocabulary=` (None: the built-in one; a path: a user's file), return it loaded."""
    if isinstance(vocabulary, Vocabulary):
        return vocabulary
    return load_vocabulary(None if vocabulary is None else str(vocabulary))


def alternation(words: list[str], *, literal: bool = True) -> str:
    """Given words (or forms), return one regex alternation matching any of them, longest first
    so that a word is never cut short by a shorter one it starts with (達成した状態 / 達成)."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(regex.escape(item) if literal else f"(?:{item})" for item in items)
