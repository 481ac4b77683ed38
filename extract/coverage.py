"""Account for every printed character: the share that reached the record, and where the rest is.

Given a document's printed lines, the page furniture among them, the lines that reached a field or
were recognised (a label, a marker, a legend line) and the pieces of lines that reached nothing,
return the record's `coverage` and one `unplaced_text` warning per run of text no field took.
Text outside the manifesto (before its first field, after its last, or on a page none of whose
text reached it) is left out of the share and named in one `outside_text` warning, so a
manifesto is measured by its own text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from .document import Line, union
from .models import ReadWarning

PREVIEW = 30  # characters of an unplaced text quoted in its warning
RUN_GAP = 1.5  # a line at most this many line heights under the one before continues its run
_SPACES = regex.compile(r"\s+")


def ink(text: str) -> int:
    """Given a text, return how many printed (non-space) characters it has after NFKC."""
    normalized = unicodedata.normalize("NFKC", text)
    return len(normalized) - sum(map(len, _SPACES.findall(normalized)))  # runs of spaces are few: fewer matches


@dataclass(frozen=True)
class Unplaced:
    """A piece of a printed line that reached no field."""

    text: str
    line: Line
    goal: int | None = None  # the goal whose cell held it, where known


def account(
    printed: Sequence[Line], furniture: Iterable[Line], placed: Iterable[Line], pieces: Sequence[Unplaced]
) -> tuple[float, list[ReadWarning]]:
    """Given every printed line in reading order, the page furniture, the lines placed whole and the
    pieces of placed lines that reached nothing, return the coverage (0–1) and the warnings naming
    what was not placed.

    The manifesto runs from its first placed line to its last: what is printed before or after
    (a site's menu and breadcrumb, a cover, a contact footer) is outside it, named in one
    `outside_text` warning and not counted; so is a page in between none of whose text was placed.
    """
    skip = {id(line) for line in furniture}
    placed_ids = {id(line) for line in placed}
    content = [line for line in printed if id(line) not in skip and ink(line.text)]
    inside = [index for index, line in enumerate(content) if id(line) in placed_ids]
    if not inside:
        return 1.0, []
    pages_used = {content[index].page for index in inside}
    region = content[inside[0] : inside[-1] + 1]
    counted = [line for line in region if line.page in pages_used]
    counted_ids = {id(line) for line in counted}
    outside = [line for line in content if id(line) not in counted_ids and id(line) not in placed_ids]
    loose = [Unplaced(line.text, line) for line in counted if id(line) not in placed_ids]
    runs = _runs(loose) + _runs([piece for piece in pieces if ink(piece.text)])
    total = sum(ink(line.text) for line in counted)
    missing = sum(ink(piece.text) for run in runs for piece in run)
    warnings = [_warning(run) for run in runs]
    if outside:
        pages = sorted({line.page for line in outside})
        preview = unicodedata.normalize("NFKC", " / ".join(line.text.strip() for line in outside))[:PREVIEW]
        warnings.append(ReadWarning(
            kind="outside_text",
            message=f"{sum(ink(line.text) for line in outside)} characters outside the manifesto (before its first "
                    f"or after its last field, or on pages {pages} holding none), not counted: {preview!r}",
            page=pages[0],
        ))
    coverage = 1.0 if total == 0 else max(0.0, round(1 - missing / total, 4))
    return coverage, warnings


def _runs(pieces: list[Unplaced]) -> list[list[Unplaced]]:
    """Given unplaced lines in reading order, return runs of them: a line right under the one
    before it on the same page, overlapping it across, continues its run (one paragraph, one cell)."""
    runs: list[list[Unplaced]] = []
    for piece in pieces:
        if runs and runs[-1][-1].goal == piece.goal and _continues(runs[-1][-1].line, piece.line):
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return runs


def _continues(above: Line, line: Line) -> bool:
    height = above.bbox[3] - above.bbox[1]
    below = 0 <= line.bbox[1] - above.bbox[3] + height / 2 < height * RUN_GAP
    return above.page == line.page and below and line.bbox[0] < above.bbox[2] and above.bbox[0] < line.bbox[2]


def _warning(run: list[Unplaced]) -> ReadWarning:
    text = "".join(piece.text.strip() for piece in run)
    preview = unicodedata.normalize("NFKC", text)[:PREVIEW]
    box = union(piece.line.bbox for piece in run)
    return ReadWarning(
        kind="unplaced_text",
        message=f"text that reached no field: {preview!r}" + ("…" if len(text) > PREVIEW else ""),
        goal=run[0].goal,
        page=run[0].line.page,
        bbox=[round(value, 1) for value in box],
    )
