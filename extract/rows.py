"""A manifesto's record as the rows of the database's tables, and back (pure).

Kept apart from store.py, which writes them, so that a batch's worker process can turn what
it parsed into rows without importing the database: the rows travel to the batch's one writer
faster than the record's models would (a tenth of the time to unpickle), and the writer has
only SQL left to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models, which the batch's main process, storing rows, does not import
    from .extraction import Extraction
    from .models import Manifesto, ReadWarning

# The record's header fields, stored as they are in columns of `manifestos`.
HEADER_FIELDS = ("title", "fiscal_year", "era", "department", "position", "head", "aspiration")

_GOAL_PATH = re.compile(r"^goals\[(\d+)\]\.(.+)$")


@dataclass(frozen=True)
class GoalRows:
    """A goal's row and its children's rows (which get the goal's id when inserted)."""

    goal: dict
    milestones: list[dict]
    means: list[dict]


@dataclass(frozen=True)
class ManifestoRows:
    """Every row one Extraction becomes, table by table; the children get the manifesto's id when inserted."""

    manifesto: dict
    goals: list[GoalRows]
    rating_scale: list[dict]
    warnings: list[dict]
    provenance: list[dict]


def manifesto_rows(extraction: Extraction) -> ManifestoRows:
    """Given an Extraction, return its rows for every table (pure), but for the columns of `manifestos` that say
    where, when and by which version it was stored (path, municipality_code, extracted_at, tool_version), which
    store.store_rows adds.

    A record's `source.part` (its place in a file holding several manifestos) and
    `coverage` are stored when the record has them, else part 1 and NULL.
    """
    record = extraction.record
    source = record.source
    manifesto = {
        "sha256": source.sha256,
        "part": getattr(source, "part", 1),
        "first_page": getattr(source, "first_page", None),
        "last_page": getattr(source, "last_page", None),
        "file": source.file,
        "pages": source.pages,
        **record.model_dump(include=set(HEADER_FIELDS)),
        "ocr": int(record.ocr),
        "coverage": getattr(record, "coverage", None),
    }
    goals = [
        GoalRows(
            goal=goal.model_dump(exclude={"milestones", "means"}),
            milestones=[{"seq": seq, **m.model_dump()} for seq, m in enumerate(goal.milestones, 1)],
            means=[{"seq": seq, "text": text} for seq, text in enumerate(goal.means, 1)],
        )
        for goal in record.goals
    ]
    provenance = []
    for trace in extraction.traces:
        found = _GOAL_PATH.match(trace.path)
        goal, field = (record.goals[int(found[1])].number, found[2]) if found else (None, trace.path)
        x0, top, x1, bottom = trace.bbox
        provenance.append(
            {"path": trace.path, "goal": goal, "field": field, "page": trace.page,
             "x0": x0, "top": top, "x1": x1, "bottom": bottom, "confidence": trace.confidence}
        )
    return ManifestoRows(
        manifesto=manifesto,
        goals=goals,
        rating_scale=[{"seq": seq, **level.model_dump()} for seq, level in enumerate(record.rating_scale, 1)],
        warnings=[{"seq": seq, **_warning_row(w)} for seq, w in enumerate(record.warnings, 1)],
        provenance=provenance,
    )


_BOX = ("x0", "top", "x1", "bottom")


def _warning_row(warning: ReadWarning) -> dict:
    """Given a warning, return its row: the box where the text lies as four columns, like provenance's."""
    row = warning.model_dump(exclude={"bbox"})
    return {**row, **dict(zip(_BOX, warning.bbox or (None,) * 4))}


def _warning_of(row: dict) -> dict:
    """Given a warning's row, return the warning's fields (the inverse of _warning_row)."""
    box = [row.get(key) for key in _BOX]
    fields = {k: v for k, v in row.items() if k not in ("manifesto", "seq", *_BOX)}
    return {**fields, "bbox": box if None not in box else None}


def record_from_rows(rows: ManifestoRows) -> Manifesto:
    """Given a manifesto's rows (as manifesto_rows makes them, or as read back), return its record (pure).

    The inverse of manifesto_rows: every contract field is stored, so the record comes back whole.
    """
    from .models import Manifesto, Source  # by the commands that read records back, not by a batch

    # the source fields beyond file, sha256 and pages that the record's model has (issue 13 adds them)
    source_parts = [field for field in ("part", "first_page", "last_page") if field in Source.model_fields]
    row = rows.manifesto
    source = {field: row[field] for field in ("file", "sha256", "pages", *source_parts)}
    # coverage is NULL where never measured (rows migrated from schema 0): the record then keeps the model's default
    extras = {field: row[field] for field in ("coverage",) if field in Manifesto.model_fields and row[field] is not None}
    return Manifesto(
        source=source,
        **{field: row[field] for field in HEADER_FIELDS},
        rating_scale=[{"score": level["score"], "label": level["label"]} for level in rows.rating_scale],
        goals=[
            {
                **{k: v for k, v in goal.goal.items() if k not in ("id", "manifesto")},
                "milestones": [{k: v for k, v in m.items() if k not in ("goal", "seq")} for m in goal.milestones],
                "means": [means["text"] for means in goal.means],
            }
            for goal in rows.goals
        ],
        ocr=bool(row["ocr"]),
        warnings=[_warning_of(w) for w in rows.warnings],
        **extras,
    )

