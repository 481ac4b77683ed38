"""全国地方公共団体コード: check a code's check digit and name its municipality from a bundled table.

A batch records which municipality published its manifestos (`manifesto batch
--municipality 242161`); the open-data export then writes the code with the
prefecture's and municipality's names, as the 自治体標準オープンデータセット asks.
The code is given by the user, never guessed from a document: a manifesto's text
does not reliably name its city.

The code is 6 digits: 2 for the prefecture, 3 for the municipality (000 for the
prefecture itself) and a check digit (総務省's rule): the first five digits times
6, 5, 4, 3, 2, summed, remainder r modulo 11; the check digit is the last digit of
11 - r (r = 0 gives 1, r = 1 gives 0). The table (data/municipalities.csv) holds
every prefecture, every municipality of 三重県, the 政令指定都市, the 特別区 and the
prefectural capitals; extend it as portals need.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from .errors import UsageError

WEIGHTS = (6, 5, 4, 3, 2)
TABLE = "data/municipalities.csv"
COLUMNS = ("全国地方公共団体コード", "都道府県名", "市区町村名")  # the table's header, and the export's columns


@dataclass(frozen=True)
class Municipality:
    """A 地方公共団体: its 6-digit code and names; `name` is "" for a prefecture itself."""

    code: str
    prefecture: str
    name: str

    @property
    def full_name(self) -> str:
        """The name as titles give it, prefecture first: 三重県伊賀市 (三重県 for the prefecture itself)."""
        return self.prefecture + self.name


def place_names(places: Iterable[Municipality]) -> str:
    """Return the places' full names joined by ・, as a title or a source names them ("" for none)."""
    return "・".join(place.full_name for place in places)


def check_digit(first_five: str) -> int:
    """Given the first five digits of a 全国地方公共団体コード, return its sixth (check) digit."""
    remainder = sum(int(digit) * weight for digit, weight in zip(first_five, WEIGHTS, strict=True)) % 11
    return (11 - remainder) % 10


def is_valid_code(code: str) -> bool:
    """Return whether `code` is six ASCII digits whose last is the check digit of the first five."""
    return _six_digits(code) and int(code[5]) == check_digit(code[:5])


def _six_digits(code: str) -> bool:
    return re.fullmatch(r"[0-9]{6}", code) is not None


def parse_table(text: str) -> dict[str, Municipality]:
    """Given the CSV text of a code table (header COLUMNS), return its municipalities by code."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows)
    if tuple(header) != COLUMNS:
        raise ValueError(f"municipality table header must be {COLUMNS}, got {header}")
    return {code: Municipality(code, prefecture, name) for code, prefecture, name in rows}


@cache
def bundled_table() -> dict[str, Municipality]:
    """Return the municipalities of the table shipped with the package, by code (read once)."""
    return parse_table(files(__package__).joinpath(TABLE).read_text(encoding="utf-8"))


def lookup(code: str) -> Municipality:
    """Return the municipality with this code; raise UsageError (one line) for a malformed or unknown code."""
    if not _six_digits(code):
        raise UsageError(f"{code!r} is not a 全国地方公共団体コード: expected 6 digits, e.g. 242161")
    if not is_valid_code(code):
        raise UsageError(f"{code}: wrong check digit (a 全国地方公共団体コード starting {code[:5]} ends in {check_digit(code[:5])})")
    try:
        return bundled_table()[code]
    except KeyError:
        raise UsageError(f"{code}: not in the bundled municipality table ({TABLE})") from None
